import { app } from "./app";

export { ChatDurableObject } from "./chat/chat-do";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
