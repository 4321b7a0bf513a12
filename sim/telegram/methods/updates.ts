import { ApiError, badRequest } from "../errors.js";
import { optionalArray, optionalBool, optionalInt, optionalString } from "../params.js";
import type { MethodHandler } from "../state.js";

const setWebhook: MethodHandler = (ctx) => {
  const { state, params } = ctx;
  const url = optionalString(params, "url") ?? "";
  const secret = optionalString(params, "secret_token");
  if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
    throw badRequest("bad webhook: secret token contains unallowed characters");
  }
  const maxConnections = optionalInt(params, "max_connections") ?? 40;
  if (maxConnections < 1 || maxConnections > 100)
    throw badRequest("bad webhook: max_connections must be between 1 and 100");
  const allowed = optionalArray(params, "allowed_updates")?.map(String);
  if (optionalBool(params, "drop_pending_updates")) state.polling.clear();
  if (url === "") {
    // An empty url removes the webhook, as deleteWebhook does.
    const had = state.webhook.config !== undefined;
    state.webhook.config = undefined;
    ctx.description = had ? "Webhook was deleted" : "Webhook is already deleted";
    return true;
  }
  // Telegram insists on HTTPS on public ports; the fake also accepts local http so tests can run a plain server.
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
  }
  const previous = state.webhook.config;
  state.webhook.config = {
    url,
    secret,
    // Leaving allowed_updates out keeps the previous setting (Bot API §setWebhook).
    allowedUpdates: allowed ?? previous?.allowedUpdates ?? [],
    maxConnections,
  };
  state.polling.wakeAll();
  ctx.description = previous?.url === url ? "Webhook is already set" : "Webhook was set";
  return true;
};

const deleteWebhook: MethodHandler = (ctx) => {
  const { state, params } = ctx;
  if (optionalBool(params, "drop_pending_updates")) state.polling.clear();
  const had = state.webhook.config !== undefined;
  state.webhook.config = undefined;
  ctx.description = had ? "Webhook was deleted" : "Webhook is already deleted";
  return true;
};

const getWebhookInfo: MethodHandler = ({ state }) => {
  const { config, lastErrorDate, lastErrorMessage, pending } = state.webhook;
  if (!config) return { url: "", has_custom_certificate: false, pending_update_count: state.polling.size };
  return {
    url: config.url,
    has_custom_certificate: false,
    pending_update_count: pending,
    max_connections: config.maxConnections,
    ip_address: "127.0.0.1",
    ...(config.allowedUpdates.length ? { allowed_updates: config.allowedUpdates } : {}),
    ...(lastErrorDate === undefined ? {} : { last_error_date: lastErrorDate, last_error_message: lastErrorMessage }),
  };
};

const getUpdates: MethodHandler = async ({ state, params, signal }) => {
  if (state.webhook.config)
    throw new ApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  return state.polling.get(
    {
      offset: optionalInt(params, "offset"),
      limit: optionalInt(params, "limit"),
      timeoutSeconds: optionalInt(params, "timeout"),
      allowedUpdates: optionalArray(params, "allowed_updates")?.map(String),
    },
    signal,
  );
};

export const updateMethods: Record<string, MethodHandler> = { setWebhook, deleteWebhook, getWebhookInfo, getUpdates };
