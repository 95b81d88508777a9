//! `/register` and `/login`.
//!
//! Both forms post plainly, with or without JavaScript: the server answers
//! with a redirect, to where the person was going or back to the form, which
//! shows what went wrong and what was typed (never the password).

use crate::api::auth::{Login, Register};
use crate::ui::components::form::{checkbox, error_summary, field, posted, FieldSpec};
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
    let p = posted(path);
    view! {
        <PageTitle text="Create account"/>
        <h1>"Create account"</h1>
        <form method="post" action=path class="stack" novalidate=true on:submit=once()>
            {error_summary(p.clone())}
            {field(FieldSpec { label: "Username", name: "username", autocomplete: Some("username"), posted: p.clone(), required: true, maxlength: Some(100), hint: Some("3–100 letters, digits, underscores, dots or hyphens."), ..FieldSpec::default() })}
            {field(FieldSpec { label: "Email", name: "email", kind: "email", autocomplete: Some("email"), posted: p.clone(), required: true, maxlength: Some(255), ..FieldSpec::default() })}
            {field(FieldSpec { label: "Password", name: "password", kind: "password", autocomplete: Some("new-password"), posted: p, required: true, hint: Some("At least 8 characters. A few unrelated words make a strong password."), ..FieldSpec::default() })}
            <button type="submit">"Create account"</button>
        </form>
        <p>"Already have an account? " <A href="/login">"Sign in"</A></p>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let path = <Login as ServerFn>::PATH;
    let p = posted(path);
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    view! {
        <PageTitle text="Sign in"/>
        <h1>"Sign in"</h1>
        <form method="post" action=path class="stack" novalidate=true on:submit=once()>
            {error_summary(p.clone())}
            {field(FieldSpec { label: "Username or email", name: "login", autocomplete: Some("username"), posted: p.clone(), required: true, maxlength: Some(255), ..FieldSpec::default() })}
            {field(FieldSpec { label: "Password", name: "password", kind: "password", autocomplete: Some("current-password"), posted: p, required: true, ..FieldSpec::default() })}
            {checkbox("Keep me signed in", "remember", false)}
            <input type="hidden" name="next" value=next/>
            <button type="submit">"Sign in"</button>
        </form>
        <p>"New here? " <A href="/register">"Create an account"</A></p>
    }
}
