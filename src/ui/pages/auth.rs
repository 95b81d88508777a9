//! `/register` and `/login`.

use crate::api::auth::{Login, Register};
use crate::ui::components::form::{last_error, Checkbox, Field, FormError};
use crate::ui::components::nav::use_auth;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    use_auth().follow(action);
    let error = last_error(action.value());
    view! {
        <Title text="Create account"/>
        <h1>"Create account"</h1>
        <ActionForm action=action attr:class="stack" attr:novalidate=true>
            <FormError error=error/>
            <Field label="Username" name="username" autocomplete="username" error=error required=true maxlength=100
                hint="3–100 letters, digits, underscores, dots or hyphens."/>
            <Field label="Email" name="email" kind="email" autocomplete="email" error=error required=true maxlength=255/>
            <Field label="Password" name="password" kind="password" autocomplete="new-password" error=error required=true
                hint="At least 8 characters. A few unrelated words make a strong password."/>
            <button type="submit" disabled=move || action.pending().get()>"Create account"</button>
        </ActionForm>
        <p>"Already have an account? " <A href="/login">"Sign in"</A></p>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    use_auth().follow(action);
    let error = last_error(action.value());
    let next = move || use_query_map().get().get("next").unwrap_or_default();
    view! {
        <Title text="Sign in"/>
        <h1>"Sign in"</h1>
        <ActionForm action=action attr:class="stack" attr:novalidate=true>
            <FormError error=error/>
            <Field label="Username or email" name="login" autocomplete="username" error=error required=true maxlength=255/>
            <Field label="Password" name="password" kind="password" autocomplete="current-password" error=error required=true/>
            <Checkbox label="Keep me signed in" name="remember"/>
            <input type="hidden" name="next" value=next/>
            <button type="submit" disabled=move || action.pending().get()>"Sign in"</button>
        </ActionForm>
        <p>"New here? " <A href="/register">"Create an account"</A></p>
    }
}
