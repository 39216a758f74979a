//! `GET /api/v1/ws`: the real-time connection. Authenticated before the upgrade (browsers cannot
//! set headers on a WebSocket, so the token and key come in the query string); then one task per
//! socket selects over client frames, hub events and the heartbeat.

use axum::body::Bytes;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::app::AppState;
use crate::domain::conversation::Access;
use crate::domain::time::now_ms;
use crate::domain::user::User;
use crate::error::{AppError, ErrorBody};
use crate::http::extract::{Caller, Query, Tenant};
use crate::realtime::event::{Audience, Event, Presence, Typing};

/// Sockets one user may hold open on one server process (tabs, devices); more is abuse.
const MAX_CONNECTIONS_PER_USER: usize = 32;

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
#[utoipa::path(get, path = "/ws", tag = "realtime",
    params(Handshake),
    responses(
        (status = 101, description = "switching to the WebSocket protocol"),
        (status = 400, description = "not a WebSocket handshake", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ))]
async fn connect(
    State(state): State<AppState>,
    Query(handshake): Query<Handshake>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let api_key = handshake.api_key.as_deref().or(header("x-api-key"));
    let tenant = Tenant::resolve(&state, api_key, header(header::ORIGIN.as_str()), None).await?;
    let token = handshake
        .token
        .ok_or_else(|| AppError::unauthorized("?token=<chatToken> is required", "missing_token"))?;
    let caller = Caller::from_token(&token, tenant, &state).await?;
    if state.hub.connections_of(&caller.user.id) >= MAX_CONNECTIONS_PER_USER {
        return Err(AppError::forbidden(
            "too many open connections for this user on this server",
        ));
    }
    let upgrade = upgrade.map_err(|_| AppError::BadRequest {
        message: "this route only upgrades to a WebSocket".into(),
        code: "websocket_required",
    })?;
    Ok(upgrade.on_upgrade(move |socket| session(state, caller.user, socket)))
}

/// One connected socket, until either side closes, the client stops answering pings, its token
/// is revoked, or it falls too far behind.
async fn session(state: AppState, mut user: User, mut socket: WebSocket) {
    let (registration, mut events, first) =
        state.hub.register(&user.resource_id, &user.id, user.role);
    // From here on no event for this user is missed: a client that catches up by cursor after
    // this frame has no gap between history and live events.
    let ready = json!({ "type": "connection.ready", "data": { "userId": user.id } }).to_string();
    if socket.send(Message::Text(ready.into())).await.is_err() {
        return;
    }
    if first {
        announce_presence(&state, &user, true).await;
    }
    let mut heartbeat = tokio::time::interval(state.heartbeat);
    let mut awaiting_pong = false;
    loop {
        tokio::select! {
            frame = socket.recv() => match frame {
                Some(Ok(Message::Text(text))) => {
                    if let Some(reply) = client_event(&state, &user, text.as_str()).await {
                        if socket.send(Message::Text(reply.into())).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(Message::Pong(_))) => awaiting_pong = false,
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            event = events.recv() => match event {
                Some(json) => {
                    if socket.send(Message::Text(json.as_ref().into())).await.is_err() {
                        break;
                    }
                }
                // The hub dropped this connection: it fell too far behind.
                None => break,
            },
            _ = heartbeat.tick() => {
                if awaiting_pong || !recheck(&state, &mut user).await {
                    break;
                }
                if socket.send(Message::Ping(Bytes::new())).await.is_err() {
                    break;
                }
                awaiting_pong = true;
            }
        }
    }
    drop(registration);
    if !state.hub.is_connected(&user.id) {
        announce_presence(&state, &user, false).await;
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
                ..Audience::default()
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

/// What a client may send.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", content = "data")]
enum ClientEvent {
    #[serde(rename = "typing")]
    Typing {
        #[serde(rename = "conversationId")]
        conversation_id: String,
    },
}

/// Handles a client frame; the answer, if any, is an `error` event for that client alone.
async fn client_event(state: &AppState, user: &User, text: &str) -> Option<String> {
    let result = match serde_json::from_str::<ClientEvent>(text) {
        Ok(ClientEvent::Typing { conversation_id }) => typing(state, user, conversation_id).await,
        Err(error) => Err(AppError::bad_request(format!(
            "unknown client event: {error}"
        ))),
    };
    result.err().map(|error| {
        json!({ "type": "error", "data": { "message": error.to_string(), "code": error.code() } })
            .to_string()
    })
}

/// Relays "typing" to the others who may see the conversation, if the user may write in it.
async fn typing(state: &AppState, user: &User, conversation_id: String) -> Result<(), AppError> {
    if !state.user_limiter.check(&user.id, now_ms()).allowed {
        return Err(AppError::RateLimited { retry_after: 60 });
    }
    let conversation = state
        .store
        .find_conversation(&user.resource_id, &conversation_id)
        .await?
        .ok_or(AppError::NotFound("conversation"))?;
    match conversation.access(user) {
        Some(Access::Member(_)) => {}
        Some(Access::Observer) => return Err(AppError::forbidden("moderators only read here")),
        None => return Err(AppError::NotFound("conversation")),
    }
    let audience = Audience::of(&conversation).except(&user.id);
    let event = Event::Typing(Typing {
        conversation_id,
        user_id: user.id.clone(),
    });
    state.bus.publish(&audience, &event).await;
    Ok(())
}
