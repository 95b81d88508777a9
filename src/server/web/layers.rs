//! Middleware every request passes: its id, client address and log line,
//! the cross-site request check (S23), and the security headers (S24, S25).

use super::context::Web;
use super::csp::csp;
use crate::server::request::RequestMeta;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// The client's address: the peer, or the first untrusted hop of
/// X-Forwarded-For when the peer is a configured proxy (S11).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(xff) = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) else {
        return peer;
    };
    // Walk from the nearest hop back; the first address not ours is the client.
    for hop in xff.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    peer
}

/// The route a path belongs to, for the log: no ids, slugs or query values.
pub fn route_of(path: &str) -> &'static str {
    const PAGES: &[&str] = &[
        "/",
        "/login",
        "/register",
        "/account",
        "/account/email",
        "/account/password",
        "/account/sessions",
        "/account/activity",
        "/account/delete",
        "/verify-email",
        "/sessions/end",
        "/groups",
        "/groups/new",
        "/healthz",
        "/readyz",
        "/robots.txt",
        "/favicon.ico",
    ];
    if let Some(p) = PAGES.iter().find(|p| **p == path) {
        return p;
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["api", _] => "/api/{function}",
        ["pkg", ..] => "/pkg/{file}",
        ["groups", _] => "/groups/{slug}",
        ["groups", _, "manage"] => "/groups/{slug}/manage",
        _ => "(other)",
    }
}

/// Gives every request an id, its client address and the facts services
/// record, and writes one log line per request (method, route, status,
/// latency, id; never a query, cookie or value).
pub async fn request_context(
    State(web): State<Web>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let id = uuid::Uuid::now_v7().to_string();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let ip = client_ip(peer, req.headers(), &web.app.settings.trusted_proxies);
    let path: String = req.uri().path().chars().take(255).collect();
    let route = route_of(&path);
    let method = req.method().clone();
    let meta = RequestMeta {
        request_id: id.clone(),
        ip,
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
        method: method.to_string(),
        path,
    };
    req.extensions_mut().insert(meta);
    let span = tracing::info_span!("request", request_id = %id);
    let mut res = tracing::Instrument::instrument(next.run(req), span).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    let status = res.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if route != "/pkg/{file}" || status >= 400 {
        tracing::info!(target: "vestibule::access", %method, route, status, ms = format_args!("{ms:.1}"), request_id = %id, "request");
    }
    res
}

/// Refuses cross-site requests that can change state (S23): any method but
/// GET/HEAD whose `Sec-Fetch-Site` is neither `same-origin` nor `none`, or,
/// without that header, whose `Origin` is not ours. OPTIONS is not exempt:
/// there is no CORS here (S25), so a cross-site preflight has no business.
pub async fn cross_site_guard(State(web): State<Web>, req: Request<Body>, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let refused = if let Some(site) = headers.get("sec-fetch-site") {
        !matches!(site.to_str().unwrap_or(""), "same-origin" | "none")
    } else if let Some(origin) = headers.get(header::ORIGIN) {
        let ours = web.app.settings.public_url().origin().ascii_serialization();
        origin.to_str().map(|o| o != ours).unwrap_or(true)
    } else {
        false
    };
    if refused {
        tracing::info!(method = %req.method(), route = route_of(req.uri().path()), "refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not allowed.",
        )
            .into_response();
    }
    next.run(req).await
}

/// Pages whose URL carries a token, which must not leak through the Referer.
fn carries_token(path: &str) -> bool {
    ["/verify-email", "/reset-password", "/sessions/end"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Security headers on every response (S24). Pages set their own nonce CSP;
/// everything else gets the strict one.
pub async fn security_headers(State(web): State<Web>, req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    let referrer = if carries_token(&path) {
        "no-referrer"
    } else {
        "strict-origin-when-cross-origin"
    };
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    if web.app.settings.is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    let is_html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(v) = HeaderValue::from_str(&csp(None)) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    if is_html || path.starts_with("/api/") {
        // Pages may show personal data; never keep them in shared or back/forward caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // Never reflect an Origin for credentials (S25).
    h.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    h.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
    res
}
