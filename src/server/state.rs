//! The application state handed to handlers and server functions.

use super::clock::Clock;
use super::config::ServeSettings;
use super::mail::Mailer;
use super::passwords::Passwords;
use super::session::ActivityTracker;
use super::store::Store;
use super::tokens::Signer;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub settings: Arc<ServeSettings>,
    pub clock: Arc<dyn Clock>,
    pub passwords: Passwords,
    pub signer: Signer,
    pub mailer: Mailer,
    pub tracker: ActivityTracker,
    pub assets: super::assets::Assets,
    pub page_cache: super::pagecache::PageCache,
    /// When each user was last sent a sign-in alert (at most one per 10 minutes).
    pub last_alert:
        Arc<std::sync::Mutex<std::collections::HashMap<String, chrono::DateTime<chrono::Utc>>>>,
    pub geo: Option<Arc<maxminddb::Reader<Vec<u8>>>>,
}

impl AppState {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
