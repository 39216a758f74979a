/**
 * The transport: one `fetch` per call, the envelope unwrapped, failures turned into
 * `ChatCloudError`, and the chat token renewed through the site's callback when it expires.
 */
import { ChatCloudError, parseRetryAfter } from './errors.js';

/** Why the SDK asks the site for a chat token. */
export type TokenRequestReason =
  /** The token's `exp` passed (`token_expired`): issue a fresh one. */
  | 'expired'
  /** The server refused the token (`invalid_token`): asked once, in case the site re-issued it. */
  | 'invalid'
  /** The user's tokens were revoked (WebSocket close 4001); none may come for a banned user. */
  | 'revoked';

/**
 * Asks the site's own server for a chat token (the site issues it with its secret). Answer the
 * new token, or `null` when none can be had (the SDK then stops using the old one).
 */
export type TokenProvider = (reason: TokenRequestReason) => Promise<string | null> | string | null;

export interface TransportOptions {
  /** The server's origin, e.g. `https://chat.example.com` (the SDK adds `/api/v1`). */
  baseUrl: string;
  /** The resource's public API key (`x-api-key`). */
  apiKey?: string;
  /** The resource's secret (`x-api-secret`): only on the site's own server, never in a browser. */
  apiSecret?: string;
  /** The operator key (`x-operator-key`) for the operator API. */
  operatorKey?: string;
  /** The user's chat token. */
  token?: string | null;
  /** Called for a new token on `token_expired` (and once on `invalid_token`). */
  getToken?: TokenProvider;
  /** A `fetch` to use instead of the platform's. */
  fetch?: typeof fetch;
}

/** Which credentials a request sends. */
export interface AuthSpec {
  key?: boolean;
  token?: boolean;
  secret?: boolean;
  operator?: boolean;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under `/api/v1`, already encoded. */
  path: string;
  query?: object;
  body?: unknown;
  headers?: Record<string, string>;
  auth: AuthSpec;
  signal?: AbortSignal;
}

/** Encodes one path segment (ids are hex, but user input may be anything). */
export const seg = (value: string): string => encodeURIComponent(value);

