//! What every page uses around its content: the signed-in person or a
//! prompt to sign in, and a page-level error with its status.

use super::nav::use_auth;
use crate::domain::{AppError, CurrentUser};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Shows `view` with the signed-in user, or a sign-in prompt (a page
/// reached in the browser after the session ended; a page loaded signed out
/// is sent to the sign-in page by the server).
pub fn with_user<V: IntoView + 'static>(
    view: impl Fn(CurrentUser) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    match use_auth().user() {
        Some(u) => Either::Left(view(u)),
        None => Either::Right(view! { <SignInPrompt/> }),
    }
}

#[component]
pub fn SignInPrompt() -> impl IntoView {
    let loc = use_location();
    let href = move || format!("/login?next={}", loc.pathname.get());
    view! {
        <p class="notice">"Please " <a href=href>"sign in"</a> " to see this page."</p>
    }
}

/// A page-level error in words, with the status it answers with (the web
/// layer maps it).
#[component]
pub fn PageError(error: AppError) -> impl IntoView {
    super::status::report(&error);
    view! { <p class="notice error" role="alert">{error.to_string()}</p> }
}
