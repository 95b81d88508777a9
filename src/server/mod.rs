//! Everything that runs only on the server: configuration, the HTTP stack,
//! sessions, passwords, mail and the store.

pub mod accounts;
pub mod assets;
pub mod cli;
pub mod clock;
pub mod config;
pub mod groups;
pub mod http;
pub mod mail;
pub mod pagecache;
pub mod passwords;
pub mod router;
pub mod security;
pub mod seed;
pub mod session;
pub mod sessions;
pub mod splice;
pub mod state;
pub mod store;
pub mod throttle;
pub mod tokens;
pub mod typed_login;
pub mod useragent;

/// mimalloc's `mi_option_arena_eager_commit` (mimalloc.h; the same in v2 and v3).
pub const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
/// mimalloc's `mi_option_purge_delay` (mimalloc.h; the same in v2 and v3).
pub const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
