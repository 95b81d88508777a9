//! A short-lived cache of pages as anonymous visitors see them (`/`,
//! `/login`, `/register`, and `/groups` with its search and filter
//! parameters). Those pages are the same for every anonymous visitor but for
//! the CSP nonce, so the rendered HTML is kept split at each use of the
//! nonce ([`Piece`]), and each response gets a fresh nonce in both the page
//! and its header ([`assemble`]; `server::splice` keeps signed-in pages with
//! the same pieces). Signed-in requests, other query strings (which may carry form
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

#[derive(Clone)]
struct Entry {
    /// The page split at each nonce.
    parts: Arc<[Piece]>,
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

/// The nonce a rendered page's CSP header names, when it is one of ours
/// (long enough never to occur in the page by chance).
pub(super) fn response_nonce(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(nonce_of)
        .filter(|n| n.len() >= 16)
}

/// A piece of a kept page: its own text, or where a value of the response
/// goes (`server::splice` keeps signed-in pages the same way).
pub(super) enum Piece {
    Text(Bytes),
    /// The response's CSP nonce.
    Nonce,
    /// The page's drawn section.
    Section,
}

/// `text` as pieces, each use of `nonce` a [`Piece::Nonce`]; no copy.
pub(super) fn split_at_nonce(mut text: Bytes, nonce: &[u8], pieces: &mut Vec<Piece>) {
    while let Some(i) = find(&text, nonce) {
        pieces.push(Piece::Text(text.slice(..i)));
        pieces.push(Piece::Nonce);
        text = text.slice(i + nonce.len()..);
    }
    pieces.push(Piece::Text(text));
}

/// A kept page as a response: its pieces with a fresh nonce, named in the
/// CSP header too, and `section` where it goes.
pub(super) fn assemble(
    pieces: &[Piece],
    mut headers: HeaderMap,
    section: &str,
) -> Option<Response> {
    let nonce = fresh_nonce();
    let csp = HeaderValue::from_str(&super::http::csp(Some(&nonce))).ok()?;
    let size = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.len(),
            Piece::Nonce => nonce.len(),
            Piece::Section => section.len(),
        })
        .sum();
    let mut body = Vec::with_capacity(size);
    for piece in pieces {
        body.extend_from_slice(match piece {
            Piece::Text(t) => t,
            Piece::Nonce => nonce.as_bytes(),
            Piece::Section => section.as_bytes(),
        });
    }
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    let mut res = Response::new(Body::from(body));
    *res.headers_mut() = headers;
    Some(res)
}

/// Where `needle` first starts in `haystack`.
pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = haystack[from..].iter().position(|&b| b == first) {
        let at = from + i;
        if haystack[at + 1..].starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
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
            if let Some(res) = assemble(&e.parts, e.headers.clone(), "") {
                return res;
            }
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
    if let Some(nonce) = response_nonce(&parts.headers) {
        let mut split = Vec::new();
        split_at_nonce(bytes.clone(), nonce.as_bytes(), &mut split);
        let mut headers = parts.headers.clone();
        headers.remove(header::CONTENT_LENGTH);
        if let Ok(mut map) = cache.entries.write() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert(
                key,
                Entry {
                    parts: split.into(),
                    headers,
                    at: Instant::now(),
                    ttl,
                    generation,
                },
            );
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::{find, split_at_nonce, Piece};
    use axum::body::Bytes;

    #[test]
    fn finds_the_first_whole_marker() {
        assert_eq!(find(b"<p><!--m--></p>", b"<!--m-->"), Some(3));
        assert_eq!(find(b"<!--<!--m-->", b"<!--m-->"), Some(4));
        assert_eq!(find(b"<!--m-", b"<!--m-->"), None);
        assert_eq!(find(b"", b"<!--m-->"), None);
    }

    fn shown(pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => format!("[{}]", String::from_utf8_lossy(t)),
                Piece::Nonce => "N".into(),
                Piece::Section => "S".into(),
            })
            .collect()
    }

    #[test]
    fn a_page_splits_at_every_nonce() {
        let mut pieces = Vec::new();
        split_at_nonce(
            Bytes::from_static(b"<script nonce=\"abc\">x</script><link nonce=\"abc\">abc"),
            b"abc",
            &mut pieces,
        );
        assert_eq!(
            shown(&pieces),
            "[<script nonce=\"]N[\">x</script><link nonce=\"]N[\">]N[]"
        );
        let mut none = Vec::new();
        split_at_nonce(Bytes::from_static(b"plain"), b"abc", &mut none);
        assert_eq!(shown(&none), "[plain]");
    }
}
