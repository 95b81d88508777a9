//! The profile: names, bio and picture, and the signed-in person as pages
//! show them.

use crate::domain::{AppError, CurrentUser, ProfileDraft};
use crate::server::events::record;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;
use crate::server::store::{ProfileUpdate, UserRow};

/// The account as the navigation and pages show it.
pub fn view(u: &UserRow) -> CurrentUser {
    CurrentUser {
        username: u.username.clone(),
        email: u.email.clone(),
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        bio: u.bio.clone(),
        picture_url: u.profile_picture_url.clone(),
        email_verified: u.email_verified,
        pending_email: None,
        is_admin: u.is_admin(),
    }
}

/// Saves the profile and returns it as it now stands.
pub async fn update(
    state: &AppState,
    who: &SignedIn,
    draft: ProfileDraft,
    meta: &RequestMeta,
) -> Result<CurrentUser, AppError> {
    state
        .store
        .users
        .update_profile(
            who.user_id(),
            ProfileUpdate {
                first_name: draft.first_name.as_deref(),
                last_name: draft.last_name.as_deref(),
                bio: draft.bio.as_deref(),
                profile_picture_url: draft.picture_url.as_ref().map(|p| p.as_ref()),
            },
            state.now(),
        )
        .await
        .map_err(|e| meta.store_error(e))?;
    record(
        state,
        &who.session_id,
        who.user_id(),
        "profile_updated",
        meta,
        None,
    )
    .await;
    let u = state
        .store
        .users
        .find(who.user_id())
        .await
        .map_err(|e| meta.store_error(e))?
        .ok_or(AppError::Unauthenticated)?;
    Ok(view(&u))
}
