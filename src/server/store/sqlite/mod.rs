//! The SQLite store: one file, WAL mode, `synchronous=FULL` (R1), a pool of
//! read-only connections and one writer connection, so writes queue inside
//! the app instead of failing with "database is locked" (R3). The queries
//! both engines share come from `store::common`; what is SQLite's own (group
//! search with FTS5) is in `groups.rs`.

mod groups;

use super::common::activity::activity_sql;
use super::common::groups::groups_sql;
use super::common::sessions::{
    close_analytics, end_sessions, insert_activity, session_list_columns, sessions_sql,
};
use super::common::throttle::throttle_sql;
use super::common::users::users_sql;
use super::common::{self, Changes};
use super::contract::*;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

/// Readers beyond a few per core only add memory on SQLite.
const MAX_READERS: u32 = 6;

pub struct SqliteStore {
    read: SqlitePool,
    write: SqlitePool,
    changes: Changes,
}

impl SqliteStore {
    /// Opens (creating when missing) the database file named by `url`.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, String> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|e| format!("invalid: {e}"))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-4000")
            // Reads of a large database go through the page cache of the OS
            // without a copy per page (search and browse at 100,000 groups).
            .pragma("mmap_size", "268435456");
        let path = opts.get_filename().to_path_buf();
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() && !dir.exists() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    format!(
                        "cannot create the folder for the SQLite database {}: {e}",
                        dir.display()
                    )
                })?;
            }
        }
        // An embedded connection cannot go stale: no test query before use.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(
                opts.clone()
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full),
            )
            .await
            .map_err(|e| e.to_string())?;
        // Read-only connections of the same file; in WAL mode they never
        // wait for the writer.
        let read = SqlitePoolOptions::new()
            .max_connections(max_connections.clamp(2, MAX_READERS))
            .min_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts.read_only(true))
            .await
            .map_err(|e| e.to_string())?;
        Ok(SqliteStore {
            read,
            write,
            changes: Changes::default(),
        })
    }

    fn reader(&self) -> &SqlitePool {
        &self.read
    }

    fn writer(&self) -> &SqlitePool {
        &self.write
    }
}

users_sql!(SqliteStore);
sessions_sql!(SqliteStore);
activity_sql!(SqliteStore);
throttle_sql!(SqliteStore);
groups_sql!(SqliteStore);

#[async_trait::async_trait]
impl Maintenance for SqliteStore {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> Result<(), String> {
        sqlx::migrate!("migrations/sqlite")
            .run(&self.write)
            .await
            .map_err(|e| e.to_string())
    }

    async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.read).await.is_ok()
    }

    async fn analyze(&self) -> StoreResult<()> {
        sqlx::query("ANALYZE").execute(&self.write).await?;
        Ok(())
    }

    async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}
