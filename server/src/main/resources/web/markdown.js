// Feishu card markdown (card-json-v2.md §3) on markdown-it, sanitised by DOMPurify.
//
// Implementation notes. Raw HTML is off in markdown-it; the dialect's own tags (<font>, <at>, <a>, <link>,
// <text_tag>, <person>, <local_datetime>, <number_tag>, <br>, <hr>, <raw>, <audio>) are parsed by an inline rule
// into tokens that render to a fixed, escaped vocabulary of elements. The HTML string markdown-it produces then goes
// through DOMPurify with an allow-list, and colours are applied through the CSSOM afterwards (never style=""
// attributes, so a strict style-src also works). Card content comes from bots and is untrusted throughout.
//
// safePrefix(source) is for the typewriter: given a prefix of a markdown source, it returns a source whose rendering
// shows no half-finished syntax: it closes an open code fence, holds back a half-typed fence opener, table row,
// block marker, tag, entity or :EMOJI key, shows a link's text without its unfinished destination, and closes open
// emphasis, strikethrough, inline code and dialect tags.

import '/webjars/markdown-it/14.1.0/dist/markdown-it.js';
import DOMPurify from '/webjars/dompurify/3.2.6/dist/purify.es.mjs';
import { resolveColor } from './colors.js';
import { imageAt } from './foreignimage.js';
import { EMOJI_KEYS, emojiGlyph, isEmojiKeyPrefix } from './emoji.js';

const ALLOWED_URL = /^(?:https?:\/\/|tel:|mailto:)/i;
const IMG_KEY = /^img_[A-Za-z0-9_-]+$/;
const TEXT_TAG_COLORS = new Set([
  'neutral', 'blue', 'turquoise', 'lime', 'orange', 'violet', 'indigo', 'wathet', 'green', 'yellow', 'red', 'purple',
  'carmine',
]);
const FEISHU_TAG = /^<(\/?)(font|at|a|text_tag|link|br|hr|person|local_datetime|number_tag|raw|audio)(?=[\s/>])([^<>]*?)(\/?)>/i;
const ATTR = /([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))|([A-Za-z_][\w-]*)/g;

