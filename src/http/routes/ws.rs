//! `GET /api/v1/ws`: the real-time connection. Authenticated before the upgrade (browsers cannot
//! set headers on a WebSocket, so the token and key come in the query string); then one task per
//! socket selects over client frames, hub events, the heartbeat and shutdown. Every write has a
//! deadline, and every way the server ends a socket has a close code (`close`) an SDK can act on.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::domain::id::UserId;
use crate::domain::time::now_ms;
use crate::domain::user::User;
use crate::http::error::{AppError, ErrorBody, ErrorCode};
use crate::http::extract::{contains_nul, ApiKeyHeader, Caller, ForeignOrigin, Query, Tenant};
use crate::http::rate_limit::Budget;
use crate::http::state::AppState;
use crate::realtime::event::{Audience, Event, Presence};
use crate::realtime::hub::{Full, Registration};
use crate::service::{self, Actor};

/// Largest client message (and frame): a typing event needs a few hundred bytes, and nothing
/// bigger is ever buffered.
pub const MAX_CLIENT_MESSAGE: usize = 16 * 1024;

/// The library's buffers, kept small so that an idle socket costs little memory. The write buffer
/// is flushed at every message; it may hold one large event (a 10,000-character message) while a
/// slow client drains it, and no more.
const READ_BUFFER: usize = 4 * 1024;
const MAX_WRITE_BUFFER: usize = 128 * 1024;

/// The close codes the server sends (docs/API.md lists them for SDKs).
mod close {
    /// The server is shutting down: reconnect (to another process) after a short delay.
    pub const GOING_AWAY: (u16, &str) = (1001, "going away");
    /// The user holds too many sockets on this process.
    pub const TOO_MANY_FOR_USER: (u16, &str) = (1008, "too many connections for this user");
    /// A client message over `MAX_CLIENT_MESSAGE`.
    pub const TOO_BIG: (u16, &str) = (1009, "message too big");
    /// The process holds its maximum of sockets: retry with backoff.
    pub const TRY_AGAIN_LATER: (u16, &str) = (1013, "try again later");
    /// The client fell too far behind: reconnect and catch up by cursor.
    pub const SLOW_CONSUMER: (u16, &str) = (4000, "slow consumer");
    /// The token was revoked or the user removed: get a new token before reconnecting.
    pub const REVOKED: (u16, &str) = (4001, "token revoked");
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(connect))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct Handshake {
    /// The chat token.
    pub token: Option<String>,
    /// The resource's API key (or the `x-api-key` header).
    pub api_key: Option<String>,
}

/// Open the real-time connection: the server pushes `{"type", "data"}` events of the
/// conversations the user may see; the client may send `typing`.
///
/// The frames are described by the components `Event` and `ErrorFrame` (server to client) and
/// `ClientEvent` (client to server), also named in this operation's `x-websocket` extension.
#[utoipa::path(get, path = "/ws", tag = "realtime",
    params(Handshake),
    responses(
        (status = 101, description = "switching to the WebSocket protocol"),
        (status = 400, description = "not a WebSocket handshake", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ))]
async fn connect(
    State(state): State<AppState>,
    budget: Budget,
    Query(handshake): Query<Handshake>,
    ApiKeyHeader(key_header): ApiKeyHeader,
    ForeignOrigin(origin): ForeignOrigin,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let api_key = handshake.api_key.as_deref().or(key_header.as_deref());
    let tenant = Tenant::resolve(&state, &budget, api_key, origin.as_deref(), None).await?;
    let token = handshake.token.ok_or_else(|| {
        AppError::unauthorized("?token=<chatToken> is required", ErrorCode::MissingToken)
    })?;
    let caller = Caller::from_token(&token, tenant, &state, &budget).await?;
    let upgrade = upgrade.map_err(|_| AppError::BadRequest {
        message: "this route only upgrades to a WebSocket".into(),
        code: ErrorCode::WebsocketRequired,
    })?;
    let sessions = state.sessions.clone();
    Ok(upgrade
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .on_upgrade(move |socket| sessions.track_future(session(state, caller.user, socket))))
}

/// A socket whose every write has a deadline: a client that stops reading is dropped instead of
/// pinning its task (and its place in the caps) forever.
struct Socket {
    inner: WebSocket,
    write_timeout: Duration,
}

impl Socket {
    /// Sends `message`; `false` if the client is gone or did not take it in time.
    async fn send(&mut self, message: Message) -> bool {
        matches!(
            tokio::time::timeout(self.write_timeout, self.inner.send(message)).await,
            Ok(Ok(()))
        )
    }

