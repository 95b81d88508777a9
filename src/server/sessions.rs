//! The sessions page and the security timeline: listing, ending sessions
//! (only one's own, S18, S19), the emailed end-this-session link, and the
//! timeline with its sign-ins-per-day chart.

use super::accounts::{record, store_err};
use super::http::RequestMeta;
use super::security::describe;
use super::session::{self, Authenticated};
use super::state::AppState;
use super::store::{SessionListRow, TimelineRow};
use crate::domain::{AppError, SessionView, SessionsOverview, TimelineEvent, TimelinePage, When};
use chrono::{DateTime, Utc};
use std::borrow::Cow;

/// A moment for display, relative to `now`.
pub fn when(t: DateTime<Utc>, now: DateTime<Utc>) -> When {
    let mut iso = String::with_capacity(20);
    push_iso(&mut iso, t);
    let mut absolute = String::with_capacity(20);
    push_absolute(&mut absolute, t);
    let mut relative = String::with_capacity(16);
    push_relative(&mut relative, t, now);
    When {
        iso,
        absolute,
        relative,
    }
}

// Moments are written digit by digit, straight into the page where it is
// drawn by hand: the sessions page shows three per row, and formatting them
// through `format!` into strings of their own was a tenth of its time.

/// Appends `t` in RFC 3339, to the second ("2026-11-27T14:03:00Z").
pub fn push_iso(out: &mut String, t: DateTime<Utc>) {
    push_stamp(out, t, 'T', true, "Z", "%Y-%m-%dT%H:%M:%SZ");
}

/// Appends `t` as people read it here ("2026-11-27 14:03 UTC").
pub fn push_absolute(out: &mut String, t: DateTime<Utc>) {
    push_stamp(out, t, ' ', false, " UTC", "%Y-%m-%d %H:%M UTC");
}

/// Date, `between`, hours and minutes (and seconds), `end`; years outside
/// 0–9999 through chrono with `format`, which writes the same fields.
fn push_stamp(
    out: &mut String,
    t: DateTime<Utc>,
    between: char,
    seconds: bool,
    end: &str,
    format: &str,
) {
    use chrono::{Datelike, Timelike};
    // The UTC fields as stored: no time zone offset applied per field.
    let t = t.naive_utc();
    match u32::try_from(t.year()) {
        Ok(year) if year <= 9999 => {
            push_digits(out, year, 4);
            out.push('-');
            push_digits(out, t.month(), 2);
            out.push('-');
            push_digits(out, t.day(), 2);
            out.push(between);
            push_digits(out, t.hour(), 2);
            out.push(':');
            push_digits(out, t.minute(), 2);
            if seconds {
                out.push(':');
                push_digits(out, t.second(), 2);
            }
            out.push_str(end);
        }
        _ => out.push_str(&t.format(format).to_string()),
    }
}

/// Appends how long before `now` `t` was ("3 hours ago", "just now").
pub fn push_relative(out: &mut String, t: DateTime<Utc>, now: DateTime<Utc>) {
    let secs = (now - t).num_seconds();
    let (n, unit) = match secs {
        s if s < 60 => {
            out.push_str("just now");
            return;
        }
        s if s < 3600 => (s / 60, " minute"),
        s if s < 86_400 => (s / 3600, " hour"),
        s if s < 86_400 * 30 => (s / 86_400, " day"),
        s if s < 86_400 * 365 => (s / (86_400 * 30), " month"),
        s => (s / (86_400 * 365), " year"),
    };
    push_int(out, n);
    out.push_str(unit);
    if n != 1 {
        out.push('s');
    }
    out.push_str(" ago");
}

/// `n` as exactly `width` decimal digits (leading zeros; `n` must fit).
fn push_digits(out: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10u32.pow(place)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// Appends `n` in decimal.
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut rest = n.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut first = digits.len();
    loop {
        first -= 1;
        digits[first] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &d in &digits[first..] {
        out.push(char::from(d));
    }
}

fn reason_words(reason: &str) -> &str {
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
}

fn method_words(m: Option<&str>) -> Cow<'_, str> {
    match m {
        Some("password") | None => "Password".into(),
        Some("password+totp") => "Password and authentication code".into(),
        Some(o) => match o.strip_prefix("oauth:") {
            Some(p) => format!("Sign-in with {p}").into(),
            None => o.into(),
        },
    }
}

