//! Signing in and out (S8–S12, S16).
//!
//! Known and unknown names take the same steps (S8, S9): look up, check the
//! lock, verify (a dummy hash when there is no account), so the answer and
//! its timing tell nothing.

use super::start::{record_failed_sign_in, start_session, PASSWORD};
use crate::domain::{AppError, PASSWORD_MAX};
use crate::server::events::record;
use crate::server::passwords::{needs_rehash, Verified};
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;
use crate::server::store::UserRow;
use crate::server::throttle;
use secrecy::{ExposeSecret, SecretString};

/// What the sign-in form sends.
pub struct SignIn {
    pub login: String,
    pub password: SecretString,
    pub remember: bool,
}

/// Checks the credentials and opens a session. Returns the cookie.
pub async fn sign_in(
    state: &AppState,
    input: SignIn,
    meta: &RequestMeta,
) -> Result<SecretString, AppError> {
    let login = input.login.trim();
    let password = input.password.expose_secret();
    if login.is_empty()
        || login.chars().count() > 255
        || password.is_empty()
        || password.chars().count() > PASSWORD_MAX
    {
        // Cannot match any account: refused before any hashing (S3).
        return Err(AppError::BadCredentials);
    }
    let user = state
        .store
        .users
        .find_by_login(login)
        .await
        .map_err(|e| meta.store_error(e))?;
    let known_id = user.as_ref().map(|u| u.id.clone());
    let subject = match &known_id {
        Some(id) => throttle::Subject::Account(id),
        None => throttle::Subject::Name(login),
    };
    if throttle::is_locked(state, subject, meta.ip)
        .await
        .map_err(|e| meta.store_error(e))?
    {
        return Err(AppError::TooManyAttempts);
    }
    let stored = user.as_ref().and_then(|u| u.hashed_password.as_deref());
    let verdict = state
        .passwords
        .verify(&input.password, stored)
        .await
        .map_err(|e| meta.internal_error(e))?;
    let user = match (verdict, user) {
        (Verified::Yes | Verified::YesRehash, Some(u)) if u.can_sign_in() => u,
        (_, maybe_user) => {
            throttle::record_failure(state, subject, meta.ip)
                .await
                .map_err(|e| meta.store_error(e))?;
            if let Some(u) = maybe_user {
                record_failed_sign_in(state, &u, meta).await;
            }
            return Err(AppError::BadCredentials);
        }
    };
    rehash_if_weak(state, &input.password, &user, meta).await;
    throttle::record_success(state, &user.id)
        .await
        .map_err(|e| meta.store_error(e))?;
    start_session(state, &user, input.remember, PASSWORD, None, meta).await
}

/// Stores a hash with today's parameters when the stored one is weaker (S7).
async fn rehash_if_weak(
    state: &AppState,
    password: &SecretString,
    user: &UserRow,
    meta: &RequestMeta,
) {
    if !user.hashed_password.as_deref().is_some_and(needs_rehash) {
        return;
    }
    match state.passwords.hash(password).await {
        Ok(h) => match state
            .store
            .users
            .set_password_hash(&user.id, &h, state.now())
            .await
        {
            Ok(()) => tracing::info!(request_id = %meta.request_id, "upgraded a password hash"),
            Err(e) => {
                tracing::warn!(request_id = %meta.request_id, error = %e, "rehash not stored")
            }
        },
        Err(e) => tracing::warn!(request_id = %meta.request_id, error = %e, "rehash failed"),
    }
}

/// Ends the caller's session on the server (S16); nothing when signed out.
pub async fn sign_out(
    state: &AppState,
    who: Option<&SignedIn>,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let Some(who) = who else {
        return Ok(());
    };
    state
        .store
        .sessions
        .revoke(&who.session_id, who.user_id(), "logout", state.now())
        .await
        .map_err(|e| meta.store_error(e))?;
    record(
        state,
        &who.session_id,
        who.user_id(),
        "sign_out",
        meta,
        None,
    )
    .await;
    Ok(())
}
