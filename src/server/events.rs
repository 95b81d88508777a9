//! Writing the security timeline (`session_activities`): one event per
//! thing a person did or that happened to their account, with where it came
//! from. A failure to record is logged, never shown.

use super::request::RequestMeta;
use super::state::AppState;
use super::store::NewActivity;
use chrono::{DateTime, Utc};

/// One event of this request, at `now`.
pub fn event(
    session_id: &str,
    user_id: &str,
    kind: &'static str,
    meta: &RequestMeta,
    status: i32,
    extra: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> NewActivity {
    NewActivity {
        session_id: session_id.to_string(),
        user_id: user_id.to_string(),
        activity_type: kind,
        endpoint: Some(meta.path.clone()),
        method: Some(meta.method.clone()),
        client_ip: meta.ip.to_string(),
        user_agent: meta.user_agent.clone(),
        request_id: Some(meta.request_id.clone()),
        response_status: Some(status),
        extra_data: extra.map(|v| v.to_string()),
        now,
    }
}

/// Records one event of `session_id` and `user_id`.
pub async fn record(
    state: &AppState,
    session_id: &str,
    user_id: &str,
    kind: &'static str,
    meta: &RequestMeta,
    extra: Option<serde_json::Value>,
) {
    let a = event(session_id, user_id, kind, meta, 200, extra, state.now());
    if let Err(e) = state.store.activity.record(&a).await {
        tracing::warn!(request_id = %meta.request_id, error = %e, kind, "could not record activity");
    }
}
