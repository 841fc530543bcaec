// markdown.js's safePrefix, the source the page renders while a text is still being typed. What those sources look
// like rendered (no raw syntax in any prefix of a document) is checked in chromium (server-tests' MarkdownTest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safePrefix } from '../../main/resources/web/markdown.js';

test('safePrefix closes an open bold so the typed word is bold', () => {
  assert.equal(safePrefix('Hello **wor'), 'Hello **wor**');
  assert.equal(safePrefix('Hello **'), 'Hello ');
});

test('safePrefix shows only the text of a link without its closing parenthesis', () => {
  assert.equal(safePrefix('see [docs](https://exa'), 'see docs');
  assert.equal(safePrefix('see [do'), 'see do');
  assert.equal(safePrefix('see ![chart](img_v2'), 'see ');
});

test('safePrefix closes an unclosed fence', () => {
  assert.equal(safePrefix('Code:\n```java\nint a = 1;\nint b'), 'Code:\n```java\nint a = 1;\nint b\n```');
  // The opener's info string is still being typed: nothing of the fence shows yet.
  assert.equal(safePrefix('Code:\n```ja'), 'Code:\n');
  // A half-typed closing fence is not shown as code.
  assert.equal(safePrefix('```\nx\n``'), '```\nx\n```');
});

test('safePrefix holds back a half table row until the row ends', () => {
  const table = '| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4';
  assert.equal(safePrefix(table), '| a | b |\n|---|---|\n| 1 | 2 |\n');
  // A header row whose delimiter row is still being typed would render as a paragraph of pipes.
  assert.equal(safePrefix('| a | b |\n|--'), '');
  assert.equal(safePrefix(`${table} |\n`), `${table} |\n`);
});

test('safePrefix holds back a half-typed tag, entity and emoji key', () => {
  assert.equal(safePrefix('red <font col'), 'red ');
  assert.equal(safePrefix('x &#4'), 'x ');
  assert.equal(safePrefix('ok :DON'), 'ok ');
  assert.equal(safePrefix("<font color='red'>hot"), "<font color='red'>hot</font>");
});

test('safePrefix of an empty or missing text is empty', () => {
  assert.equal(safePrefix(''), '');
  assert.equal(safePrefix(undefined), '');
});
