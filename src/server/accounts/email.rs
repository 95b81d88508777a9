//! The email address: a change asks for the current password and takes
//! effect when the new address is confirmed (the old one is told); a new
//! account's address is confirmed from the link it was sent.

use super::reauth::check_current_password;
use super::register::send_verification;
use crate::domain::{AppError, Email};
use crate::server::events::record;
use crate::server::links;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;
use crate::server::store::StoreError;
use secrecy::SecretString;

/// Sends a confirmation link to `new` and tells the current address.
/// Returns the address the link went to.
pub async fn request_change(
    state: &AppState,
    who: &SignedIn,
    new: Email,
    current_password: &SecretString,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    let user = &who.user;
    if new.folded() == user.email.to_lowercase() {
        return Err(AppError::invalid(
            "new_email",
            "This is already your email address.",
        ));
    }
    check_current_password(state, who, current_password, "current_password", meta).await?;
    if state
        .store
        .users
        .email_taken(new.as_ref(), &user.id)
        .await
        .map_err(|e| meta.store_error(e))?
    {
        return Err(AppError::invalid(
            "new_email",
            "Another account uses this email address.",
        ));
    }
    let link = links::signed(
        state,
        "verify-email",
        links::CHANGE_EMAIL,
        &(
            user.id.as_str(),
            user.email.as_str(),
            new.as_ref(),
            who.session_id.as_str(),
        ),
        chrono::Duration::hours(24),
    );
    state.mailer.send(
        new.as_ref(),
        "Confirm your new email address",
        format!("Hello {},\n\nTo use this address for your Vestibule account, open this link:\n\n{link}\n\nThe link works for 24 hours.\n", user.username),
    );
    state.mailer.send(
        &user.email,
        "A change of your email address was requested",
        format!(
            "Hello {},\n\nSomeone signed in to your Vestibule account asked to change its email address to {}.\n\
             Nothing changes until the new address is confirmed. If this was not you, change your password now.\n",
            user.username,
            new.as_ref()
        ),
    );
    record(
        state,
        &who.session_id,
        &user.id,
        "email_change_requested",
        meta,
        None,
    )
    .await;
    Ok(new.as_ref().to_string())
}

fn taken() -> AppError {
    AppError::Conflict("Another account now uses this email address.".into())
}

/// Confirms an address from a link: a new account's address, or a change.
/// Returns the confirmed address.
pub async fn confirm(
    state: &AppState,
    token: &SecretString,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    let now = state.now();
    let users = &state.store.users;
    if let Some((user_id, email)) =
        state
            .signer
            .verify::<(String, String)>(links::VERIFY_EMAIL, token, now)
    {
        let ok = users
            .confirm_email(&user_id, &email, now)
            .await
            .map_err(|e| meta.store_error(e))?;
        return if ok {
            Ok(email)
        } else {
            Err(AppError::InvalidLink)
        };
    }
    let Some((user_id, old, new, session_id)) = state
        .signer
        .verify::<(String, String, String, String)>(links::CHANGE_EMAIL, token, now)
    else {
        return Err(AppError::InvalidLink);
    };
    if users
        .email_taken(&new, &user_id)
        .await
        .map_err(|e| meta.store_error(e))?
    {
        return Err(taken());
    }
    let changed = match users.change_email(&user_id, &old, &new, now).await {
        Ok(ok) => ok,
        Err(StoreError::Conflict(_)) => return Err(taken()),
        Err(e) => return Err(meta.store_error(e)),
    };
    if !changed {
        return Err(AppError::InvalidLink);
    }
    // On the timeline of the session that asked for the change.
    record(
        state,
        &session_id,
        &user_id,
        "email_changed",
        meta,
        Some(serde_json::json!({"from": old, "to": new})),
    )
    .await;
    state.mailer.send(
        &old,
        "Your email address was changed",
        format!("Hello,\n\nThe email address of your Vestibule account is now {new}. If this was not you, contact the site's administrator.\n"),
    );
    Ok(new)
}

/// Sends a fresh confirmation link to the caller's current address.
pub fn resend_verification(state: &AppState, who: &SignedIn) {
    let u = &who.user;
    if !u.email_verified {
        send_verification(state, &u.id, &u.username, &u.email);
    }
}
