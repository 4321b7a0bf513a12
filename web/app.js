// The local web chat's page: shows a Telegram chat as the Bot API fake holds it (live over SSE) and sends
// what the person types, attaches or presses to the web chat server, which turns it into Telegram updates.

const $ = (id) => document.getElementById(id);
const els = {
  messages: $("messages"),
  empty: $("empty"),
  title: $("chat-title"),
  status: $("chat-status"),
  avatar: $("chat-avatar"),
  tabPrivate: $("tab-private"),
  tabGroup: $("tab-group"),
  composer: $("composer"),
  text: $("text"),
  send: $("send-button"),
  attach: $("attach-button"),
  fileInput: $("file-input"),
  staging: $("staging"),
  stagingItems: $("staging-items"),
  stagingClear: $("staging-clear"),
  replyBar: $("reply-bar"),
  replySnippet: $("reply-bar-snippet"),
  replyCancel: $("reply-cancel"),
  menuButton: $("menu-button"),
  commandsMenu: $("commands-menu"),
  dropOverlay: $("drop-overlay"),
};

const ACTION_TEXT = {
  typing: "typing…",
  upload_video: "sending a video…",
  record_video: "recording a video…",
  upload_photo: "sending a photo…",
  upload_document: "sending a file…",
  choose_sticker: "choosing a sticker…",
};

const state = {
  config: undefined,
  mode: "private",
  chatId: 0,
  source: undefined,
  /** key → { el, sig } for rendered rows. */
  rows: new Map(),
  messages: [],
  staged: [],
  replyTo: undefined,
  actionsSeen: -1,
  actionTimer: undefined,
  busy: false,
  localNotices: [],
  /** Whether the list follows new messages (the person has not scrolled up). */
  stickToBottom: true,
};

// ---------- helpers ----------

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function safeUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return ["http:", "https:", "tg:", "mailto:"].includes(parsed.protocol) ? parsed.href : "#";
  } catch {
    return "#";
  }
}

/** Telegram entities (UTF-16 offsets, as JS strings count) → HTML; nested entities are rendered inside. */
function renderEntities(text, entities) {
  const sorted = [...(entities ?? [])]
    .filter((e) => e.length > 0 && e.offset >= 0 && e.offset + e.length <= text.length)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  function render(start, end, list) {
    let html = "";
    let cursor = start;
    let i = 0;
    while (i < list.length) {
      const entity = list[i];
      const eEnd = entity.offset + entity.length;
      if (entity.offset < cursor) {
        i++;
        continue;
      }
      html += escapeHtml(text.slice(cursor, entity.offset));
      const inner = [];
      i++;
      while (i < list.length && list[i].offset < eEnd) {
        if (list[i].offset + list[i].length <= eEnd) inner.push(list[i]);
        i++;
      }
      html += wrap(entity, render(entity.offset, Math.min(eEnd, end), inner), text.slice(entity.offset, eEnd));
      cursor = Math.min(eEnd, end);
    }
    return html + escapeHtml(text.slice(cursor, end));
  }
  return render(0, text.length, sorted);
}

function wrap(entity, inner, raw) {
  switch (entity.type) {
    case "bold":
      return `<b>${inner}</b>`;
    case "italic":
      return `<i>${inner}</i>`;
    case "underline":
      return `<u>${inner}</u>`;
    case "strikethrough":
      return `<s>${inner}</s>`;
    case "code":
      return `<code>${inner}</code>`;
    case "pre":
      return `<pre>${inner}</pre>`;
    case "spoiler":
      return `<span class="spoiler" onclick="this.classList.toggle('shown')">${inner}</span>`;
    case "blockquote":
    case "expandable_blockquote":
      return `<blockquote>${inner}</blockquote>`;
    case "text_link":
      return `<a href="${escapeHtml(safeUrl(entity.url))}" target="_blank" rel="noopener">${inner}</a>`;
    case "url":
      return `<a href="${escapeHtml(safeUrl(raw))}" target="_blank" rel="noopener">${inner}</a>`;
    case "mention":
      return `<span class="mention">${inner}</span>`;
    case "bot_command":
      return `<span class="command" role="button" tabindex="0" data-command="${escapeHtml(raw)}">${inner}</span>`;
    case "hashtag":
      return `<span class="hashtag">${inner}</span>`;
    default:
      return inner;
  }
}

