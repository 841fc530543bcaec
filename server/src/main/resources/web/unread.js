// Unread counts per chat, cleared when the chat is opened, and their total in the tab title. The server keeps each
// user's read mark per chat and derives the counts (GET /web/api/unread), so they are the same on every node and
// every tab and survive a reload; the page adds the messages that arrive meanwhile and tells the server what it read
// (POST /web/api/chats/:id/read), which tells the user's other pages (a `read` frame). See docs/web-protocol.md.

const DISPLAY_LIMIT = 99;
const MARK_DELAY_MS = 150;

/** A message's place in its chat's order: creation time, then message id (as the server orders them). */
export function positionOf(message) {
  return { time: Number(message.create_time) || 0, id: String(message.message_id || '') };
}

/** Negative, zero or positive as position `a` comes before, at or after `b`; a missing position comes first. */
export function comparePositions(a, b) {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** What a count shows: nothing, the number, or "99+". */
export function badgeText(count) {
  if (!count) return '';
  return count > DISPLAY_LIMIT ? `${DISPLAY_LIMIT}+` : String(count);
}

/**
 * The counts, without the DOM. Per chat: `base` unread messages the server counted up to `newest`, plus the ones that
 * arrived since (`extra`, by message id, so a changed message is not counted twice), and the read mark `read`.
 */
export class UnreadCounts {
  constructor() {
    this.chats = new Map();
  }

  #chat(chatId) {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = { base: 0, newest: null, read: null, extra: new Map() };
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  /** Takes the server's counts (`[{chat_id, unread, read, newest}]`); later arrivals stay counted. */
  load(entries) {
    for (const entry of entries || []) {
      const chat = this.#chat(entry.chat_id);
      chat.base = Number(entry.unread) || 0;
      chat.newest = entry.newest ? positionOf(entry.newest) : null;
      if (entry.read && comparePositions(positionOf(entry.read), chat.read) > 0) chat.read = positionOf(entry.read);
      for (const [id, position] of chat.extra) if (comparePositions(position, chat.newest) <= 0) chat.extra.delete(id);
    }
  }

  /** Counts a message someone else sent, unless it was read or counted already; returns whether it counted. */
  offer(chatId, message) {
    const chat = this.#chat(chatId);
    const position = positionOf(message);
    if (comparePositions(position, chat.read) <= 0 || comparePositions(position, chat.newest) <= 0) return false;
    if (chat.extra.has(position.id)) return false;
    chat.extra.set(position.id, position);
    return true;
  }

  /**
   * The chat was read up to `position` (here or in another tab). Returns false when the server's count may still
   * hold messages after it (the mark lies before the newest message the server counted): reload the counts then.
   */
  readUpTo(chatId, position) {
    const chat = this.#chat(chatId);
    if (comparePositions(position, chat.read) > 0) chat.read = position;
    for (const [id, p] of chat.extra) if (comparePositions(p, chat.read) <= 0) chat.extra.delete(id);
    if (chat.base === 0 || comparePositions(chat.read, chat.newest) >= 0) {
      chat.base = 0;
      return true;
    }
    return false;
  }

  /** The read mark of a chat (null when never read). */
  read(chatId) {
    return this.#chat(chatId).read;
  }

  count(chatId) {
    const chat = this.chats.get(chatId);
    return chat ? chat.base + chat.extra.size : 0;
  }

  total() {
    let sum = 0;
    for (const chatId of this.chats.keys()) sum += this.count(chatId);
    return sum;
  }
}

/**
 * The page's side: badges in the chat list, the tab title, marking the open chat read while the tab is visible.
 *
 * `openChat()` returns `{chatId, newest}` (the open chat and the newest message it shows) or null.
 */
export class UnreadTracker {
  constructor({ api, selfId, list, openChat, baseTitle = document.title, isVisible = () => document.visibilityState === 'visible' }) {
    this.api = api;
    this.selfId = selfId;
    this.list = list;
    this.openChat = openChat;
    this.baseTitle = baseTitle;
    this.isVisible = isVisible;
    this.counts = new UnreadCounts();
    this.markTimers = new Map();
    document.addEventListener('visibilitychange', () => {
      if (this.isVisible()) this.#readOpenChat();
    });
  }

  /** Loads the server's counts (at start and after a reconnect). */
  async reload() {
    try {
      this.counts.load(await this.api.request('GET', '/web/api/unread'));
    } catch (err) {
      // the counts stay as they were; the next reconnect reloads them
    }
    this.#readOpenChat();
    this.paint();
  }

  /** A new message arrived (a `message` frame for a message the page did not hold). */
  messageArrived(chatId, message) {
    if (!message || (message.sender && message.sender.id === this.selfId)) return;
    const open = this.openChat();
    if (open && open.chatId === chatId && this.isVisible()) {
      this.#markRead(chatId, message);
      return;
    }
    if (this.counts.offer(chatId, message)) this.paint();
  }

  /**
   * A chat was opened: it is read up to its newest message, if the tab is visible (a page loading in a background tab
   * reads nothing; the chat is read when the tab is shown).
   */
  chatOpened(chatId, newest) {
    if (newest && this.isVisible()) this.#markRead(chatId, newest);
    else this.paint();
  }

  /** A `read` frame: the user read a chat in this or another page. */
  readFrame(frame) {
    if (!frame || !frame.read) return;
    if (!this.counts.readUpTo(frame.chat_id, positionOf(frame.read))) {
      this.reload();
      return;
    }
    this.paint();
  }

  #readOpenChat() {
    const open = this.openChat();
    if (open && open.newest && this.isVisible()) this.#markRead(open.chatId, open.newest);
  }

  #markRead(chatId, message) {
    const position = positionOf(message);
    const alreadyRead = comparePositions(this.counts.read(chatId), position) >= 0;
    this.counts.readUpTo(chatId, position);
    this.paint();
    const pending = this.markTimers.get(chatId);
    if (alreadyRead || (pending && comparePositions(pending.position, position) >= 0)) return;
    if (pending) clearTimeout(pending.timer);
    // A burst of messages (or opening a chat, then its first update) costs one write.
    const timer = setTimeout(() => {
      this.markTimers.delete(chatId);
      this.api.request('POST', `/web/api/chats/${encodeURIComponent(chatId)}/read`, { message_id: position.id }).catch(() => {});
    }, MARK_DELAY_MS);
    this.markTimers.set(chatId, { position, timer });
  }

  /** Badges on the chat list (call after it is rendered) and the total in the tab title. */
  paint() {
    for (const item of this.list.querySelectorAll('[data-testid="chat-item"]')) {
      const count = this.counts.count(item.dataset.chatId);
      let badge = item.querySelector('[data-testid="unread-badge"]');
      if (count > 0) {
        if (!badge) {
          badge = document.createElement('span');
          badge.className = 'chat-badge';
          badge.dataset.testid = 'unread-badge';
          item.append(badge);
        }
        badge.textContent = badgeText(count);
        badge.dataset.count = String(count);
        item.classList.add('unread');
      } else {
        if (badge) badge.remove();
        item.classList.remove('unread');
      }
    }
    const total = this.counts.total();
    document.title = total > 0 ? `(${badgeText(total)}) ${this.baseTitle}` : this.baseTitle;
  }
}
