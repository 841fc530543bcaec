// Mentions, as Feishu writes them in a text message: <at user_id="ou_…">Name</at>. The composer shows a mention as
// "@Name" and remembers where it is (a range of the textarea's text); sending turns each range back into the tag, so
// the bot hears it exactly as from the Feishu client (docs/compatibility.md). Shown messages render the tags as names.

import { h } from './dom.js';

const AT_TAG = /<at\s+user_id\s*=\s*["']?([^"'>\s]*)["']?\s*>([\s\S]*?)<\/at>/g;
const MAX_QUERY = 30;
const MAX_OPTIONS = 8;

/** A text message's text as runs: `{text}` and `{mention: {id, name}}`. */
export function mentionRuns(text) {
  const runs = [];
  let last = 0;
  for (const m of String(text).matchAll(AT_TAG)) {
    if (m.index > last) runs.push({ text: text.slice(last, m.index) });
    runs.push({ mention: { id: m[1], name: m[2] } });
    last = m.index + m[0].length;
  }
  if (last < text.length) runs.push({ text: text.slice(last) });
  return runs;
}

/** DOM nodes of a text message's text: its mentions as "@Name" (the directory's name when known). */
export function renderMentionText(text, resolveName = () => null) {
  return mentionRuns(String(text ?? '')).map((run) => {
    if (run.text !== undefined) return document.createTextNode(run.text);
    const { id, name } = run.mention;
    const shown = id === 'all' ? '所有人' : resolveName(id) || name || id;
    return h('span', { class: 'md-at', 'data-user-id': id, text: `@${shown}` });
  });
}

/**
 * The mention being typed at the caret: an "@" at the start of the text or after a space or punctuation (not inside
 * an e-mail address), followed by up to 30 characters without a line break. Returns {start, query} or null.
 */
export function mentionQuery(value, caret) {
  const before = value.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  const query = before.slice(at + 1);
  if (query.length > MAX_QUERY || /[\n@]/.test(query)) return null;
  if (at > 0 && !/[\s(（，,。.:：;；!！?？、]/.test(before[at - 1])) return null;
  return { start: at, query };
}

/** The members whose name (or id) contains the query, at most eight. */
export function matchMembers(members, query) {
  const q = query.trim().toLowerCase();
  return members.filter((m) => !q || String(m.name || '').toLowerCase().includes(q) || String(m.id).toLowerCase().includes(q)).slice(0, MAX_OPTIONS);
}

/**
 * The mention ranges after the text changed from `before` to `after`: ranges before the change stay, ranges after
 * it move, ranges it touched are gone (their text is no longer the mention's).
 */
export function shiftRanges(ranges, before, after) {
  let start = 0;
  const shortest = Math.min(before.length, after.length);
  while (start < shortest && before[start] === after[start]) start += 1;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore -= 1;
    endAfter -= 1;
  }
  const delta = endAfter - endBefore;
  return ranges
    .filter((r) => r.end <= start || r.start >= endBefore)
    .map((r) => (r.start >= endBefore && delta !== 0 ? { ...r, start: r.start + delta, end: r.end + delta } : r));
}

/** The text to send: each mention range ("@Name") becomes <at user_id="…">Name</at>. */
export function wireText(value, ranges) {
  let out = '';
  let last = 0;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    if (r.start < last || value.slice(r.start, r.end) !== `@${r.name}`) continue;
    out += value.slice(last, r.start) + `<at user_id="${r.id}">${r.name.replace(/</g, '＜')}</at>`;
    last = r.end;
  }
  return out + value.slice(last);
}

/** The list of members under the composer's "@": shown above the composer, picked with the keys or the mouse. */
export class MentionPicker {
  constructor({ container, onPick }) {
    this.onPick = onPick;
    this.items = [];
    this.active = 0;
    this.el = h('ul', { class: 'mention-list', 'data-testid': 'mention-list', role: 'listbox', 'aria-label': '提及成员' });
    this.el.hidden = true;
    container.append(this.el);
  }

  get open() {
    return !this.el.hidden;
  }

  show(items) {
    this.items = items;
    this.active = 0;
    this.el.replaceChildren(...items.map((member, i) => {
      const li = h('li', { class: 'mention-option', 'data-testid': 'mention-option', role: 'option', 'data-member-id': member.id },
        h('span', { class: 'mention-avatar', text: String(member.name || member.id).slice(0, 1) }),
        h('span', { class: 'mention-name', text: member.name || member.id }),
        member.kind === 'bot' ? h('span', { class: 'mention-kind', text: '机器人' }) : null);
      // mousedown, not click: the textarea keeps its focus and caret
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        this.onPick(this.items[i]);
      });
      return li;
    }));
    this.el.hidden = items.length === 0;
    this.#paintActive();
  }

  hide() {
    this.el.hidden = true;
    this.items = [];
  }

  move(step) {
    if (!this.items.length) return;
    this.active = (this.active + step + this.items.length) % this.items.length;
    this.#paintActive();
  }

  pickActive() {
    const member = this.items[this.active];
    if (member) this.onPick(member);
  }

  #paintActive() {
    [...this.el.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === this.active)));
    const active = this.el.children[this.active];
    if (active && typeof active.scrollIntoView === 'function') active.scrollIntoView({ block: 'nearest' });
  }
}
