//! `/account/sessions`: every live session of the caller, newest activity
//! first, and those ended in the last 30 days, in words.

use crate::domain::{AppError, SessionView, SessionsOverview};
use crate::server::lifetimes::ran_out;
use crate::server::moments::when;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::security::describe;
use crate::server::state::AppState;
use crate::server::store::SessionListRow;
use chrono::{DateTime, Utc};

/// Why a session ended, in words.
pub fn reason_words(reason: &str) -> String {
    match reason {
        "logout" => "Signed out",
        "revoked_by_user" => "Ended from the sessions page",
        "revoked_by_email_link" => "Ended from the alert email",
        "password_changed" => "Ended by a password change",
        "account_deleted" => "Account deleted",
        "account_disabled" => "Account disabled",
        "expired" => "Expired",
        other => other,
    }
    .to_string()
}

/// How a session was opened, in words.
pub fn method_words(m: Option<&str>) -> String {
    match m {
        Some("password") | None => "Password".into(),
        Some("password+totp") => "Password and authentication code".into(),
        Some(o) => match o.strip_prefix("oauth:") {
            Some(p) => format!("Sign-in with {p}"),
            None => o.into(),
        },
    }
}

/// Why a session is flagged, in words.
fn suspicion(row: &SessionListRow) -> Option<String> {
    if !row.suspicious_activity {
        return None;
    }
    let mut reasons: Vec<&'static str> = row
        .signals
        .as_deref()
        .and_then(|extra| serde_json::from_str::<serde_json::Value>(extra).ok())
        .and_then(|v| {
            v.get("signals").and_then(|s| s.as_array()).map(|list| {
                list.iter()
                    .filter_map(|s| s.as_str())
                    .map(describe)
                    .collect()
            })
        })
        .unwrap_or_default();
    if row.failed_actions.unwrap_or(0) >= 3 {
        reasons.push(describe("failed_actions"));
    }
    if reasons.is_empty() {
        reasons.push(describe(""));
    }
    let text = reasons.join("; ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
}

/// A row as the page shows it; `ended` overrides the stored end (a live
/// session that ran out but is not marked yet).
fn view(
    row: SessionListRow,
    current: &str,
    requests: i32,
    last_active: DateTime<Utc>,
    ended: Option<(DateTime<Utc>, String)>,
    now: DateTime<Utc>,
) -> SessionView {
    let location = crate::server::geo::label(row.city.as_deref(), row.country.as_deref())
        .or_else(|| row.location.clone());
    SessionView {
        current: row.id == current,
        suspicious: suspicion(&row),
        browser: row.browser.unwrap_or_else(|| "Unknown browser".into()),
        os: row.os.unwrap_or_else(|| "Unknown OS".into()),
        device_type: row.device_type.unwrap_or_else(|| "desktop".into()),
        ip: row.client_ip,
        location,
        signed_in: when(row.created_at.unwrap_or(row.last_activity), now),
        last_active: when(last_active, now),
        method: method_words(row.login_method.as_deref()),
        requests,
        ended: ended.as_ref().map(|(t, _)| when(*t, now)),
        end_reason: ended.map(|(_, why)| why),
        id: row.id,
    }
}

/// Every live session of the caller (newest activity first) and those that
/// ended in the last 30 days, with the counts still in the activity buffer.
pub async fn overview(
    state: &AppState,
    who: &SignedIn,
    meta: &RequestMeta,
) -> Result<SessionsOverview, AppError> {
    let now = state.now();
    let lists = state
        .store
        .sessions
        .list(who.user_id(), now - chrono::Duration::days(30))
        .await
        .map_err(|e| meta.store_error(e))?;
    let current = who.session_id.as_str();
    let mut active: Vec<(DateTime<Utc>, SessionView)> = Vec::with_capacity(lists.live.len());
    let mut ended = Vec::with_capacity(lists.ended.len());
    for row in lists.live {
        let (mut requests, mut last) = (row.request_count, row.last_activity);
        if let Some((pending, at)) = state.tracker.pending(&row.id) {
            requests += pending;
            last = at.map_or(last, |t| last.max(t));
        }
        if ran_out(row.created_at, last, row.expires_at, now, &state.settings) {
            let end = (row.expires_at.min(now), reason_words("expired"));
            ended.push(view(row, current, requests, last, Some(end), now));
        } else {
            active.push((last, view(row, current, requests, last, None, now)));
        }
    }
    for row in lists.ended {
        let end = row.revoked_at.map(|t| {
            (
                t,
                reason_words(row.revocation_reason.as_deref().unwrap_or("")),
            )
        });
        let (requests, last) = (row.request_count, row.last_activity);
        ended.push(view(row, current, requests, last, end, now));
    }
    // Newest activity first; buffered activity may reorder the stored order.
    active.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.id.cmp(&a.1.id)));
    ended.sort_by(|a, b| {
        let at = |v: &SessionView| v.ended.as_ref().map(|w| w.iso.clone());
        at(b).cmp(&at(a)).then(b.id.cmp(&a.id))
    });
    Ok(SessionsOverview {
        active: active.into_iter().map(|(_, v)| v).collect(),
        ended,
    })
}
