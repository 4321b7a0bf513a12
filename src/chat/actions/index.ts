/** What grammY calls: the quick answers, the chat-wide changes (/new, /forget, language) and /token. */
export { type ChatActionsWork, createChatActions } from "./chat-actions";
export { createTokenActions, type TokenActions } from "./token-actions";
