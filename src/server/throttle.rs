//! Sign-in throttling (S10, S11). Per account and per client IP. Counters
//! live in the database so every instance sees the same ones (R6).
//!
//! Per account: a name that belongs to an account counts against the account
//! itself (`user:<id>`), so its username, its email and their case variants
//! share one counter; a name that belongs to no account counts against the
//! folded name (`acct:<name>`) and is throttled exactly the same way, so the
//! answers tell nothing. From the `VESTIBULE_THROTTLE_ACCOUNT_FAILURES`-th
//! failure in the window on, the key is locked for 2^(n-limit) × 30 s, at most
//! 15 minutes. Failures in a row are counted across windows, and at
//! `VESTIBULE_THROTTLE_ACCOUNT_MAX_CONSECUTIVE` (100) the key stays locked: a
//! success resets the count, and nothing else does except an operator
//! (`vestibule unlock-account`). Per IP: at `VESTIBULE_THROTTLE_IP_FAILURES`
//! failures in the window, 15 minutes.

use super::state::AppState;
use super::store::{FailureCount, StoreError};
use std::net::IpAddr;

/// Whose sign-in failures count: an account, or a name that is none.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// The id of the account the typed name belongs to.
    Account(&'a str),
    /// A typed name that belongs to no account.
    Name(&'a str),
}

/// Keys of real accounts; their counters are kept until a reset.
pub const ACCOUNT_PREFIX: &str = "user:";

pub fn subject_key(subject: Subject<'_>) -> String {
    match subject {
        Subject::Account(id) => format!("{ACCOUNT_PREFIX}{id}"),
        Subject::Name(login) => account_key(login),
    }
}

pub fn account_key(login: &str) -> String {
    let folded: String = login.trim().to_lowercase().chars().take(255).collect();
    format!("acct:{folded}")
}

/// Long enough to mean "until someone clears it".
fn forever() -> chrono::Duration {
    chrono::Duration::days(365 * 100)
}

pub fn ip_key(ip: IpAddr) -> String {
    format!("ip:{ip}")
}

/// Is either key locked right now?
pub async fn is_locked(
    state: &AppState,
    subject: Subject<'_>,
    ip: IpAddr,
) -> Result<bool, StoreError> {
    if !state.settings.throttle_on() {
        return Ok(false);
    }
    let now = state.now();
    for key in [subject_key(subject), ip_key(ip)] {
        if let Some(row) = state.store.throttle.get(&key).await? {
            if row.locked_until.map(|t| t > now).unwrap_or(false) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Counts a failed sign-in against the account name and the address.
pub async fn record_failure(
    state: &AppState,
    subject: Subject<'_>,
    ip: IpAddr,
) -> Result<(), StoreError> {
    if !state.settings.throttle_on() {
        return Ok(());
    }
    let s = &state.settings;
    let now = state.now();
    let window = chrono::Duration::minutes(s.throttle_window_minutes.max(1).into());
    let acct_limit = s.throttle_account_failures.max(1) as i32;
    let ip_limit = s.throttle_ip_failures.max(1) as i32;
    let max_in_a_row = s.throttle_account_max_consecutive.max(1) as i32;
    let account_rule = move |c| account_lock(c, acct_limit, max_in_a_row);
    let ip_rule =
        move |c: FailureCount| (c.in_window >= ip_limit).then(|| chrono::Duration::minutes(15));
    state
        .store
        .throttle
        .fail(&subject_key(subject), now, now - window, &account_rule)
        .await?;
    state
        .store
        .throttle
        .fail(&ip_key(ip), now, now - window, &ip_rule)
        .await?;
    Ok(())
}

/// The lock after a failure: growing with the failures in the window, and
/// for good once `max_in_a_row` failures came in a row.
pub fn account_lock(c: FailureCount, limit: i32, max_in_a_row: i32) -> Option<chrono::Duration> {
    if c.in_a_row >= max_in_a_row {
        return Some(forever());
    }
    (c.in_window >= limit).then(|| {
        let exp = (c.in_window - limit).clamp(0, 5) as u32;
        chrono::Duration::seconds((30i64 << exp).min(900))
    })
}

/// A success clears the account's counter (not the address's).
pub async fn record_success(state: &AppState, user_id: &str) -> Result<(), StoreError> {
    if !state.settings.throttle_on() {
        return Ok(());
    }
    state
        .store
        .throttle
        .reset(&subject_key(Subject::Account(user_id)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_grow_then_hold_at_the_cap() {
        let c = |in_window, in_a_row| FailureCount {
            in_window,
            in_a_row,
        };
        assert_eq!(account_lock(c(4, 4), 5, 100), None);
        assert_eq!(
            account_lock(c(5, 5), 5, 100),
            Some(chrono::Duration::seconds(30))
        );
        assert_eq!(
            account_lock(c(6, 6), 5, 100),
            Some(chrono::Duration::seconds(60))
        );
        assert_eq!(
            account_lock(c(20, 20), 5, 100),
            Some(chrono::Duration::seconds(900))
        );
        // A new window: no delay yet, but the count in a row goes on.
        assert_eq!(account_lock(c(1, 99), 5, 100), None);
        assert_eq!(account_lock(c(1, 100), 5, 100), Some(forever()));
    }

    #[test]
    fn names_of_one_account_share_its_key() {
        assert_eq!(subject_key(Subject::Account("abc")), "user:abc");
        assert_eq!(subject_key(Subject::Name(" Bob ")), "acct:bob");
        assert_eq!(
            subject_key(Subject::Name("BOB")),
            subject_key(Subject::Name("bob"))
        );
    }
}
