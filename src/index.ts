import { app } from "./app";

export { ChatDurableObject } from "./chat/chat-do";
export { StatsDurableObject } from "./operator/stats";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
