//! A short-lived cache of pages as anonymous visitors see them (`/`,
//! `/login`, `/register`). Those pages are the same for every anonymous
//! visitor but for the CSP nonce, so the rendered HTML is kept with the nonce
//! swapped for a marker, and each response gets a fresh nonce in both the
//! page and its header. Signed-in requests, query strings (which carry form
//! errors), responses that set cookies and anything but a 200 are never
//! cached. Entries live `TTL`; a restart empties the cache.

use super::session::Authenticated;
use super::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

const CACHEABLE: &[&str] = &["/", "/login", "/register"];
const TTL: Duration = Duration::from_secs(60);
const MARKER: &str = "\u{0}NONCE\u{0}";

#[derive(Clone)]
struct Entry {
    /// The page split at each nonce.
    parts: Arc<Vec<Bytes>>,
    headers: HeaderMap,
    at: Instant,
}

#[derive(Clone, Default)]
pub struct PageCache {
    entries: Arc<RwLock<HashMap<&'static str, Entry>>>,
}

fn fresh_nonce() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn nonce_of(csp: &str) -> Option<&str> {
    let start = csp.find("'nonce-")? + "'nonce-".len();
    let end = csp[start..].find('\'')? + start;
    Some(&csp[start..end])
}

fn build(entry: &Entry) -> Response {
    let nonce = fresh_nonce();
    let mut body = Vec::with_capacity(entry.parts.iter().map(|p| p.len()).sum::<usize>() + 64);
    for (i, part) in entry.parts.iter().enumerate() {
        if i > 0 {
            body.extend_from_slice(nonce.as_bytes());
        }
        body.extend_from_slice(part);
    }
    let mut res = Response::new(Body::from(body));
    *res.headers_mut() = entry.headers.clone();
    if let Ok(v) = HeaderValue::from_str(&super::http::csp(Some(&nonce))) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

pub async fn serve(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let key = CACHEABLE.iter().copied().find(|p| *p == req.uri().path());
    let anonymous = req.extensions().get::<Authenticated>().is_none()
        && !req.headers().contains_key(header::COOKIE);
    let Some(key) =
        key.filter(|_| anonymous && req.method() == Method::GET && req.uri().query().is_none())
    else {
        return next.run(req).await;
    };
    let cache = &state.page_cache;
    if let Ok(map) = cache.entries.read() {
        if let Some(e) = map.get(key).filter(|e| e.at.elapsed() < TTL) {
            return build(e);
        }
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::OK || res.headers().contains_key(header::SET_COOKIE) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let nonce = parts
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(nonce_of)
        .map(str::to_string);
    if let (Some(nonce), Ok(text)) = (nonce, std::str::from_utf8(&bytes)) {
        if !text.contains(MARKER) && nonce.len() >= 16 {
            let split: Vec<Bytes> = text
                .split(nonce.as_str())
                .map(|s| Bytes::copy_from_slice(s.as_bytes()))
                .collect();
            let mut headers = parts.headers.clone();
            headers.remove(header::CONTENT_LENGTH);
            if let Ok(mut map) = cache.entries.write() {
                map.insert(
                    key,
                    Entry {
                        parts: Arc::new(split),
                        headers,
                        at: Instant::now(),
                    },
                );
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
