//! The store: every query the app runs, behind one trait per aggregate
//! (`contract`), implemented once per engine (`sqlite`, `postgres`) and
//! chosen once, from the database URL, at start-up. The SQL both engines
//! accept is written once (`common`). The contract tests in
//! `tests/store.rs` run every trait against both engines.

pub mod common;
pub mod contract;
mod database_url;
mod postgres;
mod sqlite;

pub use contract::*;
pub use database_url::DatabaseUrl;

use std::sync::Arc;

/// Every aggregate's queries on one database. Cloning shares it.
#[derive(Clone)]
pub struct Store {
    pub users: Arc<dyn Users>,
    pub sessions: Arc<dyn Sessions>,
    pub activity: Arc<dyn Activity>,
    pub throttle: Arc<dyn Throttle>,
    pub groups: Arc<dyn Groups>,
    /// Migrations, health, statistics.
    pub db: Arc<dyn Maintenance>,
}

/// Why the store could not be opened, in one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unsupported database URL {0}: use sqlite://PATH or postgres://…")]
    Scheme(String),
    #[error("cannot open the database {0}: {1}")]
    Open(String, String),
    #[error("cannot apply migrations: {0}")]
    Migrate(String),
}

impl Store {
    /// Opens the database named by `url` (`sqlite://…` or `postgres://…`).
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, ConnectError> {
        let shown = || DatabaseUrl(url).to_string();
        if url.starts_with("sqlite:") {
            let s = sqlite::SqliteStore::open(url, max_connections)
                .await
                .map_err(|e| ConnectError::Open(shown(), e))?;
            Ok(Self::of(s))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let s = postgres::PgStore::open(url, max_connections)
                .await
                .map_err(|e| ConnectError::Open(shown(), e))?;
            Ok(Self::of(s))
        } else {
            Err(ConnectError::Scheme(shown()))
        }
    }

    fn of<S>(engine: S) -> Self
    where
        S: Users + Sessions + Activity + Throttle + Groups + Maintenance + 'static,
    {
        let s = Arc::new(engine);
        Store {
            users: s.clone(),
            sessions: s.clone(),
            activity: s.clone(),
            throttle: s.clone(),
            groups: s.clone(),
            db: s,
        }
    }

    /// Applies pending migrations (see [`Maintenance::migrate`]).
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        self.db.migrate().await.map_err(ConnectError::Migrate)
    }
}
