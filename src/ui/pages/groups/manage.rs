//! `/groups/{slug}/manage`, for owners, admins and site administrators:
//! waiting requests, members and their roles, ownership, the group's
//! details and its deletion.

use super::group::{group_problem, slug_param};
use super::parts::{group_type_select, post_button};
use crate::api::groups::{
    get_group, ApproveRequest, ChangeMemberRole, DeleteGroup, DenyRequest, RemoveMember,
    TransferOwnership, UpdateGroup,
};
use crate::domain::{GroupDetail, MemberView, RequestView};
use crate::ui::components::form::{
    checkbox, done, error_summary, field, posted, posted_any, select_field, FieldSpec,
};
use crate::ui::components::title::PageTitle;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

const ROW_PATHS: [&str; 5] = [
    <ApproveRequest as ServerFn>::PATH,
    <DenyRequest as ServerFn>::PATH,
    <RemoveMember as ServerFn>::PATH,
    <ChangeMemberRole as ServerFn>::PATH,
    <TransferOwnership as ServerFn>::PATH,
];

/// What a post from the manage page did, in words.
fn done_text(path: &str) -> &'static str {
    match path {
        p if p == ROW_PATHS[0] => "The request was approved.",
        p if p == ROW_PATHS[1] => "The request was denied.",
        p if p == ROW_PATHS[2] => "The member was removed.",
        p if p == ROW_PATHS[3] => "The member's role was changed.",
        p if p == ROW_PATHS[4] => "Ownership was transferred.",
        _ => "Group saved.",
    }
}

#[component]
pub fn ManageGroupPage() -> impl IntoView {
    let slug = slug_param();
    let data = Resource::new(move || slug.get(), |s| get_group(s, true));
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(g) => Either::Left(view! {
                        <PageTitle text=format!("Manage {}", g.name)/>
                        <div class="group-page">{manage_view(g)}</div>
                    }),
                    Err(e) => Either::Right(group_problem("Manage group", e)),
                }
            })}
        </Transition>
    }
}

fn manage_view(group: GroupDetail) -> impl IntoView {
    let g = group;
    let rows = posted_any(&ROW_PATHS);
    let done_note = ROW_PATHS
        .iter()
        .find(|p| posted(p).succeeded)
        .map(|p| done_text(p))
        .unwrap_or("");
    let members = g.members.clone().unwrap_or_default();
    let others: Vec<MemberView> = members
        .iter()
        .filter(|m| m.role != "owner")
        .cloned()
        .collect();
    let back = format!("/groups/{}", g.slug);
    view! {
        <h1>"Manage " {g.name.clone()}</h1>
        <p><a href=back>"Back to the group page"</a></p>
        {error_summary(rows.clone())}
        {done(rows, done_note)}
        {requests(g.slug.clone(), g.requests.clone())}
        {member_list(g.slug.clone(), g.member_count, members, g.is_owner)}
        {(g.is_owner && !others.is_empty()).then(|| transfer(g.slug.clone(), others))}
        {(!g.is_system).then(|| edit_details(g.clone()))}
        {(g.is_owner && !g.is_system).then(|| delete_form(g.slug.clone()))}
    }
}

