// The widget in a real browser (Debian's chromium, headless, through playwright-core) against a
// real server: the host pages come from another origin than the API and widget.js, as on a site.
// Every wait is on a condition in the page (playwright's auto-waiting locators) with a deadline.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { setup, hostPage, hostServer, screenshot } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
  assert.notEqual(new URL(env.server.base).origin, env.host.origin, 'the host page must be cross-origin');
});
afterEach(() => {
  assert.deepEqual(env.pageErrors.splice(0), [], 'uncaught errors in the pages');
});
after(async () => {
  await env?.dispose();
});

/** The example page of the repository, for a user with a token, inline, chatting with `peer`. */
function exampleUrl(user, peer) {
  const settings = new URLSearchParams({
    api: env.server.base,
    key: env.resource.apiKey,
    token: user.token,
    inline: '1',
  });
  if (peer) settings.set('peer', peer.id);
  return `${env.host.origin}/example#${settings}`;
}

/** A host page with the floating widget, whose token comes from the host's token endpoint. */
function floatingPage(name, user, extra = {}) {
  env.host.pages.set(
    name,
    hostPage(env.server.base, { 'api-key': env.resource.apiKey, 'token-url': `/token/${user.username}`, ...extra }),
  );
  return `${env.host.origin}/${name}`;
}

test('two visitors chat live: messages, unread badges, read receipts and typing', (t) => env.diagnosed(async () => {
  const alice = await env.user('alice');
  const bob = await env.user('bob');

  // Bob waits on a page with the floating widget: nothing yet.
  const pageB = await env.page();
  await pageB.goto(floatingPage('bob', bob));
  await pageB.getByRole('button', { name: 'Open chat' }).click();
  await pageB.getByText('No conversations yet.').waitFor();
  await pageB.getByRole('button', { name: 'Close chat' }).click();

  // Alice, on the repository's example page, opens the conversation with Bob and writes.
  const pageA = await env.page();
  await pageA.goto(exampleUrl(alice, bob));
  const inputA = pageA.getByLabel('Message', { exact: true });
  await inputA.fill('Hello Bob');
  await inputA.press('Enter');
  await pageA.locator('.msg.mine', { hasText: 'Hello Bob' }).waitFor();

  // Bob's launcher counts the unread message live; his inbox lists the new conversation.
  await pageB.getByRole('button', { name: 'Open chat, 1 unread' }).click();
  const item = pageB.getByRole('button', { name: new RegExp(alice.username) });
  await item.getByLabel('1 unread messages').waitFor();
  await pageB.getByRole('tab', { name: /Chats.*1 unread/, selected: true }).waitFor();
  await screenshot(pageB.locator('.panel'), 'widget-inbox.png');

  // Bob opens it: he sees the message, and Alice sees it read.
  await item.click();
  await pageB.locator('.msg', { hasText: 'Hello Bob' }).waitFor();
  await pageA.locator('.msg.mine[data-read="true"]', { hasText: 'Hello Bob' }).waitFor();
  await pageA.locator('.msg.mine', { hasText: 'Read' }).waitFor();
  await pageB.getByRole('button', { name: 'Hide chat' }).waitFor();

  // Bob types: Alice sees him typing, then his message, live; the indicator goes.
  const inputB = pageB.getByLabel('Message', { exact: true });
  await inputB.pressSequentially('Hi Alice, all good');
  await pageA.getByText(`${bob.username} is typing`).waitFor();
  await inputB.press('Enter');
  await pageA.locator('.msg', { hasText: 'Hi Alice, all good' }).waitFor();
  await pageA.getByText('is typing').waitFor({ state: 'detached' });
  // Alice has the conversation open, so Bob's message is read at once.
  await pageB.locator('.msg.mine[data-read="true"]', { hasText: 'Hi Alice, all good' }).waitFor();
  // The new message was announced to screen readers.
  await pageA.locator('[aria-live="polite"] p', { hasText: 'Hi Alice, all good' }).waitFor({ state: 'attached' });

  // Alice answers from the inbox's point of view too: Bob's stays at zero unread (open view).
  await inputA.fill('Great to hear');
  await inputA.press('Enter');
  await pageB.locator('.msg', { hasText: 'Great to hear' }).waitFor();
  await pageA.locator('.msg.mine[data-read="true"]', { hasText: 'Great to hear' }).waitFor();
  await screenshot(pageB.locator('.panel'), 'widget-conversation.png');

  // An edit from another of Alice's devices shows in Bob's view.
  const [conversation] = (await env.as(alice, 'GET', '/p2p/conversations')).data;
  const history = await env.as(alice, 'GET', `/p2p/conversations/${conversation.id}/messages`);
  const greeting = history.data.find((message) => message.content.text === 'Great to hear');
  await env.as(alice, 'PATCH', `/p2p/conversations/${conversation.id}/messages/${greeting.id}`, {
    content: { text: 'Great to hear!' },
  });
  await pageB.locator('.msg', { hasText: 'Great to hear!' }).filter({ hasText: 'edited' }).waitFor();

  // Back in Bob's inbox, the conversation shows the last message and no badge.
  await pageB.getByRole('button', { name: 'Back' }).click();
  await item.filter({ hasText: 'Great to hear!' }).waitFor();
  assert.equal(await item.locator('.badge').count(), 0);

  await pageA.context().close();
  await pageB.context().close();
})(t));

