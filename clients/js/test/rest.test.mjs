// The REST surface against a real server: every route group, and typed errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChatCloud, ChatCloudError } from '../dist/index.js';
import { setup, makeUser, clientOf, signToken, TestServer } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.server.dispose();
});

test('users, tokens, presence and the caller', async () => {
  const { server, resource, backend } = env;
  const alice = await makeUser(backend);
  const bob = await makeUser(backend);
  const asAlice = clientOf(server, resource, alice.token);
  const me = await asAlice.users.me();
  assert.equal(me.id, alice.user.id);
  assert.equal(me.email, alice.user.email);
  const other = await asAlice.users.get(bob.user.id);
  assert.equal(other.username, bob.user.username);
  assert.equal('email' in other, false, 'plain users see the public profile of others');
  const presence = await asAlice.users.presence(alice.user.id);
  assert.equal(presence.userId, alice.user.id);
  assert.equal(presence.online, false);
  assert.deepEqual(await asAlice.users.unread(), {
    total: 0,
    conversations: [],
    tickets: [],
    conversationsTotal: 0,
    ticketsTotal: 0,
  });
});

test("identity: the site's own ids, profiles and metadata", async () => {
  const { server, resource, backend } = env;
  const externalId = `site-${Date.now()}`;
  const username = `ext${Date.now()}`;
  const body = { username, email: `${username}@example.com`, displayName: 'Ana', metadata: { plan: 'gold' } };
  const created = await backend.users.upsert(externalId, body);
  assert.equal(created.externalId, externalId);
  assert.deepEqual(created.metadata, { plan: 'gold' });
  const updated = await backend.users.upsert(externalId, { ...body, displayName: 'Ana Lima' });
  assert.equal(updated.id, created.id);
  assert.equal(updated.displayName, 'Ana Lima');
  const found = await backend.users.getByExternalId(externalId);
  assert.equal(found.id, created.id);
  const { chatToken, user } = await backend.users.chatTokenFor(externalId, {
    username,
    email: `${username}@example.com`,
    avatarUrl: 'https://cdn.example.com/ana.png',
  });
  assert.equal(user.id, created.id);
  const asAna = clientOf(server, resource, chatToken);
  const renamed = await asAna.users.updateMe({ displayName: 'Ana L.' });
  assert.equal(renamed.displayName, 'Ana L.');
  assert.equal(renamed.avatarUrl, 'https://cdn.example.com/ana.png');
  const bob = await makeUser(backend);
  const asBob = clientOf(server, resource, bob.token);
  assert.deepEqual(await asBob.users.profiles([`ext:${externalId}`, bob.user.id]), [
    { id: created.id, username, displayName: 'Ana L.', avatarUrl: 'https://cdn.example.com/ana.png' },
    { id: bob.user.id, username: bob.user.username, displayName: null, avatarUrl: null },
  ]);
  const seen = await asBob.users.get(`ext:${externalId}`);
  assert.equal('metadata' in seen, false, 'plain users do not see the site\'s metadata');
  await assert.rejects(asBob.users.profiles([]), { status: 400, code: 'invalid_query' });
});

