//! HTTP tests of the whole API against a real server (see `helpers`).

mod admin;
mod cli;
mod errors;
mod helpers;
mod ops;
mod p2p;
mod resources;
mod roles;
mod support;
mod tokens;
mod users;
mod ws;
