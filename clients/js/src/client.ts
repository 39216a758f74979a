/**
 * `ChatCloud`: every route of the REST API, grouped as the API reference groups them.
 */
import { seg, Transport, type TransportOptions } from './http.js';
import type * as T from './types.js';

export type ChatCloudOptions = TransportOptions;

/** Options of a send: `clientMessageId` makes a retried send store the message once;
 * `metadata` is the site's own data on the message (a JSON object, at most 50 keys and 4 KiB). */
export interface SendOptions {
  clientMessageId?: string;
  metadata?: T.Metadata;
  signal?: AbortSignal;
}

const USER = { key: true, token: true } as const;
/** The secret if configured, else the chat token (an admin's may administer users). */
const ADMIN = { key: true, token: true, secret: true } as const;

/** Message routes shared by P2P conversations and tickets. */
export class MessageRoutes {
  constructor(
    private readonly http: Transport,
    private readonly base: '/p2p/conversations' | '/support/conversations',
  ) {}

  /** Sends a message (201), or answers the first one for a repeated `clientMessageId` (200). */
  send(conversationId: string, text: string, options: SendOptions = {}): Promise<T.Message> {
    return this.http.request({
      method: 'POST',
      path: `${this.base}/${seg(conversationId)}/messages`,
      body: {
        content: { text },
        clientMessageId: options.clientMessageId,
        metadata: options.metadata,
      },
      auth: USER,
      signal: options.signal,
    });
  }

  /** History, oldest first: the newest page, or `before`/`after` a message id, or `afterSeq`. */
  history(conversationId: string, query: T.HistoryQuery = {}): Promise<T.MessagePage> {
    return this.http.request({
      method: 'GET',
      path: `${this.base}/${seg(conversationId)}/messages`,
      query,
      auth: USER,
    });
  }

  /** Marks everything read, or up to `upToSeq` / `messageId`. */
  markAsRead(conversationId: string, upTo: T.MarkReadBody = {}): Promise<T.ReadState> {
    return this.http.request({
      method: 'POST',
      path: `${this.base}/${seg(conversationId)}/mark-as-read`,
      body: upTo,
      auth: USER,
    });
  }

  unreadCount(conversationId: string): Promise<T.UnreadCount> {
    return this.http.request({
      method: 'GET',
      path: `${this.base}/${seg(conversationId)}/unread-count`,
      auth: USER,
    });
  }
}

export class P2pRoutes extends MessageRoutes {
  constructor(private readonly transport: Transport) {
    super(transport, '/p2p/conversations');
  }

  /** Opens (201) or finds (200) the conversation with another user; `metadata` is a new
   * conversation's (an existing one keeps its own). */
  open(otherParticipantId: string, metadata?: T.Metadata): Promise<T.P2pConversation> {
    return this.transport.request({
      method: 'POST',
      path: '/p2p/conversations',
      body: { otherParticipantId, metadata },
      auth: USER,
    });
  }

  /** Replaces the conversation's metadata. */
  update(conversationId: string, body: T.UpdateConversationBody): Promise<T.P2pConversation> {
    return this.transport.request({
      method: 'PATCH',
      path: `/p2p/conversations/${seg(conversationId)}`,
      body,
      auth: USER,
    });
  }

  list(query: T.P2pListQuery = {}): Promise<T.P2pConversationPage> {
    return this.transport.request({ method: 'GET', path: '/p2p/conversations', query, auth: USER });
  }

  get(conversationId: string): Promise<T.P2pConversation> {
    return this.transport.request({
      method: 'GET',
      path: `/p2p/conversations/${seg(conversationId)}`,
      auth: USER,
    });
  }

  /** Replaces a message's text, and its metadata if given. */
  edit(
    conversationId: string,
    messageId: string,
    text: string,
    metadata?: T.Metadata,
  ): Promise<T.Message> {
    return this.transport.request({
      method: 'PATCH',
      path: `/p2p/conversations/${seg(conversationId)}/messages/${seg(messageId)}`,
      body: { content: { text }, metadata },
      auth: USER,
    });
  }