const md = globalThis.markdownit({ html: false, linkify: false, breaks: true, typographer: false });
md.validateLink = (url) => {
  const u = String(url).trim();
  return ALLOWED_URL.test(u) || IMG_KEY.test(u);
};

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function parseAttrs(source) {
  const attrs = {};
  for (const m of source.matchAll(ATTR)) {
    if (m[1]) attrs[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? '';
    else if (m[5]) attrs[m[5].toLowerCase()] = '';
  }
  return attrs;
}

function feishuTagRule(state, silent) {
  if (state.src.charCodeAt(state.pos) !== 0x3c) return false;
  const m = FEISHU_TAG.exec(state.src.slice(state.pos, state.pos + 2000));
  if (!m) return false;
  if (!silent) {
    const token = state.push('feishu_tag', '', 0);
    token.meta = { closing: m[1] === '/', name: m[2].toLowerCase(), attrs: parseAttrs(m[3] || ''), selfClosing: m[4] === '/' };
  }
  state.pos += m[0].length;
  return true;
}

function emojiRule(state, silent) {
  if (state.src.charCodeAt(state.pos) !== 0x3a) return false;
  const m = /^:([A-Za-z0-9_]{1,40}):/.exec(state.src.slice(state.pos, state.pos + 44));
  if (!m || !EMOJI_KEYS.has(m[1])) return false;
  if (!silent) {
    const token = state.push('feishu_emoji', '', 0);
    token.meta = { key: m[1] };
  }
  state.pos += m[0].length;
  return true;
}

md.inline.ruler.before('html_inline', 'feishu_tag', feishuTagRule);
md.inline.ruler.before('emphasis', 'feishu_emoji', emojiRule);

function userLabel(env, id) {
  if (id === 'all') return '所有人';
  const name = env.resolveUser ? env.resolveUser(id) : null;
  return name || id;
}

function platformUrl(attrs, platform, keys = ['url']) {
  const candidates = [attrs[`${platform}_url`], ...keys.map((k) => attrs[k])];
  for (const c of candidates) {
    if (typeof c === 'string' && /^https?:\/\//i.test(c.trim())) return c.trim();
  }
  return null;
}

function formatDatetime(attrs) {
  const ms = Number(attrs.millisecond);
  const date = Number.isFinite(ms) && attrs.millisecond !== '' ? new Date(ms) : new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const ymd = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  switch (attrs.format_type) {
    case 'date_short': return `${date.getMonth() + 1}月${date.getDate()}日`;
    case 'date': return `${date.getFullYear()}年${date.getMonth() + 1}月${date.getDate()}日`;
    case 'week': return ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'][date.getDay()];
    case 'week_short': return ['周日', '周一', '周二', '周三', '周四', '周五', '周六'][date.getDay()];
    case 'time': return hm;
    case 'time_sec': return `${hm}:${pad(date.getSeconds())}`;
    case 'timezone': {
      const off = -date.getTimezoneOffset();
      return `GMT${off >= 0 ? '+' : '-'}${Math.floor(Math.abs(off) / 60)}:${pad(Math.abs(off) % 60)}`;
    }
    default: return ymd;
  }
}

function renderOpenTag(meta, env) {
  const a = meta.attrs;
  switch (meta.name) {
    case 'font': return [`<span class="md-font" data-color="${escapeHtml(a.color || '')}">`, '</span>'];
    case 'text_tag': {
      const color = TEXT_TAG_COLORS.has(a.color) ? a.color : 'blue';
      return [`<span class="md-text-tag tag-${color}">`, '</span>'];
    }
    case 'number_tag': return ['<span class="md-number-tag">', '</span>'];
    case 'raw': return ['<span class="md-raw">', '</span>'];
    case 'a': {
      const href = platformUrl(a, env.platform || 'pc', ['href']);
      return href
        ? [`<a class="md-link" href="${escapeHtml(href)}">`, '</a>']
        : ['<span class="md-link-invalid">', '</span>'];
    }
    case 'link': {
      const href = platformUrl(a, env.platform || 'pc', ['url']);
      return href
        ? [`<a class="md-link md-link-icon" href="${escapeHtml(href)}">`, '</a>']
        : ['<span class="md-link-invalid">', '</span>'];
    }
    case 'at': {
      let ids = [];
      if (a.ids) ids = a.ids.split(',').map((s) => s.trim()).filter(Boolean);
      else if (a.id) ids = [a.id];
      const labels = ids.map((id) => `<span class="md-at" data-user-id="${escapeHtml(id)}">@${escapeHtml(userLabel(env, id))}</span>`);
      if (a.email) labels.push(`<span class="md-at">@${escapeHtml(a.email)}</span>`);
      return [labels.join(' '), ''];
    }
    case 'person': {
      const name = a.id ? (env.resolveUser && env.resolveUser(a.id)) || '未知用户' : '未知用户';
      const cls = a.style === 'capsule' ? 'md-person capsule' : 'md-person';
      return [`<span class="${cls}" data-user-id="${escapeHtml(a.id || '')}">${escapeHtml(name)}</span>`, ''];
    }
    case 'local_datetime': return [`<span class="md-datetime">${escapeHtml(formatDatetime(a))}</span>`, ''];
    case 'audio': return [`<span class="md-audio">${escapeHtml(a.fallback_text || '[音频]')}</span>`, ''];
    case 'br': return ['<br>', ''];
    case 'hr': return ['<hr>', ''];
    default: return ['', ''];
  }
}

md.renderer.rules.feishu_tag = (tokens, idx, options, env) => {
  const meta = tokens[idx].meta;
  env.feishuStack = env.feishuStack || [];
  if (meta.closing) {
    for (let i = env.feishuStack.length - 1; i >= 0; i -= 1) {
      if (env.feishuStack[i].name === meta.name) {
        const [entry] = env.feishuStack.splice(i, 1);
        return entry.close;
      }
    }
    return '';
  }
  const [open, close] = renderOpenTag(meta, env);
  if (close && !meta.selfClosing) env.feishuStack.push({ name: meta.name, close });
  return meta.selfClosing ? open + close : open;
};

md.renderer.rules.feishu_emoji = (tokens, idx) => {
  const key = tokens[idx].meta.key;
  const glyph = emojiGlyph(key);
  return glyph
    ? `<span class="md-emoji" title="${escapeHtml(key)}">${glyph}</span>`
    : `<span class="md-emoji md-emoji-text" title="${escapeHtml(key)}">${escapeHtml(key)}</span>`;
};

md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx];
  const src = token.attrGet('src') || '';
  const alt = token.content || '';
  if (/^https?:\/\//i.test(src)) {
    // harden() makes this the image, or (another site's) a placeholder that loads it when clicked: see foreignimage.js
    return `<span class="md-foreign-img" data-img-src="${escapeHtml(src)}" title="${escapeHtml(alt)}"></span>`;
  }
  return `<span class="md-img-placeholder" data-img-key="${escapeHtml(src)}" title="${escapeHtml(alt)}">🖼 ${escapeHtml(alt || src)}</span>`;
};

