// Smoke test: the official Feishu/Lark Node SDK (@larksuiteoapi/node-sdk), unchanged, against a running OpenCardKit.
// It walks the streaming-card guide end to end: create a streaming card entity, send it to a chat, stream text,
// add / patch / replace / delete elements, close streaming via settings, read the card back through the IM API, and
// checks how the SDK surfaces a refused call (a repeated sequence).
//
// Run with: OKC_BASE_URL=http://127.0.0.1:8080 OKC_APP_ID=... OKC_APP_SECRET=... OKC_CHAT_ID=... node --test smoke.test.mjs
// (NodeSdkSmokeTest in the server module starts a server and does exactly that.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import lark from '@larksuiteoapi/node-sdk';

function env(name) {
  const value = process.env[name];
  assert.ok(value, `environment variable ${name} must be set`);
  return value;
}

const baseUrl = env('OKC_BASE_URL');
const chatId = env('OKC_CHAT_ID');
const client = new lark.Client({
  appId: env('OKC_APP_ID'),
  appSecret: env('OKC_APP_SECRET'),
  domain: baseUrl, // any string other than Domain.Feishu / Domain.Lark is used as the base URL unchanged
  appType: lark.AppType.SelfBuild,
  loggerLevel: lark.LoggerLevel.error,
});

const STREAM_ID = 'md_stream';
const streamingCard = {
  schema: '2.0',
  config: { streaming_mode: true, summary: { content: '' } },
  header: { title: { tag: 'plain_text', content: 'Node SDK smoke' } },
  body: {
    elements: [{ tag: 'markdown', element_id: STREAM_ID, content: '' }],
  },
};

/** Asserts an envelope the SDK resolved with (2xx) is a success, and returns its data. */
function ok(resp, what) {
  assert.equal(resp.code, 0, `${what}: expected code 0, got ${JSON.stringify(resp)}`);
  return resp.data;
}

