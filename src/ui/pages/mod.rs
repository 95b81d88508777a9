//! One file per route.

mod account;
pub(crate) mod activity;
mod auth;
pub(crate) mod groups;
mod home;
mod not_found;
pub(crate) mod sessions;
mod verify;

pub use account::{DeletePage, EmailPage, PasswordPage, ProfilePage};
pub use activity::ActivityPage;
pub use auth::{LoginPage, RegisterPage};
pub use groups::{GroupPage, GroupsPage, ManageGroupPage, NewGroupPage};
pub use home::HomePage;
pub use not_found::NotFound;
pub use sessions::{EndSessionPage, SessionsPage};
pub use verify::VerifyEmailPage;

use crate::domain::{AppError, CurrentUser};
use crate::ui::components::nav::use_auth;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Shows `view` with the signed-in user, or a sign-in prompt.
pub fn with_user<V: IntoView + 'static>(
    view: impl Fn(CurrentUser) -> V + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let auth = use_auth();
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(u)) => EitherOf3::A(view(u)),
                    Ok(None) => EitherOf3::B(view! { <SignInPrompt/> }),
                    Err(e) => EitherOf3::C(view! { <p role="alert">{e.to_string()}</p> }),
                }
            })}
        </Transition>
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

/// The error text for a page-level failure.
pub fn error_text(e: &AppError) -> String {
    e.to_string()
}
