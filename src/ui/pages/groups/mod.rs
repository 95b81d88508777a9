//! `/groups` (browse and search), `/groups/new`, `/groups/{slug}` and
//! `/groups/{slug}/manage`. Search, filters and the page live in the URL, so
//! a result can be shared and the back button works; every form posts
//! plainly and works without JavaScript.

mod group;
mod manage;
mod new;
mod parts;

pub use group::GroupPage;
pub use manage::ManageGroupPage;
pub use new::NewGroupPage;

use crate::api::groups::list_groups;
use crate::domain::{AppError, GroupCard, GroupList, GroupType, Standing};
use crate::ui::components::page::PageError;
use crate::ui::components::status::report;
use crate::ui::components::title::PageTitle;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use parts::{groups_url, members_text, type_label, TagLinks};

/// What the search form and the pager carry.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Search {
    q: String,
    group_type: String,
    tag: String,
    sort: String,
    after: String,
}

#[component]
pub fn GroupsPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k).unwrap_or_default();
            Search {
                q: get("q"),
                group_type: get("type"),
                tag: get("tag"),
                sort: get("sort"),
                after: get("after"),
            }
        })
    };
    let data = Resource::new(search, |s| async move {
        let list = list_groups(
            s.q.clone(),
            s.group_type.clone(),
            s.tag.clone(),
            s.sort.clone(),
            s.after.clone(),
        )
        .await;
        list.map(|l| (l, s))
    });
    let deleted = move || query.with(|q| q.get("deleted").is_some());
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
                    Ok((list, s)) => Either::Left(view! {
                        <div class="groups-listing"><Listing list s/></div>
                    }),
                    Err(e) => Either::Right(view! { <SearchError error=e/> }),
                }
            })}
        </Transition>
    }
}

/// A filter that cannot be read (a hand-made URL): which and why.
#[component]
fn SearchError(error: AppError) -> impl IntoView {
    let details: Vec<String> = match &error {
        AppError::Invalid(f) => f.fields.iter().map(|(_, m)| m.clone()).collect(),
        _ => Vec::new(),
    };
    if details.is_empty() {
        return Either::Left(view! { <PageError error/> });
    }
    report(&error);
    Either::Right(view! {
        <p class="notice error" role="alert">{details.join(" ")}</p>
        <p><a href="/groups">"Clear search"</a></p>
    })
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
        sort
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
