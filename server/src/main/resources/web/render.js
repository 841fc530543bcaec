// Card JSON 2.0 → DOM.
//
// Implementation notes. Everything is built with createElement/textContent; markdown goes through markdown.js
// (markdown-it + DOMPurify), never innerHTML of card strings. Layout values (padding, margin, spacing, colours) are
// validated and set through the CSSOM, so the page works under a strict Content-Security-Policy. Each component is
// rendered inside its own try/catch: an unknown or malformed component becomes a visible placeholder and the rest of
// the card still renders. Streamed text elements (markdown components and plain_text text elements with an
// element_id) are registered in `texts`, so the typewriter can repaint one element without rebuilding the card.

import { renderMarkdown, safePrefix } from './markdown.js';
import { resolveColor } from './colors.js';
import { h } from './dom.js';
import { imageAt } from './foreignimage.js';

const SPACING = { small: '4px', medium: '8px', large: '12px', extra_large: '16px' };
const TEXT_SIZES = new Set([
  'heading-0', 'heading-1', 'heading-2', 'heading-3', 'heading-4', 'heading', 'normal', 'notation', 'xxxx-large',
  'xxx-large', 'xx-large', 'x-large', 'large', 'medium', 'small', 'x-small',
]);
const HEADER_TEMPLATES = new Set([
  'blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey',
  'default',
]);
const TAG_COLORS = new Set([
  'neutral', 'blue', 'turquoise', 'lime', 'orange', 'violet', 'indigo', 'wathet', 'green', 'yellow', 'red', 'purple',
  'carmine',
]);
const BOX = /^-?\d{1,3}(px)?( -?\d{1,3}(px)?){0,3}$/;

/** Text shown instead of the body by clients older than 7.20 (card-json-v2.md §5.5; exact wording unconfirmed). */
export const UPGRADE_NOTICE = '请升级至最新版本客户端，以查看内容';

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The string of a text object or text field: content, else the first i18n_content value. */
export function textContentOf(obj) {
  if (obj === null || obj === undefined) return '';
  if (typeof obj === 'string') return obj;
  if (!isObject(obj)) return String(obj);
  if (obj.content !== undefined && obj.content !== null) return String(obj.content);
  if (isObject(obj.i18n_content)) {
    const values = Object.values(obj.i18n_content).filter((v) => typeof v === 'string' && v !== '');
    if (values.length) return values[0];
  }
  return '';
}

function px(value) {
  if (typeof value === 'number') return `${value}px`;
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (SPACING[v]) return SPACING[v];
  return /^\d{1,3}(px)?$/.test(v) ? (v.endsWith('px') ? v : `${v}px`) : null;
}

function box(value) {
  if (typeof value !== 'string' || !BOX.test(value.trim())) return null;
  return value.trim().split(/\s+/).map((p) => (p.endsWith('px') || p === '0' ? p : `${p}px`)).join(' ');
}

function applyLayout(el, spec, { direction = 'vertical' } = {}) {
  const dir = spec.direction === 'horizontal' ? 'horizontal' : direction;
  el.classList.add(dir === 'horizontal' ? 'ock-row' : 'ock-col');
  const padding = box(spec.padding);
  if (padding) el.style.padding = padding;
  const vs = px(spec.vertical_spacing);
  const hs = px(spec.horizontal_spacing);
  if (dir === 'horizontal' && hs) el.style.columnGap = hs;
  if (dir !== 'horizontal' && vs) el.style.rowGap = vs;
  if (['left', 'center', 'right'].includes(spec.horizontal_align)) el.classList.add(`halign-${spec.horizontal_align}`);
  if (['top', 'center', 'bottom'].includes(spec.vertical_align)) el.classList.add(`valign-${spec.vertical_align}`);
}

function background(el, value, rc) {
  if (typeof value !== 'string' || value === 'default') return;
  if (value === 'laser') {
    el.classList.add('bg-laser');
    return;
  }
  const color = resolveColor(value, rc.customColors);
  if (color) el.style.backgroundColor = color;
}

function openUrl(url) {
  if (typeof url === 'string' && /^https?:\/\//i.test(url.trim())) {
    window.open(url.trim(), '_blank', 'noopener,noreferrer');
  }
}