/** The message's own time (Telegram's `date`, Unix seconds), so it stays the same after a reload. */
function timeOf(message) {
  const date = message?.date ? new Date(message.date * 1000) : new Date();
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

function formatSize(bytes) {
  if (!bytes) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function api(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

function snippetOf(message) {
  if (!message) return "a message";
  if (message.text) return message.text.slice(0, 80);
  if (message.caption) return message.caption.slice(0, 80);
  if (message.media)
    return { photo: "Photo", video: "Video", animation: "GIF", document: "File" }[message.media.kind] ?? "Media";
  return "a message";
}

// ---------- rendering ----------

/** Consecutive items of one album from one side render as one bubble, as Telegram shows them. */
function groupMessages(messages) {
  const groups = [];
  for (const message of messages) {
    const last = groups.at(-1);
    if (
      last &&
      message.media_group_id &&
      last.album === message.media_group_id &&
      last.items[0].from_bot === message.from_bot
    ) {
      last.items.push(message);
      continue;
    }
    groups.push({
      key: message.media_group_id ? `g${message.media_group_id}` : `m${message.message_id}`,
      album: message.media_group_id,
      items: [message],
    });
  }
  return groups;
}

function renderText(message) {
  const text = message.text ?? message.caption;
  if (!text) return "";
  const given = (message.text !== undefined ? message.entities : message.caption_entities) ?? [];
  // Telegram's apps make every /command in a bot's text tappable, with or without an entity for it.
  const commands = message.from_bot ? commandEntities(text, given) : [];
  return `<div class="text">${renderEntities(text, [...given, ...commands])}</div>`;
}

function commandEntities(text, entities) {
  const found = [];
  for (const match of text.matchAll(/(?<![\w/])\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z][a-zA-Z0-9_]{4,31})?(?![\w@/])/g)) {
    const offset = match.index ?? 0;
    const end = offset + match[0].length;
    // Inside a link or code the text is not a command.
    if (entities.some((e) => offset < e.offset + e.length && end > e.offset)) continue;
    found.push({ type: "bot_command", offset, length: match[0].length });
  }
  return found;
}

function renderMediaHtml(items) {
  const photos = items.filter((m) => m.media?.kind === "photo");
  let html = "";
  if (photos.length) {
    const n = photos.length;
    const cls = n === 1 ? "n1" : n === 2 ? "n2" : n === 3 ? "n3" : n === 4 ? "n4" : "many";
    html += `<div class="media-grid ${cls}">${photos
      .map((m) => `<img src="${m.media.url}" alt="Photo" loading="lazy" data-open="${m.media.url}">`)
      .join("")}</div>`;
  }
  for (const m of items) {
    const media = m.media;
    if (!media || media.kind === "photo") continue;
    if (media.kind === "video") {
      html += `<div class="video-wrap"><video controls playsinline preload="metadata" src="${media.url}"></video></div>`;
    } else if (media.kind === "animation") {
      html += `<div class="video-wrap"><video autoplay loop muted playsinline src="${media.url}"></video></div>`;
    } else {
      html += `<a class="doc" href="${media.url}" target="_blank" download="${escapeHtml(media.file_name ?? "file")}">
        <span class="doc-icon">⬇</span>
        <span><div class="doc-name">${escapeHtml(media.file_name ?? "File")}</div><div class="doc-size">${formatSize(media.size)}</div></span></a>`;
    }
  }
  return html;
}

function renderKeyboard(message) {
  const rows = message.reply_markup?.inline_keyboard;
  if (!rows?.length) return "";
  return `<div class="keyboard">${rows
    .map(
      (row) =>
        `<div class="kb-row">${row
          .map((button) => {
            const label = escapeHtml(button.text ?? "");
            if (button.url) {
              return `<a class="kb-button" href="${escapeHtml(safeUrl(button.url))}" target="_blank" rel="noopener">${label}<span class="kb-link">↗</span></a>`;
            }
            if (button.callback_data !== undefined) {
              return `<button type="button" class="kb-button" data-message="${message.message_id}" data-callback="${escapeHtml(button.callback_data)}">${label}</button>`;
            }
            return `<button type="button" class="kb-button" disabled>${label}</button>`;
          })
          .join("")}</div>`,
    )
    .join("")}</div>`;
}

function renderGroup(group) {
  const items = group.items;
  const first = items[0];
  const out = !first.from_bot;
  const textSource = items.find((m) => m.text !== undefined || m.caption !== undefined) ?? first;
  const hasMedia = items.some((m) => m.media);
  const textHtml = renderText(textSource);
  const mediaOnly = hasMedia && !textHtml;
  const edited = items.some((m) => m.edited);
  const sender =
    state.mode === "group" && first.from_bot
      ? `<div class="sender">${escapeHtml(state.config.bot.first_name)}</div>`
      : "";
  let quote = "";
  if (first.reply_to_message_id) {
    const replied = state.messages.find((m) => m.message_id === first.reply_to_message_id);
    const who = replied ? (replied.from_bot ? state.config.bot.first_name : state.config.user.first_name) : "";
    quote = `<div class="reply-quote"><b>${escapeHtml(who)}</b>${escapeHtml(snippetOf(replied))}</div>`;
  }
  const meta = `<span class="meta">${edited ? "edited " : ""}${timeOf(first)}${out ? " ✓✓" : ""}</span>`;
  // The bot's reaction on this message (👀 while it works, 👌 done, 😢 failed), as Telegram shows it.
  const reaction = items.map((m) => m.reaction).find(Boolean);
  const reactionHtml = reaction
    ? `<span class="reaction" title="Reaction from the bot">${escapeHtml(reaction)}</span>`
    : "";
  // A file's bubble keeps its time on its own line: over the file it would cover the size.
  const docOnly = mediaOnly && items.every((m) => !m.media || m.media.kind === "document");
  const bubbleClass = `bubble${hasMedia ? " has-media" : ""}${mediaOnly && !docOnly ? " media-only" : ""}${docOnly ? " doc-only" : ""}`;
  return `<div class="line"><div class="msg"><div class="${bubbleClass}">${sender}${quote}${renderMediaHtml(items)}${textHtml}${reactionHtml}${meta}</div>
    ${renderKeyboard(items.at(-1))}</div>
    <button type="button" class="reply-action" title="Reply" data-reply="${first.message_id}">↩</button></div>`;
}

function render(data) {
  if (data.chatId !== state.chatId) return;
  state.messages = data.messages;
  const box = els.messages;
  const nearBottom = state.stickToBottom;
  const groups = groupMessages(data.messages);
  const seen = new Set();
  let added = false;
  const ordered = [];
  for (const group of groups) {
    const sig = JSON.stringify(group.items);
    seen.add(group.key);
    let row = state.rows.get(group.key);
    if (!row || row.sig !== sig) {
      const el = row?.el ?? document.createElement("div");
      el.className = `row ${group.items[0].from_bot ? "in" : "out"}${row ? "" : " new"}`;
      el.dataset.key = group.key;
      el.dataset.messageId = String(group.items[0].message_id);
      // Keep a playing video element when only the text or buttons around it changed.
      const video = row ? el.querySelector(".video-wrap video") : null;
      el.innerHTML = renderGroup(group);
      if (video) {
        const fresh = el.querySelector(".video-wrap video");
        if (fresh && fresh.getAttribute("src") === video.getAttribute("src")) fresh.replaceWith(video);
      }
      row = { el, sig };
      state.rows.set(group.key, row);
    }
    ordered.push(row.el);
  }
  for (const [key, row] of state.rows) {
    if (!seen.has(key)) {
      row.el.remove();
      state.rows.delete(key);
    }
  }
  const notices = [...(data.notices ?? []), ...state.localNotices].map((text) => {
    const el = document.createElement("div");
    el.className = "system error";
    el.textContent = text;
    return el;
  });
  for (const old of box.querySelectorAll(".system")) old.remove();
  // Reorder only what moved, so media elements are not reloaded.
  let previous = null;
  for (const el of ordered) {
    const expected = previous ? previous.nextSibling : box.firstChild;
    if (expected !== el) {
      box.insertBefore(el, expected);
      added = true;
    }
    previous = el;
  }
  // The bot's live draft (private chats): a grey bubble that grows, gone when the real message arrives.
  for (const old of box.querySelectorAll(".row.draft")) old.remove();
  if (data.draft?.text !== undefined) {
    const el = document.createElement("div");
    el.className = "row in draft";
    el.innerHTML = `<div class="line"><div class="msg"><div class="bubble draft-bubble"><div class="text">${escapeHtml(
      data.draft.text || "…",
    ).replace(/\n/g, "<br>")}</div><span class="meta">typing…</span></div></div></div>`;
    box.appendChild(el);
    added = true;
  }
  for (const el of notices) box.appendChild(el);
  els.empty.hidden = groups.length > 0;
  if (els.empty.hidden) els.empty.remove();
  else if (!els.empty.isConnected) box.prepend(els.empty);
  if (nearBottom || added) box.scrollTop = box.scrollHeight;
  showAction(data);
}

function showAction(data) {
  const baseline = state.mode === "group" ? "2 members, bot included" : "bot";
  if (state.actionsSeen >= 0 && data.actions > state.actionsSeen && data.lastAction) {
    els.status.textContent = ACTION_TEXT[data.lastAction] ?? `${data.lastAction.replace(/_/g, " ")}…`;
    els.status.classList.add("active");
    clearTimeout(state.actionTimer);
    // Telegram shows a chat action for 5 seconds or until the bot's next message.
    state.actionTimer = setTimeout(() => {
      els.status.textContent = baseline;
      els.status.classList.remove("active");
    }, 5000);
  } else if (state.actionsSeen < 0) {
    els.status.textContent = baseline;
  }
  state.actionsSeen = data.actions;
}

// ---------- chat switching and live updates ----------

function openChat(mode) {
  state.mode = mode;
  const chat = state.config.chats[mode];
  state.chatId = chat.id;
  state.rows.clear();
  state.actionsSeen = -1;
  state.localNotices = [];
  state.stickToBottom = true;
  els.messages.replaceChildren(els.empty);
  els.empty.hidden = false;
  els.tabPrivate.classList.toggle("active", mode === "private");
  els.tabGroup.classList.toggle("active", mode === "group");
  els.tabPrivate.setAttribute("aria-selected", String(mode === "private"));
  els.tabGroup.setAttribute("aria-selected", String(mode === "group"));
  els.title.textContent = mode === "group" ? chat.title : state.config.bot.first_name;
  els.avatar.textContent = (mode === "group" ? chat.title : state.config.bot.first_name).slice(0, 1);
  els.avatar.classList.toggle("group", mode === "group");
  els.status.textContent = mode === "group" ? "2 members, bot included" : "bot";
  els.text.placeholder = mode === "group" ? `@${state.config.bot.username} + your request` : "Message";
  document.body.dataset.chat = mode;
  setReply(undefined);
  els.commandsMenu.hidden = true;
  state.source?.close();
  const source = new EventSource(`/api/events?chat=${state.chatId}`);
  source.addEventListener("chat", (event) => render(JSON.parse(event.data)));
  state.source = source;
}

// ---------- sending ----------

function setReply(messageId) {
  state.replyTo = messageId;
  els.replyBar.hidden = messageId === undefined;
  if (messageId !== undefined) {
    els.replySnippet.textContent = snippetOf(state.messages.find((m) => m.message_id === messageId));
    els.text.focus();
  }
}

function autoGrow() {
  els.text.style.height = "auto";
  els.text.style.height = `${Math.min(160, els.text.scrollHeight)}px`;
}

function notice(text) {
  state.localNotices.push(text);
  const el = document.createElement("div");
  el.className = "system error";
  el.textContent = text;
  els.messages.appendChild(el);
  els.messages.scrollTop = els.messages.scrollHeight;
}

async function sendText(text) {
  await api("/api/send", { chat: state.chatId, text, ...(state.replyTo ? { replyTo: state.replyTo } : {}) });
}

/** Photos are re-encoded as JPEG like Telegram does (longest side ≤ 2560), which also gives their size. */
async function preparePhoto(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 2560 / Math.max(bitmap.width, bitmap.height));
    const width = Math.round(bitmap.width * scale);
    const height = Math.round(bitmap.height * scale);
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
    if (!blob) throw new Error("no JPEG");
    return { blob, name: `${file.name.replace(/\.[^.]+$/, "")}.jpg`, type: "image/jpeg", kind: "photo", width, height };
  } catch {
    return { blob: file, name: file.name, type: file.type || "application/octet-stream", kind: "document" };
  }
}

