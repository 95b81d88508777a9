//! Drawn sections put in place after the page is rendered, and the pages
//! around them kept for the next request.
//!
//! A large server-drawn section (the session lists of `/account/sessions`,
//! about 20 KB for 20 sessions) would otherwise travel through every stage
//! of Leptos's rendering: the resource, the element's `inner_html`, the
//! render buffer, the stream of chunks, the collected page and the head's
//! tags, each a fresh copy. Instead, while a page renders, the section is
//! kept aside in a slot of the page's request ([`Slot`]) and Leptos writes a
//! marker; once the page is complete, [`serve`] writes the section where the
//! marker is, in one copy. The marker is a comment no value can produce:
//! every value on a page is escaped, so `<` never comes from data.
//!
//! Hydration is unchanged: the browser gets the section's resource without
//! its HTML either way (`ui::components::drawn::Placed`), and `inner_html`
//! leaves the server's HTML in place while hydrating.
//!
//! **Kept pages.** On a page listed in [`kept_section`], everything but the
//! drawn section is a function of the URL (path and query) and of the
//! signed-in person as the navigation shows them (`CurrentUser`): the
//! section holds every value read from the database for the page, and the
//! CSP nonce is new on each response. So the rendered page is kept
//! ([`Shells`]) for that person and URL, split at the marker and at each use
//! of the nonce; the next request of the same person for the same URL gets
//! that page with a fresh nonce and a freshly drawn section, without
//! rendering the rest again. The kept page is used only while the person
//! reads exactly the same (name, email, picture, verification, role:
//! anything else renders anew), for at most [`SHELL_TTL`], and never for a
//! response that was not a plain 200 or that set a cookie. When the section
//! cannot be drawn (an error), the page renders in full, as it would
//! without a kept page.

use super::http::RequestMeta;
use super::pagecache::{assemble, find, response_nonce, split_at_nonce, Piece};
use super::session::Authenticated;
use super::state::AppState;
use crate::domain::{AppError, CurrentUser, SharedHtml};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// What Leptos writes where the section goes.
pub const MARKER: &str = "<!--vestibule:drawn-section-->";

/// How long a kept page serves its person and URL.
pub const SHELL_TTL: Duration = Duration::from_secs(60);
/// Kept pages in all; the cache starts empty again when full.
const MAX_SHELLS: usize = 512;
/// Longer queries are not kept (they only carry form errors and notes).
const MAX_QUERY: usize = 512;

/// The slot of one page request: at most one section, put in by the page
/// while it renders (`ui::components::drawn::place_later`).
#[derive(Clone, Default)]
pub struct Slot(Arc<Mutex<Option<Arc<str>>>>);

impl Slot {
    /// Keeps `html` for the page being rendered.
    pub fn keep(&self, html: Arc<str>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(html);
        }
    }

    fn take(&self) -> Option<Arc<str>> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// Draws a kept page's section for the signed-in caller.
type Draw = for<'a> fn(
    &'a AppState,
    &'a Authenticated,
    &'a RequestMeta,
) -> Pin<Box<dyn Future<Output = Result<SharedHtml, AppError>> + Send + 'a>>;

fn session_lists<'a>(
    state: &'a AppState,
    who: &'a Authenticated,
    meta: &'a RequestMeta,
) -> Pin<Box<dyn Future<Output = Result<SharedHtml, AppError>> + Send + 'a>> {
    Box::pin(crate::api::sessions::lists_for(state, Some(who), meta))
}

/// The pages that may be kept, with the section each draws: the one its
/// page places with `place_later`, from the same function.
fn kept_section(path: &str) -> Option<Draw> {
    match path {
        "/account/sessions" => Some(session_lists),
        _ => None,
    }
}

struct Shell {
    /// Who the page was rendered for, as its navigation shows them.
    user: CurrentUser,
    pieces: Arc<[Piece]>,
    headers: HeaderMap,
    at: Instant,
}

/// Kept pages by person and URL.
#[derive(Clone, Default)]
pub struct Shells(Arc<RwLock<HashMap<String, Shell>>>);

impl Shells {
    /// How many pages are kept.
    pub fn count(&self) -> usize {
        self.0.read().map(|map| map.len()).unwrap_or(0)
    }

