//! `/groups/new`: a plain post; success lands on the new group's page, a
//! refusal comes back with the summary, the messages beside the fields and
//! what was typed.

use super::parts::group_type_select;
use crate::api::groups::CreateGroup;
use crate::ui::components::form::{checkbox, error_summary, field, posted, FieldSpec};
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
                    {error_summary(p.clone())}
                    {field(FieldSpec { label: "Name", name: "name", posted: p.clone(), required: true, maxlength: Some(100), ..FieldSpec::default() })}
                    {field(FieldSpec { label: "Slug", name: "slug", posted: p.clone(), maxlength: Some(100), hint: Some("The group's address: lower-case letters, digits and hyphens. Leave it empty to use one made from the name."), ..FieldSpec::default() })}
                    {field(FieldSpec { label: "Description", name: "description", kind: "textarea", posted: p.clone(), maxlength: Some(1000), ..FieldSpec::default() })}
                    {group_type_select(selected)}
                    {field(FieldSpec { label: "Tags", name: "tags", posted: p.clone(), maxlength: Some(500), hint: Some("Separated by commas, like: music, berlin"), ..FieldSpec::default() })}
                    {checkbox("Public", "is_public", p.flag_or("is_public", true))}
                    {checkbox("Open to anyone", "is_open", p.flag_or("is_open", true))}
                    {checkbox("Show members to everyone", "show_members", p.flag_or("show_members", true))}
                    {field(FieldSpec { label: "Maximum members", name: "max_members", kind: "number", posted: p.clone(), hint: Some("Leave empty for no limit."), ..FieldSpec::default() })}
                    {field(FieldSpec { label: "Join question", name: "join_question", posted: p, maxlength: Some(300), hint: Some("Optional. Asked of people who request to join a closed group."), ..FieldSpec::default() })}
                    <button type="submit">"Create group"</button>
                </form>
            })
        })}
    }
}
