//! The SQLite store: one file, WAL mode, `synchronous=FULL` (R1), a pool of
//! read-only connections and one writer connection, so writes queue inside
//! the app instead of failing with "database is locked" (R3). The queries
//! both engines share come from `store::common`; what is SQLite's own (group
//! search with FTS5) is in `groups.rs`.

mod groups;

use super::common::activity::activity_sql;
use super::common::groups::groups_sql;
use super::common::sessions::{
    close_analytics, end_sessions, insert_activity, session_list_columns, session_list_rows,
    sessions_sql,
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

    /// The rows of the sessions page as one JSON value: sqlx hands each
    /// SQLite row over from the connection's thread and copies each value,
    /// and for the page's 20 or so rows of 20 columns that was a large part
    /// of its cost (docs/benchmarks.md); the rows are the same as
    /// PostgreSQL's (contract test `session_lists_read_the_same`).
    async fn session_list_rows(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionListRow>> {
        const SQL: &str = concat!(
            "SELECT json_group_array(json_object(\
             'id', id, 'client_ip', client_ip, 'user_agent', user_agent, 'location', location, \
             'last_activity', last_activity, 'created_at', created_at, 'expires_at', expires_at, \
             'revoked_at', revoked_at, 'revocation_reason', revocation_reason, \
             'login_method', login_method, 'request_count', request_count, \
             'suspicious_activity', CASE WHEN suspicious_activity THEN json('true') ELSE json('false') END, \
             'device_type', device_type, 'browser', browser, 'os', os, 'country', country, \
             'city', city, 'security_score', security_score, 'failed_actions', failed_actions, \
             'signals', signals)) FROM (",
            session_list_rows!(),
            ")"
        );
        let json: Option<String> = sqlx::query_scalar(SQL)
            .bind(user_id)
            .bind(since)
            .fetch_one(&self.read)
            .await?;
        match json {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| StoreError::Other(format!("session list: {e}"))),
            None => Ok(Vec::new()),
        }
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
