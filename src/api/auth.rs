//! Registration, sign-in, sign-out and "who am I".

use crate::domain::{AppError, CurrentUser};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// Who is signed in, or `None`. **Anyone.**
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    let Some(who) = ctx::caller() else {
        return Ok(None);
    };
    // The account as the middleware read it with the session.
    Ok(Some(&who.user)
        .filter(|u| u.can_sign_in())
        .map(|u| crate::server::accounts::current_user_view(u)))
}

/// Creates an account and signs the new person in. **Anyone** (a signed-in
/// caller gets a new session for the new account).
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(username: String, email: String, password: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    let r = crate::server::accounts::register(
        &state,
        crate::server::accounts::Registration {
            username,
            email,
            password,
        },
        &meta,
    )
    .await;
    let cookie = ctx::respond(r)?;
    ctx::set_cookie(&cookie);
    leptos_axum::redirect("/account");
    Ok(())
}

/// Signs in by username or email. **Anyone.**
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    login: String,
    password: String,
    remember: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::typed_login;
    let state = ctx::state()?;
    let meta = ctx::meta();
    let https = state.settings.is_https();
    // A refused form comes back with the login as typed (never the password).
    let kept = typed_login::keep(&login, https);
    let r = crate::server::accounts::sign_in(
        &state,
        crate::server::accounts::SignIn {
            login,
            password,
            remember: remember.is_some(),
        },
        &meta,
    )
    .await;
    match (&r, kept) {
        (Err(_), Some(kept)) => ctx::set_cookie(&kept),
        (Err(_), None) => {}
        (Ok(_), _) => ctx::set_cookie(&typed_login::forget(https)),
    }
    let cookie = ctx::respond(r)?;
    ctx::set_cookie(&cookie);
    leptos_axum::redirect(&ctx::safe_next(next, "/account"));
    Ok(())
}

/// Ends the caller's session on the server. **Anyone** (no-op when signed out).
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    let who = ctx::caller();
    ctx::respond(crate::server::accounts::sign_out(&state, who.as_ref(), &meta).await)?;
    ctx::set_cookie(&crate::server::session::clear_cookie(
        state.settings.is_https(),
    ));
    leptos_axum::redirect("/");
    Ok(())
}

/// For the sign-in page as the server draws it: the login that the last
/// refused sign-in from this browser kept (only when the page shows that
/// refusal), and the keeping cookie cleared either way.
#[cfg(feature = "ssr")]
pub fn take_typed_login(refused: bool) -> Option<String> {
    use crate::server::typed_login;
    let parts = use_context::<http::request::Parts>()?;
    let kept = typed_login::read(&parts.headers)?;
    let https = ctx::state().is_ok_and(|s| s.settings.is_https());
    ctx::set_cookie(&typed_login::forget(https));
    kept.filter(|_| refused)
}
