//! The signed-in person's own account: profile, email, password, deletion.
//! **Every function here but `confirm_email`: the signed-in user, on their
//! own account only.**

use crate::domain::{AppError, CurrentUser};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::ProfileDraft,
    crate::server::accounts,
    secrecy::{ExposeSecret, SecretString},
};

/// Saves first and last name, bio and picture URL.
#[server(prefix = "/api", endpoint = "update_profile")]
pub async fn update_profile(
    first_name: String,
    last_name: String,
    bio: String,
    profile_picture_url: String,
) -> Result<CurrentUser, AppError> {
    let who = ctx::signed_in()?;
    let draft = ProfileDraft::parse(&first_name, &last_name, &bio, &profile_picture_url)?;
    accounts::profile::update(&ctx::state()?, &who, draft, &ctx::meta()).await
}

/// Changes the password; needs the current one. Other sessions are signed
/// out unless `sign_out_others` says otherwise (the form also sends
/// `others_choice`, as an unticked box sends nothing).
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    sign_out_others: Option<String>,
    others_choice: Option<String>,
) -> Result<(), AppError> {
    let who = ctx::signed_in()?;
    crate::domain::check_password_length(&new_password)
        .map_err(|m| AppError::invalid("new_password", m))?;
    let sign_out_others =
        crate::domain::sign_out_others_choice(sign_out_others.as_deref(), others_choice.is_some())?;
    let state = ctx::state()?;
    let change = accounts::password::PasswordChange {
        current: SecretString::from(current_password),
        new: SecretString::from(new_password),
        sign_out_others,
    };
    let cookie = accounts::password::change(&state, &who, change, &ctx::meta()).await?;
    ctx::set_cookie(cookie.expose_secret());
    Ok(())
}

/// Starts a change of email address; needs the current password. Returns
/// the address the confirmation went to.
#[server(prefix = "/api", endpoint = "change_email")]
pub async fn change_email(new_email: String, current_password: String) -> Result<String, AppError> {
    let who = ctx::signed_in()?;
    let email =
        crate::domain::Email::parse(&new_email).map_err(|m| AppError::invalid("new_email", m))?;
    let password = SecretString::from(current_password);
    accounts::email::request_change(&ctx::state()?, &who, email, &password, &ctx::meta()).await
}

/// Confirms an address from an emailed link; returns it. **Anyone holding
/// the link.**
#[server(prefix = "/api", endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<String, AppError> {
    let token = SecretString::from(token);
    accounts::email::confirm(&ctx::state()?, &token, &ctx::meta()).await
}

/// Sends a new confirmation link to the current address.
#[server(prefix = "/api", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    let who = ctx::signed_in()?;
    accounts::email::resend_verification(&ctx::state()?, &who);
    Ok(())
}

/// Deletes the account (soft); needs the current password.
#[server(prefix = "/api", endpoint = "delete_account")]
pub async fn delete_account(current_password: String) -> Result<(), AppError> {
    let who = ctx::signed_in()?;
    let state = ctx::state()?;
    let password = SecretString::from(current_password);
    accounts::delete::delete(&state, &who, &password, &ctx::meta()).await?;
    ctx::set_cookie(&crate::server::cookies::clear_cookie(
        state.settings.is_https(),
    ));
    ctx::go_to("/?deleted=1");
    Ok(())
}
