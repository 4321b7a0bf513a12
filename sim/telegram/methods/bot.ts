import type { BotCommand } from "@grammyjs/types";
import { badRequest } from "../errors.js";
import { optionalArray, optionalObject, optionalString } from "../params.js";
import type { MethodHandler } from "../state.js";
import type { Params } from "../types.js";

const getMe: MethodHandler = ({ state }) => state.botInfo;

/** Commands are stored per scope and language; an absent scope is `{type:"default"}`. */
function commandsKey(params: Params): string {
  const scope = optionalObject(params, "scope") ?? { type: "default" };
  const type = typeof scope.type === "string" ? scope.type : "";
  const scopes = [
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
  ];
  if (!scopes.includes(type)) throw badRequest("unsupported bot command scope type");
  if (type.startsWith("chat") && scope.chat_id === undefined) throw badRequest("chat_id is empty");
  if (type === "chat_member" && scope.user_id === undefined) throw badRequest("user_id is empty");
  const language = optionalString(params, "language_code") ?? "";
  if (language !== "" && !/^[a-z]{2}$/.test(language)) throw badRequest("LANG_CODE_INVALID");
  const normalized = {
    type,
    chat_id: scope.chat_id === undefined ? undefined : Number(scope.chat_id),
    user_id: scope.user_id,
  };
  return `${JSON.stringify(normalized)}|${language}`;
}

const setMyCommands: MethodHandler = ({ state, params }) => {
  const commands = optionalArray(params, "commands");
  if (!commands) throw badRequest('parameter "commands" is required');
  if (commands.length > 100) throw badRequest("too many commands specified");
  const parsed: BotCommand[] = commands.map((item) => {
    const command = item && typeof item === "object" && !Array.isArray(item) ? (item as Params) : {};
    const name = typeof command.command === "string" ? command.command.replace(/^\//, "") : "";
    const description = typeof command.description === "string" ? command.description : "";
    if (!/^[a-z0-9_]{1,32}$/.test(name)) throw badRequest("BOT_COMMAND_INVALID");
    if (description.trim().length === 0 || description.length > 256)
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    return { command: name, description };
  });
  const key = commandsKey(params);
  if (parsed.length === 0) state.commands.delete(key);
  else state.commands.set(key, parsed);
  return true;
};

const getMyCommands: MethodHandler = ({ state, params }) => state.commands.get(commandsKey(params)) ?? [];

const deleteMyCommands: MethodHandler = ({ state, params }) => {
  state.commands.delete(commandsKey(params));
  return true;
};

/** Only queries Telegram delivered and nobody answered yet can be answered. */
const answerCallbackQuery: MethodHandler = ({ state, params }) => {
  const id = optionalString(params, "callback_query_id") ?? "";
  if (!state.openCallbackQueries.delete(id)) {
    throw badRequest("query is too old and response timeout expired or query ID is invalid");
  }
  const text = optionalString(params, "text");
  if (text !== undefined && text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
  return true;
};

export const botMethods: Record<string, MethodHandler> = {
  getMe,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  answerCallbackQuery,
};
