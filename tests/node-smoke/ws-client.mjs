// A bot on the official Node SDK's long connection (lark.WSClient), pointed at OpenCardKit, with no public URL.
// NodeWsClientTest in the server module runs it and talks to it through stdin/stdout:
//   it prints READY once connected, EVENT <json> for each im.message.receive_v1, CARD <json> for each
//   card.action.trigger (answering with a toast), and exits when stdin closes.
//
// Run with: OKC_BASE_URL=http://127.0.0.1:8080 OKC_APP_ID=... OKC_APP_SECRET=... node ws-client.mjs

import lark from '@larksuiteoapi/node-sdk';

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`environment variable ${name} must be set`);
    process.exit(2);
  }
  return value;
}

const wsClient = new lark.WSClient({
  appId: env('OKC_APP_ID'),
  appSecret: env('OKC_APP_SECRET'),
  domain: env('OKC_BASE_URL'),
  loggerLevel: lark.LoggerLevel.error,
  autoReconnect: false,
  onReady: () => console.log('READY'),
});

// Verification token and encrypt key stay empty for the long connection, as Feishu's docs say.
const eventDispatcher = new lark.EventDispatcher({}).register({
  'im.message.receive_v1': async (data) => {
    console.log('EVENT ' + JSON.stringify({ message_id: data.message.message_id, chat_type: data.message.chat_type, content: data.message.content }));
  },
  'card.action.trigger': async (data) => {
    console.log('CARD ' + JSON.stringify({ open_id: data.operator.open_id, value: data.action.value, message_id: data.context.open_message_id }));
    return { toast: { type: 'success', content: 'answered by the Node SDK' } };
  },
});

wsClient.start({ eventDispatcher });

process.stdin.on('end', () => {
  wsClient.close({ force: true });
  process.exit(0);
});
process.stdin.resume();
