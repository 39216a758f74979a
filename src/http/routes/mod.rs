//! One file per resource of the API, each with its own `router()`.

pub mod admin;
pub mod console;
pub mod conversations;
pub mod docs;
pub mod health;
pub mod p2p;
pub mod presence;
pub mod resources;
pub mod support;
pub mod user_admin;
pub mod users;
pub mod widget;
pub mod ws;
