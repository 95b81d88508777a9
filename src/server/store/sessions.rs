//! Queries on `user_sessions` and `sessionanalytics`.

use super::{Store, StoreResult, UserRow};
use chrono::{DateTime, Utc};

/// What the middleware needs to accept or refuse a session cookie.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionAuthRow {
    pub session_id: String,
    pub user_id: String,
    pub created_at: Option<DateTime<Utc>>,
    pub last_activity: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_active: bool,
    pub user_deleted: bool,
}

/// A session joined with its account, as `session_by_token_hash` reads it.
#[derive(sqlx::FromRow)]
struct SessionCallerRow {
    session_id: String,
    user_id: String,
    session_created_at: Option<DateTime<Utc>>,
    last_activity: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    username: String,
    email: String,
    hashed_password: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    bio: Option<String>,
    profile_picture_url: Option<String>,
    is_active: bool,
    is_verified: bool,
    email_verified: bool,
    is_deleted: bool,
    role_id: Option<String>,
    last_login: Option<DateTime<Utc>>,
    user_created_at: Option<DateTime<Utc>>,
    totp_enabled: bool,
}

impl SessionCallerRow {
    fn split(self) -> (SessionAuthRow, UserRow) {
        let session = SessionAuthRow {
            session_id: self.session_id,
            user_id: self.user_id.clone(),
            created_at: self.session_created_at,
            last_activity: self.last_activity,
            expires_at: self.expires_at,
            user_active: self.is_active,
            user_deleted: self.is_deleted,
        };
        let user = UserRow {
            id: self.user_id,
            username: self.username,
            email: self.email,
            hashed_password: self.hashed_password,
            first_name: self.first_name,
            last_name: self.last_name,
            bio: self.bio,
            profile_picture_url: self.profile_picture_url,
            is_active: self.is_active,
            is_verified: self.is_verified,
            email_verified: self.email_verified,
            is_deleted: self.is_deleted,
            role_id: self.role_id,
            last_login: self.last_login,
            created_at: self.user_created_at,
            totp_enabled: self.totp_enabled,
        };
        (session, user)
    }
}

/// A new sign-in: the session row and its analytics row.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub token_hash: &'a str,
    pub client_ip: &'a str,
    pub user_agent: Option<&'a str>,
    pub device_fingerprint: Option<&'a str>,
    pub location: Option<&'a str>,
    pub login_method: &'a str,
    pub expires_at: DateTime<Utc>,
    pub device_type: Option<&'a str>,
    pub browser: Option<&'a str>,
    pub os: Option<&'a str>,
    pub country: Option<&'a str>,
    pub city: Option<&'a str>,
    pub security_score: i32,
    pub suspicious: bool,
    pub now: DateTime<Utc>,
}

/// Counted activity of one session since the last flush.
#[derive(Debug, Clone, Default)]
pub struct ActivityDelta {
    pub requests: i32,
    pub page_views: i32,
    pub api_calls: i32,
    pub failed_actions: i32,
    pub last_activity: Option<DateTime<Utc>>,
    pub last_page: Option<String>,
    pub last_endpoint: Option<String>,
}

/// Sets logout time and duration on the analytics row of an ended session.
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

/// The analytics rows still open of a user's live sessions but `keep`, in id
/// order: read before those sessions are revoked, closed after
/// ([`close_analytics_rows`]), so the transaction locks `user_sessions` rows
/// before `sessionanalytics` rows, as the activity flush does.
macro_rules! open_analytics_rows {
    ($tx:expr, $user:expr, $keep:expr) => {{
        let rows: Vec<(String, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT session_id, login_time FROM sessionanalytics WHERE user_id = $1 AND session_id <> $2 \
             AND logout_time IS NULL \
             AND session_id IN (SELECT id FROM user_sessions WHERE user_id = $1 AND revoked_at IS NULL) \
             ORDER BY session_id",
        )
        .bind($user)
        .bind($keep)
        .fetch_all(&mut *$tx)
        .await?;
        rows
    }};
}
pub(crate) use open_analytics_rows;

