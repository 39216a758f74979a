/**
 * The real-time client: one WebSocket to `/api/v1/ws`, kept open across drops.
 *
 * - Reconnects with exponential backoff and full jitter, and acts on each close code the server
 *   documents (docs/API.md): 1001 and 4000 reconnect soon, 1013 and dead sockets back off, 1008
 *   stops, 4001 asks the site for a new token and stops when none comes.
 * - A handshake that fails before `connection.ready` is diagnosed with one REST call: on
 *   `token_expired` the site's token callback is asked for a new token (once more on
 *   `invalid_token`, in case the site re-issued it), then the client stops.
 * - Delivers each conversation's messages once, in `seq` order: a message past a gap waits while
 *   the gap is fetched with `afterSeq`; after every (re)connect the tracked conversations catch up
 *   the same way before any live event is delivered. Duplicates are dropped by message id.
 * - Keeps the caller's unread count per conversation and the total equal to the server's:
 *   resynchronised from `GET /users/me/unread` on every (re)connect, then moved by each message
 *   past the server's count (the other side's: one more; one's own side's: zero, as sending
 *   reads) and re-read after a read receipt.
 */
import type { ChatCloud } from './client.js';
import { ChatCloudError } from './errors.js';
import type { Message, MyUnread, UnreadCount, UserProfile } from './types.js';

export type ConversationKind = 'p2p' | 'support';

/** `conversation.*` and `ticket.*` events: a summary; fetch the conversation for the rest. */
export interface ConversationSummary {
  id: string;
  type: ConversationKind;
  status: string;
  lastSeq: number;
  messageCount: number;
  updatedAt: string;
}

export interface ReadReceipt {
  conversationId: string;
  userId: string;
  lastReadSeq: number;
  unreadCount: number;
}

export interface TypingEvent {
  conversationId: string;
  userId: string;
}

export interface PresenceEvent {
  userId: string;
  online: boolean;
}

export interface UnreadState {
  /** The caller's unread messages over every conversation and ticket, as the server counts. */
  total: number;
  /** Per conversation or ticket id, those with unread messages. */
  conversations: Record<string, number>;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface StateChange {
  state: ConnectionState;
  /** Why the client stopped or reconnects: a close code's meaning or an error code. */
  reason?: string;
  /** The WebSocket close code, when a close caused the change. */
  code?: number;
  /** Milliseconds until the next attempt, when reconnecting. */
  retryInMs?: number;
}

export interface RealtimeEvents {
  /** A new message, once, in seq order within its conversation. */
  message: Message;
  'message.updated': Message;
  'message.deleted': Message;
  'conversation.created': ConversationSummary;
  'conversation.updated': ConversationSummary;
  'ticket.created': ConversationSummary;
  'ticket.updated': ConversationSummary;
  read: ReadReceipt;
  typing: TypingEvent;
  presence: PresenceEvent;
  /** A user who shares a conversation with the caller changed their name or avatar. */
  'user.updated': UserProfile;
  /** The unread counts changed. */
  unread: UnreadState;
  state: StateChange;
  /** The server refused a client frame (`error` frame), e.g. `rate_limited`. */
  error: { code: string; message: string };
  /** Caught up after a (re)connect: every tracked conversation is current. */
  synced: { userId: string };
}

type Listener<T> = (value: T) => void;

export interface RealtimeOptions {
  /** A WebSocket constructor (the platform's by default). */
  WebSocket?: typeof WebSocket;
  /** First reconnect delay in ms (500) and the most it grows to (30,000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** At most one `typing` frame per conversation per this many ms (3,000). */
  typingIntervalMs?: number;
  /** Page size of catch-up requests (100, the server's maximum). */
  catchUpPageSize?: number;
  /** Randomness of the jitter (`Math.random`). */
  random?: () => number;
}

interface Track {
  id: string;
  kind: ConversationKind;
  /** The last seq delivered (null: nothing yet; deliver from the next message on). */
  lastSeq: number | null;
  /** The caller's unread count here, and the seq the server had counted through. */
  unread: number;
  /** null: not known since the last resync; the next message fetches it. */
  countedThrough: number | null;
  /** A moderator observing a chat they are not in: no unread count of their own. */
  observer: boolean;
  /** Tickets: whether the caller answers as staff (not the customer). */
  staffSide: boolean | null;
}

type Frame = { type: string; data: unknown };

const SEEN_IDS = 10_000;

export class RealtimeClient {
  private readonly api: ChatCloud;
  private readonly WebSocketImpl: typeof WebSocket;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly typingIntervalMs: number;
  private readonly pageSize: number;
  private readonly random: () => number;