/// Why a session is flagged, in words.
fn suspicion(row: &SessionListRow) -> Option<String> {
    if !row.suspicious_activity {
        return None;
    }
    let mut reasons: Vec<&'static str> = Vec::new();
    if let Some(extra) = &row.signals {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(extra) {
            if let Some(list) = v.get("signals").and_then(|s| s.as_array()) {
                for s in list.iter().filter_map(|s| s.as_str()) {
                    reasons.push(describe(s));
                }
            }
        }
    }
    if row.failed_actions.unwrap_or(0) >= 3 {
        reasons.push(describe("failed_actions"));
    }
    if reasons.is_empty() {
        reasons.push(describe(""));
    }
    let mut text = reasons.join("; ");
    if let Some(first) = text.get(0..1) {
        text = first.to_uppercase() + &text[1..];
    }
    Some(text)
}

/// A row as the page shows it: the stored row (shared, see
/// `store::SessionLists`) with the counts still in the activity buffer added,
/// and, for a live session that ran out but is not marked yet, its end.
struct Shown<'a> {
    row: &'a SessionListRow,
    requests: i32,
    last_activity: DateTime<Utc>,
    ended: Option<(DateTime<Utc>, Option<&'a str>)>,
}

impl<'a> Shown<'a> {
    fn stored(row: &'a SessionListRow) -> Self {
        Shown {
            row,
            requests: row.request_count,
            last_activity: row.last_activity,
            ended: row
                .revoked_at
                .map(|t| (t, row.revocation_reason.as_deref())),
        }
    }
}

/// A session as the sessions page and [`overview`]'s answer show it,
/// borrowed from its stored row: the page is drawn from these directly
/// (`ui::pages::sessions::lists_html`), without a string of its own per fact.
pub struct SessionFacts<'a> {
    pub id: &'a str,
    pub browser: &'a str,
    pub os: &'a str,
    pub device_type: &'a str,
    pub ip: &'a str,
    pub location: Option<Cow<'a, str>>,
    pub signed_in: DateTime<Utc>,
    pub last_active: DateTime<Utc>,
    pub method: Cow<'a, str>,
    pub requests: i32,
    pub current: bool,
    /// Why it was flagged, in words.
    pub suspicious: Option<String>,
    /// For ended sessions: when and why.
    pub ended: Option<DateTime<Utc>>,
    pub end_reason: Option<&'a str>,
}

impl<'a> SessionFacts<'a> {
    fn of(shown: Shown<'a>, current: &str) -> Self {
        let row = shown.row;
        let location = match (&row.city, &row.country) {
            (Some(c), Some(k)) => Some(format!("{c}, {k}").into()),
            (None, Some(k)) => Some(k.as_str().into()),
            _ => row.location.as_deref().map(Cow::Borrowed),
        };
        SessionFacts {
            id: &row.id,
            browser: row.browser.as_deref().unwrap_or("Unknown browser"),
            os: row.os.as_deref().unwrap_or("Unknown OS"),
            device_type: row.device_type.as_deref().unwrap_or("desktop"),
            ip: &row.client_ip,
            location,
            signed_in: row.created_at.unwrap_or(row.last_activity),
            last_active: shown.last_activity,
            method: method_words(row.login_method.as_deref()),
            requests: shown.requests,
            current: row.id == current,
            suspicious: suspicion(row),
            ended: shown.ended.map(|(t, _)| t),
            end_reason: shown.ended.and_then(|(_, why)| why).map(reason_words),
        }
    }

    /// The same facts as owned values, with the moments put in words.
    pub fn to_view(&self, now: DateTime<Utc>) -> SessionView {
        SessionView {
            id: self.id.to_string(),
            browser: self.browser.to_string(),
            os: self.os.to_string(),
            device_type: self.device_type.to_string(),
            ip: self.ip.to_string(),
            location: self.location.as_ref().map(|l| l.to_string()),
            signed_in: when(self.signed_in, now),
            last_active: when(self.last_active, now),
            method: self.method.to_string(),
            requests: self.requests,
            current: self.current,
            suspicious: self.suspicious.clone(),
            ended: self.ended.map(|t| when(t, now)),
            end_reason: self.end_reason.map(str::to_string),
        }
    }
}

