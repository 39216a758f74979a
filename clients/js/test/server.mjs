// Starts a real ChatCloud server for the tests and the generated-types check: the debug binary
// (built with cargo unless CHATCLOUD_BIN names one), a temporary SQLite database, an operator key
// and a known JWT secret, on a free port of the loopback interface.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OPERATOR_KEY = 'sdk-test-operator-key';
export const JWT_SECRET = 'sdk-test-jwt-secret-at-least-32-bytes-long';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

let binary = null;

/** The chatcloud binary: CHATCLOUD_BIN, or the debug build (built now if needed). */
export function serverBinary() {
  if (binary) return binary;
  if (process.env.CHATCLOUD_BIN) {
    binary = process.env.CHATCLOUD_BIN;
    return binary;
  }
  execFileSync('cargo', ['build', '--quiet', '--bin', 'chatcloud'], { cwd: repoRoot, stdio: 'inherit' });
  const metadata = JSON.parse(
    execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    }).toString(),
  );
  binary = join(metadata.target_directory, 'debug', 'chatcloud');
  if (!existsSync(binary)) throw new Error(`no server binary at ${binary}`);
  return binary;
}

export class TestServer {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'chatcloud-sdk-'));
    this.databaseUrl = `sqlite://${join(this.dir, 'test.db')}`;
    this.bind = '127.0.0.1:0';
    this.child = null;
    this.base = null;
    this.log = '';
    /** Settings of every start. */
    this.env = {};
  }

  /** Starts the server (again on the same port and database after `stop`). */
  async start(extraEnv = {}) {
    const env = {
      ...process.env,
      CHATCLOUD_BIND: this.bind,
      CHATCLOUD_DATABASE_URL: this.databaseUrl,
      CHATCLOUD_OPERATOR_KEY: OPERATOR_KEY,
      CHATCLOUD_JWT_SECRET: JWT_SECRET,
      CHATCLOUD_SQLITE_SYNC: 'normal',
      CHATCLOUD_SHUTDOWN_TIMEOUT: '2',
      CHATCLOUD_RATE_LIMIT_PER_ADDRESS: '1000000',
      CHATCLOUD_RATE_LIMIT_PER_USER: '1000000',
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
      ...this.env,
      ...extraEnv,
    };
    const child = spawn(serverBinary(), ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr.on('data', (chunk) => {
      this.log += chunk;
    });
    const base = await new Promise((resolveBase, reject) => {
      let out = '';
      const onData = (chunk) => {
        out += chunk;
        const match = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (match) {
          child.stdout.off('data', onData);
          resolveBase(match[1]);
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${this.log}`)));
    });
    child.stdout.resume();
    this.base = base;
    this.bind = base.replace('http://', '');
    return base;
  }

  /** Stops the server as SIGTERM does (WebSockets get 1001) and waits for it to exit. */
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.child = null;
    await new Promise((done) => {
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  }

  async dispose() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits until `condition()` is truthy (it may be async); fails after `ms` with `what`. */
export async function waitFor(condition, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Calls the API and answers `data` of the envelope; throws on an error status. */
export async function api(base, method, path, { headers = {}, body } = {}) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json.data;
}