  delete(conversationId: string, messageId: string): Promise<T.Message> {
    return this.transport.request({
      method: 'DELETE',
      path: `/p2p/conversations/${seg(conversationId)}/messages/${seg(messageId)}`,
      auth: USER,
    });
  }

  archive(conversationId: string): Promise<T.P2pConversation> {
    return this.transport.request({
      method: 'POST',
      path: `/p2p/conversations/${seg(conversationId)}/archive`,
      auth: USER,
    });
  }

  unarchive(conversationId: string): Promise<T.P2pConversation> {
    return this.transport.request({
      method: 'POST',
      path: `/p2p/conversations/${seg(conversationId)}/unarchive`,
      auth: USER,
    });
  }
}

export class SupportRoutes extends MessageRoutes {
  constructor(private readonly transport: Transport) {
    super(transport, '/support/conversations');
  }

  /** Opens a ticket; `initialMessage` becomes message 1. */
  open(body: T.OpenTicketBody): Promise<T.Ticket> {
    return this.transport.request({ method: 'POST', path: '/support/conversations', body, auth: USER });
  }

  /** A customer's own tickets; staff and above: every ticket of the resource. */
  list(query: T.TicketListQuery = {}): Promise<T.TicketPage> {
    return this.transport.request({ method: 'GET', path: '/support/conversations', query, auth: USER });
  }

  get(ticketId: string): Promise<T.Ticket> {
    return this.transport.request({
      method: 'GET',
      path: `/support/conversations/${seg(ticketId)}`,
      auth: USER,
    });
  }

  /** Staff change status, priority, category, assignee; a customer may only close. */
  update(ticketId: string, body: T.UpdateTicketBody): Promise<T.Ticket> {
    return this.transport.request({
      method: 'PATCH',
      path: `/support/conversations/${seg(ticketId)}`,
      body,
      auth: USER,
    });
  }
}

export class UserRoutes {
  constructor(private readonly http: Transport) {}

  /** Creates a user (the secret, an admin's token, or the key alone on an open resource). */
  create(body: T.CreateUserBody): Promise<T.User> {
    return this.http.request({ method: 'POST', path: '/users', body, auth: ADMIN });
  }

  /** Issues a chat token for a user (the secret; the key alone for plain users of open resources). */
  chatToken(userId: string): Promise<T.ChatToken> {
    return this.http.request({
      method: 'POST',
      path: '/users/chat-token',
      body: { userId },
      auth: { key: true, secret: true },
    });
  }

  /**
   * Issues a chat token for the user the site knows as `externalId`; with `user` (the `create`
   * body), creates or updates that user first, in the same request: a site's token endpoint.
   */
  chatTokenFor(externalId: string, user?: T.CreateUserBody): Promise<T.ChatToken> {
    return this.http.request({
      method: 'POST',
      path: '/users/chat-token',
      body: user === undefined ? { externalId } : { externalId, user },
      auth: { key: true, secret: true },
    });
  }

  /**
   * Creates (201) or updates (200) the user the site knows as `externalId`, in one idempotent
   * call: left-out profile fields stay, `null` clears them.
   */
  upsert(externalId: string, body: T.CreateUserBody): Promise<T.User> {
    return this.http.request({
      method: 'PUT',
      path: `/users/by-external-id/${seg(externalId)}`,
      body,
      auth: ADMIN,
    });
  }

  /** The user the site knows as `externalId` (the secret, or a chat token). */
  getByExternalId(externalId: string): Promise<T.PublicUser> {
    return this.http.request({
      method: 'GET',
      path: `/users/by-external-id/${seg(externalId)}`,
      auth: ADMIN,
    });
  }

  me(): Promise<T.User> {
    return this.http.request({ method: 'GET', path: '/users/me', auth: USER });
  }

  /** Changes the caller's own display name or avatar (`null` clears), unless the site forbids it. */
  updateMe(body: T.UpdateMeBody): Promise<T.User> {
    return this.http.request({ method: 'PATCH', path: '/users/me', body, auth: USER });
  }

