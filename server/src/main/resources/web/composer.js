// The composer: a textarea that grows up to six lines and then scrolls. Enter sends, Shift+Enter starts a new line
// (Enter that confirms an input method's candidate does neither), pasted text keeps its line breaks. In a group,
// typing "@" lists the chat's members and bots; picking one inserts "@Name", which is sent as Feishu's mention and
// removed whole by Backspace or Delete. The server decides text or post (docs/compatibility.md).

import { MentionPicker, matchMembers, mentionQuery, shiftRanges, wireText } from './mentions.js';

const MAX_LINES = 6;

export class Composer {
  /**
   * @param {object} options
   * @param {HTMLFormElement} options.form the composer form (its submit sends)
   * @param {HTMLTextAreaElement} options.input the textarea
   * @param {() => Array<{id, name, kind}>} options.members who can be mentioned in the open chat (none outside groups)
   */
  constructor({ form, input, members }) {
    this.form = form;
    this.input = input;
    this.members = members;
    this.ranges = []; // the mentions in the text: {start, end, id, name}, end exclusive
    this.previous = input.value;
    this.dismissedAt = -1; // the "@" whose list Escape closed
    this.picker = new MentionPicker({ container: form, onPick: (member) => this.#insertMention(member) });
    this.grows = typeof CSS !== 'undefined' && CSS.supports && CSS.supports('field-sizing', 'content');
    input.addEventListener('keydown', (e) => this.#keydown(e));
    input.addEventListener('input', () => this.#changed());
    input.addEventListener('click', () => this.#updatePicker());
    input.addEventListener('blur', () => this.picker.hide());
  }

  /** The text to send, mentions as <at> tags. */
  text() {
    return wireText(this.input.value, this.ranges);
  }

  /** Empties the box and returns what it held, for {@link restore} (a send that failed). */
  take() {
    const draft = { value: this.input.value, ranges: this.ranges };
    this.clear();
    return draft;
  }

  /** Puts a taken draft back, unless the person has typed something new meanwhile. */
  restore(draft) {
    if (this.input.value !== '') return;
    this.input.value = draft.value;
    this.ranges = draft.ranges;
    this.previous = draft.value;
    this.#fit();
  }

  clear() {
    this.input.value = '';
    this.ranges = [];
    this.previous = '';
    this.picker.hide();
    this.#fit();
  }

  #keydown(e) {
    if (e.isComposing || e.keyCode === 229) return; // the input method is still composing
    if (this.picker.open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        this.picker.move(e.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
        e.preventDefault();
        this.picker.pickActive();
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        const query = mentionQuery(this.input.value, this.input.selectionStart);
        this.dismissedAt = query ? query.start : -1;
        this.picker.hide();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.form.requestSubmit();
      return;
    }
    if ((e.key === 'Backspace' || e.key === 'Delete') && this.#deleteMentionAtCaret(e.key === 'Backspace')) {
      e.preventDefault();
    }
  }

  /** Backspace just after, or Delete just before, a mention (or either inside one) removes all of it. */
  #deleteMentionAtCaret(backwards) {
    const { selectionStart: start, selectionEnd: end } = this.input;
    if (start !== end) return false;
    const hit = this.ranges.find((r) => (backwards ? r.start < start && start <= r.end : r.start <= start && start < r.end));
    if (!hit) return false;
    this.input.setRangeText('', hit.start, hit.end, 'start');
    this.#changed();
    return true;
  }

  #changed() {
    this.ranges = shiftRanges(this.ranges, this.previous, this.input.value);
    this.previous = this.input.value;
    this.#fit();
    this.#updatePicker();
  }

  #updatePicker() {
    const caret = this.input.selectionStart;
    const query = this.input.selectionStart === this.input.selectionEnd ? mentionQuery(this.input.value, caret) : null;
    const members = this.members();
    if (!query || query.start === this.dismissedAt || !members.length || this.ranges.some((r) => r.start <= query.start && query.start < r.end)) {
      if (!query) this.dismissedAt = -1;
      this.picker.hide();
      return;
    }
    this.picker.show(matchMembers(members, query.query));
  }

  #insertMention(member) {
    const query = mentionQuery(this.input.value, this.input.selectionStart);
    if (!query) return;
    const name = member.name || member.id;
    const shown = `@${name}`;
    this.input.setRangeText(`${shown} `, query.start, this.input.selectionStart, 'end');
    const before = this.previous;
    this.previous = this.input.value;
    this.ranges = shiftRanges(this.ranges, before, this.input.value);
    this.ranges.push({ start: query.start, end: query.start + shown.length, id: member.id, name });
    this.picker.hide();
    this.#fit();
  }

  /** Without CSS field-sizing, grows the box by hand (through the CSSOM: the page allows no inline styles). */
  #fit() {
    if (this.grows) return;
    const style = getComputedStyle(this.input);
    const line = parseFloat(style.lineHeight) || 20;
    const extra = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom) + parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth), line * MAX_LINES + extra)}px`;
  }
}
