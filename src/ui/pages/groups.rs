//! `/groups` (browse and search), `/groups/new`, `/groups/{slug}` and
//! `/groups/{slug}/manage`. Search, filters and the page live in the URL, so
//! a result can be shared and the back button works; every form also works
//! without JavaScript.
//!
//! Every form posts plainly: the server answers with a redirect back to the
//! page, with a note (`done`) or with the error, and the page is drawn anew.
//! The listing, a group's page and its manage page are drawn on the server
//! (`drawn` below, `ui::components::drawn`); the browser only places them.

use super::{with_user, SignInPrompt};
use crate::api::groups::{group_section, groups_section, CreateGroup};
use crate::domain::{AppError, GroupType};
use crate::ui::components::drawn::Section;
use crate::ui::components::form::{
    kept, kept_flag, posted_error, Checkbox, PlainField, PlainFormError,
};
use crate::ui::components::title::PageTitle;
use leptos::either::{Either, EitherOf3, EitherOf4};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn GroupsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let data = Section::new_with_options(
        move || {
            (
                param("q"),
                param("type"),
                param("tag"),
                param("sort"),
                param("after"),
            )
        },
        |(q, t, tag, sort, after)| groups_section(q, t, tag, sort, after),
        false,
    );
    let deleted = move || !param("deleted").is_empty();
    view! {
        <PageTitle text="Groups"/>
        <div class="page-head">
            <h1>"Groups"</h1>
            <A href="/groups/new" attr:class="button">"Create a group"</A>
        </div>
        {move || deleted().then(|| view! { <p class="notice success" role="status">"The group was deleted."</p> })}
        <Transition fallback=|| view! { <p>"Loading groups…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(html) => Either::Left(view! { <div class="groups-listing" inner_html=html></div> }),
                    Err(e) => {
                        // A filter that cannot be read (a hand-made URL): say which and why.
                        set_page_status(&e);
                        let details: Vec<String> = match &e {
                            AppError::Invalid(f) => f.fields.iter().map(|(_, m)| m.clone()).collect(),
                            _ => Vec::new(),
                        };
                        let text = if details.is_empty() { e.to_string() } else { details.join(" ") };
                        Either::Right(view! {
                            <p class="notice error" role="alert">{text}</p>
                            <p><a href="/groups">"Clear search"</a></p>
                        })
                    }
                }
            })}
        </Transition>
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
        <PageTitle text="New group"/>
        <h1>"Create a group"</h1>
        {with_user(move |u| if !u.email_verified {
            Either::Left(view! {
                <p class="notice">"Please confirm your email address before creating a group. "
                    <a href="/account">"Send the confirmation link again"</a></p>
            })
        } else {
            let error = posted_error(path);
            Either::Right(view! {
                <form method="post" action=path class="stack" novalidate=true>
                    <PlainFormError error=error.clone()/>
                    <PlainField label="Name" name="name" error=error.clone() required=true maxlength=100/>
                    <PlainField label="Slug" name="slug" error=error.clone() maxlength=100
                        hint="The group's address: lower-case letters, digits and hyphens. Leave it empty to use one made from the name."/>
                    <PlainField label="Description" name="description" kind="textarea" error=error.clone() maxlength=1000/>
                    <GroupTypeSelect selected=kept(error.as_ref(), "group_type", "community".to_string())/>
                    <PlainField label="Tags" name="tags" error=error.clone() maxlength=500 hint="Separated by commas, like: music, berlin"/>
                    <Checkbox label="Public" name="is_public" checked=kept_flag(error.as_ref(), "is_public", true)/>
                    <Checkbox label="Open to anyone" name="is_open" checked=kept_flag(error.as_ref(), "is_open", true)/>
                    <Checkbox label="Show members to everyone" name="show_members" checked=kept_flag(error.as_ref(), "show_members", true)/>
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
    let data = Section::new_with_options(move || slug.get(), |s| group_section(s, false), false);
    view! {
        <Transition fallback=|| view! { <p>"Loading the group…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => EitherOf3::A(view! { <PageTitle text=d.title/><div class="group-page" inner_html=d.html></div> }),
                    Err(AppError::NotFound) => EitherOf3::B(view! { <GroupNotFound/> }),
                    Err(e) => EitherOf3::C(view! { <h1>"Group"</h1><p class="notice error" role="alert">{e.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn ManageGroupPage() -> impl IntoView {
    let slug = slug_param();
    let data = Section::new_with_options(move || slug.get(), |s| group_section(s, true), false);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => EitherOf4::A(view! { <PageTitle text=d.title/><div class="group-page" inner_html=d.html></div> }),
                    Err(AppError::Unauthenticated) => EitherOf4::B(view! { <h1>"Manage group"</h1><SignInPrompt/> }),
                    Err(AppError::NotFound) => EitherOf4::C(view! { <GroupNotFound/> }),
                    Err(e) => {
                        // A member who may not manage gets 403 with the reason.
                        set_page_status(&e);
                        EitherOf4::D(view! {
                            <PageTitle text="Manage group"/>
                            <h1>"Manage group"</h1>
                            <p class="notice error" role="alert">{e.to_string()}</p>
                        })
                    }
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
        <PageTitle text="Group not found"/>
        <h1>"Group not found"</h1>
        <p>"There is no group at this address. " <a href="/groups">"Browse groups"</a></p>
    }
}

/// The listing, a group's page and its manage page, drawn on the server only.
#[cfg(feature = "ssr")]
pub mod drawn {
    use super::GroupTypeSelect;
    use crate::api::groups::{
        ApproveRequest, CancelRequest, ChangeMemberRole, DeleteGroup, DenyRequest, JoinGroup,
        LeaveGroup, RemoveMember, RequestToJoin, TransferOwnership, UpdateGroup,
    };
    use crate::domain::{
        AppError, Drawn, GroupAction, GroupCard, GroupDetail, GroupList, GroupType, MemberView,
        Standing,
    };
    use crate::ui::components::drawn::{done_note, posted_error, to_html};
    use crate::ui::components::form::{kept, kept_flag, Checkbox, PlainField, PlainFormError};
    use leptos::either::{Either, EitherOf3};
    use leptos::prelude::*;
    use leptos::server_fn::ServerFn;

    /// What the search form and the pager carry.
    pub struct Search {
        pub q: String,
        pub group_type: String,
        pub tag: String,
        pub sort: String,
        pub after: String,
    }

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

    /// The search form and a page of results.
    pub fn listing_html(list: GroupList, s: Search) -> String {
        to_html(move || view! { <Listing list s/> })
    }

    #[component]
    fn Listing(list: GroupList, s: Search) -> impl IntoView {
        let Search {
            q,
            group_type: t,
            tag,
            sort,
            after,
        } = s;
        let filtered = !(q.is_empty() && t.is_empty() && tag.is_empty());
        let next = list.next.map(|c| {
            groups_url(&[
                ("q", &q),
                ("type", &t),
                ("tag", &tag),
                ("sort", &sort),
                ("after", &c),
            ])
        });
        let first = (!after.is_empty())
            .then(|| groups_url(&[("q", &q), ("type", &t), ("tag", &tag), ("sort", &sort)]));
        let sort_now = if sort.is_empty() {
            "name".to_string()
        } else {
            sort.clone()
        };
        view! {
            <form method="get" action="/groups" class="group-search" role="search">
                <div class="field grow">
                    <label for="f-q">"Search groups"</label>
                    <input id="f-q" type="search" name="q" maxlength="200" value=q.clone()/>
                </div>
                <div class="field">
                    <label for="f-type">"Type"</label>
                    <select id="f-type" name="type">
                        <option value="" selected=t.is_empty()>"Any type"</option>
                        {GroupType::ALL.into_iter().map(|g| view! {
                            <option value=g.as_str() selected=t == g.as_str()>{g.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-tag">"Tag"</label>
                    <input id="f-tag" type="text" name="tag" maxlength="50" value=tag.clone()/>
                </div>
                <div class="field">
                    <label for="f-sort">"Sort by"</label>
                    <select id="f-sort" name="sort">
                        {[("name", "Name"), ("members", "Most members"), ("newest", "Newest")].into_iter().map(|(v, l)| view! {
                            <option value=v selected=sort_now == v>{l}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit">"Search"</button>
            </form>
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

    /// What a successful plain post left in the page's `done` parameter, in words.
    fn note_text(note: &str) -> Option<&'static str> {
        Some(match note {
            "joined" => "You joined the group.",
            "requested" => "Your request to join was sent.",
            "cancelled" => "Your request was withdrawn.",
            "left" => "You left the group.",
            "approved" => "The request was approved.",
            "denied" => "The request was denied.",
            "removed" => "The member was removed.",
            "role" => "The member's role was changed.",
            "transferred" => "Ownership was transferred.",
            "saved" => "Group saved.",
            _ => return None,
        })
    }

    /// The first error that a plain post to one of `paths` brought back.
    fn first_error(paths: &[&str]) -> Option<AppError> {
        paths.iter().find_map(|p| posted_error(p))
    }

    /// The note after a success, announced politely.
    #[component]
    fn Done() -> impl IntoView {
        let text = done_note().and_then(|n| note_text(&n));
        view! {
            <div class="form-success" role="status">
                {text.map(|t| view! { <p>{t}</p> })}
            </div>
        }
    }

    /// A form that posts `fields` (hidden) and one button to server function `path`.
    #[component]
    fn PostButton(
        path: &'static str,
        fields: Vec<(&'static str, String)>,
        label: String,
        #[prop(optional)] danger: bool,
    ) -> impl IntoView {
        view! {
            <form method="post" action=path class="inline-form">
                {fields.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
                <button type="submit" class:danger=danger>{label}</button>
            </form>
        }
    }

    /// A group's page: what it is, who is in it, and the one thing the
    /// caller can do.
    pub fn group_html(g: GroupDetail) -> Drawn {
        let title = g.name.clone();
        let error = first_error(&[
            <JoinGroup as ServerFn>::PATH,
            <RequestToJoin as ServerFn>::PATH,
            <CancelRequest as ServerFn>::PATH,
            <LeaveGroup as ServerFn>::PATH,
        ]);
        let html = to_html(move || view! { <GroupView group=g error/> });
        Drawn { title, html }
    }

    #[component]
    fn GroupView(group: GroupDetail, error: Option<AppError>) -> impl IntoView {
        let g = group;
        let manage = format!("/groups/{}/manage", g.slug);
        view! {
            <div class="page-head">
                <h1>{g.name.clone()}</h1>
                {g.is_system.then(|| view! { <span class="badge">"System group"</span> })}
                {(g.standing != Standing::None).then(|| view! { <span class="badge">{g.standing.label()}</span> })}
            </div>
            {g.description.clone().map(|d| view! { <p class="description">{d}</p> })}
            <TagLinks tags=g.tags.clone()/>
            <GroupFacts group=g.clone()/>
            <PlainFormError error=error.clone()/>
            <Done/>
            <ActionButton action=g.action.clone() slug=g.slug.clone() question=g.join_question.clone() error/>
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
        error: Option<AppError>,
    ) -> impl IntoView {
        match action {
            GroupAction::Join => EitherOf3::A(Either::Left(view! {
                <PostButton path={<JoinGroup as ServerFn>::PATH} fields={vec![("slug", slug)]} label={"Join group".into()}/>
            })),
            GroupAction::Request => {
                // The answer's message sits beside it, with what was typed.
                let error = error.filter(|e| e.field("answer").is_some());
                EitherOf3::A(Either::Right(view! {
                    <form method="post" action={<RequestToJoin as ServerFn>::PATH} class="stack">
                        <input type="hidden" name="slug" value=slug/>
                        {question.map(|q| view! {
                            <p class="join-question">{q}</p>
                            <PlainField label="Your answer" name="answer" kind="textarea" error maxlength=500/>
                        })}
                        <button type="submit">"Request to join"</button>
                    </form>
                }))
            }
            GroupAction::Cancel => EitherOf3::B(Either::Left(view! {
                <p class="notice">"Your request to join is waiting for approval."</p>
                <PostButton path={<CancelRequest as ServerFn>::PATH} fields={vec![("slug", slug)]} label={"Cancel request".into()}/>
            })),
            GroupAction::Leave => EitherOf3::B(Either::Right(view! {
                <PostButton path={<LeaveGroup as ServerFn>::PATH} fields={vec![("slug", slug)]} label={"Leave group".into()} danger=true/>
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

    /// A group's manage page: requests, members, ownership, details, deletion.
    pub fn manage_html(g: GroupDetail) -> Drawn {
        let title = format!("Manage {}", g.name);
        let errors = ManageErrors {
            rows: first_error(&[
                <ApproveRequest as ServerFn>::PATH,
                <DenyRequest as ServerFn>::PATH,
                <RemoveMember as ServerFn>::PATH,
                <ChangeMemberRole as ServerFn>::PATH,
                <TransferOwnership as ServerFn>::PATH,
            ]),
            update: posted_error(<UpdateGroup as ServerFn>::PATH),
            delete: posted_error(<DeleteGroup as ServerFn>::PATH),
        };
        let html = to_html(move || view! { <ManageView group=g errors/> });
        Drawn { title, html }
    }

    /// The errors the manage page's forms brought back, by form.
    struct ManageErrors {
        rows: Option<AppError>,
        update: Option<AppError>,
        delete: Option<AppError>,
    }

    #[component]
    fn ManageView(group: GroupDetail, errors: ManageErrors) -> impl IntoView {
        let g = group;
        let ManageErrors {
            rows,
            update,
            delete,
        } = errors;
        let slug = g.slug.clone();
        let back = format!("/groups/{}", g.slug);
        let is_owner = g.is_owner;
        let members = g.members.clone().unwrap_or_default();
        let others: Vec<MemberView> = members
            .iter()
            .filter(|m| m.role != "owner")
            .cloned()
            .collect();
        let approve = <ApproveRequest as ServerFn>::PATH;
        let deny = <DenyRequest as ServerFn>::PATH;
        let role = <ChangeMemberRole as ServerFn>::PATH;
        let remove = <RemoveMember as ServerFn>::PATH;
        view! {
            <h1>"Manage " {g.name.clone()}</h1>
            <p><a href=back>"Back to the group page"</a></p>
            <PlainFormError error=rows/>
            <Done/>
            <section aria-labelledby="requests-h">
                <h2 id="requests-h">{format!("Requests to join ({})", g.requests.len())}</h2>
                {if g.requests.is_empty() {
                    Either::Left(view! { <p class="muted">"No one is waiting."</p> })
                } else {
                    Either::Right(view! {
                        <ul class="requests">
                            {g.requests.clone().into_iter().map(|r| {
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
            <section aria-labelledby="members-h">
                <h2 id="members-h">{format!("Members ({})", g.member_count)}</h2>
                <ul class="members">
                    {members.into_iter().map(|m| {
                        let owner_row = m.role == "owner";
                        let next_role = if m.role == "admin" { "member" } else { "admin" };
                        let role_label = if m.role == "admin" { "Make member" } else { "Make admin" };
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
            {(is_owner && !others.is_empty()).then(|| {
                let s = slug.clone();
                view! {
                    <section aria-labelledby="transfer-h">
                        <h2 id="transfer-h">"Transfer ownership"</h2>
                        <p>"The new owner must be a member. You stay on as an admin."</p>
                        <form method="post" action={<TransferOwnership as ServerFn>::PATH} class="stack">
                            <input type="hidden" name="slug" value=s/>
                            <div class="field">
                                <label for="f-new-owner">"New owner"</label>
                                <select id="f-new-owner" name="username">
                                    {others.into_iter().map(|m| view! { <option value=m.username.clone()>{m.display_name.clone()} " (@" {m.username.clone()} ")"</option> }).collect_view()}
                                </select>
                            </div>
                            <button type="submit">"Transfer ownership"</button>
                        </form>
                    </section>
                }
            })}
            {(!g.is_system).then(|| {
                let s = slug.clone();
                let gg = g.clone();
                let e = update;
                view! {
                    <section aria-labelledby="edit-h">
                        <h2 id="edit-h">"Edit details"</h2>
                        <form method="post" action={<UpdateGroup as ServerFn>::PATH} class="stack" novalidate=true>
                            <PlainFormError error=e.clone()/>
                            <input type="hidden" name="slug" value=s/>
                            <PlainField label="Name" name="name" error=e.clone() required=true maxlength=100 value=Some(gg.name.clone())/>
                            <PlainField label="Description" name="description" kind="textarea" error=e.clone() maxlength=1000
                                value=gg.description.clone()/>
                            <GroupTypeSelect selected=kept(e.as_ref(), "group_type", gg.group_type.clone())/>
                            <PlainField label="Tags" name="tags" error=e.clone() maxlength=500 value=Some(gg.tags.join(", "))/>
                            <Checkbox label="Public" name="is_public" checked=kept_flag(e.as_ref(), "is_public", gg.is_public)/>
                            <Checkbox label="Open to anyone" name="is_open" checked=kept_flag(e.as_ref(), "is_open", gg.is_open)/>
                            <Checkbox label="Show members to everyone" name="show_members" checked=kept_flag(e.as_ref(), "show_members", gg.show_members)/>
                            <PlainField label="Maximum members" name="max_members" kind="number" error=e.clone()
                                value=gg.max_members.map(|m| m.to_string()) hint="Leave empty for no limit."/>
                            <PlainField label="Join question" name="join_question" error=e maxlength=300
                                value=gg.join_question.clone()/>
                            <button type="submit">"Save group"</button>
                        </form>
                    </section>
                }
            })}
            {(is_owner && !g.is_system).then(|| {
                let s = slug.clone();
                let e = delete;
                view! {
                    <section aria-labelledby="delete-h">
                        <h2 id="delete-h">"Delete group"</h2>
                        <p>"Deleting ends every membership. You cannot undo this."</p>
                        <form method="post" action={<DeleteGroup as ServerFn>::PATH} class="stack danger" novalidate=true>
                            <PlainFormError error=e.clone()/>
                            <input type="hidden" name="slug" value=s/>
                            <PlainField label="Type the slug to confirm" name="confirm" error=e required=true maxlength=100/>
                            <button type="submit" class="danger">"Delete group"</button>
                        </form>
                    </section>
                }
            })}
        }
    }
}
