//! A short-lived cache of pages as anonymous visitors see them (`/`,
//! `/login`, `/register`, and `/groups` with its search and filter
//! parameters). Those pages are the same for every anonymous visitor but for
//! the CSP nonce, so the rendered HTML is kept with the nonce swapped for a
//! marker, and each response gets a fresh nonce in both the page and its
//! header. Signed-in requests, other query strings (which may carry form
//! errors), responses that set cookies and anything but a 200 are never
//! cached. Entries live `TTL` (`/groups`: `GROUPS_TTL`, and only until the
//! next change to any group); a restart empties the cache.

use super::session::Authenticated;
use super::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

const CACHEABLE: &[&str] = &["/", "/login", "/register"];
const TTL: Duration = Duration::from_secs(60);
/// `/groups` shows live counts: kept briefly, and dropped at once when any
/// group or membership changes in this process (`groups_changed`).
const GROUPS_TTL: Duration = Duration::from_secs(10);
const GROUPS_QUERY_KEYS: &[&str] = &["q", "type", "tag", "sort", "after"];
const MAX_ENTRIES: usize = 512;
const MARKER: &str = "\u{0}NONCE\u{0}";

#[derive(Clone)]
struct Entry {
    /// The page split at each nonce.
    parts: Arc<Vec<Bytes>>,
    headers: HeaderMap,
    at: Instant,
    ttl: Duration,
    generation: u64,
}

#[derive(Clone, Default)]
pub struct PageCache {
    entries: Arc<RwLock<HashMap<String, Entry>>>,
    generation: Arc<AtomicU64>,
    /// Signed-in pages kept without their drawn section (`server::splice`).
    pub shells: super::splice::Shells,
}

impl PageCache {
    /// Drops cached group listings: something they show has changed.
    pub fn groups_changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// The cache key and lifetime of a request, when its page may be cached.
fn cache_key(uri: &axum::http::Uri) -> Option<(String, Duration)> {
    let path = uri.path();
    match uri.query() {
        None if CACHEABLE.contains(&path) => Some((path.to_string(), TTL)),
        None if path == "/groups" => Some((path.to_string(), GROUPS_TTL)),
        Some(q) if path == "/groups" && q.len() <= 512 => {
            let known = q.split('&').all(|pair| {
                let k = pair.split('=').next().unwrap_or("");
                GROUPS_QUERY_KEYS.contains(&k)
            });
            known.then(|| (format!("{path}?{q}"), GROUPS_TTL))
        }
        _ => None,
    }
}

pub(super) fn fresh_nonce() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub(super) fn nonce_of(csp: &str) -> Option<&str> {
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
    let anonymous = req.extensions().get::<Authenticated>().is_none()
        && !req.headers().contains_key(header::COOKIE);
    let Some((key, ttl)) =
        cache_key(req.uri()).filter(|_| anonymous && req.method() == Method::GET)
    else {
        return next.run(req).await;
    };
    let cache = &state.page_cache;
    let generation = cache.generation.load(Ordering::SeqCst);
    if let Ok(map) = cache.entries.read() {
        if let Some(e) = map
            .get(&key)
            .filter(|e| e.at.elapsed() < e.ttl && (e.ttl == TTL || e.generation == generation))
        {
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
                if map.len() >= MAX_ENTRIES {
                    map.clear();
                }
                map.insert(
                    key,
                    Entry {
                        parts: Arc::new(split),
                        headers,
                        at: Instant::now(),
                        ttl,
                        generation,
                    },
                );
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
