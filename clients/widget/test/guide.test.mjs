// The integration guide (docs/INTEGRATION.md) as a reader follows it: its shell blocks after
// step 1 (running the server and setting the variables, which the test does itself) run as
// written with bash, curl and jq, in an empty directory, against a fresh server: they write the
// site (Node, and again Python) and its page, start the site (which makes its users under its own
// ids), check its token endpoint and print one address per person, then make the support agent
// by its external id and print the agent's token. No block keeps an id of ChatCloud's. Then Maria
// and Tom open those addresses in headless chromium (two contexts: no shared cookies) and chat
// live through the widget on the page, which opens the chat by `ext:` and shows display names.
// Every wait is on a condition with a deadline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { TestServer, OPERATOR_KEY, api } from '../../js/test/server.mjs';
import { CHROMIUM, DEADLINE_MS, unique, screenshot } from './helpers.mjs';

const guidePath = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/INTEGRATION.md');

/** The guide's ```sh blocks, in order. */
function shellBlocks() {
  const text = readFileSync(guidePath, 'utf8');
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

/** A free port on the loopback interface (for the site; the resource must allow its origin). */
async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** Runs a bash script to its end (not waiting for the background jobs it leaves running). */
function bash(script, { cwd, env }) {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, out, err }));
  });
}

let server;
let browser;
before(async () => {
  server = new TestServer();
  await server.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
});
after(async () => {
  await browser?.close();
  await server?.dispose();
});

/** Follows the guide with the Node site, or the Python one (the start command the guide names). */
async function followTheGuide(site) {
  const blocks = shellBlocks();
  assert.match(blocks[0], /serve/, 'step 1 runs the server');
  assert.match(blocks[1], /^KEY=pk_\.\.\./m, 'then come the variables');
  for (const block of blocks.slice(2)) {
    assert.doesNotMatch(block, /\buserId\b|\.data\.id\b/, 'the guide names users by the site\'s own ids only');
  }
  const start = blocks.findIndex((block) => /node site\.mjs &/.test(block));
  assert.ok(start > 1, 'a block starts the Node site');
  const startCommand = site === 'python' ? blocks[start].replace('node site.mjs', 'python3 site.py') : blocks[start];
  if (site === 'python') assert.notEqual(startCommand, blocks[start], 'the Python site started instead');
  // After starting the site, the script waits until it answers (a reader switches windows) and
  // says which process to stop at the end.
  const script = [
    ...blocks.slice(2, start),
    startCommand,
    'SITE_PID=$!; echo "site pid: $SITE_PID"',
    'for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done',
    ...blocks.slice(start + 1),
  ].join('\n');

  const port = await freePort();
  const siteOrigin = `http://127.0.0.1:${port}`;
  // A resource like the demo's, except that it allows only the site's origin (what the guide's
  // "For a real site" advises), so the test also proves the page's requests come from there.
  const resource = await api(server.base, 'POST', '/resources', {
    headers: { 'x-operator-key': OPERATOR_KEY },
    body: { resourceId: unique('guide'), allowedOrigins: [siteOrigin] },
  });
  const dir = mkdtempSync(join(tmpdir(), 'chatcloud-guide-'));
  let sitePid = null;
  try {
    const run = await bash(script, {
      cwd: dir,
      env: { KEY: resource.apiKey, SECRET: resource.apiSecret, CHATCLOUD: server.base, PORT: String(port) },
    });
    sitePid = Number(/site pid: (\d+)/.exec(run.out)?.[1]) || null;
    assert.equal(run.code, 0, `the guide's blocks failed:\n${run.err}\n${run.out}`);
    assert.match(run.out, /^"eyJ[\w-]+\.[\w-]+\.[\w-]+"$/m, 'the token endpoint answers a token');
    assert.match(run.out, /^\{"externalId":"maria","username":"maria","displayName":"Maria Garcia"\}$/m, 'Maria, upserted by her id');
    assert.match(run.out, /^\{"externalId":"sam","username":"support_sam","role":"staff"\}$/m, 'the agent, made by its id');
    // Tom never asked for a token: the site made him at start, so Maria can message him.
    const secret = { 'x-api-key': resource.apiKey, 'x-api-secret': resource.apiSecret };
    const tomUser = await api(server.base, 'GET', '/users/by-external-id/tom', { headers: secret });
    assert.equal(tomUser.displayName, 'Tom Baker');
    const maria = /^Maria: (\S+)$/m.exec(run.out)?.[1];
    const tom = /^Tom: +(\S+)$/m.exec(run.out)?.[1];
    assert.ok(maria && tom, `two addresses printed:\n${run.out}`);
    assert.ok(maria.startsWith(siteOrigin) && tom.startsWith(siteOrigin));
    assert.match(run.out, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/m, 'the agent\'s token');
    await chat(maria, tom, site);
  } finally {
    if (sitePid) {
      try {
        process.kill(sitePid);
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Maria and Tom, in two browser contexts, chat through the widget on the guide's page. */
async function chat(mariaUrl, tomUrl, site) {
  const errors = [];
  const open = async (url) => {
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    context.setDefaultTimeout(DEADLINE_MS);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    return page;
  };
  const maria = await open(mariaUrl);
  const tom = await open(tomUrl);
  try {
    // Maria's address names Tom: her widget opens their conversation; she writes.
    const mariaInput = maria.getByLabel('Message', { exact: true });
    await mariaInput.fill('Hi Tom, is the bike still for sale?');
    await mariaInput.press('Enter');
    await maria.locator('.msg.mine', { hasText: 'still for sale' }).waitFor();

    // Tom's chat button counts it; he opens the conversation and answers.
    await tom.getByRole('button', { name: 'Open chat, 1 unread' }).click();
    await maria.getByRole('heading', { name: 'Tom Baker' }).waitFor();
    await tom.getByRole('button', { name: /Maria Garcia/ }).click();
    await tom.locator('.msg', { hasText: 'still for sale' }).waitFor();
    await maria.locator('.msg.mine[data-read="true"]', { hasText: 'still for sale' }).waitFor();
    const tomInput = tom.getByLabel('Message', { exact: true });
    await tomInput.pressSequentially('Yes it is');
    await maria.getByText('Tom Baker is typing').waitFor();
    await tomInput.press('Enter');
    await maria.locator('.msg', { hasText: 'Yes it is' }).waitFor();
    await tom.locator('.msg.mine[data-read="true"]', { hasText: 'Yes it is' }).waitFor();
    if (site === 'node') await screenshot(maria, 'integration-page.png');
    assert.deepEqual(errors, [], 'uncaught errors in the pages');
  } catch (error) {
    const shown = async (page) =>
      page.evaluate(() => document.querySelector('chatcloud-widget')?.shadowRoot?.querySelector('.panel')?.innerText ?? document.body.innerText)
        .catch((e) => `(unreadable: ${e.message})`);
    error.message += `\n=== Maria's page ===\n${await shown(maria)}\n=== Tom's page ===\n${await shown(tom)}\nserver log (end):\n${server.log.slice(-3000)}`;
    throw error;
  } finally {
    await maria.context().close();
    await tom.context().close();
  }
}

test('the integration guide, with the Node site: two people chat on the page', () => followTheGuide('node'));

test('the integration guide, with the Python site: two people chat on the page', () => followTheGuide('python'));
