//! Rendering pages: every GET that is not a file, a health check or a
//! server function. A signed-out visit of a signed-in page goes to the
//! sign-in page and back; the flash of the last form post reaches the page
//! it came from; a page that shows an error answers with its status.

use super::context::{leptos_context, Web};
use super::flash;
use super::status::status_of;
use crate::app::shell;
use crate::server::request::SignedIn;
use crate::ui::components::status::PageStatus;
use crate::ui::components::url::encode;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};

/// Pages only a signed-in person can use.
fn needs_sign_in(path: &str) -> bool {
    path == "/account"
        || path.starts_with("/account/")
        || path == "/groups/new"
        || (path.starts_with("/groups/") && path.ends_with("/manage"))
}

/// `303 See Other` to `location`.
pub fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

pub async fn render(State(web): State<Web>, mut req: Request<Body>) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return (StatusCode::NOT_FOUND, "Not found.").into_response();
    }
    let path = req.uri().path().to_string();
    if needs_sign_in(&path) && req.extensions().get::<SignedIn>().is_none() {
        let here = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        return see_other(&format!("/login?next={}", encode(here)));
    }
    let https = web.app.settings.is_https();
    let flashed = flash::read(&web.app.sealer, https, req.headers());
    if let Some(Some(f)) = &flashed {
        if f.page == path {
            req.extensions_mut().insert(f.clone());
        }
    }
    let status = PageStatus::default();
    let context = leptos_context(web.app.clone(), Some(status.clone()));
    let options = web.options.clone();
    let handler =
        leptos_axum::render_app_async_with_context(context, move || shell(options.clone()));
    let mut res = handler(req).await.into_response();
    let shown = status.0.lock().ok().and_then(|mut s| s.take());
    if let Some(e) = shown {
        if res.status() == StatusCode::OK {
            *res.status_mut() = status_of(&e);
        }
    }
    if flashed.is_some() {
        // Read once: the next page load has no flash.
        if let Ok(v) = HeaderValue::from_str(&flash::clear(https)) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}
