//! Turns the session cookie into the signed-in caller (S14, S16, S17,
//! S21): tokens the server never issued, revoked or expired sessions, and
//! disabled or deleted accounts are refused, and the cookie is cleared. Each
//! page view and server-function call of a session is counted (static files
//! never reach here).

use super::context::Web;
use crate::server::cookies;
use crate::server::lifetimes::is_expired;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::tokens::SessionToken;
use crate::server::tracker::Hit;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

pub async fn authenticate(State(web): State<Web>, mut req: Request<Body>, next: Next) -> Response {
    let state = &web.app;
    let https = state.settings.is_https();
    let mut clear = false;
    if let Some(raw) = cookies::read_session(req.headers(), https) {
        if let Some(token) = SessionToken::parse(&raw) {
            match state.store.sessions.by_token_hash(&token.hash()).await {
                Ok(Some((row, user))) => {
                    let now = state.now();
                    let pending = state.tracker.pending_last_activity(&row.session_id);
                    if !user.can_sign_in() {
                        clear = true;
                    } else if is_expired(&row, now, &state.settings, pending) {
                        if let Err(e) = state.store.sessions.expire(&row.session_id, now).await {
                            tracing::warn!(error = %e, "could not mark a session expired");
                        }
                        clear = true;
                    } else {
                        if let Some(hit) = hit_of(&req) {
                            state.tracker.touch(&row.session_id, now, hit);
                        }
                        req.extensions_mut().insert(SignedIn {
                            session_id: row.session_id,
                            user: Arc::new(user),
                        });
                    }
                }
                Ok(None) => clear = true,
                Err(e) => {
                    // Fail closed (R2): no caller, and say the service is unavailable.
                    tracing::error!(error = %e, "session lookup failed");
                    return unavailable();
                }
            }
        } else {
            clear = true;
        }
    }
    let mut res = next.run(req).await;
    if clear && !res.headers().contains_key(header::SET_COOKIE) {
        if let Ok(v) = HeaderValue::from_str(&cookies::clear_cookie(https)) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// What a request counts as: a server-function call, a page view (a GET
/// of a page), or nothing (health checks).
fn hit_of(req: &Request<Body>) -> Option<Hit<'_>> {
    let meta = req.extensions().get::<RequestMeta>()?;
    let path = meta.path.as_str();
    if path.starts_with("/api/") {
        Some(Hit::Call(path))
    } else if req.method() == Method::GET && !matches!(path, "/healthz" | "/readyz") {
        Some(Hit::Page(path))
    } else {
        None
    }
}

fn unavailable() -> Response {
    let mut r = Response::new(Body::from(
        "The service is temporarily unavailable. Please try again shortly.",
    ));
    *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    r
}
