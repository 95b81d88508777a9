//! What pages receive from server functions. Times arrive as RFC 3339 text
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
