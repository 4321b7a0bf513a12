/**
 * The Worker the end-to-end tests run: the production entry, with the chat's Durable Object replaced by
 * its test subclass under the class name wrangler.toml and the test stack bind (ChatDurableObject).
 */
export { default, StatsDurableObject } from "../../../src/index";
export { TestChatDurableObject as ChatDurableObject } from "./chat-do-testing";