  private readonly listeners = new Map<keyof RealtimeEvents, Set<Listener<never>>>();
  private readonly tracks = new Map<string, Track>();
  private readonly seen = new Set<string>();
  private readonly typingSent = new Map<string, number>();
  /** Unread messages the server counts beyond the conversations it listed. */
  private unlisted = 0;

  private socket: WebSocket | null = null;
  private generation = 0;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private currentState: ConnectionState = 'idle';
  private me: { id: string; elevated: boolean } | null = null;
  private userId: string | null = null;

  constructor(api: ChatCloud, options: RealtimeOptions = {}) {
    this.api = api;
    const Impl = options.WebSocket ?? (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
    if (typeof Impl !== 'function') {
      throw new TypeError('no WebSocket: pass options.WebSocket on a platform without one');
    }
    this.WebSocketImpl = Impl;
    this.initialMs = options.backoff?.initialMs ?? 500;
    this.maxMs = options.backoff?.maxMs ?? 30_000;
    this.typingIntervalMs = options.typingIntervalMs ?? 3_000;
    this.pageSize = options.catchUpPageSize ?? 100;
    this.random = options.random ?? Math.random;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The unread counts as the server has them. */
  get unread(): UnreadState {
    const conversations: Record<string, number> = {};
    let total = this.unlisted;
    for (const track of this.tracks.values()) {
      if (track.unread > 0) conversations[track.id] = track.unread;
      total += track.unread;
    }
    return { total, conversations };
  }

  /** The caller's unread count in one conversation (0 if unknown). */
  unreadCount(conversationId: string): number {
    return this.tracks.get(conversationId)?.unread ?? 0;
  }

  /** The last seq delivered in a conversation, or null. */
  lastSeq(conversationId: string): number | null {
    return this.tracks.get(conversationId)?.lastSeq ?? null;
  }

  on<K extends keyof RealtimeEvents>(type: K, listener: Listener<RealtimeEvents[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /**
   * Follows a conversation from `lastSeq` on (the last message the app has shown, 0 for none):
   * every later message is delivered, after a drop too. Messages of conversations not tracked
   * are delivered from the first one that arrives.
   */
  track(conversationId: string, kind: ConversationKind, lastSeq: number): void {
    const track = this.trackOf(conversationId, kind);
    if (track.lastSeq === null || lastSeq > track.lastSeq) track.lastSeq = lastSeq;
  }

  untrack(conversationId: string): void {
    this.tracks.delete(conversationId);
  }

  /** Opens the connection (and keeps it open until `close`). */
  connect(): void {
    if (this.currentState !== 'idle' && this.currentState !== 'stopped') return;
    this.attempt = 0;
    this.open('connecting');
  }

  /** Closes the connection for good. */
  close(): void {
    this.clearTimer();
    this.generation += 1;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= 1) socket.close(1000, 'client closed');
    this.setState({ state: 'stopped', reason: 'closed' });
  }

  /**
   * Tells the others in the conversation that the user is typing, at most once per
   * `typingIntervalMs` per conversation; `true` if a frame was sent.
   */
  typing(conversationId: string): boolean {
    const now = Date.now();
    const last = this.typingSent.get(conversationId);
    if (last !== undefined && now - last < this.typingIntervalMs) return false;
    if (!this.socket || this.socket.readyState !== 1 || this.currentState !== 'open') return false;
    this.socket.send(JSON.stringify({ type: 'typing', data: { conversationId } }));
    this.typingSent.set(conversationId, now);
    return true;
  }

  // -- the connection --------------------------------------------------------------------------

  private wsUrl(): string {
    const base = this.api.http.baseUrl.replace(/^http/, 'ws');
    const params = new URLSearchParams();
    params.set('token', this.api.http.token ?? '');
    params.set('apiKey', this.api.http.apiKey ?? '');
    return `${base}/api/v1/ws?${params}`;
  }

  private open(state: 'connecting' | 'reconnecting'): void {
    this.clearTimer();
    const generation = ++this.generation;
    this.setState({ state });
    let ready = false;
    let socket: WebSocket;
    try {
      socket = new this.WebSocketImpl(this.wsUrl());
    } catch (error) {
      this.schedule('backoff', error instanceof Error ? error.message : 'connect_failed');
      return;
    }
    this.socket = socket;
    socket.onmessage = (event: MessageEvent) => {
      if (generation !== this.generation) return;
      let frame: Frame;
      try {
        frame = JSON.parse(String(event.data)) as Frame;
      } catch {
        return;
      }
      if (frame.type === 'connection.ready') ready = true;
      this.enqueue(() => this.process(frame, generation));
    };
    let opened = false;
    let ended = false;
    const end = (code: number, reason: string) => {
      if (ended || generation !== this.generation) return;
      ended = true;
      this.socket = null;
      this.enqueue(() => this.closed(code, reason, ready));
    };
    socket.onopen = () => {
      opened = true;
    };
    socket.onclose = (event: CloseEvent) => end(event.code, event.reason);
    socket.onerror = () => {
      // Browsers follow an error with a close event; some implementations (Node 20's) do not
      // when the handshake itself fails, so a socket that never opened ends here.
      if (!opened) {
        try {
          socket.close();
        } catch {
          // Not open: nothing to close.
        }
        end(1006, '');
      }
    };
  }

  private enqueue(step: () => Promise<void> | void): void {
    this.chain = this.chain.then(step).catch(() => undefined);
  }

  private async closed(code: number, reason: string, wasReady: boolean): Promise<void> {
    if (this.currentState === 'stopped') return;
    switch (code) {
      case 1008:
        return this.stop('too_many_connections', code);
      case 4001: {
        const token = await this.api.http.renewToken('revoked');
        if (token === null) return this.stop('token_revoked', code);
        return this.schedule('now', 'token_revoked', code);
      }
      case 1001:
      case 4000:
        return this.schedule('soon', reason || (code === 1001 ? 'going_away' : 'slow_consumer'), code);
      case 1009:
      case 1013:
        return this.schedule('backoff', reason || 'try_again_later', code);
      default:
        if (wasReady) return this.schedule('backoff', 'connection_lost', code);
        return this.diagnose(code);
    }
  }

  /**
   * The handshake failed (a browser cannot see why): one REST call with the same credentials
   * says. It renews an expired token through the site's callback on the way.
   */
  private async diagnose(code: number): Promise<void> {
    try {
      await this.api.users.me();
    } catch (error) {
      if (error instanceof ChatCloudError) {
        if (error.code === 'token_expired' || error.code === 'invalid_token' || error.code === 'missing_token') {
          return this.stop(error.code, code);
        }
        if (error.status === 401 || error.status === 403 || error.status === 404) {
          return this.stop(error.code, code);
        }
        if (error.retryAfter !== null) {
          return this.schedule('backoff', error.code, code, error.retryAfter * 1000);
        }
        return this.schedule('backoff', error.code, code);
      }
    }
    return this.schedule('backoff', 'handshake_failed', code);
  }

  private schedule(
    how: 'now' | 'soon' | 'backoff',
    reason: string,
    code?: number,
    atLeastMs = 0,
  ): void {
    if (this.currentState === 'stopped') return;
    let delay: number;
    if (how === 'now') delay = 0;
    else if (how === 'soon') delay = Math.round(100 + this.random() * 900);
    else {
      const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
      delay = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
      this.attempt += 1;
    }
    delay = Math.max(delay, atLeastMs);
    this.setState({ state: 'reconnecting', reason, code, retryInMs: delay });
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.currentState === 'reconnecting') this.open('reconnecting');
    }, delay);
  }

