//! The session queries: one SQL text for both engines, stamped out for each
//! engine's store by [`sessions_sql`].

/// Sets logout time and duration on the analytics row of one ended session,
/// inside transaction `$tx`.
macro_rules! close_analytics {
    ($tx:expr, $id:expr, $now:expr) => {{
        let login: Option<DateTime<Utc>> =
            sqlx::query_scalar("SELECT login_time FROM sessionanalytics WHERE session_id = $1")
                .bind($id)
                .fetch_optional(&mut *$tx)
                .await?;
        let duration = login.map(|l| ($now - l).num_seconds().clamp(0, i32::MAX as i64) as i32);
        sqlx::query(
            "UPDATE sessionanalytics SET logout_time = $2, session_duration = $3 \
             WHERE session_id = $1 AND logout_time IS NULL",
        )
        .bind($id)
        .bind($now)
        .bind(duration)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use close_analytics;

/// Ends every live session of user `$user` but `$keep` with `$reason`, and
/// closes their analytics rows, inside transaction `$tx`; evaluates to how
/// many ended. The analytics rows are read before the sessions are revoked
/// and closed after, in id order, so the transaction locks `user_sessions`
/// rows before `sessionanalytics` rows, as the activity flush does (no
/// deadlock on PostgreSQL).
macro_rules! end_sessions {
    ($tx:expr, $user:expr, $keep:expr, $reason:expr, $now:expr) => {{
        let open: Vec<(String, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT session_id, login_time FROM sessionanalytics WHERE user_id = $1 AND session_id <> $2 \
             AND logout_time IS NULL \
             AND session_id IN (SELECT id FROM user_sessions WHERE user_id = $1 AND revoked_at IS NULL) \
             ORDER BY session_id",
        )
        .bind($user)
        .bind($keep)
        .fetch_all(&mut *$tx)
        .await?;
        let ended = sqlx::query(
            "UPDATE user_sessions SET is_active = FALSE, revoked_at = $3, revocation_reason = $4, updated_at = $3 \
             WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL",
        )
        .bind($user)
        .bind($keep)
        .bind($now)
        .bind($reason)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        for (sid, login) in open {
            let duration = login.map(|l| ($now - l).num_seconds().clamp(0, i32::MAX as i64) as i32);
            sqlx::query(
                "UPDATE sessionanalytics SET logout_time = $2, session_duration = $3 \
                 WHERE session_id = $1 AND logout_time IS NULL",
            )
            .bind(&sid)
            .bind($now)
            .bind(duration)
            .execute(&mut *$tx)
            .await?;
        }
        ended
    }};
}
pub(crate) use end_sessions;

/// Inserts one timeline event inside transaction (or pool) `$ex`.
macro_rules! insert_activity {
    ($ex:expr, $a:expr) => {{
        let a = $a;
        sqlx::query(
            "INSERT INTO session_activities (id, session_id, user_id, activity_type, endpoint, method, \
             client_ip, user_agent, request_id, response_status, extra_data, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12)",
        )
        .bind(new_id())
        .bind(&a.session_id)
        .bind(&a.user_id)
        .bind(a.activity_type)
        .bind(a.endpoint.as_deref().map(|v| clip(v, 255)))
        .bind(a.method.as_deref().map(|v| clip(v, 10)))
        .bind(clip(&a.client_ip, 45))
        .bind(a.user_agent.as_deref().map(|v| clip(v, 512)))
        .bind(a.request_id.as_deref().map(|v| clip(v, 100)))
        .bind(a.response_status)
        .bind(a.extra_data.as_deref())
        .bind(a.now)
        .execute($ex)
        .await?;
    }};
}
pub(crate) use insert_activity;

/// The columns of a `SessionListRow` (a macro, so each query is one constant).
macro_rules! session_list_columns {
    () => {
        "s.id, s.client_ip, s.user_agent, s.location, s.last_activity, s.created_at, \
         s.expires_at, s.revoked_at, s.revocation_reason, s.login_method, s.request_count, s.suspicious_activity, \
         a.device_type, a.browser, a.os, a.country, a.city, a.security_score, a.failed_actions, \
         (SELECT e.extra_data FROM session_activities e WHERE e.session_id = s.id AND e.activity_type = 'sign_in' \
          ORDER BY e.created_at LIMIT 1) AS signals"
    };
}
pub(crate) use session_list_columns;

/// Both lists of the sessions page as one query: the live sessions, most
/// recent activity first, then those ended since `$2`, last ended first
/// (a macro, so that each engine's query is one constant string).
macro_rules! session_list_rows {
    () => {
        concat!(
            "SELECT * FROM (SELECT ",
            session_list_columns!(),
            " FROM user_sessions s LEFT JOIN sessionanalytics a ON a.session_id = s.id \
             WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.is_active = TRUE \
             ORDER BY s.last_activity DESC, s.id DESC LIMIT 500) AS live \
             UNION ALL SELECT * FROM (SELECT ",
            session_list_columns!(),
            " FROM user_sessions s LEFT JOIN sessionanalytics a ON a.session_id = s.id \
             WHERE s.user_id = $1 AND s.revoked_at IS NOT NULL AND s.revoked_at >= $2 \
             AND s.revocation_reason <> 'failed_sign_in' \
             ORDER BY s.revoked_at DESC, s.id DESC LIMIT 100) AS ended"
        )
    };
}
pub(crate) use session_list_rows;

/// The session joined with its account, as `by_token_hash` reads it.
#[derive(sqlx::FromRow)]
pub struct SessionCallerRow {
    session_id: String,
    session_created_at: Option<chrono::DateTime<chrono::Utc>>,
    last_activity: chrono::DateTime<chrono::Utc>,
    expires_at: chrono::DateTime<chrono::Utc>,
    #[sqlx(flatten)]
    user: crate::server::store::contract::UserRow,
}

impl SessionCallerRow {
    pub const SQL: &'static str = "SELECT s.id AS session_id, s.created_at AS session_created_at, \
         s.last_activity, s.expires_at, u.id, u.username, u.email, u.hashed_password, u.first_name, \
         u.last_name, u.bio, u.profile_picture_url, u.is_active, u.is_verified, u.email_verified, \
         u.is_deleted, u.role_id, u.last_login, u.created_at, u.totp_enabled \
         FROM user_sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.session_token_hash = $1 AND s.is_active = TRUE AND s.revoked_at IS NULL";

    pub fn split(
        self,
    ) -> (
        crate::server::store::contract::SessionAuthRow,
        crate::server::store::contract::UserRow,
    ) {
        let session = crate::server::store::contract::SessionAuthRow {
            session_id: self.session_id,
            user_id: self.user.id.clone(),
            created_at: self.session_created_at,
            last_activity: self.last_activity,
            expires_at: self.expires_at,
            user_active: self.user.is_active,
            user_deleted: self.user.is_deleted,
        };
        (session, self.user)
    }
}

/// Implements `Sessions` for `$store`, which has `reader()` and `writer()`
/// pools and its engine's `session_list_rows` (the rows of
/// [`session_list_rows!`]).
macro_rules! sessions_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl Sessions for $store {
            async fn create(
                &self,
                s: NewSession<'_>,
                active: bool,
                events: &[NewActivity],
            ) -> StoreResult<()> {
                let revoked_at = if active { None } else { Some(s.now) };
                let reason = if active { None } else { Some("failed_sign_in") };
                let mut tx = self.writer().begin().await?;
                sqlx::query(
                    "INSERT INTO user_sessions (id, user_id, session_token_hash, client_ip, user_agent, \
                     device_fingerprint, location, is_active, last_activity, expires_at, revoked_at, \
                     revocation_reason, login_method, request_count, suspicious_activity, created_at, updated_at) \
                     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$9,$9)",
                )
                .bind(s.id).bind(s.user_id).bind(s.token_hash).bind(s.client_ip).bind(s.user_agent)
                .bind(s.device_fingerprint).bind(s.location).bind(active).bind(s.now).bind(s.expires_at)
                .bind(revoked_at).bind(reason).bind(s.login_method).bind(if active { 1i32 } else { 0i32 })
                .bind(s.suspicious)
                .execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO sessionanalytics (session_id, user_id, device_type, browser, os, ip_address, \
                     country, city, login_time, last_activity, logout_time, session_duration, page_views, api_calls, \
                     is_suspicious, security_score, failed_actions) \
                     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9,$10,$11,0,0,$12,$13,$14)",
                )
                .bind(s.id).bind(s.user_id).bind(s.device_type).bind(s.browser).bind(s.os).bind(s.client_ip)
                .bind(s.country).bind(s.city).bind(s.now).bind(revoked_at)
                .bind(if active { None } else { Some(0i32) })
                .bind(s.suspicious).bind(s.security_score).bind(if active { 0i32 } else { 1i32 })
                .execute(&mut *tx).await?;
                if active {
                    sqlx::query("UPDATE users SET last_login = $2 WHERE id = $1")
                        .bind(s.user_id).bind(s.now).execute(&mut *tx).await?;
                    for a in events {
                        insert_activity!(&mut *tx, a);
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn by_token_hash(
                &self,
                hash: &str,
            ) -> StoreResult<Option<(SessionAuthRow, UserRow)>> {
                let row = sqlx::query_as::<_, common::sessions::SessionCallerRow>(
                    common::sessions::SessionCallerRow::SQL,
                )
                .bind(hash)
                .fetch_optional(self.reader())
                .await?;
                Ok(row.map(common::sessions::SessionCallerRow::split))
            }

            async fn revoke(
                &self,
                id: &str,
                user_id: &str,
                reason: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
                let r = sqlx::query(
                    "UPDATE user_sessions SET is_active = FALSE, revoked_at = $3, revocation_reason = $4, updated_at = $3 \
                     WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
                )
                .bind(id).bind(user_id).bind(now).bind(reason)
                .execute(&mut *tx).await?;
                let ended = r.rows_affected() == 1;
                if ended {
                    close_analytics!(tx, id, now);
                }
                tx.commit().await?;
                Ok(ended)
            }

            async fn revoke_others(
                &self,
                user_id: &str,
                keep: Option<&str>,
                reason: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<u64> {
                let keep = keep.unwrap_or("");
                let mut tx = self.writer().begin().await?;
                let ended = end_sessions!(tx, user_id, keep, reason, now);
                tx.commit().await?;
                Ok(ended)
            }

            async fn rotate_token(
                &self,
                id: &str,
                new_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<(Option<DateTime<Utc>>, DateTime<Utc>)>> {
                Ok(sqlx::query_as::<_, (Option<DateTime<Utc>>, DateTime<Utc>)>(
                    "UPDATE user_sessions SET session_token_hash = $2, updated_at = $3 WHERE id = $1 \
                     RETURNING created_at, expires_at",
                )
                .bind(id).bind(new_hash).bind(now)
                .fetch_optional(self.writer()).await?)
            }

            async fn flush_activity(&self, batch: &[(String, ActivityDelta)]) -> StoreResult<()> {
                if batch.is_empty() {
                    return Ok(());
                }
                let mut tx = self.writer().begin().await?;
                // In id order, so two flushes or a flush and a revocation take
                // their row locks in the same order (no deadlock on PostgreSQL).
                let mut ordered: Vec<&(String, ActivityDelta)> = batch.iter().collect();
                ordered.sort_by(|a, b| a.0.cmp(&b.0));
                for (id, d) in ordered {
                    sqlx::query(
                        "UPDATE user_sessions SET request_count = request_count + $2, \
                         last_activity = CASE WHEN $3 IS NOT NULL AND last_activity < $3 THEN $3 ELSE last_activity END \
                         WHERE id = $1",
                    )
                    .bind(id).bind(d.requests).bind(d.last_activity)
                    .execute(&mut *tx).await?;
                    sqlx::query(
                        "UPDATE sessionanalytics SET page_views = page_views + $2, api_calls = api_calls + $3, \
                         failed_actions = failed_actions + $4, \
                         last_activity = CASE WHEN $5 IS NOT NULL AND last_activity < $5 THEN $5 ELSE last_activity END, \
                         last_page = COALESCE($6, last_page), last_endpoint = COALESCE($7, last_endpoint) \
                         WHERE session_id = $1",
                    )
                    .bind(id).bind(d.page_views).bind(d.api_calls).bind(d.failed_actions)
                    .bind(d.last_activity).bind(d.last_page.as_deref()).bind(d.last_endpoint.as_deref())
                    .execute(&mut *tx).await?;
                    if d.failed_actions > 0 {
                        // Repeated failures inside a session flag it (see server::security).
                        sqlx::query(
                            "UPDATE sessionanalytics SET is_suspicious = TRUE, \
                             security_score = CASE WHEN security_score > 40 THEN 40 ELSE security_score END \
                             WHERE session_id = $1 AND failed_actions >= 3",
                        ).bind(id).execute(&mut *tx).await?;
                        sqlx::query(
                            "UPDATE user_sessions SET suspicious_activity = TRUE WHERE id = $1 AND \
                             (SELECT failed_actions FROM sessionanalytics WHERE session_id = $1) >= 3",
                        ).bind(id).execute(&mut *tx).await?;
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn expiry_candidates(
                &self,
                now: DateTime<Utc>,
                idle_cutoff: DateTime<Utc>,
            ) -> StoreResult<Vec<SessionAuthRow>> {
                Ok(sqlx::query_as::<_, SessionAuthRow>(
                    "SELECT s.id AS session_id, s.user_id, s.created_at, s.last_activity, s.expires_at, \
                     u.is_active AS user_active, u.is_deleted AS user_deleted \
                     FROM user_sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.revoked_at IS NULL AND s.is_active = TRUE AND (s.expires_at <= $1 OR s.last_activity <= $2) \
                     LIMIT 1000",
                )
                .bind(now).bind(idle_cutoff).fetch_all(self.reader()).await?)
            }

            async fn expire(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let r = sqlx::query(
                    "UPDATE user_sessions SET is_active = FALSE, revoked_at = $2, revocation_reason = 'expired', updated_at = $2 \
                     WHERE id = $1 AND revoked_at IS NULL",
                )
                .bind(id).bind(now).execute(&mut *tx).await?;
                if r.rows_affected() == 1 {
                    close_analytics!(tx, id, now);
                }
                tx.commit().await?;
                Ok(())
            }

            async fn list(&self, user_id: &str, since: DateTime<Utc>) -> StoreResult<SessionLists> {
                let rows = self.session_list_rows(user_id, since).await?;
                // UNION ALL keeps each part's order; ended rows have `revoked_at`.
                let (ended, live) = rows.into_iter().partition(|r| r.revoked_at.is_some());
                Ok(SessionLists { live, ended })
            }

            async fn sign_in_history(&self, q: HistoryQuery<'_>) -> StoreResult<SignInHistory> {
                // Each count stops at the threshold its rule needs (LIMIT), so the
                // cost does not grow with the number of sessions an account has had.
                let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
                    "SELECT \
                     (SELECT COUNT(*) FROM (SELECT 1 FROM user_sessions WHERE user_id = $1 AND (revocation_reason IS NULL OR revocation_reason <> 'failed_sign_in') LIMIT 1) AS t1), \
                     (SELECT COUNT(*) FROM (SELECT 1 FROM user_sessions WHERE user_id = $1 AND device_fingerprint = $2 AND (revocation_reason IS NULL OR revocation_reason <> 'failed_sign_in') LIMIT 1) AS t2), \
                     (SELECT COUNT(*) FROM (SELECT 1 FROM sessionanalytics WHERE user_id = $1 AND country IS NOT NULL LIMIT 1) AS t3), \
                     (SELECT COUNT(*) FROM (SELECT 1 FROM sessionanalytics WHERE user_id = $1 AND country = $3 LIMIT 1) AS t4), \
                     (SELECT COUNT(*) FROM (SELECT 1 FROM user_sessions WHERE user_id = $1 AND revocation_reason = 'failed_sign_in' AND created_at >= $4 LIMIT 3) AS t5), \
                     (SELECT COUNT(*) FROM (SELECT 1 FROM user_sessions WHERE user_id = $1 AND created_at >= $5 AND (revocation_reason IS NULL OR revocation_reason <> 'failed_sign_in') LIMIT 5) AS t6)",
                )
                .bind(q.user_id).bind(q.fingerprint).bind(q.country).bind(q.failures_since).bind(q.sessions_since)
                .fetch_one(self.reader()).await?;
                Ok(SignInHistory {
                    earlier_sessions: row.0,
                    same_device: row.1,
                    countries_known: row.2,
                    same_country: row.3,
                    recent_failures: row.4,
                    recent_sessions: row.5,
                })
            }
        }
    };
}
pub(crate) use sessions_sql;
