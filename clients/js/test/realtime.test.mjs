// The real-time client against a real server: delivery, gaps, drops, restarts, duplicates,
// token renewal, close codes, typing, and unread counts kept equal to the server's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RealtimeClient } from '../dist/index.js';
import { setup, makeUser, clientOf, signToken, controlledWebSocket, waitFor } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.server.dispose();
});

/** Two users with a conversation, and a real-time client for the first. */
async function pair(options = {}) {
  const { server, resource, backend } = env;
  const alice = await makeUser(backend);
  const bob = await makeUser(backend);
  const asAlice = clientOf(server, resource, alice.token, options.client);
  const asBob = clientOf(server, resource, bob.token);
  const conversation = await asBob.p2p.open(alice.user.id);
  const { WebSocket, control } = controlledWebSocket();
  const live = new RealtimeClient(asAlice, { WebSocket, backoff: { initialMs: 50, maxMs: 500 }, ...options.realtime });
  const received = [];
  live.on('message', (message) => received.push(message));
  const states = [];
  live.on('state', (change) => states.push(change));
  return { alice, bob, asAlice, asBob, conversation, live, control, received, states };
}

const texts = (messages) => messages.map((m) => m.content.text);
/** Resolves at the client's next `synced` event; fails after a deadline. */
const synced = (live, ms = 20_000) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not synced within ${ms} ms (state ${live.state})`)), ms);
    const off = live.on('synced', () => {
      clearTimeout(timer);
      off();
      resolve();
    });
  });

/** The client's unread counts equal the server's, entry for entry. */
async function assertUnreadInStep(live, api) {
  const server = await api.users.unread();
  const mine = live.unread;
  assert.equal(mine.total, server.total);
  const expected = {};
  for (const entry of [...server.conversations, ...server.tickets]) expected[entry.conversationId] = entry.unreadCount;
  assert.deepEqual(mine.conversations, expected);
}

test('delivers live messages in order, once', async () => {
  const { asBob, conversation, live, received } = await pair();
  const ready = synced(live);
  live.connect();
  await ready;
  assert.equal(live.state, 'open');
  for (const text of ['one', 'two', 'three']) await asBob.p2p.send(conversation.id, text);
  await waitFor(() => received.length === 3, 'three messages');
  assert.deepEqual(texts(received), ['one', 'two', 'three']);
  assert.deepEqual(received.map((m) => m.seq), [1, 2, 3]);
  live.close();
});

test('a gap in seq is fetched with afterSeq before anything newer is delivered', async () => {
  const { asBob, conversation, live, control, received } = await pair();
  const ready = synced(live);
  live.connect();
  await ready;
  await asBob.p2p.send(conversation.id, 'one');
  await waitFor(() => received.length === 1, 'the first message');
  // The network loses the next two events; the third shows the gap.
  let lost = 0;
  control.filter = (frame) => (frame.type === 'message.new' && lost < 2 ? (lost += 1, 'drop') : 'pass');
  for (const text of ['two', 'three', 'four']) await asBob.p2p.send(conversation.id, text);
  await waitFor(() => received.length === 4, 'the caught-up messages');
  assert.equal(lost, 2);
  assert.deepEqual(texts(received), ['one', 'two', 'three', 'four']);
  live.close();
});

test('duplicated events are delivered once', async () => {
  const { asBob, conversation, live, control, received } = await pair();
  control.filter = (frame) => (frame.type === 'message.new' ? 'repeat' : 'pass');
  const ready = synced(live);
  live.connect();
  await ready;
  for (const text of ['a', 'b']) await asBob.p2p.send(conversation.id, text);
  await asBob.p2p.send(conversation.id, 'end');
  await waitFor(() => received.length >= 3, 'three messages');
  assert.deepEqual(texts(received), ['a', 'b', 'end']);
  live.close();
});

test('after its socket is cut, the client reconnects and catches up before live events', async () => {
  const { asBob, conversation, live, control, received } = await pair();
  live.track(conversation.id, 'p2p', 0);
  const ready = synced(live);
  live.connect();
  await ready;
  await asBob.p2p.send(conversation.id, 'before');
  await waitFor(() => received.length === 1, 'the first message');

  // Cut the socket; while the client is away, Bob writes.
  let resynced = synced(live);
  control.current.close();
  await waitFor(() => live.state === 'reconnecting', 'reconnecting');
  for (const text of ['while away 1', 'while away 2']) await asBob.p2p.send(conversation.id, text);
  await resynced;
  await asBob.p2p.send(conversation.id, 'after');
  await waitFor(() => received.length === 4, 'all four messages');
  assert.deepEqual(texts(received), ['before', 'while away 1', 'while away 2', 'after']);
  assert.ok(control.sockets.length >= 2);

  // A restart of the server (close 1001, then refused handshakes until it is back).
  resynced = synced(live);
  await env.server.stop();
  await asBob.p2p.send(conversation.id, 'lost?').catch(() => undefined);
  await env.server.start();
  await asBob.p2p.send(conversation.id, 'during restart');
  await resynced;
  await waitFor(() => received.at(-1)?.content.text === 'during restart', 'the message sent meanwhile');
  assert.deepEqual(received.map((m) => m.seq), received.map((_, i) => i + 1), 'no gap, no repeat');
  live.close();
});

test('unread counts follow the server through messages, reads, drops and other devices', async () => {
  const { asAlice, asBob, alice, conversation, live, control } = await pair();
  const { server, resource, backend } = env;
  const carol = await makeUser(backend);
  const asCarol = clientOf(server, resource, carol.token);
  const second = await asCarol.p2p.open(alice.user.id);
  await asCarol.p2p.send(second.id, 'before connecting');
  const ticket = await asAlice.support.open({ subject: 'question', initialMessage: 'hi' });
  const agent = await makeUser(backend, 'staff');
  const asAgent = clientOf(server, resource, agent.token);

  const ready = synced(live);
  live.connect();
  await ready;
  await assertUnreadInStep(live, asAlice);
  assert.equal(live.unread.total, 1);

  await asBob.p2p.send(conversation.id, 'one');
  await asBob.p2p.send(conversation.id, 'two');
  await asAgent.support.send(ticket.id, 'answer');
  await waitFor(() => live.unread.total === 4, 'four unread');
  await assertUnreadInStep(live, asAlice);

  // Alice reads on another device: the receipt brings the count down.
  const otherDevice = clientOf(server, resource, alice.token);
  await otherDevice.p2p.markAsRead(conversation.id, { upToSeq: 1 });
  await waitFor(() => live.unreadCount(conversation.id) === 1, 'one left after the receipt');
  await assertUnreadInStep(live, asAlice);

  // Replying reads the conversation.
  await otherDevice.p2p.send(second.id, 'back to you');
  await waitFor(() => live.unreadCount(second.id) === 0, 'replying reads');
  await assertUnreadInStep(live, asAlice);

  // Messages while the socket is down are counted after the reconnect.
  const resynced = synced(live);
  control.current.close();
  await asBob.p2p.send(conversation.id, 'three');
  await asAgent.support.send(ticket.id, 'more');
  await resynced;
  await waitFor(() => live.unread.total === 4, 'the resynchronised total');
  await assertUnreadInStep(live, asAlice);
  live.close();
});

test('staff unread counts cover every ticket, new ones included', async () => {
  const { server, resource, backend } = env;
  const agent = await makeUser(backend, 'staff');
  const customer = await makeUser(backend);
  const asAgent = clientOf(server, resource, agent.token);
  const asCustomer = clientOf(server, resource, customer.token);
  const live = new RealtimeClient(asAgent);
  const ready = synced(live);
  live.connect();
  await ready;
  const before = live.unread.total;
  const ticket = await asCustomer.support.open({ subject: 'new', initialMessage: 'first' });
  await waitFor(() => live.unreadCount(ticket.id) === 1, 'the new ticket counted');
  await asCustomer.support.send(ticket.id, 'second');
  await waitFor(() => live.unreadCount(ticket.id) === 2, 'the second message counted');
  const colleague = clientOf(server, resource, (await makeUser(backend, 'staff')).token);
  await colleague.support.send(ticket.id, 'a colleague answers');
  await waitFor(() => live.unreadCount(ticket.id) === 0, "a colleague's answer reads it for the staff");
  assert.equal(live.unread.total, before);
  await assertUnreadInStep(live, asAgent);
  live.close();
});

test('an expired token is renewed through the callback when reconnecting', async () => {
  const { server, resource, backend, resourceId } = env;
  const alice = await makeUser(backend);
  const bob = await makeUser(backend);
  const shortLived = signToken({ userId: alice.user.id, resourceId, ttlSeconds: 2 });
  const reasons = [];
  const asAlice = clientOf(server, resource, shortLived, {
    getToken: async (reason) => {
      reasons.push(reason);
      return (await backend.users.chatToken(alice.user.id)).chatToken;
    },
  });
  const asBob = clientOf(server, resource, bob.token);
  const conversation = await asBob.p2p.open(alice.user.id);
  const { WebSocket, control } = controlledWebSocket();
  const live = new RealtimeClient(asAlice, { WebSocket, backoff: { initialMs: 50, maxMs: 500 } });
  const received = [];
  live.on('message', (m) => received.push(m));
  live.track(conversation.id, 'p2p', 0);
  const ready = synced(live);
  live.connect();
  await ready;
  // Wait until the token has expired (a condition on the clock, not a sleep of a set length).
  await waitFor(() => Date.now() / 1000 > JSON.parse(Buffer.from(shortLived.split('.')[1], 'base64url')).exp + 1, 'the token to expire');
  const resynced = synced(live);
  control.current.close();
  await asBob.p2p.send(conversation.id, 'while renewing');
  await resynced;
  await waitFor(() => received.length === 1, 'the message sent meanwhile');
  assert.deepEqual(reasons, ['expired']);
  assert.notEqual(asAlice.token, shortLived);
  assert.equal(live.state, 'open');
  live.close();
});

test('revoked tokens: close 4001, the site gives none, the client stops', async () => {
  const { server, resource, backend } = env;
  const alice = await makeUser(backend);
  const reasons = [];
  const asAlice = clientOf(server, resource, alice.token, {
    getToken: (reason) => {
      reasons.push(reason);
      return null;
    },
  });
  const live = new RealtimeClient(asAlice);
  const stopped = [];
  live.on('state', (change) => change.state === 'stopped' && stopped.push(change));
  const ready = synced(live);
  live.connect();
  await ready;
  // The server's heartbeat (every second in these tests) notices the revocation.
  await backend.users.revokeTokens(alice.user.id);
  await waitFor(() => stopped.length === 1, 'the client to stop');
  assert.equal(stopped[0].code, 4001);
  assert.equal(stopped[0].reason, 'token_revoked');
  assert.deepEqual(reasons, ['revoked']);
});

test('a handshake with an invalid token asks the site once, then stops', async () => {
  const { server, resource } = env;
  let asked = 0;
  const api = clientOf(server, resource, 'not-a-token', {
    getToken: () => {
      asked += 1;
      return 'still-not-a-token';
    },
  });
  const live = new RealtimeClient(api, { backoff: { initialMs: 20, maxMs: 100 } });
  const stopped = [];
  live.on('state', (change) => change.state === 'stopped' && stopped.push(change));
  live.connect();
  await waitFor(() => stopped.length === 1, 'the client to stop');
  assert.equal(stopped[0].reason, 'invalid_token');
  assert.equal(asked, 1);
});

test('typing is relayed, and throttled by the client', async () => {
  const { asBob, alice, conversation, live } = await pair({ realtime: { typingIntervalMs: 60_000 } });
  const bobLive = new RealtimeClient(asBob);
  const typing = [];
  bobLive.on('typing', (event) => typing.push(event));
  const both = Promise.all([synced(live), synced(bobLive)]);
  live.connect();
  bobLive.connect();
  await both;
  assert.equal(live.typing(conversation.id), true);
  assert.equal(live.typing(conversation.id), false, 'throttled');
  await waitFor(() => typing.length === 1, 'the typing event');
  assert.deepEqual(typing[0], { conversationId: conversation.id, userId: alice.user.id });
  live.close();
  bobLive.close();
});

test("a chat partner's profile change arrives as user.updated", async () => {
  const { asBob, bob, live } = await pair();
  const updates = [];
  live.on('user.updated', (profile) => updates.push(profile));
  const ready = synced(live);
  live.connect();
  await ready;
  await asBob.users.updateMe({ displayName: 'Bob B.', avatarUrl: 'https://cdn.example.com/bob.png' });
  await waitFor(() => updates.length === 1, 'the user.updated event');
  assert.deepEqual(updates[0], {
    id: bob.user.id,
    username: bob.user.username,
    displayName: 'Bob B.',
    avatarUrl: 'https://cdn.example.com/bob.png',
  });
  live.close();
});

test('close 1013 (the process is full) backs off and retries; 1008 (too many sockets) stops', async () => {
  const { TestServer } = await import('./helpers.mjs');
  const full = new TestServer();
  full.env = { CHATCLOUD_WS_MAX_CONNECTIONS: '1' };
  try {
    await full.start();
    const { ChatCloud } = await import('../dist/index.js');
    const operator = new ChatCloud({ baseUrl: full.base, operatorKey: 'sdk-test-operator-key' });
    const resource = await operator.resources.create({ resourceId: 'full.example' });
    const backend = new ChatCloud({ baseUrl: full.base, apiKey: resource.apiKey, apiSecret: resource.apiSecret });
    const first = new RealtimeClient(clientOf(full, resource, (await makeUser(backend)).token));
    const second = new RealtimeClient(clientOf(full, resource, (await makeUser(backend)).token), {
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const codes = [];
    second.on('state', (change) => change.code && codes.push(change.code));
    const firstReady = synced(first);
    first.connect();
    await firstReady;
    const secondReady = synced(second);
    second.connect();
    await waitFor(() => codes.includes(1013), 'a 1013 close');
    assert.equal(second.state, 'reconnecting');
    first.close();
    await secondReady;
    assert.equal(second.state, 'open');
    second.close();
  } finally {
    await full.dispose();
  }

  // 32 sockets of one user on one process is the most; the 33rd is closed with 1008.
  const { server, resource, backend } = env;
  const alice = await makeUser(backend);
  const url = `${server.base.replace('http', 'ws')}/api/v1/ws?token=${alice.token}&apiKey=${resource.apiKey}`;
  const held = [];
  for (let i = 0; i < 32; i += 1) {
    const socket = new WebSocket(url);
    const ready = new Promise((resolve) => {
      socket.onmessage = () => resolve();
    });
    held.push(socket);
    await ready;
  }
  const live = new RealtimeClient(clientOf(server, resource, alice.token));
  const stopped = [];
  live.on('state', (change) => change.state === 'stopped' && stopped.push(change));
  live.connect();
  await waitFor(() => stopped.length === 1, 'the client to stop');
  assert.deepEqual([stopped[0].code, stopped[0].reason], [1008, 'too_many_connections']);
  for (const socket of held) socket.close();
});
