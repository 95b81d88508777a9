//! The security timeline (`session_activities`).

use super::error::StoreResult;
use chrono::{DateTime, Utc};

/// One event of the security timeline, to be written.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub session_id: String,
    pub user_id: String,
    pub activity_type: &'static str,
    pub endpoint: Option<String>,
    pub method: Option<String>,
    pub client_ip: String,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub response_status: Option<i32>,
    pub extra_data: Option<String>,
    pub now: DateTime<Utc>,
}

/// One event of the timeline with the session it came from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimelineRow {
    pub id: String,
    pub session_id: String,
    pub activity_type: String,
    pub endpoint: Option<String>,
    pub method: Option<String>,
    pub client_ip: String,
    pub user_agent: Option<String>,
    pub response_status: Option<i32>,
    pub extra_data: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub device_type: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

/// What to read of the timeline: a user's events, newest first.
#[derive(Debug, Clone, Default)]
pub struct TimelineQuery<'a> {
    pub user_id: &'a str,
    /// Only these kinds (a fixed list from the caller's whitelist).
    pub kinds: Option<&'static [&'static str]>,
    pub session: Option<&'a str>,
    /// The keyset cursor `(created_at, id)` of the last event shown.
    pub before: Option<(DateTime<Utc>, String)>,
    pub limit: i64,
}

/// The security timeline.
#[async_trait::async_trait]
pub trait Activity: Send + Sync {
    async fn record(&self, a: &NewActivity) -> StoreResult<()>;
    /// A page of the timeline, newest first.
    async fn timeline(&self, q: TimelineQuery<'_>) -> StoreResult<Vec<TimelineRow>>;
    /// When each sign-in since `since` happened (for the chart).
    async fn sign_in_times(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<DateTime<Utc>>>;
}
