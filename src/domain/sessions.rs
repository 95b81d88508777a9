//! The signed-in person, their sessions and their security timeline, as
//! pages receive them from server functions. Times arrive as RFC 3339 text
//! plus a ready-made human form, so the browser build needs no date library.

use serde::{Deserialize, Serialize};

/// The signed-in person, as the navigation and pages need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub username: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub bio: Option<String>,
    pub picture_url: Option<String>,
    pub email_verified: bool,
    pub pending_email: Option<String>,
    pub is_admin: bool,
}

impl CurrentUser {
    /// The name to greet someone by.
    pub fn display_name(&self) -> String {
        match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => format!("{f} {l}"),
            (Some(f), None) => f.clone(),
            (None, Some(l)) => l.clone(),
            (None, None) => self.username.clone(),
        }
    }
}

/// A moment, for display: machine-readable and human forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct When {
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
    /// "2026-11-27 14:03 UTC".
    pub absolute: String,
    /// "3 hours ago".
    pub relative: String,
}

/// One row of `/account/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// The public handle used to end it.
    pub id: String,
    pub browser: String,
    pub os: String,
    pub device_type: String,
    pub ip: String,
    pub location: Option<String>,
    pub signed_in: When,
    pub last_active: When,
    pub method: String,
    pub requests: i32,
    pub current: bool,
    /// Why it was flagged, in words; `None` when it was not.
    pub suspicious: Option<String>,
    /// For ended sessions: when and why.
    pub ended: Option<When>,
    pub end_reason: Option<String>,
}

/// Both lists of `/account/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsOverview {
    pub active: Vec<SessionView>,
    pub ended: Vec<SessionView>,
}

/// One event of the security timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub when: When,
    pub device: String,
    pub ip: String,
    pub location: Option<String>,
    pub session_id: String,
    pub detail: Option<String>,
}

/// A page of the timeline and the sign-ins-per-day chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelinePage {
    pub events: Vec<TimelineEvent>,
    /// Cursor for the next (older) page, when there is one.
    pub next: Option<String>,
    /// Sign-ins per day over the last 30 days, oldest first: ("2026-11-27", n).
    pub per_day: Vec<(String, u32)>,
}

/// The filter choices of the timeline: (value, label).
pub const TIMELINE_KINDS: &[(&str, &str)] = &[
    ("", "All events"),
    ("signin", "Sign-ins and sign-outs"),
    ("failed", "Failed attempts"),
    ("account", "Account changes"),
    ("sessions", "Ended sessions"),
    ("groups", "Groups"),
];

/// What `/account/activity` asks for: a filter of [`TIMELINE_KINDS`], one
/// session, and where the previous page ended.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TimelineFilter {
    pub kind: String,
    pub session: Option<String>,
    pub before: Option<String>,
}

impl TimelineFilter {
    /// `None` for anything but a listed kind, a session id of up to 64
    /// characters and a cursor of up to 200.
    pub fn parse(kind: &str, session: &str, before: &str) -> Option<Self> {
        let known = TIMELINE_KINDS.iter().any(|(k, _)| *k == kind);
        if !known || session.len() > 64 || before.len() > 200 {
            return None;
        }
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Some(TimelineFilter {
            kind: kind.to_string(),
            session: some(session),
            before: some(before),
        })
    }
}
