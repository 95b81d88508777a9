//! `/account/sessions`: every place the person is signed in (issue 4 fills it).

use super::with_user;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SessionsPage() -> impl IntoView {
    view! {
        <Title text="Sessions"/>
        <h1>"Sessions"</h1>
        {with_user(|_| view! {
            <p class="notice">"The list of your sessions is not available yet. To end every other session now, change your password with “Sign out other sessions” checked."</p>
        })}
    }
}
