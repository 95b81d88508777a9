//! The current password asked before a sensitive change (S5, S22). A wrong
//! one counts as a failed action of the session and towards the account's
//! throttle, and is recorded on the timeline.

use crate::domain::{AppError, PASSWORD_MAX};
use crate::server::events::record;
use crate::server::passwords::Verified;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;
use crate::server::throttle;
use secrecy::{ExposeSecret, SecretString};

/// `Ok` when `password` is the caller's current password; else the error
/// for the field `field` (or `TooManyAttempts` while the account is locked).
pub async fn check_current_password(
    state: &AppState,
    who: &SignedIn,
    password: &SecretString,
    field: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let subject = throttle::Subject::Account(who.user_id());
    if throttle::is_locked(state, subject, meta.ip)
        .await
        .map_err(|e| meta.store_error(e))?
    {
        return Err(AppError::TooManyAttempts);
    }
    let typed = password.expose_secret();
    let ok = if typed.is_empty() || typed.chars().count() > PASSWORD_MAX {
        false
    } else {
        matches!(
            state
                .passwords
                .verify(password, who.user.hashed_password.as_deref())
                .await
                .map_err(|e| meta.internal_error(e))?,
            Verified::Yes | Verified::YesRehash
        )
    };
    if ok {
        return Ok(());
    }
    state.tracker.failed(&who.session_id);
    throttle::record_failure(state, subject, meta.ip)
        .await
        .map_err(|e| meta.store_error(e))?;
    record(
        state,
        &who.session_id,
        who.user_id(),
        "reauth_failed",
        meta,
        None,
    )
    .await;
    Err(AppError::invalid(
        field,
        "That is not your current password.",
    ))
}
