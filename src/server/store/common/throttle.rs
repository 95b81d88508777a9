//! The throttle queries: one SQL text for both engines, stamped out for each
//! engine's store by [`throttle_sql`].

/// Implements `Throttle` for `$store`, which has `reader()` and `writer()` pools.
macro_rules! throttle_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl Throttle for $store {
            async fn get(&self, key: &str) -> StoreResult<Option<ThrottleRow>> {
                Ok(sqlx::query_as::<_, ThrottleRow>(
                    "SELECT failures, window_start, locked_until, consecutive FROM login_throttle WHERE key = $1",
                )
                .bind(key)
                .fetch_optional(self.reader())
                .await?)
            }

            async fn fail(
                &self,
                key: &str,
                now: DateTime<Utc>,
                window_start_min: DateTime<Utc>,
                lock_for: LockRule<'_>,
            ) -> StoreResult<FailureCount> {
                let mut tx = self.writer().begin().await?;
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
                .bind(key)
                .bind(now)
                .bind(window_start_min)
                .fetch_one(&mut *tx)
                .await?;
                let count = FailureCount { in_window, in_a_row };
                if let Some(lock) = lock_for(count) {
                    sqlx::query("UPDATE login_throttle SET locked_until = $2 WHERE key = $1")
                        .bind(key)
                        .bind(now + lock)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(count)
            }

            async fn reset(&self, key: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM login_throttle WHERE key = $1")
                    .bind(key)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn cleanup(
                &self,
                before: DateTime<Utc>,
                keep_prefix: &str,
                keep_in_a_row: i32,
                quiet_before: DateTime<Utc>,
            ) -> StoreResult<u64> {
                let pattern = format!("{keep_prefix}%");
                let r = sqlx::query(
                    "DELETE FROM login_throttle WHERE window_start < $1 AND (locked_until IS NULL OR locked_until < $1) \
                     AND key NOT LIKE $2 AND (consecutive < $3 OR updated_at < $4)",
                )
                .bind(before)
                .bind(pattern)
                .bind(keep_in_a_row)
                .bind(quiet_before)
                .execute(self.writer())
                .await?;
                Ok(r.rows_affected())
            }
        }
    };
}
pub(crate) use throttle_sql;
