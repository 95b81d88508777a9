//! Cross-cutting HTTP concerns: request ids, client addresses, the
//! cross-site request check (S23), security headers (S24, S25) and the
//! status code of failed server functions.

use super::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// The id of this request, shown to people in error messages and written to logs.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The client's address: the peer, or the first untrusted hop of
/// X-Forwarded-For when the peer is a configured proxy (S11).
#[derive(Clone, Debug)]
pub struct ClientIp(pub IpAddr);

/// Facts about the request that server functions record.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    pub request_id: String,
    pub ip: IpAddr,
    pub user_agent: Option<String>,
    pub method: String,
    pub path: String,
}

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

/// Gives every request an id and its client address, and records the meta data.
pub async fn request_context(
    State(state): State<AppState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let id = uuid::Uuid::now_v7().to_string();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let ip = client_ip(peer, req.headers(), &state.settings.trusted_proxies);
    let meta = RequestMeta {
        request_id: id.clone(),
        ip,
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
        method: req.method().to_string(),
        path: req.uri().path().chars().take(255).collect(),
    };
    req.extensions_mut().insert(RequestId(id.clone()));
    req.extensions_mut().insert(ClientIp(ip));
    req.extensions_mut().insert(meta);
    let span = tracing::info_span!("request", request_id = %id);
    let mut res = tracing::Instrument::instrument(next.run(req), span).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// Refuses cross-site requests that can change state (S23): any method but
/// GET/HEAD whose `Sec-Fetch-Site` is neither `same-origin` nor `none`, or,
/// without that header, whose `Origin` is not ours. OPTIONS is not exempt:
/// there is no CORS here (S25), so a cross-site preflight has no business.
pub async fn cross_site_guard(
    State(state): State<AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let refused = if let Some(site) = headers.get("sec-fetch-site") {
        !matches!(site.to_str().unwrap_or(""), "same-origin" | "none")
    } else if let Some(origin) = headers.get(header::ORIGIN) {
        let ours = state.settings.public_url().origin().ascii_serialization();
        origin.to_str().map(|o| o != ours).unwrap_or(true)
    } else {
        false
    };
    if refused {
        tracing::info!(method = %req.method(), path = %req.uri().path(), "refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not allowed.",
        )
            .into_response();
    }
    next.run(req).await
}

/// The Content-Security-Policy for HTML pages; `nonce` marks our own scripts.
pub fn csp(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(n) => format!("script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; {scripts}; style-src 'self'; img-src 'self' https: data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// Security headers on every response (S24). Pages set their own nonce CSP;
/// everything else gets the strict one.
pub async fn security_headers(
    State(state): State<AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
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
    // Pages whose URL carries a token must not leak it through the Referer.
    let referrer = if path.starts_with("/verify-email")
        || path.starts_with("/reset-password")
        || path.starts_with("/sessions/end")
    {
        "no-referrer"
    } else {
        "strict-origin-when-cross-origin"
    };
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    if state.settings.is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    let is_html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.starts_with("text/html"))
        .unwrap_or(false);
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

/// Sets the HTTP status of a failed server function for JSON callers. A plain
/// form post (Accept: text/html) is answered with a redirect back to the form
/// instead, which carries the error, so its status is left alone.
pub fn set_error_status(err: &crate::domain::AppError) {
    use leptos::prelude::use_context;
    let Some(res) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let form_post = use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false);
    if !form_post {
        res.set_status(StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST));
    }
}