  private stop(reason: string, code?: number): void {
    this.clearTimer();
    this.generation += 1;
    this.socket = null;
    this.setState({ state: 'stopped', reason, code });
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private setState(change: StateChange): void {
    this.currentState = change.state;
    this.emit('state', change);
  }

  private emit<K extends keyof RealtimeEvents>(type: K, value: RealtimeEvents[K]): void {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        (listener as Listener<RealtimeEvents[K]>)(value);
      } catch {
        // A listener's failure is the app's; the stream goes on.
      }
    }
  }

  // -- events ----------------------------------------------------------------------------------

  private async process(frame: Frame, generation: number): Promise<void> {
    if (generation !== this.generation) return;
    switch (frame.type) {
      case 'connection.ready':
        return this.ready((frame.data as { userId: string }).userId, generation);
      case 'message.new':
        return this.accept(frame.data as Message);
      case 'message.updated':
      case 'message.deleted':
        return this.emit(frame.type, frame.data as Message);
      case 'conversation.created':
      case 'conversation.updated':
      case 'ticket.created':
      case 'ticket.updated':
        return this.summary(frame.type, frame.data as ConversationSummary);
      case 'conversation.read':
        return this.receipt(frame.data as ReadReceipt);
      case 'typing':
        return this.emit('typing', frame.data as TypingEvent);
      case 'presence':
        return this.emit('presence', frame.data as PresenceEvent);
      case 'user.updated':
        return this.emit('user.updated', frame.data as UserProfile);
      case 'error':
        return this.emit('error', frame.data as { code: string; message: string });
      default:
        return;
    }
  }

