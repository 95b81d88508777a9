//! Sessions and the security timeline.

use crate::domain::{AppError, SessionsOverview, TimelinePage};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::ctx, crate::server::sessions};

/// The caller's live and recently ended sessions. **The signed-in user,
/// own sessions only.**
#[server(prefix = "/api", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<SessionsOverview, AppError> {
    let who = ctx::signed_in()?;
    sessions::list::overview(&ctx::state()?, &who, &ctx::meta()).await
}

/// Ends one of the caller's sessions by its public id; someone else's id
/// answers exactly like an unknown one. Ending the current one signs out.
/// **The signed-in user, own sessions only.**
#[server(prefix = "/api", endpoint = "revoke_session")]
pub async fn revoke_session(id: String) -> Result<(), AppError> {
    let who = ctx::signed_in()?;
    let state = ctx::state()?;
    if sessions::revoke::revoke(&state, &who, &id, &ctx::meta()).await? {
        ctx::set_cookie(&crate::server::cookies::clear_cookie(
            state.settings.is_https(),
        ));
        ctx::go_to("/login");
    }
    Ok(())
}

/// Ends every session of the caller but this one; returns how many ended.
/// **The signed-in user.**
#[server(prefix = "/api", endpoint = "revoke_other_sessions")]
pub async fn revoke_other_sessions() -> Result<u64, AppError> {
    let who = ctx::signed_in()?;
    sessions::revoke::revoke_others(&ctx::state()?, &who, &ctx::meta()).await
}

/// Ends the session named by a sign-in alert's link (signed, expiring,
/// works once). **Anyone holding the link.**
#[server(prefix = "/api", endpoint = "end_session_by_link")]
pub async fn end_session_by_link(token: String) -> Result<(), AppError> {
    let token = secrecy::SecretString::from(token);
    sessions::revoke::end_by_link(&ctx::state()?, &token, &ctx::meta()).await
}

/// A page of the caller's security timeline. `kind` is one of the timeline
/// filters, `session` a session id, `before` the cursor of the previous page.
/// **The signed-in user, own events only.**
#[server(prefix = "/api", endpoint = "timeline")]
pub async fn timeline(
    kind: String,
    session: String,
    before: String,
) -> Result<TimelinePage, AppError> {
    let who = ctx::signed_in()?;
    let filter = crate::domain::TimelineFilter::parse(&kind, &session, &before)
        .ok_or(AppError::BadRequest)?;
    sessions::timeline::timeline(&ctx::state()?, &who, &filter, &ctx::meta()).await
}