test('scrolling back loads older history with the before cursor', (t) => env.diagnosed(async () => {
  const carol = await env.user('carol');
  const dave = await env.user('dave');
  const conversation = await env.as(carol, 'POST', '/p2p/conversations', { otherParticipantId: dave.id });
  for (let i = 1; i <= 70; i += 1) {
    const sender = i % 2 ? carol : dave;
    await env.as(sender, 'POST', `/p2p/conversations/${conversation.id}/messages`, {
      content: { text: `message ${i}` },
    });
  }
  const page = await env.page();
  await page.goto(exampleUrl(carol, dave));
  const messages = page.locator('.msg');
  await page.locator('.bubble', { hasText: /message 70$/ }).waitFor();
  assert.equal(await messages.count(), 30, 'the newest page first');

  // The keyboard way: the labelled button (focused without scrolling, so that only the key
  // press loads) loads the page before the first message shown, keeping the view in place.
  const older = page.getByRole('button', { name: 'Load earlier messages' });
  await older.evaluate((button) => button.focus({ preventScroll: true }));
  await page.keyboard.press('Enter');
  await messages.nth(59).waitFor();
  // Scrolling to the top loads the rest; then there is nothing earlier to load.
  await page.locator('.scroll').first().evaluate((log) => {
    log.scrollTop = 0;
  });
  await page.locator('.bubble', { hasText: /message 1$/ }).waitFor();
  await older.waitFor({ state: 'hidden' });
  assert.equal(await messages.count(), 70);
  const order = await page.locator('.msg').evaluateAll((items) => items.map((li) => Number(li.dataset.seq)));
  assert.deepEqual(order, Array.from({ length: 70 }, (_, i) => i + 1));
  await page.context().close();
})(t));

