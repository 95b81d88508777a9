//! The timeline queries: one SQL text for both engines, stamped out for each
//! engine's store by [`activity_sql`].

/// Implements `Activity` for `$store`, which has `reader()` and `writer()` pools.
macro_rules! activity_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl Activity for $store {
            async fn record(&self, a: &NewActivity) -> StoreResult<()> {
                insert_activity!(self.writer(), a);
                Ok(())
            }

            async fn timeline(&self, q: TimelineQuery<'_>) -> StoreResult<Vec<TimelineRow>> {
                let mut sql = String::from(
                    "SELECT a.id, a.session_id, a.activity_type, a.endpoint, a.method, a.client_ip, a.user_agent, \
                     a.response_status, a.extra_data, a.created_at, sa.browser, sa.os, sa.device_type, sa.city, sa.country \
                     FROM session_activities a LEFT JOIN sessionanalytics sa ON sa.session_id = a.session_id \
                     WHERE a.user_id = $1",
                );
                if let Some(kinds) = q.kinds {
                    // Only constants from the caller's whitelist reach the SQL text.
                    let list: Vec<String> = kinds
                        .iter()
                        .filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                        .map(|k| format!("'{k}'"))
                        .collect();
                    if list.is_empty() {
                        return Ok(Vec::new());
                    }
                    sql.push_str(&format!(" AND a.activity_type IN ({})", list.join(",")));
                }
                sql.push_str(" AND ($2 IS NULL OR a.session_id = $2)");
                let (at, id) = match q.before {
                    Some((at, id)) => (Some(at), Some(id)),
                    None => (None, None),
                };
                if at.is_some() {
                    sql.push_str(" AND (a.created_at < $3 OR (a.created_at = $3 AND a.id < $4))");
                } else {
                    sql.push_str(" AND ($3 IS NULL OR $4 IS NULL)");
                }
                sql.push_str(" ORDER BY a.created_at DESC, a.id DESC LIMIT $5");
                Ok(sqlx::query_as::<_, TimelineRow>(&sql)
                    .bind(q.user_id)
                    .bind(q.session)
                    .bind(at)
                    .bind(id)
                    .bind(q.limit)
                    .fetch_all(self.reader())
                    .await?)
            }

            async fn sign_in_times(
                &self,
                user_id: &str,
                since: DateTime<Utc>,
            ) -> StoreResult<Vec<DateTime<Utc>>> {
                Ok(sqlx::query_scalar::<_, DateTime<Utc>>(
                    "SELECT created_at FROM session_activities WHERE user_id = $1 AND activity_type = 'sign_in' \
                     AND created_at >= $2",
                )
                .bind(user_id)
                .bind(since)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}
pub(crate) use activity_sql;
