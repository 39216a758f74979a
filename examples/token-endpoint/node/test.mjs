// Runs the example against a real ChatCloud server (the SDK tests' harness): the token it hands
// out works, a second login updates the same user, and a visitor without a session gets 401.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { TestServer, OPERATOR_KEY, api } from '../../../clients/js/test/server.mjs';

test('the token endpoint upserts the site user and hands out a working chat token', async (t) => {
  const chatcloud = new TestServer();
  const base = await chatcloud.start();
  t.after(() => chatcloud.dispose());
  const site = await api(base, 'POST', '/resources', {
    headers: { 'x-operator-key': OPERATOR_KEY },
    body: { resourceId: 'site.com' },
  });
  Object.assign(process.env, {
    CHATCLOUD_URL: base,
    CHATCLOUD_API_KEY: site.apiKey,
    CHATCLOUD_API_SECRET: site.apiSecret,
  });
  const { app } = await import('./server.js');
  const listener = app.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  t.after(() => listener.close());
  const endpoint = `http://127.0.0.1:${listener.address().port}/chat-token`;
  const login = (user) =>
    fetch(endpoint, { method: 'POST', headers: user ? { 'x-demo-user': JSON.stringify(user) } : {} });

  assert.equal((await login(null)).status, 401);
  const ana = { id: 'site-user-1', username: 'ana', email: 'ana@example.com', name: 'Ana Lima' };
  const first = await login(ana);
  assert.equal(first.status, 200);
  const issued = await first.json();
  const me = await api(base, 'GET', '/users/me', {
    headers: { 'x-api-key': site.apiKey, authorization: `Bearer ${issued.chatToken}` },
  });
  assert.equal(me.externalId, 'site-user-1');
  assert.equal(me.displayName, 'Ana Lima');
  assert.equal(me.id, issued.user.id);

  const again = await (await login({ ...ana, name: 'Ana L.' })).json();
  assert.equal(again.user.id, issued.user.id);
  const found = await api(base, 'GET', '/users/by-external-id/site-user-1', {
    headers: { 'x-api-key': site.apiKey, 'x-api-secret': site.apiSecret },
  });
  assert.equal(found.displayName, 'Ana L.');
  const users = await api(base, 'GET', '/users', {
    headers: { 'x-api-key': site.apiKey, 'x-api-secret': site.apiSecret },
  });
  assert.equal(users.total, 1);
});
