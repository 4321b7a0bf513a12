export { type ChatProgress, createChatProgress, isPrivateChat, REACTION } from "./chat-progress";
export { createGroupPace, type GroupPace } from "./group-pace";
export { createTurnProgress, stopButtons, type TurnProgress } from "./turn-progress";
