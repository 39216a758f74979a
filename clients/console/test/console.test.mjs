// The agent console in a real browser (Debian's chromium, headless, through playwright-core)
// against a real server: a customer opens a ticket over the REST API, a staff member signs in to
// /console with a token printed by `chatcloud token`, sees the ticket arrive live, answers it and
// works it. The resource allows only another origin: the console's own origin is accepted anyway.
// People are shown by their display names (else their usernames).
// Every wait is on a condition (playwright's auto-waiting locators, or `waitFor`) with a deadline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { TestServer, OPERATOR_KEY, JWT_SECRET, serverBinary, api, waitFor } from '../../js/test/server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DEADLINE_MS = 15_000;

async function screenshot(page, name) {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name), animations: 'disabled' });
}

let server;
let browser;
const pageErrors = [];
before(async () => {
  server = new TestServer();
  await server.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.dispose();
});

test('an agent answers and works a ticket live in the console', async () => {
  const resourceId = `shop_${randomBytes(3).toString('hex')}`;
  const resource = await api(server.base, 'POST', '/resources', {
    headers: { 'x-operator-key': OPERATOR_KEY },
    body: { resourceId, allowedOrigins: ['https://shop.example'] },
  });
  const secret = { 'x-api-key': resource.apiKey, 'x-api-secret': resource.apiSecret };
  const newUser = (username, role, displayName) =>
    api(server.base, 'POST', '/users', { headers: secret, body: { username, email: `${username}@example.com`, role, displayName } });
  const customer = await newUser('carla', 'user', 'Carla Reyes');
  const { chatToken: customerToken } = await api(server.base, 'POST', '/users/chat-token', {
    headers: secret,
    body: { userId: customer.id },
  });
  const asCustomer = (method, path, body) =>
    api(server.base, method, path, { headers: { 'x-api-key': resource.apiKey, authorization: `Bearer ${customerToken}` }, body });
  const agent = await newUser('sam_support', 'staff', 'Sam Okafor');
  const colleague = await newUser('ravi', 'staff', 'Ravi Patel');
  // The operator's way to a staff token: the CLI, on the server's database.
  const printed = execFileSync(serverBinary(), ['token', resourceId, agent.id, '--database-url', server.databaseUrl], {
    env: { ...process.env, CHATCLOUD_JWT_SECRET: JWT_SECRET },
    encoding: 'utf8',
  });
  const agentToken = JSON.parse(printed).chatToken;

  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  context.setDefaultTimeout(DEADLINE_MS);
  const page = await context.newPage();
  const consoleLog = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => consoleLog.push(`${message.type()}: ${message.text()}`));
  try {
    // Sign in; the queue is empty and the live connection is up.
    await page.goto(`${server.base}/console`);
    await page.getByLabel('API key').fill(resource.apiKey);
    await page.getByLabel('Chat token').fill(agentToken);
    await page.getByLabel('Chat token').press('Enter');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.getByText('0 tickets').waitFor();

    // The customer opens a ticket: it appears in the queue live, with its unread badge.
    const ticket = await asCustomer('POST', '/support/conversations', {
      subject: 'My order never arrived',
      initialMessage: 'Order 1042 is two weeks late.',
      priority: 'medium',
    });
    const item = page.locator(`.ticket[data-ticket-id="${ticket.id}"]`);
    await item.filter({ hasText: 'My order never arrived' }).waitFor();
    await item.getByLabel('1 unread').waitFor();
    await page.getByRole('button', { name: /Queue \(1 unread\)/ }).waitFor();
    await item.filter({ hasText: 'from Carla Reyes' }).waitFor();

    // Another agent answers first (over the REST API): their name comes from `GET /users?ids=`.
    const { chatToken: colleagueToken } = await api(server.base, 'POST', '/users/chat-token', { headers: secret, body: { userId: colleague.id } });
    await api(server.base, 'POST', `/support/conversations/${ticket.id}/messages`, {
      headers: { 'x-api-key': resource.apiKey, authorization: `Bearer ${colleagueToken}` },
      body: { content: { text: 'Let me look into it.' } },
    });

    // A further message from the customer arrives in the open ticket live.
    await item.click();
    await page.locator('.msg', { hasText: 'Order 1042 is two weeks late.' }).filter({ hasText: 'Carla Reyes' }).waitFor();
    await page.locator('.msg.staff', { hasText: 'Let me look into it.' }).filter({ hasText: 'Ravi Patel' }).waitFor();
    await asCustomer('POST', `/support/conversations/${ticket.id}/messages`, { content: { text: 'Any news?' } });
    await page.locator('.msg', { hasText: 'Any news?' }).waitFor();
    await item.locator('.badge').waitFor({ state: 'detached' });

    // The customer types (over their own WebSocket): the agent sees who.
    await page.evaluate(async ({ token, apiKey, conversationId, ms }) => {
      const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/api/v1/ws?${new URLSearchParams({ token, apiKey })}`);
      await new Promise((resolve, reject) => {
        socket.onmessage = (event) => JSON.parse(event.data).type === 'connection.ready' && resolve();
        socket.onerror = () => reject(new Error('the customer\'s socket failed'));
        setTimeout(() => reject(new Error('no connection.ready')), ms);
      });
      socket.send(JSON.stringify({ type: 'typing', data: { conversationId } }));
    }, { token: customerToken, apiKey: resource.apiKey, conversationId: ticket.id, ms: DEADLINE_MS });
    await page.locator('.typing', { hasText: 'Carla Reyes (customer) is typing' }).waitFor();

    // The site renames the customer: the queue and the ticket follow live (`user.updated`).
    await api(server.base, 'PATCH', `/users/${customer.id}`, { headers: secret, body: { displayName: 'Carla R.' } });
    await item.filter({ hasText: 'from Carla R.' }).waitFor();
    await page.getByRole('region', { name: 'Ticket' }).locator('.meta', { hasText: 'From Carla R.' }).waitFor();

    // The agent replies (keyboard only); the customer gets the answer.
    const reply = page.getByLabel('Reply');
    await reply.fill('Sorry about that: it ships today.');
    await reply.press('Enter');
    await page.locator('.msg.staff', { hasText: 'it ships today' }).waitFor();
    await waitFor(async () => {
      const history = await asCustomer('GET', `/support/conversations/${ticket.id}/messages`);
      return history.data.find((message) => message.content.text === 'Sorry about that: it ships today.' && message.isStaff);
    }, 'the reply in the customer\'s history', DEADLINE_MS);

    // Take it, then set its status and priority: the queue shows them.
    await page.getByRole('button', { name: 'Take' }).click();
    await page.getByRole('button', { name: 'Assigned to you' }).waitFor();
    const detail = page.getByRole('region', { name: 'Ticket' });
    await detail.getByLabel('Status').selectOption('resolved');
    await page.locator(`.ticket[data-ticket-id="${ticket.id}"][data-status="resolved"]`).waitFor();
    await detail.getByLabel('Priority').selectOption('high');
    await page.locator(`.ticket[data-ticket-id="${ticket.id}"][data-priority="high"]`).filter({ hasText: 'assigned to me' }).waitFor();
    const stored = await asCustomer('GET', `/support/conversations/${ticket.id}`);
    assert.equal(stored.status, 'resolved');
    assert.equal(stored.priority, 'high');
    assert.equal(stored.assigneeId, agent.id);
    await screenshot(page, 'console-ticket.png');

    // The filters: open tickets leave it out, resolved high ones of mine list it.
    const filters = page.getByRole('search', { name: 'Filter tickets' });
    await filters.getByLabel('Status').selectOption('open');
    await page.getByText('0 tickets').waitFor();
    await filters.getByLabel('Status').selectOption('resolved');
    await filters.getByLabel('Priority').selectOption('high');
    await filters.getByLabel('Assignee').selectOption({ label: 'Me' });
    await item.waitFor();
    await page.getByText('1 ticket', { exact: true }).waitFor();

    // The dashboard shows the resource's counts.
    await page.getByRole('button', { name: 'Dashboard' }).click();
    await page.locator('.stat', { hasText: 'resolved tickets' }).locator('dd', { hasText: '1' }).waitFor();
    await screenshot(page, 'console-dashboard.png');

    // A reload keeps the session (sessionStorage); signing out forgets it.
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.deepEqual(pageErrors, [], 'uncaught errors in the console');
  } catch (error) {
    const shown = await page.evaluate(() => document.body.innerText).catch((e) => `(unreadable: ${e.message})`);
    error.message += `\n=== the console showed ===\n${shown}\nconsole:\n${consoleLog.join('\n')}\nserver log (end):\n${server.log.slice(-3000)}`;
    throw error;
  } finally {
    await context.close();
  }
});

test('an admin pages through the queue and assigns a ticket to a staff member picked from a list', async () => {
  const resourceId = `desk_${randomBytes(3).toString('hex')}`;
  const resource = await api(server.base, 'POST', '/resources', {
    headers: { 'x-operator-key': OPERATOR_KEY },
    body: { resourceId, allowedOrigins: ['https://desk.example'] },
  });
  const secret = { 'x-api-key': resource.apiKey, 'x-api-secret': resource.apiSecret };
  const newUser = (username, role, displayName) =>
    api(server.base, 'POST', '/users', { headers: secret, body: { username, email: `${username}@example.com`, role, displayName } });
  const tokenOf = async (user) =>
    (await api(server.base, 'POST', '/users/chat-token', { headers: secret, body: { userId: user.id } })).chatToken;
  const customer = await newUser('dora', 'user');
  const customerToken = await tokenOf(customer);
  const admin = await newUser('ada_admin', 'admin');
  const kim = await newUser('kim_staff', 'staff', 'Kim Lee');
  const lee = await newUser('lee_moderator', 'moderator');
  await newUser('ursula', 'user');
  // 23 tickets: a first page of 20 and a second of 3 (newest activity first).
  const tickets = [];
  for (let i = 1; i <= 23; i += 1) {
    tickets.push(await api(server.base, 'POST', '/support/conversations', {
      headers: { 'x-api-key': resource.apiKey, authorization: `Bearer ${customerToken}` },
      body: { subject: `Question ${i}`, initialMessage: `Question number ${i}` },
    }));
  }

  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(DEADLINE_MS);
  const page = await context.newPage();
  const consoleLog = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => consoleLog.push(`${message.type()}: ${message.text()}`));
  try {
    await page.goto(`${server.base}/console`);
    await page.getByLabel('API key').fill(resource.apiKey);
    await page.getByLabel('Chat token').fill(await tokenOf(admin));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    // Paging: 20 on the first page, newest first; the rest on the second.
    const items = page.locator('.queue .ticket');
    const pager = page.getByRole('navigation', { name: 'Queue pages' });
    await page.getByText('23 tickets').waitFor();
    await pager.getByText('Page 1 of 2').waitFor();
    assert.equal(await items.count(), 20);
    assert.equal(await items.first().locator('.subject').textContent(), 'Question 23');
    assert.equal(await pager.getByRole('button', { name: 'Previous page' }).isDisabled(), true);
    await pager.getByRole('button', { name: 'Next page' }).click();
    await pager.getByText('Page 2 of 2').waitFor();
    await items.nth(2).filter({ hasText: 'Question 1' }).waitFor();
    assert.equal(await items.count(), 3);
    assert.deepEqual(await items.locator('.subject').allTextContents(), ['Question 3', 'Question 2', 'Question 1']);
    assert.equal(await pager.getByRole('button', { name: 'Next page' }).isDisabled(), true);

    // The staff picker lists the resource's elevated users (not its customers), by display name
    // (else username).
    await items.filter({ hasText: 'Question 2' }).click();
    const detail = page.getByRole('region', { name: 'Ticket' });
    await detail.getByRole('heading', { name: 'Question 2' }).waitFor();
    const picker = detail.getByLabel('Assign to');
    assert.deepEqual(await picker.locator('option').allTextContents(), ['Nobody', 'Me', 'Kim Lee (staff)', 'lee_moderator (moderator)']);
    await picker.selectOption({ label: 'Kim Lee (staff)' });
    await detail.getByRole('button', { name: 'Assign' }).click();
    await page.locator(`.ticket[data-ticket-id="${tickets[1].id}"]`).filter({ hasText: 'assigned to Kim Lee' }).waitFor();
    const stored = await api(server.base, 'GET', `/support/conversations/${tickets[1].id}`, {
      headers: { 'x-api-key': resource.apiKey, authorization: `Bearer ${customerToken}` },
    });
    assert.equal(stored.assigneeId, kim.id);
    // Reassigned to the moderator, then to nobody.
    await picker.selectOption({ label: 'lee_moderator (moderator)' });
    await detail.getByRole('button', { name: 'Assign' }).click();
    await detail.locator('.meta', { hasText: 'assigned to lee_moderator' }).waitFor();
    await picker.selectOption({ label: 'Nobody' });
    await detail.getByRole('button', { name: 'Assign' }).click();
    await detail.locator('.meta', { hasText: 'assigned to nobody' }).waitFor();
    await picker.selectOption({ label: 'Kim Lee (staff)' });
    await detail.getByRole('button', { name: 'Assign' }).click();
    await detail.locator('.meta', { hasText: 'assigned to Kim Lee' }).waitFor();
    await page.locator(`.ticket[data-ticket-id="${tickets[1].id}"]`).filter({ hasText: 'assigned to Kim Lee' }).waitFor();
    await screenshot(page, 'console-queue.png');

    // The assignee filter offers the same staff, and goes back to the first page.
    const filters = page.getByRole('search', { name: 'Filter tickets' });
    await filters.getByLabel('Assignee').selectOption({ label: 'Kim Lee (staff)' });
    await page.getByText('1 ticket', { exact: true }).waitFor();
    await pager.waitFor({ state: 'hidden' });
    assert.deepEqual(await items.locator('.subject').allTextContents(), ['Question 2']);
    await filters.getByLabel('Assignee').selectOption({ label: 'Anyone' });
    await pager.getByText('Page 1 of 2').waitFor();
    assert.deepEqual(pageErrors, [], 'uncaught errors in the console');
  } catch (error) {
    const shown = await page.evaluate(() => document.body.innerText).catch((e) => `(unreadable: ${e.message})`);
    error.message += `\n=== the console showed ===\n${shown}\nconsole:\n${consoleLog.join('\n')}\nserver log (end):\n${server.log.slice(-3000)}`;
    throw error;
  } finally {
    await context.close();
  }
});
