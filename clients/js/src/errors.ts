/**
 * Errors of the ChatCloud API. Every failed request becomes a `ChatCloudError` carrying the
 * server's stable `code`, the HTTP `status`, the human `message`, and `retryAfter` (seconds, from
 * `Retry-After`) when the server said when to retry.
 */

/** The `code`s the server documents (docs/API.md), plus the SDK's own `network_error`. */
export type ErrorCode =
  | 'invalid_body'
  | 'invalid_query'
  | 'invalid_path'
  | 'invalid_cursor'
  | 'message_deleted'
  | 'missing_api_key'
  | 'invalid_api_key'
  | 'missing_token'
  | 'invalid_token'
  | 'token_expired'
  | 'missing_operator_key'
  | 'invalid_operator_key'
  | 'secret_required'
  | 'resource_mismatch'
  | 'origin_not_allowed'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'rate_limited'
  | 'headers_too_large'
  | 'internal_error'
  | 'timeout'
  | 'overloaded'
  | 'storage_full'
  | 'storage_unavailable'
  | 'websocket_required'
  | 'not_ready'
  | 'network_error'
  | (string & {});

export class ChatCloudError extends Error {
  override readonly name = 'ChatCloudError';
  /** HTTP status; 0 when no answer came (network failure). */
  readonly status: number;
  /** The server's stable, snake_case reason. */
  readonly code: ErrorCode;
  /** Seconds to wait before retrying, from `Retry-After` (429 and some 503s). */
  readonly retryAfter: number | null;
  /** The `x-request-id` of the failed request, for the server's logs. */
  readonly requestId: string | null;

  constructor(init: {
    status: number;
    code: ErrorCode;
    message: string;
    retryAfter?: number | null;
    requestId?: string | null;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.retryAfter = init.retryAfter ?? null;
    this.requestId = init.requestId ?? null;
  }

  /** Whether retrying the same request later may succeed (429, 503, network failures). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 503;
  }
}

/** Parses `Retry-After`: seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
