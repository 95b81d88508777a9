//! Queries on `login_throttle`: sign-in failure counters shared by every
//! instance on one database (S10, S11, R6).

use super::{Store, StoreResult};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThrottleRow {
    pub failures: i32,
    pub window_start: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
    /// Failures in a row, across windows; only a reset clears it.
    pub consecutive: i32,
}

/// What [`Store::throttle_fail`] counted: failures in this window and in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCount {
    pub in_window: i32,
    pub in_a_row: i32,
}

impl Store {
    pub async fn throttle_get(&self, key: &str) -> StoreResult<Option<ThrottleRow>> {
        on_read!(self, pool => Ok(sqlx::query_as::<_, ThrottleRow>(
            "SELECT failures, window_start, locked_until, consecutive FROM login_throttle WHERE key = $1",
        ).bind(key).fetch_optional(pool).await?))
    }

    /// Counts one failure against `key`, starting a new window when the old
    /// one is over (the count in a row goes on), and returns both counts.
    /// `lock_for` decides the lock from them.
    pub async fn throttle_fail(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window_start_min: DateTime<Utc>,
        lock_for: impl Fn(FailureCount) -> Option<chrono::Duration>,
    ) -> StoreResult<FailureCount> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            // The upsert is atomic on both engines; a stale window restarts at 1.
            let (in_window, in_a_row): (i32, i32) = sqlx::query_as(
                "INSERT INTO login_throttle (key, failures, window_start, locked_until, updated_at, consecutive) \
                 VALUES ($1, 1, $2, NULL, $2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                   failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END, \
                   window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END, \
                   consecutive = login_throttle.consecutive + 1, \
                   updated_at = $2 \
                 RETURNING failures, consecutive",
            )
            .bind(key).bind(now).bind(window_start_min)
            .fetch_one(&mut *tx).await?;
            let count = FailureCount { in_window, in_a_row };
            if let Some(lock) = lock_for(count) {
                sqlx::query("UPDATE login_throttle SET locked_until = $2 WHERE key = $1")
                    .bind(key).bind(now + lock).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(count)
        })
    }

    pub async fn throttle_reset(&self, key: &str) -> StoreResult<()> {
        on_write!(self, pool => {
            sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(pool).await?;
            Ok(())
        })
    }

    /// Removes counters whose window and lock are long over, except those
    /// that keep a count in a row (S10): keys starting with `keep_prefix`
    /// (real accounts; no `%` or `_` in it) stay until a reset; others with
    /// at least `keep_in_a_row` failures in a row stay until `quiet_before`.
    pub async fn throttle_cleanup(
        &self,
        before: DateTime<Utc>,
        keep_prefix: &str,
        keep_in_a_row: i32,
        quiet_before: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let pattern = format!("{keep_prefix}%");
        on_write!(self, pool => {
            let r = sqlx::query(
                "DELETE FROM login_throttle WHERE window_start < $1 AND (locked_until IS NULL OR locked_until < $1) \
                 AND key NOT LIKE $2 AND (consecutive < $3 OR updated_at < $4)",
            ).bind(before).bind(pattern).bind(keep_in_a_row).bind(quiet_before).execute(pool).await?;
            Ok(r.rows_affected())
        })
    }
}
