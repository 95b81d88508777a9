//! Groups: browse, the group page, membership and management. Who may call
//! each function is on its `///` line; `server::groups` enforces it.
// The create and edit forms post one argument per field (no-JS forms name
// them directly), so those two functions have many arguments.
#![allow(clippy::too_many_arguments)]

use crate::domain::{AppError, Drawn, GroupDetail, GroupList};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;
#[cfg(feature = "ssr")]
use crate::server::groups::{self as g, GroupAccess};

#[cfg(feature = "ssr")]
async fn access(slug: &str) -> Result<(crate::server::state::AppState, GroupAccess), AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    let viewer = g::viewer(ctx::caller().as_ref());
    let access = GroupAccess::load(&state, viewer, slug, &meta).await?;
    Ok((state, access))
}

/// A page of groups: public ones, plus the caller's own. **Anyone.**
#[server(prefix = "/api", endpoint = "list_groups")]
pub async fn list_groups(
    q: String,
    group_type: String,
    tag: String,
    sort: String,
    after: String,
) -> Result<GroupList, AppError> {
    let r = async {
        let state = ctx::state()?;
        let meta = ctx::meta();
        let viewer = g::viewer(ctx::caller().as_ref());
        g::browse(
            &state,
            viewer,
            g::BrowseInput {
                q,
                group_type,
                tag,
                sort,
                after,
            },
            &meta,
        )
        .await
    }
    .await;
    ctx::respond(r)
}

/// A group's page; with `manage`, what the manage page needs. **Anyone for
/// the page (members listed to members, or to all when the group is public
/// and shows them); owner, admin or site admin for `manage`.**
#[server(prefix = "/api", endpoint = "get_group")]
pub async fn get_group(slug: String, manage: bool) -> Result<GroupDetail, AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::detail(&state, a, manage, &ctx::meta()).await
    }
    .await;
    ctx::respond(r)
}

/// The search form and a page of groups as the HTML `/groups` shows, drawn
/// on the server from [`list_groups`]'s answer. **Anyone.**
#[server(prefix = "/api", endpoint = "groups_section")]
pub async fn groups_section(
    q: String,
    group_type: String,
    tag: String,
    sort: String,
    after: String,
) -> Result<String, AppError> {
    use crate::ui::pages::groups::drawn;
    let list = list_groups(
        q.clone(),
        group_type.clone(),
        tag.clone(),
        sort.clone(),
        after.clone(),
    )
    .await?;
    let search = drawn::Search {
        q,
        group_type,
        tag,
        sort,
        after,
    };
    Ok(drawn::listing_html(list, search))
}

/// A group's page, or with `manage` its manage page, as HTML drawn on the
/// server from [`get_group`]'s answer. **As [`get_group`].**
#[server(prefix = "/api", endpoint = "group_section")]
pub async fn group_section(slug: String, manage: bool) -> Result<Drawn, AppError> {
    use crate::ui::pages::groups::drawn;
    let g = get_group(slug, manage).await?;
    Ok(if manage {
        drawn::manage_html(g)
    } else {
        drawn::group_html(g)
    })
}

/// Creates a group owned by the caller and returns its slug. Role, owner,
/// counts and `is_system` are not arguments, so a request cannot set them
/// (S29). **A signed-in user with a confirmed email.**
#[server(prefix = "/api", endpoint = "create_group")]
pub async fn create_group(
    name: String,
    slug: String,
    description: String,
    group_type: String,
    tags: String,
    is_public: Option<String>,
    is_open: Option<String>,
    max_members: String,
    show_members: Option<String>,
    join_question: String,
    settings: Option<String>,
) -> Result<String, AppError> {
    let r = async {
        let state = ctx::state()?;
        let meta = ctx::meta();
        let viewer = g::viewer(ctx::caller().as_ref());
        g::create(
            &state,
            viewer,
            g::GroupForm {
                name,
                slug,
                description,
                group_type,
                tags,
                is_public: is_public.is_some(),
                is_open: is_open.is_some(),
                max_members,
                show_members: show_members.is_some(),
                join_question,
                settings,
            },
            &meta,
        )
        .await
    }
    .await;
    let slug = ctx::respond(r)?;
    leptos_axum::redirect(&format!("/groups/{slug}"));
    Ok(slug)
}

