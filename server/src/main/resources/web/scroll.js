// Follows the bottom of the message list while the person is there: every growth (a new message, typing, a card
// update, buttons added, an image that loaded, the composer growing) keeps the bottom in view. Scrolled up to read,
// the view stays where it is and a "new messages ↓" control offers the way down.
//
// How: a ResizeObserver watches the list (its viewport) and every message in it (a MutationObserver adds new ones).
// Its callbacks run after layout and before paint, so a pinned list is put back at its bottom before the frame that
// grew it is shown: no jump, no frame with the last line below the fold. Whether the list is pinned is decided by the
// person's scrolling alone: reaching the bottom (within NEAR_BOTTOM_PX) pins it, scrolling up unpins it. Growth never
// unpins: content growing below does not move scrollTop, so it fires no scroll event, and our own scrolls only go down.

/** How close to the bottom counts as "at the bottom" (about two lines). */
export const NEAR_BOTTOM_PX = 48;

export class BottomFollower {
  /**
   * @param {object} options
   * @param {HTMLElement} options.list the scrolling message list
   * @param {HTMLButtonElement} [options.control] the "new messages ↓" button (hidden while pinned)
   */
  constructor({ list, control = null, threshold = NEAR_BOTTOM_PX, ResizeObserverImpl = globalThis.ResizeObserver, MutationObserverImpl = globalThis.MutationObserver }) {
    this.list = list;
    this.control = control;
    this.threshold = threshold;
    this.pinned = true;
    this.newMessages = 0;
    this.lastTop = list.scrollTop;
    this.lastDistance = 0;
    list.addEventListener('scroll', () => this.#scrolled(), { passive: true });
    if (control) control.addEventListener('click', () => this.toBottom({ smooth: true }));
    this.resizes = new ResizeObserverImpl(() => this.#resized());
    this.resizes.observe(list);
    for (const child of list.children) this.resizes.observe(child);
    this.children = new MutationObserverImpl((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) if (node.nodeType === 1) this.resizes.observe(node);
        for (const node of record.removedNodes) if (node.nodeType === 1) this.resizes.unobserve(node);
      }
    });
    this.children.observe(list, { childList: true });
    this.#paintControl();
  }

  /** Pixels between the bottom of the view and the bottom of the content. */
  distance() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight;
  }

  /** Pins the list and shows its bottom (opening a chat, sending a message, the control). */
  toBottom({ smooth = false } = {}) {
    this.pinned = true;
    this.newMessages = 0;
    this.#paintControl();
    if (smooth && typeof this.list.scrollTo === 'function') this.list.scrollTo({ top: this.list.scrollHeight, behavior: 'smooth' });
    else this.#stick();
  }

  /**
   * A message was added to the list. The viewer's own message takes the view down (as in every chat); another one
   * counts on the control while the person reads further up.
   */
  messageAdded({ own = false } = {}) {
    if (own) {
      this.toBottom();
      return;
    }
    if (!this.pinned) {
      this.newMessages += 1;
      this.#paintControl(true);
    }
  }

  #stick() {
    this.list.scrollTop = this.list.scrollHeight;
    this.lastTop = this.list.scrollTop;
    this.lastDistance = this.distance();
  }

  #scrolled() {
    const top = this.list.scrollTop;
    const distance = this.distance();
    if (distance <= this.threshold) {
      if (!this.pinned) {
        this.pinned = true;
        this.newMessages = 0;
      }
    } else if (top < this.lastTop - 1) {
      this.pinned = false; // the person scrolled up
    }
    this.lastTop = top;
    this.lastDistance = distance;
    this.#paintControl();
  }

  #resized() {
    if (this.pinned) {
      this.#stick();
      return;
    }
    // Content above the view that grows moves scrollTop with it (scroll anchoring), so only growth below the view
    // (or a view that got shorter) increases the distance to the bottom.
    const distance = this.distance();
    const grewBelow = distance > this.lastDistance + 1;
    this.lastDistance = distance;
    this.#paintControl(grewBelow);
  }

  #paintControl(somethingNew = false) {
    if (!this.control) return;
    if (this.pinned) {
      this.control.hidden = true;
      delete this.control.dataset.count;
      return;
    }
    if (!somethingNew && this.control.hidden) return;
    this.control.hidden = false;
    this.control.dataset.count = String(this.newMessages);
    this.control.textContent = this.newMessages > 0 ? `${this.newMessages} 条新消息 ↓` : '有新内容 ↓';
  }
}
