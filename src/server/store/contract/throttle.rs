//! Sign-in failure counters (`login_throttle`, docs/schema.md), shared by
//! every instance on one database (S10, S11, R6).

use super::error::StoreResult;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThrottleRow {
    pub failures: i32,
    pub window_start: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
    /// Failures in a row, across windows; only a reset clears it.
    pub consecutive: i32,
}

/// What [`Throttle::fail`] counted: failures in this window and in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCount {
    pub in_window: i32,
    pub in_a_row: i32,
}

/// Decides the lock after a failure from the counts.
pub type LockRule<'a> = &'a (dyn Fn(FailureCount) -> Option<chrono::Duration> + Send + Sync);

/// Sign-in throttling counters.
#[async_trait::async_trait]
pub trait Throttle: Send + Sync {
    async fn get(&self, key: &str) -> StoreResult<Option<ThrottleRow>>;
    /// Counts one failure against `key`, starting a new window when the one
    /// before began earlier than `window_start_min` (the count in a row goes
    /// on), locks it as `lock_for` decides, and returns both counts.
    async fn fail(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window_start_min: DateTime<Utc>,
        lock_for: LockRule<'_>,
    ) -> StoreResult<FailureCount>;
    async fn reset(&self, key: &str) -> StoreResult<()>;
    /// Removes counters whose window and lock are long over, except those
    /// that keep a count in a row (S10): keys starting with `keep_prefix`
    /// stay until a reset; others with at least `keep_in_a_row` failures in
    /// a row stay until `quiet_before`.
    async fn cleanup(
        &self,
        before: DateTime<Utc>,
        keep_prefix: &str,
        keep_in_a_row: i32,
        quiet_before: DateTime<Utc>,
    ) -> StoreResult<u64>;
}
