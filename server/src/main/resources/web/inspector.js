// The inspector panel for one card message: the current card JSON, the event log and refused calls
// (GET /web/api/cards/:id/inspector), the streaming state with the time left in its window, and a replay that
// re-types the card's streamed text with the recorded timing.
//
// Implementation notes. Each logged event carries its `change`: the same fields a live `card` frame carried. When the
// log reaches back to the card's creation (version 1), the replay starts from the created card and applies every
// change with its recorded timing, exactly as a viewer saw it (`exactReplay`). When the log is truncated (the inspector
// returns the newest 500 events), it falls back to rebuilding the texts from the final card: after an element's last
// `replace`, every `append` is a prefix of the final text whose length the sizes give (`replayPlan`).

import { clone, contentOf, findElement, streamableElements } from './cardmodel.js';
import { CardView } from './cardview.js';
import { realScheduler } from './typewriter.js';
import { h } from './dom.js';

function time(ms) {
  if (!ms) return '';
  const d = new Date(Number(ms));
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "m:ss" for a remaining time in ms. */
export function formatRemaining(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function isContentEvent(e) {
  return e && (e.op === 'append' || e.op === 'replace') && e.element_id !== undefined && e.element_id !== null;
}

function codePoints(s) {
  return Array.from(s);
}

/**
 * Rebuilds the streamed texts from the final card and the event log. Returns {initial: {elementId: text}, steps:
 * [{delayMs, elementId, op, text}]}, where `text` is the element's full text after the event and delayMs counts from
 * the first replayed event.
 */
export function replayPlan(finalCard, events) {
  const byElement = new Map();
  for (const e of (events || []).filter(isContentEvent)) {
    const id = String(e.element_id);
    if (!byElement.has(id)) byElement.set(id, []);
    byElement.get(id).push(e);
  }
  const initial = {};
  const steps = [];
  for (const [id, list] of byElement) {
    const node = findElement(finalCard, id);
    if (!node) continue;
    const final = contentOf(node);
    const rebuilt = rebuild(final, list, (s) => s.length, (s, n) => s.slice(0, n))
      || rebuild(final, list, (s) => codePoints(s).length, (s, n) => codePoints(s).slice(0, n).join(''));
    if (!rebuilt) continue;
    initial[id] = rebuilt.initial;
    for (const step of rebuilt.steps) steps.push({ ...step, elementId: id });
  }
  steps.sort((a, b) => a.at - b.at || a.version - b.version);
  const first = steps.length ? steps[0].at : 0;
  return { initial, steps: steps.map((s) => ({ delayMs: s.at - first, elementId: s.elementId, op: s.op, text: s.text, version: s.version })) };
}

function rebuild(final, list, length, prefix) {
  let lastReplace = -1;
  list.forEach((e, i) => { if (e.op === 'replace') lastReplace = i; });
  const replayed = list.slice(Math.max(0, lastReplace));
  let len = length(final);
  const texts = new Array(replayed.length);
  for (let k = replayed.length - 1; k >= 0; k -= 1) {
    if (len < 0) return null;
    texts[k] = prefix(final, len);
    const size = Number(replayed[k].size) || 0;
    if (replayed[k].op === 'append') len -= size;
    else if (size !== len && replayed[k].size !== undefined) return null;
  }
  if (len < 0) return null;
  const startsWithReplace = replayed.length > 0 && replayed[0].op === 'replace';
  return {
    initial: startsWithReplace ? '' : prefix(final, len),
    steps: replayed.map((e, k) => ({ at: Number(e.at) || 0, version: Number(e.version) || 0, op: e.op, text: texts[k] })),
  };
}

/** Whether streaming mode is on after a change, given whether it was on before. */
function streamingAfter(on, e) {
  const c = e.change || {};
  const fromConfig = (config) => (config && typeof config.streaming_mode === 'boolean' ? config.streaming_mode : on);
  switch (e.op) {
    case 'settings': return fromConfig(c.config);
    case 'card': return !!(c.card && c.card.config && c.card.config.streaming_mode);
    case 'streaming_timed_out': return false;
    case 'batch':
      return (c.actions || []).reduce((now, a) => (a.action === 'partial_update_setting'
        ? fromConfig(a.params && a.params.settings && a.params.settings.config) : now), on);
    default: return on;
  }
}

/**
 * The whole history as frames with delays, when the log starts at the card's creation; else null.
 * Returns {card, streaming, frames: [{delayMs, frame}]}.
 */
export function exactReplay(events) {
  const list = events || [];
  if (!list.length || Number(list[0].version) !== 1 || list.some((e) => !e.change)) return null;
  const created = list[0].change.card;
  if (!created) return null;
  let on = !!(created.config && created.config.streaming_mode);
  const start = Number(list[0].at) || 0;
  const frames = list.slice(1).map((e) => {
    on = streamingAfter(on, e);
    return { delayMs: (Number(e.at) || 0) - start, frame: { ...e.change, op: e.op, version: Number(e.version), streaming: on } };
  });
  return { card: clone(created), streaming: !!(created.config && created.config.streaming_mode), frames };
}

/** The inspector panel. */
export class Inspector {
  constructor({ api, container, resolveUser = () => null, scheduler = realScheduler, now = () => Date.now() }) {
    this.api = api;
    this.container = container;
    this.resolveUser = resolveUser;
    this.scheduler = scheduler;
    this.now = now;
    this.cardId = null;
    this.data = null;
    this.fetchedAt = 0;
    this.refreshTimer = null;
    this.countdown = null;
    this.replayTimers = [];
    this.replayView = null;
  }

  /** Shows the panel for a card. */
  async open(cardId, message, view) {
    this.cardId = cardId;
    this.message = message;
    this.view = view;
    this.container.hidden = false;
    document.body.classList.add('inspector-open');
    await this.refresh();
    if (this.countdown === null) this.countdown = setInterval(() => this.#paintStreaming(), 250);
  }

  /** Hides the panel. */
  close() {
    this.#stopReplay();
    this.cardId = null;
    this.container.hidden = true;
    document.body.classList.remove('inspector-open');
    if (this.countdown !== null) clearInterval(this.countdown);
    this.countdown = null;
  }

  /** Called when a frame for `cardId` was applied: refreshes the panel soon if it shows that card. */
  cardChanged(cardId) {
    if (cardId !== this.cardId || this.refreshTimer !== null) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refresh();
    }, 300);
  }

  async refresh() {
    const cardId = this.cardId;
    if (!cardId) return;
    try {
      const data = await this.api.inspector(cardId);
      if (cardId !== this.cardId) return;
      this.data = data;
      this.fetchedAt = this.now();
      this.#paint();
    } catch (err) {
      this.container.replaceChildren(this.#head(), h('p', { class: 'inspector-error', text: `无法加载：${err.message}` }));
    }
  }

  #head() {
    const close = h('button', { type: 'button', class: 'link-btn', 'data-testid': 'inspector-close', text: '关闭' });
    close.addEventListener('click', () => this.close());
    return h('div', { class: 'inspector-head' }, h('strong', { text: `卡片 ${this.cardId}` }), close);
  }

  #paint() {
    const d = this.data;
    const replayButton = h('button', { type: 'button', class: 'ock-btn size-small type-primary', 'data-testid': 'replay-button', text: '回放' });
    replayButton.addEventListener('click', () => this.replay());
    const replayHost = h('div', { class: 'replay-host', 'data-testid': 'replay-host' });
    this.replayHost = replayHost;
    this.streamingEl = h('div', { class: 'inspector-streaming', 'data-testid': 'inspector-streaming' });
    const events = h('table', { class: 'inspector-table', 'data-testid': 'inspector-events' },
      h('thead', {}, h('tr', {}, ['时间', '版本', '事件', '应用', '序号', '方式', '元素', '增量'].map((t) => h('th', { text: t })))),
      h('tbody', {}, (d.events || []).map((e) => h('tr', { 'data-version': e.version, 'data-op': e.op || '' },
        h('td', { text: time(e.at) }), h('td', { text: e.version ?? '' }), h('td', { text: e.type ?? '' }),
        h('td', { text: e.app_id ?? '' }), h('td', { text: e.sequence ?? '' }),
        h('td', { text: e.op === 'append' || e.op === 'replace' ? e.op : '' }),
        h('td', { text: e.element_id ?? '' }), h('td', { text: e.size ?? '' })))));
    const refusals = h('table', { class: 'inspector-table', 'data-testid': 'inspector-refusals' },
      h('thead', {}, h('tr', {}, ['时间', '应用', '序号', '错误码', '说明', '请求'].map((t) => h('th', { text: t })))),
      h('tbody', {}, (d.refused || []).map((r) => h('tr', { 'data-code': r.code },
        h('td', { text: time(r.at) }), h('td', { text: r.app_id ?? '' }), h('td', { text: r.sequence ?? '' }),
        h('td', { class: 'code', text: r.code ?? '' }), h('td', { text: r.msg ?? '' }),
        h('td', { text: `${r.method ?? ''} ${r.path ?? ''}`.trim() })))));
    const json = h('pre', { class: 'inspector-json', 'data-testid': 'inspector-json', text: JSON.stringify(d.card, null, 2) });
    this.container.replaceChildren(
      this.#head(),
      h('div', { class: 'inspector-meta', text: `版本 ${d.version} · 最后序号 ${d.last_sequence ?? 0} · 消息 ${d.message_id ?? ''}` }),
      this.streamingEl,
      h('section', {}, h('h4', { text: '回放' }), replayButton, replayHost),
      h('section', {}, h('h4', { text: `事件 (${(d.events || []).length})` }), events),
      h('section', {}, h('h4', { text: `被拒绝的调用 (${(d.refused || []).length})` }), refusals),
      h('section', {}, h('h4', { text: '卡片 JSON' }), json));
    this.#paintStreaming();
  }

  /** Milliseconds left in the streaming window now, or 0. */
  remainingMs() {
    const s = this.data && this.data.streaming;
    if (!s || !s.on) return 0;
    return Math.max(0, (Number(s.remaining_ms) || 0) - (this.now() - this.fetchedAt));
  }

  #paintStreaming() {
    if (!this.streamingEl || !this.data) return;
    const s = this.data.streaming || {};
    const left = this.remainingMs();
    const on = !!s.on && left > 0;
    this.streamingEl.dataset.on = String(on);
    this.streamingEl.textContent = on
      ? `流式更新：开启 · 窗口剩余 ${formatRemaining(left)}（${time(s.deadline)} 自动关闭）`
      : `流式更新：关闭${s.opened_at ? ` · 上次开启于 ${time(s.opened_at)}` : ''}`;
  }

  /** Re-types the card's history with the recorded timing, in the panel. */
  replay() {
    this.#stopReplay();
    const d = this.data;
    if (!d) return;
    const exact = exactReplay(d.events);
    if (exact) {
      this.#replayExactly(exact);
      return;
    }
    const plan = replayPlan(d.card, d.events);
    const start = clone(d.card) || {};
    for (const { id, node } of streamableElements(start)) {
      if (Object.prototype.hasOwnProperty.call(plan.initial, id)) node.content = plan.initial[id];
    }
    start.config = { ...(start.config || {}), streaming_mode: true };
    const view = this.#showReplayView(start, 0, true);
    this.replayHost.dataset.state = 'playing';
    const texts = { ...plan.initial };
    let version = 0;
    plan.steps.forEach((step, i) => {
      const timer = this.scheduler.setTimeout(() => {
        const before = texts[step.elementId] ?? '';
        version += 1;
        if (step.op === 'append' && step.text.startsWith(before)) {
          view.applyFrame({ op: 'append', element_id: step.elementId, offset: before.length, text: step.text.slice(before.length), version, streaming: true });
        } else {
          view.applyFrame({ op: 'replace', element_id: step.elementId, text: step.text, version, streaming: true });
        }
        texts[step.elementId] = step.text;
        if (i === plan.steps.length - 1) this.replayHost.dataset.state = 'typing';
      }, step.delayMs);
      this.replayTimers.push(timer);
    });
    if (plan.steps.length === 0) this.replayHost.dataset.state = 'done';
  }

  /** A card view for the replay, with the platform and client version being previewed, shown in the panel. */
  #showReplayView(card, version, streaming) {
    const view = new CardView({
      card,
      version,
      streaming,
      deadline: 0,
      platform: this.view ? this.view.platform : 'pc',
      clientVersion: this.view ? this.view.clientVersion : 'latest',
      scheduler: this.scheduler,
      resolveUser: this.resolveUser,
    });
    this.replayView = view;
    this.replayHost.replaceChildren(view.root);
    return view;
  }

  #replayExactly(history) {
    const view = this.#showReplayView(history.card, 1, history.streaming);
    this.replayHost.dataset.state = history.frames.length ? 'playing' : 'done';
    history.frames.forEach(({ delayMs, frame }, i) => {
      const timer = this.scheduler.setTimeout(() => {
        view.applyFrame(frame);
        if (i === history.frames.length - 1) this.replayHost.dataset.state = 'typing';
      }, delayMs);
      this.replayTimers.push(timer);
    });
  }

  #stopReplay() {
    this.replayTimers.forEach((t) => this.scheduler.clearTimeout(t));
    this.replayTimers = [];
    if (this.replayView) this.replayView.dispose();
    this.replayView = null;
  }
}
