//! `/register` and `/login`.
//!
//! Both forms post plainly, with or without JavaScript: the server answers
//! with a redirect, to where the person was going or back to the form with
//! the error in the URL, and the page is rendered anew. Signing in or up
//! changes who the whole page is for, so a full load is what it needs anyway,
//! and the pages carry no action machinery into the browser (they are the
//! first pages most people load; docs/decisions.md, "Rendering").

use crate::api::auth::{Login, Register};
use crate::ui::components::form::{posted_error, Checkbox, PlainField, PlainFormError};
use crate::ui::components::title::PageTitle;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Drops a second submit within three seconds of the first (a double click),
/// which would otherwise post the form twice.
fn once() -> impl FnMut(SubmitEvent) + 'static {
    let mut last: Option<f64> = None;
    move |ev: SubmitEvent| {
        let now = ev.time_stamp();
        if last.is_some_and(|t| now - t < 3000.0) {
            ev.prevent_default();
            return;
        }
        last = Some(now);
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let path = <Register as ServerFn>::PATH;
    let error = posted_error(path);
    view! {
        <PageTitle text="Create account"/>
        <h1>"Create account"</h1>
        <form method="post" action=path class="stack" novalidate=true on:submit=once()>
            <PlainFormError error=error.clone()/>
            <PlainField label="Username" name="username" autocomplete="username" error=error.clone() required=true maxlength=100
                hint="3–100 letters, digits, underscores, dots or hyphens."/>
            <PlainField label="Email" name="email" kind="email" autocomplete="email" error=error.clone() required=true maxlength=255/>
            <PlainField label="Password" name="password" kind="password" autocomplete="new-password" error=error required=true
                hint="At least 8 characters. A few unrelated words make a strong password."/>
            <button type="submit">"Create account"</button>
        </form>
        <p>"Already have an account? " <A href="/login">"Sign in"</A></p>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let path = <Login as ServerFn>::PATH;
    let error = posted_error(path);
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    // A refused sign-in comes back with the login as typed, from a short-lived
    // cookie the server set for this browser (not from the URL).
    #[cfg(feature = "ssr")]
    let typed = crate::api::auth::take_typed_login(error.is_some());
    #[cfg(not(feature = "ssr"))]
    let typed = None;
    view! {
        <PageTitle text="Sign in"/>
        <h1>"Sign in"</h1>
        <form method="post" action=path class="stack" novalidate=true on:submit=once()>
            <PlainFormError error=error.clone()/>
            <PlainField label="Username or email" name="login" autocomplete="username" error=error.clone() required=true maxlength=255
                value=typed/>
            <PlainField label="Password" name="password" kind="password" autocomplete="current-password" error=error required=true/>
            <Checkbox label="Keep me signed in" name="remember"/>
            <input type="hidden" name="next" value=next/>
            <button type="submit">"Sign in"</button>
        </form>
        <p>"New here? " <A href="/register">"Create an account"</A></p>
    }
}