  /** Registered: resynchronise the unread counts, then catch up every tracked conversation. */
  private async ready(userId: string, generation: number): Promise<void> {
    this.api.http.tokenWorked();
    this.attempt = 0;
    if (this.userId !== userId) {
      this.userId = userId;
      this.me = null;
    }
    try {
      const snapshot = await this.api.users.unread();
      this.resync(snapshot);
      for (const track of [...this.tracks.values()]) {
        if (generation !== this.generation) return;
        if (track.lastSeq !== null) await this.catchUp(track);
      }
    } catch (error) {
      if (generation !== this.generation) return;
      // Could not catch up: drop this socket and try again, rather than deliver past a gap.
      this.socket?.close(4999, 'catch-up failed');
      this.generation += 1;
      this.socket = null;
      const code = error instanceof ChatCloudError ? error.code : 'catch_up_failed';
      return this.schedule('backoff', code);
    }
    if (generation !== this.generation) return;
    this.setState({ state: 'open' });
    this.emit('synced', { userId });
    this.emit('unread', this.unread);
  }

  private resync(snapshot: MyUnread): void {
    for (const track of this.tracks.values()) {
      track.unread = 0;
      track.countedThrough = null;
    }
    let listed = 0;
    const entries: [ConversationKind, UnreadCount[]][] = [
      ['p2p', snapshot.conversations],
      ['support', snapshot.tickets],
    ];
    for (const [kind, list] of entries) {
      for (const entry of list) {
        const track = this.trackOf(entry.conversationId, kind);
        track.unread = entry.unreadCount;
        track.countedThrough = entry.lastSeq;
        listed += entry.unreadCount;
      }
    }
    this.unlisted = Math.max(0, snapshot.total - listed);
  }

  private trackOf(id: string, kind: ConversationKind): Track {
    let track = this.tracks.get(id);
    if (!track) {
      track = {
        id,
        kind,
        lastSeq: null,
        unread: 0,
        countedThrough: null,
        observer: false,
        staffSide: null,
      };
      this.tracks.set(id, track);
    }
    return track;
  }

  private routes(kind: ConversationKind) {
    return kind === 'p2p' ? this.api.p2p : this.api.support;
  }

  /** A new message from the socket: delivered now, or after the gap before it is fetched. */
  private async accept(message: Message): Promise<void> {
    const kind: ConversationKind = isTicketMessage(message) ? 'support' : 'p2p';
    const track = this.trackOf(message.conversationId, kind);
    if (this.seen.has(message.id)) return;
    if (track.lastSeq === null) track.lastSeq = message.seq - 1;
    if (message.seq <= track.lastSeq) return;
    if (message.seq > track.lastSeq + 1) return this.catchUp(track);
    return this.deliver(track, message);
  }

