//! HTTP tests of the whole API against a real server (see `helpers`).

mod cli;
mod errors;
mod helpers;
mod ops;
mod resources;
mod tokens;
mod users;