/// Sets logout time and the real duration on the rows [`open_analytics_rows`] read.
macro_rules! close_analytics_rows {
    ($tx:expr, $rows:expr, $now:expr) => {{
        for (sid, login) in $rows {
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
    }};
}
pub(crate) use close_analytics_rows;

impl Store {
    /// Inserts the session and its analytics row in one transaction. An
    /// `active = false` session records an attempt that never got a cookie.
    pub async fn create_session(&self, s: NewSession<'_>, active: bool) -> StoreResult<()> {
        self.create_session_with(s, active, Vec::new()).await
    }

    /// Like [`Store::create_session`], and in the same transaction (one
    /// durable commit per sign-in) records `last_login` and the sign-in event.
    pub async fn create_session_with(
        &self,
        s: NewSession<'_>,
        active: bool,
        events: Vec<super::NewActivity>,
    ) -> StoreResult<()> {
        let revoked_at = if active { None } else { Some(s.now) };
        let reason = if active { None } else { Some("failed_sign_in") };
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
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
            .bind(s.country).bind(s.city).bind(s.now).bind(revoked_at).bind(if active { None } else { Some(0i32) })
            .bind(s.suspicious).bind(s.security_score).bind(if active { 0i32 } else { 1i32 })
            .execute(&mut *tx).await?;
            if active && !events.is_empty() {
                sqlx::query("UPDATE users SET last_login = $2 WHERE id = $1")
                    .bind(s.user_id).bind(s.now).execute(&mut *tx).await?;
            }
            for a in &events {
                sqlx::query(
                    "INSERT INTO session_activities (id, session_id, user_id, activity_type, endpoint, method, \
                     client_ip, user_agent, request_id, response_status, extra_data, created_at, updated_at) \
                     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12)",
                )
                .bind(super::new_id()).bind(&a.session_id).bind(&a.user_id).bind(a.activity_type)
                .bind(a.endpoint.as_deref().map(|v| super::clip(v, 255)))
                .bind(a.method.as_deref().map(|v| super::clip(v, 10)))
                .bind(super::clip(&a.client_ip, 45))
                .bind(a.user_agent.as_deref().map(|v| super::clip(v, 512)))
                .bind(a.request_id.as_deref().map(|v| super::clip(v, 100)))
                .bind(a.response_status).bind(a.extra_data.as_deref()).bind(a.now)
                .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The live session holding this token hash, with its user's state.
    /// Lifetimes are checked by the caller against its clock.
    pub async fn session_by_token_hash(
        &self,
        hash: &str,
    ) -> StoreResult<Option<(SessionAuthRow, UserRow)>> {
        // One query gives the middleware the session and its account, so the
        // pages of this request need no second read of `users`.
        const SQL: &str = "SELECT s.id AS session_id, s.user_id, s.created_at AS session_created_at, s.last_activity, \
             s.expires_at, u.username, u.email, u.hashed_password, u.first_name, u.last_name, u.bio, \
             u.profile_picture_url, u.is_active, u.is_verified, u.email_verified, u.is_deleted, u.role_id, \
             u.last_login, u.created_at AS user_created_at, u.totp_enabled \
             FROM user_sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.session_token_hash = $1 AND s.is_active = TRUE AND s.revoked_at IS NULL";
        let row = match &self.db {
            // Every signed-in request reads this: on the calling thread.
            super::Db::Sqlite { direct, .. } => direct.read(|conn| {
                use rusqlite::OptionalExtension;
                conn.prepare_cached(SQL)?
                    .query_row([hash], |r| {
                        Ok(SessionCallerRow {
                            session_id: r.get(0)?,
                            user_id: r.get(1)?,
                            session_created_at: moment(r, 2)?,
                            last_activity: required_moment(r, 3)?,
                            expires_at: required_moment(r, 4)?,
                            username: r.get(5)?,
                            email: r.get(6)?,
                            hashed_password: r.get(7)?,
                            first_name: r.get(8)?,
                            last_name: r.get(9)?,
                            bio: r.get(10)?,
                            profile_picture_url: r.get(11)?,
                            is_active: r.get(12)?,
                            is_verified: r.get(13)?,
                            email_verified: r.get(14)?,
                            is_deleted: r.get(15)?,
                            role_id: r.get(16)?,
                            last_login: moment(r, 17)?,
                            user_created_at: moment(r, 18)?,
                            totp_enabled: r.get(19)?,
                        })
                    })
                    .optional()
            })?,
            super::Db::Postgres(pg) => {
                sqlx::query_as::<_, SessionCallerRow>(SQL)
                    .bind(hash)
                    .fetch_optional(pg)
                    .await?
            }
        };
        Ok(row.map(SessionCallerRow::split))
    }

    /// Ends one session of `user_id`. Someone else's id changes nothing (S19).
    pub async fn revoke_session(
        &self,
        id: &str,
        user_id: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
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
        })
    }

    /// Ends every live session of `user_id` except `keep`. Returns how many.
    pub async fn revoke_other_sessions(
        &self,
        user_id: &str,
        keep: Option<&str>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let keep = keep.unwrap_or("");
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let open = open_analytics_rows!(tx, user_id, keep);
            let r = sqlx::query(
                "UPDATE user_sessions SET is_active = FALSE, revoked_at = $3, revocation_reason = $4, updated_at = $3 \
                 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL",
            )
            .bind(user_id).bind(keep).bind(now).bind(reason)
            .execute(&mut *tx).await?;
            close_analytics_rows!(tx, open, now);
            tx.commit().await?;
            Ok(r.rows_affected())
        })
    }

    /// Gives a session a new token (S15) and keeps everything else. Returns
    /// when the session was created and when it expires, so the new cookie can
    /// keep the old one's lifetime.
    pub async fn rotate_session_token(
        &self,
        id: &str,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Option<DateTime<Utc>>, DateTime<Utc>)>> {
        on_write!(self, pool => {
            Ok(sqlx::query_as::<_, (Option<DateTime<Utc>>, DateTime<Utc>)>(
                "UPDATE user_sessions SET session_token_hash = $2, updated_at = $3 WHERE id = $1 \
                 RETURNING created_at, expires_at",
            )
            .bind(id).bind(new_hash).bind(now).fetch_optional(pool).await?)
        })
    }

    /// Writes buffered activity counters in one transaction.
    pub async fn flush_activity(&self, batch: &[(String, ActivityDelta)]) -> StoreResult<()> {
        if batch.is_empty() {
            return Ok(());
        }
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
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
        })
    }

    /// Live sessions that may have run out: past their absolute expiry, or
    /// idle since before `idle_cutoff`. The caller applies the exact rule.
    pub async fn expiry_candidates(
        &self,
        now: DateTime<Utc>,
        idle_cutoff: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionAuthRow>> {
        on_read!(self, pool => Ok(sqlx::query_as::<_, SessionAuthRow>(
            "SELECT s.id AS session_id, s.user_id, s.created_at, s.last_activity, s.expires_at, \
             u.is_active AS user_active, u.is_deleted AS user_deleted \
             FROM user_sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.revoked_at IS NULL AND s.is_active = TRUE AND (s.expires_at <= $1 OR s.last_activity <= $2) \
             LIMIT 1000",
        ).bind(now).bind(idle_cutoff).fetch_all(pool).await?))
    }

    /// Ends one expired session found by the middleware.
    pub async fn expire_session(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let r = sqlx::query(
                "UPDATE user_sessions SET is_active = FALSE, revoked_at = $2, revocation_reason = 'expired', updated_at = $2 \
                 WHERE id = $1 AND revoked_at IS NULL",
            ).bind(id).bind(now).execute(&mut *tx).await?;
            if r.rows_affected() == 1 {
                close_analytics!(tx, id, now);
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Counts a failed action (wrong current password and the like) on a session.
    pub async fn add_failed_action(&self, session_id: &str) -> StoreResult<()> {
        on_write!(self, pool => {
            sqlx::query("UPDATE sessionanalytics SET failed_actions = failed_actions + 1 WHERE session_id = $1")
                .bind(session_id).execute(pool).await?;
            Ok(())
        })
    }
}

/// A session with its analytics, for the sessions page. On SQLite it comes
/// as JSON (see [`Store::session_list`]), hence `Deserialize`.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct SessionListRow {
    pub id: String,
    pub client_ip: String,
    pub user_agent: Option<String>,
    pub location: Option<String>,
    #[serde(deserialize_with = "sqlite_time::required")]
    pub last_activity: DateTime<Utc>,
    #[serde(deserialize_with = "sqlite_time::optional")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "sqlite_time::required")]
    pub expires_at: DateTime<Utc>,
    #[serde(deserialize_with = "sqlite_time::optional")]
    pub revoked_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
    pub login_method: Option<String>,
    pub request_count: i32,
    pub suspicious_activity: bool,
    pub device_type: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub security_score: Option<i32>,
    pub failed_actions: Option<i32>,
    pub signals: Option<String>,
}

/// The columns of a [`SessionListRow`] (a macro, so that the query is one
/// constant string).
macro_rules! session_list_columns {
    () => {
        "s.id, s.client_ip, s.user_agent, s.location, s.last_activity, s.created_at, \
         s.expires_at, s.revoked_at, s.revocation_reason, s.login_method, s.request_count, s.suspicious_activity, \
         a.device_type, a.browser, a.os, a.country, a.city, a.security_score, a.failed_actions, \
         (SELECT e.extra_data FROM session_activities e WHERE e.session_id = s.id AND e.activity_type = 'sign_in' \
          ORDER BY e.created_at LIMIT 1) AS signals"
    };
}

/// Both lists of the sessions page as rows: the live sessions, then those
/// ended since `$2` (a macro, so that each query is one constant string).
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

/// The sessions page's two lists. The rows are shared: on SQLite the same
/// rows serve every request until the database changes.
#[derive(Debug, Default, Clone)]
pub struct SessionLists {
    pub live: Vec<std::sync::Arc<SessionListRow>>,
    pub ended: Vec<std::sync::Arc<SessionListRow>>,
}

impl SessionLists {
    /// The rows of [`session_list_rows`] as the two lists, each in its order.
    fn from_rows(rows: Vec<SessionListRow>) -> Self {
        // UNION ALL keeps each part's order; the parts are told apart by
        // whether the session was revoked.
        let (mut ended, live): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .map(std::sync::Arc::new)
            .partition(|r| r.revoked_at.is_some());
        // Last ended first, whatever order the engine aggregated them in.
        ended.sort_by(|a, b| b.revoked_at.cmp(&a.revoked_at).then(b.id.cmp(&a.id)));
        SessionLists { live, ended }
    }
}

/// What the suspicious-sign-in rules look at (see `server::security`).
#[derive(Debug, Clone, Default)]
pub struct SignInHistory {
    pub earlier_sessions: i64,
    pub same_device: i64,
    pub countries_known: i64,
    pub same_country: i64,
    pub recent_failures: i64,
    pub recent_sessions: i64,
}

impl Store {
    /// A user's sessions for the sessions page, in one query: the live ones,
    /// most recent activity first (the caller drops those that ran out but
    /// are not marked yet), and those that ended since `since`, last ended
    /// first (failed sign-in attempts left out).
    pub async fn session_list(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<SessionLists> {
        const SQL: &str = session_list_rows!();
        // The same rows as one JSON array, in the same order (SQLite feeds an
        // aggregate in its subquery's order; the parts stay apart by
        // `revoked_at` as below, and the caller sorts the live ones again).
        const SQLITE_JSON: &str = concat!(
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
        match &self.db {
            // Read on the calling thread (`direct.rs`), as one JSON array:
            // one value, decoded by the row's own `Deserialize`; the rows
            // are the same as PostgreSQL's.
            super::Db::Sqlite { direct, lists, .. } => {
                // Kept per user until anything commits to the database, in
                // this process or another (`PRAGMA data_version`, read before
                // the query); a kept answer read with an earlier `since` holds
                // every row a later one wants, and the rows ended before
                // `since` are dropped here.
                let version = direct.data_version()?;
                let kept = match lists.get(user_id, version, since) {
                    Some(kept) => kept,
                    None => {
                        let bound = super::direct::sqlite_moment(since);
                        let json: Option<String> = direct.read(|conn| {
                            conn.prepare_cached(SQLITE_JSON)?
                                .query_row([user_id, bound.as_str()], |r| r.get(0))
                        })?;
                        let rows: Vec<SessionListRow> = match json {
                            Some(text) => serde_json::from_str(&text).map_err(|e| {
                                super::StoreError::Other(format!("session list: {e}"))
                            })?,
                            None => Vec::new(),
                        };
                        let kept = std::sync::Arc::new(SessionLists::from_rows(rows));
                        lists.put(user_id, version, since, kept.clone());
                        kept
                    }
                };
                Ok(SessionLists {
                    live: kept.live.clone(),
                    ended: kept
                        .ended
                        .iter()
                        .filter(|r| r.revoked_at.is_none_or(|t| t >= since))
                        .cloned()
                        .collect(),
                })
            }
            super::Db::Postgres(pg) => {
                let rows = sqlx::query_as::<_, SessionListRow>(SQL)
                    .bind(user_id)
                    .bind(since)
                    .fetch_all(pg)
                    .await?;
                Ok(SessionLists::from_rows(rows))
            }
        }
    }

    /// The facts the suspicious-sign-in rules need, before the new session exists.
    pub async fn sign_in_history(
        &self,
        user_id: &str,
        fingerprint: &str,
        country: Option<&str>,
        failures_since: DateTime<Utc>,
        sessions_since: DateTime<Utc>,
    ) -> StoreResult<SignInHistory> {
        on_read!(self, pool => {
            let row: (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
                // Each count stops at the threshold its rule needs (LIMIT), so the
                // cost does not grow with the number of sessions an account has had.
                "SELECT \
                 (SELECT COUNT(*) FROM (SELECT 1 FROM user_sessions WHERE user_id = $1 AND (revocation_reason IS NULL OR revocation_reason <> 'failed_sign_in') LIMIT 1) AS t1), \
                 (SELECT COUNT(*) FROM (SELECT 1 FROM user_sessions WHERE user_id = $1 AND device_fingerprint = $2 AND (revocation_reason IS NULL OR revocation_reason <> 'failed_sign_in') LIMIT 1) AS t2), \
                 (SELECT COUNT(*) FROM (SELECT 1 FROM sessionanalytics WHERE user_id = $1 AND country IS NOT NULL LIMIT 1) AS t3), \
                 (SELECT COUNT(*) FROM (SELECT 1 FROM sessionanalytics WHERE user_id = $1 AND country = $3 LIMIT 1) AS t4), \
                 (SELECT COUNT(*) FROM (SELECT 1 FROM user_sessions WHERE user_id = $1 AND revocation_reason = 'failed_sign_in' AND created_at >= $4 LIMIT 3) AS t5), \
                 (SELECT COUNT(*) FROM (SELECT 1 FROM user_sessions WHERE user_id = $1 AND created_at >= $5 AND (revocation_reason IS NULL OR revocation_reason <> 'failed_sign_in') LIMIT 5) AS t6)",
            )
            .bind(user_id).bind(fingerprint).bind(country).bind(failures_since).bind(sessions_since)
            .fetch_one(pool).await?;
            Ok(SignInHistory {
                earlier_sessions: row.0,
                same_device: row.1,
                countries_known: row.2,
                same_country: row.3,
                recent_failures: row.4,
                recent_sessions: row.5,
            })
        })
    }

    /// The owner of a live session, for links that end it.
    pub async fn session_owner(&self, id: &str) -> StoreResult<Option<String>> {
        on_read!(self, pool => Ok(sqlx::query_scalar::<_, String>(
            "SELECT user_id FROM user_sessions WHERE id = $1 AND revoked_at IS NULL",
        ).bind(id).fetch_optional(pool).await?))
    }
}

/// Moments inside SQLite JSON: the text sqlx stored (RFC 3339), or SQLite's
/// own `YYYY-MM-DD HH:MM:SS[.fff]` (UTC), as sqlx would read them.
/// Column `i`, a moment or NULL, read as sqlx reads SQLite's text.
fn moment(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    match row.get_ref(i)?.as_str_or_null()? {
        None => Ok(None),
        Some(text) => sqlite_time::parse(text).map(Some).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                "not a moment".into(),
            )
        }),
    }
}

