//! Changing the password: the current one first (S5), the rules of a new
//! one (S4), other sessions signed out by default (S20) and a new token for
//! this one (S15).

use super::reauth::check_current_password;
use crate::domain::AppError;
use crate::server::events::record;
use crate::server::passwords::strength_problem;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;
use crate::server::tokens::SessionToken;
use crate::server::{cookies, links};
use secrecy::{ExposeSecret, SecretString};

pub struct PasswordChange {
    pub current: SecretString,
    /// Already within the length rules (`domain::check_password_length`).
    pub new: SecretString,
    pub sign_out_others: bool,
}

/// Changes the password. Returns the new session cookie.
pub async fn change(
    state: &AppState,
    who: &SignedIn,
    input: PasswordChange,
    meta: &RequestMeta,
) -> Result<SecretString, AppError> {
    let user = &who.user;
    check_current_password(state, who, &input.current, "current_password", meta).await?;
    let new = input.new.expose_secret();
    if let Some(m) = strength_problem(new, &user.username, &user.email) {
        return Err(AppError::invalid("new_password", m));
    }
    if new == input.current.expose_secret() {
        return Err(AppError::invalid(
            "new_password",
            "Choose a password different from the current one.",
        ));
    }
    let hash = state
        .passwords
        .hash(&input.new)
        .await
        .map_err(|e| meta.internal_error(e))?;
    let now = state.now();
    let store = &state.store;
    store
        .users
        .set_password_hash(&user.id, &hash, now)
        .await
        .map_err(|e| meta.store_error(e))?;
    let ended = if input.sign_out_others {
        store
            .sessions
            .revoke_others(&user.id, Some(&who.session_id), "password_changed", now)
            .await
            .map_err(|e| meta.store_error(e))?
    } else {
        0
    };
    let token = SessionToken::generate();
    let lifetime = store
        .sessions
        .rotate_token(&who.session_id, &token.hash(), now)
        .await
        .map_err(|e| meta.store_error(e))?;
    record(
        state,
        &who.session_id,
        &user.id,
        "password_changed",
        meta,
        Some(serde_json::json!({"other_sessions_ended": ended})),
    )
    .await;
    state.mailer.send(
        &user.email,
        "Your Vestibule password was changed",
        format!(
            "Hello {},\n\nThe password of your Vestibule account was just changed.\n\
             If this was not you, reset your password at once and review your sessions at {}account/sessions.\n",
            user.username,
            links::base_url(state)
        ),
    );
    // A remembered session keeps its persistence: the new cookie lives as
    // long as the session still may; a browser-session cookie stays one.
    let max_age = lifetime.and_then(|(created, expires)| {
        let remembered = created.is_some_and(|c| expires - c > state.settings.absolute(false));
        remembered.then(|| expires - now)
    });
    Ok(cookies::set_cookie(
        state.settings.is_https(),
        &token,
        max_age,
    ))
}
