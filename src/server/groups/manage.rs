//! Running groups: creating one, editing its details, deciding on requests,
//! removing members, changing roles, handing it over and deleting it. Each
//! change takes the [`Manager`] or [`Owner`] proof its rule asks for.

use super::words::search_body;
use super::{conflict_unless, Manager, Owner};
use crate::domain::{AppError, FormErrors, GroupDraft, GroupSlug, Standing};
use crate::server::events::record;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;
use crate::server::store::{new_id, GroupEdit, MembershipOutcome, NewGroup, StoreError, UserRow};

/// Which unique value a group write collided with.
fn name_taken(e: &StoreError) -> Option<&'static str> {
    match e {
        StoreError::Conflict(what) if what.contains("slug") => Some("slug"),
        StoreError::Conflict(what) if what.contains("name") => Some("name"),
        _ => None,
    }
}

/// Creates a group owned by the caller and returns its slug.
/// **A signed-in user with a confirmed email.**
pub async fn create(
    state: &AppState,
    who: &SignedIn,
    draft: GroupDraft,
    slug: GroupSlug,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    if !who.user.email_verified {
        return Err(AppError::Refused(
            "Please confirm your email address before creating a group.".into(),
        ));
    }
    let d = &draft;
    let body = search_body(d.name.as_ref(), d.description.as_deref(), d.tags.list());
    let limit = state.settings.max_owned_groups;
    let r = state
        .store
        .groups
        .create(&[NewGroup {
            id: &new_id(),
            name: d.name.as_ref(),
            slug: slug.as_ref(),
            description: d.description.as_deref(),
            is_public: d.is_public,
            is_open: d.is_open,
            is_system: false,
            max_members: d.max_members,
            group_type: d.group_type.as_str(),
            tags: d.tags.list(),
            tags_joined: d.tags.joined().as_deref(),
            settings: &d.settings.to_json(),
            owner_id: who.user_id(),
            search_body: &body,
            owned_limit: Some(limit.into()),
            now: state.now(),
        }])
        .await;
    match r {
        Ok(()) => {}
        Err(StoreError::Conflict(what)) if what == "owned_limit" => {
            return Err(AppError::Refused(format!(
                "You already own {limit} groups, the most one person may own. Hand one over or delete one first."
            )))
        }
        Err(e) => {
            return Err(match name_taken(&e) {
                Some("slug") => AppError::invalid("slug", "This slug is taken. Please choose another."),
                Some(_) => AppError::invalid("name", "A group with this name already exists."),
                None => meta.store_error(e),
            })
        }
    }
    let extra = serde_json::json!({ "group": d.name.as_ref(), "slug": slug.as_ref() });
    record(
        state,
        &who.session_id,
        who.user_id(),
        "group_created",
        meta,
        Some(extra),
    )
    .await;
    Ok(slug.as_ref().to_string())
}

/// Saves a group's details. **Owner or admin (site admins too); never a system group.**
pub async fn update(
    state: &AppState,
    m: Manager<'_>,
    draft: GroupDraft,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let access = m.access;
    if access.group.is_system {
        return Err(AppError::Refused(
            "System groups cannot be edited here.".into(),
        ));
    }
    let d = &draft;
    let body = search_body(d.name.as_ref(), d.description.as_deref(), d.tags.list());
    let r = state
        .store
        .groups
        .update(
            &access.group.id,
            GroupEdit {
                name: d.name.as_ref(),
                description: d.description.as_deref(),
                is_public: d.is_public,
                is_open: d.is_open,
                max_members: d.max_members,
                group_type: d.group_type.as_str(),
                tags: d.tags.list(),
                tags_joined: d.tags.joined().as_deref(),
                settings: &d.settings.to_json(),
                search_body: &body,
                now: state.now(),
            },
        )
        .await;
    match r {
        Ok(()) => {}
        Err(StoreError::Conflict(what)) if what == "max_members" => {
            return Err(AppError::invalid(
                "max_members",
                "The group already has more members than that.",
            ))
        }
        Err(e) if name_taken(&e).is_some() => {
            return Err(AppError::invalid(
                "name",
                "A group with this name already exists.",
            ))
        }
        Err(e) => return Err(meta.store_error(e)),
    }
    access
        .event(state, m.who, "group_updated", None, meta)
        .await;
    Ok(())
}

/// The account behind a username typed into a manage form.
async fn target(state: &AppState, username: &str, meta: &RequestMeta) -> Result<UserRow, AppError> {
    if username.is_empty() || username.chars().count() > 100 {
        return Err(AppError::NotFound);
    }
    match state
        .store
        .users
        .find_by_login(username)
        .await
        .map_err(|e| meta.store_error(e))?
    {
        Some(u) if u.username.eq_ignore_ascii_case(username.trim()) && !u.is_deleted => Ok(u),
        _ => Err(AppError::NotFound),
    }
}

