// Toasts, as Feishu's client shows them after a card interaction: a small white box with a coloured icon at the top
// centre of the window, for a few seconds. The server sends `toast` frames only to the user who interacted, in order
// (the bot's toast, then OpenCardKit's own notices, see docs/web-protocol.md); each one is shown in arrival order,
// stacked below the ones still showing, so the bot's comes first.

import { h } from './dom.js';

const ICONS = { info: 'i', success: '✓', warning: '!', error: '✕' };
/** How long a toast stays; an error stays a little longer, as it has more to say. */
const DURATION_MS = { info: 3000, success: 3000, warning: 4000, error: 5000 };

export class Toaster {
  /**
   * @param {object} options
   * @param {HTMLElement} options.host where the toasts stack (created by the caller, fixed at the top centre)
   * @param {(fn: Function, ms: number) => any} [options.setTimer] the timer (tests may pass their own)
   */
  constructor({ host, setTimer = (fn, ms) => setTimeout(fn, ms) }) {
    this.host = host;
    this.setTimer = setTimer;
  }

  /** Shows one toast; `type` is info, success, warning or error (anything else shows as info). */
  show(type, content, { messageId } = {}) {
    const kind = Object.prototype.hasOwnProperty.call(ICONS, type) ? type : 'info';
    const toast = h('div', { class: `toast toast-${kind}`, 'data-testid': 'toast', 'data-type': kind, role: kind === 'error' ? 'alert' : 'status' },
      h('span', { class: 'toast-icon', 'aria-hidden': 'true', text: ICONS[kind] }),
      h('span', { class: 'toast-text', 'data-testid': 'toast-text', text: String(content ?? '') }));
    if (messageId) toast.dataset.messageId = messageId;
    this.host.append(toast);
    this.setTimer(() => this.#dismiss(toast), DURATION_MS[kind]);
    return toast;
  }

  #dismiss(toast) {
    toast.classList.add('leaving');
    this.setTimer(() => toast.remove(), 200);
  }
}