  /**
   * The public profiles (`id, username, displayName, avatarUrl`) of up to 100 users, by id or
   * `ext:<externalId>`: those that exist, each once, in the order asked.
   */
  profiles(ids: string[]): Promise<T.UserProfile[]> {
    return this.http.request({ method: 'GET', path: '/users', query: { ids: ids.join(',') }, auth: USER });
  }

  /** The caller's unread messages: the total and each conversation and ticket with any. */
  unread(): Promise<T.MyUnread> {
    return this.http.request({ method: 'GET', path: '/users/me/unread', auth: USER });
  }

  /** A user, by id or as `ext:<externalId>`. */
  get(userId: string): Promise<T.PublicUser> {
    return this.http.request({ method: 'GET', path: `/users/${seg(userId)}`, auth: USER });
  }

  presence(userId: string): Promise<T.Presence> {
    return this.http.request({ method: 'GET', path: `/users/${seg(userId)}/presence`, auth: USER });
  }

  /** Invalidates every token of the user issued so far ("log out everywhere"). */
  revokeTokens(userId: string): Promise<{ userId: string; revokedAt: string }> {
    return this.http.request({
      method: 'POST',
      path: `/users/${seg(userId)}/revoke-tokens`,
      auth: ADMIN,
    });
  }

  /** The resource's users (admins and superadmins, or the secret). */
  list(query: T.UserListQuery = {}): Promise<T.UserPage> {
    return this.http.request({ method: 'GET', path: '/users', query, auth: ADMIN });
  }

  /** Changes a user's role, permissions, external id or profile (admins and superadmins, or the secret). */
  update(userId: string, body: T.UpdateUserBody): Promise<T.User> {
    return this.http.request({ method: 'PATCH', path: `/users/${seg(userId)}`, body, auth: ADMIN });
  }
}

export class AdminRoutes {
  constructor(private readonly http: Transport) {}

  conversations(query: T.AdminConversationQuery = {}): Promise<T.AdminConversationPage> {
    return this.http.request({ method: 'GET', path: '/admin-panel/conversations', query, auth: USER });
  }

  stats(): Promise<T.Stats> {
    return this.http.request({ method: 'GET', path: '/admin-panel/stats', auth: USER });
  }

  userConversations(userId: string, query: T.PageQuery = {}): Promise<T.AdminConversationPage> {
    return this.http.request({
      method: 'GET',
      path: `/admin-panel/users/${seg(userId)}/conversations`,
      query,
      auth: USER,
    });
  }
}

/** The operator API (`x-operator-key`), and key rotation (operator key or the current secret). */
export class ResourceRoutes {
  constructor(private readonly http: Transport) {}

  create(body: T.CreateResourceBody): Promise<T.CreatedResource> {
    return this.http.request({
      method: 'POST',
      path: '/resources',
      body,
      auth: { operator: true },
    });
  }

  rotateKeys(resourceId: string): Promise<T.CreatedResource> {
    return this.http.request({
      method: 'POST',
      path: `/resources/${seg(resourceId)}/rotate-keys`,
      auth: { operator: true, secret: true, key: true },
    });
  }
}

export class ChatCloud {
  readonly http: Transport;
  readonly resources: ResourceRoutes;
  readonly users: UserRoutes;
  readonly p2p: P2pRoutes;
  readonly support: SupportRoutes;
  readonly admin: AdminRoutes;

  constructor(options: ChatCloudOptions) {
    this.http = new Transport(options);
    this.resources = new ResourceRoutes(this.http);
    this.users = new UserRoutes(this.http);
    this.p2p = new P2pRoutes(this.http);
    this.support = new SupportRoutes(this.http);
    this.admin = new AdminRoutes(this.http);
  }

  /** The current chat token. */
  get token(): string | null {
    return this.http.token;
  }

  setToken(token: string | null): void {
    this.http.setToken(token);
  }

  /** `GET /healthz`: whether the server process is up. */
  async healthy(): Promise<boolean> {
    return this.http.healthy();
  }
}
