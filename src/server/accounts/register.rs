//! Creating an account: the password rules (S1–S4), the account, a first
//! session, and the email that confirms the address.

use super::start::{start_session, PASSWORD};
use crate::domain::{AppError, FormErrors, NewAccount};
use crate::server::links;
use crate::server::passwords::strength_problem;
use crate::server::request::RequestMeta;
use crate::server::state::AppState;
use crate::server::store::{new_id, NewUser, StoreError};
use secrecy::{ExposeSecret, SecretString};

/// Creates the account, signs the person in and sends the confirmation
/// email. Returns the cookie to set.
pub async fn register(
    state: &AppState,
    account: NewAccount,
    password: SecretString,
    meta: &RequestMeta,
) -> Result<SecretString, AppError> {
    let (username, email) = (account.username.as_ref(), account.email.as_ref());
    if let Some(m) = strength_problem(password.expose_secret(), username, email) {
        return Err(AppError::invalid("password", m));
    }
    let hash = state
        .passwords
        .hash(&password)
        .await
        .map_err(|e| meta.internal_error(e))?;
    let id = new_id();
    let now = state.now();
    let created = state
        .store
        .users
        .create(NewUser {
            id: &id,
            username,
            email,
            hashed_password: &hash,
            now,
        })
        .await;
    match created {
        Ok(()) => {}
        Err(StoreError::Conflict(what)) => {
            let mut errors = FormErrors::new();
            if what.to_lowercase().contains("username") {
                errors.add("username", "This username is taken. Try another.");
            } else {
                errors.add(
                    "email",
                    "An account with this email already exists. Sign in instead.",
                );
            }
            return Err(AppError::Invalid(errors));
        }
        Err(e) => return Err(meta.store_error(e)),
    }
    let user = state
        .store
        .users
        .find(&id)
        .await
        .map_err(|e| meta.store_error(e))?
        .ok_or_else(|| meta.internal_error("new user vanished"))?;
    let cookie = start_session(state, &user, false, PASSWORD, Some(now), meta).await?;
    send_verification(state, &user.id, &user.username, &user.email);
    Ok(cookie)
}

/// Mails the link that confirms `email` as the account's address.
pub fn send_verification(state: &AppState, user_id: &str, username: &str, email: &str) {
    let link = links::verify_email(state, user_id, email);
    state.mailer.send(
        email,
        "Confirm your email address",
        format!(
            "Hello {username},\n\nPlease confirm your email address for Vestibule by opening this link:\n\n{link}\n\n\
             The link works for 48 hours. If you did not create an account, you can ignore this message.\n"
        ),
    );
}
