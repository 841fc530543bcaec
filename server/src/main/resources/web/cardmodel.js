// Pure card-JSON edits: what each `card` frame op does to the card the page holds. Mirrors the server
// (core/card/ElementTree.java, engine/CardOperations.java, engine/CardState.java) so that applying the frames in
// version order gives exactly the server's card.

/** Containers and the field that holds their children (ElementTree.CHILDREN_FIELD). */
const CHILDREN_FIELD = Object.freeze({
  column_set: 'columns',
  column: 'elements',
  form: 'elements',
  interactive_container: 'elements',
  collapsible_panel: 'elements',
});

/** Tags whose `content` the streaming API sets (ElementTree.STREAMABLE). */
export const STREAMABLE = Object.freeze(new Set(['markdown', 'plain_text']));

/** An error applying an op: the page's copy has diverged and should be reloaded. */
export class CardModelError extends Error {}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A deep copy of JSON data. */
export function clone(value) {
  return value === undefined ? undefined : structuredClone(value);
}

/**
 * Where an element with this id sits: {node, siblings, index} in an array, or {node, parent, field} as a named field.
 * Searches the body first, then the header, depth-first in key order, like ElementTree.locate.
 */
export function locate(card, elementId) {
  if (elementId === null || elementId === undefined || !isObject(card)) return null;
  return search(card.body, null, -1, null, null, elementId) || search(card.header, null, -1, null, null, elementId);
}

function search(node, siblings, index, fieldParent, field, id) {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i += 1) {
      const found = search(node[i], node, i, null, null, id);
      if (found) return found;
    }
    return null;
  }
  if (!isObject(node)) return null;
  if (node.element_id !== undefined && String(node.element_id) === id && (siblings !== null || fieldParent !== null)) {
    return { node, siblings, index, parent: fieldParent, field };
  }
  for (const key of Object.keys(node)) {
    const found = search(node[key], null, -1, node, key, id);
    if (found) return found;
  }
  return null;
}

/** The element with this id, or null. */
export function findElement(card, elementId) {
  const location = locate(card, elementId);
  return location ? location.node : null;
}

/** The text of a streamable element ('' when it has none). */
export function contentOf(element) {
  if (!element || element.content === undefined || element.content === null) return '';
  return String(element.content);
}

/** Streamable elements with an element_id, in document order: [{id, node}]. */
export function streamableElements(card) {
  const out = [];
  const walk = (node) => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!isObject(node)) return;
    if (STREAMABLE.has(node.tag) && node.element_id !== undefined && node.element_id !== null) {
      out.push({ id: String(node.element_id), node });
    }
    Object.values(node).forEach(walk);
  };
  walk(card && card.body);
  walk(card && card.header);
  return out;
}

function streamTarget(card, elementId) {
  const node = findElement(card, elementId);
  if (!node) throw new CardModelError(`no element ${elementId}`);
  if (!STREAMABLE.has(node.tag)) throw new CardModelError(`${elementId} is a ${node.tag}, not markdown or plain_text`);
  return node;
}

function config(card) {
  if (!isObject(card.config)) card.config = {};
  return card.config;
}

/** Merges {config?, card_link?} into a card: each config key replaces the old one; card_link is replaced. */
export function applySettings(card, settings) {
  if (isObject(settings.config)) {
    const target = config(card);
    for (const [key, value] of Object.entries(settings.config)) target[key] = clone(value);
  }
  if (settings.card_link !== undefined && settings.card_link !== null) card.card_link = clone(settings.card_link);
}

function arrayField(parent, field) {
  if (!Array.isArray(parent[field])) parent[field] = [];
  return parent[field];
}

function insert(card, type, targetId, elements) {
  let siblings;
  let index;
  if (type === 'insert_before' || type === 'insert_after') {
    const target = locate(card, targetId);
    if (!target || !target.siblings) throw new CardModelError(`no list element ${targetId}`);
    siblings = target.siblings;
    index = type === 'insert_before' ? target.index : target.index + 1;
  } else if (type === 'append') {
    if (targetId === undefined || targetId === null || targetId === '') {
      if (!isObject(card.body)) card.body = {};
      siblings = arrayField(card.body, 'elements');
    } else {
      const target = findElement(card, targetId);
      const field = target ? CHILDREN_FIELD[target.tag] : undefined;
      if (!field) throw new CardModelError(`append target ${targetId} is not a container`);
      siblings = arrayField(target, field);
    }
    index = siblings.length;
  } else {
    throw new CardModelError(`unknown insert type ${type}`);
  }
  siblings.splice(index, 0, ...elements.map(clone));
}

function replaceElement(card, elementId, element) {
  const location = locate(card, elementId);
  if (!location) throw new CardModelError(`no element ${elementId}`);
  const replacement = clone(element);
  if (replacement.element_id === undefined) replacement.element_id = elementId;
  if (location.siblings) location.siblings[location.index] = replacement;
  else location.parent[location.field] = replacement;
}

function patchElement(card, elementId, partial) {
  const node = findElement(card, elementId);
  if (!node) throw new CardModelError(`no element ${elementId}`);
  for (const [key, value] of Object.entries(partial)) node[key] = clone(value);
}

function deleteElement(card, elementId) {
  const location = locate(card, elementId);
  if (!location) throw new CardModelError(`no element ${elementId}`);
  if (location.siblings) location.siblings.splice(location.index, 1);
  else delete location.parent[location.field];
}

function applyAction(card, action, params) {
  switch (action) {
    case 'partial_update_setting': applySettings(card, params.settings || {}); break;
    case 'add_elements': insert(card, params.type, params.target_element_id, params.elements || []); break;
    case 'delete_elements': (params.element_ids || []).forEach((id) => deleteElement(card, id)); break;
    case 'partial_update_element': patchElement(card, params.element_id, params.partial_element || {}); break;
    case 'update_element': replaceElement(card, params.element_id, params.element); break;
    default: throw new CardModelError(`unknown batch action ${action}`);
  }
}

/**
 * The card after one `card` frame (web-protocol.md): a new object; `card` itself is not changed. Throws
 * CardModelError when the op does not fit the card (the page then reloads the card).
 */
export function applyOp(card, frame) {
  const next = clone(isObject(card) ? card : {});
  switch (frame.op) {
    case 'append': {
      const node = streamTarget(next, frame.element_id);
      const old = contentOf(node);
      const offset = Number.isInteger(frame.offset) ? frame.offset : old.length;
      node.content = old.slice(0, offset) + String(frame.text ?? '');
      return next;
    }
    case 'replace':
      streamTarget(next, frame.element_id).content = String(frame.text ?? '');
      return next;
    case 'settings':
      applySettings(next, { config: frame.config, card_link: frame.card_link });
      return next;
    case 'card':
      return clone(frame.card);
    case 'elements_added':
      // The frame names the insert type `insert_type` (its own `type` is 'card').
      insert(next, frame.insert_type ?? frame.type, frame.target_element_id, frame.elements || []);
      return next;
    case 'element_updated':
      replaceElement(next, frame.element_id, frame.element);
      return next;
    case 'element_patched':
      patchElement(next, frame.element_id, frame.partial_element || {});
      return next;
    case 'elements_deleted':
      (frame.element_ids || []).forEach((id) => deleteElement(next, id));
      return next;
    case 'batch':
      (frame.actions || []).forEach((a) => applyAction(next, a.action, a.params || {}));
      return next;
    case 'streaming_timed_out':
      config(next).streaming_mode = false;
      return next;
    default:
      return next; // 'sent' and future ops that do not change the card
  }
}