function probeVideo(file) {
  return new Promise((resolve) => {
    const video = document.createElement("video");
    const url = URL.createObjectURL(file);
    const done = (info) => {
      URL.revokeObjectURL(url);
      resolve(info);
    };
    const timer = setTimeout(() => done({}), 3000);
    video.preload = "metadata";
    video.onloadedmetadata = () => {
      clearTimeout(timer);
      done({ width: video.videoWidth, height: video.videoHeight, duration: video.duration });
    };
    video.onerror = () => {
      clearTimeout(timer);
      done({});
    };
    video.src = url;
  });
}

async function prepare(file) {
  const type = file.type || "";
  if (type.startsWith("image/") && type !== "image/gif" && type !== "image/svg+xml") return preparePhoto(file);
  if (type.startsWith("video/")) {
    const info = await probeVideo(file);
    return { blob: file, name: file.name, type, kind: "video", ...info };
  }
  return { blob: file, name: file.name, type: type || "application/octet-stream", kind: "document" };
}

async function sendStaged(caption) {
  const files = state.staged.splice(0);
  renderStaging();
  const prepared = await Promise.all(files.map((s) => prepare(s.file)));
  const items = [];
  for (const item of prepared) {
    const response = await fetch("/api/files", {
      method: "POST",
      headers: { "content-type": item.type, "x-file-name": encodeURIComponent(item.name) },
      body: item.blob,
    });
    if (!response.ok) throw new Error(`upload failed: HTTP ${response.status}`);
    const { file_id } = await response.json();
    items.push({ file_id, kind: item.kind, width: item.width, height: item.height, duration: item.duration });
  }
  await api("/api/send-media", { chat: state.chatId, caption, items });
}

