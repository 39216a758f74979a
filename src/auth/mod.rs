//! Credentials: API keys and secrets of resources, chat tokens of users, the operator key.

pub mod jwt;
pub mod keys;