    fn get(&self, key: &str, user: &CurrentUser) -> Option<(Arc<[Piece]>, HeaderMap)> {
        let map = self.0.read().ok()?;
        let shell = map
            .get(key)
            .filter(|s| s.at.elapsed() < SHELL_TTL && s.user == *user)?;
        Some((shell.pieces.clone(), shell.headers.clone()))
    }

    fn put(&self, key: String, shell: Shell) {
        if let Ok(mut map) = self.0.write() {
            if map.len() >= MAX_SHELLS {
                map.clear();
            }
            map.insert(key, shell);
        }
    }
}

/// A request that may be answered from a kept page: its key, its person and
/// how its section is drawn.
struct Keepable {
    key: String,
    user: CurrentUser,
    draw: Draw,
}

fn keepable(req: &Request<Body>) -> Option<Keepable> {
    if req.method() != Method::GET {
        return None;
    }
    let draw = kept_section(req.uri().path())?;
    let who = req.extensions().get::<Authenticated>()?;
    if !who.user.can_sign_in() || req.uri().query().is_some_and(|q| q.len() > MAX_QUERY) {
        return None;
    }
    let url = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    Some(Keepable {
        key: format!("{}\n{url}", who.user_id),
        user: super::accounts::current_user_view(&who.user),
        draw,
    })
}

/// Gives each page request a [`Slot`], puts a kept section in place of its
/// marker in the finished page, and keeps or reuses the pages of
/// [`kept_section`]. Server functions (`/api/…`) and other methods pass
/// untouched.
pub async fn serve(State(state): State<AppState>, mut req: Request<Body>, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) || req.uri().path().starts_with("/api/")
    {
        return next.run(req).await;
    }
    let keepable = keepable(&req);
    if let Some(k) = &keepable {
        let ext = req.extensions();
        let kept = match (ext.get::<Authenticated>(), ext.get::<RequestMeta>()) {
            (Some(who), Some(meta)) => from_kept(&state, who, meta, k).await,
            _ => None,
        };
        if let Some(res) = kept {
            return res;
        }
    }
    let slot = Slot::default();
    req.extensions_mut().insert(slot.clone());
    let res = next.run(req).await;
    let Some(section) = slot.take() else {
        return res;
    };
    let (mut parts, body) = res.into_parts();
    let page = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(error = %e, "could not read a rendered page");
            let mut failed = Response::new(Body::from("Something went wrong. Please try again."));
            *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return failed;
        }
    };
    let Some(at) = find(&page, MARKER.as_bytes()) else {
        // The page did not show the section (an error took its place).
        return Response::from_parts(parts, Body::from(page));
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(k) = keepable {
        if let Some(pieces) = shell_pieces(&parts, &page, at) {
            state.page_cache.shells.put(
                k.key,
                Shell {
                    user: k.user,
                    pieces: pieces.into(),
                    headers: parts.headers.clone(),
                    at: Instant::now(),
                },
            );
        }
    }
    let mut out = Vec::with_capacity(page.len() - MARKER.len() + section.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(section.as_bytes());
    out.extend_from_slice(&page[at + MARKER.len()..]);
    Response::from_parts(parts, Body::from(out))
}

/// The kept page for `k` with a fresh nonce and a freshly drawn section, if
/// there is one and the section draws.
async fn from_kept(
    state: &AppState,
    who: &Authenticated,
    meta: &RequestMeta,
    k: &Keepable,
) -> Option<Response> {
    let (pieces, headers) = state.page_cache.shells.get(&k.key, &k.user)?;
    let section = (k.draw)(state, who, meta).await.ok()?;
    assemble(&pieces, headers, &section.0)
}

/// A rendered page (its marker at `at`) as pieces to keep, when it may be
/// kept: a plain 200 that sets no cookie, with its nonce in its CSP.
fn shell_pieces(
    parts: &axum::http::response::Parts,
    page: &Bytes,
    at: usize,
) -> Option<Vec<Piece>> {
    if parts.status != StatusCode::OK || parts.headers.contains_key(header::SET_COOKIE) {
        return None;
    }
    let nonce = response_nonce(&parts.headers)?.as_bytes();
    let after = at + MARKER.len();
    // One marker only: the section goes in one place.
    if find(&page[after..], MARKER.as_bytes()).is_some() {
        return None;
    }
    let mut pieces = Vec::new();
    split_at_nonce(page.slice(..at), nonce, &mut pieces);
    pieces.push(Piece::Section);
    split_at_nonce(page.slice(after..), nonce, &mut pieces);
    Some(pieces)
}
