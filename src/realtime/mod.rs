//! Real-time delivery: events, the per-node hub of WebSocket connections, the bus that carries
//! events to the hubs, and the cache invalidations that travel beside them.

pub mod bus;
pub mod event;
pub mod hub;
mod stale;
