//! Groups: browse, a group's page, membership and management. Who may call
//! each function is on its `///` line; `server::groups` enforces it.
// The create and edit forms post one argument per field (no-JS forms name
// them directly), so those two functions have many arguments.
#![allow(clippy::too_many_arguments)]

use crate::domain::{AppError, GroupDetail, GroupList};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::{GroupDraft, GroupForm},
    crate::server::groups::{browse, manage, membership, GroupAccess},
};

/// The group at `slug` and the caller's standing in it.
#[cfg(feature = "ssr")]
async fn access(slug: &str) -> Result<GroupAccess, AppError> {
    GroupAccess::load(&ctx::state()?, ctx::caller(), slug, &ctx::meta()).await
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
    let search = crate::domain::GroupSearch::parse(&q, &group_type, &tag, &sort, &after)?;
    browse::browse(&ctx::state()?, ctx::caller().as_ref(), search, &ctx::meta()).await
}

/// A group's page; with `manage`, what the manage page needs. **Anyone for
/// the page (members listed to members, or to all when the group is public
/// and shows them); owner, admin or site admin for `manage`.**
#[server(prefix = "/api", endpoint = "get_group")]
pub async fn get_group(slug: String, manage: bool) -> Result<GroupDetail, AppError> {
    let a = access(&slug).await?;
    browse::detail(&ctx::state()?, a, manage, &ctx::meta()).await
}

/// Creates a group owned by the caller and goes to its page. Role, owner,
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
    let who = ctx::signed_in()?;
    let form = GroupForm {
        name,
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
    let (draft, slug) = GroupDraft::parse_new(&form, &slug)?;
    let slug = manage::create(&ctx::state()?, &who, draft, slug, &ctx::meta()).await?;
    ctx::go_to(&format!("/groups/{slug}"));
    Ok(slug)
}

/// Saves a group's details. **Owner, admin or site admin; not a system group.**
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
    let a = access(&slug).await?;
    let m = a.manager()?;
    let draft = GroupDraft::parse(&GroupForm {
        name,
        description,
        group_type,
        tags,
        is_public: is_public.is_some(),
        is_open: is_open.is_some(),
        max_members,
        show_members: show_members.is_some(),
        join_question,
        settings,
    })?;
    manage::update(&ctx::state()?, m, draft, &ctx::meta()).await
}

/// Joins an open group. **A signed-in user who is not a member.**
#[server(prefix = "/api", endpoint = "join_group")]
pub async fn join_group(slug: String) -> Result<(), AppError> {
    membership::join(&ctx::state()?, access(&slug).await?, &ctx::meta()).await
}

/// Asks to join a closed group, answering its question if it has one.
/// **A signed-in user who is not a member.**
#[server(prefix = "/api", endpoint = "request_to_join")]
pub async fn request_to_join(slug: String, answer: Option<String>) -> Result<(), AppError> {
    let a = access(&slug).await?;
    let answer = answer.unwrap_or_default();
    membership::request(&ctx::state()?, a, &answer, &ctx::meta()).await
}

/// Withdraws one's own waiting request. **The person who asked.**
#[server(prefix = "/api", endpoint = "cancel_request")]
pub async fn cancel_request(slug: String) -> Result<(), AppError> {
    membership::cancel(&ctx::state()?, access(&slug).await?, &ctx::meta()).await
}

/// Leaves a group. **A member or admin (the owner hands over first).**
#[server(prefix = "/api", endpoint = "leave_group")]
pub async fn leave_group(slug: String) -> Result<(), AppError> {
    membership::leave(&ctx::state()?, access(&slug).await?, &ctx::meta()).await
}

/// Admits a waiting request. **Owner, admin or site admin.**
#[server(prefix = "/api", endpoint = "approve_request")]
pub async fn approve_request(slug: String, username: String) -> Result<(), AppError> {
    let a = access(&slug).await?;
    manage::approve(&ctx::state()?, a.manager()?, &username, &ctx::meta()).await
}

/// Turns a waiting request down. **Owner, admin or site admin.**
#[server(prefix = "/api", endpoint = "deny_request")]
pub async fn deny_request(slug: String, username: String) -> Result<(), AppError> {
    let a = access(&slug).await?;
    manage::deny(&ctx::state()?, a.manager()?, &username, &ctx::meta()).await
}

/// Removes a member. **Owner (anyone but themselves), admin or site admin
/// (plain members only).**
#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(slug: String, username: String) -> Result<(), AppError> {
    let a = access(&slug).await?;
    manage::remove(&ctx::state()?, a.manager()?, &username, &ctx::meta()).await
}

/// Makes a member an admin (`role=admin`) or a plain member (`role=member`).
/// **The owner.**
#[server(prefix = "/api", endpoint = "change_member_role")]
pub async fn change_member_role(
    slug: String,
    username: String,
    role: String,
) -> Result<(), AppError> {
    let a = access(&slug).await?;
    manage::change_role(&ctx::state()?, a.owner()?, &username, &role, &ctx::meta()).await
}

/// Hands the group to another member. **The owner.**
#[server(prefix = "/api", endpoint = "transfer_ownership")]
pub async fn transfer_ownership(slug: String, username: String) -> Result<(), AppError> {
    let a = access(&slug).await?;
    manage::transfer(&ctx::state()?, a.owner()?, &username, &ctx::meta()).await
}

/// Deletes the group (soft) after the slug is typed to confirm. **The owner.**
#[server(prefix = "/api", endpoint = "delete_group")]
pub async fn delete_group(slug: String, confirm: String) -> Result<(), AppError> {
    let a = access(&slug).await?;
    manage::delete(&ctx::state()?, a.owner()?, &confirm, &ctx::meta()).await?;
    ctx::go_to("/groups?deleted=1");
    Ok(())
}