export class Transport {
  readonly baseUrl: string;
  apiKey: string | undefined;
  apiSecret: string | undefined;
  operatorKey: string | undefined;
  private currentToken: string | null;
  private readonly getToken: TokenProvider | undefined;
  private readonly fetchImpl: typeof fetch;
  private renewal: Promise<string | null> | null = null;
  /** Whether the site was already asked after an `invalid_token`, with no success since. */
  private invalidAsked = false;
  private readonly tokenListeners = new Set<(token: string | null) => void>();

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.apiSecret = options.apiSecret;
    this.operatorKey = options.operatorKey;
    this.currentToken = options.token ?? null;
    this.getToken = options.getToken;
    const platformFetch = options.fetch ?? globalThis.fetch;
    if (typeof platformFetch !== 'function') {
      throw new TypeError('no fetch: pass options.fetch on a platform without one');
    }
    this.fetchImpl = platformFetch.bind(globalThis);
  }

  get token(): string | null {
    return this.currentToken;
  }

  /** Replaces the chat token (for instance after the user logs in as someone else). */
  setToken(token: string | null): void {
    this.invalidAsked = false;
    this.useToken(token);
  }

  private useToken(token: string | null): void {
    this.currentToken = token;
    for (const listener of this.tokenListeners) listener(token);
  }

  /** The current token was accepted: a later `invalid_token` may be asked about again. */
  tokenWorked(): void {
    this.invalidAsked = false;
  }

  onToken(listener: (token: string | null) => void): () => void {
    this.tokenListeners.add(listener);
    return () => this.tokenListeners.delete(listener);
  }

  /**
   * Asks the site for a new token after the server refused the current one with `code`; the
   * new token, or `null` when there is none to try (then the caller stops). Concurrent callers
   * share one request to the site. `invalid_token` is asked about once per refused token.
   */
  async renewToken(code: 'token_expired' | 'invalid_token' | 'revoked'): Promise<string | null> {
    const refused = this.currentToken;
    if (!this.getToken) return null;
    if (code === 'invalid_token') {
      if (this.invalidAsked) return null;
      this.invalidAsked = true;
    }
    if (!this.renewal) {
      const reason = code === 'token_expired' ? 'expired' : code === 'invalid_token' ? 'invalid' : 'revoked';
      const provider = this.getToken;
      this.renewal = (async () => {
        try {
          return (await provider(reason)) ?? null;
        } catch {
          return null;
        } finally {
          this.renewal = null;
        }
      })();
    }
    const fresh = await this.renewal;
    if (fresh === null || fresh === refused) return null;
    if (this.currentToken === refused) this.useToken(fresh);
    return this.currentToken;
  }

  /** `GET /healthz` (outside `/api/v1`): whether the server process answers. */
  async healthy(): Promise<boolean> {
    try {
      return (await this.fetchImpl(`${this.baseUrl}/healthz`)).ok;
    } catch {
      return false;
    }
  }

  url(path: string, query?: object): string {
    let url = `${this.baseUrl}/api/v1${path}`;
    if (query) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query) as [string, QueryValue][]) {
        if (value !== undefined && value !== null) params.append(name, String(value));
      }
      const text = params.toString();
      if (text) url += `?${text}`;
    }
    return url;
  }

  /** Performs a request and answers the envelope's `data`; throws `ChatCloudError`. */
  async request<T>(spec: RequestSpec): Promise<T> {
    const answer = await this.send(spec);
    if (answer.ok) {
      if (spec.auth.token) this.tokenWorked();
      return answer.data as T;
    }
    const error = answer.error;
    const code = error.code;
    if (spec.auth.token && (code === 'token_expired' || code === 'invalid_token')) {
      const fresh = await this.renewToken(code as 'token_expired' | 'invalid_token');
      if (fresh !== null) {
        const retried = await this.send(spec);
        if (retried.ok) {
          this.tokenWorked();
          return retried.data as T;
        }
        throw retried.error;
      }
    }
    throw error;
  }

  private headers(spec: RequestSpec): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', ...spec.headers };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    if (spec.auth.key && this.apiKey) headers['x-api-key'] = this.apiKey;
    if (spec.auth.secret && this.apiSecret) headers['x-api-secret'] = this.apiSecret;
    if (spec.auth.operator && this.operatorKey) headers['x-operator-key'] = this.operatorKey;
    if (spec.auth.token && this.currentToken) headers.authorization = `Bearer ${this.currentToken}`;
    return headers;
  }

  private async send(
    spec: RequestSpec,
  ): Promise<{ ok: true; data: unknown } | { ok: false; error: ChatCloudError }> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(spec.path, spec.query), {
        method: spec.method,
        headers: this.headers(spec),
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: spec.signal,
      });
    } catch (cause) {
      if (spec.signal?.aborted) throw cause;
      const message = cause instanceof Error ? cause.message : String(cause);
      return {
        ok: false,
        error: new ChatCloudError({ status: 0, code: 'network_error', message, cause }),
      };
    }
    const requestId = response.headers.get('x-request-id');
    let body: unknown = null;
    const text = await response.text();
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    const envelope = (body ?? {}) as { success?: boolean; data?: unknown; code?: string; message?: string };
    if (response.ok && envelope.success === true) return { ok: true, data: envelope.data };
    if (response.ok) return { ok: true, data: body };
    return {
      ok: false,
      error: new ChatCloudError({
        status: response.status,
        code: envelope.code ?? `http_${response.status}`,
        message: envelope.message ?? (response.statusText || `HTTP ${response.status}`),
        retryAfter: parseRetryAfter(response.headers.get('retry-after')),
        requestId,
      }),
    };
  }
}
