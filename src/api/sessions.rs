//! Sessions and the security timeline.

use crate::domain::{AppError, SessionsOverview, TimelinePage};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx;

/// The caller's live and recently ended sessions. **The signed-in user, own sessions only.**
#[server(prefix = "/api", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<SessionsOverview, AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    let r = async {
        let (who, _) = crate::server::accounts::caller_user(ctx::caller().as_ref())?;
        crate::server::sessions::overview(&state, &who, &meta).await
    }
    .await;
    ctx::respond(r)
}

/// The session lists of `/account/sessions` as HTML, drawn on the server from
/// the rows [`list_sessions`] answers with: the page shows it as it comes, so
/// the browser needs no code for the lists' views (docs/decisions.md, "Server-drawn
/// sections"). **The signed-in user, own sessions only.**
#[server(prefix = "/api", endpoint = "session_lists")]
pub async fn session_lists() -> Result<crate::domain::SharedHtml, AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    ctx::respond(lists_for(&state, ctx::caller().as_ref(), &meta).await)
}

/// What [`session_lists`] answers `who` with; also what a kept page of
/// `/account/sessions` is completed with (`server::splice`).
#[cfg(feature = "ssr")]
pub async fn lists_for(
    state: &crate::server::state::AppState,
    who: Option<&crate::server::session::Authenticated>,
    meta: &crate::server::http::RequestMeta,
) -> Result<crate::domain::SharedHtml, AppError> {
    let (who, _) = crate::server::accounts::caller_user(who)?;
    crate::server::sessions::overview_with(
        state,
        &who,
        meta,
        crate::ui::pages::sessions::lists_html,
    )
    .await
}

/// Ends one of the caller's sessions by its public id. Someone else's id
/// answers exactly like an unknown one. **The signed-in user, own sessions only.**
#[server(prefix = "/api", endpoint = "revoke_session")]
pub async fn revoke_session(id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    let r = async {
        let (who, _) = crate::server::accounts::caller_user(ctx::caller().as_ref())?;
        crate::server::sessions::revoke(&state, &who, &id, &meta).await
    }
    .await;
    let was_current = ctx::respond(r)?;
    if was_current {
        ctx::set_cookie(&crate::server::session::clear_cookie(
            state.settings.is_https(),
        ));
        leptos_axum::redirect("/login");
    } else {
        ctx::note_done("revoked");
    }
    Ok(())
}

/// Ends every session of the caller but this one. **The signed-in user.**
#[server(prefix = "/api", endpoint = "revoke_other_sessions")]
pub async fn revoke_other_sessions() -> Result<u64, AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    let r = async {
        let (who, _) = crate::server::accounts::caller_user(ctx::caller().as_ref())?;
        crate::server::sessions::revoke_others(&state, &who, &meta).await
    }
    .await;
    ctx::respond_done(r, "others")
}

/// Ends the session named by a sign-in alert's link (signed, expiring, works
/// once). **Anyone holding the link.**
#[server(prefix = "/api", endpoint = "end_session_by_link")]
pub async fn end_session_by_link(token: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let meta = ctx::meta();
    ctx::respond(crate::server::sessions::end_by_link(&state, &token, &meta).await)
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
    let state = ctx::state()?;
    let meta = ctx::meta();
    let r = async {
        let (who, _) = crate::server::accounts::caller_user(ctx::caller().as_ref())?;
        crate::server::sessions::timeline(&state, &who, &kind, &session, &before, &meta).await
    }
    .await;
    ctx::respond(r)
}

/// [`timeline`]'s page as the HTML that `/account/activity` shows, drawn on
/// the server. **The signed-in user, own events only.**
#[server(prefix = "/api", endpoint = "timeline_section")]
pub async fn timeline_section(
    kind: String,
    session: String,
    before: String,
) -> Result<String, AppError> {
    let first = before.is_empty();
    let page = timeline(kind.clone(), session.clone(), before).await?;
    Ok(crate::ui::pages::activity::timeline_html(
        page, kind, session, first,
    ))
}
