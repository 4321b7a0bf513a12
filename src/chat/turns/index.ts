export { createTurnEndings } from "./endings";
export { createExtrasOffers, type ExtrasOffers } from "./extras-offer";
export { TurnQueue } from "./queue";
