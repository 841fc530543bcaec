// The web chat page: sign-in, chat list with live previews, message view, composer, forwarding, card interactions,
// the platform and client-version preview switches, and the inspector. Talks to the server per docs/web-protocol.md.

import { Api, ApiError, CardFeed, LiveSocket } from './api.js';
import { CardModelError } from './cardmodel.js';
import { CardView } from './cardview.js';
import { Inspector } from './inspector.js';
import { renderMarkdown } from './markdown.js';
import { SignIn } from './signin.js';
import { h } from './dom.js';
import { BottomFollower } from './scroll.js';
import { UnreadTracker } from './unread.js';
import { Composer } from './composer.js';
import { renderMentionText } from './mentions.js';
import { imageMessage, withStoredImage } from './images.js';
import { Toaster } from './toasts.js';

const $ = (selector, root = document) => root.querySelector(selector);

const STREAMING_FORWARD_REASON = '卡片正在流式更新中，暂时无法转发';
const FORWARD_DISABLED_REASON = '此卡片不允许转发';

/** Chat-list preview text of a message (the server's summary when it gives one). */
export function previewOf(message) {
  if (!message) return '';
  if (typeof message.summary === 'string' && message.summary !== '') return message.summary;
  const content = message.content || {};
  if (message.msg_type === 'text') return String(content.text ?? '');
  if (message.msg_type === 'post') return postOf(content).title || '[富文本]';
  return '[卡片]';
}

function postOf(content) {
  if (content && Array.isArray(content.content)) return content;
  for (const value of Object.values(content || {})) if (value && Array.isArray(value.content)) return value;
  return { title: '', content: [] };
}

