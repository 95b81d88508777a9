//! The PostgreSQL store: one pool; several instances may share the
//! database (R6). The queries both engines share come from
//! `store::common`; what is PostgreSQL's own (group search with a tsvector
//! table) is in `groups.rs`.

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
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

pub struct PgStore {
    pool: PgPool,
    changes: Changes,
}

impl PgStore {
    /// Connects to the database named by `url`.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, String> {
        let opts = PgConnectOptions::from_str(url).map_err(|e| format!("invalid: {e}"))?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(2))
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(opts)
            .await
            .map_err(|e| e.to_string())?;
        Ok(PgStore {
            pool,
            changes: Changes::default(),
        })
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    /// The rows of the sessions page, in one query.
    async fn session_list_rows(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionListRow>> {
        Ok(sqlx::query_as::<_, SessionListRow>(session_list_rows!())
            .bind(user_id)
            .bind(since)
            .fetch_all(&self.pool)
            .await?)
    }
}

users_sql!(PgStore);
sessions_sql!(PgStore);
activity_sql!(PgStore);
throttle_sql!(PgStore);
groups_sql!(PgStore);

#[async_trait::async_trait]
impl Maintenance for PgStore {
    fn engine(&self) -> &'static str {
        "postgres"
    }

    async fn migrate(&self) -> Result<(), String> {
        sqlx::migrate!("migrations/postgres")
            .run(&self.pool)
            .await
            .map_err(|e| e.to_string())
    }

    async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Also marks the new pages all-visible (VACUUM), which index-only scans
    /// of `group_words` rely on.
    async fn analyze(&self) -> StoreResult<()> {
        sqlx::query("VACUUM ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}
