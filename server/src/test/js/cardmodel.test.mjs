// cardmodel.js mirrors the server's element edits (core/card/ElementTree.java, engine/CardOperations.java).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as M from '../../main/resources/web/cardmodel.js';

/** A card with a streamed markdown, a column with a div whose plain_text streams, and a button. */
const card = () => ({
  schema: '2.0',
  config: { streaming_mode: true, summary: { content: 's' } },
  header: { title: { tag: 'plain_text', content: 'T', element_id: 'title_text' } },
  body: {
    elements: [
      { tag: 'markdown', element_id: 'md', content: 'Hello' },
      {
        tag: 'column_set', element_id: 'cols', columns: [{
          tag: 'column', element_id: 'col1', elements: [
            { tag: 'div', element_id: 'd1', text: { tag: 'plain_text', element_id: 'pt', content: 'inner' } }],
        }],
      },
      { tag: 'button', element_id: 'btn', text: { tag: 'plain_text', content: 'Go' } },
    ],
  },
});
const ids = (c) => c.body.elements.map((e) => e.element_id);
const contentAfter = (op, id) => M.findElement(M.applyOp(card(), op), id).content;

test('applyOp append sets the text at the offset like the server', () => {
  assert.equal(contentAfter({ op: 'append', element_id: 'md', offset: 5, text: ' world' }, 'md'), 'Hello world');
  // CardState.apply: old.substring(0, offset) + text.
  assert.equal(contentAfter({ op: 'append', element_id: 'md', offset: 4, text: '!' }, 'md'), 'Hell!');
  assert.equal(contentAfter({ op: 'append', element_id: 'pt', offset: 5, text: 'most' }, 'pt'), 'innermost');
});

test('applyOp replace sets the whole text and leaves its input untouched', () => {
  const before = card();
  const next = M.applyOp(before, { op: 'replace', element_id: 'md', text: 'Bye' });
  assert.deepEqual([M.findElement(next, 'md').content, M.findElement(before, 'md').content], ['Bye', 'Hello']);
});

test('applyOp streaming text on a button is refused', () => {
  assert.throws(() => M.applyOp(card(), { op: 'append', element_id: 'btn', offset: 0, text: 'x' }), M.CardModelError);
});

test('applyOp settings merges config keys and replaces card_link', () => {
  const next = M.applyOp({ ...card(), card_link: { url: 'https://a' } },
    { op: 'settings', config: { streaming_mode: false }, card_link: { pc_url: 'https://b' } });
  assert.deepEqual(next.config, { streaming_mode: false, summary: { content: 's' } });
  assert.deepEqual(next.card_link, { pc_url: 'https://b' });
});

test('applyOp card replaces everything', () => {
  assert.deepEqual(M.applyOp(card(), { op: 'card', card: { schema: '2.0', body: { elements: [] } } }),
    { schema: '2.0', body: { elements: [] } });
});

test('applyOp elements_added inserts before, after and appends', () => {
  const hr = (id) => ({ tag: 'hr', element_id: id });
  assert.deepEqual(ids(M.applyOp(card(),
    { op: 'elements_added', type: 'insert_before', target_element_id: 'cols', elements: [hr('a'), hr('b')] })),
  ['md', 'a', 'b', 'cols', 'btn']);
  assert.deepEqual(ids(M.applyOp(card(),
    { type: 'card', op: 'elements_added', insert_type: 'insert_after', target_element_id: 'md', elements: [hr('a')] })),
  ['md', 'a', 'cols', 'btn']);
  assert.deepEqual(ids(M.applyOp(card(), { op: 'elements_added', type: 'append', elements: [hr('a')] })),
    ['md', 'cols', 'btn', 'a']);
  const intoColumn = M.applyOp(card(), { op: 'elements_added', type: 'append', target_element_id: 'col1', elements: [hr('a')] });
  assert.deepEqual(M.findElement(intoColumn, 'col1').elements.map((e) => e.element_id), ['d1', 'a']);
  assert.throws(() => M.applyOp(card(),
    { op: 'elements_added', type: 'append', target_element_id: 'btn', elements: [{ tag: 'hr' }] }), M.CardModelError);
});

test('applyOp element_updated replaces and keeps the id when the new element has none', () => {
  assert.deepEqual(M.applyOp(card(), { op: 'element_updated', element_id: 'btn', element: { tag: 'hr' } }).body.elements[2],
    { tag: 'hr', element_id: 'btn' });
  // A text object addressed by id (a field of its parent, not in a list) is replaced in place.
  const next = M.applyOp(card(), { op: 'element_updated', element_id: 'pt', element: { tag: 'plain_text', content: 'new' } });
  assert.deepEqual(next.body.elements[1].columns[0].elements[0].text, { tag: 'plain_text', content: 'new', element_id: 'pt' });
});

test('applyOp element_patched overwrites top-level properties only', () => {
  const next = M.applyOp(card(), { op: 'element_patched', element_id: 'btn',
    partial_element: { type: 'primary', text: { tag: 'plain_text', content: 'Ok' } } });
  assert.deepEqual(next.body.elements[2],
    { tag: 'button', element_id: 'btn', type: 'primary', text: { tag: 'plain_text', content: 'Ok' } });
});

test('applyOp elements_deleted removes elements with their children', () => {
  const next = M.applyOp(card(), { op: 'elements_deleted', element_ids: ['cols', 'btn'] });
  assert.deepEqual(ids(next), ['md']);
  assert.equal(M.findElement(next, 'pt'), null);
});

test('applyOp batch applies its actions in order', () => {
  const next = M.applyOp(card(), { op: 'batch', actions: [
    { action: 'add_elements', params: { type: 'append', elements: [{ tag: 'markdown', element_id: 'x', content: 'a' }] } },
    { action: 'partial_update_element', params: { element_id: 'x', partial_element: { content: 'b' } } },
    { action: 'update_element', params: { element_id: 'md', element: { tag: 'markdown', content: 'c' } } },
    { action: 'delete_elements', params: { element_ids: ['cols'] } },
    { action: 'partial_update_setting', params: { settings: { config: { streaming_mode: false } } } },
  ] });
  assert.deepEqual([ids(next), M.findElement(next, 'x').content, M.findElement(next, 'md').content, next.config.streaming_mode],
    [['md', 'btn', 'x'], 'b', 'c', false]);
});

test('applyOp streaming_timed_out turns streaming mode off', () => {
  assert.equal(M.applyOp(card(), { op: 'streaming_timed_out' }).config.streaming_mode, false);
});

test('streamableElements finds the body and header texts with ids', () => {
  assert.deepEqual(M.streamableElements(card()).map((e) => e.id), ['md', 'pt', 'title_text']);
});
