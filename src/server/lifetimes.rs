//! How long a session lives (S17): a normal session ends after
//! `VESTIBULE_SESSION_IDLE_MINUTES` idle or `VESTIBULE_SESSION_ABSOLUTE_HOURS`;
//! one made with "Keep me signed in" (its absolute lifetime is longer than a
//! normal one's) after the remember-me idle and absolute lifetimes.

use super::config::ServeSettings;
use super::store::SessionAuthRow;
use chrono::{DateTime, Utc};

/// Has this session run out at `now`, counting activity still in the
/// buffer (`pending_last`)?
pub fn is_expired(
    s: &SessionAuthRow,
    now: DateTime<Utc>,
    settings: &ServeSettings,
    pending_last: Option<DateTime<Utc>>,
) -> bool {
    let last = match pending_last {
        Some(p) if p > s.last_activity => p,
        _ => s.last_activity,
    };
    ran_out(s.created_at, last, s.expires_at, now, settings)
}

/// Whether a session that started at `created_at`, was last active at
/// `last_activity` and expires at `expires_at` has run out by `now`: past its
/// expiry, or idle longer than its kind of session may be.
pub fn ran_out(
    created_at: Option<DateTime<Utc>>,
    last_activity: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    settings: &ServeSettings,
) -> bool {
    if expires_at <= now {
        return true;
    }
    let remember = created_at.is_some_and(|c| expires_at - c > settings.absolute(false));
    last_activity + settings.idle(remember) <= now
}
