//! Cache invalidations between server processes: each process publishes the cache entries its
//! writes made stale, and drops those the others publish. See `store/cache.rs` for the bounds.

use futures_util::StreamExt;
use tokio::sync::broadcast::error::RecvError;

use crate::store::{Stale, Store};

/// The NATS subject of invalidations.
const SUBJECT: &str = "chatcloud.stale";

/// Publishes this process's invalidations and applies everyone else's, for as long as the
/// connection lives.
pub async fn share(client: &async_nats::Client, store: &Store) -> anyhow::Result<()> {
    let mut incoming = client.subscribe(SUBJECT).await?;
    let receiving = store.clone();
    tokio::spawn(async move {
        while let Some(message) = incoming.next().await {
            match serde_json::from_slice::<Stale>(&message.payload) {
                Ok(entry) => receiving.drop_stale(&entry),
                Err(error) => tracing::warn!(%error, "undecodable invalidation from NATS"),
            }
        }
    });
    let mut outgoing = store.stale_entries();
    let publisher = client.clone();
    tokio::spawn(async move {
        loop {
            let entry = match outgoing.recv().await {
                Ok(entry) => entry,
                // Others fall back on the entries' lifetime for what was skipped.
                Err(RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "invalidations not published");
                    continue;
                }
                Err(RecvError::Closed) => return,
            };
            let Ok(payload) = serde_json::to_vec(&entry) else {
                continue;
            };
            if let Err(error) = publisher.publish(SUBJECT, payload.into()).await {
                tracing::warn!(%error, "invalidation not published to NATS");
            }
        }
    });
    Ok(())
}
