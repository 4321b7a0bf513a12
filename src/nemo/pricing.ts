/**
 * What NemoVideo charges (nemo-api.md §7, approximate): the one place the bot's texts quote costs from.
 * Exporting is free.
 */
export const CREDIT_COSTS = { generation: 100, edit: 50 } as const;