/// Column `i`, a moment that may not be NULL.
fn required_moment(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    moment(row, i)?.ok_or(rusqlite::Error::InvalidColumnType(
        i,
        "NULL moment".into(),
        rusqlite::types::Type::Null,
    ))
}

mod sqlite_time {
    use chrono::{DateTime, NaiveDateTime, Utc};
    use serde::{Deserialize, Deserializer};

    pub(super) fn parse(s: &str) -> Option<DateTime<Utc>> {
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(t.with_timezone(&Utc));
        }
        ["%F %T%.f", "%FT%T%.f", "%F %R"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .map(|n| n.and_utc())
    }

    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse(&s).ok_or_else(|| serde::de::Error::custom("not a moment"))
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match <Option<std::borrow::Cow<'de, str>>>::deserialize(d)? {
            None => Ok(None),
            Some(s) => parse(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("not a moment")),
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn both_spellings_read() {
            let a = super::parse("2026-11-28T18:00:01.250+00:00").unwrap();
            let b = super::parse("2026-11-28 18:00:01.250").unwrap();
            assert_eq!(a, b);
            assert_eq!(
                super::parse("2026-11-28 18:00").unwrap().to_rfc3339(),
                "2026-11-28T18:00:00+00:00"
            );
            assert!(super::parse("yesterday").is_none());
        }
    }
}
