// The typewriter: how streamed text of a card element is revealed on screen.
//
// Implementation notes. The rules are split in two layers:
//  - pure functions over a per-element state {target, shown}: `target` is the last full text pushed for the element
//    (the server's state), `shown` is how much of it is on screen, as a UTF-16 offset that always sits on a grapheme
//    cluster boundary (Intl.Segmenter), so an emoji sequence or a letter with its combining marks is never split;
//  - a small driver, `Typewriter`, that owns one timer per typing element and asks an injectable scheduler for time,
//    so tests can advance a fake clock instead of sleeping.
// The strategy rules follow the CardKit streaming guide (ABCDE example): a push that extends the previous target is
// typed; with `fast` the unrevealed rest of the previous target appears at once first, with `delay` the cursor just
// keeps typing through it. A push that does not extend the previous target, or any push while streaming mode is
// off, appears at once. When streaming mode turns off while typing, typing finishes what was already pushed.

const SEGMENTER = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Documented defaults (card-json-v2.md §5.2) for 7.20–7.22 clients and for missing streaming_config values. */
export const DEFAULTS = Object.freeze({ frequencyMs: 70, step: 1, strategy: 'fast' });

/** Client versions the page can preview: `latest` (7.23+), `legacy` (7.20–7.22), `old` (before 7.20). */
export const CLIENT_VERSIONS = Object.freeze(['latest', 'legacy', 'old']);

/** Platforms whose streaming_config entry the page can use. */
export const PLATFORMS = Object.freeze(['pc', 'ios', 'android']);

let memoText = null;
let memoBounds = null;

/** Offsets of the grapheme cluster boundaries of a text: [0, end of 1st cluster, …, text.length]. */
export function graphemeBoundaries(text) {
  if (text === memoText) return memoBounds;
  const bounds = [0];
  for (const { index, segment } of SEGMENTER.segment(text)) {
    bounds.push(index + segment.length);
  }
  memoText = text;
  memoBounds = bounds;
  return bounds;
}

/** Number of user-perceived characters (grapheme clusters) in a text. */
export function graphemeCount(text) {
  return graphemeBoundaries(text).length - 1;
}

function snapUp(text, offset) {
  if (offset <= 0) return 0;
  if (offset >= text.length) return text.length;
  const bounds = graphemeBoundaries(text);
  for (const b of bounds) {
    if (b >= offset) return b;
  }
  return text.length;
}

function pickNumber(perPlatform, platform) {
  if (perPlatform === null || typeof perPlatform !== 'object') return undefined;
  for (const key of [platform, 'default']) {
    const value = perPlatform[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

/**
 * The typing parameters a client on `platform` at `clientVersion` uses for a card: its streaming_config entry for the
 * platform, else `default`, else 70 ms / 1 step / fast. A 7.20–7.22 client (`legacy`) ignores streaming_config.
 */
export function streamingParams(card, platform = 'pc', clientVersion = 'latest') {
  const config = card && typeof card.config === 'object' && card.config !== null ? card.config : {};
  const streaming = config.streaming_mode === true;
  if (clientVersion === 'legacy') {
    return { streaming, ...DEFAULTS };
  }
  const sc = config.streaming_config && typeof config.streaming_config === 'object' ? config.streaming_config : {};
  const frequency = pickNumber(sc.print_frequency_ms, platform);
  const step = pickNumber(sc.print_step, platform);
  return {
    streaming,
    frequencyMs: frequency !== undefined && frequency > 0 ? frequency : DEFAULTS.frequencyMs,
    step: step !== undefined && step >= 1 ? Math.floor(step) : DEFAULTS.step,
    strategy: sc.print_strategy === 'delay' ? 'delay' : 'fast',
  };
}

/** A state showing `text` entirely. */
export function settledState(text) {
  return { target: text, shown: text.length };
}

/**
 * The state after `text` is pushed for an element. `options.streaming` false, or a text that does not extend the
 * previous target, shows it at once; otherwise it is typed, after flushing the old remainder when the strategy is fast.
 */
export function pushText(state, text, { streaming = true, strategy = 'fast' } = {}) {
  if (!state || !streaming || !text.startsWith(state.target)) {
    return settledState(text);
  }
  const shown = strategy === 'delay' ? state.shown : state.target.length;
  return { target: text, shown: snapUp(text, shown) };
}

/** The state after `steps` more grapheme clusters are revealed. */
export function advance(state, steps) {
  if (state.shown >= state.target.length) return state;
  const bounds = graphemeBoundaries(state.target);
  let i = bounds.indexOf(state.shown);
  if (i < 0) i = bounds.findIndex((b) => b > state.shown) - 1; // defensive; shown always sits on a boundary
  const next = bounds[Math.min(bounds.length - 1, i + Math.max(1, steps))];
  return { target: state.target, shown: next };
}

/** The text on screen. */
export function visibleText(state) {
  return state.target.slice(0, state.shown);
}

/** Whether part of the target is still to be typed. */
export function isTyping(state) {
  return state.shown < state.target.length;
}

/** Timers of the page. */
export const realScheduler = Object.freeze({
  now: () => performance.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
});

/** A scheduler whose time moves only when `advance(ms)` is called; due timers then run in time order. */
export function manualScheduler() {
  let now = 0;
  let nextId = 0;
  const timers = new Map();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      nextId += 1;
      timers.set(nextId, { at: now + Math.max(0, ms || 0), fn, id: nextId });
      return nextId;
    },
    clearTimeout(id) {
      timers.delete(id);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let due = null;
        for (const t of timers.values()) {
          if (t.at <= end && (due === null || t.at < due.at || (t.at === due.at && t.id < due.id))) due = t;
        }
        if (due === null) break;
        timers.delete(due.id);
        now = due.at;
        due.fn();
      }
      now = end;
    },
    pending: () => timers.size,
  };
}

