// api.js without a server: CardFeed orders a card's frames, FrameReader expands compact frames, LiveSocket
// reconnects (docs/web-protocol.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CardFeed, FrameReader, LiveSocket } from '../../main/resources/web/api.js';

const frame = (version) => ({ type: 'card', card_id: 'c', version });

test('CardFeed: frames out of order and twice apply once, in version order', () => {
  const feed = new CardFeed();
  const out = [];
  feed.track('c', 3);
  const take = (f) => {
    const r = feed.offer(f);
    r.apply.forEach((x) => out.push(x.version));
    return r.gap;
  };
  const gaps = [take(frame(3)), take(frame(4)), take(frame(6)), take(frame(4)), take(frame(5)), take(frame(7))];
  assert.deepEqual({ out, gaps, held: feed.version('c') },
    { out: [4, 5, 6, 7], gaps: [false, false, true, false, false, false], held: 7 });
});

test('CardFeed: frames of cards not held are ignored, frames after the loaded version apply', () => {
  // The page ignores frames of cards it does not show and lists a card in resume after loading it, which brings
  // exactly the frames that follow.
  const feed = new CardFeed();
  const before = [4, 5, 6].map((v) => feed.offer(frame(v)).apply.length);
  const tracked = feed.track('c', 4).length;
  const after = [5, 6].map((v) => feed.offer(frame(v)).apply.map((x) => x.version));
  const unknownSnapshot = feed.offer({ type: 'snapshot', card_id: 'x', version: 3 }).apply.length;
  assert.deepEqual({ before, tracked, after, unknownSnapshot },
    { before: [0, 0, 0], tracked: 0, after: [[5], [6]], unknownSnapshot: 0 });
});

test('CardFeed: a snapshot replaces the held version and older snapshots are ignored', () => {
  const feed = new CardFeed();
  feed.track('c', 2);
  feed.offer(frame(11));
  const a = feed.offer({ type: 'snapshot', card_id: 'c', version: 10 }).apply.map((x) => x.type + x.version);
  const b = feed.offer({ type: 'snapshot', card_id: 'c', version: 9 }).apply.length;
  assert.deepEqual({ a, b, held: feed.version('c'), resume: feed.versions() },
    { a: ['snapshot10', 'card11'], b: 0, held: 11, resume: { c: 11 } });
});

test('FrameReader: a compact append becomes the card frame of its announced stream', () => {
  // Compact append frames: [stream, version, text] after {"type":"stream"} on the same connection.
  const reader = new FrameReader();
  assert.equal(reader.read('[7,5,"x"]'), null);
  assert.equal(reader.read(JSON.stringify({ type: 'stream', k: 7, card_id: '7301', element_id: 'md' })), null);
  assert.deepEqual(reader.read(JSON.stringify([7, 5, 'he said "hi"\n'])),
    { type: 'card', card_id: '7301', element_id: 'md', version: 5, op: 'append', text: 'he said "hi"\n' });
  assert.equal(reader.read(JSON.stringify({ type: 'card', card_id: '7301', version: 6, op: 'replace', text: 'y' })).op, 'replace');
  assert.equal(new FrameReader().read('[7,5,"x"]'), null);
  assert.equal(reader.read('{nope'), null);
});

/** The delays LiveSocket asks setTimeout for after the socket it opened closes with `code`. Timers are recorded, not run. */
function retryDelaysAfterClose(code) {
  const opened = [];
  class FakeSocket extends EventTarget {
    constructor() {
      super();
      this.readyState = 1;
      opened.push(this);
    }

    send() {}

    close() {}
  }
  const delays = [];
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = (fn, delay) => {
    delays.push(delay);
    return 1;
  };
  try {
    const live = new LiveSocket({ url: 'ws://x/web/ws', resumeCards: () => ({}), onFrame: () => {}, WebSocketImpl: FakeSocket });
    live.connect();
    opened[0].dispatchEvent(new Event('open'));
    const closed = new Event('close');
    closed.code = code;
    opened[0].dispatchEvent(closed);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(opened.length, 1);
  return delays;
}

test('LiveSocket: going away (1001) reconnects at once', () => {
  // A node that is stopping closes with 1001; another one takes over at once behind the balancer.
  assert.deepEqual(retryDelaysAfterClose(1001), [0]);
});

test('LiveSocket: other closes wait for the backoff', () => {
  for (const code of [1006, 1013, 1000]) {
    const delays = retryDelaysAfterClose(code);
    assert.equal(delays.length, 1, `close ${code}`);
    assert.ok(delays[0] >= 250 * 0.75, `close ${code}: ${delays[0]} ms`);
  }
});