async function submit() {
  if (state.busy) return;
  const text = els.text.value.trim();
  if (!text && state.staged.length === 0) return;
  state.busy = true;
  els.send.disabled = true;
  try {
    if (state.staged.length) await sendStaged(text);
    else await sendText(text);
    els.text.value = "";
    autoGrow();
    setReply(undefined);
  } catch (error) {
    notice(`Could not send: ${error.message}`);
  } finally {
    state.busy = false;
    els.send.disabled = false;
    els.text.focus();
  }
}

// ---------- attachments ----------

function stage(fileList) {
  for (const file of fileList) {
    const preview = file.type.startsWith("image/") ? URL.createObjectURL(file) : undefined;
    state.staged.push({ file, preview });
  }
  renderStaging();
  els.text.placeholder = "Add a caption…";
  els.text.focus();
}

function renderStaging() {
  els.staging.hidden = state.staged.length === 0;
  els.stagingItems.replaceChildren(
    ...state.staged.map((s) => {
      const el = document.createElement("div");
      el.className = "staging-item";
      if (s.preview) el.style.backgroundImage = `url("${s.preview}")`;
      else el.textContent = s.file.name;
      el.title = s.file.name;
      return el;
    }),
  );
  if (state.staged.length === 0 && state.config) {
    els.text.placeholder = state.mode === "group" ? `@${state.config.bot.username} + your request` : "Message";
  }
}