    async fn close(&mut self, (code, reason): (u16, &'static str)) {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        self.send(Message::Close(Some(frame))).await;
    }
}

/// One connected socket, until either side closes, the client stops answering pings or reading,
/// its token is revoked, it falls too far behind, or the server shuts down.
async fn session(state: AppState, user: User, socket: WebSocket) {
    let mut socket = Socket {
        inner: socket,
        write_timeout: state.ws_write_timeout,
    };
    let Some((registration, mut events)) = start(&state, &user, &mut socket).await else {
        return;
    };
    let mut live = Live {
        state: &state,
        user,
        socket,
        awaiting_pong: false,
        frames: FrameLimit::default(),
    };
    let mut heartbeat = tokio::time::interval(state.heartbeat);
    loop {
        let flow = tokio::select! {
            frame = live.socket.inner.recv() => live.on_frame(frame).await,
            event = events.recv() => live.on_event(event).await,
            _ = heartbeat.tick() => live.on_heartbeat().await,
            () = state.shutdown.cancelled() => {
                live.socket.close(close::GOING_AWAY).await;
                ControlFlow::Break(())
            }
        };
        if flow.is_break() {
            break;
        }
    }
    drop(registration);
    if !state.hub.is_connected(&live.user.id) {
        announce_presence(&state, &live.user, false).await;
    }
}

/// Registers the socket with the hub, sends the ready frame and, for the user's first socket,
/// announces them online; `None` if the session ends before it starts.
async fn start(
    state: &AppState,
    user: &User,
    socket: &mut Socket,
) -> Option<(Registration, mpsc::Receiver<Arc<str>>)> {
    let (registration, events, first) =
        match state.hub.register(&user.resource_id, &user.id, user.role) {
            Ok(registered) => registered,
            Err(Full::User) => {
                socket.close(close::TOO_MANY_FOR_USER).await;
                return None;
            }
            Err(Full::Process) => {
                socket.close(close::TRY_AGAIN_LATER).await;
                return None;
            }
        };
    // From here on no event for this user is missed: a client that catches up by cursor after
    // this frame has no gap between history and live events.
    let ready = SessionFrame::Ready {
        user_id: user.id.clone(),
    };
    let ready = serde_json::to_string(&ready).unwrap_or_default();
    if !socket.send(Message::Text(ready.into())).await {
        return None;
    }
    if first {
        announce_presence(state, user, true).await;
    }
    Some((registration, events))
}

/// A started session: what its loop reads and changes.
struct Live<'a> {
    state: &'a AppState,
    user: User,
    socket: Socket,
    awaiting_pong: bool,
    frames: FrameLimit,
}

impl Live<'_> {
    /// A frame from the client (`None`: the connection is gone).
    async fn on_frame(&mut self, frame: Option<Result<Message, axum::Error>>) -> ControlFlow<()> {
        let reply = match frame {
            Some(Ok(Message::Text(text))) => match self.frames.admit(self.state, &self.user) {
                Ok(()) => client_event(self.state, &self.user, text.as_str()).await,
                Err(refusal) => refusal,
            },
            Some(Ok(Message::Binary(_))) => match self.frames.admit(self.state, &self.user) {
                Ok(()) => Some(error_frame(&AppError::bad_request(
                    "client events are JSON text frames",
                ))),
                Err(refusal) => refusal,
            },
            Some(Ok(Message::Pong(_))) => {
                self.awaiting_pong = false;
                None
            }
            Some(Ok(Message::Ping(_))) => None,
            Some(Ok(Message::Close(_))) | None => return ControlFlow::Break(()),
            Some(Err(error)) => {
                if is_too_big(error) {
                    self.socket.close(close::TOO_BIG).await;
                }
                return ControlFlow::Break(());
            }
        };
        match reply {
            Some(reply) => self.send(Message::Text(reply.into())).await,
            None => ControlFlow::Continue(()),
        }
    }

    /// An event from the hub (`None`: the hub dropped a client that fell too far behind).
    async fn on_event(&mut self, event: Option<Arc<str>>) -> ControlFlow<()> {
        match event {
            Some(json) => self.send(Message::Text(json.as_ref().into())).await,
            None => {
                self.socket.close(close::SLOW_CONSUMER).await;
                ControlFlow::Break(())
            }
        }
    }

    /// A heartbeat: ends a session whose client missed the last ping or whose token went stale,
    /// else pings.
    async fn on_heartbeat(&mut self) -> ControlFlow<()> {
        if self.awaiting_pong {
            return ControlFlow::Break(());
        }
        if !recheck(self.state, &mut self.user).await {
            self.socket.close(close::REVOKED).await;
            return ControlFlow::Break(());
        }
        let flow = self.send(Message::Ping(Bytes::new())).await;
        self.awaiting_pong = true;
        flow
    }

    async fn send(&mut self, message: Message) -> ControlFlow<()> {
        if self.socket.send(message).await {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    }
}

/// Whether a read failed because the client's message was over `MAX_CLIENT_MESSAGE`.
fn is_too_big(error: axum::Error) -> bool {
    error
        .into_inner()
        .downcast_ref::<tungstenite::Error>()
        .is_some_and(|error| matches!(error, tungstenite::Error::Capacity(_)))
}