test('a customer opens a ticket in the widget, an agent answers it in the console, the customer sees the reply live', (t) => env.diagnosed(async () => {
  const erin = await env.user('erin');
  const agent = await env.user('agent', 'staff');
  // This page hands the token over through a callback of its own (asynchronous, as most are).
  env.host.pages.set(
    'erin',
    hostPage(
      env.server.base,
      { 'api-key': env.resource.apiKey, 'token-callback': 'siteChatToken', open: 'true' },
      { script: `window.siteChatToken = async (reason) => (await (await fetch('/token/erin')).json()).token;` },
    ),
  );
  const page = await env.page();
  await page.goto(`${env.host.origin}/erin`);

  // The tabs follow the keyboard: an arrow key moves to the support tab.
  await page.getByRole('tab', { name: 'Chats' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.getByRole('tab', { name: 'Support', selected: true }).waitFor();
  await page.getByText('No tickets yet').waitFor();
  await page.getByRole('button', { name: 'New ticket' }).click();
  await page.getByLabel('Subject').fill('Payment failed');
  await page.getByLabel('How can we help?').fill('My card was declined twice.');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.msg.mine', { hasText: 'declined twice' }).waitFor();

  // An agent, in the agent console (another browser context, on the server's own origin), sees
  // the ticket in the queue and opens it.
  const desk = await env.page();
  await desk.goto(`${env.server.base}/console`);
  await desk.getByLabel('API key').fill(env.resource.apiKey);
  await desk.getByLabel('Chat token').fill(agent.token);
  await desk.getByRole('button', { name: 'Sign in' }).click();
  await desk.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  const item = desk.locator('.ticket', { hasText: 'Payment failed' });
  await item.getByLabel('1 unread').waitFor();
  await item.click();
  await desk.locator('.msg', { hasText: 'My card was declined twice.' }).waitFor();

  // The customer types a follow-up: the agent sees them typing, then the message, live.
  const input = page.getByLabel('Message', { exact: true });
  await input.pressSequentially('It is a Visa card');
  await desk.getByText(`${erin.username} (customer) is typing`).waitFor();
  await screenshot(desk, 'console-typing.png');
  await input.press('Enter');
  await desk.locator('.msg', { hasText: 'It is a Visa card' }).waitFor();
  await desk.getByText('is typing').waitFor({ state: 'detached' });

  // The agent answers in the console; the customer sees the reply arrive live in the widget.
  const answer = desk.getByLabel('Reply');
  await answer.fill('Sorry about that: please try again now.');
  await answer.press('Enter');
  await desk.locator('.msg.staff', { hasText: 'please try again now' }).waitFor();
  const reply = page.locator('.msg', { hasText: 'please try again now' });
  await reply.waitFor();
  assert.equal(await reply.locator('.sender').textContent(), 'Support');
  // Answering read the customer's message: the receipt says so.
  await page.locator('.msg.mine[data-read="true"]', { hasText: 'declined twice' }).waitFor();
  await page.locator('.msg.mine[data-read="true"]', { hasText: 'Visa card' }).waitFor();
  // The reply moved the ticket to pending; the header follows live, in the widget and the console.
  await page.locator('header .chip', { hasText: 'pending' }).waitFor();
  await desk.locator('.ticket[data-status="pending"]', { hasText: 'Payment failed' }).waitFor();
  await desk.context().close();
  await screenshot(page.locator('.panel'), 'widget-support.png');

  // Back in the support list, the ticket is there.
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('button', { name: /Payment failed/ }).waitFor();

  // Escape closes the panel and gives the focus back to the launcher.
  await page.getByRole('button', { name: /Payment failed/ }).focus();
  await page.keyboard.press('Escape');
  await page.locator('.panel').waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: 'Open chat' }).waitFor();

  // The page's script can open the new-ticket form (e.g. from its own "Contact us" link).
  await page.evaluate(() => window.ChatCloudWidget.instances[0].showSupport('new'));
  await page.getByLabel('Subject').waitFor();
  await page.context().close();
})(t));

test('a page whose origin the resource does not allow gets no chat', (t) => env.diagnosed(async () => {
  const frank = await env.user('frank');
  const stranger = await hostServer();
  try {
    stranger.pages.set('page', hostPage(env.server.base, { 'api-key': env.resource.apiKey, token: frank.token }, { container: true }));
    const page = await env.page();
    await page.goto(`${stranger.origin}/page`);
    const alert = page.getByRole('alert').filter({ hasText: 'Chat is unavailable' });
    await alert.waitFor();
    assert.match(await alert.textContent(), new RegExp(`allowedOrigins include ${stranger.origin}`));
    await page.context().close();
  } finally {
    await stranger.close();
  }
})(t));
