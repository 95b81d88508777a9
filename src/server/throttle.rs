//! Sign-in throttling (S10, S11). Per account (by the folded name typed, so
//! case variants share a counter, and unknown names are throttled exactly like
//! known ones) and per client IP. Counters live in the database so every
//! instance sees the same ones (R6).
//!
//! Per account: from the `VESTIBULE_THROTTLE_ACCOUNT_FAILURES`-th failure in the
//! window on, the account is locked for 2^(n-limit) × 30 s, at most 15 minutes,
//! so at most a few dozen guesses an hour get through and never 100 in a row
//! without a success. Per IP: at `VESTIBULE_THROTTLE_IP_FAILURES` failures in
//! the window, 15 minutes. A success resets the account's counter.

use super::state::AppState;
use super::store::StoreError;
use std::net::IpAddr;

pub fn account_key(login: &str) -> String {
    let folded: String = login.trim().to_lowercase().chars().take(255).collect();
    format!("acct:{folded}")
}

pub fn ip_key(ip: IpAddr) -> String {
    format!("ip:{ip}")
}

/// Is either key locked right now?
pub async fn is_locked(state: &AppState, login: &str, ip: IpAddr) -> Result<bool, StoreError> {
    if !state.settings.throttle_on() {
        return Ok(false);
    }
    let now = state.now();
    for key in [account_key(login), ip_key(ip)] {
        if let Some(row) = state.store.throttle_get(&key).await? {
            if row.locked_until.map(|t| t > now).unwrap_or(false) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Counts a failed sign-in against the account name and the address.
pub async fn record_failure(state: &AppState, login: &str, ip: IpAddr) -> Result<(), StoreError> {
    if !state.settings.throttle_on() {
        return Ok(());
    }
    let s = &state.settings;
    let now = state.now();
    let window = chrono::Duration::minutes(s.throttle_window_minutes.max(1).into());
    let acct_limit = s.throttle_account_failures.max(1) as i32;
    let ip_limit = s.throttle_ip_failures.max(1) as i32;
    state
        .store
        .throttle_fail(&account_key(login), now, now - window, |n| {
            (n >= acct_limit).then(|| {
                let exp = (n - acct_limit).clamp(0, 5) as u32;
                chrono::Duration::seconds((30i64 << exp).min(900))
            })
        })
        .await?;
    state
        .store
        .throttle_fail(&ip_key(ip), now, now - window, |n| {
            (n >= ip_limit).then(|| chrono::Duration::minutes(15))
        })
        .await?;
    Ok(())
}

/// A success clears the account's counter (not the address's).
pub async fn record_success(state: &AppState, login: &str) -> Result<(), StoreError> {
    if !state.settings.throttle_on() {
        return Ok(());
    }
    state.store.throttle_reset(&account_key(login)).await
}
