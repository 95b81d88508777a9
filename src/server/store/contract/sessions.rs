//! Sessions (`user_sessions`) and their analytics (`sessionanalytics`).

use super::activity::NewActivity;
use super::error::StoreResult;
use super::users::UserRow;
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

/// A session with its analytics, for the sessions page (SQLite hands the
/// rows over as JSON, hence `Deserialize`).
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct SessionListRow {
    pub id: String,
    pub client_ip: String,
    pub user_agent: Option<String>,
    pub location: Option<String>,
    pub last_activity: DateTime<Utc>,
    pub created_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
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
    /// The `extra_data` of the session's sign-in event (its signals).
    pub signals: Option<String>,
}

/// The sessions page's two lists.
#[derive(Debug, Default, Clone)]
pub struct SessionLists {
    /// Live sessions, most recent activity first.
    pub live: Vec<SessionListRow>,
    /// Sessions ended since the bound asked for, last ended first (failed
    /// sign-in attempts left out).
    pub ended: Vec<SessionListRow>,
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

/// What the sign-in rules ask about an account's past sessions.
pub struct HistoryQuery<'a> {
    pub user_id: &'a str,
    pub fingerprint: &'a str,
    pub country: Option<&'a str>,
    pub failures_since: DateTime<Utc>,
    pub sessions_since: DateTime<Utc>,
}

/// Sessions.
#[async_trait::async_trait]
pub trait Sessions: Send + Sync {
    /// Inserts the session and its analytics row and, when the session is
    /// `active`, the account's `last_login` and `events`, in one
    /// transaction (one durable commit per sign-in). An inactive session
    /// records an attempt that never got a cookie (`failed_sign_in`).
    async fn create(
        &self,
        s: NewSession<'_>,
        active: bool,
        events: &[NewActivity],
    ) -> StoreResult<()>;
    /// The live session holding this token hash, with its account.
    /// Lifetimes are checked by the caller against its clock.
    async fn by_token_hash(&self, hash: &str) -> StoreResult<Option<(SessionAuthRow, UserRow)>>;
    /// Ends one session of `user_id`. Someone else's id changes nothing (S19).
    async fn revoke(
        &self,
        id: &str,
        user_id: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Ends every live session of `user_id` but `keep`. Returns how many.
    async fn revoke_others(
        &self,
        user_id: &str,
        keep: Option<&str>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Gives a session a new token (S15). Returns when it was created and
    /// when it expires, so the new cookie keeps the old one's lifetime.
    async fn rotate_token(
        &self,
        id: &str,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(Option<DateTime<Utc>>, DateTime<Utc>)>>;
    /// Writes buffered activity counters in one transaction.
    async fn flush_activity(&self, batch: &[(String, ActivityDelta)]) -> StoreResult<()>;
    /// Live sessions that may have run out: past their absolute expiry, or
    /// idle since before `idle_cutoff`. The caller applies the exact rule.
    async fn expiry_candidates(
        &self,
        now: DateTime<Utc>,
        idle_cutoff: DateTime<Utc>,
    ) -> StoreResult<Vec<SessionAuthRow>>;
    /// Marks one run-out session expired.
    async fn expire(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// A user's live sessions and those that ended since `since`.
    async fn list(&self, user_id: &str, since: DateTime<Utc>) -> StoreResult<SessionLists>;
    /// The facts the suspicious-sign-in rules need, before the new session exists.
    async fn sign_in_history(&self, q: HistoryQuery<'_>) -> StoreResult<SignInHistory>;
}
