//! `/account/activity`: the security timeline (issue 4 fills it).

use super::with_user;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ActivityPage() -> impl IntoView {
    view! {
        <Title text="Security timeline"/>
        <h1>"Security timeline"</h1>
        {with_user(|_| view! {
            <p class="notice">"Your security timeline is recorded and will be shown here soon."</p>
        })}
    }
}
