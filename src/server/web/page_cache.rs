//! The one cache of rendered pages: pages as anonymous visitors see them.
//!
//! Contract. What is kept: `/`, `/login`, `/register`, and `/groups` with
//! its search, filter, sort and page parameters, as rendered for a request
//! that carries no cookie at all (so no session, no flash). For whom: every
//! such anonymous request; a signed-in or cookie-carrying request is never
//! answered from here and never stored. How long: 60 s, `/groups` 10 s. What
//! ends it: its age; for `/groups`, also any write that changes what a
//! listing shows on this instance (the store bumps `Groups::generation`, no
//! service clears anything by hand); a restart. Across several instances a
//! listing may be up to 10 s old on an instance that did not make the change.
//! Only a plain 200 without `Set-Cookie`, with its nonce in its CSP, of at
//! most 1 MiB is kept; anything else is served as it is and not kept.
//!
//! Pages are the same for every anonymous visitor but for the CSP nonce, so
//! a kept page is split at each use of its nonce and each answer gets a
//! fresh one, in the page and in its header.

use super::csp::csp;
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
const GROUPS_TTL: Duration = Duration::from_secs(10);
const GROUPS_QUERY_KEYS: &[&str] = &["q", "type", "tag", "sort", "after"];
const MAX_ENTRIES: usize = 512;
const MAX_PAGE: usize = 1 << 20;

/// A piece of a kept page: its own text, or where the answer's nonce goes.
enum Piece {
    Text(Bytes),
    Nonce,
}

struct Entry {
    pieces: Arc<[Piece]>,
    headers: HeaderMap,
    at: Instant,
    ttl: Duration,
    /// The groups generation it was rendered at (`/groups` only).
    generation: Option<u64>,
}

/// The kept pages, and the groups whose generation tells when a listing
/// went stale.
#[derive(Clone)]
pub struct PageCache {
    entries: Arc<RwLock<HashMap<String, Entry>>>,
    groups: Arc<dyn crate::server::store::Groups>,
}

impl PageCache {
    pub fn new(groups: Arc<dyn crate::server::store::Groups>) -> Self {
        PageCache {
            entries: Default::default(),
            groups,
        }
    }
}

/// The key and lifetime of a request whose page may be kept, and whether it
/// is a group listing.
fn cache_key(uri: &axum::http::Uri) -> Option<(String, Duration, bool)> {
    let path = uri.path();
    match uri.query() {
        None if CACHEABLE.contains(&path) => Some((path.to_string(), TTL, false)),
        None if path == "/groups" => Some((path.to_string(), GROUPS_TTL, true)),
        Some(q) if path == "/groups" && q.len() <= 512 => {
            let known = q.split('&').all(|pair| {
                let k = pair.split('=').next().unwrap_or("");
                GROUPS_QUERY_KEYS.contains(&k)
            });
            known.then(|| (format!("{path}?{q}"), GROUPS_TTL, true))
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

/// The nonce a rendered page's CSP header names, when it is one of ours
/// (long enough never to occur in the page by chance).
fn response_nonce(headers: &HeaderMap) -> Option<&str> {
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)?
        .to_str()
        .ok()?;
    let start = csp.find("'nonce-")? + "'nonce-".len();
    let end = csp[start..].find('\'')? + start;
    Some(&csp[start..end]).filter(|n| n.len() >= 16)
}

/// Where `needle` first starts in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `text` as pieces, each use of `nonce` a [`Piece::Nonce`].
fn split_at_nonce(mut text: Bytes, nonce: &[u8]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    while let Some(i) = find(&text, nonce) {
        pieces.push(Piece::Text(text.slice(..i)));
        pieces.push(Piece::Nonce);
        text = text.slice(i + nonce.len()..);
    }
    pieces.push(Piece::Text(text));
    pieces
}

/// A kept page as an answer, with a fresh nonce in the page and its CSP.
fn assemble(pieces: &[Piece], mut headers: HeaderMap) -> Option<Response> {
    let nonce = fresh_nonce();
    let mut body = Vec::new();
    for piece in pieces {
        body.extend_from_slice(match piece {
            Piece::Text(t) => t,
            Piece::Nonce => nonce.as_bytes(),
        });
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&csp(Some(&nonce))).ok()?,
    );
    let mut res = Response::new(Body::from(body));
    *res.headers_mut() = headers;
    Some(res)
}

pub async fn serve(State(cache): State<PageCache>, req: Request<Body>, next: Next) -> Response {
    let anonymous = !req.headers().contains_key(header::COOKIE);
    let Some((key, ttl, listing)) =
        cache_key(req.uri()).filter(|_| anonymous && req.method() == Method::GET)
    else {
        return next.run(req).await;
    };
    let generation = listing.then(|| cache.groups.generation());
    if let Ok(map) = cache.entries.read() {
        let fresh = map
            .get(&key)
            .filter(|e| e.at.elapsed() < e.ttl && e.generation == generation);
        if let Some(res) = fresh.and_then(|e| assemble(&e.pieces, e.headers.clone())) {
            return res;
        }
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::OK || res.headers().contains_key(header::SET_COOKIE) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "could not read a rendered page");
            let mut failed = Response::new(Body::from("Something went wrong. Please try again."));
            *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return failed;
        }
    };
    if bytes.len() <= MAX_PAGE {
        if let Some(nonce) = response_nonce(&parts.headers) {
            let pieces = split_at_nonce(bytes.clone(), nonce.as_bytes());
            let mut headers = parts.headers.clone();
            headers.remove(header::CONTENT_LENGTH);
            if let Ok(mut map) = cache.entries.write() {
                if map.len() >= MAX_ENTRIES {
                    map.clear();
                }
                let entry = Entry {
                    pieces: pieces.into(),
                    headers,
                    at: Instant::now(),
                    ttl,
                    generation,
                };
                map.insert(key, entry);
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(pieces: &[Piece]) -> String {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => format!("[{}]", String::from_utf8_lossy(t)),
                Piece::Nonce => "N".into(),
            })
            .collect()
    }

    #[test]
    fn a_page_splits_at_every_nonce() {
        let pieces = split_at_nonce(
            Bytes::from_static(b"<script nonce=\"abc\">x</script><link nonce=\"abc\">abc"),
            b"abc",
        );
        assert_eq!(
            shown(&pieces),
            "[<script nonce=\"]N[\">x</script><link nonce=\"]N[\">]N[]"
        );
        assert_eq!(
            shown(&split_at_nonce(Bytes::from_static(b"plain"), b"abc")),
            "[plain]"
        );
    }

    #[test]
    fn only_known_pages_and_queries_are_kept() {
        let key = |u: &str| cache_key(&u.parse().unwrap()).map(|(k, _, l)| (k, l));
        assert_eq!(key("/login"), Some(("/login".into(), false)));
        assert_eq!(
            key("/groups?q=a&sort=name"),
            Some(("/groups?q=a&sort=name".into(), true))
        );
        assert_eq!(key("/groups?evil=1"), None);
        assert_eq!(key("/login?next=/x"), None);
        assert_eq!(key("/account"), None);
    }
}
