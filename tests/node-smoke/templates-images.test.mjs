// Card templates and images through the official Node SDK (@larksuiteoapi/node-sdk), unchanged, against a running
// OpenCardKit started with --templates (NodeTemplatesAndImagesTest in the server module writes the template
// AAqNodeTpl001 and starts the server).
//
// Run with: OKC_BASE_URL=… OKC_APP_ID=… OKC_APP_SECRET=… OKC_CHAT_ID=… node --test templates-images.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lark from '@larksuiteoapi/node-sdk';

function env(name) {
  const value = process.env[name];
  assert.ok(value, `environment variable ${name} must be set`);
  return value;
}

const chatId = env('OKC_CHAT_ID');
const client = new lark.Client({
  appId: env('OKC_APP_ID'),
  appSecret: env('OKC_APP_SECRET'),
  domain: env('OKC_BASE_URL'),
  appType: lark.AppType.SelfBuild,
  loggerLevel: lark.LoggerLevel.error,
});

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function ok(resp, what) {
  assert.equal(resp.code, 0, `${what}: expected code 0, got ${JSON.stringify(resp)}`);
  return resp.data;
}

/** Runs a call the server must refuse; returns the body of the refusal (the SDK rethrows axios' error). */
async function refused(call) {
  try {
    const resp = await call();
    assert.fail(`expected a refusal, got ${JSON.stringify(resp)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.ok(e.response, `expected an HTTP error response, got ${e}`);
    assert.equal(e.response.status, 400);
    return e.response.data;
  }
}

async function shownContent(messageId) {
  const data = ok(await client.im.v1.message.get({ path: { message_id: messageId } }), 'message.get');
  return JSON.parse(data.items[0].body.content);
}

const templateData = (variables, version) => ({
  template_id: 'AAqNodeTpl001',
  ...(version ? { template_version_name: version } : {}),
  template_variable: variables,
});

test('card templates through the official Node SDK', async (t) => {
  await t.test('CardKit create with type template renders the variables, and the card streams', async () => {
    const { card_id: cardId } = ok(await client.cardkit.v1.card.create({
      data: { type: 'template', data: JSON.stringify(templateData({ title: 'Node 周报', rows: [{ name: 'a' }, { name: 'b' }] })) },
    }), 'card.create');
    const { message_id: messageId } = ok(await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify({ type: 'card', data: { card_id: cardId } }) },
    }), 'message.create');
    ok(await client.cardkit.v1.cardElement.content({
      path: { card_id: cardId, element_id: 'answer' }, data: { content: 'streamed from Node', sequence: 1 },
    }), 'cardElement.content');

    const card = await shownContent(messageId);
    assert.equal(card.header.title.content, 'Node 周报');
    assert.deepEqual(card.body.elements.map((e) => e.content), ['streamed from Node', '- a', '- b']);
  });

  await t.test('IM send with {"type":"template"} shows the rendered card', async () => {
    const { message_id: messageId } = ok(await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify({ type: 'template', data: templateData({ title: 'IM' }, '1.0.0') }) },
    }), 'message.create');
    assert.equal((await shownContent(messageId)).header.title.content, 'v1 IM');
  });

  await t.test('unknown template, unknown version, bad variables: Feishu\'s codes', async () => {
    const unknown = await refused(() => client.cardkit.v1.card.create({
      data: { type: 'template', data: JSON.stringify({ template_id: 'AAqNoSuch0001' }) },
    }));
    assert.equal(unknown.code, 200380);
    assert.equal((await refused(() => client.cardkit.v1.card.create({
      data: { type: 'template', data: JSON.stringify(templateData({}, '7.0.0')) },
    }))).code, 200380);
    assert.equal((await refused(() => client.cardkit.v1.card.create({
      data: { type: 'template', data: JSON.stringify(templateData({ title: false })) },
    }))).code, 200732);
    const inIm = await refused(() => client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify({ type: 'template', data: templateData({ rows: 'x' }) }) },
    }));
    assert.equal(inIm.code, 230099);
    assert.match(inIm.msg, /ErrCode: 200732;/);
  });
});

test('images through the official Node SDK', async (t) => {
  let imageKey;
  let messageId;

  await t.test('image.create with a Buffer answers an image_key', async () => {
    const data = await client.im.v1.image.create({ data: { image_type: 'message', image: PNG } });
    imageKey = data.image_key;
    assert.match(imageKey, /^img_v3_/);
  });

  await t.test('image.create with a file stream works too', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okc-')), 'chart.png');
    fs.writeFileSync(file, PNG);
    const data = await client.im.v1.image.create({ data: { image_type: 'message', image: fs.createReadStream(file) } });
    assert.match(data.image_key, /^img_v3_/);
    assert.notEqual(data.image_key, imageKey);
  });

  await t.test('an image message shows it and messageResource.get returns its bytes', async () => {
    messageId = ok(await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'image', content: JSON.stringify({ image_key: imageKey }) },
    }), 'message.create').message_id;
    assert.equal((await shownContent(messageId)).image_key, imageKey);

    const resource = await client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: imageKey }, params: { type: 'image' } });
    const chunks = [];
    for await (const chunk of resource.getReadableStream()) chunks.push(chunk);
    assert.deepEqual(Buffer.concat(chunks), PNG);
    assert.equal(resource.headers['content-type'], 'image/png');
  });

  await t.test('refusals: not an image, a key not in the message', async () => {
    const notImage = await refused(() => client.im.v1.image.create({ data: { image_type: 'message', image: Buffer.from('plain text') } }));
    assert.equal(notImage.code, 234011);
    const notInMessage = await refused(() => client.im.v1.messageResource.get({
      path: { message_id: messageId, file_key: 'img_v3_somethingelse' }, params: { type: 'image' },
    }));
    // with responseType "stream" axios hands over the refusal's body as a stream
    const body = typeof notInMessage.on === 'function' ? JSON.parse(await streamText(notInMessage)) : notInMessage;
    assert.equal(body.code, 234003);
  });
});

async function streamText(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
