//! Everything that runs only on the server. From the bottom up (see
//! docs/architecture.md): leaf helpers (`clock`, `config`, `cookies`,
//! `crypto`, `geo`, `mail`, `moments`, `passwords`, `tokens`, `useragent`),
//! the `store`, what every service shares (`state`, `request`, `events`,
//! `links`, `lifetimes`, `security`, `throttle`, `tracker`), the services by
//! feature (`accounts`, `sessions`, `groups`), and on top the `web` layer,
//! start-up (`boot`) and the command line (`cli`, `seed`).

pub mod accounts;
pub mod boot;
pub mod cli;
pub mod clock;
pub mod config;
pub mod cookies;
pub mod crypto;
pub mod events;
pub mod geo;
pub mod groups;
pub mod lifetimes;
pub mod links;
pub mod mail;
pub mod moments;
pub mod passwords;
pub mod request;
pub mod security;
pub mod seed;
pub mod sessions;
pub mod state;
pub mod store;
pub mod throttle;
pub mod tokens;
pub mod tracker;
pub mod useragent;
pub mod web;
