//! Registration, sign-in, sign-out and "who am I".

use crate::domain::{AppError, CurrentUser};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::server::accounts,
    secrecy::{ExposeSecret, SecretString},
};

/// Who is signed in, or `None`. **Anyone.**
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    Ok(caller_view())
}

/// Who the request being served is from, as pages show them (the server
/// renders the navigation with it).
#[cfg(feature = "ssr")]
pub fn caller_view() -> Option<CurrentUser> {
    ctx::caller().map(|who| accounts::profile::view(&who.user))
}

/// Creates an account and signs the new person in. **Anyone** (a signed-in
/// caller gets a new session for the new account).
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(username: String, email: String, password: String) -> Result<(), AppError> {
    let account = crate::domain::NewAccount::parse(&username, &email, &password)?;
    let (state, meta) = (ctx::state()?, ctx::meta());
    let cookie =
        accounts::register::register(&state, account, SecretString::from(password), &meta).await?;
    ctx::set_cookie(cookie.expose_secret());
    ctx::go_to("/account");
    Ok(())
}

/// Signs in by username or email, then goes to `next` (a path of this
/// site). **Anyone.**
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    login: String,
    password: String,
    remember: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    let (state, meta) = (ctx::state()?, ctx::meta());
    let input = accounts::sign_in::SignIn {
        login,
        password: SecretString::from(password),
        remember: remember.is_some(),
    };
    let cookie = accounts::sign_in::sign_in(&state, input, &meta).await?;
    ctx::set_cookie(cookie.expose_secret());
    ctx::go_to(&ctx::safe_next(next, "/account"));
    Ok(())
}

/// Ends the caller's session on the server. **Anyone** (nothing to do when
/// signed out).
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let (state, meta) = (ctx::state()?, ctx::meta());
    accounts::sign_in::sign_out(&state, ctx::caller().as_ref(), &meta).await?;
    ctx::set_cookie(&crate::server::cookies::clear_cookie(
        state.settings.is_https(),
    ));
    ctx::go_to("/");
    Ok(())
}