/**
 * Types the streamed text elements of one card. `onChange(elementId, visible, typing)` is called whenever what an
 * element shows changes; `scheduler` supplies time (default: the page's timers).
 */
export class Typewriter {
  constructor({ onChange = () => {}, scheduler = realScheduler } = {}) {
    this.onChange = onChange;
    this.scheduler = scheduler;
    this.elements = new Map(); // elementId → {state, params, timer}
  }

  /** Shows `text` for the element at once (initial load, full-card and element updates). */
  set(elementId, text) {
    const entry = this.#entry(elementId);
    const before = entry.state ? visibleText(entry.state) : null;
    this.#stop(entry);
    entry.state = settledState(text);
    if (before !== text) this.onChange(elementId, text, false);
  }

  /** Pushes a new full text with the card's typing parameters (see streamingParams). */
  push(elementId, text, params = { streaming: true, ...DEFAULTS }) {
    const entry = this.#entry(elementId);
    const before = entry.state ? visibleText(entry.state) : null;
    const wasTyping = !!entry.state && isTyping(entry.state);
    entry.params = params;
    entry.state = pushText(entry.state, text, params);
    const visible = visibleText(entry.state);
    const typing = isTyping(entry.state);
    if (!typing) this.#stop(entry);
    if (visible !== before || typing !== wasTyping) this.onChange(elementId, visible, typing);
    if (typing && entry.timer === null) this.#schedule(elementId, entry);
  }

  /** The element's full target text, or undefined when the typewriter does not know it. */
  target(elementId) {
    const entry = this.elements.get(elementId);
    return entry && entry.state ? entry.state.target : undefined;
  }

  /** What the element shows now, or undefined. */
  visible(elementId) {
    const entry = this.elements.get(elementId);
    return entry && entry.state ? visibleText(entry.state) : undefined;
  }

  /** Whether the element is still typing. */
  typing(elementId) {
    const entry = this.elements.get(elementId);
    return !!(entry && entry.state && isTyping(entry.state));
  }

  /** Whether any element is still typing. */
  busy() {
    for (const id of this.elements.keys()) if (this.typing(id)) return true;
    return false;
  }

  /** Shows every element's full target at once. */
  flush() {
    for (const [id, entry] of this.elements) {
      if (entry.state && isTyping(entry.state)) this.set(id, entry.state.target);
    }
  }

  /** Forgets an element (it was deleted from the card). */
  remove(elementId) {
    const entry = this.elements.get(elementId);
    if (entry) this.#stop(entry);
    this.elements.delete(elementId);
  }

  /** Element ids the typewriter knows. */
  ids() {
    return [...this.elements.keys()];
  }

  /** Stops all timers. */
  dispose() {
    for (const entry of this.elements.values()) this.#stop(entry);
    this.elements.clear();
  }

  #entry(elementId) {
    let entry = this.elements.get(elementId);
    if (!entry) {
      entry = { state: null, params: { streaming: true, ...DEFAULTS }, timer: null };
      this.elements.set(elementId, entry);
    }
    return entry;
  }

  #stop(entry) {
    if (entry.timer !== null) {
      this.scheduler.clearTimeout(entry.timer);
      entry.timer = null;
    }
  }

  #schedule(elementId, entry) {
    entry.timer = this.scheduler.setTimeout(() => {
      entry.timer = null;
      if (this.elements.get(elementId) !== entry || !entry.state) return;
      entry.state = advance(entry.state, entry.params.step);
      const typing = isTyping(entry.state);
      this.onChange(elementId, visibleText(entry.state), typing);
      if (typing) this.#schedule(elementId, entry);
    }, entry.params.frequencyMs);
  }
}
