//! `/groups/{slug}`: what the group is, who is in it, and the one thing the
//! caller can do there.

use super::parts::{members_text, post_button, type_label, TagLinks};
use crate::api::groups::{get_group, CancelRequest, JoinGroup, LeaveGroup, RequestToJoin};
use crate::domain::{AppError, GroupAction, GroupDetail, MemberView, Standing};
use crate::ui::components::form::{done, error_summary, field, posted_any, FieldSpec, Posted};
use crate::ui::components::status::report;
use crate::ui::components::title::PageTitle;
use leptos::either::{Either, EitherOf6};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

/// The group's slug from the address.
pub fn slug_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("slug").unwrap_or_default()))
}

/// What a post from a group page did, in words.
fn done_text(path: &str) -> &'static str {
    match path {
        p if p == <JoinGroup as ServerFn>::PATH => "You joined the group.",
        p if p == <RequestToJoin as ServerFn>::PATH => "Your request to join was sent.",
        p if p == <CancelRequest as ServerFn>::PATH => "Your request was withdrawn.",
        p if p == <LeaveGroup as ServerFn>::PATH => "You left the group.",
        _ => "Done.",
    }
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let slug = slug_param();
    let data = Resource::new(move || slug.get(), |s| get_group(s, false));
    view! {
        <Transition fallback=|| view! { <p>"Loading the group…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(g) => Either::Left(view! { <PageTitle text=g.name.clone()/><div class="group-page"><GroupView group=g/></div> }),
                    Err(e) => Either::Right(group_problem("Group", e)),
                }
            })}
        </Transition>
    }
}

/// Why a group's page (or its manage page, `heading`) cannot be shown: a
/// group that does not exist or was deleted (status 404), a visitor who is
/// not signed in, or another error in words. One view for every case.
pub fn group_problem(heading: &'static str, error: AppError) -> impl IntoView {
    report(&error);
    let (title, before, link, after) = match &error {
        AppError::NotFound => (
            "Group not found",
            "There is no group at this address. ".to_string(),
            Some(("/groups".to_string(), "Browse groups")),
            "",
        ),
        AppError::Unauthenticated => {
            let here = leptos_router::hooks::use_location()
                .pathname
                .get_untracked();
            (
                heading,
                "Please ".to_string(),
                Some((format!("/login?next={here}"), "sign in")),
                " to see this page.",
            )
        }
        other => (heading, other.to_string(), None, ""),
    };
    let alert = !matches!(error, AppError::NotFound | AppError::Unauthenticated);
    view! {
        <PageTitle text=title/>
        <h1>{title}</h1>
        <p class="notice" class:error=alert role=alert.then_some("alert")>
            {before}
            {link.map(|(href, label)| view! { <a href=href>{label}</a> })}
            {after}
        </p>
    }
}

#[component]
fn GroupView(group: GroupDetail) -> impl IntoView {
    let g = group;
    let paths = [
        <JoinGroup as ServerFn>::PATH,
        <RequestToJoin as ServerFn>::PATH,
        <CancelRequest as ServerFn>::PATH,
        <LeaveGroup as ServerFn>::PATH,
    ];
    let p = posted_any(&paths);
    let done_note = paths
        .iter()
        .find(|path| crate::ui::components::form::posted(path).succeeded)
        .map(|path| done_text(path))
        .unwrap_or("");
    let manage = format!("/groups/{}/manage", g.slug);
    view! {
        <div class="page-head">
            <h1>{g.name.clone()}</h1>
            {g.is_system.then(|| view! { <span class="badge">"System group"</span> })}
            {(g.standing != Standing::None).then(|| view! { <span class="badge">{g.standing.label()}</span> })}
        </div>
        {g.description.clone().map(|d| view! { <p class="description">{d}</p> })}
        <TagLinks tags=g.tags.clone()/>
        {group_facts(&g)}
        {error_summary(p.clone())}
        {done(p.clone(), done_note)}
        <ActionButton action=g.action.clone() slug=g.slug.clone() question=g.join_question.clone() posted=p/>
        {g.can_manage.then(|| view! { <p><a href=manage>"Manage group"</a></p> })}
        <h2>"Members"</h2>
        {match g.members.clone() {
            Some(list) => Either::Left(member_list(list)),
            None => Either::Right(view! { <p class="muted">"Only members can see who is in this group."</p> }),
        }}
    }
}

fn group_facts(g: &GroupDetail) -> impl IntoView {
    view! {
        <dl class="facts">
            <div><dt>"Type"</dt><dd>{type_label(&g.group_type)}</dd></div>
            <div><dt>"Owner"</dt><dd>{g.owner.clone()}</dd></div>
            <div><dt>"Members"</dt><dd>{members_text(g.member_count, g.max_members)}</dd></div>
            <div><dt>"Joining"</dt><dd>{if g.is_open { "Open to anyone" } else { "Closed: members are approved" }}</dd></div>
            <div><dt>"Visibility"</dt><dd>{if g.is_public { "Public" } else { "Private (not listed)" }}</dd></div>
            <div><dt>"Created"</dt><dd>{g.created.clone()}</dd></div>
        </dl>
    }
}

fn member_list(members: Vec<MemberView>) -> impl IntoView {
    view! {
        <ul class="members">
            {members.into_iter().map(|m| view! {
                <li>
                    <span class="member-name">{m.display_name.clone()}</span>
                    " " <span class="muted">"@" {m.username.clone()}</span>
                    " " <span class="badge">{m.role.clone()}</span>
                    " " <span class="muted">"joined " {m.joined.clone()}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn ActionButton(
    action: GroupAction,
    slug: String,
    question: Option<String>,
    posted: Posted,
) -> impl IntoView {
    match action {
        GroupAction::Join => EitherOf6::A(post_button(
            <JoinGroup as ServerFn>::PATH,
            vec![("slug", slug)],
            "Join group",
            false,
        )),
        GroupAction::Request => EitherOf6::B(view! {
            <form method="post" action={<RequestToJoin as ServerFn>::PATH} class="stack">
                <input type="hidden" name="slug" value=slug/>
                {question.map(|q| view! {
                    <p class="join-question">{q}</p>
                    {field(FieldSpec { label: "Your answer", name: "answer", kind: "textarea", posted: posted.clone(), maxlength: Some(500), ..FieldSpec::default() })}
                })}
                <button type="submit">"Request to join"</button>
            </form>
        }),
        GroupAction::Cancel => EitherOf6::C(view! {
            <p class="notice">"Your request to join is waiting for approval."</p>
            {post_button(<CancelRequest as ServerFn>::PATH, vec![("slug", slug)], "Cancel request", false)}
        }),
        GroupAction::Leave => EitherOf6::D(post_button(
            <LeaveGroup as ServerFn>::PATH,
            vec![("slug", slug)],
            "Leave group",
            true,
        )),
        GroupAction::None(why) if why.starts_with("Sign in") => {
            let next = format!("/login?next=/groups/{slug}");
            EitherOf6::E(
                view! { <p class="notice">"Please " <a href=next>"sign in"</a> " to join this group."</p> },
            )
        }
        GroupAction::None(why) => EitherOf6::F(view! { <p class="notice">{why}</p> }),
    }
}
