//! Real-time delivery: events, the per-node hub of WebSocket connections, and the bus that
//! carries events to the hub.

pub mod bus;
pub mod event;
pub mod hub;