/// Admits a waiting request. **Owner or admin.**
pub async fn approve(
    state: &AppState,
    m: Manager<'_>,
    username: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let u = target(state, username, meta).await?;
    let out = state
        .store
        .groups
        .approve(&m.access.group.id, &u.id, m.who.user_id(), state.now())
        .await
        .map_err(|e| meta.store_error(e))?;
    match out {
        MembershipOutcome::Done => {}
        MembershipOutcome::Full => {
            return Err(AppError::Conflict(
                "The group is full: raise the maximum or remove someone first.".into(),
            ))
        }
        _ => return Err(AppError::NotFound),
    }
    m.access
        .event(state, m.who, "group_approved", Some(&u.username), meta)
        .await;
    Ok(())
}

/// Turns a waiting request down. **Owner or admin.**
pub async fn deny(
    state: &AppState,
    m: Manager<'_>,
    username: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let u = target(state, username, meta).await?;
    let dropped = state
        .store
        .groups
        .drop_request(&m.access.group.id, &u.id)
        .await
        .map_err(|e| meta.store_error(e))?;
    if !dropped {
        return Err(AppError::NotFound);
    }
    m.access
        .event(state, m.who, "group_denied", Some(&u.username), meta)
        .await;
    Ok(())
}

/// Removes a member. **Owner (any member) or admin (plain members only).**
pub async fn remove(
    state: &AppState,
    m: Manager<'_>,
    username: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let access = m.access;
    if access.group.is_system {
        return Err(AppError::Refused(
            "System group members cannot be removed here.".into(),
        ));
    }
    let u = target(state, username, meta).await?;
    if u.id == m.who.user_id() {
        return Err(AppError::Conflict(
            "To leave the group yourself, use Leave group on its page.".into(),
        ));
    }
    let roles: &[&str] = if access.standing == Standing::Owner {
        &["admin", "member"]
    } else {
        &["member"]
    };
    let done = state
        .store
        .groups
        .end_membership(&access.group.id, &u.id, roles, state.now())
        .await
        .map_err(|e| meta.store_error(e))?;
    conflict_unless(done, "That person is not a member you can remove.")?;
    access
        .event(state, m.who, "group_removed", Some(&u.username), meta)
        .await;
    Ok(())
}

/// Makes a member an admin or back. **The owner.**
pub async fn change_role(
    state: &AppState,
    o: Owner<'_>,
    username: &str,
    role: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    if !matches!(role, "admin" | "member") {
        let mut f = FormErrors::new();
        f.add(
            "role",
            "Choose admin or member. To hand the group over, use Transfer ownership.",
        );
        return Err(f.into());
    }
    let u = target(state, username, meta).await?;
    let done = state
        .store
        .groups
        .set_role(
            &o.access.group.id,
            o.who.user_id(),
            &u.id,
            role,
            state.now(),
        )
        .await
        .map_err(|e| meta.store_error(e))?;
    conflict_unless(done, "That role could not be changed: the person is not a member, or you no longer own the group.")?;
    o.access
        .event(state, o.who, "group_role_changed", Some(&u.username), meta)
        .await;
    Ok(())
}

/// Hands the group to another member; the old owner stays as an admin. **The owner.**
pub async fn transfer(
    state: &AppState,
    o: Owner<'_>,
    username: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let u = target(state, username, meta).await?;
    let done = state
        .store
        .groups
        .transfer(&o.access.group.id, o.who.user_id(), &u.id, state.now())
        .await
        .map_err(|e| meta.store_error(e))?;
    conflict_unless(done, "Ownership could not be handed over: the person must be a member, and you must still own the group.")?;
    o.access
        .event(
            state,
            o.who,
            "group_ownership_transferred",
            Some(&u.username),
            meta,
        )
        .await;
    Ok(())
}

/// Deletes the group (soft). The caller types the slug to confirm. **The owner.**
pub async fn delete(
    state: &AppState,
    o: Owner<'_>,
    confirm: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let access = o.access;
    if access.group.is_system {
        return Err(AppError::Refused(
            "System groups cannot be deleted here.".into(),
        ));
    }
    if confirm.trim() != access.group.slug {
        return Err(AppError::invalid(
            "confirm",
            "Type the group's slug exactly to confirm.",
        ));
    }
    let done = state
        .store
        .groups
        .delete(&access.group.id, o.who.user_id(), state.now())
        .await
        .map_err(|e| meta.store_error(e))?;
    if !done {
        return Err(AppError::Forbidden);
    }
    access
        .event(state, o.who, "group_deleted", None, meta)
        .await;
    Ok(())
}
