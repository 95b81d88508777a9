//! Moments as people read them: RFC 3339 for `<time datetime>`, an absolute
//! form ("2026-11-27 14:03 UTC") and how long ago ("3 hours ago").

use crate::domain::When;
use chrono::{DateTime, Datelike, Timelike, Utc};

/// A moment for display, relative to `now`. (Written field by field: the
/// sessions page shows three per row, and `format` parses its pattern each
/// time.)
pub fn when(t: DateTime<Utc>, now: DateTime<Utc>) -> When {
    let (y, mo, d, h, mi) = (t.year(), t.month(), t.day(), t.hour(), t.minute());
    When {
        iso: format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{:02}Z", t.second()),
        absolute: format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC"),
        relative: relative(t, now),
    }
}

/// How long before `now` `t` was ("3 hours ago", "just now").
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - t).num_seconds();
    let (n, unit) = match secs {
        s if s < 60 => return "just now".into(),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s if s < 86_400 * 30 => (s / 86_400, "day"),
        s if s < 86_400 * 365 => (s / (86_400 * 30), "month"),
        s => (s / (86_400 * 365), "year"),
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} {unit}{plural} ago")
}

#[cfg(test)]
mod tests {
    use super::when;
    use chrono::{TimeZone, Utc};

    #[test]
    fn moments_read_as_people_write_them() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 18, 5, 9).unwrap();
        let w = when(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(), now);
        assert_eq!(w.iso, "2026-01-02T03:04:05Z");
        assert_eq!(w.absolute, "2026-01-02 03:04 UTC");
        assert_eq!(
            when(Utc.with_ymd_and_hms(2026, 11, 28, 15, 0, 0).unwrap(), now).relative,
            "3 hours ago"
        );
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
