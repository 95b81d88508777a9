//! The one integration-test binary: the real router on port 0 against a
//! fresh SQLite file and a fresh PostgreSQL database.
#![cfg(feature = "ssr")]

mod accounts;
mod architecture;
mod cli;
mod geoip;
mod groups;
mod helpers;
mod http;
mod injection;
mod schema;
mod sessions;
mod store;
