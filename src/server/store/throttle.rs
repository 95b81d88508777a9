//! Queries on `login_throttle`: sign-in failure counters shared by every
//! instance on one database (S10, S11, R6).

use super::{Store, StoreResult};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThrottleRow {
    pub failures: i32,
    pub window_start: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Store {
    pub async fn throttle_get(&self, key: &str) -> StoreResult<Option<ThrottleRow>> {
        on_read!(self, pool => Ok(sqlx::query_as::<_, ThrottleRow>(
            "SELECT failures, window_start, locked_until FROM login_throttle WHERE key = $1",
        ).bind(key).fetch_optional(pool).await?))
    }

    /// Counts one failure against `key`, starting a new window when the old
    /// one is over, and returns the new count. `lock_for` decides the lock
    /// from the count.
    pub async fn throttle_fail(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window_start_min: DateTime<Utc>,
        lock_for: impl Fn(i32) -> Option<chrono::Duration>,
    ) -> StoreResult<i32> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            // The upsert is atomic on both engines; a stale window restarts at 1.
            let failures: i32 = sqlx::query_scalar(
                "INSERT INTO login_throttle (key, failures, window_start, locked_until, updated_at) \
                 VALUES ($1, 1, $2, NULL, $2) \
                 ON CONFLICT (key) DO UPDATE SET \
                   failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END, \
                   window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END, \
                   updated_at = $2 \
                 RETURNING failures",
            )
            .bind(key).bind(now).bind(window_start_min)
            .fetch_one(&mut *tx).await?;
            if let Some(lock) = lock_for(failures) {
                sqlx::query("UPDATE login_throttle SET locked_until = $2 WHERE key = $1")
                    .bind(key).bind(now + lock).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(failures)
        })
    }

    pub async fn throttle_reset(&self, key: &str) -> StoreResult<()> {
        on_write!(self, pool => {
            sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(pool).await?;
            Ok(())
        })
    }

    /// Removes counters whose window and lock are long over.
    pub async fn throttle_cleanup(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        on_write!(self, pool => {
            let r = sqlx::query(
                "DELETE FROM login_throttle WHERE window_start < $1 AND (locked_until IS NULL OR locked_until < $1)",
            ).bind(before).execute(pool).await?;
            Ok(r.rows_affected())
        })
    }
}