// ---------- commands menu ----------

function renderCommands() {
  const list = state.config.commands[state.mode] ?? [];
  const suffix = state.mode === "group" ? `@${state.config.bot.username}` : "";
  els.commandsMenu.replaceChildren(
    ...(list.length
      ? list.map((c) => {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "command-item";
          button.innerHTML = `<span class="name">/${escapeHtml(c.command)}</span><span class="desc">${escapeHtml(c.description)}</span>`;
          button.addEventListener("click", () => {
            els.commandsMenu.hidden = true;
            els.text.value = `/${c.command}${suffix}`;
            submit();
          });
          return button;
        })
      : [
          Object.assign(document.createElement("div"), {
            className: "command-item",
            textContent: "No commands registered.",
          }),
        ]),
  );
}

// ---------- events ----------

els.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
els.text.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  }
});
els.text.addEventListener("input", autoGrow);
els.messages.addEventListener("scroll", () => {
  const box = els.messages;
  state.stickToBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 120;
});
// Photos and videos get their height when they load: keep following the newest message.
for (const type of ["load", "loadedmetadata"]) {
  els.messages.addEventListener(
    type,
    () => {
      if (state.stickToBottom) els.messages.scrollTop = els.messages.scrollHeight;
    },
    true,
  );
}
els.text.addEventListener("paste", (event) => {
  const files = [...(event.clipboardData?.files ?? [])];
  if (files.length) {
    event.preventDefault();
    stage(files);
  }
});
els.attach.addEventListener("click", () => els.fileInput.click());
els.fileInput.addEventListener("change", () => {
  stage([...els.fileInput.files]);
  els.fileInput.value = "";
});
els.stagingClear.addEventListener("click", () => {
  state.staged = [];
  renderStaging();
});
els.replyCancel.addEventListener("click", () => setReply(undefined));
els.menuButton.addEventListener("click", () => {
  renderCommands();
  els.commandsMenu.hidden = !els.commandsMenu.hidden;
});
els.tabPrivate.addEventListener("click", () => state.mode !== "private" && openChat("private"));
els.tabGroup.addEventListener("click", () => state.mode !== "group" && openChat("group"));