/** Runs a call the server must refuse; returns the axios error the SDK rethrows (the body is in response.data). */
async function refused(call) {
  try {
    const resp = await call();
    assert.fail(`expected a refusal, got ${JSON.stringify(resp)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) {
      throw e;
    }
    assert.ok(e.response, `expected an HTTP error response, got ${e}`);
    return e;
  }
}

async function cardOf(messageId) {
  const data = ok(await client.im.v1.message.get({ path: { message_id: messageId } }), 'message.get');
  assert.equal(data.items.length, 1);
  const item = data.items[0];
  assert.equal(item.message_id, messageId);
  assert.equal(item.msg_type, 'interactive');
  return JSON.parse(item.body.content);
}

function elementIds(card) {
  return card.body.elements.map((e) => e.element_id);
}

test('streaming card guide, step by step, through the official Node SDK', async (t) => {
  let cardId;
  let messageId;
  let sequence = 0;

  await t.test('create a streaming card entity', async () => {
    const data = ok(
      await client.cardkit.v1.card.create({ data: { type: 'card_json', data: JSON.stringify(streamingCard) } }),
      'card.create',
    );
    cardId = data.card_id;
    assert.match(cardId, /^\d{1,20}$/);
  });

  await t.test('send it to the chat as a card entity message', async () => {
    const data = ok(
      await client.im.v1.message.create({
        params: { receive_id_type: 'chat_id' },
        data: {
          receive_id: chatId,
          msg_type: 'interactive',
          content: JSON.stringify({ type: 'card', data: { card_id: cardId } }),
        },
      }),
      'message.create',
    );
    messageId = data.message_id;
    assert.match(messageId, /^om_/);
    assert.equal(data.chat_id, chatId);
  });

  const chunks = ['Hello', 'Hello, streaming', 'Hello, streaming world', 'Hello, streaming world!'];
  await t.test('stream the full text several times', async () => {
    for (const text of chunks) {
      sequence += 1;
      ok(
        await client.cardkit.v1.cardElement.content({
          path: { card_id: cardId, element_id: STREAM_ID },
          data: { content: text, sequence, uuid: `stream-${cardId}-${sequence}` },
        }),
        `cardElement.content #${sequence}`,
      );
    }
    const card = await cardOf(messageId);
    assert.equal(card.body.elements[0].content, chunks.at(-1));
  });

  await t.test('add elements after the streamed text', async () => {
    sequence += 1;
    ok(
      await client.cardkit.v1.cardElement.create({
        path: { card_id: cardId },
        data: {
          type: 'insert_after',
          target_element_id: STREAM_ID,
          sequence,
          elements: JSON.stringify([
            { tag: 'markdown', element_id: 'md_note', content: 'a note' },
            { tag: 'hr', element_id: 'hr_temp' },
          ]),
        },
      }),
      'cardElement.create',
    );
    assert.deepEqual(elementIds(await cardOf(messageId)), [STREAM_ID, 'md_note', 'hr_temp']);
  });

  await t.test('patch an element', async () => {
    sequence += 1;
    ok(
      await client.cardkit.v1.cardElement.patch({
        path: { card_id: cardId, element_id: 'md_note' },
        data: { partial_element: JSON.stringify({ content: 'a patched note' }), sequence },
      }),
      'cardElement.patch',
    );
  });

  await t.test('replace an element', async () => {
    sequence += 1;
    ok(
      await client.cardkit.v1.cardElement.update({
        path: { card_id: cardId, element_id: 'hr_temp' },
        data: {
          element: JSON.stringify({ tag: 'markdown', element_id: 'md_temp', content: 'temporary' }),
          sequence,
        },
      }),
      'cardElement.update',
    );
  });

  await t.test('delete an element', async () => {
    sequence += 1;
    ok(
      await client.cardkit.v1.cardElement.delete({
        path: { card_id: cardId, element_id: 'md_temp' },
        data: { sequence },
      }),
      'cardElement.delete',
    );
  });

  await t.test('close streaming through settings', async () => {
    sequence += 1;
    ok(
      await client.cardkit.v1.card.settings({
        path: { card_id: cardId },
        data: { settings: JSON.stringify({ config: { streaming_mode: false } }), sequence },
      }),
      'card.settings',
    );
  });

  await t.test('the message shows the final card JSON', async () => {
    const card = await cardOf(messageId);
    assert.equal(card.schema, '2.0');
    assert.equal(card.config.streaming_mode, false);
    assert.deepEqual(card.body.elements, [
      { tag: 'markdown', element_id: STREAM_ID, content: chunks.at(-1) },
      { tag: 'markdown', element_id: 'md_note', content: 'a patched note' },
    ]);
  });

  await t.test('a repeated sequence makes the SDK throw with code 300317 in the response body', async () => {
    // The Node SDK uses axios: a non-2xx answer rejects with an AxiosError whose response.data is Feishu's envelope.
    const e = await refused(() =>
      client.cardkit.v1.card.settings({
        path: { card_id: cardId },
        data: { settings: JSON.stringify({ config: { summary: { content: 'done' } } }), sequence },
      }),
    );
    assert.equal(e.response.status, 400);
    assert.equal(e.response.data.code, 300317);
    assert.equal(typeof e.response.data.msg, 'string');
    assert.ok(e.response.data.error.log_id, 'a refusal carries error.log_id');
    assert.ok(e.response.headers['x-tt-logid'], 'every response carries X-Tt-Logid');
  });

  await t.test('streaming text after streaming was closed is refused with 300309', async () => {
    const e = await refused(() =>
      client.cardkit.v1.cardElement.content({
        path: { card_id: cardId, element_id: STREAM_ID },
        data: { content: 'too late', sequence: sequence + 1 },
      }),
    );
    assert.equal(e.response.data.code, 300309);
  });

  await t.test('refused calls left the card as it was', async () => {
    const card = await cardOf(messageId);
    assert.equal(card.body.elements[0].content, chunks.at(-1));
    assert.equal(card.config.summary.content, '');
  });
});
