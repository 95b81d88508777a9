//! `/groups/{slug}/manage`, for owners, admins and site administrators:
//! waiting requests, members and their roles, ownership, the group's
//! details and its deletion.

use super::group::{slug_param, GroupNotFound};
use super::parts::{GroupTypeSelect, PostButton};
use crate::api::groups::{
    get_group, ApproveRequest, ChangeMemberRole, DeleteGroup, DenyRequest, RemoveMember,
    TransferOwnership, UpdateGroup,
};
use crate::domain::{AppError, GroupDetail, MemberView, RequestView};
use crate::ui::components::form::{posted, posted_any, Checkbox, Done, ErrorSummary, Field};
use crate::ui::components::page::{PageError, SignInPrompt};
use crate::ui::components::title::PageTitle;
use leptos::either::{Either, EitherOf4};
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
                    Ok(g) => EitherOf4::A(view! {
                        <PageTitle text=format!("Manage {}", g.name)/>
                        <div class="group-page"><ManageView group=g/></div>
                    }),
                    Err(AppError::Unauthenticated) => EitherOf4::B(view! { <h1>"Manage group"</h1><SignInPrompt/> }),
                    Err(AppError::NotFound) => EitherOf4::C(view! { <GroupNotFound/> }),
                    Err(e) => EitherOf4::D(view! {
                        <PageTitle text="Manage group"/>
                        <h1>"Manage group"</h1>
                        <PageError error=e/>
                    }),
                }
            })}
        </Transition>
    }
}

#[component]
fn ManageView(group: GroupDetail) -> impl IntoView {
    let g = group;
    let rows = posted_any(&ROW_PATHS);
    let done = ROW_PATHS
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
        <ErrorSummary posted=rows.clone()/>
        <Done posted=rows text=done/>
        <Requests slug=g.slug.clone() requests=g.requests.clone()/>
        <Members slug=g.slug.clone() count=g.member_count members is_owner=g.is_owner/>
        {(g.is_owner && !others.is_empty()).then(|| view! { <Transfer slug=g.slug.clone() others/> })}
        {(!g.is_system).then(|| view! { <EditDetails group=g.clone()/> })}
        {(g.is_owner && !g.is_system).then(|| view! { <DeleteForm slug=g.slug.clone()/> })}
    }
}