  /** Fetches every message after the last one delivered, in order, and delivers them. */
  private async catchUp(track: Track): Promise<void> {
    for (;;) {
      const from = track.lastSeq ?? 0;
      const page = await this.routes(track.kind).history(track.id, {
        afterSeq: from,
        limit: this.pageSize,
      });
      for (const message of page.data) {
        if (track.lastSeq !== null && message.seq <= track.lastSeq) continue;
        if (this.seen.has(message.id)) continue;
        await this.deliver(track, message);
      }
      if (!page.hasMore || page.data.length === 0) return;
    }
  }

  private async deliver(track: Track, message: Message): Promise<void> {
    track.lastSeq = message.seq;
    this.remember(message.id);
    await this.count(track, message);
    this.emit('message', message);
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > SEEN_IDS) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  /** Moves the unread count for a delivered message the server had not counted yet. */
  private async count(track: Track, message: Message): Promise<void> {
    if (track.observer) return;
    if (track.countedThrough === null) {
      await this.recount(track);
      return;
    }
    if (message.seq <= track.countedThrough) return;
    const before = track.unread;
    track.unread = (await this.ownSide(track, message)) ? 0 : track.unread + 1;
    track.countedThrough = message.seq;
    if (track.unread !== before) this.emit('unread', this.unread);
  }

  /** Reads the server's count for one conversation (after a receipt, or when unknown). */
  private async recount(track: Track): Promise<void> {
    const before = track.unread;
    try {
      const count = await this.routes(track.kind).unreadCount(track.id);
      track.unread = count.unreadCount;
      track.countedThrough = count.lastSeq;
    } catch (error) {
      if (error instanceof ChatCloudError && (error.status === 403 || error.status === 404)) {
        track.observer = true;
        track.unread = 0;
      } else {
        throw error;
      }
    }
    if (track.unread !== before) this.emit('unread', this.unread);
  }

  /** Whether a message was written by the caller's side (sending reads what came before). */
  private async ownSide(track: Track, message: Message): Promise<boolean> {
    if (message.senderId === this.userId) return true;
    if (track.kind === 'p2p') return false;
    return (message as { isStaff?: boolean | null }).isStaff === true && (await this.isStaffSide(track));
  }

  private async isStaffSide(track: Track): Promise<boolean> {
    if (track.staffSide !== null) return track.staffSide;
    if (!this.me) {
      const user = await this.api.users.me();
      this.me = { id: user.id, elevated: user.role !== 'user' };
    }
    if (!this.me.elevated) {
      track.staffSide = false;
    } else {
      const ticket = await this.api.support.get(track.id);
      track.staffSide = ticket.createdBy !== this.me.id;
    }
    return track.staffSide;
  }

  private async summary(
    type: 'conversation.created' | 'conversation.updated' | 'ticket.created' | 'ticket.updated',
    summary: ConversationSummary,
  ): Promise<void> {
    this.emit(type, summary);
    let track = this.tracks.get(summary.id);
    if (!track && type.endsWith('.created')) {
      // New: nothing came before, so counting starts at zero and every message is delivered.
      track = this.trackOf(summary.id, summary.type);
      track.lastSeq = 0;
      track.countedThrough = 0;
    }
    if (track && track.lastSeq !== null && summary.lastSeq > track.lastSeq) {
      await this.catchUp(track);
    }
  }

  private async receipt(receipt: ReadReceipt): Promise<void> {
    this.emit('read', receipt);
    const track = this.tracks.get(receipt.conversationId);
    if (!track || track.observer) return;
    const mine =
      receipt.userId === this.userId || (track.kind === 'support' && (await this.isStaffSide(track)));
    if (mine) await this.recount(track);
  }
}

function isTicketMessage(message: Message): boolean {
  const flag = (message as { isStaff?: boolean | null }).isStaff;
  return flag !== undefined && flag !== null;
}
