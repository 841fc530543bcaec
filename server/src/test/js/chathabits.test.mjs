// The pure parts of mentions.js (ranges, wire text, the query at the caret) and unread.js (the counts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mentionQuery, mentionRuns, shiftRanges, wireText } from '../../main/resources/web/mentions.js';
import { UnreadCounts, badgeText } from '../../main/resources/web/unread.js';

test('wireText turns each intact mention into a tag', () => {
  assert.equal(wireText('@Bob hi @Answer Bot!', [{ start: 0, end: 4, id: 'ou_b', name: 'Bob' },
    { start: 8, end: 19, id: 'cli_a', name: 'Answer Bot' }]),
  '<at user_id="ou_b">Bob</at> hi <at user_id="cli_a">Answer Bot</at>!');
  // A range whose text no longer reads "@Name" is plain text.
  assert.equal(wireText('@Bo hi', [{ start: 0, end: 4, id: 'ou_b', name: 'Bob' }]), '@Bo hi');
});

test('shiftRanges keeps ranges before, moves ranges after and drops ranges touched', () => {
  const r = [{ start: 3, end: 7, id: 'b', name: 'Bob' }];
  assert.equal(shiftRanges(r, 'hi @Bob x', 'hi @Bob xy')[0].start, 3);
  assert.equal(shiftRanges(r, 'hi @Bob x', 'oh hi @Bob x')[0].start, 6);
  assert.equal(shiftRanges(r, 'hi @Bob x', 'hi @Bb x').length, 0);
  assert.equal(shiftRanges(r, 'hi @Bob x', 'hi @Bob! x')[0].end, 7); // typed right after it
});

test('mentionQuery starts at an @ after a space but not inside an address', () => {
  assert.deepEqual(mentionQuery('hi @Ans', 7), { start: 3, query: 'Ans' });
  assert.deepEqual(mentionQuery('@', 1), { start: 0, query: '' });
  assert.equal(mentionQuery('mail a@b.c', 10), null);
  assert.equal(mentionQuery('@x\ny', 4), null);
});

test("mentionRuns split a text message's tags", () => {
  assert.deepEqual(mentionRuns('<at user_id="ou_b">Bob</at> <b>hi</b>'),
    [{ mention: { id: 'ou_b', name: 'Bob' } }, { text: ' <b>hi</b>' }]);
});

test('UnreadCounts count each new message once and clear up to the read mark', () => {
  const msg = (t, id, sender = 'ou_bob') => ({ message_id: id, create_time: t, sender: { id: sender } });
  const c = new UnreadCounts();
  const out = [];
  c.load([{ chat_id: 'g', unread: 2, read: { message_id: 'om_1', create_time: 10 }, newest: { message_id: 'om_3', create_time: 30 } }]);
  out.push(c.count('g'));
  c.offer('g', msg(30, 'om_3')); // counted by the server already
  out.push(c.count('g'));
  c.offer('g', msg(40, 'om_4'));
  c.offer('g', msg(40, 'om_4')); // a changed message: once
  out.push(c.count('g'));
  out.push(c.readUpTo('g', { time: 20, id: 'om_2' })); // a mark before the server's newest
  out.push(c.count('g'));
  out.push(c.readUpTo('g', { time: 40, id: 'om_4' }));
  out.push(c.count('g'));
  c.offer('g', msg(35, 'om_late')); // before the mark: read
  out.push(c.count('g'));
  out.push(c.total());
  assert.deepEqual(out, [2, 2, 3, false, 3, true, 0, 0, 0]);
});

test('badgeText shows up to 99', () => {
  assert.deepEqual([0, 7, 99, 100].map(badgeText), ['', '7', '99', '99+']);
});
