//! Suspicious sign-ins: a 0–100 score from documented signals, computed at
//! sign-in and raised as activity arrives.
//!
//! | signal | penalty |
//! | --- | --- |
//! | a device (device type + browser + OS) never seen for this account | 30 |
//! | a country never seen for this account (with a GeoIP database) | 50 |
//! | 3 or more failed sign-ins of this account in the last hour | 50 |
//! | 5 or more sessions opened in the last 10 minutes | 50 |
//! | 3 or more failed actions inside the session (later) | score at most 40 |
//!
//! A session scoring 50 or less is flagged: every signal but a new device
//! flags on its own; a new device alone is common (a new phone) and only
//! mails the person, but flags together with any other signal. The first session of an account
//! (registration) has nothing to compare with and is never flagged. The person
//! is emailed when a sign-in is flagged or comes from a new device.

use super::store::SignInHistory;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub score: i32,
    pub suspicious: bool,
    pub new_device: bool,
    /// Machine-readable signal names, stored with the sign-in event.
    pub signals: Vec<&'static str>,
}

pub fn assess(h: &SignInHistory, has_country: bool) -> Assessment {
    let mut score = 100;
    let mut signals = Vec::new();
    let first = h.earlier_sessions == 0;
    let new_device = !first && h.same_device == 0;
    if new_device {
        score -= 30;
        signals.push("new_device");
    }
    if !first && has_country && h.countries_known > 0 && h.same_country == 0 {
        score -= 50;
        signals.push("new_country");
    }
    if h.recent_failures >= 3 {
        score -= 50;
        signals.push("failed_attempts");
    }
    if h.recent_sessions >= 5 {
        score -= 50;
        signals.push("many_sessions");
    }
    let score = score.max(0);
    Assessment {
        score,
        suspicious: score <= 50,
        new_device,
        signals,
    }
}

/// Words for a stored signal name.
pub fn describe(signal: &str) -> &'static str {
    match signal {
        "new_device" => "a device never used before on this account",
        "new_country" => "a country never seen before on this account",
        "failed_attempts" => "several failed sign-in attempts just before",
        "many_sessions" => "many sessions opened in a short time",
        "failed_actions" => "repeated failed actions in this session",
        _ => "unusual activity",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hist() -> SignInHistory {
        SignInHistory {
            earlier_sessions: 3,
            same_device: 2,
            countries_known: 2,
            same_country: 2,
            recent_failures: 0,
            recent_sessions: 1,
        }
    }

    #[test]
    fn a_familiar_sign_in_is_clean() {
        let a = assess(&hist(), true);
        assert_eq!((a.score, a.suspicious, a.new_device), (100, false, false));
    }

    #[test]
    fn each_signal_trips_on_its_own() {
        let a = assess(
            &SignInHistory {
                same_device: 0,
                ..hist()
            },
            true,
        );
        assert_eq!(
            (a.score, a.suspicious, a.new_device, a.signals.clone()),
            (70, false, true, vec!["new_device"])
        );
        let a = assess(
            &SignInHistory {
                same_country: 0,
                ..hist()
            },
            true,
        );
        assert_eq!(a.signals, vec!["new_country"]);
        let a = assess(
            &SignInHistory {
                recent_failures: 3,
                ..hist()
            },
            true,
        );
        assert_eq!(a.signals, vec!["failed_attempts"]);
        let a = assess(
            &SignInHistory {
                recent_sessions: 5,
                ..hist()
            },
            true,
        );
        assert_eq!(a.signals, vec!["many_sessions"]);
    }

    #[test]
    fn every_signal_but_a_new_device_flags_alone() {
        assert!(
            assess(
                &SignInHistory {
                    same_country: 0,
                    ..hist()
                },
                true
            )
            .suspicious
        );
        assert!(
            assess(
                &SignInHistory {
                    recent_failures: 3,
                    ..hist()
                },
                true
            )
            .suspicious
        );
        assert!(
            assess(
                &SignInHistory {
                    recent_sessions: 5,
                    ..hist()
                },
                true
            )
            .suspicious
        );
        assert!(
            !assess(
                &SignInHistory {
                    same_device: 0,
                    ..hist()
                },
                true
            )
            .suspicious
        );
    }

    #[test]
    fn two_signals_flag_the_session() {
        let a = assess(
            &SignInHistory {
                same_device: 0,
                same_country: 0,
                ..hist()
            },
            true,
        );
        assert!(a.suspicious);
        assert_eq!(a.score, 20);
        let a = assess(
            &SignInHistory {
                same_device: 0,
                recent_failures: 4,
                ..hist()
            },
            false,
        );
        assert!(a.suspicious);
    }

    #[test]
    fn the_first_session_is_never_flagged() {
        let a = assess(
            &SignInHistory {
                earlier_sessions: 0,
                same_device: 0,
                same_country: 0,
                ..hist()
            },
            true,
        );
        assert!(!a.suspicious && !a.new_device);
    }
}
