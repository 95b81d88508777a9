//! `/groups` (browse and search), `/groups/new`, `/groups/{slug}` and
//! `/groups/{slug}/manage`. Search, filters and the page live in the URL, so
//! a result can be shared and the back button works; every form also works
//! without JavaScript.

use super::{with_user, SignInPrompt};
use crate::api::groups::{
    get_group, list_groups, ApproveRequest, CancelRequest, ChangeMemberRole, CreateGroup,
    DeleteGroup, DenyRequest, JoinGroup, LeaveGroup, RemoveMember, RequestToJoin,
    TransferOwnership, UpdateGroup,
};
use crate::domain::{
    AppError, GroupAction, GroupCard, GroupDetail, GroupType, MemberView, Standing,
};
use crate::ui::components::form::{
    kept, kept_flag, last_error, posted_error, Checkbox, Field, FormError, FormSuccess, PlainField,
    PlainFormError,
};
use leptos::either::{Either, EitherOf3, EitherOf4};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/groups?…` with these parameters, leaving out empty ones.
fn groups_url(params: &[(&str, &str)]) -> String {
    let q: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    if q.is_empty() {
        "/groups".into()
    } else {
        format!("/groups?{}", q.join("&"))
    }
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn type_label(t: &str) -> &'static str {
    GroupType::parse(t).map(|t| t.label()).unwrap_or("Other")
}

fn members_text(count: i32, max: Option<i32>) -> String {
    match (max, count) {
        (Some(m), _) => format!("{count} / {m} members"),
        (None, 1) => "1 member".to_string(),
        (None, _) => format!("{count} members"),
    }
}

#[component]
fn TagLinks(tags: Vec<String>) -> impl IntoView {
    view! {
        <ul class="tags" aria-label="Tags">
            {tags.into_iter().map(|t| {
                let href = groups_url(&[("tag", &t)]);
                view! { <li><a class="tag" href=href>{t}</a></li> }
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn GroupsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let data = Resource::new(
        move || {
            (
                param("q"),
                param("type"),
                param("tag"),
                param("sort"),
                param("after"),
            )
        },
        |(q, t, tag, sort, after)| list_groups(q, t, tag, sort, after),
    );
    let deleted = move || !param("deleted").is_empty();
    view! {
        <Title text="Groups"/>
        <div class="page-head">
            <h1>"Groups"</h1>
            <A href="/groups/new" attr:class="button">"Create a group"</A>
        </div>
        {move || deleted().then(|| view! { <p class="notice success" role="status">"The group was deleted."</p> })}
        <Form method="GET" action="/groups" attr:class="group-search" attr:role="search">
            <div class="field grow">
                <label for="f-q">"Search groups"</label>
                <input id="f-q" type="search" name="q" maxlength="200" value=move || param("q")/>
            </div>
            <div class="field">
                <label for="f-type">"Type"</label>
                <select id="f-type" name="type">
                    <option value="" selected=move || param("type").is_empty()>"Any type"</option>
                    {GroupType::ALL.into_iter().map(|t| view! {
                        <option value=t.as_str() selected=move || param("type") == t.as_str()>{t.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-tag">"Tag"</label>
                <input id="f-tag" type="text" name="tag" maxlength="50" value=move || param("tag")/>
            </div>
            <div class="field">
                <label for="f-sort">"Sort by"</label>
                <select id="f-sort" name="sort">
                    <option value="name" selected=move || matches!(param("sort").as_str(), "" | "name")>"Name"</option>
                    <option value="members" selected=move || param("sort") == "members">"Most members"</option>
                    <option value="newest" selected=move || param("sort") == "newest">"Newest"</option>
                </select>
            </div>
            <button type="submit">"Search"</button>
        </Form>
        <Transition fallback=|| view! { <p>"Loading groups…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => {
                        let (q, t, tag, sort) = (param("q"), param("type"), param("tag"), param("sort"));
                        let filtered = !(q.is_empty() && t.is_empty() && tag.is_empty());
                        let next = list.next.map(|c| groups_url(&[("q", &q), ("type", &t), ("tag", &tag), ("sort", &sort), ("after", &c)]));
                        let first = (!param("after").is_empty()).then(|| groups_url(&[("q", &q), ("type", &t), ("tag", &tag), ("sort", &sort)]));
                        Either::Left(view! {
                            {filtered.then(|| view! {
                                <p class="muted">"Showing groups matching your search. " <a href="/groups">"Clear search"</a></p>
                            })}
                            {if list.groups.is_empty() {
                                Either::Left(view! { <p class="notice">"No group matches. Try other words or fewer filters."</p> })
                            } else {
                                Either::Right(view! {
                                    <ul class="group-cards">
                                        {list.groups.into_iter().map(|g| view! { <GroupCardView group=g/> }).collect_view()}
                                    </ul>
                                })
                            }}
                            <nav class="pager" aria-label="Pages">
                                {first.map(|h| view! { <a href=h>"First page"</a> })}
                                {next.map(|h| view! { <a href=h rel="next">"Next page"</a> })}
                            </nav>
                        })
                    }
                    Err(e) => {
                        // A filter that cannot be read (a hand-made URL): say which and why.
                        set_page_status(&e);
                        let details: Vec<String> = match &e {
                            AppError::Invalid(f) => f.fields.iter().map(|(_, m)| m.clone()).collect(),
                            _ => Vec::new(),
                        };
                        let text = if details.is_empty() { e.to_string() } else { details.join(" ") };
                        Either::Right(view! { <p class="notice error" role="alert">{text}</p> })
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn GroupCardView(group: GroupCard) -> impl IntoView {
    let g = group;
    let href = format!("/groups/{}", g.slug);
    let id = format!("g-{}", g.slug);
    let labelled = id.clone();
    view! {
        <li class="group-card" aria-labelledby=labelled>
            <h2 id=id><a href=href>{g.name.clone()}</a></h2>
            {g.excerpt.clone().map(|e| view! { <p class="excerpt">{e}</p> })}
            <p class="facts-line">
                <span>{type_label(&g.group_type)}</span>
                " · " <span>{members_text(g.member_count, g.max_members)}</span>
                " · " <span>{if g.is_open { "Open to anyone" } else { "Closed: ask to join" }}</span>
                {(!g.is_public).then(|| view! { " · " <span>"Private"</span> })}
                {(g.standing != Standing::None).then(|| view! { <span class="badge">{g.standing.label()}</span> })}
            </p>
            <TagLinks tags=g.tags.clone()/>
        </li>
    }
}

#[component]
fn GroupTypeSelect(selected: String) -> impl IntoView {
    view! {
        <div class="field">
            <label for="f-group_type">"Type"</label>
            <select id="f-group_type" name="group_type">
                {GroupType::ALL.into_iter().map(|t| {
                    let sel = selected == t.as_str();
                    view! { <option value=t.as_str() selected=sel>{t.label()}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn NewGroupPage() -> impl IntoView {
    // A plain post, like the account pages: success lands on the new group's
    // page (the server redirects), a refusal comes back with the message
    // beside the field and what was typed. The browser gets no action or
    // form-decoding code for it.
    let path = <CreateGroup as ServerFn>::PATH;
    view! {
        <Title text="New group"/>
        <h1>"Create a group"</h1>
        {with_user(move |u| if !u.email_verified {
            Either::Left(view! {
                <p class="notice">"Please confirm your email address before creating a group. "
                    <a href="/account">"Send the confirmation link again"</a></p>
            })
        } else {
            let error = posted_error(path);
            let kept_error = Signal::stored(error.clone());
            Either::Right(view! {
                <form method="post" action=path class="stack" novalidate=true>
                    <PlainFormError error=error.clone()/>
                    <PlainField label="Name" name="name" error=error.clone() required=true maxlength=100/>
                    <PlainField label="Slug" name="slug" error=error.clone() maxlength=100
                        hint="The group's address: lower-case letters, digits and hyphens. Leave it empty to use one made from the name."/>
                    <PlainField label="Description" name="description" kind="textarea" error=error.clone() maxlength=1000/>
                    <GroupTypeSelect selected=kept(kept_error, "group_type", "community".to_string())/>
                    <PlainField label="Tags" name="tags" error=error.clone() maxlength=500 hint="Separated by commas, like: music, berlin"/>
                    <Checkbox label="Public" name="is_public" checked=kept_flag(kept_error, "is_public", true)/>
                    <Checkbox label="Open to anyone" name="is_open" checked=kept_flag(kept_error, "is_open", true)/>
                    <Checkbox label="Show members to everyone" name="show_members" checked=kept_flag(kept_error, "show_members", true)/>
                    <PlainField label="Maximum members" name="max_members" kind="number" error=error.clone() hint="Leave empty for no limit."/>
                    <PlainField label="Join question" name="join_question" error=error maxlength=300
                        hint="Optional. Asked of people who request to join a closed group."/>
                    <button type="submit">"Create group"</button>
                </form>
            })
        })}
    }
}

fn slug_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("slug").unwrap_or_default()))
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let slug = slug_param();
    let join = ServerAction::<JoinGroup>::new();
    let request = ServerAction::<RequestToJoin>::new();
    let cancel = ServerAction::<CancelRequest>::new();
    let leave = ServerAction::<LeaveGroup>::new();
    let data = Resource::new(
        move || {
            (
                slug.get(),
                join.version().get()
                    + request.version().get()
                    + cancel.version().get()
                    + leave.version().get(),
            )
        },
        |(s, _)| get_group(s, false),
    );
    let error = Signal::derive(move || {
        [
            join.value().get().and_then(|r| r.err()),
            request.value().get().and_then(|r| r.err()),
            cancel.value().get().and_then(|r| r.err()),
            leave.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    });
    let actions = Actions {
        join,
        request,
        cancel,
        leave,
    };
    view! {
        <Transition fallback=|| view! { <p>"Loading the group…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(g) => EitherOf3::A(view! { <GroupView group=g actions=actions error=error/> }),
                    Err(AppError::NotFound) => EitherOf3::B(view! { <GroupNotFound/> }),
                    Err(e) => EitherOf3::C(view! { <h1>"Group"</h1><p class="notice error" role="alert">{e.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

/// Gives the page being rendered on the server the status of the error it shows.
fn set_page_status(e: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(e.status()) {
            res.set_status(code);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = e;
}

/// A group that does not exist (or was deleted), answered with status 404.
#[component]
fn GroupNotFound() -> impl IntoView {
    set_page_status(&AppError::NotFound);
    view! {
        <Title text="Group not found"/>
        <h1>"Group not found"</h1>
        <p>"There is no group at this address. " <a href="/groups">"Browse groups"</a></p>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    join: ServerAction<JoinGroup>,
    request: ServerAction<RequestToJoin>,
    cancel: ServerAction<CancelRequest>,
    leave: ServerAction<LeaveGroup>,
}

#[component]
fn GroupFacts(group: GroupDetail) -> impl IntoView {
    let g = group;
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

#[component]
fn GroupView(
    group: GroupDetail,
    actions: Actions,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let g = group;
    let slug = g.slug.clone();
    let manage = format!("/groups/{}/manage", g.slug);
    view! {
        <Title text=g.name.clone()/>
        <div class="page-head">
            <h1>{g.name.clone()}</h1>
            {g.is_system.then(|| view! { <span class="badge">"System group"</span> })}
            {(g.standing != Standing::None).then(|| view! { <span class="badge">{g.standing.label()}</span> })}
        </div>
        {g.description.clone().map(|d| view! { <p class="description">{d}</p> })}
        <TagLinks tags=g.tags.clone()/>
        <GroupFacts group=g.clone()/>
        <FormError error=error/>
        <ActionButton action=g.action.clone() slug=slug.clone() question=g.join_question.clone() actions=actions/>
        {g.can_manage.then(|| view! { <p><a href=manage>"Manage group"</a></p> })}
        <h2>"Members"</h2>
        {match g.members.clone() {
            Some(list) => Either::Left(view! { <MemberList members=list/> }),
            None => Either::Right(view! { <p class="muted">"Only members can see who is in this group."</p> }),
        }}
    }
}

#[component]
fn ActionButton(
    action: GroupAction,
    slug: String,
    question: Option<String>,
    actions: Actions,
) -> impl IntoView {
    let Actions {
        join,
        request,
        cancel,
        leave,
    } = actions;
    match action {
        GroupAction::Join => EitherOf3::A(Either::Left(view! {
            <ActionForm action=join attr:class="inline-form">
                <input type="hidden" name="slug" value=slug/>
                <button type="submit" disabled=move || join.pending().get()>"Join group"</button>
            </ActionForm>
        })),
        GroupAction::Request => {
            let error = last_error(request.value());
            EitherOf3::A(Either::Right(view! {
                <ActionForm action=request attr:class="stack">
                    <input type="hidden" name="slug" value=slug/>
                    {question.map(|q| view! {
                        <p class="join-question">{q}</p>
                        <Field label="Your answer" name="answer" kind="textarea" error=error maxlength=500/>
                    })}
                    <button type="submit" disabled=move || request.pending().get()>"Request to join"</button>
                </ActionForm>
            }))
        }
        GroupAction::Cancel => EitherOf3::B(Either::Left(view! {
            <p class="notice">"Your request to join is waiting for approval."</p>
            <ActionForm action=cancel attr:class="inline-form">
                <input type="hidden" name="slug" value=slug/>
                <button type="submit" disabled=move || cancel.pending().get()>"Cancel request"</button>
            </ActionForm>
        })),
        GroupAction::Leave => EitherOf3::B(Either::Right(view! {
            <ActionForm action=leave attr:class="inline-form">
                <input type="hidden" name="slug" value=slug/>
                <button type="submit" class="danger" disabled=move || leave.pending().get()>"Leave group"</button>
            </ActionForm>
        })),
        GroupAction::None(why) => {
            let sign_in = why.starts_with("Sign in");
            let next = format!("/login?next=/groups/{slug}");
            EitherOf3::C(if sign_in {
                Either::Left(view! {
                    <p class="notice">"Please " <a href=next>"sign in"</a> " to join this group."</p>
                })
            } else {
                Either::Right(view! { <p class="notice">{why}</p> })
            })
        }
    }
}

#[component]
fn MemberList(members: Vec<MemberView>) -> impl IntoView {
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

#[derive(Clone, Copy)]
struct ManageActions {
    approve: ServerAction<ApproveRequest>,
    deny: ServerAction<DenyRequest>,
    remove: ServerAction<RemoveMember>,
    role: ServerAction<ChangeMemberRole>,
    transfer: ServerAction<TransferOwnership>,
    update: ServerAction<UpdateGroup>,
    delete: ServerAction<DeleteGroup>,
}

#[component]
pub fn ManageGroupPage() -> impl IntoView {
    let slug = slug_param();
    let a = ManageActions {
        approve: ServerAction::new(),
        deny: ServerAction::new(),
        remove: ServerAction::new(),
        role: ServerAction::new(),
        transfer: ServerAction::new(),
        update: ServerAction::new(),
        delete: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            (
                slug.get(),
                a.approve.version().get()
                    + a.deny.version().get()
                    + a.remove.version().get()
                    + a.role.version().get()
                    + a.transfer.version().get()
                    + a.update.version().get(),
            )
        },
        |(s, _)| get_group(s, true),
    );
    let error = Signal::derive(move || {
        [
            a.approve.value().get().and_then(|r| r.err()),
            a.deny.value().get().and_then(|r| r.err()),
            a.remove.value().get().and_then(|r| r.err()),
            a.role.value().get().and_then(|r| r.err()),
            a.transfer.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    });
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(g) => EitherOf4::A(view! { <ManageView group=g actions=a error=error/> }),
                    Err(AppError::Unauthenticated) => EitherOf4::B(view! { <h1>"Manage group"</h1><SignInPrompt/> }),
                    Err(AppError::NotFound) => EitherOf4::C(view! { <GroupNotFound/> }),
                    Err(e) => {
                        // A member who may not manage gets 403 with the reason.
                        set_page_status(&e);
                        EitherOf4::D(view! {
                            <Title text="Manage group"/>
                            <h1>"Manage group"</h1>
                            <p class="notice error" role="alert">{e.to_string()}</p>
                        })
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn ManageView(
    group: GroupDetail,
    actions: ManageActions,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let g = group;
    let a = actions;
    let slug = g.slug.clone();
    let back = format!("/groups/{}", g.slug);
    let is_owner = g.is_owner;
    let members = g.members.clone().unwrap_or_default();
    let others: Vec<MemberView> = members
        .iter()
        .filter(|m| m.role != "owner")
        .cloned()
        .collect();
    let update_error = last_error(a.update.value());
    let delete_error = last_error(a.delete.value());
    let saved = Signal::derive(move || {
        matches!(a.update.value().get(), Some(Ok(_))).then(|| "Group saved.".to_string())
    });
    view! {
        <Title text=format!("Manage {}", g.name)/>
        <h1>"Manage " {g.name.clone()}</h1>
        <p><a href=back>"Back to the group page"</a></p>
        <FormError error=error/>
        <section aria-labelledby="requests-h">
            <h2 id="requests-h">{format!("Requests to join ({})", g.requests.len())}</h2>
            {if g.requests.is_empty() {
                Either::Left(view! { <p class="muted">"No one is waiting."</p> })
            } else {
                Either::Right(view! {
                    <ul class="requests">
                        {g.requests.clone().into_iter().map(|r| {
                            let (s1, s2) = (slug.clone(), slug.clone());
                            let (u1, u2) = (r.username.clone(), r.username.clone());
                            view! {
                                <li>
                                    <span class="member-name">{r.display_name.clone()}</span> " "
                                    <span class="muted">"@" {r.username.clone()} " · asked " {r.asked.clone()}</span>
                                    {r.answer.clone().map(|ans| view! { <blockquote class="answer">{ans}</blockquote> })}
                                    <div class="row-actions">
                                        <ActionForm action=a.approve attr:class="inline-form">
                                            <input type="hidden" name="slug" value=s1/>
                                            <input type="hidden" name="username" value=u1/>
                                            <button type="submit">"Approve"</button>
                                        </ActionForm>
                                        <ActionForm action=a.deny attr:class="inline-form">
                                            <input type="hidden" name="slug" value=s2/>
                                            <input type="hidden" name="username" value=u2/>
                                            <button type="submit" class="danger">"Deny"</button>
                                        </ActionForm>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
        </section>
        <section aria-labelledby="members-h">
            <h2 id="members-h">{format!("Members ({})", g.member_count)}</h2>
            <ul class="members">
                {members.into_iter().map(|m| {
                    let owner_row = m.role == "owner";
                    let (s1, s2) = (slug.clone(), slug.clone());
                    let (u1, u2) = (m.username.clone(), m.username.clone());
                    let next_role = if m.role == "admin" { "member" } else { "admin" };
                    let role_label = if m.role == "admin" { "Make member" } else { "Make admin" };
                    let removable = !owner_row && (is_owner || m.role == "member");
                    view! {
                        <li>
                            <span class="member-name">{m.display_name.clone()}</span>
                            " " <span class="muted">"@" {m.username.clone()}</span>
                            " " <span class="badge">{m.role.clone()}</span>
                            <div class="row-actions">
                                {(is_owner && !owner_row).then(|| view! {
                                    <ActionForm action=a.role attr:class="inline-form">
                                        <input type="hidden" name="slug" value=s1/>
                                        <input type="hidden" name="username" value=u1/>
                                        <input type="hidden" name="role" value=next_role/>
                                        <button type="submit">{role_label}</button>
                                    </ActionForm>
                                })}
                                {removable.then(|| view! {
                                    <ActionForm action=a.remove attr:class="inline-form">
                                        <input type="hidden" name="slug" value=s2/>
                                        <input type="hidden" name="username" value=u2/>
                                        <button type="submit" class="danger">"Remove"</button>
                                    </ActionForm>
                                })}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        {(is_owner && !others.is_empty()).then(|| {
            let s = slug.clone();
            view! {
                <section aria-labelledby="transfer-h">
                    <h2 id="transfer-h">"Transfer ownership"</h2>
                    <p>"The new owner must be a member. You stay on as an admin."</p>
                    <ActionForm action=a.transfer attr:class="stack">
                        <input type="hidden" name="slug" value=s/>
                        <div class="field">
                            <label for="f-new-owner">"New owner"</label>
                            <select id="f-new-owner" name="username">
                                {others.into_iter().map(|m| view! { <option value=m.username.clone()>{m.display_name.clone()} " (@" {m.username.clone()} ")"</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit">"Transfer ownership"</button>
                    </ActionForm>
                </section>
            }
        })}
        {(!g.is_system).then(|| {
            let s = slug.clone();
            let gg = g.clone();
            view! {
                <section aria-labelledby="edit-h">
                    <h2 id="edit-h">"Edit details"</h2>
                    <ActionForm action=a.update attr:class="stack" attr:novalidate=true>
                        <FormError error=update_error/>
                        <FormSuccess message=saved/>
                        <input type="hidden" name="slug" value=s/>
                        <Field label="Name" name="name" error=update_error required=true maxlength=100 value=gg.name.clone()/>
                        <Field label="Description" name="description" kind="textarea" error=update_error maxlength=1000
                            value=gg.description.clone().unwrap_or_default()/>
                        <GroupTypeSelect selected=kept(update_error, "group_type", gg.group_type.clone())/>
                        <Field label="Tags" name="tags" error=update_error maxlength=500 value=gg.tags.join(", ")/>
                        <Checkbox label="Public" name="is_public" checked=kept_flag(update_error, "is_public", gg.is_public)/>
                        <Checkbox label="Open to anyone" name="is_open" checked=kept_flag(update_error, "is_open", gg.is_open)/>
                        <Checkbox label="Show members to everyone" name="show_members" checked=kept_flag(update_error, "show_members", gg.show_members)/>
                        <Field label="Maximum members" name="max_members" kind="number" error=update_error
                            value=gg.max_members.map(|m| m.to_string()).unwrap_or_default() hint="Leave empty for no limit."/>
                        <Field label="Join question" name="join_question" error=update_error maxlength=300
                            value=gg.join_question.clone().unwrap_or_default()/>
                        <button type="submit">"Save group"</button>
                    </ActionForm>
                </section>
            }
        })}
        {(is_owner && !g.is_system).then(|| {
            let s = slug.clone();
            view! {
                <section aria-labelledby="delete-h">
                    <h2 id="delete-h">"Delete group"</h2>
                    <p>"Deleting ends every membership. You cannot undo this."</p>
                    <ActionForm action=a.delete attr:class="stack danger" attr:novalidate=true>
                        <FormError error=delete_error/>
                        <input type="hidden" name="slug" value=s/>
                        <Field label="Type the slug to confirm" name="confirm" error=delete_error required=true maxlength=100/>
                        <button type="submit" class="danger">"Delete group"</button>
                    </ActionForm>
                </section>
            }
        })}
    }
}
