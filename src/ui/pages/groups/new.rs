//! `/groups/new`: a plain post; success lands on the new group's page, a
//! refusal comes back with the summary, the messages beside the fields and
//! what was typed.

use super::parts::GroupTypeSelect;
use crate::api::groups::CreateGroup;
use crate::ui::components::form::{posted, Checkbox, ErrorSummary, Field};
use crate::ui::components::page::with_user;
use crate::ui::components::title::PageTitle;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn NewGroupPage() -> impl IntoView {
    let path = <CreateGroup as ServerFn>::PATH;
    view! {
        <PageTitle text="New group"/>
        <h1>"Create a group"</h1>
        {with_user(move |u| if !u.email_verified {
            Either::Left(view! {
                <p class="notice">"Please confirm your email address before creating a group. "
                    <a href="/account">"Send the confirmation link again"</a></p>
            })
        } else {
            let p = posted(path);
            let selected = p.value_or("group_type", Some("community".into())).unwrap_or_default();
            Either::Right(view! {
                <form method="post" action=path class="stack" novalidate=true>
                    <ErrorSummary posted=p.clone()/>
                    <Field label="Name" name="name" posted=p.clone() required=true maxlength=100/>
                    <Field label="Slug" name="slug" posted=p.clone() maxlength=100
                        hint="The group's address: lower-case letters, digits and hyphens. Leave it empty to use one made from the name."/>
                    <Field label="Description" name="description" kind="textarea" posted=p.clone() maxlength=1000/>
                    <GroupTypeSelect selected/>
                    <Field label="Tags" name="tags" posted=p.clone() maxlength=500 hint="Separated by commas, like: music, berlin"/>
                    <Checkbox label="Public" name="is_public" checked=p.flag_or("is_public", true)/>
                    <Checkbox label="Open to anyone" name="is_open" checked=p.flag_or("is_open", true)/>
                    <Checkbox label="Show members to everyone" name="show_members" checked=p.flag_or("show_members", true)/>
                    <Field label="Maximum members" name="max_members" kind="number" posted=p.clone() hint="Leave empty for no limit."/>
                    <Field label="Join question" name="join_question" posted=p maxlength=300
                        hint="Optional. Asked of people who request to join a closed group."/>
                    <button type="submit">"Create group"</button>
                </form>
            })
        })}
    }
}
