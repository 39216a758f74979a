//! Pure types and rules of the chat domain: no I/O, unit-tested in place.

pub mod conversation;
pub mod error;
pub mod id;
pub mod message;
pub mod metadata;
pub mod page;
pub mod policy;
pub mod resource;
pub mod role;
pub mod stats;
pub mod ticket;
pub mod time;
pub mod user;
