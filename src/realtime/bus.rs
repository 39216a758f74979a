//! The one path from a handler to the sockets: `publish` after the write committed. A single
//! process delivers to its own hub; with NATS every process publishes to one subject and every
//! process (itself included) delivers what it receives to its hub, so each event reaches each
//! socket exactly once, whichever node the socket is on.

use std::sync::Arc;

use anyhow::Context;
use axum::body::Bytes;
use futures_util::StreamExt;
use prometheus_client::metrics::counter::Counter;

use super::event::{Audience, Event};
use super::hub::Hub;
use super::stale;
use crate::store::Store;

/// The NATS subject of every event (the audience travels in the payload).
const SUBJECT: &str = "chatcloud.events";

#[derive(Clone)]
pub struct Bus {
    hub: Arc<Hub>,
    nats: Option<async_nats::Client>,
    /// Events this process published (to NATS or to its own hub).
    pub published: Counter,
}

impl Bus {
    /// A bus over NATS if `nats_url` is given, else local to this process. Over NATS the
    /// processes also share cache invalidations, and a process that reconnects to NATS drops
    /// its whole cache (it may have missed some).
    pub async fn connect(
        hub: Arc<Hub>,
        store: &Store,
        nats_url: Option<&str>,
    ) -> anyhow::Result<Bus> {
        let Some(url) = nats_url else {
            return Ok(Bus {
                hub,
                nats: None,
                published: Counter::default(),
            });
        };
        let flushing = store.clone();
        let client = async_nats::ConnectOptions::new()
            .event_callback(move |event| {
                if let async_nats::Event::Connected = event {
                    flushing.flush_cache();
                }
                async {}
            })
            .connect(url)
            .await
            .with_context(|| format!("connecting to NATS at {url}"))?;
        stale::share(&client, store)
            .await
            .context("subscribing to invalidations on NATS")?;
        let mut subscriber = client
            .subscribe(SUBJECT)
            .await
            .context("subscribing to events on NATS")?;
        let receiving_hub = Arc::clone(&hub);
        tokio::spawn(async move {
            while let Some(message) = subscriber.next().await {
                deliver_payload(&receiving_hub, &message.payload);
            }
        });
        Ok(Bus {
            hub,
            nats: Some(client),
            published: Counter::default(),
        })
    }

    /// Sends `event` to `audience`, serialised once.
    pub async fn publish(&self, audience: &Audience, event: &Event) {
        let json = match serde_json::to_string(event) {
            Ok(json) => json,
            Err(error) => return tracing::error!(%error, "event not serialisable"),
        };
        self.published.inc();
        let Some(client) = &self.nats else {
            return self.hub.deliver(audience, &Arc::from(json));
        };
        match encode(audience, &json) {
            Ok(payload) => {
                if let Err(error) = client.publish(SUBJECT, payload).await {
                    // Events are hints (clients catch up by cursor); keep this node's sockets
                    // informed at least.
                    tracing::warn!(%error, "event not published to NATS");
                    self.hub.deliver(audience, &Arc::from(json));
                }
            }
            Err(error) => tracing::error!(%error, "audience not serialisable"),
        }
    }

    /// Whether the NATS connection is up; `None` without NATS.
    pub fn nats_connected(&self) -> Option<bool> {
        self.nats
            .as_ref()
            .map(|client| client.connection_state() == async_nats::connection::State::Connected)
    }
}

/// `<audience JSON>\n<event JSON>`: compact JSON has no raw newline, so the first one splits.
fn encode(audience: &Audience, event_json: &str) -> serde_json::Result<Bytes> {
    let audience_json = serde_json::to_string(audience)?;
    Ok(Bytes::from(format!("{audience_json}\n{event_json}")))
}

fn deliver_payload(hub: &Hub, payload: &[u8]) {
    let decoded = std::str::from_utf8(payload)
        .ok()
        .and_then(|text| text.split_once('\n'))
        .and_then(|(audience, event)| {
            let audience: Audience = serde_json::from_str(audience).ok()?;
            Some((audience, event))
        });
    match decoded {
        Some((audience, event)) => hub.deliver(&audience, &Arc::from(event)),
        None => tracing::warn!("undecodable event from NATS"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::id::test_user_id;
    use crate::domain::resource::ResourceId;
    use crate::domain::role::Role;

    #[tokio::test]
    async fn payloads_round_trip_to_the_hub() {
        let hub = Arc::new(Hub::new(10));
        let (_registration, mut events, _) = hub
            .register(&ResourceId::named("r"), &test_user_id("alice"), Role::User)
            .expect("room");
        let audience = Audience {
            resource_id: ResourceId::named("r"),
            users: vec![test_user_id("alice")],
            roles_from: None,
            except: None,
        };
        let payload =
            encode(&audience, r#"{"type":"typing","data":{"text":"a\nb"}}"#).expect("encodes");
        deliver_payload(&hub, &payload);
        let delivered = events.try_recv().expect("delivered");
        assert_eq!(&*delivered, r#"{"type":"typing","data":{"text":"a\nb"}}"#);
        deliver_payload(&hub, b"garbage");
        assert!(events.try_recv().is_err());
    }
}
