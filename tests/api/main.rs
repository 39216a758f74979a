//! HTTP tests of the whole API against a real server (see `helpers`).

mod admin;
mod cli;
mod console;
mod disk_full;
mod errors;
mod hardening;
mod helpers;
mod identity;
mod limits;
mod metadata;
mod openapi;
mod ops;
mod p2p;
mod policy;
mod profiles;
mod readme;
mod resources;
mod roles;
mod statements;
mod support;
mod tokens;
mod unread;
mod users;
mod widget;
mod ws;
mod ws_limits;