/// Every live session of the caller (newest activity first) and those that
/// ended in the last 30 days.
pub async fn overview(
    state: &AppState,
    who: &Authenticated,
    meta: &RequestMeta,
) -> Result<SessionsOverview, AppError> {
    overview_with(state, who, meta, |active, ended, now| SessionsOverview {
        active: active.iter().map(|s| s.to_view(now)).collect(),
        ended: ended.iter().map(|s| s.to_view(now)).collect(),
    })
    .await
}

/// [`overview`]'s lists, live and ended, handed to `draw` as borrowed facts
/// with the moment they are shown at.
pub async fn overview_with<R>(
    state: &AppState,
    who: &Authenticated,
    meta: &RequestMeta,
    draw: impl FnOnce(&[SessionFacts<'_>], &[SessionFacts<'_>], DateTime<Utc>) -> R,
) -> Result<R, AppError> {
    let now = state.now();
    let lists = state
        .store
        .session_list(&who.user_id, now - chrono::Duration::days(30))
        .await
        .map_err(|e| store_err(e, meta))?;
    let mut active = Vec::with_capacity(lists.live.len());
    let mut ended: Vec<Shown<'_>> = lists.ended.iter().map(|r| Shown::stored(r)).collect();
    for row in &lists.live {
        let mut shown = Shown::stored(row);
        // Counts still in the buffer belong on this page.
        if let Some((requests, last_activity)) = state.tracker.pending(&row.id) {
            shown.requests += requests;
            if let Some(t) = last_activity {
                shown.last_activity = shown.last_activity.max(t);
            }
        }
        let ran_out = session::ran_out(
            row.created_at,
            shown.last_activity,
            row.expires_at,
            now,
            &state.settings,
        );
        if ran_out {
            shown.ended = Some((row.expires_at.min(now), Some("expired")));
            ended.push(shown);
        } else {
            active.push(shown);
        }
    }
    // Newest activity first; the current session's buffered activity may reorder it.
    active.sort_by(|a, b| {
        b.last_activity
            .cmp(&a.last_activity)
            .then(b.row.id.cmp(&a.row.id))
    });
    let current = who.session_id.as_str();
    let active: Vec<SessionFacts<'_>> = active
        .into_iter()
        .map(|s| SessionFacts::of(s, current))
        .collect();
    let ended: Vec<SessionFacts<'_>> = ended
        .into_iter()
        .map(|s| SessionFacts::of(s, current))
        .collect();
    Ok(draw(&active, &ended, now))
}

/// Ends one of the caller's sessions. Someone else's id and an unknown id get
/// the same answer and change nothing (S19).
pub async fn revoke(
    state: &AppState,
    who: &Authenticated,
    id: &str,
    meta: &RequestMeta,
) -> Result<bool, AppError> {
    if id.len() > 64 || id.is_empty() {
        return Err(AppError::NotFound);
    }
    let ended = state
        .store
        .revoke_session(id, &who.user_id, "revoked_by_user", state.now())
        .await
        .map_err(|e| store_err(e, meta))?;
    if !ended {
        return Err(AppError::NotFound);
    }
    record(
        state,
        &who.session_id,
        &who.user_id,
        "session_revoked",
        meta,
        200,
        Some(serde_json::json!({"session": id})),
    )
    .await;
    Ok(id == who.session_id)
}

/// Ends every other session of the caller; the current one stays (S18).
pub async fn revoke_others(
    state: &AppState,
    who: &Authenticated,
    meta: &RequestMeta,
) -> Result<u64, AppError> {
    let n = state
        .store
        .revoke_other_sessions(
            &who.user_id,
            Some(&who.session_id),
            "revoked_by_user",
            state.now(),
        )
        .await
        .map_err(|e| store_err(e, meta))?;
    record(
        state,
        &who.session_id,
        &who.user_id,
        "other_sessions_revoked",
        meta,
        200,
        Some(serde_json::json!({"count": n})),
    )
    .await;
    Ok(n)
}

