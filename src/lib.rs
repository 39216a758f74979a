//! ChatCloud: a hosted chat API (1:1 chat, support tickets, admin panel) for websites.

/// API keys, secrets, chat tokens.
pub mod auth;
/// The command line.
pub mod cli;
/// Server settings from flags and `CHATCLOUD_*` variables.
pub mod config;
/// Pure domain types and rules.
pub mod domain;
/// Routes, extractors, middleware.
pub mod http;
/// Real-time events: the connection hub and the bus.
pub mod realtime;
/// The HTTP server: accept loop, connection timeouts, graceful shutdown.
pub mod server;
/// The operations of the API over conversations and messages, typed and free of HTTP.
pub mod service;
/// SQL storage over SQLite or PostgreSQL.
pub mod store;
/// Creating resources with fresh keys.
pub mod tenants;