function formatTime(ms) {
  const d = new Date(Number(ms) || 0);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

class App {
  constructor() {
    const params = new URLSearchParams(location.search);
    this.params = params;
    this.signIn = new SignIn({ params });
    this.api = new Api({ user: params.get('user') || '' });
    this.feed = new CardFeed();
    this.names = new Map();
    this.chats = [];
    this.currentChatId = null;
    this.messages = new Map(); // message_id → {message, el, view?, forwardState}
    this.cardMessages = new Map(); // card_id → message_id
    this.platform = params.get('platform') || 'pc';
    this.clientVersion = params.get('client') || 'latest';
    this.resumeTimers = new Map();
    this.connectedOnce = false;
    this.inspector = new Inspector({ api: this.api, container: $('[data-testid="inspector"]'), resolveUser: (id) => this.names.get(id) || null });
    const toastHost = h('div', { class: 'toast-stack', 'data-testid': 'toasts', 'aria-live': 'polite' });
    document.body.append(toastHost);
    this.toaster = new Toaster({ host: toastHost });
  }

  async start() {
    this.#bindChrome();
    await this.signIn.load();
    if (!this.api.user && this.signIn.development) {
      await this.#showPicker();
      return;
    }
    let session;
    try {
      session = await this.api.session();
    } catch (err) {
      if (!this.signIn.development && err instanceof ApiError && err.status === 401) {
        this.signIn.begin();
        return;
      }
      await this.#showPicker(err instanceof ApiError && err.status === 401 ? '无法登录：未知用户或令牌无效' : `无法登录：${err.message}`);
      return;
    }
    this.signIn.offerSignOut();
    this.session = session;
    this.names.set(session.user.open_id, session.user.name);
    $('[data-testid="viewer"]').textContent = session.user.name;
    $('[data-testid="mode"]').textContent = session.mode === 'production' ? '生产模式' : '开发模式';
    document.body.dataset.state = 'chat';
    this.#bindChatHabits();
    await this.unread.reload();
    await this.#loadChats();
    this.socket = new LiveSocket({
      url: this.api.socketUrl(),
      resumeCards: () => this.feed.versions(),
      onFrame: (frame) => this.#onFrame(frame),
      onStatus: (status) => {
        const el = $('[data-testid="connection-status"]');
        el.dataset.status = status;
        if (status === 'open') el.dataset.connects = String(Number(el.dataset.connects || 0) + 1);
        if (status === 'closed') this.signIn.connectionLost(this.api);
        el.textContent = { connecting: '连接中…', open: '已连接', closed: '已断开，重连中…' }[status];
      },
      onOpen: () => {
        if (this.connectedOnce) this.#refreshAfterReconnect();
        this.connectedOnce = true;
      },
    });
    this.socket.connect();
    setInterval(() => this.#tick(), 500);
    window.ock = this; // for debugging and browser tests
  }

  // ----- chrome ---------------------------------------------------------------------------------------------------

  #bindChrome() {
    const platform = $('[data-testid="platform-switch"]');
    platform.value = this.platform;
    platform.addEventListener('change', () => {
      this.platform = platform.value;
      this.#eachView((v) => v.setView({ platform: this.platform }));
    });
    const client = $('[data-testid="client-version-switch"]');
    client.value = this.clientVersion;
    client.addEventListener('change', () => {
      this.clientVersion = client.value;
      this.#eachView((v) => v.setView({ clientVersion: this.clientVersion }));
    });
    $('[data-testid="composer-form"]').addEventListener('submit', (e) => {
      e.preventDefault();
      this.#sendText();
    });
  }

  /** Following the bottom of the list, unread counts, the multi-line composer with mentions (scroll/unread/composer.js). */
  #bindChatHabits() {
    this.follower = new BottomFollower({ list: $('[data-testid="messages"]'), control: $('[data-testid="new-messages"]') });
    this.unread = new UnreadTracker({
      api: this.api,
      selfId: this.session.user.open_id,
      list: $('[data-testid="chat-list"]'),
      openChat: () => (this.currentChatId ? { chatId: this.currentChatId, newest: this.#newestShown() } : null),
    });
    this.composer = new Composer({
      form: $('[data-testid="composer-form"]'),
      input: $('[data-testid="composer"]'),
      members: () => {
        const chat = this.#chat(this.currentChatId);
        if (!chat || chat.type !== 'group') return [];
        return (chat.members || []).filter((m) => m.id !== this.session.user.open_id);
      },
    });
  }

  /** The newest message the open chat shows (the list is in the chat's order). */
  #newestShown() {
    let newest = null;
    for (const entry of this.messages.values()) newest = entry.message;
    return newest;
  }

  #eachView(fn) {
    for (const entry of this.messages.values()) if (entry.view) fn(entry.view);
  }

  async #showPicker(error) {
    document.body.dataset.state = 'signin';
    const box = $('[data-testid="signin"]');
    const list = $('[data-testid="user-picker"]');
    const note = $('[data-testid="signin-note"]');
    note.textContent = error || '';
    list.replaceChildren();
    try {
      const users = await new Api({}).users();
      for (const user of users) {
        const link = new URLSearchParams(this.params);
        link.set('user', user.open_id);
        link.delete('token');
        list.append(h('li', {}, h('a', { href: `?${link}`, 'data-testid': 'user-option', 'data-open-id': user.open_id, text: user.name || user.open_id })));
      }
    } catch (err) {
      note.textContent = `${error ? `${error}。` : ''}此服务器运行在生产模式：请刷新页面登录。`;
    }
    box.hidden = false;
  }

  // ----- chats ----------------------------------------------------------------------------------------------------

  async #loadChats() {
    this.chats = await this.api.chats();
    for (const chat of this.chats) for (const m of chat.members || []) if (m.id && m.name) this.names.set(m.id, m.name);
    this.#renderChatList();
    const wanted = this.params.get('chat');
    const initial = this.chats.find((c) => c.chat_id === wanted) || this.chats[0];
    if (initial && this.currentChatId === null) await this.#openChat(initial.chat_id);
  }

  #renderChatList() {
    const list = $('[data-testid="chat-list"]');
    list.replaceChildren(...this.chats.map((chat) => {
      const item = h('li', {
        class: chat.chat_id === this.currentChatId ? 'chat-item active' : 'chat-item',
        'data-testid': 'chat-item',
        'data-chat-id': chat.chat_id,
        tabindex: '0',
      },
      h('div', { class: 'chat-name', text: chat.name || chat.chat_id }),
      h('div', { class: 'chat-preview', 'data-testid': 'chat-preview', text: previewOf(chat.last_message) }));
      item.addEventListener('click', () => this.#openChat(chat.chat_id));
      item.addEventListener('keydown', (e) => { if (e.key === 'Enter') this.#openChat(chat.chat_id); });
      return item;
    }));
    if (this.unread) this.unread.paint();
  }

  #chat(chatId) {
    return this.chats.find((c) => c.chat_id === chatId);
  }

  #touchChat(chatId, message) {
    const chat = this.#chat(chatId);
    if (!chat) return;
    const last = chat.last_message;
    if (!last || last.message_id === message.message_id || Number(message.create_time) >= Number(last.create_time || 0)) {
      chat.last_message = message;
      this.chats = [chat, ...this.chats.filter((c) => c !== chat)];
    }
    this.#renderChatList();
  }

  #updatePreview(chatId, messageId, summary) {
    const chat = this.#chat(chatId);
    if (!chat || !chat.last_message || chat.last_message.message_id !== messageId || typeof summary !== 'string') return;
    chat.last_message = { ...chat.last_message, summary };
    const item = document.querySelector(`[data-testid="chat-item"][data-chat-id="${CSS.escape(chatId)}"] [data-testid="chat-preview"]`);
    if (item) item.textContent = previewOf(chat.last_message);
  }

  async #openChat(chatId) {
    this.currentChatId = chatId;
    this.#renderChatList();
    const chat = this.#chat(chatId);
    $('[data-testid="chat-title"]').textContent = chat ? chat.name : '';
    for (const entry of this.messages.values()) if (entry.view) entry.view.dispose();
    for (const cardId of this.cardMessages.keys()) this.feed.forget(cardId);
    this.messages.clear();
    this.cardMessages.clear();
    const list = $('[data-testid="messages"]');
    list.replaceChildren();
    this.#scrollToEnd(); // a chat opens at its bottom, whatever the last one was scrolled to
    const messages = await this.api.messages(chatId, 50);
    if (this.currentChatId !== chatId) return;
    for (const m of messages) this.#addMessage(m);
    this.#scrollToEnd();
    this.unread.chatOpened(chatId, messages[messages.length - 1]);
    this.#resumeShown();
  }

  async #refreshAfterReconnect() {
    try {
      const chats = await this.api.chats();
      this.unread.reload();
      this.chats = chats;
      for (const chat of chats) for (const m of chat.members || []) if (m.id && m.name) this.names.set(m.id, m.name);
      this.#renderChatList();
      if (this.currentChatId) {
        const messages = await this.api.messages(this.currentChatId, 50);
        for (const m of messages) this.#mergeMessage(m);
      }
    } catch (err) {
      // the next reconnect retries
    }
  }

  /** Asks the server for card frames missed since the HTTP load of the shown cards. */
  #resumeShown() {
    const cards = {};
    for (const [cardId] of this.cardMessages) {
      const v = this.feed.version(cardId);
      if (v !== null) cards[cardId] = v;
    }
    if (this.socket && Object.keys(cards).length) this.socket.resume(cards);
  }

  // ----- messages -------------------------------------------------------------------------------------------------

  #scrollToEnd() {
    this.follower.toBottom();
  }

  #mergeMessage(message) {
    const entry = this.messages.get(message.message_id);
    if (!entry) {
      this.#addMessage(message);
      return;
    }
    if (entry.view && message.card && message.card.version > entry.view.version) {
      entry.view.applySnapshot({ card: message.card.card, version: message.card.version, streaming: message.card.streaming, deadline: message.card.deadline });
      this.feed.track(message.card.card_id, message.card.version).forEach((f) => this.#applyCardFrame(f));
      this.#paintForward(entry);
    }
  }

  #addMessage(message) {
    if (this.messages.has(message.message_id)) return;
    const entry = this.#buildMessage(message);
    this.messages.set(message.message_id, entry);
    $('[data-testid="messages"]').append(entry.el);
  }

  /** A `message` frame for a message the page shows: that message changed (an inline card was patched). */
  #replaceMessage(message) {
    const entry = this.messages.get(message.message_id);
    if (!entry) {
      this.#addMessage(message);
      return;
    }
    if (entry.cardId && message.card) {
      this.#mergeMessage(message);
      entry.message.summary = message.summary;
      return;
    }
    if (entry.view) entry.view.dispose();
    if (entry.cardId) this.cardMessages.delete(entry.cardId);
    const fresh = this.#buildMessage(message);
    entry.el.replaceWith(fresh.el);
    this.messages.set(message.message_id, fresh);
  }

  #buildMessage(message) {
    const own = this.session && message.sender && message.sender.id === this.session.user.open_id;
    const el = h('article', { class: own ? 'msg own' : 'msg', 'data-testid': 'message', 'data-message-id': message.message_id, 'data-msg-type': message.msg_type });
    const sender = message.sender || {};
    if (message.recalled) {
      // A recalled message leaves a notice in its place, as Feishu's client shows it.
      el.classList.add('recalled');
      el.dataset.recalled = 'true';
      el.append(h('div', { class: 'msg-recall-notice', 'data-testid': 'recall-notice', text: `${own ? '你' : sender.name || sender.id || ''} 撤回了一条消息` }));
      return { message, el };
    }
    el.append(h('div', { class: 'msg-meta' },
      h('span', { class: `msg-sender kind-${sender.kind || 'user'}`, text: sender.name || sender.id || '' }),
      h('time', { class: 'msg-time', text: formatTime(message.create_time) })));
    if (message.edited) el.querySelector('.msg-meta').append(h('span', { class: 'msg-edited', 'data-testid': 'edited-mark', text: '已编辑' }));
    const body = h('div', { class: 'msg-body' });
    el.append(body);
    const entry = { message, el };
    if (message.card && message.card.card) {
      this.#mountCard(entry, body, message.card.card, message.card);
    } else if (message.msg_type === 'interactive') {
      this.#mountCard(entry, body, message.content || {}, null);
    } else if (message.msg_type === 'image') {
      body.append(imageMessage(document, message.content));
    } else if (message.msg_type === 'post') {
      body.append(this.#renderPost(message.content));
      body.classList.add('bubble');
    } else {
      body.append(h('div', { class: 'msg-text' }, renderMentionText((message.content && message.content.text) ?? '', (id) => this.names.get(id) || null)));
      body.classList.add('bubble');
    }
    return entry;
  }

  #mountCard(entry, body, cardJson, entity) {
    const message = entry.message;
    const view = new CardView({
      card: cardJson,
      version: entity ? entity.version : 0,
      streaming: entity ? !!entity.streaming : false,
      deadline: entity ? entity.deadline : 0,
      platform: this.platform,
      clientVersion: this.clientVersion,
      resolveUser: (id) => this.names.get(id) || null,
      onAction: (payload) => this.#sendAction(entry, payload),
    });
    entry.view = view;
    body.append(view.root);
    const actions = h('div', { class: 'msg-actions' });
    const forward = h('button', { type: 'button', class: 'link-btn', 'data-testid': 'forward-button', text: '转发' });
    const why = h('span', { class: 'forward-explanation', 'data-testid': 'forward-explanation' });
    const status = h('span', { class: 'action-status', 'data-testid': 'action-status' });
    forward.addEventListener('click', () => this.#openForward(entry));
    actions.append(forward, why, status);
    if (entity) {
      const inspect = h('button', { type: 'button', class: 'link-btn', 'data-testid': 'inspect-button', text: '检查' });
      inspect.addEventListener('click', () => this.inspector.open(entity.card_id, message, view));
      actions.append(inspect);
      this.cardMessages.set(entity.card_id, message.message_id);
      entry.cardId = entity.card_id;
    }
    entry.forward = forward;
    entry.why = why;
    entry.status = status;
    entry.el.append(actions);
    this.#paintForward(entry);
    if (entity) this.feed.track(entity.card_id, entity.version).forEach((f) => this.#applyCardFrame(f));
  }

  #renderPost(content) {
    const post = postOf(content);
    const box = h('div', { class: 'msg-post' });
    if (post.title) box.append(h('div', { class: 'post-title', text: post.title }));
    for (const paragraph of post.content || []) {
      const p = h('p', { class: 'post-line' });
      for (const node of Array.isArray(paragraph) ? paragraph : []) p.append(this.#postNode(node || {}));
      box.append(p);
    }
    return box;
  }

  #postNode(node) {
    switch (node.tag) {
      case 'a':
        return /^https?:\/\//i.test(node.href || '')
          ? h('a', { href: node.href, target: '_blank', rel: 'noopener noreferrer', text: node.text || node.href })
          : h('span', { text: node.text || '' });
      case 'at':
        return h('span', { class: 'md-at', text: `@${node.user_name || this.names.get(node.user_id) || (node.user_id === 'all' ? '所有人' : node.user_id || '')}` });
      case 'img':
        return withStoredImage(h('span', { class: 'ock-img-placeholder', text: `🖼 ${node.image_key || '图片'}` }), node.image_key, '图片', 'post-img');
      case 'media':
        return h('span', { class: 'ock-img-placeholder', text: `🎞 ${node.file_key || '视频'}` });
      case 'emotion':
        return h('span', { class: 'md-emoji', text: `[${node.emoji_type || ''}]` });
      case 'hr':
        return h('hr');
      case 'code_block':
        return h('pre', { class: 'md-code' }, h('code', { text: node.text || '' }));
      case 'md': {
        const span = h('span', { class: 'post-md' });
        span.append(renderMarkdown(String(node.text || ''), { resolveUser: (id) => this.names.get(id) || null, platform: this.platform }));
        return span;
      }
      default: {
        const span = h('span', { text: node.text || '' });
        const style = Array.isArray(node.style) ? node.style : [];
        for (const s of ['bold', 'italic', 'underline', 'lineThrough']) if (style.includes(s)) span.classList.add(`post-${s}`);
        return span;
      }
    }
  }

  async #sendText() {
    const text = this.composer.text();
    if (!text.trim() || !this.currentChatId) return;
    const chatId = this.currentChatId;
    // The box empties at once and stays usable (the person may type the next message); a failed send puts it back.
    const draft = this.composer.take();
    $('[data-testid="composer"]').focus(); // also after a click on the send button
    try {
      const message = await this.api.sendText(chatId, text);
      $('[data-testid="composer-error"]').textContent = '';
      if (this.currentChatId === chatId) {
        this.#addMessage(message);
        this.#scrollToEnd();
      }
      this.#touchChat(chatId, message);
    } catch (err) {
      if (this.currentChatId === chatId) this.composer.restore(draft);
      $('[data-testid="composer-error"]').textContent = `发送失败：${err.message}`;
    }
  }

  async #sendAction(entry, payload) {
    entry.status.dataset.state = 'sending';
    entry.status.textContent = `正在发送 ${payload.tag} 交互…`;
    try {
      const result = await this.api.action(entry.message.message_id, payload);
      entry.status.dataset.state = 'sent';
      entry.status.dataset.actionId = (result && result.action_id) || '';
      entry.status.textContent = `✓ 已发送 ${payload.tag} 交互${result && result.delivered === false ? '（已记录）' : ''}`;
    } catch (err) {
      entry.status.dataset.state = 'failed';
      entry.status.textContent = `交互发送失败：${err.message}`;
    }
  }

  // ----- forward --------------------------------------------------------------------------------------------------

  #forwardBlock(entry) {
    if (!entry.view) return null;
    const config = entry.view.card.config || {};
    if (config.enable_forward === false) return FORWARD_DISABLED_REASON;
    if (entry.view.isStreaming()) return STREAMING_FORWARD_REASON;
    return null;
  }

  #paintForward(entry) {
    if (!entry.forward) return;
    const reason = this.#forwardBlock(entry);
    entry.forward.disabled = reason !== null;
    if (reason) {
      entry.why.textContent = reason;
      entry.why.dataset.reason = reason === STREAMING_FORWARD_REASON ? 'streaming' : 'disabled';
    } else if (entry.why.dataset.reason === 'streaming' || entry.why.dataset.reason === 'disabled') {
      entry.why.textContent = '';
      delete entry.why.dataset.reason;
    }
  }

  #openForward(entry) {
    const reason = this.#forwardBlock(entry);
    if (reason) {
      this.#paintForward(entry);
      return;
    }
    entry.el.querySelector('.forward-picker')?.remove();
    const select = h('select', { 'data-testid': 'forward-target' },
      this.chats.map((c) => h('option', { value: c.chat_id, text: c.name || c.chat_id })));
    const go = h('button', { type: 'button', class: 'link-btn', 'data-testid': 'forward-confirm', text: '转发到此会话' });
    const cancel = h('button', { type: 'button', class: 'link-btn', text: '取消' });
    const picker = h('div', { class: 'forward-picker' }, select, go, cancel);
    cancel.addEventListener('click', () => picker.remove());
    go.addEventListener('click', async () => {
      go.disabled = true;
      try {
        const message = await this.api.forward(entry.message.message_id, select.value);
        picker.remove();
        entry.why.dataset.reason = 'forwarded';
        entry.why.textContent = `已转发到 ${(this.#chat(select.value) || {}).name || select.value}`;
        if (message && message.chat_id) {
          this.#touchChat(message.chat_id, message);
          if (message.chat_id === this.currentChatId) this.#addMessage(message);
        }
      } catch (err) {
        go.disabled = false;
        entry.why.dataset.reason = err.status === 409 ? 'refused-streaming' : 'refused';
        entry.why.textContent = err.status === 409
          ? `无法转发：${err.message}（卡片正在流式更新）`
          : err.status === 403 ? `无法转发：${FORWARD_DISABLED_REASON}` : `无法转发：${err.message}`;
      }
    });
    entry.el.querySelector('.msg-actions').after(picker);
  }

  // ----- live frames ----------------------------------------------------------------------------------------------

  #onFrame(frame) {
    switch (frame.type) {
      case 'message': {
        const message = frame.message;
        if (!message) return;
        const chatId = frame.chat_id || message.chat_id;
        this.#touchChat(chatId, message);
        if (chatId === this.currentChatId) {
          const known = this.messages.has(message.message_id);
          this.#replaceMessage(message);
          if (!known) {
            this.follower.messageAdded({ own: message.sender && message.sender.id === this.session.user.open_id });
            this.unread.messageArrived(chatId, message);
          }
        } else {
          this.unread.messageArrived(chatId, message);
        }
        break;
      }
      case 'card':
      case 'snapshot': {
        if (typeof frame.summary === 'string') this.#updatePreview(frame.chat_id, frame.message_id, frame.summary);
        const { apply, gap } = this.feed.offer(frame);
        apply.forEach((f) => this.#applyCardFrame(f));
        if (gap) this.#requestResume(frame.card_id);
        break;
      }
      case 'read':
        this.unread.readFrame(frame);
        break;
      case 'toast':
        if (frame.toast) this.toaster.show(frame.toast.type, frame.toast.content, { messageId: frame.message_id });
        break;
      case 'preview':
        this.#updatePreview(frame.chat_id, frame.message_id, frame.summary);
        this.#tick();
        break;
      default:
        break;
    }
  }

  #applyCardFrame(frame) {
    const messageId = this.cardMessages.get(frame.card_id);
    const entry = messageId ? this.messages.get(messageId) : null;
    if (!entry || !entry.view) return;
    try {
      if (frame.type === 'snapshot') entry.view.applySnapshot(frame);
      else entry.view.applyFrame(frame);
    } catch (err) {
      if (err instanceof CardModelError) this.#reloadCard(entry);
      else throw err;
    }
    if (entry.message.card) {
      entry.message.card.version = entry.view.version;
      entry.message.card.streaming = entry.view.streaming;
      entry.message.card.deadline = entry.view.deadline;
    }
    if (typeof frame.summary === 'string') entry.message.summary = frame.summary;
    this.#paintForward(entry);
    this.inspector.cardChanged(frame.card_id);
  }

  async #reloadCard(entry) {
    const messages = await this.api.messages(entry.message.chat_id, 50);
    const fresh = messages.find((m) => m.message_id === entry.message.message_id);
    if (!fresh || !fresh.card) return;
    entry.view.applySnapshot({ card: fresh.card.card, version: fresh.card.version, streaming: fresh.card.streaming, deadline: fresh.card.deadline });
    this.feed.forget(fresh.card.card_id);
    this.feed.track(fresh.card.card_id, fresh.card.version).forEach((f) => this.#applyCardFrame(f));
    this.#resumeShown();
  }

  #requestResume(cardId) {
    if (this.resumeTimers.has(cardId)) return;
    this.resumeTimers.set(cardId, setTimeout(() => {
      this.resumeTimers.delete(cardId);
      const v = this.feed.version(cardId);
      if (v !== null && this.socket) this.socket.resume({ [cardId]: v });
    }, 300));
  }

  #tick() {
    for (const entry of this.messages.values()) this.#paintForward(entry);
  }
}

new App().start();
