//! Joining and leaving: join an open group, ask to join a closed one (and
//! withdraw the request), leave. The owner hands over before leaving;
//! system groups are managed for their members.

use super::GroupAccess;
use crate::domain::{optional_text, AppError, Standing, JOIN_ANSWER_MAX};
use crate::server::request::RequestMeta;
use crate::server::state::AppState;
use crate::server::store::MembershipOutcome;

fn refuse_system(access: &GroupAccess) -> Result<(), AppError> {
    if access.group.is_system {
        Err(AppError::Refused(
            "System groups cannot be joined or left here.".into(),
        ))
    } else {
        Ok(())
    }
}

fn already_member() -> AppError {
    AppError::Conflict("You are already a member of this group.".into())
}

/// Joins an open group. **A signed-in user who is not yet a member.**
pub async fn join(
    state: &AppState,
    access: GroupAccess,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let who = access.signed_in()?;
    refuse_system(&access)?;
    let g = &access.group;
    if access.standing.is_member() {
        return Err(already_member());
    }
    if !g.is_open {
        return Err(AppError::Conflict(
            "This group is closed: ask to join instead.".into(),
        ));
    }
    if !g.is_active {
        return Err(AppError::Conflict("This group is not active.".into()));
    }
    let out = state
        .store
        .groups
        .join(&g.id, who.user_id(), state.now())
        .await
        .map_err(|e| meta.store_error(e))?;
    match out {
        MembershipOutcome::Done => {}
        MembershipOutcome::AlreadyMember => return Err(already_member()),
        _ => return Err(AppError::Conflict("This group is full.".into())),
    }
    access.event(state, who, "group_joined", None, meta).await;
    Ok(())
}

/// Asks to join a closed group, answering its question if it has one.
/// **A signed-in user who is not yet a member.**
pub async fn request(
    state: &AppState,
    access: GroupAccess,
    answer: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let who = access.signed_in()?;
    refuse_system(&access)?;
    if access.group.is_open {
        return Err(AppError::Conflict(
            "This group is open: join it directly.".into(),
        ));
    }
    let answer = optional_text(answer, JOIN_ANSWER_MAX, "Your answer")
        .map_err(|m| AppError::invalid("answer", m))?;
    let out = state
        .store
        .groups
        .request(
            &access.group.id,
            who.user_id(),
            answer.as_deref(),
            state.now(),
        )
        .await
        .map_err(|e| meta.store_error(e))?;
    match out {
        MembershipOutcome::Done => {}
        MembershipOutcome::AlreadyMember => return Err(already_member()),
        MembershipOutcome::AlreadyRequested => {
            return Err(AppError::Conflict(
                "You have already asked to join this group.".into(),
            ))
        }
        _ => {
            return Err(AppError::Conflict(
                "This group does not take requests.".into(),
            ))
        }
    }
    access
        .event(state, who, "group_requested", None, meta)
        .await;
    Ok(())
}

/// Withdraws one's own waiting request. **The person who asked.**
pub async fn cancel(
    state: &AppState,
    access: GroupAccess,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let who = access.signed_in()?;
    let done = state
        .store
        .groups
        .drop_request(&access.group.id, who.user_id())
        .await
        .map_err(|e| meta.store_error(e))?;
    super::conflict_unless(done, "You have no waiting request here.")?;
    access
        .event(state, who, "group_request_cancelled", None, meta)
        .await;
    Ok(())
}

/// Leaves a group. **A member or admin; the owner hands over first.**
pub async fn leave(
    state: &AppState,
    access: GroupAccess,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let who = access.signed_in()?;
    refuse_system(&access)?;
    if access.standing == Standing::Owner {
        return Err(AppError::Conflict(
            "You own this group. Hand it over to another member before you leave.".into(),
        ));
    }
    let done = state
        .store
        .groups
        .end_membership(
            &access.group.id,
            who.user_id(),
            &["admin", "member"],
            state.now(),
        )
        .await
        .map_err(|e| meta.store_error(e))?;
    super::conflict_unless(done, "You are not a member of this group.")?;
    access.event(state, who, "group_left", None, meta).await;
    Ok(())
}
