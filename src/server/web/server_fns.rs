//! Calls of server functions (`/api/{function}`). A script's call gets the
//! function's JSON answer, and an error the HTTP status of its kind
//! (`status`). A plain form post (a browser without JavaScript, or our
//! pages, whose forms all post plainly) goes back to the form's page with
//! the outcome in the flash (`flash`), never in the URL.

use super::context::{leptos_context, Web};
use super::flash;
use super::status::status_of;
use crate::api::ctx::safe_next;
use crate::domain::AppError;
use crate::ui::components::form::Flash;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Request};
use axum::response::{IntoResponse, Response};

/// The header server functions mark their errors with (`server_fn` 0.8).
const ERROR_HEADER: &str = "serverfnerror";

/// Is `path` a registered server function (read once, after registration)?
fn is_server_fn(path: &str) -> bool {
    static PATHS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    PATHS
        .get_or_init(|| {
            leptos::server_fn::axum::server_fn_paths()
                .map(|(p, _)| p)
                .collect()
        })
        .contains(path)
}

fn json_error(e: &AppError) -> Response {
    let body = serde_json::to_string(e).unwrap_or_default();
    (
        status_of(e),
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// A plain form post: the browser wants a page back, and sends a form.
fn is_form_post(headers: &HeaderMap) -> bool {
    let get = |h| headers.get(h).and_then(|v: &HeaderValue| v.to_str().ok());
    get(header::ACCEPT).is_some_and(|v| v.contains("text/html"))
        && get(header::CONTENT_TYPE)
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// The `__page` field of a form: pages whose address carries a token send
/// no Referer, and name themselves.
fn page_field(body: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == "__page")
        .map(|(_, v)| v.into_owned())
}

/// The path of the page a form was on: its `__page` field, else the
/// Referer's path.
fn page_of(headers: &HeaderMap, body: &[u8]) -> String {
    let field = page_field(body);
    let referer = || {
        headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(|r| url::Url::parse(r).ok())
            .map(|u| u.path().to_string())
    };
    safe_next(field.or_else(referer), "/")
}

pub async fn call(State(web): State<Web>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_string();
    // An unknown function gets our own plain 404, not the framework's
    // developer advice (S34).
    if !is_server_fn(&path) {
        return json_error(&AppError::NotFound);
    }
    let context = leptos_context(web.app.clone(), None);
    if !is_form_post(req.headers()) {
        let res = leptos_axum::handle_server_fns_with_context(context, req)
            .await
            .into_response();
        return with_error_status(res).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, web.app.settings.body_limit).await else {
        return json_error(&AppError::BadRequest);
    };
    let page = page_of(&parts.headers, &body);
    let named_page = page_field(&body).is_some();
    let values = flash::typed_values(&body);
    let req = Request::from_parts(parts, Body::from(body));
    let mut res = leptos_axum::handle_server_fns_with_context(context, req)
        .await
        .into_response();
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (error, location) = match location {
        Some(l) => flash::take_error(&l),
        // No Referer to go back to: the function's error, if any, from its body.
        None => (error_of(&mut res).await, page.clone()),
    };
    // A page that named itself is where a refusal (or a success that went
    // nowhere else) comes back to.
    let location = if named_page && (error.is_some() || location == "/") {
        page.clone()
    } else {
        location
    };
    let flash = Flash {
        values: if error.is_some() { values } else { Vec::new() },
        page,
        path,
        error,
    };
    let https = web.app.settings.is_https();
    let mut back = super::pages::see_other(&location);
    for cookie in res.headers().get_all(header::SET_COOKIE) {
        back.headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    if let Some(v) =
        flash::set(&web.app.sealer, https, flash).and_then(|c| HeaderValue::from_str(&c).ok())
    {
        back.headers_mut().append(header::SET_COOKIE, v);
    }
    back
}

/// The error a failed server function answered with, read from its body.
async fn error_of(res: &mut Response) -> Option<AppError> {
    if !res.headers().contains_key(ERROR_HEADER) {
        return None;
    }
    let body = std::mem::replace(res.body_mut(), Body::empty());
    let bytes = axum::body::to_bytes(body, 1 << 20).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A script's call that failed gets the status of its error's kind.
async fn with_error_status(mut res: Response) -> Response {
    match error_of(&mut res).await {
        Some(e) => json_error(&e),
        None if res.headers().contains_key(ERROR_HEADER) => json_error(&AppError::Internal {
            request_id: "-".into(),
        }),
        None => res,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_comes_from_the_form_or_the_referer() {
        let mut h = HeaderMap::new();
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://127.0.0.1:3000/account/email?x=1"),
        );
        assert_eq!(page_of(&h, b"new_email=a"), "/account/email");
        assert_eq!(
            page_of(&h, b"__page=%2Fverify-email&token=t"),
            "/verify-email"
        );
        assert_eq!(page_of(&h, b"__page=%2F%2Fevil.example"), "/");
        assert_eq!(page_of(&HeaderMap::new(), b""), "/");
    }
}
