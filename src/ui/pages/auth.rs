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
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Drops a second submit within three seconds of the first (a double click),
/// which would otherwise post the form twice.
fn once(on_submit: impl Fn() + 'static) -> impl FnMut(SubmitEvent) + 'static {
    let mut last: Option<f64> = None;
    move |ev: SubmitEvent| {
        let now = ev.time_stamp();
        if last.is_some_and(|t| now - t < 3000.0) {
            ev.prevent_default();
            return;
        }
        last = Some(now);
        on_submit();
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let path = <Register as ServerFn>::PATH;
    let error = posted_error(path);
    view! {
        <Title text="Create account"/>
        <h1>"Create account"</h1>
        <form method="post" action=path class="stack" novalidate=true on:submit=once(|| ())>
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
    let failed = error.is_some();
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .unwrap_or_default();
    // The server does not echo the login back after a refused sign-in (the
    // answer is the same whoever tried), so the browser keeps it for the tab.
    Effect::new(move |_| typed_login::restore_or_forget(failed));
    view! {
        <Title text="Sign in"/>
        <h1>"Sign in"</h1>
        <form method="post" action=path class="stack" novalidate=true
            on:submit=once(typed_login::keep)>
            <PlainFormError error=error.clone()/>
            <PlainField label="Username or email" name="login" autocomplete="username" error=error.clone() required=true maxlength=255/>
            <PlainField label="Password" name="password" kind="password" autocomplete="current-password" error=error required=true/>
            <Checkbox label="Keep me signed in" name="remember"/>
            <input type="hidden" name="next" value=next/>
            <button type="submit">"Sign in"</button>
        </form>
        <p>"New here? " <A href="/register">"Create an account"</A></p>
    }
}

/// What was typed as the login, kept in this tab's session storage from the
/// submit until the form comes back refused; forgotten when the form loads
/// without an error. Without JavaScript the field comes back empty.
#[cfg(feature = "hydrate")]
mod typed_login {
    use leptos::prelude::{document, window};
    use wasm_bindgen::JsCast;

    const KEY: &str = "vestibule.login";

    fn field() -> Option<web_sys::HtmlInputElement> {
        document().get_element_by_id("f-login")?.dyn_into().ok()
    }

    fn storage() -> Option<web_sys::Storage> {
        window().session_storage().ok().flatten()
    }

    pub fn keep() {
        if let (Some(f), Some(s)) = (field(), storage()) {
            let _ = s.set_item(KEY, &f.value());
        }
    }

    pub fn restore_or_forget(failed: bool) {
        let Some(s) = storage() else { return };
        if !failed {
            let _ = s.remove_item(KEY);
        } else if let (Some(f), Ok(Some(v))) = (field(), s.get_item(KEY)) {
            if f.value().is_empty() {
                f.set_value(&v);
            }
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod typed_login {
    pub fn keep() {}
    pub fn restore_or_forget(_failed: bool) {}
}
