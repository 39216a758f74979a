// Set-up of the browser tests: a real ChatCloud server (as the SDK's tests start it), a host page
// on another origin served by a tiny HTTP server, users and tokens made over the REST API, and
// Debian's chromium driven by playwright-core.
import { createServer } from 'node:http';
import { createServer as createTcpServer, connect } from 'node:net';
import { readFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { TestServer, OPERATOR_KEY, api } from '../../js/test/server.mjs';

export { TestServer, api };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** How long a condition may take to come true in the browser. */
export const DEADLINE_MS = 15_000;

export const unique = (prefix) => `${prefix}_${randomBytes(3).toString('hex')}`;

/**
 * A static host page server on its own port (so its origin differs from the API's): `/<name>`
 * answers `pages[name]`, `/token/<name>` the token of `tokens[name]` (a site's token endpoint),
 * `/example` the repository's examples/widget.html, `/<name>` of `files` a `{ type, body }`.
 */
export async function hostServer() {
  const pages = new Map();
  const files = new Map();
  const tokens = new Map();
  const example = readFileSync(join(repoRoot, 'examples', 'widget.html'));
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://host').pathname;
    if (path === '/favicon.ico') return response.writeHead(204).end();
    if (path === '/example') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return response.end(example);
    }
    if (path.startsWith('/token/') && tokens.has(path.slice(7))) {
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ token: tokens.get(path.slice(7)) }));
    }
    if (files.has(path.slice(1))) {
      const file = files.get(path.slice(1));
      response.writeHead(200, { 'content-type': file.type });
      return response.end(file.body);
    }
    if (pages.has(path.slice(1))) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return response.end(pages.get(path.slice(1)));
    }
    response.writeHead(404).end();
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, pages, files, tokens, close: () => new Promise((done) => server.close(done)) };
}

/**
 * A TCP proxy in front of the API (HTTP and WebSocket alike) whose connectivity the test can cut:
 * `cut()` drops every open connection (the browser sees its WebSocket end abnormally, code 1006)
 * and refuses new ones until `restore()`. `refused` counts the connections refused meanwhile.
 */
export async function cuttableProxy(targetBase) {
  const target = new URL(targetBase);
  const open = new Set();
  let down = false;
  const proxy = {
    refused: 0,
    cut() {
      down = true;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    restore() {
      down = false;
    },
  };
  const server = createTcpServer((client) => {
    if (down) {
      proxy.refused += 1;
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  proxy.base = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () => {
    proxy.cut();
    return new Promise((done) => server.close(done));
  };
  return proxy;
}

/** A host page with the widget's script tag, its attributes as given, after the page's own `script`. */
export function hostPage(apiBase, attributes, { container = false, script = '' } = {}) {
  const data = Object.entries(attributes)
    .map(([name, value]) => ` data-${name}="${String(value).replace(/"/g, '&quot;')}"`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host page</title>
<style>body { font-family: sans-serif; margin: 0; padding: 16px; background: #f8fafc; } #chat { width: 380px; height: 560px; }</style>
</head><body><h1>A host page</h1>${container ? '<div id="chat"></div>' : ''}
${script ? `<script>${script}</script>` : ''}
<script src="${apiBase}/widget.js"${data}${container ? ' data-container="#chat"' : ''}></script>
</body></html>`;
}

/** The server, a resource that allows only the host page's origin, and the host server. */
export async function setup() {
  const server = new TestServer();
  await server.start();
  const host = await hostServer();
  const resourceId = unique('shop');
  const resource = await api(server.base, 'POST', '/resources', {
    headers: { 'x-operator-key': OPERATOR_KEY },
    body: { resourceId, allowedOrigins: [host.origin] },
  });
  const secretHeaders = { 'x-api-key': resource.apiKey, 'x-api-secret': resource.apiSecret };
  /** A user of the resource (a fresh one: each run has its own server and database). */
  async function user(username, role = 'user') {
    const created = await api(server.base, 'POST', '/users', {
      headers: secretHeaders,
      body: { username, email: `${username}@example.com`, role },
    });
    const { chatToken } = await api(server.base, 'POST', '/users/chat-token', {
      headers: secretHeaders,
      body: { userId: created.id },
    });
    host.tokens.set(username, chatToken);
    return { ...created, token: chatToken };
  }
  /** Calls the API as a user (a browser would send the same). */
  const as = (someone, method, path, body) =>
    api(server.base, method, path, {
      headers: { 'x-api-key': resource.apiKey, authorization: `Bearer ${someone.token}` },
      body,
    });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  /** Uncaught errors of the widget's pages: a test fails on any. */
  const pageErrors = [];
  /** The pages opened, with their console output, for the report of a failed test. */
  const pages = [];
  async function page() {
    const context = await browser.newContext({ viewport: { width: 900, height: 760 } });
    context.setDefaultTimeout(DEADLINE_MS);
    const opened = await context.newPage();
    const entry = { page: opened, console: [] };
    pages.push(entry);
    opened.on('pageerror', (error) => pageErrors.push(error.message));
    opened.on('console', (message) => entry.console.push(`${message.type()}: ${message.text()}`));
    return opened;
  }

  /** What each open page's widget shows and logged, and the server's log: for a failed test. */
  async function report() {
    const parts = [];
    for (const [index, entry] of pages.splice(0).entries()) {
      if (entry.page.isClosed()) continue;
      const shown = await entry.page
        .evaluate(() => document.querySelector('chatcloud-widget')?.shadowRoot?.querySelector('.panel')?.innerText ?? document.body.innerText)
        .catch((error) => `(unreadable: ${error.message})`);
      parts.push(`page ${index + 1} (${entry.page.url()}):\n${shown}\nconsole:\n${entry.console.join('\n')}`);
    }
    parts.push(`server log (end):\n${server.log.slice(-3000)}`);
    return parts.join('\n---\n');
  }

  /** A test body that, when it fails, adds `report()` to the error. */
  const diagnosed = (body) => async (t) => {
    try {
      await body(t);
      pages.length = 0;
    } catch (error) {
      error.message += `\n=== what the pages showed ===\n${await report()}`;
      throw error;
    }
  };
  async function dispose() {
    await browser.close();
    await host.close();
    await server.dispose();
  }
  return { server, host, resource, user, as, page, pageErrors, diagnosed, dispose };
}

/** Saves a screenshot of a locator or a whole page into SCREENSHOT_DIR (docs/images with `npm run screenshots`). */
export async function screenshot(locator, name) {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await locator.screenshot({ path: join(dir, name), animations: 'disabled' });
}
