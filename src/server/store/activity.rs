//! Queries on `session_activities`: the security timeline.

use super::{new_id, Store, StoreResult};
use chrono::{DateTime, Utc};

/// One event of the security timeline.
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

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: String,
    pub session_id: String,
    pub activity_type: String,
    pub endpoint: Option<String>,
    pub client_ip: String,
    pub response_status: Option<i32>,
    pub created_at: Option<DateTime<Utc>>,
}

/// Cuts text to a column's size on a character boundary (for values we
/// record, such as user agents, not for values a person typed).
pub fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

impl Store {
    pub async fn record_activity(&self, a: &NewActivity) -> StoreResult<()> {
        let id = new_id();
        on_write!(self, pool => {
            sqlx::query(
                "INSERT INTO session_activities (id, session_id, user_id, activity_type, endpoint, method, \
                 client_ip, user_agent, request_id, response_status, extra_data, created_at, updated_at) \
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12)",
            )
            .bind(&id).bind(&a.session_id).bind(&a.user_id).bind(a.activity_type)
            .bind(a.endpoint.as_deref().map(|s| clip(s, 255)))
            .bind(a.method.as_deref().map(|s| clip(s, 10)))
            .bind(clip(&a.client_ip, 45))
            .bind(a.user_agent.as_deref().map(|s| clip(s, 512)))
            .bind(a.request_id.as_deref().map(|s| clip(s, 100)))
            .bind(a.response_status).bind(a.extra_data.as_deref()).bind(a.now)
            .execute(pool).await?;
            Ok(())
        })
    }

    /// The newest events of a user, newest first.
    pub async fn recent_activity(&self, user_id: &str, limit: i64) -> StoreResult<Vec<ActivityRow>> {
        on_read!(self, pool => Ok(sqlx::query_as::<_, ActivityRow>(
            "SELECT id, session_id, activity_type, endpoint, client_ip, response_status, created_at \
             FROM session_activities WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        ).bind(user_id).bind(limit).fetch_all(pool).await?))
    }
}
