// Shared test set-up: a real server, a resource made through the operator API, users and tokens
// through the SDK itself, and waiting on conditions (never on time alone).
import { createHmac, randomBytes } from 'node:crypto';
import { ChatCloud } from '../dist/index.js';
import { TestServer, OPERATOR_KEY, JWT_SECRET, waitFor } from './server.mjs';

export { TestServer, waitFor };

let counter = 0;
/** A unique name for users and resources of one run. */
export function unique(prefix) {
  counter += 1;
  return `${prefix}${counter}_${randomBytes(3).toString('hex')}`;
}

/** A started server with one `secret` resource and an SDK client holding its key and secret. */
export async function setup() {
  const server = new TestServer();
  // A heartbeat every second, so a revocation ends sockets quickly.
  server.env = { CHATCLOUD_WS_HEARTBEAT: '1' };
  await server.start();
  const operator = new ChatCloud({ baseUrl: server.base, operatorKey: OPERATOR_KEY });
  const resourceId = unique('site.');
  const resource = await operator.resources.create({ resourceId, tokenIssuance: 'secret' });
  const backend = new ChatCloud({
    baseUrl: server.base,
    apiKey: resource.apiKey,
    apiSecret: resource.apiSecret,
  });
  return { server, operator, resource, backend, resourceId };
}

/** Creates a user with the secret and answers `{user, token}`. */
export async function makeUser(backend, role = 'user') {
  const username = unique('u');
  const user = await backend.users.create({ username, email: `${username}@example.com`, role });
  const { chatToken } = await backend.users.chatToken(user.id);
  return { user, token: chatToken };
}

/** A browser-side client of a user: the public key and the user's token. */
export function clientOf(server, resource, token, extra = {}) {
  return new ChatCloud({ baseUrl: server.base, apiKey: resource.apiKey, token, ...extra });
}

const b64 = (value) => Buffer.from(value).toString('base64url');

/** A chat token signed with the server's JWT secret, expiring `ttlSeconds` from now. */
export function signToken({ userId, resourceId, ttlSeconds, version = 0 }) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = b64(
    JSON.stringify({
      sub: userId,
      rid: resourceId,
      iat: now,
      exp: now + ttlSeconds,
      jti: randomBytes(12).toString('hex'),
      ver: version,
    }),
  );
  const signature = createHmac('sha256', JWT_SECRET).update(`${header}.${claims}`).digest('base64url');
  return `${header}.${claims}.${signature}`;
}

/**
 * The platform WebSocket, wrapped so a test can see every socket the SDK opens, cut one, and
 * drop or repeat incoming frames as a lossy network or a buggy proxy would.
 */
export function controlledWebSocket() {
  const control = {
    sockets: [],
    /** `(frame) => 'pass' | 'drop' | 'repeat'` for each incoming frame. */
    filter: null,
    get current() {
      return this.sockets[this.sockets.length - 1];
    },
  };
  class ControlledWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      control.sockets.push(this);
    }

    get onmessage() {
      return super.onmessage;
    }

    set onmessage(handler) {
      super.onmessage = (event) => {
        const action = control.filter?.(JSON.parse(event.data)) ?? 'pass';
        if (action === 'drop') return;
        handler(event);
        if (action === 'repeat') handler(event);
      };
    }
  }
  return { WebSocket: ControlledWebSocket, control };
}