md.renderer.rules.fence = (tokens, idx) => {
  const token = tokens[idx];
  const lang = (token.info || '').trim().split(/\s+/)[0].toLowerCase();
  const label = lang ? `<span class="md-code-lang">${escapeHtml(lang)}</span>` : '';
  return `<pre class="md-code">${label}<code>${escapeHtml(token.content)}</code></pre>\n`;
};

const PURIFY_CONFIG = {
  ALLOWED_TAGS: [
    'p', 'br', 'hr', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2',
    'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'img',
  ],
  ALLOWED_ATTR: ['href', 'title', 'class', 'start', 'alt', 'src', 'data-color', 'data-user-id', 'data-img-key', 'data-img-src'],
  ALLOWED_URI_REGEXP: /^(?:https?:|tel:|mailto:)/i,
  ADD_URI_SAFE_ATTR: ['data-color', 'data-user-id', 'data-img-key', 'data-img-src', 'start'],
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

function brokenImage(doc, alt) {
  const placeholder = doc.createElement('span');
  placeholder.className = 'md-img-placeholder';
  placeholder.textContent = `🖼 ${alt || '图片'}`;
  return placeholder;
}

function harden(fragment, env) {
  for (const a of fragment.querySelectorAll('a')) {
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer nofollow');
  }
  for (const img of fragment.querySelectorAll('img')) {
    img.setAttribute('referrerpolicy', 'no-referrer');
    img.setAttribute('loading', 'lazy');
    img.addEventListener('error', () => img.replaceWith(brokenImage(img.ownerDocument, img.getAttribute('alt'))));
  }
  for (const span of fragment.querySelectorAll('span[data-img-src]')) {
    const src = span.getAttribute('data-img-src');
    const alt = span.getAttribute('title') || '';
    if (/^https?:\/\//i.test(src)) span.replaceWith(imageAt(src, alt, 'md-img', () => brokenImage(span.ownerDocument, alt)));
    else span.remove();
  }
  for (const span of fragment.querySelectorAll('[data-color]')) {
    const color = resolveColor(span.getAttribute('data-color'), env.customColors);
    if (color) span.style.color = color;
  }
  return fragment;
}

/** The sanitised HTML of a markdown source (for inspection and tests; the page uses renderMarkdown). */
export function markdownToHtml(source, ctx = {}) {
  const container = document.createElement('div');
  container.append(renderMarkdown(source, ctx));
  return container.innerHTML;
}

/**
 * Renders Feishu card markdown to a sanitised DocumentFragment. `ctx`: {resolveUser(id) → name|null, platform,
 * customColors (config.style.color)}.
 */
export function renderMarkdown(source, ctx = {}) {
  const env = { resolveUser: ctx.resolveUser, platform: ctx.platform || 'pc', customColors: ctx.customColors };
  const html = md.render(String(source ?? ''), env);
  return harden(DOMPurify.sanitize(html, PURIFY_CONFIG), env);
}

// ---------------------------------------------------------------------------------------------------------------
// safePrefix

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})\s*$/;
const DELIMITER_ROW = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const BLOCK_PREFIX = /^(?:[ \t]*(?:>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+))*(?:[ \t]*#{1,6}[ \t]+)?/;
const PAIRED_TAGS = new Set(['font', 'at', 'a', 'text_tag', 'link', 'person', 'local_datetime', 'number_tag', 'raw', 'audio']);

function isBlank(line) {
  return /^\s*$/.test(line);
}

/** A line with block syntax but no content yet: "-", "1.", "#", ">", "---", "==", "``", "|--|". */
function onlyBlockMarkers(line) {
  const rest = line.slice(line.match(BLOCK_PREFIX)[0].length);
  if (/^\s*$/.test(rest)) return true;
  return /^\s*(#{1,6}|[-=*_+\s]+|[`~]{1,2}|[|:\-\s]+|\d{1,9}[.)])\s*$/.test(rest);
}

function isTableRow(line) {
  return /^\s*\|/.test(line);
}

function startsBlock(line) {
  return /^\s{0,3}(#{1,6}\s|[-*+]\s|\d{1,9}[.)]\s|>|\|)/.test(line);
}

function fenceState(lines) {
  let open = null;
  lines.forEach((line, i) => {
    if (!open) {
      const m = FENCE_OPEN.exec(line);
      if (m && !(m[1][0] === '`' && m[2].includes('`'))) open = { fence: m[1], line: i };
    } else {
      const m = FENCE_CLOSE.exec(line);
      if (m && m[1][0] === open.fence[0] && m[1].length >= open.fence.length) open = null;
    }
  });
  return open;
}

/**
 * A source whose rendering shows no half-finished markdown, for a prefix `source` of a text still being typed.
 * The full text (typing caught up) is rendered as it is, not through this function.
 */
export function safePrefix(source) {
  const text = String(source ?? '');
  if (text === '') return '';
  const lines = text.split('\n');
  const last = lines.length - 1;
  const fence = fenceState(lines);
  if (fence) {
    if (fence.line === last) {
      // The opener (or its language) is still being typed.
      return safePrefix(lines.slice(0, last).join('\n') + (last > 0 ? '\n' : ''));
    }
    const tail = lines[last];
    if (/^ {0,3}(`+|~+)\s*$/.test(tail) && tail.trim()[0] === fence.fence[0]) lines[last] = '';
    const body = lines.join('\n');
    return body + (lines[last] === '' ? '' : '\n') + fence.fence;
  }
  // Hold back a last line that so far has only block syntax, or a half-typed row of a table.
  if (lines[last] !== '' && onlyBlockMarkers(lines[last])) lines[last] = '';
  if (lines[last] !== '' && inTable(lines, last)) lines[last] = '';
  dropUnconfirmedTableHeader(lines);
  const scopeStart = inlineScopeStart(lines);
  const head = lines.slice(0, scopeStart).join('\n');
  const scope = lines.slice(scopeStart).join('\n');
  const closed = closeInline(scope);
  return scopeStart === 0 ? closed : `${head}\n${closed}`;
}

/** Whether line `index` continues a table whose delimiter row is above it. */
function inTable(lines, index) {
  for (let i = index - 1; i >= 1; i -= 1) {
    if (isBlank(lines[i])) return false;
    if (DELIMITER_ROW.test(lines[i]) && lines[i].includes('-') && lines[i - 1].includes('|')) return true;
    if (!lines[i].includes('|')) return false;
  }
  return false;
}

/** A trailing header row whose delimiter row has not arrived yet would render as a paragraph of pipes. */
function dropUnconfirmedTableHeader(lines) {
  let i = lines.length - 1;
  if (lines[i] === '') i -= 1;
  if (i < 0 || !isTableRow(lines[i])) return;
  if (inTable(lines, i) || (DELIMITER_ROW.test(lines[i]) && lines[i].includes('-'))) return;
  lines[i] = '';
  if (i < lines.length - 1) lines.splice(i + 1);
}

/** Index of the first line of the block the cursor is in; inline syntax before it is final. */
function inlineScopeStart(lines) {
  let i = lines.length - 1;
  if (i > 0 && lines[i] === '') i -= 1;
  for (; i > 0; i -= 1) {
    if (isBlank(lines[i - 1])) return i;
    if (startsBlock(lines[i])) return i;
    if (/^\s{0,3}#{1,6}\s/.test(lines[i - 1]) || isTableRow(lines[i - 1]) || /^ {0,3}(`{3,}|~{3,})/.test(lines[i - 1])) return i;
  }
  return 0;
}

function isWhite(c) {
  return c === undefined || /\s/.test(c);
}

function isPunct(c) {
  return c !== undefined && /[\p{P}\p{S}]/u.test(c);
}

/** Closes or removes unfinished inline syntax at the end of one block's source. */
function closeInline(scopeSource) {
  let s = scopeSource;
  // Half-typed tokens right at the cursor.
  for (let changed = true; changed;) {
    changed = false;
    const before = s;
    s = s.replace(/<\/?([A-Za-z_][^<>]*)?$/, '');
    s = s.replace(/&#?[A-Za-z0-9]{0,12}$/, '');
    s = s.replace(/\\$/, '');
    s = s.replace(/[*_~`]+$/, '');
    const emoji = /:([A-Za-z0-9_]{0,40})$/.exec(s);
    if (emoji && isEmojiKeyPrefix(emoji[1])) s = s.slice(0, emoji.index);
    changed = s !== before;
  }
  // Mask block prefixes ("- ", "> ", "# ", "1. ") so their characters do not count as inline syntax.
  const masked = s.split('\n').map((line) => ' '.repeat(line.match(BLOCK_PREFIX)[0].length) + line.slice(line.match(BLOCK_PREFIX)[0].length)).join('\n');
  const stack = [];
  let cut = s.length; // the source is kept up to here (an unfinished link destination or image cuts it)
  let i = 0;
  const removals = []; // [start, end) ranges to delete (an unfinished link's "[" and "](…")
  while (i < masked.length && i < cut) {
    const c = masked[i];
    if (c === '\\') { i += 2; continue; }
    if (c === '`') {
      let n = 1;
      while (masked[i + n] === '`') n += 1;
      const closer = findBacktickRun(masked, i + n, n);
      if (closer >= 0) { i = closer + n; continue; }
      stack.push({ kind: 'code', pos: i, len: n, close: '`'.repeat(n) });
      break; // everything after an open code span is literal
    }
    if (c === '<') {
      const m = FEISHU_TAG.exec(masked.slice(i, i + 2000));
      if (m) {
        const name = m[2].toLowerCase();
        if (m[1] === '/') {
          for (let k = stack.length - 1; k >= 0; k -= 1) {
            if (stack[k].kind === 'tag' && stack[k].name === name) { stack.splice(k, 1); break; }
          }
        } else if (m[4] !== '/' && PAIRED_TAGS.has(name)) {
          stack.push({ kind: 'tag', name, pos: i, close: `</${name}>` });
        }
        i += m[0].length;
        continue;
      }
      i += 1;
      continue;
    }
    if (c === '[') {
      stack.push({ kind: 'bracket', pos: i, image: i > 0 && masked[i - 1] === '!' && masked[i - 2] !== '\\' });
      i += 1;
      continue;
    }
    if (c === ']') {
      let k = stack.length - 1;
      while (k >= 0 && stack[k].kind !== 'bracket') k -= 1;
      if (k < 0) { i += 1; continue; }
      const open = stack[k];
      const next = masked[i + 1];
      if (next === undefined || next === '(') {
        const end = next === '(' ? findParenClose(masked, i + 2) : -1;
        if (end >= 0) {
          // A complete link: inner emphasis openers that stayed open belong to the label only.
          stack.splice(k);
          i = end + 1;
          continue;
        }
        // The destination is unfinished (or may still come): show only the label, or nothing for an image.
        stack.splice(k, 1);
        if (open.image) {
          cut = open.pos - 1;
        } else {
          cut = i;
          removals.push([open.pos, open.pos + 1]);
        }
        break;
      }
      stack.splice(k, 1); // literal brackets
      i += 1;
      continue;
    }
    if (c === '*' || c === '_' || c === '~') {
      let n = 1;
      while (masked[i + n] === c) n += 1;
      const prev = masked[i - 1];
      const next = masked[i + n];
      const leftFlanking = !isWhite(next) && (!isPunct(next) || isWhite(prev) || isPunct(prev));
      const rightFlanking = !isWhite(prev) && (!isPunct(prev) || isWhite(next) || isPunct(next));
      let canOpen = leftFlanking;
      let canClose = rightFlanking;
      if (c === '_') {
        canOpen = leftFlanking && (!rightFlanking || isPunct(prev));
        canClose = rightFlanking && (!leftFlanking || isPunct(next));
      }
      if (c === '~' && n < 2) { i += n; continue; }
      let remaining = n;
      if (canClose) {
        for (let k = stack.length - 1; k >= 0 && remaining > 0; k -= 1) {
          const e = stack[k];
          if (e.kind === 'bracket') break;
          if (e.kind !== 'emph' || e.ch !== c) continue;
          const used = Math.min(e.len, remaining);
          e.len -= used;
          remaining -= used;
          if (e.len === 0) stack.splice(k);
        }
      }
      if (remaining > 0 && canOpen) stack.push({ kind: 'emph', ch: c, len: remaining, pos: i + (n - remaining) });
      i += n;
      continue;
    }
    i += 1;
  }
  // Unclosed brackets: the label is shown without its "[" (an image is not shown at all).
  for (let k = stack.length - 1; k >= 0; k -= 1) {
    const e = stack[k];
    if (e.kind !== 'bracket' || e.pos >= cut) continue;
    if (e.image) {
      cut = Math.min(cut, e.pos - 1);
    } else {
      removals.push([e.pos, e.pos + 1]);
    }
    stack.splice(k, 1);
  }
  let out = s.slice(0, cut);
  const live = stack.filter((e) => e.pos < out.length);
  // An opener with nothing after it yet is removed; the others are closed, innermost first.
  const closers = [];
  for (let k = live.length - 1; k >= 0; k -= 1) {
    const e = live[k];
    const openLen = e.kind === 'emph' ? e.len : e.kind === 'code' ? e.len : 0;
    const after = out.slice(e.pos + openLen);
    if (e.kind !== 'tag' && /^\s*$/.test(after.replace(/[*_~`]/g, ''))) {
      removals.push([e.pos, e.pos + openLen]);
      continue;
    }
    if (e.kind === 'emph') closers.push(e.ch.repeat(e.len));
    else closers.push(e.close);
  }
  for (const [start, end] of removals.filter(([start]) => start < out.length).sort((x, y) => y[0] - x[0])) {
    out = out.slice(0, start) + out.slice(end);
  }
  if (closers.length === 0) return out;
  const trailing = /\s*$/.exec(out)[0];
  return out.slice(0, out.length - trailing.length) + closers.join('') + trailing;
}

function findBacktickRun(s, from, n) {
  for (let i = from; i < s.length; i += 1) {
    if (s[i] !== '`') continue;
    let m = 1;
    while (s[i + m] === '`') m += 1;
    if (m === n) return i;
    i += m - 1;
  }
  return -1;
}

function findParenClose(s, from) {
  let depth = 0;
  for (let i = from; i < s.length; i += 1) {
    const c = s[i];
    if (c === '\\') { i += 1; continue; }
    if (c === '(') depth += 1;
    else if (c === ')') {
      if (depth === 0) return i;
      depth -= 1;
    } else if (c === '\n') {
      return -1;
    }
  }
  return -1;
}
