// One card on screen: the server's card JSON (kept exact by cardmodel.js), the typewriter that reveals streamed text,
// and the DOM from render.js. Streamed text ops repaint only their element; any other op re-renders the card, and
// elements whose text it changed show the new text at once.

import { applyOp, contentOf, findElement, streamableElements } from './cardmodel.js';
import { renderCard } from './render.js';
import { Typewriter, realScheduler, streamingParams } from './typewriter.js';

export class CardView {
  /**
   * `options`: {card, version, streaming, deadline, platform, clientVersion, scheduler, resolveUser, onAction}.
   * `streaming` is the server's flag (it also reflects a streaming window that ran out); without it the card's
   * config.streaming_mode is used.
   */
  constructor(options = {}) {
    this.card = options.card || {};
    this.version = options.version || 0;
    this.streaming = options.streaming;
    this.deadline = options.deadline || 0;
    this.platform = options.platform || 'pc';
    this.clientVersion = options.clientVersion || 'latest';
    this.resolveUser = options.resolveUser || (() => null);
    this.onAction = options.onAction || (() => {});
    this.painters = new Map();
    this.typewriter = new Typewriter({
      scheduler: options.scheduler || realScheduler,
      onChange: (id, text, typing) => {
        const paint = this.painters.get(id);
        if (paint) paint(text, typing);
        this.root.classList.toggle('ock-card-typing', this.typewriter.busy());
      },
    });
    this.root = document.createElement('div');
    this.root.className = 'ock-card-host';
    this.#syncTexts();
    this.render();
  }

  /** Whether the card is in streaming mode with its window still open at `now` (ms since the epoch). */
  isStreaming(now = Date.now()) {
    const on = this.streaming !== undefined ? this.streaming : !!(this.card.config && this.card.config.streaming_mode === true);
    return on && (!this.deadline || now < this.deadline);
  }

  /** Typing parameters for the platform and client version being viewed. */
  params() {
    const p = streamingParams(this.card, this.platform, this.clientVersion);
    return { ...p, streaming: this.isStreaming() };
  }

  /** Applies one `card` frame (web-protocol.md); throws CardModelError if it does not fit. */
  applyFrame(frame) {
    const next = applyOp(this.card, frame);
    this.card = next;
    this.version = frame.version ?? this.version;
    if (frame.streaming !== undefined) this.streaming = frame.streaming;
    if (frame.deadline !== undefined) this.deadline = frame.deadline || 0;
    if (frame.op === 'append' || frame.op === 'replace') {
      const id = String(frame.element_id);
      this.typewriter.push(id, contentOf(findElement(next, id)), this.params());
      if (!this.painters.has(id)) this.render();
      return;
    }
    this.#syncTexts();
    this.render();
  }

  /** Replaces the card with a snapshot; text that extends what was pushed before is typed, other text shows at once. */
  applySnapshot(snapshot) {
    this.card = snapshot.card || {};
    this.version = snapshot.version ?? this.version;
    if (snapshot.streaming !== undefined) this.streaming = snapshot.streaming;
    if (snapshot.deadline !== undefined) this.deadline = snapshot.deadline || 0;
    const params = this.params();
    const seen = new Set();
    for (const { id, node } of streamableElements(this.card)) {
      seen.add(id);
      const content = contentOf(node);
      if (this.typewriter.target(id) !== content) this.typewriter.push(id, content, params);
    }
    for (const id of this.typewriter.ids()) if (!seen.has(id)) this.typewriter.remove(id);
    this.render();
  }

  /** Changes the platform or client version being previewed and re-renders. */
  setView({ platform, clientVersion } = {}) {
    if (platform) this.platform = platform;
    if (clientVersion) this.clientVersion = clientVersion;
    this.render();
  }

  /** What a streamed element shows now. */
  visibleText(elementId) {
    return this.typewriter.visible(elementId);
  }

  /** Whether any element is still typing. */
  typing() {
    return this.typewriter.busy();
  }

  /** Rebuilds the card's DOM from the current card JSON and typewriter state. */
  render() {
    const { root, texts } = renderCard(this.card, {
      platform: this.platform,
      clientVersion: this.clientVersion,
      resolveUser: this.resolveUser,
      onAction: this.onAction,
      textOf: (id, content) => {
        if (this.typewriter.target(id) === content) {
          return { text: this.typewriter.visible(id), typing: this.typewriter.typing(id) };
        }
        return { text: content, typing: false };
      },
    });
    this.painters = texts;
    this.root.replaceChildren(root);
    this.root.classList.toggle('ock-card-typing', this.typewriter.busy());
  }

  /** Stops the typewriter's timers. */
  dispose() {
    this.typewriter.dispose();
  }

  #syncTexts() {
    const seen = new Set();
    for (const { id, node } of streamableElements(this.card)) {
      seen.add(id);
      const content = contentOf(node);
      if (this.typewriter.target(id) !== content) this.typewriter.set(id, content);
    }
    for (const id of this.typewriter.ids()) if (!seen.has(id)) this.typewriter.remove(id);
  }
}