#[component]
fn Requests(slug: String, requests: Vec<RequestView>) -> impl IntoView {
    let approve = <ApproveRequest as ServerFn>::PATH;
    let deny = <DenyRequest as ServerFn>::PATH;
    view! {
        <section aria-labelledby="requests-h">
            <h2 id="requests-h">{format!("Requests to join ({})", requests.len())}</h2>
            {if requests.is_empty() {
                Either::Left(view! { <p class="muted">"No one is waiting."</p> })
            } else {
                Either::Right(view! {
                    <ul class="requests">
                        {requests.into_iter().map(|r| {
                            let who = vec![("slug", slug.clone()), ("username", r.username.clone())];
                            view! {
                                <li>
                                    <span class="member-name">{r.display_name.clone()}</span> " "
                                    <span class="muted">"@" {r.username.clone()} " · asked " {r.asked.clone()}</span>
                                    {r.answer.clone().map(|ans| view! { <blockquote class="answer">{ans}</blockquote> })}
                                    <div class="row-actions">
                                        <PostButton path=approve fields=who.clone() label={"Approve".into()}/>
                                        <PostButton path=deny fields=who label={"Deny".into()} danger=true/>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
        </section>
    }
}

#[component]
fn Members(slug: String, count: i32, members: Vec<MemberView>, is_owner: bool) -> impl IntoView {
    let role = <ChangeMemberRole as ServerFn>::PATH;
    let remove = <RemoveMember as ServerFn>::PATH;
    view! {
        <section aria-labelledby="members-h">
            <h2 id="members-h">{format!("Members ({count})")}</h2>
            <ul class="members">
                {members.into_iter().map(|m| {
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
                    view! {
                        <li>
                            <span class="member-name">{m.display_name.clone()}</span>
                            " " <span class="muted">"@" {m.username.clone()}</span>
                            " " <span class="badge">{m.role.clone()}</span>
                            <div class="row-actions">
                                {(is_owner && !owner_row).then(|| view! {
                                    <PostButton path=role fields=with_role label={role_label.to_string()}/>
                                })}
                                {removable.then(|| view! {
                                    <PostButton path=remove fields=who label={"Remove".into()} danger=true/>
                                })}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Transfer(slug: String, others: Vec<MemberView>) -> impl IntoView {
    view! {
        <section aria-labelledby="transfer-h">
            <h2 id="transfer-h">"Transfer ownership"</h2>
            <p>"The new owner must be a member. You stay on as an admin."</p>
            <form method="post" action={<TransferOwnership as ServerFn>::PATH} class="stack">
                <input type="hidden" name="slug" value=slug/>
                <div class="field">
                    <label for="f-new-owner">"New owner"</label>
                    <select id="f-new-owner" name="username">
                        {others.into_iter().map(|m| view! {
                            <option value=m.username.clone()>{m.display_name.clone()} " (@" {m.username.clone()} ")"</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit">"Transfer ownership"</button>
            </form>
        </section>
    }
}

#[component]
fn EditDetails(group: GroupDetail) -> impl IntoView {
    let g = group;
    let p = posted(<UpdateGroup as ServerFn>::PATH);
    let selected = p
        .value_or("group_type", Some(g.group_type.clone()))
        .unwrap_or_default();
    view! {
        <section aria-labelledby="edit-h">
            <h2 id="edit-h">"Edit details"</h2>
            <form method="post" action={<UpdateGroup as ServerFn>::PATH} class="stack" novalidate=true>
                <ErrorSummary posted=p.clone()/>
                <Done posted=p.clone() text="Group saved."/>
                <input type="hidden" name="slug" value=g.slug.clone()/>
                <Field label="Name" name="name" posted=p.clone() required=true maxlength=100 value=Some(g.name.clone())/>
                <Field label="Description" name="description" kind="textarea" posted=p.clone() maxlength=1000
                    value=g.description.clone()/>
                <GroupTypeSelect selected/>
                <Field label="Tags" name="tags" posted=p.clone() maxlength=500 value=Some(g.tags.join(", "))/>
                <Checkbox label="Public" name="is_public" checked=p.flag_or("is_public", g.is_public)/>
                <Checkbox label="Open to anyone" name="is_open" checked=p.flag_or("is_open", g.is_open)/>
                <Checkbox label="Show members to everyone" name="show_members" checked=p.flag_or("show_members", g.show_members)/>
                <Field label="Maximum members" name="max_members" kind="number" posted=p.clone()
                    value=g.max_members.map(|m| m.to_string()) hint="Leave empty for no limit."/>
                <Field label="Join question" name="join_question" posted=p maxlength=300
                    value=g.join_question.clone()/>
                <button type="submit">"Save group"</button>
            </form>
        </section>
    }
}

#[component]
fn DeleteForm(slug: String) -> impl IntoView {
    let p = posted(<DeleteGroup as ServerFn>::PATH);
    view! {
        <section aria-labelledby="delete-h">
            <h2 id="delete-h">"Delete group"</h2>
            <p>"Deleting ends every membership. You cannot undo this."</p>
            <form method="post" action={<DeleteGroup as ServerFn>::PATH} class="stack danger" novalidate=true>
                <ErrorSummary posted=p.clone()/>
                <input type="hidden" name="slug" value=slug/>
                <Field label="Type the slug to confirm" name="confirm" posted=p required=true maxlength=100/>
                <button type="submit" class="danger">"Delete group"</button>
            </form>
        </section>
    }
}