/// A button on a person's row: the server function it posts to, the hidden
/// fields, its label and whether it is destructive.
type RowAction = (
    &'static str,
    Vec<(&'static str, String)>,
    &'static str,
    bool,
);

/// One person on the manage page, waiting or a member. Both lists draw
/// their rows with this one function (one piece of hydration code).
struct PersonRow {
    name: String,
    username: String,
    /// Said after the username, e.g. when they asked.
    note: String,
    badge: Option<String>,
    answer: Option<String>,
    actions: Vec<RowAction>,
}

fn person_row(row: PersonRow) -> impl IntoView {
    view! {
        <li>
            <span class="member-name">{row.name}</span> " "
            <span class="muted">"@" {row.username} {row.note}</span>
            {row.badge.map(|b| view! { " " <span class="badge">{b}</span> })}
            {row.answer.map(|ans| view! { <blockquote class="answer">{ans}</blockquote> })}
            <div class="row-actions">
                {row.actions.into_iter().map(|(path, fields, label, danger)| post_button(path, fields, label, danger)).collect_view()}
            </div>
        </li>
    }
}

fn requests(slug: String, requests: Vec<RequestView>) -> impl IntoView {
    let approve = <ApproveRequest as ServerFn>::PATH;
    let deny = <DenyRequest as ServerFn>::PATH;
    let heading = format!("Requests to join ({})", requests.len());
    let empty = requests
        .is_empty()
        .then(|| view! { <p class="muted">"No one is waiting."</p> });
    let rows = requests.into_iter().map(|r| {
        let who = vec![("slug", slug.clone()), ("username", r.username.clone())];
        person_row(PersonRow {
            name: r.display_name,
            username: r.username,
            note: format!(" · asked {}", r.asked),
            badge: None,
            answer: r.answer,
            actions: vec![
                (approve, who.clone(), "Approve", false),
                (deny, who, "Deny", true),
            ],
        })
    });
    view! {
        <section aria-labelledby="requests-h">
            <h2 id="requests-h">{heading}</h2>
            {empty}
            <ul class="requests">{rows.collect_view()}</ul>
        </section>
    }
}

fn member_list(
    slug: String,
    count: i32,
    members: Vec<MemberView>,
    is_owner: bool,
) -> impl IntoView {
    let role = <ChangeMemberRole as ServerFn>::PATH;
    let remove = <RemoveMember as ServerFn>::PATH;
    let rows = members.into_iter().map(|m| {
        let owner_row = m.role == "owner";
        let (next_role, role_label) = if m.role == "admin" {
            ("member", "Make member")
        } else {
            ("admin", "Make admin")
        };
        let removable = !owner_row && (is_owner || m.role == "member");
        let who = vec![("slug", slug.clone()), ("username", m.username.clone())];
        let mut with_role = who.clone();
        with_role.push(("role", next_role.to_string()));
        let mut actions = Vec::new();
        if is_owner && !owner_row {
            actions.push((role, with_role, role_label, false));
        }
        if removable {
            actions.push((remove, who, "Remove", true));
        }
        person_row(PersonRow {
            name: m.display_name,
            username: m.username,
            note: String::new(),
            badge: Some(m.role),
            answer: None,
            actions,
        })
    });
    view! {
        <section aria-labelledby="members-h">
            <h2 id="members-h">{format!("Members ({count})")}</h2>
            <ul class="members">{rows.collect_view()}</ul>
        </section>
    }
}

fn transfer(slug: String, others: Vec<MemberView>) -> impl IntoView {
    let options = others
        .into_iter()
        .map(|m| {
            let words = format!("{} (@{})", m.display_name, m.username);
            (m.username, words, false)
        })
        .collect();
    view! {
        <section aria-labelledby="transfer-h">
            <h2 id="transfer-h">"Transfer ownership"</h2>
            <p>"The new owner must be a member. You stay on as an admin."</p>
            <form method="post" action={<TransferOwnership as ServerFn>::PATH} class="stack">
                <input type="hidden" name="slug" value=slug/>
                {select_field("New owner", "username", options)}
                <button type="submit">"Transfer ownership"</button>
            </form>
        </section>
    }
}

fn edit_details(group: GroupDetail) -> impl IntoView {
    let g = group;
    let p = posted(<UpdateGroup as ServerFn>::PATH);
    let selected = p
        .value_or("group_type", Some(g.group_type.clone()))
        .unwrap_or_default();
    view! {
        <section aria-labelledby="edit-h">
            <h2 id="edit-h">"Edit details"</h2>
            <form method="post" action={<UpdateGroup as ServerFn>::PATH} class="stack" novalidate=true>
                {error_summary(p.clone())}
                {done(p.clone(), "Group saved.")}
                <input type="hidden" name="slug" value=g.slug.clone()/>
                {field(FieldSpec { label: "Name", name: "name", posted: p.clone(), required: true, maxlength: Some(100), value: Some(g.name.clone()), ..FieldSpec::default() })}
                {field(FieldSpec { label: "Description", name: "description", kind: "textarea", posted: p.clone(), maxlength: Some(1000), value: g.description.clone(), ..FieldSpec::default() })}
                {group_type_select(selected)}
                {field(FieldSpec { label: "Tags", name: "tags", posted: p.clone(), maxlength: Some(500), value: Some(g.tags.join(", ")), ..FieldSpec::default() })}
                {checkbox("Public", "is_public", p.flag_or("is_public", g.is_public))}
                {checkbox("Open to anyone", "is_open", p.flag_or("is_open", g.is_open))}
                {checkbox("Show members to everyone", "show_members", p.flag_or("show_members", g.show_members))}
                {field(FieldSpec { label: "Maximum members", name: "max_members", kind: "number", posted: p.clone(), value: g.max_members.map(|m| m.to_string()), hint: Some("Leave empty for no limit."), ..FieldSpec::default() })}
                {field(FieldSpec { label: "Join question", name: "join_question", posted: p, maxlength: Some(300), value: g.join_question.clone(), ..FieldSpec::default() })}
                <button type="submit">"Save group"</button>
            </form>
        </section>
    }
}

fn delete_form(slug: String) -> impl IntoView {
    let p = posted(<DeleteGroup as ServerFn>::PATH);
    view! {
        <section aria-labelledby="delete-h">
            <h2 id="delete-h">"Delete group"</h2>
            <p>"Deleting ends every membership. You cannot undo this."</p>
            <form method="post" action={<DeleteGroup as ServerFn>::PATH} class="stack danger" novalidate=true>
                {error_summary(p.clone())}
                <input type="hidden" name="slug" value=slug/>
                {field(FieldSpec { label: "Type the slug to confirm", name: "confirm", posted: p, required: true, maxlength: Some(100), ..FieldSpec::default() })}
                <button type="submit" class="danger">"Delete group"</button>
            </form>
        </section>
    }
}