function platformUrl(spec, platform) {
  if (!isObject(spec)) return null;
  const candidates = [spec[`${platform}_url`], spec.url, spec.default_url];
  return candidates.find((u) => typeof u === 'string' && /^https?:\/\//i.test(u.trim())) || null;
}

function behaviorsOf(el) {
  return Array.isArray(el.behaviors) ? el.behaviors.filter(isObject) : [];
}

function callbackValue(el) {
  const cb = behaviorsOf(el).find((b) => b.type === 'callback');
  if (cb) return cb.value;
  return el.value;
}

function textSizeClass(size, rc) {
  let name = size;
  const custom = rc.card.config && rc.card.config.style && rc.card.config.style.text_size;
  if (isObject(custom) && isObject(custom[size])) {
    const spec = custom[size];
    name = (rc.platform === 'pc' ? spec.pc : spec.mobile) || spec.default || 'normal';
  }
  return TEXT_SIZES.has(name) ? `size-${name}` : 'size-normal';
}

function markdownCtx(rc) {
  return { resolveUser: rc.resolveUser, platform: rc.platform, customColors: rc.customColors };
}

/** Renders a markdown source; while typing, through safePrefix so no half-finished syntax shows. */
function paintMarkdown(target, text, typing, rc) {
  target.replaceChildren(renderMarkdown(typing ? safePrefix(text) : text, markdownCtx(rc)));
}

function registerText(el, id, content, paint, rc) {
  if (id === undefined || id === null) {
    paint(content, false);
    return;
  }
  el.dataset.elementId = String(id);
  rc.texts.set(String(id), paint);
  const { text, typing } = rc.textOf(String(id), content);
  paint(text, typing);
}

/** A text object (plain_text or lark_md); plain_text with an element_id is streamable. */
function renderText(obj, rc, { block = false, className = '' } = {}) {
  if (!isObject(obj)) obj = { tag: 'plain_text', content: obj === undefined ? '' : String(obj) };
  const el = h(block ? 'div' : 'span', { class: `ock-text ${className}`.trim() });
  const rich = obj.tag === 'lark_md' || obj.tag === 'markdown';
  if (rich) el.classList.add('ock-rich');
  if (obj.text_size) el.classList.add(textSizeClass(obj.text_size, rc));
  if (['left', 'center', 'right'].includes(obj.text_align)) el.classList.add(`talign-${obj.text_align}`);
  if (!rich && obj.text_color) {
    const color = resolveColor(obj.text_color, rc.customColors);
    if (color) el.style.color = color;
  }
  if (Number.isInteger(obj.lines) && obj.lines > 0) {
    el.classList.add('ock-clamp');
    el.style.webkitLineClamp = String(obj.lines);
  }
  const paint = (text, typing) => {
    if (rich) paintMarkdown(el, text, typing, rc);
    else el.textContent = text;
    el.classList.toggle('ock-typing', typing);
  };
  registerText(el, obj.element_id, textContentOf(obj), paint, rc);
  return el;
}

function renderIcon(icon, rc) {
  if (!isObject(icon)) return null;
  if (icon.tag === 'custom_icon') {
    return h('span', { class: 'ock-icon custom', title: icon.img_key || '', text: '▣' });
  }
  const el = h('span', { class: 'ock-icon', title: icon.token || '', text: '◆' });
  const color = resolveColor(icon.color, rc.customColors);
  if (color) el.style.color = color;
  return el;
}

function placeholder(kind, label) {
  return h('div', { class: `ock-placeholder ${kind}`, 'data-testid': kind }, label);
}

function userName(rc, id) {
  return (rc.resolveUser && rc.resolveUser(id)) || null;
}

function personChip(id, rc, { showName = true, showAvatar = true, size = 'medium', style = 'normal' } = {}) {
  const name = userName(rc, id);
  const label = name || '未知用户';
  return h('span', { class: `ock-person size-${size} style-${style}`, 'data-user-id': id || '', title: label },
    showAvatar ? h('span', { class: 'ock-avatar', text: label.slice(0, 1) }) : null,
    showName ? h('span', { class: 'ock-person-name', text: label }) : null);
}

function tzOffset() {
  const off = -new Date().getTimezoneOffset();
  const abs = Math.abs(off);
  return `${off >= 0 ? '+' : '-'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** Runs `action` after the component's confirm dialog (an inline bar, so nothing blocks the page). */
function withConfirm(spec, anchor, action) {
  if (!isObject(spec) || !spec.title) {
    action();
    return;
  }
  const bar = h('div', { class: 'ock-confirm', 'data-testid': 'confirm' },
    h('strong', { text: textContentOf(spec.title) }),
    h('span', { text: textContentOf(spec.text) }));
  const ok = h('button', { type: 'button', class: 'ock-btn type-primary size-small', text: '确定' });
  const cancel = h('button', { type: 'button', class: 'ock-btn size-small', text: '取消' });
  ok.addEventListener('click', (e) => { e.stopPropagation(); bar.remove(); action(); });
  cancel.addEventListener('click', (e) => { e.stopPropagation(); bar.remove(); });
  bar.append(ok, cancel);
  anchor.after(bar);
}

function send(rc, payload) {
  const body = {};
  for (const [k, v] of Object.entries(payload)) if (v !== undefined) body[k] = v;
  rc.onAction(body);
}

// --------------------------------------------------------------------------------------------------------------
// Components

const COMPONENTS = {
  markdown(el, rc) {
    const node = h('div', { class: `ock-markdown ${textSizeClass(el.text_size || 'normal', rc)}` });
    if (['left', 'center', 'right'].includes(el.text_align)) node.classList.add(`talign-${el.text_align}`);
    const icon = renderIcon(el.icon, rc);
    const target = icon ? h('div', { class: 'ock-markdown-body' }) : node;
    if (icon) node.append(icon, target);
    const paint = (text, typing) => {
      paintMarkdown(target, text, typing, rc);
      node.classList.toggle('ock-typing', typing);
    };
    registerText(node, el.element_id, textContentOf(el), paint, rc);
    return node;
  },

  plain_text(el, rc) {
    return renderText(el, rc, { block: true });
  },

  lark_md(el, rc) {
    return renderText(el, rc, { block: true });
  },

  div(el, rc) {
    const node = h('div', { class: 'ock-div' });
    const icon = renderIcon(el.icon, rc);
    if (icon) node.append(icon);
    if (el.text !== undefined) node.append(renderText(el.text, rc, { block: true }));
    if (Array.isArray(el.fields) && el.fields.length) {
      const fields = h('div', { class: 'ock-fields' });
      for (const f of el.fields) {
        fields.append(h('div', { class: f && f.is_short ? 'ock-field short' : 'ock-field' }, renderText(f && f.text, rc, { block: true })));
      }
      node.append(fields);
    }
    return node;
  },

  hr() {
    return h('hr', { class: 'ock-hr' });
  },

  img(el, rc) {
    const key = el.img_key || (isObject(el.i18n_img_key) ? Object.values(el.i18n_img_key)[0] : '') || '';
    const alt = textContentOf(el.alt) || textContentOf(el.title) || '图片';
    const node = h('figure', { class: `ock-img size-${typeof el.size === 'string' && /^[a-z_]+$/.test(el.size) ? el.size : 'stretch'}` });
    node.append(imageOrPlaceholder(key, alt));
    if (el.title) node.append(h('figcaption', {}, renderText(el.title, rc)));
    return node;
  },

  img_combination(el) {
    const node = h('div', { class: `ock-img-combination mode-${el.combination_mode || 'double'}` });
    for (const img of Array.isArray(el.img_list) ? el.img_list : []) {
      node.append(imageOrPlaceholder(img && img.img_key, '图片'));
    }
    return node;
  },

  column_set(el, rc, scope) {
    const node = h('div', { class: `ock-column-set flex-${el.flex_mode || 'none'}` });
    const hs = px(el.horizontal_spacing);
    node.style.columnGap = hs || '8px';
    background(node, el.background_style, rc);
    if (!Array.isArray(el.columns)) throw new Error('column_set without columns');
    for (const column of el.columns) node.append(renderElement(column, rc, scope));
    clickableUrl(node, el.action && el.action.multi_url, rc);
    return node;
  },

  column(el, rc, scope) {
    const node = h('div', { class: 'ock-column' });
    applyLayout(node, el);
    if (el.width === 'weighted') node.style.flex = `${Math.min(5, Math.max(1, Number(el.weight) || 1))} 1 0`;
    else if (px(el.width)) node.style.flex = `0 0 ${px(el.width)}`;
    else node.style.flex = '1 1 0';
    background(node, el.background_style, rc);
    renderChildren(node, el.elements, rc, scope);
    clickableUrl(node, el.action && el.action.multi_url, rc);
    return node;
  },

  collapsible_panel(el, rc, scope) {
    const header = isObject(el.header) ? el.header : {};
    const node = h('details', { class: 'ock-panel' });
    if (el.expanded) node.open = true;
    if (isObject(el.border)) {
      node.classList.add('bordered');
      const color = el.border.color && el.border.color !== 'grey' ? resolveColor(el.border.color, rc.customColors) : null;
      if (color) node.style.borderColor = color;
    }
    background(node, el.background_color, rc);
    const summary = h('summary', { class: 'ock-panel-header' });
    background(summary, header.background_color, rc);
    const title = isObject(header.title) ? header.title : { tag: 'plain_text', content: '' };
    summary.append(renderText({ ...title, tag: title.tag === 'markdown' ? 'lark_md' : title.tag }, rc));
    const body = h('div', { class: 'ock-panel-body' });
    applyLayout(body, el);
    renderChildren(body, el.elements, rc, scope);
    node.append(summary, body);
    return node;
  },

  interactive_container(el, rc, scope) {
    const node = h('div', { class: 'ock-interactive', role: 'button', tabindex: el.disabled ? null : '0' });
    applyLayout(node, { padding: '4px 12px', ...el });
    if (el.has_border) {
      node.classList.add('bordered');
      const color = el.border_color && el.border_color !== 'grey' ? resolveColor(el.border_color, rc.customColors) : null;
      if (color) node.style.borderColor = color;
    }
    background(node, el.background_style, rc);
    if (typeof el.corner_radius === 'string' && /^\d{1,3}(px|%)$/.test(el.corner_radius)) node.style.borderRadius = el.corner_radius;
    if (el.disabled) node.classList.add('disabled');
    if (el.hover_tips) node.title = textContentOf(el.hover_tips);
    renderChildren(node, el.elements, rc, scope);
    const activate = () => {
      if (el.disabled) return;
      withConfirm(el.confirm, node, () => {
        const url = behaviorsOf(el).find((b) => b.type === 'open_url');
        if (url) openUrl(platformUrl(url, rc.platform));
        const value = callbackValue(el);
        if (value !== undefined || !url) send(rc, { tag: 'interactive_container', element_id: el.element_id, value });
      });
    };
    node.addEventListener('click', activate);
    node.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.target === node) activate();
    });
    return node;
  },

  form(el, rc) {
    const node = h('form', { class: 'ock-form', name: el.name || '' });
    applyLayout(node, { vertical_spacing: '12px', ...el });
    const controls = new Map();
    const resets = [];
    const formScope = {
      name: el.name,
      register(name, get, reset, required) {
        if (name) controls.set(name, { get, required });
        if (reset) resets.push(reset);
      },
      values() {
        const out = {};
        for (const [name, c] of controls) {
          const v = c.get();
          if (v !== undefined) out[name] = v;
        }
        return out;
      },
      missing() {
        return [...controls].filter(([, c]) => c.required && isEmptyValue(c.get())).map(([name]) => name);
      },
      reset() {
        resets.forEach((r) => r());
      },
    };
    node.addEventListener('submit', (e) => e.preventDefault());
    renderChildren(node, el.elements, rc, { form: formScope });
    return node;
  },

  button(el, rc, scope) {
    const node = h('button', {
      type: 'button',
      class: `ock-btn type-${/^[a-z_]+$/.test(el.type || '') ? el.type : 'default'} size-${/^[a-z]+$/.test(el.size || '') ? el.size : 'medium'}`,
      title: el.disabled ? textContentOf(el.disabled_tips) || null : textContentOf(el.hover_tips) || null,
    });
    if (el.width === 'fill') node.classList.add('fill');
    const icon = renderIcon(el.icon, rc);
    if (icon) node.append(icon);
    node.append(h('span', { text: textContentOf(el.text) }));
    if (el.disabled) node.disabled = true;
    node.addEventListener('click', (e) => {
      e.stopPropagation();
      withConfirm(el.confirm, node, () => {
        const formAction = el.form_action_type || el.action_type;
        if (scope.form && formAction === 'reset') {
          scope.form.reset();
          return;
        }
        const url = behaviorsOf(el).find((b) => b.type === 'open_url');
        if (url) openUrl(platformUrl(url, rc.platform));
        const value = callbackValue(el);
        if (scope.form && formAction === 'submit') {
          const missing = scope.form.missing();
          if (missing.length) {
            node.dataset.missing = missing.join(',');
            node.classList.add('ock-missing');
            return;
          }
          send(rc, { tag: 'button', element_id: el.element_id, name: el.name, value, form_value: scope.form.values() });
        } else if (value !== undefined || !url) {
          send(rc, { tag: 'button', element_id: el.element_id, name: el.name, value });
        }
      });
    });
    return node;
  },

  select_static(el, rc, scope) {
    return selectControl(el, rc, scope, (el.options || []).map((o) => ({ value: o && o.value, label: textContentOf(o && o.text) })), false);
  },

  multi_select_static(el, rc, scope) {
    return selectControl(el, rc, scope, (el.options || []).map((o) => ({ value: o && o.value, label: textContentOf(o && o.text) })), true);
  },

  select_person(el, rc, scope) {
    return selectControl(el, rc, scope, (el.options || []).map((o) => ({ value: o && o.value, label: userName(rc, o && o.value) || '未知用户' })), false);
  },

  multi_select_person(el, rc, scope) {
    return selectControl(el, rc, scope, (el.options || []).map((o) => ({ value: o && o.value, label: userName(rc, o && o.value) || '未知用户' })), true);
  },

  input(el, rc, scope) {
    const multiline = el.input_type === 'multiline_text';
    const control = multiline ? h('textarea', { rows: Number.isInteger(el.rows) ? el.rows : 5 }) : h('input', { type: el.input_type === 'password' ? 'password' : 'text' });
    control.className = 'ock-input-control';
    if (el.placeholder) control.placeholder = textContentOf(el.placeholder);
    if (Number.isInteger(el.max_length)) control.maxLength = el.max_length;
    const initial = textContentOf(el.default_value);
    control.value = initial;
    if (el.disabled) control.disabled = true;
    const node = h('label', { class: `ock-input label-${el.label_position === 'left' ? 'left' : 'top'}` });
    if (el.label) node.append(renderText(el.label, rc, { className: 'ock-label' }));
    node.append(control);
    if (scope.form) {
      scope.form.register(el.name, () => control.value, () => { control.value = initial; }, el.required);
    } else {
      control.addEventListener('change', () => send(rc, { tag: 'input', element_id: el.element_id, name: el.name, input_value: control.value }));
    }
    return node;
  },

  date_picker(el, rc, scope) {
    return pickerControl(el, rc, scope, 'date', el.initial_date, (v) => v);
  },

  picker_time(el, rc, scope) {
    return pickerControl(el, rc, scope, 'time', el.initial_time, (v) => v);
  },

  picker_datetime(el, rc, scope) {
    return pickerControl(el, rc, scope, 'datetime-local', el.initial_datetime && String(el.initial_datetime).replace(' ', 'T'), (v) => v.replace('T', ' '));
  },

  checker(el, rc, scope) {
    const tick = h('input', { type: 'checkbox' });
    tick.checked = el.checked === true;
    if (el.disabled) tick.disabled = true;
    const node = h('label', { class: 'ock-checker' }, tick, renderText(el.text, rc));
    const strike = isObject(el.checked_style) && el.checked_style.show_strikethrough;
    const paint = () => node.classList.toggle('checked-strike', !!(strike && tick.checked));
    paint();
    if (scope.form) scope.form.register(el.name, () => tick.checked, () => { tick.checked = el.checked === true; paint(); }, el.required);
    tick.addEventListener('click', (e) => e.stopPropagation());
    tick.addEventListener('change', () => {
      paint();
      const hasCallback = behaviorsOf(el).some((b) => b.type === 'callback');
      if (!scope.form && hasCallback) send(rc, { tag: 'checker', element_id: el.element_id, name: el.name, value: callbackValue(el), checked: tick.checked });
    });
    return node;
  },

  overflow(el, rc) {
    const node = h('div', { class: 'ock-overflow' });
    const trigger = h('button', { type: 'button', class: 'ock-btn size-small ock-overflow-trigger', text: '⋯', 'aria-label': '更多' });
    const menu = h('div', { class: 'ock-overflow-menu', hidden: true });
    for (const option of Array.isArray(el.options) ? el.options : []) {
      const item = h('button', { type: 'button', class: 'ock-overflow-item', text: textContentOf(option && option.text) });
      item.addEventListener('click', (e) => {
        e.stopPropagation();
        menu.hidden = true;
        withConfirm(el.confirm, node, () => {
          const url = platformUrl(option && option.multi_url, rc.platform);
          if (url) openUrl(url);
          send(rc, { tag: 'overflow', element_id: el.element_id, name: el.name, option: option && option.value });
        });
      });
      menu.append(item);
    }
    trigger.addEventListener('click', (e) => {
      e.stopPropagation();
      menu.hidden = !menu.hidden;
    });
    node.append(trigger, menu);
    return node;
  },

  select_img(el, rc, scope) {
    const node = h('div', { class: `ock-select-img layout-${el.layout || 'bisect'}` });
    const chosen = new Set();
    for (const option of Array.isArray(el.options) ? el.options : []) {
      const item = h('button', { type: 'button', class: 'ock-select-img-item' }, imageOrPlaceholder(option && option.img_key, '图片'));
      if (option && option.disabled) item.disabled = true;
      item.addEventListener('click', (e) => {
        e.stopPropagation();
        if (scope.form) {
          if (!el.multi_select) {
            chosen.clear();
            node.querySelectorAll('.selected').forEach((n) => n.classList.remove('selected'));
          }
          if (chosen.has(option.value)) chosen.delete(option.value); else chosen.add(option.value);
          item.classList.toggle('selected', chosen.has(option.value));
        } else {
          send(rc, { tag: 'select_img', element_id: el.element_id, name: el.name, option: option && option.value });
        }
      });
      node.append(item);
    }
    if (scope.form) scope.form.register(el.name, () => (el.multi_select ? [...chosen] : [...chosen][0]), () => chosen.clear(), el.required);
    return node;
  },

  person(el, rc) {
    return h('div', { class: 'ock-person-block' }, personChip(el.user_id, rc, {
      showName: el.show_name === true, showAvatar: el.show_avatar !== false, size: el.size || 'medium', style: el.style || 'normal',
    }));
  },

  person_list(el, rc) {
    const node = h('div', { class: 'ock-person-list' });
    for (const p of Array.isArray(el.persons) ? el.persons : []) {
      node.append(personChip(p && p.id, rc, { showName: el.show_name !== false, showAvatar: el.show_avatar !== false, size: el.size || 'medium' }));
    }
    return node;
  },

  table(el, rc) {
    return renderTable(el, rc);
  },

  chart(el) {
    return renderChartFallback(el);
  },

  audio(el) {
    return h('div', { class: 'ock-audio', text: `🔊 ${textContentOf(el.fallback && el.fallback.text) || '语音消息'}` });
  },
};

function isEmptyValue(v) {
  return v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0);
}

function imageOrPlaceholder(key, alt) {
  if (typeof key === 'string' && /^https?:\/\//i.test(key.trim())) {
    return imageAt(key.trim(), alt, null, () => h('span', { class: 'ock-img-placeholder', text: `🖼 ${alt}` }));
  }
  const validKey = typeof key === 'string' && /^img_[A-Za-z0-9_-]{1,200}$/.test(key) ? key : '';
  return h('span', { class: 'ock-img-placeholder', 'data-img-key': validKey || null, title: validKey || null },
    h('span', { class: 'ock-img-glyph', text: '🖼' }),
    h('span', { class: 'ock-img-label', text: alt }),
    validKey ? h('span', { class: 'ock-img-key', text: validKey }) : null);
}

function clickableUrl(node, multiUrl, rc) {
  const url = platformUrl(multiUrl, rc.platform);
  if (!url) return;
  node.classList.add('ock-link-area');
  node.addEventListener('click', () => openUrl(url));
}

function selectControl(el, rc, scope, options, multiple) {
  const select = h('select', { class: 'ock-select-control' });
  if (multiple) select.multiple = true;
  if (!multiple) {
    select.append(h('option', { value: '', disabled: true, text: textContentOf(el.placeholder) || '请选择' }));
  }
  const selected = new Set(multiple ? (Array.isArray(el.selected_values) ? el.selected_values.map(String) : []) : []);
  if (!multiple) {
    if (el.initial_option !== undefined) selected.add(String(el.initial_option));
    else if (Number.isInteger(el.initial_index) && el.initial_index > 0 && options[el.initial_index - 1]) selected.add(String(options[el.initial_index - 1].value));
  }
  for (const o of options) {
    const option = h('option', { value: o.value === undefined ? '' : String(o.value), text: o.label });
    if (selected.has(String(o.value))) option.selected = true;
    select.append(option);
  }
  if (!multiple && selected.size === 0) select.selectedIndex = 0;
  if (el.disabled) select.disabled = true;
  const initial = () => [...select.options].map((o) => o.selected);
  const start = initial();
  const node = h('div', { class: `ock-select ${multiple ? 'multi' : ''}`.trim() }, select);
  const value = () => (multiple ? [...select.selectedOptions].map((o) => o.value) : select.value || undefined);
  select.addEventListener('click', (e) => e.stopPropagation());
  if (scope.form) {
    scope.form.register(el.name, value, () => [...select.options].forEach((o, i) => { o.selected = start[i]; }), multiple ? el.required !== false : el.required);
  } else {
    select.addEventListener('change', () => {
      if (multiple) send(rc, { tag: el.tag, element_id: el.element_id, name: el.name, options: value() });
      else send(rc, { tag: el.tag, element_id: el.element_id, name: el.name, option: value() });
    });
  }
  return node;
}

function pickerControl(el, rc, scope, type, initial, toWire) {
  const control = h('input', { type, class: 'ock-picker-control' });
  if (initial) control.value = String(initial);
  if (el.disabled) control.disabled = true;
  if (el.placeholder) control.title = textContentOf(el.placeholder);
  const node = h('label', { class: `ock-picker ock-${el.tag}` }, control);
  const value = () => (control.value ? `${toWire(control.value)} ${tzOffset()}` : undefined);
  if (scope.form) {
    scope.form.register(el.name, value, () => { control.value = initial ? String(initial) : ''; }, el.required);
  } else {
    control.addEventListener('change', () => send(rc, { tag: el.tag, element_id: el.element_id, name: el.name, option: value() }));
  }
  return node;
}

function formatNumber(value, format) {
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value ?? '');
  const precision = isObject(format) && Number.isInteger(format.precision) ? Math.min(10, Math.max(0, format.precision)) : undefined;
  let s = precision === undefined ? String(n) : n.toFixed(precision);
  if (isObject(format) && format.separator) {
    const [int, frac] = s.split('.');
    s = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
  }
  return (isObject(format) && typeof format.symbol === 'string' ? format.symbol.slice(0, 2) : '') + s;
}

function tableCell(column, value, rc) {
  const td = h('td', { class: `type-${column.data_type || 'text'}` });
  switch (column.data_type) {
    case 'lark_md':
    case 'markdown':
      td.append(renderMarkdown(String(value ?? ''), markdownCtx(rc)));
      break;
    case 'options':
      for (const o of Array.isArray(value) ? value : [value]) {
        if (o === null || o === undefined) continue;
        const color = isObject(o) && TAG_COLORS.has(o.color) ? o.color : 'blue';
        td.append(h('span', { class: `ock-tag tag-${color}`, text: isObject(o) ? o.text : String(o) }));
      }
      break;
    case 'number':
      td.textContent = formatNumber(value, column.format);
      break;
    case 'persons':
      for (const id of Array.isArray(value) ? value : [value]) if (id) td.append(personChip(String(id), rc, { size: 'small' }));
      break;
    case 'date': {
      const d = new Date(Number(value));
      td.textContent = Number.isFinite(d.getTime()) ? d.toLocaleString() : String(value ?? '');
      break;
    }
    default:
      td.textContent = isObject(value) || Array.isArray(value) ? JSON.stringify(value) : String(value ?? '');
  }
  return td;
}

function renderTable(el, rc) {
  const columns = Array.isArray(el.columns) ? el.columns.filter(isObject).slice(0, 50) : [];
  const rows = Array.isArray(el.rows) ? el.rows.filter(isObject) : [];
  const pageSize = Number.isInteger(el.page_size) && el.page_size >= 1 && el.page_size <= 10 ? el.page_size : 5;
  const node = h('div', { class: 'ock-table' });
  const table = h('table');
  const head = h('tr');
  for (const c of columns) head.append(h('th', { text: c.display_name ?? c.name ?? '' }));
  table.append(h('thead', {}, head));
  const tbody = h('tbody');
  table.append(tbody);
  node.append(table);
  let page = 0;
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const pager = h('div', { class: 'ock-pager' });
  const paint = () => {
    tbody.replaceChildren();
    for (const row of rows.slice(page * pageSize, (page + 1) * pageSize)) {
      tbody.append(h('tr', {}, columns.map((c) => tableCell(c, row[c.name], rc))));
    }
    pager.replaceChildren();
    if (pages > 1) {
      const prev = h('button', { type: 'button', class: 'ock-btn size-tiny', text: '‹', disabled: page === 0 });
      const next = h('button', { type: 'button', class: 'ock-btn size-tiny', text: '›', disabled: page >= pages - 1 });
      prev.addEventListener('click', (e) => { e.stopPropagation(); page -= 1; paint(); });
      next.addEventListener('click', (e) => { e.stopPropagation(); page += 1; paint(); });
      pager.append(prev, h('span', { text: `${page + 1} / ${pages}` }), next);
    }
  };
  paint();
  node.append(pager);
  return node;
}

/** A chart shown as its data (a readable fallback: the page does not run a chart library). */
function renderChartFallback(el) {
  const spec = isObject(el.chart_spec) ? el.chart_spec : {};
  const title = isObject(spec.title) ? spec.title.text : typeof spec.title === 'string' ? spec.title : '';
  const node = h('div', { class: 'ock-chart' },
    h('div', { class: 'ock-chart-caption', text: `📊 ${title || '图表'}${spec.type ? ` · ${spec.type}` : ''}` }));
  let values = [];
  const data = spec.data;
  if (Array.isArray(data)) data.forEach((d) => { if (isObject(d) && Array.isArray(d.values)) values = values.concat(d.values); });
  else if (isObject(data) && Array.isArray(data.values)) values = data.values;
  values = values.filter(isObject);
  if (values.length === 0) {
    node.append(h('div', { class: 'ock-chart-empty', text: '（无数据）' }));
    return node;
  }
  const keys = [];
  values.forEach((v) => Object.keys(v).forEach((k) => { if (!keys.includes(k)) keys.push(k); }));
  const table = h('table', {},
    h('thead', {}, h('tr', {}, keys.map((k) => h('th', { text: k })))),
    h('tbody', {}, values.slice(0, 100).map((v) => h('tr', {}, keys.map((k) => h('td', { text: v[k] === undefined ? '' : isObject(v[k]) ? JSON.stringify(v[k]) : String(v[k]) }))))));
  node.append(table);
  return node;
}

function renderChildren(parent, elements, rc, scope) {
  if (!Array.isArray(elements)) return;
  for (const child of elements) parent.append(renderElement(child, rc, scope));
}

/** Renders one component; unknown or malformed components become a visible placeholder. */
export function renderElement(el, rc, scope = {}) {
  if (!isObject(el)) return placeholder('unknown-component', '[无法显示的组件]');
  const render = Object.prototype.hasOwnProperty.call(COMPONENTS, el.tag) ? COMPONENTS[el.tag] : null;
  if (!render) {
    return placeholder('unknown-component', `[暂不支持的组件: ${String(el.tag ?? '?').slice(0, 40)}]`);
  }
  let node;
  try {
    node = render(el, rc, scope);
  } catch (err) {
    return placeholder('broken-component', `[组件 ${String(el.tag).slice(0, 40)} 无法显示]`);
  }
  node.classList.add('ock-el', `ock-${el.tag}`);
  node.dataset.tag = el.tag;
  if (el.element_id !== undefined && !node.dataset.elementId) node.dataset.elementId = String(el.element_id);
  const margin = box(el.margin);
  if (margin) node.style.margin = margin;
  return node;
}

function renderHeader(header, rc) {
  const template = HEADER_TEMPLATES.has(header.template) ? header.template : 'default';
  const node = h('div', { class: `ock-header template-${template}` });
  const padding = box(header.padding);
  if (padding) node.style.padding = padding;
  const icon = renderIcon(header.icon, rc);
  const titles = h('div', { class: 'ock-header-titles' });
  const title = header.title !== undefined ? header.title : header.subtitle;
  const line = h('div', { class: 'ock-header-title-line' });
  if (title !== undefined) line.append(renderText(title, rc, { className: 'ock-title' }));
  const tags = Array.isArray(header.text_tag_list) ? header.text_tag_list.filter(isObject).slice(0, 3) : [];
  for (const tag of tags) {
    const color = TAG_COLORS.has(tag.color) ? tag.color : 'blue';
    const span = h('span', { class: `ock-tag tag-${color}` });
    span.append(renderText(tag.text, rc));
    if (tag.element_id !== undefined) span.dataset.tagId = String(tag.element_id);
    line.append(span);
  }
  titles.append(line);
  if (header.title !== undefined && header.subtitle !== undefined) titles.append(renderText(header.subtitle, rc, { className: 'ock-subtitle', block: true }));
  node.append(...[icon, titles].filter(Boolean));
  return node;
}

/**
 * Renders a card. `ctx`: {platform: pc|ios|android, clientVersion: latest|legacy|old, textOf(elementId, content) →
 * {text, typing}, resolveUser(openId) → name|null, onAction(payload)}. Returns {root, texts}, where texts maps each
 * streamed element id to a function (text, typing) that repaints just that element.
 */
export function renderCard(card, ctx = {}) {
  const safeCard = isObject(card) ? card : {};
  const config = isObject(safeCard.config) ? safeCard.config : {};
  const rc = {
    card: safeCard,
    platform: ctx.platform || 'pc',
    clientVersion: ctx.clientVersion || 'latest',
    textOf: ctx.textOf || ((id, content) => ({ text: content, typing: false })),
    resolveUser: ctx.resolveUser || (() => null),
    onAction: ctx.onAction || (() => {}),
    customColors: isObject(config.style) && isObject(config.style.color) ? config.style.color : {},
    texts: new Map(),
  };
  const width = ['compact', 'fill'].includes(config.width_mode) ? config.width_mode : 'default';
  const root = h('div', { class: `ock-card width-${width} platform-${rc.platform}`, 'data-testid': 'card' });
  if (isObject(safeCard.header)) {
    try {
      root.append(renderHeader(safeCard.header, rc));
    } catch (err) {
      root.append(placeholder('broken-component', '[标题无法显示]'));
    }
  }
  const body = h('div', { class: 'ock-body' });
  if (rc.clientVersion === 'old') {
    body.append(h('div', { class: 'ock-upgrade', 'data-testid': 'upgrade-notice', text: UPGRADE_NOTICE }));
  } else {
    const spec = isObject(safeCard.body) ? safeCard.body : {};
    applyLayout(body, spec);
    if (!spec.vertical_spacing && spec.direction !== 'horizontal') body.style.rowGap = '8px';
    renderChildren(body, Array.isArray(spec.elements) ? spec.elements : [], rc, {});
    const link = platformUrl(safeCard.card_link, rc.platform);
    if (link) clickableUrl(root, safeCard.card_link, rc);
  }
  root.append(body);
  return { root, texts: rc.texts };
}