els.messages.addEventListener("click", async (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  const button = target.closest("button.kb-button[data-callback]");
  if (button) {
    button.classList.add("pending");
    try {
      await api("/api/callback", {
        chat: state.chatId,
        messageId: Number(button.dataset.message),
        data: button.dataset.callback,
      });
    } catch (error) {
      notice(`Could not press the button: ${error.message}`);
    } finally {
      setTimeout(() => button.classList.remove("pending"), 600);
    }
    return;
  }
  const command = target.closest(".command[data-command]");
  if (command) {
    await sendText(command.dataset.command);
    return;
  }
  const reply = target.closest("[data-reply]");
  if (reply) return setReply(Number(reply.dataset.reply));
  const image = target.closest("img[data-open]");
  if (image) window.open(image.dataset.open, "_blank");
});

let dragDepth = 0;
window.addEventListener("dragenter", (event) => {
  if (![...(event.dataTransfer?.types ?? [])].includes("Files")) return;
  dragDepth++;
  els.dropOverlay.hidden = false;
});
window.addEventListener("dragleave", () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) els.dropOverlay.hidden = true;
});
window.addEventListener("dragover", (event) => event.preventDefault());
window.addEventListener("drop", (event) => {
  event.preventDefault();
  dragDepth = 0;
  els.dropOverlay.hidden = true;
  const files = [...(event.dataTransfer?.files ?? [])];
  if (files.length) stage(files);
});

// ---------- start ----------

async function start() {
  const response = await fetch("/api/config");
  state.config = await response.json();
  const initial = new URLSearchParams(location.search).get("chat") === "group" ? "group" : "private";
  openChat(initial);
  els.text.focus();
}

start().catch((error) => notice(`The web chat could not start: ${error.message}`));
