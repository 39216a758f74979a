// The SDK (clients/js) in a real browser (Debian's chromium, headless, through playwright-core)
// catches up after its socket is cut. The page reaches the API through a TCP proxy the test can
// cut: the WebSocket ends abnormally and reconnecting is refused for a while, and meanwhile others
// send messages over HTTP. The page lists every `message` event the SDK delivers as it comes, with
// no de-duplication or sorting of its own, so the list shows exactly what the SDK delivered.
// Every wait is on a condition in the page with a deadline.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { setup, cuttableProxy } from './helpers.mjs';
import { waitFor } from '../../js/test/server.mjs';

/** The SDK's sources bundled for the browser: `window.ChatCloudSDK`. */
async function sdkBundle() {
  const entry = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'js', 'src', 'index.ts');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    globalName: 'ChatCloudSDK',
    target: ['es2020'],
    platform: 'browser',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

/** A page of the site that follows one conversation with the SDK and lists what it delivers. */
const SDK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SDK page</title></head><body>
<p id="state">idle</p>
<ol id="log" aria-label="Messages"></ol>
<script src="/sdk.js"></script>
<script>
  const settings = new URLSearchParams(location.hash.slice(1));
  const { ChatCloud, RealtimeClient } = window.ChatCloudSDK;
  const api = new ChatCloud({ baseUrl: settings.get('api'), apiKey: settings.get('key'), token: settings.get('token') });
  const live = new RealtimeClient(api);
  const log = document.getElementById('log');
  const state = document.getElementById('state');
  window.states = [];
  const show = (message) => {
    const item = document.createElement('li');
    item.dataset.seq = message.seq;
    item.dataset.messageId = message.id;
    item.textContent = message.content.text;
    log.append(item);
  };
  live.on('state', (change) => {
    window.states.push(change.state + (change.reason ? ' (' + change.reason + ')' : ''));
    state.textContent = change.state;
    state.dataset.state = change.state;
    if (change.state === 'open') state.dataset.opened = String(Number(state.dataset.opened || 0) + 1);
  });
  live.on('message', show);
  (async () => {
    const conversation = settings.get('conversation');
    const page = await api.p2p.history(conversation, { limit: 100 });
    page.data.forEach(show);
    live.track(conversation, 'p2p', page.data.length ? page.data[page.data.length - 1].seq : 0);
    live.connect();
  })();
</script>
</body></html>`;

let env;
let proxy;
before(async () => {
  env = await setup();
  proxy = await cuttableProxy(env.server.base);
  env.host.files.set('sdk.js', { type: 'text/javascript; charset=utf-8', body: await sdkBundle() });
  env.host.pages.set('sdk', SDK_PAGE);
});
afterEach(() => {
  assert.deepEqual(env.pageErrors.splice(0), [], 'uncaught errors in the pages');
});
after(async () => {
  await proxy?.close();
  await env?.dispose();
});

test('the SDK catches up after its socket is cut: every missed message once, in order', (t) => env.diagnosed(async () => {
  const alice = await env.user('alice');
  const bob = await env.user('bob');
  const conversation = await env.as(alice, 'POST', '/p2p/conversations', { otherParticipantId: bob.id });
  const send = (who, text) => env.as(who, 'POST', `/p2p/conversations/${conversation.id}/messages`, { content: { text } });
  await send(bob, 'before 1');
  await send(alice, 'before 2');

  // Alice's page follows the conversation through the proxy.
  const page = await env.page();
  const sockets = [];
  page.on('websocket', (socket) => sockets.push(socket));
  const settings = new URLSearchParams({ api: proxy.base, key: env.resource.apiKey, token: alice.token, conversation: conversation.id });
  await page.goto(`${env.host.origin}/sdk#${settings}`);
  const state = page.locator('#state');
  await page.locator('#state[data-state="open"]').waitFor();
  const items = page.locator('#log li');
  await items.nth(1).waitFor();

  // Live, through the proxy.
  await send(bob, 'live 1');
  await items.filter({ hasText: 'live 1' }).waitFor();

  // Cut: the socket drops, the SDK tries again and is refused.
  proxy.cut();
  await page.locator('#state[data-state="reconnecting"]').waitFor();
  await waitFor(() => proxy.refused >= 1, 'a refused reconnect attempt');

  // Meanwhile Bob and Alice's other device write over HTTP: none of it can reach the page.
  const missed = ['missed 1', 'missed 2', 'missed 3 (from Alice\'s phone)', 'missed 4', 'missed 5'];
  for (const text of missed) await send(text.includes('phone') ? alice : bob, text);
  assert.equal(await items.count(), 3, 'nothing arrives while the connection is cut');
  assert.notEqual(await state.getAttribute('data-state'), 'open');

  // Back: the SDK reconnects on a new socket and catches up before it reports itself open.
  proxy.restore();
  await page.locator('#state[data-state="open"][data-opened="2"]').waitFor();
  assert.ok(sockets.length >= 2, `a new WebSocket after the cut (${sockets.length})`);
  // Live again, after the caught-up messages.
  await send(bob, 'after');
  await items.filter({ hasText: 'after' }).waitFor();

  const shown = await items.evaluateAll((list) => list.map((li) => ({ seq: Number(li.dataset.seq), id: li.dataset.messageId, text: li.textContent })));
  const expected = ['before 1', 'before 2', 'live 1', ...missed, 'after'];
  assert.deepEqual(shown.map((item) => item.text), expected, 'every message once, in order');
  assert.deepEqual(shown.map((item) => item.seq), expected.map((_, index) => index + 1));
  const history = await env.as(alice, 'GET', `/p2p/conversations/${conversation.id}/messages?limit=100`);
  assert.deepEqual(shown.map((item) => item.id), history.data.map((message) => message.id), 'the server\'s messages, by id');
  const states = await page.evaluate(() => window.states);
  assert.ok(states.some((entry) => entry.startsWith('reconnecting (connection_lost)')), `the drop was seen: ${states.join(', ')}`);
  await page.context().close();
})(t));