test('P2P conversations and messages, every route', async () => {
  const { server, resource, backend } = env;
  const alice = await makeUser(backend);
  const bob = await makeUser(backend);
  const asAlice = clientOf(server, resource, alice.token);
  const asBob = clientOf(server, resource, bob.token);

  const conversation = await asAlice.p2p.open(bob.user.id);
  assert.equal((await asBob.p2p.open(alice.user.id)).id, conversation.id, 'one per pair');
  const first = await asAlice.p2p.send(conversation.id, 'hello', { clientMessageId: 'c-1' });
  const repeat = await asAlice.p2p.send(conversation.id, 'hello', { clientMessageId: 'c-1' });
  assert.equal(repeat.id, first.id, 'a repeated clientMessageId stores one message');
  const second = await asAlice.p2p.send(conversation.id, 'how are you?');
  assert.deepEqual([first.seq, second.seq], [1, 2]);

  assert.equal((await asBob.p2p.unreadCount(conversation.id)).unreadCount, 2);
  const unread = await asBob.users.unread();
  assert.equal(unread.total, 2);
  assert.equal(unread.conversations[0].conversationId, conversation.id);

  const page = await asBob.p2p.history(conversation.id, { afterSeq: 1 });
  assert.deepEqual(page.data.map((m) => m.id), [second.id]);
  assert.equal(page.hasMore, false);
  const listed = await asBob.p2p.list({ limit: 10 });
  assert.equal(listed.total, 1);
  assert.equal(listed.data[0].id, conversation.id);
  assert.equal((await asBob.p2p.get(conversation.id)).lastSeq, 2);

  const read = await asBob.p2p.markAsRead(conversation.id, { upToSeq: 1 });
  assert.deepEqual([read.lastReadSeq, read.unreadCount], [1, 1]);
  assert.equal((await asBob.p2p.markAsRead(conversation.id)).unreadCount, 0);

  const edited = await asAlice.p2p.edit(conversation.id, second.id, 'how are you doing?', {
    mood: 'curious',
  });
  assert.equal(edited.content.text, 'how are you doing?');
  assert.deepEqual(edited.metadata, { mood: 'curious' });
  const tagged = await asBob.p2p.update(conversation.id, { metadata: { topic: 'greetings' } });
  assert.deepEqual(tagged.metadata, { topic: 'greetings' });
  assert.deepEqual((await asAlice.p2p.get(conversation.id)).metadata, { topic: 'greetings' });
  assert.ok(edited.editedAt);
  const deleted = await asAlice.p2p.delete(conversation.id, first.id);
  assert.ok(deleted.deletedAt);

  assert.equal((await asAlice.p2p.archive(conversation.id)).status, 'archived');
  await assert.rejects(asBob.p2p.send(conversation.id, 'still there?'), (error) => {
    assert.ok(error instanceof ChatCloudError);
    assert.equal(error.status, 403);
    assert.equal(error.code, 'forbidden');
    return true;
  });
  assert.equal((await asBob.p2p.unarchive(conversation.id)).status, 'active');
});

test('support tickets and the admin panel', async () => {
  const { server, resource, backend } = env;
  const customer = await makeUser(backend);
  const agent = await makeUser(backend, 'staff');
  const admin = await makeUser(backend, 'admin');
  const asCustomer = clientOf(server, resource, customer.token);
  const asAgent = clientOf(server, resource, agent.token);
  const asAdmin = clientOf(server, resource, admin.token);

  const ticket = await asCustomer.support.open({
    subject: 'Cannot log in',
    priority: 'high',
    category: 'account',
    initialMessage: 'help me',
  });
  assert.equal(ticket.status, 'open');
  assert.equal((await asAgent.support.unreadCount(ticket.id)).unreadCount, 1);
  const queue = await asAgent.support.list({ status: 'open', priority: 'high' });
  assert.ok(queue.data.some((t) => t.id === ticket.id));
  const taken = await asAgent.support.update(ticket.id, { assigneeId: agent.user.id });
  assert.equal(taken.assigneeId, agent.user.id);
  const reply = await asAgent.support.send(ticket.id, 'on it');
  assert.equal(reply.isStaff, true);
  assert.equal((await asCustomer.support.get(ticket.id)).status, 'pending');
  const history = await asCustomer.support.history(ticket.id);
  assert.deepEqual(history.data.map((m) => m.content.text), ['help me', 'on it']);
  assert.equal((await asCustomer.support.markAsRead(ticket.id)).unreadCount, 0);
  assert.equal((await asCustomer.support.list()).total, 1);

  const stats = await asAdmin.admin.stats();
  assert.ok(stats.supportTickets >= 1);
  const all = await asAdmin.admin.conversations({ type: 'support' });
  assert.ok(all.data.some((c) => c.id === ticket.id));
  const his = await asAdmin.admin.userConversations(customer.user.id);
  assert.equal(his.total, 1);

  // User administration with an admin's token.
  const users = await asAdmin.users.list({ role: 'staff' });
  assert.ok(users.data.some((u) => u.id === agent.user.id));
  const promoted = await asAdmin.users.update(customer.user.id, { role: 'moderator' });
  assert.equal(promoted.role, 'moderator');
  const revoked = await asAdmin.users.revokeTokens(customer.user.id);
  assert.equal(revoked.userId, customer.user.id);
  await assert.rejects(asCustomer.users.me(), { code: 'invalid_token', status: 401 });
});

