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
    pub async fn recent_activity(
        &self,
        user_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<ActivityRow>> {
        on_read!(self, pool => Ok(sqlx::query_as::<_, ActivityRow>(
            "SELECT id, session_id, activity_type, endpoint, client_ip, response_status, created_at \
             FROM session_activities WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        ).bind(user_id).bind(limit).fetch_all(pool).await?))
    }
}

/// One event of the timeline with where it came from.
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

impl Store {
    /// A page of the timeline, newest first, after the keyset cursor
    /// `(created_at, id)`. `kinds` is a fixed list from the caller's whitelist.
    pub async fn timeline(
        &self,
        user_id: &str,
        kinds: Option<&[&'static str]>,
        session: Option<&str>,
        before: Option<(DateTime<Utc>, String)>,
        limit: i64,
    ) -> StoreResult<Vec<TimelineRow>> {
        let mut sql = String::from(
            "SELECT a.id, a.session_id, a.activity_type, a.endpoint, a.method, a.client_ip, a.user_agent, \
             a.response_status, a.extra_data, a.created_at, sa.browser, sa.os, sa.device_type, sa.city, sa.country \
             FROM session_activities a LEFT JOIN sessionanalytics sa ON sa.session_id = a.session_id \
             WHERE a.user_id = $1",
        );
        if let Some(kinds) = kinds {
            // Only constants from the whitelist reach the SQL text.
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
        if session.is_some() {
            sql.push_str(" AND a.session_id = $2");
        } else {
            sql.push_str(" AND ($2 IS NULL OR a.session_id = $2)");
        }
        let (at, id) = match before {
            Some((at, id)) => (Some(at), Some(id)),
            None => (None, None),
        };
        if at.is_some() {
            sql.push_str(" AND (a.created_at < $3 OR (a.created_at = $3 AND a.id < $4))");
        } else {
            sql.push_str(" AND ($3 IS NULL OR $4 IS NULL)");
        }
        sql.push_str(" ORDER BY a.created_at DESC, a.id DESC LIMIT $5");
        on_read!(self, pool => Ok(sqlx::query_as::<_, TimelineRow>(&sql)
            .bind(user_id).bind(session).bind(at).bind(id).bind(limit)
            .fetch_all(pool).await?))
    }

    /// When each sign-in since `since` happened (for the chart).
    pub async fn sign_in_times(
        &self,
        user_id: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<DateTime<Utc>>> {
        on_read!(self, pool => Ok(sqlx::query_scalar::<_, DateTime<Utc>>(
            "SELECT created_at FROM session_activities WHERE user_id = $1 AND activity_type = 'sign_in' \
             AND created_at >= $2",
        ).bind(user_id).bind(since).fetch_all(pool).await?))
    }
}
