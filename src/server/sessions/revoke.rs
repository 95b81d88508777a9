//! Ending sessions: one of one's own (S18; someone else's id answers like an
//! unknown one, S19), every other one, or the one a sign-in alert's link
//! names.

use crate::domain::AppError;
use crate::server::events::record;
use crate::server::links;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;

/// Ends one of the caller's sessions. Returns whether it was the current one.
pub async fn revoke(
    state: &AppState,
    who: &SignedIn,
    id: &str,
    meta: &RequestMeta,
) -> Result<bool, AppError> {
    if id.is_empty() || id.len() > 64 {
        return Err(AppError::NotFound);
    }
    let ended = state
        .store
        .sessions
        .revoke(id, who.user_id(), "revoked_by_user", state.now())
        .await
        .map_err(|e| meta.store_error(e))?;
    if !ended {
        return Err(AppError::NotFound);
    }
    record(
        state,
        &who.session_id,
        who.user_id(),
        "session_revoked",
        meta,
        Some(serde_json::json!({"session": id})),
    )
    .await;
    Ok(id == who.session_id)
}

/// Ends every other session of the caller; the current one stays. Returns how many ended.
pub async fn revoke_others(
    state: &AppState,
    who: &SignedIn,
    meta: &RequestMeta,
) -> Result<u64, AppError> {
    let n = state
        .store
        .sessions
        .revoke_others(
            who.user_id(),
            Some(&who.session_id),
            "revoked_by_user",
            state.now(),
        )
        .await
        .map_err(|e| meta.store_error(e))?;
    record(
        state,
        &who.session_id,
        who.user_id(),
        "other_sessions_revoked",
        meta,
        Some(serde_json::json!({"count": n})),
    )
    .await;
    Ok(n)
}

/// Ends the session a sign-in alert's link names (signed, expiring, and
/// single use because a session ends only once).
pub async fn end_by_link(
    state: &AppState,
    token: &secrecy::SecretString,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let Some((user_id, session_id)) =
        state
            .signer
            .verify::<(String, String)>(links::END_SESSION, token, state.now())
    else {
        return Err(AppError::InvalidLink);
    };
    let ended = state
        .store
        .sessions
        .revoke(&session_id, &user_id, "revoked_by_email_link", state.now())
        .await
        .map_err(|e| meta.store_error(e))?;
    if !ended {
        return Err(AppError::InvalidLink);
    }
    record(
        state,
        &session_id,
        &user_id,
        "session_revoked",
        meta,
        Some(serde_json::json!({"session": session_id, "via": "email"})),
    )
    .await;
    Ok(())
}
