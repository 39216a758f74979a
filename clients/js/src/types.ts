/**
 * Request and response types, derived from the generated OpenAPI types (`generated/api.ts`) by
 * path and method, so they follow the served document whatever its schema names or operation ids.
 */
import type { components, paths } from './generated/api.js';

export type { components, paths };

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Unwrap<E> = E extends { data: infer D } ? D : E;
type SuccessOf<R> = 200 extends keyof R ? Json<R[200]> : 201 extends keyof R ? Json<R[201]> : never;

type Operation<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

/** What `data` holds in the success answer of `M P`. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { responses: infer R } ? Unwrap<SuccessOf<R>> : never;

/** The JSON body of `M P`. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

/** The query parameters of `M P`. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type User = ResponseOf<'/api/v1/users/me', 'get'>;
export type PublicUser = ResponseOf<'/api/v1/users/{id}', 'get'>;
export type ChatToken = ResponseOf<'/api/v1/users/chat-token', 'post'>;
export type CreatedResource = ResponseOf<'/api/v1/resources', 'post'>;
export type P2pConversation = ResponseOf<'/api/v1/p2p/conversations/{id}', 'get'>;
export type Ticket = ResponseOf<'/api/v1/support/conversations/{id}', 'get'>;
export type Message = ResponseOf<'/api/v1/p2p/conversations/{id}/messages', 'post'>;
export type MessagePage = ResponseOf<'/api/v1/p2p/conversations/{id}/messages', 'get'>;
export type ReadState = ResponseOf<'/api/v1/p2p/conversations/{id}/mark-as-read', 'post'>;
export type UnreadCount = ResponseOf<'/api/v1/p2p/conversations/{id}/unread-count', 'get'>;
export type MyUnread = ResponseOf<'/api/v1/users/me/unread', 'get'>;
export type Presence = ResponseOf<'/api/v1/users/{id}/presence', 'get'>;
export type Stats = ResponseOf<'/api/v1/admin-panel/stats', 'get'>;

export type CreateUserBody = BodyOf<'/api/v1/users', 'post'>;
export type UpdateUserBody = BodyOf<'/api/v1/users/{id}', 'patch'>;
export type UpdateMeBody = BodyOf<'/api/v1/users/me', 'patch'>;
export type CreateResourceBody = BodyOf<'/api/v1/resources', 'post'>;
export type OpenTicketBody = BodyOf<'/api/v1/support/conversations', 'post'>;
export type UpdateTicketBody = BodyOf<'/api/v1/support/conversations/{id}', 'patch'>;
export type UpdateConversationBody = BodyOf<'/api/v1/p2p/conversations/{id}', 'patch'>;
/** The site's own data on an object: a JSON object, at most 50 keys and 4 KiB serialized. */
export type Metadata = Record<string, unknown>;
export type MarkReadBody = NonNullable<BodyOf<'/api/v1/p2p/conversations/{id}/mark-as-read', 'post'>>;

export type HistoryQuery = QueryOf<'/api/v1/p2p/conversations/{id}/messages', 'get'>;
export type P2pListQuery = QueryOf<'/api/v1/p2p/conversations', 'get'>;
export type TicketListQuery = QueryOf<'/api/v1/support/conversations', 'get'>;
export type AdminConversationQuery = QueryOf<'/api/v1/admin-panel/conversations', 'get'>;
export type UserListQuery = Omit<QueryOf<'/api/v1/users', 'get'>, 'ids'>;
export type PageQuery = QueryOf<'/api/v1/admin-panel/users/{userId}/conversations', 'get'>;

/** A page of a list route: `{data, total, page, limit, totalPages}`. */
export type P2pConversationPage = ResponseOf<'/api/v1/p2p/conversations', 'get'>;
export type TicketPage = ResponseOf<'/api/v1/support/conversations', 'get'>;
export type AdminConversationPage = ResponseOf<'/api/v1/admin-panel/conversations', 'get'>;
type UserList = ResponseOf<'/api/v1/users', 'get'>;
export type UserPage = Exclude<UserList, readonly unknown[]>;
/** What every user of the resource may see of another: `GET /users?ids=`, `user.updated`. */
export type UserProfile = Extract<UserList, readonly unknown[]>[number];
