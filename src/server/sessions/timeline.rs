//! `/account/activity`: the security timeline, newest first, filterable by
//! kind and session, paginated by a keyset cursor, with sign-ins per day
//! over the last 30 days.

use crate::domain::{AppError, TimelineEvent, TimelineFilter, TimelinePage};
use crate::server::moments::when;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::security::describe;
use crate::server::state::AppState;
use crate::server::store::{TimelineQuery, TimelineRow};
use chrono::{DateTime, Utc};

/// Timeline filters: a kind name and the activity types it covers.
pub fn kinds_of(filter: &str) -> Option<&'static [&'static str]> {
    Some(match filter {
        "signin" => &["sign_in", "sign_out", "register"],
        "failed" => &["sign_in_failed", "reauth_failed"],
        "account" => &[
            "profile_updated",
            "password_changed",
            "email_change_requested",
            "email_changed",
            "account_deleted",
        ],
        "sessions" => &["session_revoked", "other_sessions_revoked"],
        "groups" => &[
            "group_joined",
            "group_left",
            "group_requested",
            "group_approved",
            "group_denied",
            "group_removed",
            "group_role_changed",
            "group_created",
            "group_deleted",
            "group_updated",
            "group_request_cancelled",
            "group_ownership_transferred",
        ],
        _ => return None,
    })
}

pub fn label(kind: &str) -> String {
    match kind {
        "sign_in" => "Signed in",
        "sign_out" => "Signed out",
        "register" => "Account created",
        "sign_in_failed" => "Failed sign-in",
        "reauth_failed" => "Wrong current password",
        "profile_updated" => "Profile updated",
        "password_changed" => "Password changed",
        "email_change_requested" => "Email change requested",
        "email_changed" => "Email changed",
        "account_deleted" => "Account deleted",
        "session_revoked" => "Session ended",
        "other_sessions_revoked" => "Other sessions ended",
        "group_created" => "Created a group",
        "group_updated" => "Edited a group",
        "group_deleted" => "Deleted a group",
        "group_joined" => "Joined a group",
        "group_left" => "Left a group",
        "group_requested" => "Asked to join a group",
        "group_request_cancelled" => "Withdrew a request to join",
        "group_approved" => "Approved a request to join",
        "group_denied" => "Denied a request to join",
        "group_removed" => "Removed a group member",
        "group_role_changed" => "Changed a member's role",
        "group_ownership_transferred" => "Handed a group over",
        other => return other.replace('_', " "),
    }
    .to_string()
}

fn event(r: TimelineRow, now: DateTime<Utc>) -> TimelineEvent {
    let device = match (&r.browser, &r.os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.clone(),
        _ => r
            .user_agent
            .clone()
            .map(|u| u.chars().take(60).collect())
            .unwrap_or_else(|| "Unknown device".into()),
    };
    let location = crate::server::geo::label(r.city.as_deref(), r.country.as_deref());
    let detail = r
        .extra_data
        .as_deref()
        .and_then(|x| serde_json::from_str::<serde_json::Value>(x).ok())
        .and_then(|v| {
            if let Some(group) = v.get("group").and_then(|g| g.as_str()) {
                Some(match v.get("member").and_then(|m| m.as_str()) {
                    Some(m) => format!("Group: {group}, member: {m}"),
                    None => format!("Group: {group}"),
                })
            } else if let Some(n) = v.get("other_sessions_ended").and_then(|n| n.as_u64()) {
                Some(format!("{n} other session(s) ended"))
            } else if let Some(n) = v.get("count").and_then(|n| n.as_u64()) {
                Some(format!("{n} session(s)"))
            } else {
                v.get("signals")
                    .and_then(|s| s.as_array())
                    .filter(|l| !l.is_empty())
                    .map(|list| {
                        let words: Vec<&str> = list
                            .iter()
                            .filter_map(|s| s.as_str())
                            .map(describe)
                            .collect();
                        format!("Noticed: {}", words.join("; "))
                    })
            }
        });
    TimelineEvent {
        label: label(&r.activity_type),
        kind: r.activity_type,
        when: when(r.created_at.unwrap_or(now), now),
        device,
        ip: r.client_ip,
        location,
        session_id: r.session_id,
        detail,
        id: r.id,
    }
}

pub const PAGE: i64 = 25;

/// Parses a cursor "<rfc3339>|<id>"; anything malformed is a bad request.
fn cursor(raw: &str) -> Result<Option<(DateTime<Utc>, String)>, AppError> {
    if raw.is_empty() {
        return Ok(None);
    }
    let (t, id) = raw.split_once('|').ok_or(AppError::BadRequest)?;
    let t = DateTime::parse_from_rfc3339(t)
        .map_err(|_| AppError::BadRequest)?
        .with_timezone(&Utc);
    if id.len() > 64 {
        return Err(AppError::BadRequest);
    }
    Ok(Some((t, id.to_string())))
}

/// A page of the caller's timeline and the sign-ins-per-day chart.
pub async fn timeline(
    state: &AppState,
    who: &SignedIn,
    filter: &TimelineFilter,
    meta: &RequestMeta,
) -> Result<TimelinePage, AppError> {
    let kinds = match filter.kind.as_str() {
        "" => None,
        f => Some(kinds_of(f).ok_or(AppError::BadRequest)?),
    };
    let before = cursor(filter.before.as_deref().unwrap_or(""))?;
    let now = state.now();
    let since = (now - chrono::Duration::days(29)).date_naive();
    let since_t = since
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or(now);
    let activity = &state.store.activity;
    let (rows, times) = tokio::try_join!(
        activity.timeline(TimelineQuery {
            user_id: who.user_id(),
            kinds,
            session: filter.session.as_deref(),
            before,
            limit: PAGE + 1,
        }),
        activity.sign_in_times(who.user_id(), since_t),
    )
    .map_err(|e| meta.store_error(e))?;
    let more = rows.len() as i64 > PAGE;
    let rows: Vec<TimelineRow> = rows.into_iter().take(PAGE as usize).collect();
    let next = if more {
        rows.last().and_then(|r| {
            r.created_at.map(|t| {
                format!(
                    "{}|{}",
                    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                    r.id
                )
            })
        })
    } else {
        None
    };
    let per_day = (0..30)
        .map(|i| {
            let day = since + chrono::Duration::days(i);
            let n = times.iter().filter(|t| t.date_naive() == day).count() as u32;
            (day.format("%Y-%m-%d").to_string(), n)
        })
        .collect();
    Ok(TimelinePage {
        events: rows.into_iter().map(|r| event(r, now)).collect(),
        next,
        per_day,
    })
}
