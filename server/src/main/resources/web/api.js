// The page's side of docs/web-protocol.md: HTTP calls under /web/api, the /web/ws socket with reconnect and resume,
// and CardFeed, which turns card frames that may arrive late, twice or out of order into an exact, in-order stream.

/** An HTTP error from /web/api: `status`, and the body's `code` and `msg` when it has them. */
export class ApiError extends Error {
  constructor(status, code, msg) {
    super(msg || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

/**
 * HTTP calls of the web chat; every call carries the viewer: `user` in development mode, the session cookie in the
 * production modes (never a credential in the URL).
 */
export class Api {
  constructor({ user = '', base = '', fetchImpl } = {}) {
    this.user = user;
    this.base = base;
    this.fetchImpl = fetchImpl || ((...args) => globalThis.fetch(...args));
  }

  query(extra = {}) {
    const params = new URLSearchParams();
    if (this.user) params.set('user', this.user);
    for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
    const s = params.toString();
    return s ? `?${s}` : '';
  }

  async request(method, path, body, extra) {
    const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await this.fetchImpl(`${this.base}${path}${this.query(extra)}`, init);
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, data && data.code, (data && data.msg) || `HTTP ${response.status}`);
    }
    return data;
  }

  session() { return this.request('GET', '/web/api/session'); }
  users() { return this.request('GET', '/web/api/users'); }
  chats() { return this.request('GET', '/web/api/chats'); }
  messages(chatId, limit = 50) { return this.request('GET', `/web/api/chats/${encodeURIComponent(chatId)}/messages`, undefined, { limit }); }
  sendText(chatId, text) { return this.request('POST', `/web/api/chats/${encodeURIComponent(chatId)}/messages`, { text }); }
  action(messageId, body) { return this.request('POST', `/web/api/messages/${encodeURIComponent(messageId)}/actions`, body); }
  forward(messageId, chatId) { return this.request('POST', `/web/api/messages/${encodeURIComponent(messageId)}/forward`, { chat_id: chatId }); }
  inspector(cardId) { return this.request('GET', `/web/api/cards/${encodeURIComponent(cardId)}/inspector`); }

  /** The WebSocket URL for this viewer. */
  socketUrl(location = globalThis.location) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}${this.base}/web/ws${this.query()}`;
  }
}

const MAX_PENDING_PER_CARD = 500;

/**
 * Orders card frames. `track(cardId, version)` says the page holds a card at `version` (loaded over HTTP or from a
 * `message` frame); `offer(frame)` takes a `card` or `snapshot` frame and returns {apply, gap}: the frames to apply
 * now, in version order, without duplicates, and whether a gap was seen (the page then sends `resume`, which the
 * server answers with exactly the missing frames). Frames of cards the page does not hold are ignored: after loading
 * a card the page lists it in `resume` and gets the frames that follow its version.
 */
export class CardFeed {
  constructor() {
    this.cards = new Map(); // cardId → {version, pending: Map<version, frame>} of the cards the page holds
  }

  #entry(cardId) {
    let entry = this.cards.get(cardId);
    if (!entry) {
      entry = { version: -1, pending: new Map() };
      this.cards.set(cardId, entry);
    }
    return entry;
  }

  /** Starts (or restarts) tracking a card held at `version`; returns held frames that now apply. */
  track(cardId, version) {
    const entry = this.#entry(cardId);
    if (entry.version >= version) return this.#drain(entry);
    entry.version = version;
    return this.#drain(entry);
  }

  /** The version the page holds for a card, or null. */
  version(cardId) {
    const entry = this.cards.get(cardId);
    return entry ? entry.version : null;
  }

  /** {cardId: version} of every tracked card, for `resume`. */
  versions() {
    const out = {};
    for (const [id, entry] of this.cards) out[id] = entry.version;
    return out;
  }

  /** Stops tracking a card. */
  forget(cardId) {
    this.cards.delete(cardId);
  }

  offer(frame) {
    if (!this.cards.has(frame.card_id)) return { apply: [], gap: false };
    const entry = this.#entry(frame.card_id);
    if (frame.type === 'snapshot') {
      if (frame.version < entry.version) return { apply: [], gap: false };
      entry.version = frame.version;
      const apply = [frame, ...this.#drain(entry)];
      return { apply, gap: false };
    }
    if (frame.version <= entry.version) return { apply: [], gap: false };
    if (frame.version === entry.version + 1) {
      entry.version = frame.version;
      return { apply: [frame, ...this.#drain(entry)], gap: false };
    }
    if (entry.pending.size < MAX_PENDING_PER_CARD) entry.pending.set(frame.version, frame);
    return { apply: [], gap: true };
  }

  #drain(entry) {
    const out = [];
    for (const v of [...entry.pending.keys()]) if (v <= entry.version) entry.pending.delete(v);
    while (entry.pending.has(entry.version + 1)) {
      const next = entry.pending.get(entry.version + 1);
      entry.pending.delete(entry.version + 1);
      entry.version += 1;
      out.push(next);
    }
    return out;
  }
}

/**
 * Reads the server's frames of one connection (docs/web-protocol.md). A compact append frame `[stream, version, text]`
 * becomes the `card` frame it stands for (`op: "append"`, no `offset`: the text goes at the end of the element's
 * text), using the `stream` frames of the same connection; `stream` frames themselves are consumed here.
 */
export class FrameReader {
  constructor() {
    this.streams = new Map(); // stream number → {card_id, element_id}
  }

  /** The frame, or null for a stream announcement, text that is no JSON, or a stream never announced. */
  read(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (e) {
      return null;
    }
    if (Array.isArray(frame)) {
      const stream = this.streams.get(frame[0]);
      if (!stream || frame.length < 3) return null;
      return { type: 'card', card_id: stream.card_id, element_id: stream.element_id, version: frame[1], op: 'append', text: String(frame[2]) };
    }
    if (frame && frame.type === 'stream') {
      this.streams.set(frame.k, { card_id: String(frame.card_id), element_id: String(frame.element_id) });
      return null;
    }
    return frame;
  }
}

/** The close code of a node that is stopping: the page reconnects without waiting. */
const GOING_AWAY = 1001;

/**
 * The /web/ws connection: reconnects with backoff (at once after a 1001 "going away"), and after every (re)connect sends `resume` with the versions the
 * page holds. `onFrame(frame)` gets each parsed server frame; `onStatus(status)` gets 'connecting' | 'open' | 'closed'.
 */
export class LiveSocket {
  constructor({ url, resumeCards, onFrame, onStatus = () => {}, onOpen = () => {}, WebSocketImpl, minDelayMs = 250, maxDelayMs = 5000 }) {
    this.url = url;
    this.resumeCards = resumeCards;
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.onOpen = onOpen;
    this.WebSocketImpl = WebSocketImpl || globalThis.WebSocket;
    this.minDelayMs = minDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.attempt = 0;
    this.ws = null;
    this.closed = false;
    this.retryTimer = null;
  }

  connect() {
    if (this.closed) return;
    this.onStatus('connecting');
    const ws = new this.WebSocketImpl(this.url);
    this.ws = ws;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.onStatus('open');
      this.resume();
      this.onOpen();
    });
    const frames = new FrameReader(); // compact frames name the streams announced on this connection only
    ws.addEventListener('message', (event) => {
      if (this.ws !== ws) return;
      const frame = frames.read(event.data);
      if (frame) this.onFrame(frame);
    });
    ws.addEventListener('close', (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.onStatus('closed');
      // 1001: the node is stopping (docs/web-protocol.md); another one takes over at once behind the balancer.
      this.#retry(event.code === GOING_AWAY);
    });
    ws.addEventListener('error', () => {
      // 'close' follows and schedules the retry.
    });
  }

  /** Sends `resume` for the given cards (default: every card the page holds). */
  resume(cards = this.resumeCards()) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(JSON.stringify({ type: 'resume', cards }));
    return true;
  }

  /** Drops the current connection (it reconnects). */
  drop() {
    if (this.ws) this.ws.close();
  }

  /** Closes for good. */
  close() {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.ws) this.ws.close();
    this.ws = null;
  }

  #retry(immediately = false) {
    if (this.closed) return;
    const delay = immediately ? 0 : Math.min(this.maxDelayMs, this.minDelayMs * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
