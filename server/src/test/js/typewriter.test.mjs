// typewriter.js on a manual scheduler: strategies, at-once cases, grapheme clusters, per-platform parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Typewriter, graphemeCount, manualScheduler, streamingParams } from '../../main/resources/web/typewriter.js';

/** 70 ms, 1 grapheme, fast: Feishu's defaults. */
const P = Object.freeze({ streaming: true, frequencyMs: 70, step: 1, strategy: 'fast' });

/** A Typewriter on a manual clock, recording each distinct text it shows. */
function typewriter() {
  const clock = manualScheduler();
  const frames = [];
  const tw = new Typewriter({
    scheduler: clock,
    onChange: (id, text) => {
      if (frames[frames.length - 1] !== text) frames.push(text);
    },
  });
  return { tw, clock, frames };
}

/** What `tw` shows of 'm' after each of `count` ticks of `ms`. */
function ticks(tw, clock, count, ms = 70) {
  const shown = [];
  for (let i = 0; i < count; i += 1) {
    clock.advance(ms);
    shown.push(tw.visible('m'));
  }
  return shown;
}

test('push, fast, while typing: shows the old remainder at once, then types the new text', () => {
  const { tw, clock } = typewriter();
  tw.set('m', '');
  tw.push('m', 'ABCDE', P);
  clock.advance(210);
  // The ABCDE example: ABC is on screen when ABCDEFGH arrives.
  assert.equal(tw.visible('m'), 'ABC');
  tw.push('m', 'ABCDEFGH', P);
  assert.equal(tw.visible('m'), 'ABCDE');
  assert.deepEqual(ticks(tw, clock, 4), ['ABCDEF', 'ABCDEFG', 'ABCDEFGH', 'ABCDEFGH']);
});

test('push, delay, while typing: keeps typing through the old remainder at the same pace', () => {
  const { tw, clock } = typewriter();
  const D = { ...P, strategy: 'delay' };
  tw.set('m', '');
  tw.push('m', 'ABCDE', D);
  clock.advance(210);
  assert.equal(tw.visible('m'), 'ABC');
  tw.push('m', 'ABCDEFGH', D);
  assert.equal(tw.visible('m'), 'ABC');
  assert.deepEqual(ticks(tw, clock, 6), ['ABCD', 'ABCDE', 'ABCDEF', 'ABCDEFG', 'ABCDEFGH', 'ABCDEFGH']);
});

test('push: a text not extending the pushed one appears at once', () => {
  const { tw, clock } = typewriter();
  tw.set('m', '');
  tw.push('m', 'ABCDE', P);
  clock.advance(140);
  tw.push('m', 'ABXYZ', P);
  assert.deepEqual({ now: tw.visible('m'), typing: tw.typing('m'), timers: clock.pending() },
    { now: 'ABXYZ', typing: false, timers: 0 });
});

test('push with streaming off appears at once', () => {
  const { tw } = typewriter();
  tw.set('m', 'Hello');
  tw.push('m', 'Hello, world', { ...P, streaming: false });
  assert.deepEqual({ now: tw.visible('m'), typing: tw.typing('m') }, { now: 'Hello, world', typing: false });
});

test('tick: an emoji sequence and a combining mark are never split', () => {
  // 👨‍👩‍👧 is 5 code points (8 UTF-16 units) and one grapheme; "é" here is e + U+0301.
  const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
  const text = `a${family}be\u0301c\u{1F1EF}\u{1F1F5}`;
  const { tw, clock, frames } = typewriter();
  tw.set('m', '');
  tw.push('m', text, P);
  ticks(tw, clock, 10);
  assert.equal(graphemeCount(text), 6);
  // Each distinct frame ends on a whole cluster: one more grapheme per tick.
  assert.deepEqual(frames, ['', 'a', `a${family}`, `a${family}b`, `a${family}be\u0301`, `a${family}be\u0301c`, text]);
});

test('push: a combining mark extending the shown letter never shows the letter without it', () => {
  // The old text ends in "e"; the new one adds U+0301 to it, so the last visible cluster grows.
  const { tw, clock } = typewriter();
  const D = { ...P, strategy: 'delay' };
  tw.set('m', 'caf');
  tw.push('m', 'cafe', D);
  clock.advance(70);
  tw.push('m', 'cafe\u0301!', D);
  assert.equal(tw.visible('m'), 'cafe\u0301');
  clock.advance(70);
  assert.equal(tw.visible('m'), 'cafe\u0301!');
});

test('tick: step 3 at 30 ms reveals three graphemes every 30 ms', () => {
  const { tw, clock } = typewriter();
  tw.set('m', '');
  tw.push('m', 'abcdefgh', { ...P, frequencyMs: 30, step: 3 });
  clock.advance(29);
  assert.equal(tw.visible('m'), '');
  clock.advance(1);
  assert.equal(tw.visible('m'), 'abc');
  assert.deepEqual(ticks(tw, clock, 2, 30), ['abcdef', 'abcdefgh']);
});

test('streamingParams: the platform entry, else default, else the documented defaults', () => {
  const card = { config: { streaming_mode: true, streaming_config: {
    print_frequency_ms: { default: 30, ios: 40, pc: 50 }, print_step: { default: 2, android: 3 }, print_strategy: 'delay' } } };
  assert.deepEqual(streamingParams(card, 'pc'), { streaming: true, frequencyMs: 50, step: 2, strategy: 'delay' });
  assert.deepEqual(streamingParams(card, 'ios'), { streaming: true, frequencyMs: 40, step: 2, strategy: 'delay' });
  assert.deepEqual(streamingParams(card, 'android'), { streaming: true, frequencyMs: 30, step: 3, strategy: 'delay' });
  // 7.20–7.22 clients ignore streaming_config and use 70 ms, 1 character, fast.
  assert.deepEqual(streamingParams(card, 'pc', 'legacy'), { streaming: true, frequencyMs: 70, step: 1, strategy: 'fast' });
  assert.deepEqual(streamingParams({ config: { streaming_mode: true } }, 'pc'),
    { streaming: true, frequencyMs: 70, step: 1, strategy: 'fast' });
  assert.deepEqual(streamingParams({}, 'pc'), { streaming: false, frequencyMs: 70, step: 1, strategy: 'fast' });
});

test('realScheduler: fifty characters at 70 ms, step 1, take at least three seconds', async () => {
  // Real time on purpose: the pace is what a user sees. 50 steps of 70 ms are 3.5 s.
  const start = performance.now();
  const elapsed = await new Promise((resolve) => {
    const tw = new Typewriter({
      onChange: (id, text) => {
        if (text.length === 50) resolve(performance.now() - start);
      },
    });
    tw.set('m', '');
    tw.push('m', 'x'.repeat(50), P);
  });
  assert.ok(elapsed >= 3_200 && elapsed <= 10_000, `${elapsed} ms`);
});