/// Client frames count against the user's rate limit, whatever they hold: past it a frame is
/// dropped unread, and only the first one dropped in a row is answered.
#[derive(Default)]
struct FrameLimit {
    refusing: bool,
}

impl FrameLimit {
    /// Counts a frame; over the limit, the `error` frame to answer (`None` if already told).
    fn admit(&mut self, state: &AppState, user: &User) -> Result<(), Option<String>> {
        let decision = state.limits.charge_user(&user.resource_id, &user.id);
        if decision.allowed {
            self.refusing = false;
            return Ok(());
        }
        if std::mem::replace(&mut self.refusing, true) {
            return Err(None);
        }
        let error = AppError::RateLimited {
            retry_after: decision.reset_after_seconds,
        };
        Err(Some(error_frame(&error)))
    }
}

/// At each heartbeat: re-reads the user (a revoked token or a deleted user ends the session, a
/// role change applies to the events it gets) and refreshes their presence. `false` ends it.
async fn recheck(state: &AppState, user: &mut User) -> bool {
    match state.store.find_user(&user.resource_id, &user.id).await {
        Ok(Some(fresh)) if fresh.token_version == user.token_version => {
            state
                .hub
                .set_role(&fresh.resource_id, &fresh.id, fresh.role);
            *user = fresh;
        }
        Ok(_) => return false,
        Err(error) => tracing::warn!(%error, "heartbeat could not re-check the user"),
    }
    if let Err(error) = state
        .store
        .set_online_until(&user.id, online_deadline(state))
        .await
    {
        tracing::warn!(%error, "presence not refreshed");
    }
    true
}

/// Online lasts two heartbeats past the last sign of life.
fn online_deadline(state: &AppState) -> i64 {
    now_ms() + 2 * state.heartbeat.as_millis() as i64
}

/// Tells the user's chat partners that they came online or went offline, and records it.
async fn announce_presence(state: &AppState, user: &User, online: bool) {
    let until = if online {
        online_deadline(state)
    } else {
        now_ms()
    };
    if let Err(error) = state.store.set_online_until(&user.id, until).await {
        tracing::warn!(%error, "presence not recorded");
    }
    match state.store.p2p_partners(&user.resource_id, &user.id).await {
        Ok(partners) => {
            let audience = Audience {
                resource_id: user.resource_id.clone(),
                users: partners,
                roles_from: None,
                except: None,
            };
            let event = Event::Presence(Presence {
                user_id: user.id.clone(),
                online,
            });
            state.bus.publish(&audience, &event).await;
        }
        Err(error) => tracing::warn!(%error, "presence not announced"),
    }
}

/// A client-to-server WebSocket frame: what a client may send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", content = "data")]
pub enum ClientEvent {
    /// The user is typing in a conversation they may write in.
    #[serde(rename = "typing")]
    Typing {
        #[serde(rename = "conversationId")]
        #[schema(pattern = "^[0-9a-f]{24}$")]
        conversation_id: String,
    },
}

/// The frames about the socket itself, sent to that client alone (beside the `Event`s).
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", content = "data")]
pub enum SessionFrame {
    /// The first frame of every socket: the connection is authenticated and subscribed.
    #[serde(rename = "connection.ready")]
    Ready {
        #[serde(rename = "userId")]
        user_id: UserId,
    },
    /// The answer to a refused client frame.
    #[serde(rename = "error")]
    Error { message: String, code: ErrorCode },
}

/// Handles a client frame; the answer, if any, is an `error` event for that client alone.
async fn client_event(state: &AppState, user: &User, text: &str) -> Option<String> {
    let result = match parse_client_event(text) {
        Ok(ClientEvent::Typing { conversation_id }) => {
            let actor = Actor {
                store: &state.store,
                bus: &state.bus,
                user,
            };
            let typing = async {
                let id = service::conversation_id(&conversation_id)?;
                actor.typing(&id).await
            };
            typing.await.map_err(AppError::from)
        }
        Err(error) => Err(error),
    };
    result.err().map(|error| error_frame(&error))
}

/// A client event; NUL characters are refused as in HTTP bodies.
fn parse_client_event(text: &str) -> Result<ClientEvent, AppError> {
    let unknown =
        |error: serde_json::Error| AppError::bad_request(format!("unknown client event: {error}"));
    let value: Value = serde_json::from_str(text).map_err(unknown)?;
    if contains_nul(&value) {
        return Err(AppError::bad_request(
            "the event contains a NUL character (\\u0000)",
        ));
    }
    serde_json::from_value(value).map_err(unknown)
}

fn error_frame(error: &AppError) -> String {
    let frame = SessionFrame::Error {
        message: error.to_string(),
        code: error.code(),
    };
    serde_json::to_string(&frame).unwrap_or_default()
}
