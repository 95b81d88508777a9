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

/// Cheap to clone: one reference count. Every middleware layer and handler
/// takes its own copy per request, and a struct of a dozen `Arc`s and
/// `LeptosOptions`' strings made that copying a third of the CPU time of a
/// cached page (perf, `/login`).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl From<Shared> for AppState {
    fn from(shared: Shared) -> Self {
        AppState(Arc::new(shared))
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// What the state holds.
pub struct Shared {
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

impl Shared {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
