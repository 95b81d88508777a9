//! The store: every query the app runs, for SQLite and PostgreSQL alike.
//!
//! `Store` wraps one of two pools, picked from the database URL at start.
//! Most queries are one SQL text that both engines accept (`$1` placeholders,
//! timestamps bound from Rust); the `on_read!`/`on_write!` macros stamp that body out
//! once per pool type. Where the dialects differ, the method matches on the
//! engine itself. The contract tests in `tests/store.rs` run against both.
//!
//! SQLite gets a pool of readers and a single writer connection: writes queue
//! inside the app instead of failing with "database is locked" (R3).

/// Runs `$body` with `$pool` bound to a pool that may read.
macro_rules! on_read {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::server::store::Db::Sqlite { read, .. } => {
                let $pool = read;
                $body
            }
            $crate::server::store::Db::Postgres(pg) => {
                let $pool = pg;
                $body
            }
        }
    };
}

/// Runs `$body` with `$pool` bound to a pool that may write.
macro_rules! on_write {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::server::store::Db::Sqlite { write, .. } => {
                let $pool = write;
                $body
            }
            $crate::server::store::Db::Postgres(pg) => {
                let $pool = pg;
                $body
            }
        }
    };
}

mod activity;
mod direct;
mod groups;
mod readers;
mod sessions;
mod throttle;
mod users;

pub use activity::*;
pub use groups::*;
pub use sessions::*;
pub use throttle::*;
pub use users::*;

pub use direct::{Direct, Memo};
pub use readers::Readers;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

/// Errors of the data layer. None of their text is meant for a person.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the text names what collided.
    #[error("conflict on {0}")]
    Conflict(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                let what = db
                    .constraint()
                    .map(str::to_string)
                    .unwrap_or_else(|| db.message().to_string());
                StoreError::Conflict(what)
            }
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Other(e.to_string()),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        read: Readers,
        write: SqlitePool,
        /// The hot reads, on the calling thread (`direct.rs`).
        direct: std::sync::Arc<Direct>,
        /// The sessions page's rows per user, kept until the database changes.
        lists: std::sync::Arc<Memo<SessionLists>>,
    },
    Postgres(PgPool),
}

#[derive(Clone, Debug)]
pub struct Store {
    pub db: Db,
}

/// Why the store could not be opened, in one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unsupported database URL {0}: use sqlite://PATH or postgres://…")]
    Scheme(String),
    #[error("invalid database URL {0}: {1}")]
    Invalid(String, String),
    #[error("cannot create the folder for the SQLite database {0}: {1}")]
    Folder(String, String),
    #[error("cannot open the database {0}: {1}")]
    Open(String, String),
    #[error("cannot apply migrations: {0}")]
    Migrate(String),
}

impl Store {
    /// Opens the database named by `url` (`sqlite://…` or `postgres://…`).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, ConnectError> {
        let shown = super::config::DatabaseUrl(url.to_string()).to_string();
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| ConnectError::Invalid(shown.clone(), e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("temp_store", "memory")
                .pragma("cache_size", "-4000")
                // Reads of a large database go through the page cache of the
                // OS without a copy per page (search and browse at 100,000 groups).
                .pragma("mmap_size", "268435456");
            let path = opts.get_filename().to_path_buf();
            if let Some(dir) = path.parent() {
                if !dir.as_os_str().is_empty() && !dir.exists() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        ConnectError::Folder(dir.display().to_string(), e.to_string())
                    })?;
                }
            }
            // An embedded connection cannot go stale, so no test query
            // (a round trip to its thread) before each use.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts.clone())
                .await
                .map_err(|e| ConnectError::Open(shown.clone(), e.to_string()))?;
            // Readers beyond a few per core only add memory on SQLite.
            let read = Readers::open(
                opts,
                max_connections.clamp(2, 6) as usize,
                Duration::from_secs(10),
            )
            .await
            .map_err(|e| ConnectError::Open(shown.clone(), e.to_string()))?;
            let direct = Direct::open(&path).map_err(|e| ConnectError::Open(shown.clone(), e))?;
            Ok(Store {
                db: Db::Sqlite {
                    read,
                    write,
                    direct: std::sync::Arc::new(direct),
                    lists: Default::default(),
                },
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| ConnectError::Invalid(shown.clone(), e.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections.max(2))
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await
                .map_err(|e| ConnectError::Open(shown.clone(), e.to_string()))?;
            Ok(Store {
                db: Db::Postgres(pool),
            })
        } else {
            Err(ConnectError::Scheme(shown))
        }
    }

    /// Applies pending migrations. Running it again is a no-op; on PostgreSQL
    /// sqlx holds an advisory lock, so instances starting together apply them once.
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        match &self.db {
            Db::Sqlite { write, .. } => sqlx::migrate!("migrations/sqlite")
                .run(write)
                .await
                .map_err(|e| ConnectError::Migrate(e.to_string())),
            Db::Postgres(pg) => sqlx::migrate!("migrations/postgres")
                .run(pg)
                .await
                .map_err(|e| ConnectError::Migrate(e.to_string())),
        }
    }

    pub fn engine(&self) -> &'static str {
        match self.db {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Is the database answering? For `/readyz`.
    pub async fn ping(&self) -> bool {
        let fut =
            async { on_read!(self, pool => sqlx::query("SELECT 1").execute(pool).await.is_ok()) };
        tokio::time::timeout(Duration::from_secs(2), fut)
            .await
            .unwrap_or(false)
    }

    /// Refreshes the planner's statistics after a bulk load such as seeding;
    /// on PostgreSQL also marks the new pages all-visible (VACUUM), which
    /// index-only scans of `group_words` rely on.
    pub async fn analyze(&self) -> StoreResult<()> {
        match &self.db {
            Db::Sqlite { write, .. } => {
                sqlx::query("ANALYZE").execute(write).await?;
            }
            Db::Postgres(pg) => {
                sqlx::query("VACUUM ANALYZE").execute(pg).await?;
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite {
                read,
                write,
                direct,
                ..
            } => {
                direct.close();
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pg) => pg.close().await,
        }
    }
}

/// A new UUID v7 as text, the form every VARCHAR id column holds.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
