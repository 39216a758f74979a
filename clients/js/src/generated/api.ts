/**
 * Generated from the ChatCloud OpenAPI document by openapi-typescript: do not edit.
 * Regenerate with `npm run generate -- <openapi.json file or URL>`.
 */

export interface paths {
    "/api/v1/admin-panel/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * P2P conversations and support tickets together, newest activity first, each with `type`.
         * @description Staff see every ticket and the P2P conversations they take part in; moderators and above see
         *     every conversation of the resource.
         */
        get: operations["admin_list_conversations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin-panel/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dashboard counts of the resource, kept as counters (cheap at any size). */
        get: operations["stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin-panel/users/{userId}/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every P2P conversation and ticket of one user, by id or as `ext:<externalId>` (admins and
         *     superadmins).
         */
        get: operations["user_conversations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/p2p/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's conversations, newest activity first. */
        get: operations["p2p_list_conversations"];
        put?: never;
        /**
         * Open the conversation with another user of the resource: 201 if new, 200 with the existing one
         *     (there is one per pair, whoever opened it).
         */
        post: operations["create_conversation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/p2p/conversations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One conversation, as the caller sees it (their own read state). */
        get: operations["p2p_get_conversation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change a conversation's metadata (its participants, or moderators and above). */
        patch: operations["update_conversation"];
        trace?: never;
    };
    "/api/v1/p2p/conversations/{id}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Archive for both participants (canArchiveConversation, or moderator and above). */
        post: operations["archive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/p2p/conversations/{id}/mark-as-read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark messages read for the caller's side (a ticket's staff read as one side):
         *     all, or up to `upToSeq` / `messageId`. The watermark never moves back.
         */
        post: operations["p2p_mark_as_read"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/p2p/conversations/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * History, oldest first: the newest `limit` messages, or a page `before`/`after` a
         *     message id, or `afterSeq` (catch-up).
         */
        get: operations["p2p_list_messages"];
        put?: never;
        /**
         * Send a message as the caller's side. `clientMessageId` (or an `Idempotency-Key`
         *     header) makes retries safe. Archived chats and closed tickets refuse (403); a
         *     staff reply moves a ticket from `open` to `pending`, a customer reply from
         *     `pending` or `resolved` back to `open`.
         */
        post: operations["p2p_send_message"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/p2p/conversations/{id}/messages/{messageId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a message (soft): one's own with canDeleteMessage, or any as moderator and above. */
        delete: operations["delete_message"];
        options?: never;
        head?: never;
        /** Edit one's own message (canEditMessage); sets `editedAt`. */
        patch: operations["edit_message"];
        trace?: never;
    };
    "/api/v1/p2p/conversations/{id}/unarchive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Unarchive (canArchiveConversation, or moderator and above). */
        post: operations["unarchive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/p2p/conversations/{id}/unread-count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's side's unread count in this conversation. */
        get: operations["p2p_unread_count"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/resources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a resource (a site) with its API key and secret, shown this once. */
        post: operations["create_resource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/resources/{resourceId}/rotate-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace a resource's API key and secret; the old ones stop working at once.
         * @description Allowed with the operator key, or with the resource's current `x-api-secret`.
         */
        post: operations["rotate_keys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/support/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tickets, newest activity first: a customer's own, or (staff and above) every ticket of the
         *     resource, with filters.
         */
        get: operations["list_tickets"];
        put?: never;
        /** Open a ticket as the customer, optionally with its first message. */
        post: operations["create_ticket"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/support/conversations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One conversation, as the caller sees it (their own read state). */
        get: operations["support_get_conversation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Staff and above: set status, priority, category, assignee. The customer: close only.
         *     `closed` is final.
         */
        patch: operations["update_ticket"];
        trace?: never;
    };
    "/api/v1/support/conversations/{id}/mark-as-read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark messages read for the caller's side (a ticket's staff read as one side):
         *     all, or up to `upToSeq` / `messageId`. The watermark never moves back.
         */
        post: operations["support_mark_as_read"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/support/conversations/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * History, oldest first: the newest `limit` messages, or a page `before`/`after` a
         *     message id, or `afterSeq` (catch-up).
         */
        get: operations["support_list_messages"];
        put?: never;
        /**
         * Send a message as the caller's side. `clientMessageId` (or an `Idempotency-Key`
         *     header) makes retries safe. Archived chats and closed tickets refuse (403); a
         *     staff reply moves a ticket from `open` to `pending`, a customer reply from
         *     `pending` or `resolved` back to `open`.
         */
        post: operations["support_send_message"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/support/conversations/{id}/unread-count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's side's unread count in this conversation. */
        get: operations["support_unread_count"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List and search the resource's users, newest first (admins, superadmins, or the secret); or,
         *     with `ids`, the public profiles of those users (any user of the resource).
         */
        get: operations["list_users"];
        put?: never;
        /**
         * Create a user of the API key's resource.
         * @description Open resources let the API key alone create plain users; elevated roles and permissions need
         *     `x-api-secret` or the chat token of an admin (up to moderator) or superadmin (any role).
         */
        post: operations["create_user"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A user of the same resource, by id or as `ext:<externalId>`. Email, permissions and metadata
         *     are shown to the user themself and to elevated roles; other users see the public profile.
         */
        get: operations["get_user"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a user's role, permissions, external id or profile (by id or as
         *     `ext:<externalId>`); role and permissions apply to their very next request.
         * @description A superadmin manages every role, an admin users up to moderator (and cannot promote beyond
         *     it); nobody edits a stronger role. Demoting to `user` resets the permissions to the defaults.
         *     A change of display name or avatar sends `user.updated` to whoever shares a conversation
         *     with the user.
         */
        patch: operations["update_user"];
        trace?: never;
    };
    "/api/v1/users/{id}/presence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A user's presence (by id or as `ext:<externalId>`), for users who share a P2P conversation with them, themselves, and
         *     elevated roles (others get 404, as for the conversation).
         */
        get: operations["get_presence"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}/revoke-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke every chat token issued to a user (by id or as `ext:<externalId>`) so far; they get 401 `invalid_token` from now on.
         * @description Allowed with `x-api-secret`, for the user themself, and for an admin (users up to moderator) or
         *     superadmin.
         */
        post: operations["revoke_tokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/by-external-id/{externalId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The user the site knows as `externalId`: with `x-api-secret`, the whole user; with a chat
         *     token, as `GET /users/{id}` shows it.
         */
        get: operations["get_by_external_id"];
        /**
         * Create or update the user the site knows as `externalId`, in one idempotent call.
         * @description The body is `POST /users`'s. A new user answers 201, an existing one is updated (username and
         *     email as given; role and permissions if given; profile fields given, `null` clearing them)
         *     and answers 200. Concurrent calls for one `externalId` make one user. Who may: as for `POST
         *     /users` (the secret; an admin's chat token within the role hierarchy; on an open resource,
         *     the API key alone for plain users).
         */
        put: operations["upsert_by_external_id"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/chat-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue a chat token (HS256 JWT, valid 30 days) for a user.
         * @description The user is named by `userId` or `externalId`; with `externalId` and `user`, the user is
         *     created or updated first (as by `PUT /users/by-external-id/{externalId}`). Open resources
         *     issue tokens for plain users with the API key alone; elevated users, and every user of a
         *     secret resource, need `x-api-secret`.
         */
        post: operations["issue_chat_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The user of the chat token. */
        get: operations["get_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change one's own display name and avatar (not metadata, which is the site's). A resource
         *     may turn this off (`selfProfileEdit`): then 403, and only the site's server or an admin
         *     changes profiles. Whoever shares a conversation with the user receives `user.updated`.
         */
        patch: operations["update_me"];
        trace?: never;
    };
    "/api/v1/users/me/unread": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's unread messages: the total, and each conversation and ticket that has any (at
         *     most 1,000 of them, newest activity first; the totals count every one). Each entry is what
         *     that conversation's `unread-count` route answers.
         */
        get: operations["my_unread"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Open the real-time connection: the server pushes `{"type", "data"}` events of the
         *     conversations the user may see; the client may send `typing`.
         * @description The frames are described by the components `Event` and `ErrorFrame` (server to client) and
         *     `ClientEvent` (client to server), also named in this operation's `x-websocket` extension.
         */
        get: operations["connect"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * @description The status of a conversation of either kind: what mixed lists (the admin panel) filter on and
         *     events carry.
         */
        AnyStatus: components["schemas"]["ChatStatus"] | components["schemas"]["TicketStatus"];
        /**
         * @description A P2P chat's status.
         * @enum {string}
         */
        ChatStatus: "active" | "archived";
        /** @description A chat token and whom it is for. */
        ChatToken: {
            chatToken: string;
            /** Format: date-time */
            expiresAt: string;
            user: components["schemas"]["TokenUser"];
        };
        /** @description `POST /users/chat-token` body. */
        ChatTokenRequest: {
            /** @description The user, by the site's own id; or give `userId`. */
            externalId?: string | null;
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
            user?: null | components["schemas"]["CreateUser"];
            /** @description The user, by ChatCloud's id; or give `externalId`. */
            userId?: string | null;
        };
        /** @description A client-to-server WebSocket frame: what a client may send. */
        ClientEvent: {
            /** @description The user is typing in a conversation they may write in. */
            data: {
                conversationId: string;
            };
            /** @enum {string} */
            type: "typing";
        };
        /** @description `{"text": ...}`; empty once the message is deleted. */
        Content: {
            text: string;
        };
        ContentInput: {
            text: string;
        };
        /**
         * @description What changed about a conversation; clients fetch the full view if they need it (it differs
         *     per viewer: unread counts, read watermarks).
         */
        ConversationSummary: {
            id: string;
            /** Format: int64 */
            lastSeq: number;
            /** Format: int64 */
            messageCount: number;
            status: components["schemas"]["AnyStatus"];
            /** @description `p2p` or `support`. */
            type: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /** @description Either shape, for lists that mix both (the admin panel). */
        ConversationView: components["schemas"]["P2pConversationView"] | components["schemas"]["TicketView"];
        CreateConversation: {
            /**
             * @description The site's own data on a new conversation (an existing one keeps its own): a JSON object,
             *     at most 50 keys and 4 KiB.
             */
            metadata?: Record<string, never> | null;
            /** @description The other user's id, or `ext:<externalId>` (the site's own id for them). */
            otherParticipantId: string;
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
        };
        /** @description `POST /api/v1/resources` body. */
        CreateResource: {
            /** @description Browser origins that may call the API with this resource's key; `*` for any. */
            allowedOrigins?: string[];
            /** @description The site's id, e.g. `site.com`. */
            resourceId: string;
            /**
             * @description Whether users may edit their own display name and avatar with `PATCH /users/me`
             *     (default `true`).
             * @default true
             */
            selfProfileEdit: boolean;
            /** @description `secret` (default) or `open`. */
            tokenIssuance?: components["schemas"]["TokenIssuance"];
        };
        CreateTicket: {
            /** @description Free text, at most 50 characters. */
            category?: string | null;
            /** @description Becomes the ticket's first message. */
            initialMessage?: string | null;
            /** @description The site's own data on the ticket: a JSON object, at most 50 keys and 4 KiB. */
            metadata?: Record<string, never> | null;
            priority?: null | components["schemas"]["Priority"];
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
            /** @description 1..200 characters. */
            subject: string;
        };
        /** @description `POST /users` body. */
        CreateUser: {
            /**
             * Format: uri
             * @description An `https` image URL, at most 2,048 characters (left out or `null` as `displayName`).
             */
            avatarUrl?: string | null;
            /**
             * @description The name to show: 1..100 characters, not blank. On an update, left out: unchanged;
             *     `null`: cleared.
             */
            displayName?: string | null;
            email: string;
            /**
             * @description The site's own id for the user: 1..128 of `[A-Za-z0-9_.@:-]`, unique in the resource.
             *     On `PUT /users/by-external-id/{externalId}` it may be left out or must be the path's.
             */
            externalId?: string | null;
            /**
             * @description The site's own data: a JSON object of at most 50 keys and 4 KiB serialized, seen by the
             *     user, elevated roles and the site's server. Replaces the whole object; `null` or `{}`
             *     clears it.
             */
            metadata?: Record<string, never> | null;
            permissions?: null | components["schemas"]["PermissionsPatch"];
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
            role?: null | components["schemas"]["Role"];
            username: string;
        };
        EditMessage: {
            content: components["schemas"]["ContentInput"];
            /** @description Replaces the message's metadata if given. */
            metadata?: Record<string, never> | null;
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_ChatToken: {
            /** @description A chat token and whom it is for. */
            data: {
                chatToken: string;
                /** Format: date-time */
                expiresAt: string;
                user: components["schemas"]["TokenUser"];
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_CursorPage_Message: {
            /** @description A page of message history: `{data, hasMore}`, oldest first. */
            data: {
                data: {
                    content: components["schemas"]["Content"];
                    conversationId: string;
                    /** Format: date-time */
                    createdAt: string;
                    /** Format: date-time */
                    deletedAt?: string | null;
                    /** Format: date-time */
                    editedAt?: string | null;
                    id: string;
                    /** @description Whether the other side has read it. */
                    isRead: boolean;
                    /** @description Support tickets only: whether the sender answered for the staff. */
                    isStaff?: boolean | null;
                    /** @description The site's own data (`{}` if none; emptied with the text when the message is deleted). */
                    metadata: components["schemas"]["Metadata"];
                    senderId: string;
                    /**
                     * Format: int64
                     * @description Position in the conversation: 1, 2, 3, ... without gaps.
                     */
                    seq: number;
                }[];
                hasMore: boolean;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_Message: {
            /** @description A message as clients see it. */
            data: {
                content: components["schemas"]["Content"];
                conversationId: string;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                deletedAt?: string | null;
                /** Format: date-time */
                editedAt?: string | null;
                id: string;
                /** @description Whether the other side has read it. */
                isRead: boolean;
                /** @description Support tickets only: whether the sender answered for the staff. */
                isStaff?: boolean | null;
                /** @description The site's own data (`{}` if none; emptied with the text when the message is deleted). */
                metadata: components["schemas"]["Metadata"];
                senderId: string;
                /**
                 * Format: int64
                 * @description Position in the conversation: 1, 2, 3, ... without gaps.
                 */
                seq: number;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_MyUnread: {
            /** @description Everything the caller has not read: one request to resynchronise a client's badges. */
            data: {
                /**
                 * @description P2P conversations with unread messages, newest activity first, as `GET
                 *     .../unread-count` answers each.
                 */
                conversations: components["schemas"]["UnreadCount"][];
                /**
                 * Format: int64
                 * @description Unread messages over all P2P conversations.
                 */
                conversationsTotal: number;
                /**
                 * @description Tickets with unread messages on the caller's side (their own as the customer; every
                 *     ticket of the resource for staff and above), newest activity first.
                 */
                tickets: components["schemas"]["UnreadCount"][];
                /**
                 * Format: int64
                 * @description Unread messages over all tickets.
                 */
                ticketsTotal: number;
                /**
                 * Format: int64
                 * @description `conversations` plus `tickets` totals.
                 */
                total: number;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_P2pConversationView: {
            /** @description A P2P conversation. */
            data: {
                /** Format: date-time */
                createdAt: string;
                id: string;
                lastMessage?: null | components["schemas"]["Message"];
                /** Format: date-time */
                lastMessageAt?: string | null;
                /**
                 * Format: int64
                 * @description The caller's read watermark (`null` for a moderator who is not a participant).
                 */
                lastReadSeq?: number | null;
                /** Format: int64 */
                lastSeq: number;
                /** Format: int64 */
                messageCount: number;
                /** @description The site's own data (`{}` if none). */
                metadata: components["schemas"]["Metadata"];
                participantOne: string;
                /**
                 * @description The two participants' public profiles (participantOne's first), to render names and
                 *     avatars without another request.
                 */
                participants: components["schemas"]["UserProfile"][];
                participantTwo: string;
                status: components["schemas"]["ChatStatus"];
                /** @description Always `p2p`. */
                type: string;
                /** Format: int64 */
                unreadCountP1: number;
                /** Format: int64 */
                unreadCountP2: number;
                /** Format: date-time */
                updatedAt: string;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_Page_ConversationView: {
            /** @description One page of a list: `{data, total, page, limit, totalPages}`. */
            data: {
                data: (components["schemas"]["P2pConversationView"] | components["schemas"]["TicketView"])[];
                /** Format: int64 */
                limit: number;
                /** Format: int64 */
                page: number;
                /** Format: int64 */
                total: number;
                /** Format: int64 */
                totalPages: number;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_Page_P2pConversationView: {
            /** @description One page of a list: `{data, total, page, limit, totalPages}`. */
            data: {
                data: {
                    /** Format: date-time */
                    createdAt: string;
                    id: string;
                    lastMessage?: null | components["schemas"]["Message"];
                    /** Format: date-time */
                    lastMessageAt?: string | null;
                    /**
                     * Format: int64
                     * @description The caller's read watermark (`null` for a moderator who is not a participant).
                     */
                    lastReadSeq?: number | null;
                    /** Format: int64 */
                    lastSeq: number;
                    /** Format: int64 */
                    messageCount: number;
                    /** @description The site's own data (`{}` if none). */
                    metadata: components["schemas"]["Metadata"];
                    participantOne: string;
                    /**
                     * @description The two participants' public profiles (participantOne's first), to render names and
                     *     avatars without another request.
                     */
                    participants: components["schemas"]["UserProfile"][];
                    participantTwo: string;
                    status: components["schemas"]["ChatStatus"];
                    /** @description Always `p2p`. */
                    type: string;
                    /** Format: int64 */
                    unreadCountP1: number;
                    /** Format: int64 */
                    unreadCountP2: number;
                    /** Format: date-time */
                    updatedAt: string;
                }[];
                /** Format: int64 */
                limit: number;
                /** Format: int64 */
                page: number;
                /** Format: int64 */
                total: number;
                /** Format: int64 */
                totalPages: number;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_Page_TicketView: {
            /** @description One page of a list: `{data, total, page, limit, totalPages}`. */
            data: {
                data: {
                    assignee?: null | components["schemas"]["UserProfile"];
                    assigneeId?: string | null;
                    category?: string | null;
                    /** Format: date-time */
                    createdAt: string;
                    /** @description The customer who opened it. */
                    createdBy: string;
                    customer?: null | components["schemas"]["UserProfile"];
                    id: string;
                    lastMessage?: null | components["schemas"]["Message"];
                    /** Format: date-time */
                    lastMessageAt?: string | null;
                    /**
                     * Format: int64
                     * @description The caller's side's read watermark.
                     */
                    lastReadSeq: number;
                    /** Format: int64 */
                    lastSeq: number;
                    /** Format: int64 */
                    messageCount: number;
                    /** @description The site's own data (`{}` if none). */
                    metadata: components["schemas"]["Metadata"];
                    priority: components["schemas"]["Priority"];
                    status: components["schemas"]["TicketStatus"];
                    subject: string;
                    /** @description Always `support`. */
                    type: string;
                    /**
                     * Format: int64
                     * @description Unread messages of the caller's side (the customer's, or the staff's as a whole).
                     */
                    unreadCount: number;
                    /** Format: date-time */
                    updatedAt: string;
                }[];
                /** Format: int64 */
                limit: number;
                /** Format: int64 */
                page: number;
                /** Format: int64 */
                total: number;
                /** Format: int64 */
                totalPages: number;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_PresenceView: {
            /** @description Whether a user is connected. */
            data: {
                /**
                 * Format: date-time
                 * @description When they were last connected (`null` if never).
                 */
                lastSeenAt?: string | null;
                online: boolean;
                userId: string;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_ProvisionedResource: {
            /** @description A new resource with its key and secret, shown this once. */
            data: {
                allowedOrigins: string[];
                apiKey: string;
                apiSecret: string;
                /** Format: date-time */
                createdAt: string;
                resourceId: string;
                selfProfileEdit: boolean;
                tokenIssuance: components["schemas"]["TokenIssuance"];
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_ReadState: {
            /** @description The caller's read state after marking. */
            data: {
                conversationId: string;
                /** Format: int64 */
                lastReadSeq: number;
                /** Format: int64 */
                unreadCount: number;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_RevokedTokens: {
            /** @description When a user's tokens were revoked. */
            data: {
                /** Format: date-time */
                revokedAt: string;
                userId: string;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_RotatedKeys: {
            /** @description New credentials of a resource, shown this once. */
            data: {
                apiKey: string;
                apiSecret: string;
                resourceId: string;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_Stats: {
            /** @description A resource's counters at one moment (`GET /admin-panel/stats`). */
            data: {
                /**
                 * Format: int64
                 * @description Users who sent a message in the last 24 hours.
                 */
                activeUsersLast24h: number;
                /** Format: int64 */
                closedTickets: number;
                /**
                 * Format: int64
                 * @description Messages sent in the last 24 hours, counted in five-minute buckets.
                 */
                messagesLast24h: number;
                /** Format: int64 */
                openTickets: number;
                /** Format: int64 */
                p2pConversations: number;
                /** Format: int64 */
                pendingTickets: number;
                /** Format: int64 */
                resolvedTickets: number;
                /** Format: int64 */
                supportTickets: number;
                /** Format: int64 */
                totalConversations: number;
                /** Format: int64 */
                totalMessages: number;
                /** Format: int64 */
                totalUsers: number;
                /**
                 * Format: int64
                 * @description Unread messages over every conversation and side (a ticket's staff side counts once).
                 */
                unreadMessages: number;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_TicketView: {
            /** @description A support ticket. */
            data: {
                assignee?: null | components["schemas"]["UserProfile"];
                assigneeId?: string | null;
                category?: string | null;
                /** Format: date-time */
                createdAt: string;
                /** @description The customer who opened it. */
                createdBy: string;
                customer?: null | components["schemas"]["UserProfile"];
                id: string;
                lastMessage?: null | components["schemas"]["Message"];
                /** Format: date-time */
                lastMessageAt?: string | null;
                /**
                 * Format: int64
                 * @description The caller's side's read watermark.
                 */
                lastReadSeq: number;
                /** Format: int64 */
                lastSeq: number;
                /** Format: int64 */
                messageCount: number;
                /** @description The site's own data (`{}` if none). */
                metadata: components["schemas"]["Metadata"];
                priority: components["schemas"]["Priority"];
                status: components["schemas"]["TicketStatus"];
                subject: string;
                /** @description Always `support`. */
                type: string;
                /**
                 * Format: int64
                 * @description Unread messages of the caller's side (the customer's, or the staff's as a whole).
                 */
                unreadCount: number;
                /** Format: date-time */
                updatedAt: string;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_UnreadCount: {
            /** @description The caller's unread count. */
            data: {
                conversationId: string;
                /** Format: int64 */
                lastReadSeq: number;
                /** Format: int64 */
                lastSeq: number;
                /** Format: int64 */
                unreadCount: number;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_User: {
            /** @description A user as stored. */
            data: {
                /**
                 * Format: uri
                 * @description An `https` image URL, or `null`.
                 */
                avatarUrl?: string | null;
                /** Format: date-time */
                createdAt: string;
                /** @description The name to show, or `null` (then show `username`). */
                displayName?: string | null;
                email: string;
                /** @description The site's own id for this user (unique in the resource), or `null`. */
                externalId?: string | null;
                id: string;
                /**
                 * @description The site's own data about the user (at most 50 keys, 4 KiB serialized); `{}` if none.
                 *     Seen by the user, elevated roles and the site's server, never by other plain users.
                 */
                metadata: Record<string, never>;
                permissions: components["schemas"]["Permissions"];
                resourceId: string;
                role: components["schemas"]["Role"];
                /** Format: date-time */
                updatedAt: string;
                username: string;
            };
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_UserList: {
            /** @description `GET /users`: a page of users (administration), or profiles by id (`ids`). */
            data: components["schemas"]["Page_User"] | components["schemas"]["UserProfile"][];
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The success envelope as documented in the OpenAPI document. */
        Envelope_UserView: {
            /**
             * @description What the caller may see of a user: everything (themself, elevated roles) or the public
             *     profile (other plain users).
             */
            data: components["schemas"]["User"] | components["schemas"]["PublicUser"];
            /** @description Always `true`. */
            success: boolean;
        };
        /** @description The error envelope, as documented in the OpenAPI document. */
        ErrorBody: {
            /** @description For programs: a stable snake_case reason. */
            code: components["schemas"]["ErrorCode"];
            /** @description For people: what went wrong. */
            message: string;
            /** @description Always `false`. */
            success: boolean;
        };
        /**
         * @description The stable, machine-readable reason of an error (`code` in the envelope; contract §1). The
         *     OpenAPI document's enum is derived from this type, so the two cannot drift. A response's
         *     code is also left in its extensions for the middleware (CORS leaves
         *     `Access-Control-Allow-Origin` off a refused origin's response; the request log records it).
         * @enum {string}
         */
        ErrorCode: "invalid_body" | "unknown_field" | "invalid_query" | "invalid_path" | "invalid_cursor" | "message_deleted" | "websocket_required" | "missing_api_key" | "invalid_api_key" | "missing_token" | "invalid_token" | "token_expired" | "missing_operator_key" | "invalid_operator_key" | "secret_required" | "resource_mismatch" | "origin_not_allowed" | "forbidden" | "not_found" | "method_not_allowed" | "conflict" | "payload_too_large" | "uri_too_long" | "rate_limited" | "headers_too_large" | "internal_error" | "timeout" | "overloaded" | "storage_full" | "storage_unavailable";
        /**
         * @description A server-to-client WebSocket frame: `{"type": "...", "data": ...}` (contract §7). Events are
         *     hints: the history endpoints stay the truth, and a client that missed one catches up with
         *     `afterSeq`.
         */
        Event: {
            data: components["schemas"]["Message"];
            /** @enum {string} */
            type: "message.new";
        } | {
            data: components["schemas"]["Message"];
            /** @enum {string} */
            type: "message.updated";
        } | {
            data: components["schemas"]["Message"];
            /** @enum {string} */
            type: "message.deleted";
        } | {
            data: components["schemas"]["ConversationSummary"];
            /** @enum {string} */
            type: "conversation.created";
        } | {
            data: components["schemas"]["ConversationSummary"];
            /** @enum {string} */
            type: "conversation.updated";
        } | {
            data: components["schemas"]["ReadReceipt"];
            /** @enum {string} */
            type: "conversation.read";
        } | {
            data: components["schemas"]["ConversationSummary"];
            /** @enum {string} */
            type: "ticket.created";
        } | {
            data: components["schemas"]["ConversationSummary"];
            /** @enum {string} */
            type: "ticket.updated";
        } | {
            data: components["schemas"]["Typing"];
            /** @enum {string} */
            type: "typing";
        } | {
            data: components["schemas"]["Presence"];
            /** @enum {string} */
            type: "presence";
        } | {
            /** @description A user's public profile (username, display name, avatar) changed. */
            data: components["schemas"]["UserProfile"];
            /** @enum {string} */
            type: "user.updated";
        };
        /** @description `{"upToSeq": n}` or `{"messageId": ...}`, or nothing (everything). */
        MarkRead: {
            messageId?: string | null;
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
            /** Format: int64 */
            upToSeq?: number | null;
        };
        /** @description A message as clients see it. */
        Message: {
            content: components["schemas"]["Content"];
            conversationId: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            deletedAt?: string | null;
            /** Format: date-time */
            editedAt?: string | null;
            id: string;
            /** @description Whether the other side has read it. */
            isRead: boolean;
            /** @description Support tickets only: whether the sender answered for the staff. */
            isStaff?: boolean | null;
            /** @description The site's own data (`{}` if none; emptied with the text when the message is deleted). */
            metadata: components["schemas"]["Metadata"];
            senderId: string;
            /**
             * Format: int64
             * @description Position in the conversation: 1, 2, 3, ... without gaps.
             */
            seq: number;
        };
        /** @description A `metadata` object within its limits; `{}` when none was set. */
        Metadata: Record<string, never>;
        /** @description Everything the caller has not read: one request to resynchronise a client's badges. */
        MyUnread: {
            /**
             * @description P2P conversations with unread messages, newest activity first, as `GET
             *     .../unread-count` answers each.
             */
            conversations: components["schemas"]["UnreadCount"][];
            /**
             * Format: int64
             * @description Unread messages over all P2P conversations.
             */
            conversationsTotal: number;
            /**
             * @description Tickets with unread messages on the caller's side (their own as the customer; every
             *     ticket of the resource for staff and above), newest activity first.
             */
            tickets: components["schemas"]["UnreadCount"][];
            /**
             * Format: int64
             * @description Unread messages over all tickets.
             */
            ticketsTotal: number;
            /**
             * Format: int64
             * @description `conversations` plus `tickets` totals.
             */
            total: number;
        };
        /** @description A P2P conversation. */
        P2pConversationView: {
            /** Format: date-time */
            createdAt: string;
            id: string;
            lastMessage?: null | components["schemas"]["Message"];
            /** Format: date-time */
            lastMessageAt?: string | null;
            /**
             * Format: int64
             * @description The caller's read watermark (`null` for a moderator who is not a participant).
             */
            lastReadSeq?: number | null;
            /** Format: int64 */
            lastSeq: number;
            /** Format: int64 */
            messageCount: number;
            /** @description The site's own data (`{}` if none). */
            metadata: components["schemas"]["Metadata"];
            participantOne: string;
            /**
             * @description The two participants' public profiles (participantOne's first), to render names and
             *     avatars without another request.
             */
            participants: components["schemas"]["UserProfile"][];
            participantTwo: string;
            status: components["schemas"]["ChatStatus"];
            /** @description Always `p2p`. */
            type: string;
            /** Format: int64 */
            unreadCountP1: number;
            /** Format: int64 */
            unreadCountP2: number;
            /** Format: date-time */
            updatedAt: string;
        };
        /** @description One page of a list: `{data, total, page, limit, totalPages}`. */
        Page_User: {
            data: {
                /**
                 * Format: uri
                 * @description An `https` image URL, or `null`.
                 */
                avatarUrl?: string | null;
                /** Format: date-time */
                createdAt: string;
                /** @description The name to show, or `null` (then show `username`). */
                displayName?: string | null;
                email: string;
                /** @description The site's own id for this user (unique in the resource), or `null`. */
                externalId?: string | null;
                id: string;
                /**
                 * @description The site's own data about the user (at most 50 keys, 4 KiB serialized); `{}` if none.
                 *     Seen by the user, elevated roles and the site's server, never by other plain users.
                 */
                metadata: Record<string, never>;
                permissions: components["schemas"]["Permissions"];
                resourceId: string;
                role: components["schemas"]["Role"];
                /** Format: date-time */
                updatedAt: string;
                username: string;
            }[];
            /** Format: int64 */
            limit: number;
            /** Format: int64 */
            page: number;
            /** Format: int64 */
            total: number;
            /** Format: int64 */
            totalPages: number;
        };
        /** @description The five permission flags; every role starts with all of them true. */
        Permissions: {
            canArchiveConversation: boolean;
            canDeleteMessage: boolean;
            canEditMessage: boolean;
            canReceiveMessage: boolean;
            canSendMessage: boolean;
        };
        /** @description Some of the flags, as a request gives them; the rest keep their current value. */
        PermissionsPatch: {
            canArchiveConversation?: boolean | null;
            canDeleteMessage?: boolean | null;
            canEditMessage?: boolean | null;
            canReceiveMessage?: boolean | null;
            canSendMessage?: boolean | null;
        };
        /** @description A user came online or went offline. */
        Presence: {
            online: boolean;
            userId: string;
        };
        /** @description Whether a user is connected. */
        PresenceView: {
            /**
             * Format: date-time
             * @description When they were last connected (`null` if never).
             */
            lastSeenAt?: string | null;
            online: boolean;
            userId: string;
        };
        /** @enum {string} */
        Priority: "low" | "medium" | "high";
        /** @description A new resource with its key and secret, shown this once. */
        ProvisionedResource: {
            allowedOrigins: string[];
            apiKey: string;
            apiSecret: string;
            /** Format: date-time */
            createdAt: string;
            resourceId: string;
            selfProfileEdit: boolean;
            tokenIssuance: components["schemas"]["TokenIssuance"];
        };
        /**
         * @description What other users of the resource see of a user: no email, no permissions. No other field, so
         *     that a whole `User` never passes for one (they are told apart by `email`).
         */
        PublicUser: {
            /** Format: uri */
            avatarUrl?: string | null;
            /** Format: date-time */
            createdAt: string;
            displayName?: string | null;
            id: string;
            resourceId: string;
            role: components["schemas"]["Role"];
            username: string;
        };
        /** @description A side of a conversation read up to `lastReadSeq`. */
        ReadReceipt: {
            conversationId: string;
            /** Format: int64 */
            lastReadSeq: number;
            /** Format: int64 */
            unreadCount: number;
            userId: string;
        };
        /** @description The caller's read state after marking. */
        ReadState: {
            conversationId: string;
            /** Format: int64 */
            lastReadSeq: number;
            /** Format: int64 */
            unreadCount: number;
        };
        /** @description When a user's tokens were revoked. */
        RevokedTokens: {
            /** Format: date-time */
            revokedAt: string;
            userId: string;
        };
        /**
         * @description Roles, weakest first so that `Ord` reads as "at least as strong as".
         * @enum {string}
         */
        Role: "user" | "staff" | "moderator" | "admin" | "superadmin";
        /** @description New credentials of a resource, shown this once. */
        RotatedKeys: {
            apiKey: string;
            apiSecret: string;
            resourceId: string;
        };
        /** @description `{"content": {"text": ...}, "clientMessageId"?: ...}`. */
        SendMessage: {
            /** @description Makes retries safe: a second send with the same id returns the first message (200). */
            clientMessageId?: string | null;
            content: components["schemas"]["ContentInput"];
            /** @description The site's own data on the message: a JSON object, at most 50 keys and 4 KiB. */
            metadata?: Record<string, never> | null;
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
        };
        /** @description The frames about the socket itself, sent to that client alone (beside the `Event`s). */
        SessionFrame: {
            /** @description The first frame of every socket: the connection is authenticated and subscribed. */
            data: {
                userId: string;
            };
            /** @enum {string} */
            type: "connection.ready";
        } | {
            /** @description The answer to a refused client frame. */
            data: {
                code: components["schemas"]["ErrorCode"];
                message: string;
            };
            /** @enum {string} */
            type: "error";
        };
        /** @description A resource's counters at one moment (`GET /admin-panel/stats`). */
        Stats: {
            /**
             * Format: int64
             * @description Users who sent a message in the last 24 hours.
             */
            activeUsersLast24h: number;
            /** Format: int64 */
            closedTickets: number;
            /**
             * Format: int64
             * @description Messages sent in the last 24 hours, counted in five-minute buckets.
             */
            messagesLast24h: number;
            /** Format: int64 */
            openTickets: number;
            /** Format: int64 */
            p2pConversations: number;
            /** Format: int64 */
            pendingTickets: number;
            /** Format: int64 */
            resolvedTickets: number;
            /** Format: int64 */
            supportTickets: number;
            /** Format: int64 */
            totalConversations: number;
            /** Format: int64 */
            totalMessages: number;
            /** Format: int64 */
            totalUsers: number;
            /**
             * Format: int64
             * @description Unread messages over every conversation and side (a ticket's staff side counts once).
             */
            unreadMessages: number;
        };
        /**
         * @description A ticket's status (contract §5): `closed` is final.
         * @enum {string}
         */
        TicketStatus: "open" | "pending" | "resolved" | "closed";
        /** @description A support ticket. */
        TicketView: {
            assignee?: null | components["schemas"]["UserProfile"];
            assigneeId?: string | null;
            category?: string | null;
            /** Format: date-time */
            createdAt: string;
            /** @description The customer who opened it. */
            createdBy: string;
            customer?: null | components["schemas"]["UserProfile"];
            id: string;
            lastMessage?: null | components["schemas"]["Message"];
            /** Format: date-time */
            lastMessageAt?: string | null;
            /**
             * Format: int64
             * @description The caller's side's read watermark.
             */
            lastReadSeq: number;
            /** Format: int64 */
            lastSeq: number;
            /** Format: int64 */
            messageCount: number;
            /** @description The site's own data (`{}` if none). */
            metadata: components["schemas"]["Metadata"];
            priority: components["schemas"]["Priority"];
            status: components["schemas"]["TicketStatus"];
            subject: string;
            /** @description Always `support`. */
            type: string;
            /**
             * Format: int64
             * @description Unread messages of the caller's side (the customer's, or the staff's as a whole).
             */
            unreadCount: number;
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @description Who may create users and issue chat tokens (contract §2).
         * @enum {string}
         */
        TokenIssuance: "open" | "secret";
        TokenUser: {
            id: string;
            role: components["schemas"]["Role"];
            username: string;
        };
        /** @description Someone is typing in a conversation. */
        Typing: {
            conversationId: string;
            userId: string;
        };
        /** @description The caller's unread count. */
        UnreadCount: {
            conversationId: string;
            /** Format: int64 */
            lastReadSeq: number;
            /** Format: int64 */
            lastSeq: number;
            /** Format: int64 */
            unreadCount: number;
        };
        UpdateConversation: {
            /** @description Replaces the conversation's metadata: a JSON object, at most 50 keys and 4 KiB. */
            metadata: Record<string, never>;
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
        };
        /** @description `PATCH /users/me` body. */
        UpdateMe: {
            /**
             * Format: uri
             * @description An `https` URL; `null` clears it.
             */
            avatarUrl?: string | null;
            /** @description 1..100 characters; `null` clears it. */
            displayName?: string | null;
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
        };
        /** @description Fields to change; absent fields stay. `category` and `assigneeId` take `null` to clear. */
        UpdateTicket: {
            /** @description An elevated user of the resource (an id, or `ext:<externalId>`), or `null` to unassign. */
            assigneeId?: string | null;
            category?: string | null;
            /** @description Replaces the ticket's metadata (staff and above): a JSON object, at most 50 keys and 4 KiB. */
            metadata?: Record<string, never> | null;
            priority?: null | components["schemas"]["Priority"];
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
            status?: null | components["schemas"]["TicketStatus"];
        };
        /** @description `PATCH /users/:id` body. */
        UpdateUser: {
            /**
             * Format: uri
             * @description An `https` URL of at most 2,048 characters; `null` clears it.
             */
            avatarUrl?: string | null;
            /** @description 1..100 characters; `null` clears it. */
            displayName?: string | null;
            /** @description The site's own id for the user (unique in the resource); `null` removes it. */
            externalId?: string | null;
            /**
             * @description A JSON object (at most 50 keys, 4 KiB serialized) replacing the current one; `null` or
             *     `{}` clears it.
             */
            metadata?: Record<string, never> | null;
            permissions?: null | components["schemas"]["PermissionsPatch"];
            /** @description Must be the API key's resource if given. */
            resourceId?: string | null;
            role?: null | components["schemas"]["Role"];
        };
        /** @description A user as stored. */
        User: {
            /**
             * Format: uri
             * @description An `https` image URL, or `null`.
             */
            avatarUrl?: string | null;
            /** Format: date-time */
            createdAt: string;
            /** @description The name to show, or `null` (then show `username`). */
            displayName?: string | null;
            email: string;
            /** @description The site's own id for this user (unique in the resource), or `null`. */
            externalId?: string | null;
            id: string;
            /**
             * @description The site's own data about the user (at most 50 keys, 4 KiB serialized); `{}` if none.
             *     Seen by the user, elevated roles and the site's server, never by other plain users.
             */
            metadata: Record<string, never>;
            permissions: components["schemas"]["Permissions"];
            resourceId: string;
            role: components["schemas"]["Role"];
            /** Format: date-time */
            updatedAt: string;
            username: string;
        };
        /** @description `GET /users`: a page of users (administration), or profiles by id (`ids`). */
        UserList: components["schemas"]["Page_User"] | components["schemas"]["UserProfile"][];
        /**
         * @description The fields a client needs to render a user (name and avatar), visible to every user of the
         *     resource: `GET /users?ids=...` and the `user.updated` event.
         */
        UserProfile: {
            /** Format: uri */
            avatarUrl?: string | null;
            displayName?: string | null;
            id: string;
            username: string;
        };
        /**
         * @description What the caller may see of a user: everything (themself, elevated roles) or the public
         *     profile (other plain users).
         */
        UserView: components["schemas"]["User"] | components["schemas"]["PublicUser"];
    };
    responses: {
        /** @description Invalid input: body, query or path (`invalid_body`, `invalid_query`, `invalid_path`, `invalid_cursor`, `message_deleted`, `websocket_required`). */
        BadRequest: {
            headers: {
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description A duplicate; the message names the field (`conflict`). */
        Conflict: {
            headers: {
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Authenticated but not allowed (`forbidden`, `secret_required`, `resource_mismatch`, `origin_not_allowed`). */
        Forbidden: {
            headers: {
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Header section over 32 KiB (`headers_too_large`). */
        HeadersTooLarge: {
            headers: {
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description An unexpected failure, logged with the request id (`internal_error`). */
        InternalError: {
            headers: {
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Unknown id, another resource's id, or not visible to the caller (`not_found`). */
        NotFound: {
            headers: {
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Body over 64 KiB, or 128 KiB on the routes that carry a message text (`payload_too_large`). */
        PayloadTooLarge: {
            headers: {
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Over the time limit (`timeout`), too many requests waiting for the database (`overloaded`), or the database cannot store (`storage_full`, `storage_unavailable`); nothing was stored. `Retry-After` says when to retry. */
        ServiceUnavailable: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Over a rate limit (`rate_limited`); `Retry-After` says when to retry. */
        TooManyRequests: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Missing, invalid or expired credentials (`missing_api_key`, `invalid_api_key`, `missing_token`, `invalid_token`, `token_expired`, `missing_operator_key`, `invalid_operator_key`). */
        Unauthorized: {
            headers: {
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description Request target over 8 KiB (`uri_too_long`). */
        UriTooLong: {
            headers: {
                "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                "x-request-id": components["headers"]["RequestId"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description Requests allowed per window in the budget this request was counted against. */
        RateLimitLimit: number;
        /** @description Requests left in that window. */
        RateLimitRemaining: number;
        /** @description Unix time (seconds) when the window resets. */
        RateLimitReset: number;
        /** @description The request's id, as in the server's logs (a client-sent one of 1..128 printable ASCII characters is kept). */
        RequestId: string;
        /** @description Seconds to wait before retrying. */
        RetryAfter: number;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    admin_list_conversations: {
        parameters: {
            query?: {
                limit?: number;
                page?: number;
                status?: components["schemas"]["AnyStatus"];
                /** @description `p2p` or `support`. */
                type?: string;
                /** @description Only conversations this user takes part in. */
                userId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Page_ConversationView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    stats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Stats"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    user_conversations: {
        parameters: {
            query?: {
                /** @description Items per page, 1..=100 (default 20). */
                limit?: number;
                /** @description 1-based page number (default 1). */
                page?: number;
            };
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Page_ConversationView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    p2p_list_conversations: {
        parameters: {
            query?: {
                limit?: number;
                page?: number;
                status?: components["schemas"]["ChatStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Page_P2pConversationView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_conversation: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateConversation"];
            };
        };
        responses: {
            /** @description the pair's existing conversation */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_P2pConversationView"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_P2pConversationView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description the other user may not receive messages */
            403: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    p2p_get_conversation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_P2pConversationView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_conversation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateConversation"];
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_P2pConversationView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    archive: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_P2pConversationView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    p2p_mark_as_read: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description optional */
        requestBody?: {
            content: {
                "application/json": null | components["schemas"]["MarkRead"];
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_ReadState"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    p2p_list_messages: {
        parameters: {
            query?: {
                /** @description Messages newer than this message id. */
                after?: string;
                /** @description Messages with a seq above this one (catch-up after a gap or a reconnect). */
                afterSeq?: number;
                /** @description Messages older than this message id. */
                before?: string;
                /** @description 1..=100, default 50. */
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_CursorPage_Message"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    p2p_send_message: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendMessage"];
            };
        };
        responses: {
            /** @description repeat of an earlier clientMessageId */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Message"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Message"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description archived or closed, or a permission is missing */
            403: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    delete_message: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                messageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Message"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    edit_message: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                messageId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EditMessage"];
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Message"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    unarchive: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_P2pConversationView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    p2p_unread_count: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_UnreadCount"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_resource: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateResource"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_ProvisionedResource"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description operator API off (no operator key configured) */
            404: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    rotate_keys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                resourceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_RotatedKeys"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_tickets: {
        parameters: {
            query?: {
                assigneeId?: string;
                category?: string;
                limit?: number;
                page?: number;
                priority?: components["schemas"]["Priority"];
                status?: components["schemas"]["TicketStatus"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Page_TicketView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_ticket: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTicket"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_TicketView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    support_get_conversation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_TicketView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_ticket: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTicket"];
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_TicketView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    support_mark_as_read: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description optional */
        requestBody?: {
            content: {
                "application/json": null | components["schemas"]["MarkRead"];
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_ReadState"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    support_list_messages: {
        parameters: {
            query?: {
                /** @description Messages newer than this message id. */
                after?: string;
                /** @description Messages with a seq above this one (catch-up after a gap or a reconnect). */
                afterSeq?: number;
                /** @description Messages older than this message id. */
                before?: string;
                /** @description 1..=100, default 50. */
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_CursorPage_Message"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    support_send_message: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendMessage"];
            };
        };
        responses: {
            /** @description repeat of an earlier clientMessageId */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Message"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Message"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description archived or closed, or a permission is missing */
            403: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    support_unread_count: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_UnreadCount"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    list_users: {
        parameters: {
            query?: {
                /**
                 * @description Comma-separated user ids (or `ext:<externalId>`), at most 100: answers the public
                 *     profiles of those that exist, in the order asked, to any user of the resource. Not
                 *     combined with the other parameters.
                 */
                ids?: string;
                limit?: number;
                page?: number;
                /** @description Case-insensitive part of the username or email (at most 100 characters; empty: no search). */
                q?: string;
                role?: components["schemas"]["Role"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of `User`s; with `ids`, an array of `UserProfile`s (those found, in the order asked). */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_UserList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    create_user: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUser"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    get_user: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user: the whole `User` for themself and elevated roles, the `PublicUser` profile for other plain users. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_UserView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_user: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUser"];
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    get_presence: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_PresenceView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    revoke_tokens: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_RevokedTokens"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    get_by_external_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                externalId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user: the whole `User` for the site's server, themself and elevated roles, the `PublicUser` profile for other plain users. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_UserView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    upsert_by_external_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                externalId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUser"];
            };
        };
        responses: {
            /** @description Updated. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_User"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    issue_chat_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChatTokenRequest"];
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_ChatToken"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    get_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_User"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    update_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateMe"];
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_User"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    my_unread: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_MyUnread"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    connect: {
        parameters: {
            query?: {
                /** @description The resource's API key (or the `x-api-key` header). */
                apiKey?: string;
                /** @description The chat token. */
                token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description switching to the WebSocket protocol */
            101: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description not a WebSocket handshake */
            400: {
                headers: {
                    "x-ratelimit-limit": components["headers"]["RateLimitLimit"];
                    "x-ratelimit-remaining": components["headers"]["RateLimitRemaining"];
                    "x-ratelimit-reset": components["headers"]["RateLimitReset"];
                    "x-request-id": components["headers"]["RequestId"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