test('resources: keys rotate, and the old key stops working', async () => {
  const { server, operator, resource, resourceId } = env;
  const other = await operator.resources.create({ resourceId: `${resourceId}.rot`, allowedOrigins: ['*'] });
  const rotated = await new ChatCloud({
    baseUrl: server.base,
    apiKey: other.apiKey,
    apiSecret: other.apiSecret,
  }).resources.rotateKeys(other.resourceId);
  assert.notEqual(rotated.apiKey, other.apiKey);
  const stale = new ChatCloud({ baseUrl: server.base, apiKey: other.apiKey, apiSecret: other.apiSecret });
  await assert.rejects(stale.users.list(), { code: 'invalid_api_key', status: 401 });
  assert.ok(resource.apiKey.startsWith('pk_'));
});

test('typed errors carry status, code, message and the request id', async () => {
  const { server, resource, backend } = env;
  const alice = await makeUser(backend);
  const asAlice = clientOf(server, resource, alice.token);
  const error = await asAlice.p2p.get('0123456789abcdef01234567').catch((e) => e);
  assert.ok(error instanceof ChatCloudError);
  assert.equal(error.status, 404);
  assert.equal(error.code, 'not_found');
  assert.ok(error.message.length > 0);
  assert.ok(error.requestId);
  assert.equal(error.retryAfter, null);

  await assert.rejects(
    backend.users.create({ username: alice.user.username, email: 'x@example.com' }),
    { status: 409, code: 'conflict' },
  );
  await assert.rejects(asAlice.p2p.open(alice.user.id), { status: 400, code: 'invalid_body' });
  const keyless = new ChatCloud({ baseUrl: server.base, token: alice.token });
  await assert.rejects(keyless.users.me(), { status: 401, code: 'missing_api_key' });
  const offline = new ChatCloud({ baseUrl: 'http://127.0.0.1:9', apiKey: 'pk_x', token: 't' });
  await assert.rejects(offline.users.me(), { status: 0, code: 'network_error' });
});

test('429 answers carry Retry-After', async () => {
  const server = new TestServer();
  try {
    await server.start({ CHATCLOUD_RATE_LIMIT_PER_USER: '3' });
    const operator = new ChatCloud({ baseUrl: server.base, operatorKey: 'sdk-test-operator-key' });
    const resource = await operator.resources.create({ resourceId: 'limited.example' });
    const backend = new ChatCloud({ baseUrl: server.base, apiKey: resource.apiKey, apiSecret: resource.apiSecret });
    const { token } = await makeUser(backend);
    const user = clientOf(server, resource, token);
    let error;
    for (let i = 0; i < 10 && !error; i += 1) {
      error = await user.users.me().then(() => undefined, (e) => e);
    }
    assert.ok(error instanceof ChatCloudError);
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limited');
    assert.ok(error.retryAfter !== null && error.retryAfter >= 1);
    assert.equal(error.retryable, true);
  } finally {
    await server.dispose();
  }
});

test('an expired token is renewed through the callback and the call retried', async () => {
  const { server, resource, backend, resourceId } = env;
  const alice = await makeUser(backend);
  const expired = signToken({ userId: alice.user.id, resourceId, ttlSeconds: -10 });
  const reasons = [];
  const asAlice = clientOf(server, resource, expired, {
    getToken: async (reason) => {
      reasons.push(reason);
      return (await backend.users.chatToken(alice.user.id)).chatToken;
    },
  });
  assert.equal((await asAlice.users.me()).id, alice.user.id);
  assert.deepEqual(reasons, ['expired']);
  assert.notEqual(asAlice.token, expired);
});

test('invalid_token asks the site once, then gives up', async () => {
  const { server, resource, backend } = env;
  const alice = await makeUser(backend);
  let asked = 0;
  const asAlice = clientOf(server, resource, 'not-a-token', {
    getToken: () => {
      asked += 1;
      return asked === 1 ? 'still-not-a-token' : alice.token;
    },
  });
  await assert.rejects(asAlice.users.me(), { code: 'invalid_token' });
  await assert.rejects(asAlice.users.me(), { code: 'invalid_token' });
  assert.equal(asked, 1, 'asked once after invalid_token, then stopped');

  // A re-issued valid token is taken once.
  let reissued = 0;
  const again = clientOf(server, resource, 'not-a-token', {
    getToken: () => {
      reissued += 1;
      return alice.token;
    },
  });
  assert.equal((await again.users.me()).id, alice.user.id);
  assert.equal(reissued, 1);
});
