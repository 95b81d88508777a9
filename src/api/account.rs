//! The signed-in person's own account: profile, email, password, deletion.
//! **Every function here: the signed-in user, on their own account only.**

use crate::domain::{AppError, CurrentUser};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// Saves first and last name, bio and picture URL.
#[server(prefix = "/api", endpoint = "update_profile")]
pub async fn update_profile(
    first_name: String,
    last_name: String,
    bio: String,
    profile_picture_url: String,
) -> Result<CurrentUser, AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    let r = async {
        let (who, _) = crate::server::accounts::caller_user(ctx::caller().as_ref())?;
        crate::server::accounts::update_profile(
            &state,
            &who,
            crate::server::accounts::ProfileInput {
                first_name,
                last_name,
                bio,
                profile_picture_url,
            },
            &meta,
        )
        .await
    }
    .await;
    ctx::respond_done(r, "profile")
}

/// Changes the password; needs the current one.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    sign_out_others: Option<String>,
    others_choice: Option<String>,
) -> Result<(), AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    let r = async {
        let (who, user) = crate::server::accounts::caller_user(ctx::caller().as_ref())?;
        let sign_out_others = crate::server::accounts::sign_out_others_choice(
            sign_out_others.as_deref(),
            others_choice.is_some(),
        )?;
        crate::server::accounts::change_password(
            &state,
            &who,
            &user,
            crate::server::accounts::PasswordChange {
                current_password,
                new_password,
                sign_out_others,
            },
            &meta,
        )
        .await
    }
    .await;
    let cookie = ctx::respond_done(r, "password")?;
    ctx::set_cookie(&cookie);
    Ok(())
}

/// Starts a change of email address; needs the current password. Returns
/// the address the confirmation went to.
#[server(prefix = "/api", endpoint = "change_email")]
pub async fn change_email(new_email: String, current_password: String) -> Result<String, AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    let r = async {
        let (who, user) = crate::server::accounts::caller_user(ctx::caller().as_ref())?;
        crate::server::accounts::request_email_change(
            &state,
            &who,
            &user,
            crate::server::accounts::EmailChange {
                new_email,
                current_password,
            },
            &meta,
        )
        .await
    }
    .await;
    ctx::respond_done(r, "email")
}

/// Confirms an address from an emailed link. **Anyone holding the link.**
/// Returns the confirmed address.
#[server(prefix = "/api", endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<String, AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    ctx::respond(crate::server::accounts::confirm_email(&state, &token, &meta).await)
}

/// Sends a new verification link to the current address.
#[server(prefix = "/api", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    let state = ctx::state()?;
    let r = async {
        let (_, user) = crate::server::accounts::caller_user(ctx::caller().as_ref())?;
        crate::server::accounts::resend_verification(&state, &user).await;
        Ok(())
    }
    .await;
    ctx::respond_done(r, "resent")
}

/// Deletes the account (soft); needs the current password.
#[server(prefix = "/api", endpoint = "delete_account")]
pub async fn delete_account(current_password: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    let r = async {
        let (who, user) = crate::server::accounts::caller_user(ctx::caller().as_ref())?;
        crate::server::accounts::delete_account(&state, &who, &user, &current_password, &meta).await
    }
    .await;
    ctx::respond(r)?;
    ctx::set_cookie(&crate::server::session::clear_cookie(
        state.settings.is_https(),
    ));
    leptos_axum::redirect("/?deleted=1");
    Ok(())
}