/// The link in a sign-in alert: signed, expiring, and single-use because a
/// session can end only once.
pub fn end_link(state: &AppState, user_id: &str, session_id: &str) -> String {
    let token = state.signer.sign(
        "end_session",
        &(user_id, session_id),
        state.now() + chrono::Duration::days(7),
    );
    format!(
        "{}sessions/end?token={token}",
        super::accounts::base_url(state)
    )
}

pub async fn end_by_link(
    state: &AppState,
    token: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let Some((user_id, session_id)) =
        state
            .signer
            .verify::<(String, String)>("end_session", token, state.now())
    else {
        return Err(AppError::InvalidLink);
    };
    let ended = state
        .store
        .revoke_session(&session_id, &user_id, "revoked_by_email_link", state.now())
        .await
        .map_err(|e| store_err(e, meta))?;
    if !ended {
        return Err(AppError::InvalidLink);
    }
    record(
        state,
        &session_id,
        &user_id,
        "session_revoked",
        meta,
        200,
        Some(serde_json::json!({"session": session_id, "via": "email"})),
    )
    .await;
    Ok(())
}

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
    let location = match (&r.city, &r.country) {
        (Some(c), Some(k)) => Some(format!("{c}, {k}")),
        (None, Some(k)) => Some(k.clone()),
        _ => None,
    };
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

pub async fn timeline(
    state: &AppState,
    who: &Authenticated,
    filter: &str,
    session: &str,
    before: &str,
    meta: &RequestMeta,
) -> Result<TimelinePage, AppError> {
    let kinds = match filter {
        "" => None,
        f => Some(kinds_of(f).ok_or(AppError::BadRequest)?),
    };
    let session = (!session.is_empty()).then_some(session);
    if session.map(|s| s.len() > 64).unwrap_or(false) {
        return Err(AppError::BadRequest);
    }
    let before = cursor(before)?;
    let now = state.now();
    let since = (now - chrono::Duration::days(29)).date_naive();
    let since_t = since
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or(now);
    let (rows, times) = tokio::try_join!(
        state
            .store
            .timeline(&who.user_id, kinds, session, before, PAGE + 1),
        state.store.sign_in_times(&who.user_id, since_t),
    )
    .map_err(|e| store_err(e, meta))?;
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
    let mut per_day = Vec::with_capacity(30);
    for i in 0..30 {
        let day = since + chrono::Duration::days(i);
        let n = times.iter().filter(|t| t.date_naive() == day).count() as u32;
        per_day.push((day.format("%Y-%m-%d").to_string(), n));
    }
    Ok(TimelinePage {
        events: rows.into_iter().map(|r| event(r, now)).collect(),
        next,
        per_day,
    })
}

#[cfg(test)]
mod tests {
    use super::when;
    use chrono::{TimeZone, Utc};

    #[test]
    fn moments_read_as_chrono_would_write_them() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 18, 5, 9).unwrap();
        for t in [
            Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 28, 15, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(1999, 12, 31, 23, 0, 0).unwrap(),
        ] {
            let w = when(t, now);
            assert_eq!(w.iso, t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            assert_eq!(w.absolute, t.format("%Y-%m-%d %H:%M UTC").to_string());
        }
        assert_eq!(
            when(Utc.with_ymd_and_hms(2026, 11, 28, 15, 0, 0).unwrap(), now).relative,
            "3 hours ago"
        );
        assert_eq!(when(now, now).relative, "just now");
        let ago = |secs: i64| when(now - chrono::Duration::seconds(secs), now).relative;
        assert_eq!(ago(-30), "just now", "a moment ahead of the clock");
        assert_eq!(ago(59), "just now");
        assert_eq!(ago(60), "1 minute ago");
        assert_eq!(ago(3599), "59 minutes ago");
        assert_eq!(ago(86_400), "1 day ago");
        assert_eq!(ago(86_400 * 12), "12 days ago");
        assert_eq!(ago(86_400 * 60), "2 months ago");
        assert_eq!(ago(86_400 * 365 * 110), "110 years ago");
    }
}
