//! What every service is handed: the store, the settings and the server's
//! shared helpers. Cheap to clone (one reference count).

use super::clock::Clock;
use super::config::ServeSettings;
use super::crypto::Sealer;
use super::geo::Geo;
use super::mail::Mailer;
use super::passwords::Passwords;
use super::store::Store;
use super::tokens::Signer;
use super::tracker::ActivityTracker;
use std::sync::Arc;

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

/// What the state holds.
pub struct Shared {
    pub store: Store,
    pub settings: Arc<ServeSettings>,
    pub clock: Arc<dyn Clock>,
    pub passwords: Passwords,
    /// Signs email links.
    pub signer: Signer,
    /// Seals values kept by browsers or at rest.
    pub sealer: Sealer,
    pub mailer: Mailer,
    pub tracker: ActivityTracker,
    pub geo: Geo,
    /// When each account was last sent a sign-in alert, by kind (at most one
    /// per 10 minutes; per instance).
    pub last_alert:
        std::sync::Mutex<std::collections::HashMap<String, chrono::DateTime<chrono::Utc>>>,
}

impl Shared {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