/// Saves a group's details (the slug stays). **Owner, admin or site admin;
/// not a system group.**
#[server(prefix = "/api", endpoint = "update_group")]
pub async fn update_group(
    slug: String,
    name: String,
    description: String,
    group_type: String,
    tags: String,
    is_public: Option<String>,
    is_open: Option<String>,
    max_members: String,
    show_members: Option<String>,
    join_question: String,
    settings: Option<String>,
) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        let form = g::GroupForm {
            name,
            slug: slug.clone(),
            description,
            group_type,
            tags,
            is_public: is_public.is_some(),
            is_open: is_open.is_some(),
            max_members,
            show_members: show_members.is_some(),
            join_question,
            settings,
        };
        g::update(&state, a.manager()?, form, &ctx::meta()).await
    }
    .await;
    ctx::respond_done(r, "saved")
}

/// Joins an open group. **A signed-in user who is not a member.**
#[server(prefix = "/api", endpoint = "join_group")]
pub async fn join_group(slug: String) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::join(&state, a, &ctx::meta()).await
    }
    .await;
    ctx::respond_done(r, "joined")
}

/// Asks to join a closed group, answering its question if it has one.
/// **A signed-in user who is not a member.**
#[server(prefix = "/api", endpoint = "request_to_join")]
pub async fn request_to_join(slug: String, answer: Option<String>) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::request(&state, a, answer.unwrap_or_default(), &ctx::meta()).await
    }
    .await;
    ctx::respond_done(r, "requested")
}

/// Withdraws one's own waiting request. **The person who asked.**
#[server(prefix = "/api", endpoint = "cancel_request")]
pub async fn cancel_request(slug: String) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::cancel(&state, a, &ctx::meta()).await
    }
    .await;
    ctx::respond_done(r, "cancelled")
}

/// Leaves a group. **A member or admin (the owner hands over first).**
#[server(prefix = "/api", endpoint = "leave_group")]
pub async fn leave_group(slug: String) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::leave(&state, a, &ctx::meta()).await
    }
    .await;
    ctx::respond_done(r, "left")
}

/// Admits a waiting request. **Owner, admin or site admin.**
#[server(prefix = "/api", endpoint = "approve_request")]
pub async fn approve_request(slug: String, username: String) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::approve(&state, a.manager()?, &username, &ctx::meta()).await
    }
    .await;
    ctx::respond_done(r, "approved")
}

/// Turns a waiting request down. **Owner, admin or site admin.**
#[server(prefix = "/api", endpoint = "deny_request")]
pub async fn deny_request(slug: String, username: String) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::deny(&state, a.manager()?, &username, &ctx::meta()).await
    }
    .await;
    ctx::respond_done(r, "denied")
}

/// Removes a member. **Owner (anyone but themselves), admin or site admin
/// (plain members only).**
#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(slug: String, username: String) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::remove(&state, a.manager()?, &username, &ctx::meta()).await
    }
    .await;
    ctx::respond_done(r, "removed")
}

/// Makes a member an admin (`role=admin`) or a plain member (`role=member`).
/// **The owner.**
#[server(prefix = "/api", endpoint = "change_member_role")]
pub async fn change_member_role(
    slug: String,
    username: String,
    role: String,
) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::change_role(&state, a.owner()?, &username, &role, &ctx::meta()).await
    }
    .await;
    ctx::respond_done(r, "role")
}

/// Hands the group to another member. **The owner.**
#[server(prefix = "/api", endpoint = "transfer_ownership")]
pub async fn transfer_ownership(slug: String, username: String) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::transfer(&state, a.owner()?, &username, &ctx::meta()).await
    }
    .await;
    ctx::respond_done(r, "transferred")
}

/// Deletes the group (soft) after the slug is typed to confirm. **The owner.**
#[server(prefix = "/api", endpoint = "delete_group")]
pub async fn delete_group(slug: String, confirm: String) -> Result<(), AppError> {
    let r = async {
        let (state, a) = access(&slug).await?;
        g::delete(&state, a.owner()?, &confirm, &ctx::meta()).await
    }
    .await;
    ctx::respond(r)?;
    leptos_axum::redirect("/groups?deleted=1");
    Ok(())
}
