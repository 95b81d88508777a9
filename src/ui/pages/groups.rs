//! `/groups`, `/groups/new`, `/groups/{slug}`, `/groups/{slug}/manage`
//! (issue 5 fills them).

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn GroupsPage() -> impl IntoView {
    view! {
        <Title text="Groups"/>
        <h1>"Groups"</h1>
        <p class="notice">"Groups are coming soon: browse, join and run them here."</p>
    }
}

#[component]
pub fn NewGroupPage() -> impl IntoView {
    view! {
        <Title text="New group"/>
        <h1>"Create a group"</h1>
        <p class="notice">"Creating groups is not available yet."</p>
    }
}

#[component]
pub fn GroupPage() -> impl IntoView {
    view! {
        <Title text="Group"/>
        <h1>"Group"</h1>
        <p class="notice">"Group pages are not available yet."</p>
    }
}

#[component]
pub fn ManageGroupPage() -> impl IntoView {
    view! {
        <Title text="Manage group"/>
        <h1>"Manage group"</h1>
        <p class="notice">"Group management is not available yet."</p>
    }
}
