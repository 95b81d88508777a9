//! Server functions, by feature. Each is a stable POST endpoint under
//! `/api/`, says on its `///` line who may call it, parses its arguments into
//! domain types, takes the caller from [`ctx`], calls one service in
//! `server::<feature>` and returns data (serde types), never HTML. No SQL
//! and no HTTP status decisions here: the web layer maps errors to statuses.

pub mod account;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod ctx;
pub mod groups;
pub mod sessions;
