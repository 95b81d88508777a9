//! Sessions underneath: the cookie (S13), the middleware that turns a cookie
//! into the current user (S14, S16, S17, S21), and the activity tracker that
//! keeps `request_count`, `last_activity` and the analytics counters current
//! without a database write per request.
//!
//! The tracker adds to an in-memory map; a background task writes it out in
//! one transaction every `VESTIBULE_ACTIVITY_FLUSH_MS`, and once more during
//! graceful shutdown, so a clean stop loses nothing.

use super::http::RequestMeta;
use super::state::AppState;
use super::store::{ActivityDelta, SessionAuthRow, UserRow};
use super::tokens::{is_well_formed_token, token_hash};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const COOKIE: &str = "vestibule_session";
pub const COOKIE_HTTPS: &str = "__Host-vestibule_session";

/// The signed-in caller, put in request extensions by [`authenticate`]. `user`
/// is the account as it was read with the session at the start of this request.
#[derive(Clone)]
pub struct Authenticated {
    pub session_id: String,
    pub user_id: String,
    pub user: Arc<UserRow>,
}

impl std::fmt::Debug for Authenticated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticated")
            .field("session_id", &self.session_id)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

pub fn cookie_name(https: bool) -> &'static str {
    if https {
        COOKIE_HTTPS
    } else {
        COOKIE
    }
}

/// The Set-Cookie value that hands out `token`.
pub fn set_cookie(https: bool, token: &str, max_age: Option<chrono::Duration>) -> String {
    let mut c = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax",
        cookie_name(https)
    );
    if https {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={}", age.num_seconds().max(0)));
    }
    c
}

/// The Set-Cookie value that removes the cookie.
pub fn clear_cookie(https: bool) -> String {
    let mut c = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
        cookie_name(https)
    );
    if https {
        c.push_str("; Secure");
    }
    c
}

/// The session token the browser sent, if any.
pub fn read_cookie(headers: &HeaderMap, https: bool) -> Option<String> {
    let name = cookie_name(https);
    for value in headers.get_all(header::COOKIE) {
        let Ok(s) = value.to_str() else { continue };
        for pair in s.split(';') {
            if let Some((k, v)) = pair.trim().split_once('=') {
                if k == name {
                    return Some(v.to_string());
                }
            }
        }
    }
    None
}

/// Has this session run out at `now`? A session whose lifetime is longer than
/// the normal absolute one was made with "Keep me signed in".
pub fn is_expired(
    s: &SessionAuthRow,
    now: DateTime<Utc>,
    settings: &super::config::ServeSettings,
    pending_last: Option<DateTime<Utc>>,
) -> bool {
    let last = match pending_last {
        Some(p) if p > s.last_activity => p,
        _ => s.last_activity,
    };
    ran_out(s.created_at, last, s.expires_at, now, settings)
}

/// Whether a session that started at `created_at`, was last active at
/// `last_activity` and expires at `expires_at` has run out by `now`: past its
/// expiry, or idle longer than its kind of session may be.
pub fn ran_out(
    created_at: Option<DateTime<Utc>>,
    last_activity: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    settings: &super::config::ServeSettings,
) -> bool {
    if expires_at <= now {
        return true;
    }
    let remember = created_at
        .map(|c| expires_at - c > settings.absolute(false))
        .unwrap_or(false);
    last_activity + settings.idle(remember) <= now
}

/// Turns the session cookie into [`Authenticated`], refusing tokens we never
/// issued, revoked or expired sessions, and disabled or deleted accounts.
pub async fn authenticate(
    State(state): State<AppState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let https = state.settings.is_https();
    let mut clear = false;
    if let Some(token) = read_cookie(req.headers(), https) {
        if !is_well_formed_token(&token) {
            clear = true;
        } else {
            match state.store.session_by_token_hash(&token_hash(&token)).await {
                Ok(Some((row, user))) => {
                    let now = state.now();
                    let pending = state.tracker.pending_last_activity(&row.session_id);
                    if !row.user_active || row.user_deleted {
                        clear = true;
                    } else if is_expired(&row, now, &state.settings, pending) {
                        if let Err(e) = state.store.expire_session(&row.session_id, now).await {
                            tracing::warn!(error = %e, "could not mark a session expired");
                        }
                        clear = true;
                    } else {
                        if let Some(meta) = req.extensions().get::<RequestMeta>() {
                            state.tracker.touch(&row.session_id, now, meta);
                        }
                        req.extensions_mut().insert(Authenticated {
                            session_id: row.session_id,
                            user_id: row.user_id,
                            user: Arc::new(user),
                        });
                    }
                }
                Ok(None) => clear = true,
                Err(e) => {
                    // Fail closed (R2): no user, and say the service is unavailable.
                    tracing::error!(error = %e, "session lookup failed");
                    return unavailable();
                }
            }
        }
    }
    let mut res = next.run(req).await;
    if clear && !res.headers().contains_key(header::SET_COOKIE) {
        if let Ok(v) = HeaderValue::from_str(&clear_cookie(https)) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

fn unavailable() -> Response {
    let mut r = Response::new(Body::from(
        "The service is temporarily unavailable. Please try again shortly.",
    ));
    *r.status_mut() = axum::http::StatusCode::SERVICE_UNAVAILABLE;
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    r
}

/// Hashes the tracker's keys: ids of sessions the server made itself (read
/// back from the database), never text a client chooses, so no defence
/// against chosen collisions is needed, and the standard SipHash, half of
/// what tracking cost the sessions page (it looks up every session it
/// lists), is not used. Eight bytes a step, then a full avalanche.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut h = self.0;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(w);
            h = (h ^ u64::from_le_bytes(word))
                .wrapping_mul(K)
                .rotate_left(29);
        }
        for &b in words.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(K).rotate_left(29);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        h ^ (h >> 33)
    }
}

type IdHash = std::hash::BuildHasherDefault<IdHasher>;

/// Buffered per-session counters. Cloning shares the buffer.
#[derive(Clone, Default)]
pub struct ActivityTracker {
    inner: Arc<Mutex<HashMap<String, ActivityDelta, IdHash>>>,
    enabled: bool,
}

impl ActivityTracker {
    pub fn new(enabled: bool) -> Self {
        Self {
            inner: Arc::default(),
            enabled,
        }
    }

    /// Counts one request of a session.
    pub fn touch(&self, session_id: &str, now: DateTime<Utc>, meta: &RequestMeta) {
        if !self.enabled {
            return;
        }
        let is_api = meta.path.starts_with("/api/");
        let is_page = !is_api
            && meta.method == "GET"
            && !meta.path.starts_with("/pkg/")
            && !meta.path.contains('.');
        if let Ok(mut map) = self.inner.lock() {
            let d = map.entry(session_id.to_string()).or_default();
            d.requests += 1;
            d.last_activity = Some(now);
            if is_api {
                d.api_calls += 1;
                if d.last_endpoint.as_deref() != Some(meta.path.as_str()) {
                    d.last_endpoint = Some(meta.path.clone());
                }
            } else if is_page {
                d.page_views += 1;
                // The same page again keeps the text it has.
                if d.last_page.as_deref() != Some(meta.path.as_str()) {
                    d.last_page = Some(meta.path.clone());
                }
            }
        }
    }

    /// Counts a failed action (a wrong current password, a refused request).
    pub fn failed(&self, session_id: &str) {
        if let Ok(mut map) = self.inner.lock() {
            map.entry(session_id.to_string())
                .or_default()
                .failed_actions += 1;
        }
    }

    /// The requests and last activity buffered for a session and not
    /// written yet: what the sessions page adds to the stored ones (the
    /// buffered page and endpoint are not copied for it).
    pub fn pending(&self, session_id: &str) -> Option<(i32, Option<DateTime<Utc>>)> {
        self.inner
            .lock()
            .ok()
            .and_then(|m| m.get(session_id).map(|d| (d.requests, d.last_activity)))
    }

    pub fn pending_last_activity(&self, session_id: &str) -> Option<DateTime<Utc>> {
        self.inner
            .lock()
            .ok()
            .and_then(|m| m.get(session_id).and_then(|d| d.last_activity))
    }

    /// Writes what has been counted. On failure the counts go back into the
    /// buffer, so they are written with the next flush.
    pub async fn flush(&self, store: &super::store::Store) {
        let batch: Vec<(String, ActivityDelta)> = match self.inner.lock() {
            Ok(mut m) => m.drain().collect(),
            Err(_) => return,
        };
        if batch.is_empty() {
            return;
        }
        if let Err(e) = store.flush_activity(&batch).await {
            tracing::warn!(error = %e, sessions = batch.len(), "activity flush failed; will retry");
            if let Ok(mut m) = self.inner.lock() {
                for (id, d) in batch {
                    let e = m.entry(id).or_default();
                    e.requests += d.requests;
                    e.page_views += d.page_views;
                    e.api_calls += d.api_calls;
                    e.failed_actions += d.failed_actions;
                    if d.last_activity > e.last_activity {
                        e.last_activity = d.last_activity;
                    }
                    if e.last_page.is_none() {
                        e.last_page = d.last_page;
                    }
                    if e.last_endpoint.is_none() {
                        e.last_endpoint = d.last_endpoint;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IdHash;
    use std::hash::BuildHasher;

    #[test]
    fn session_ids_spread_over_the_table() {
        // UUIDv7 ids share their leading time bytes; the table uses the top
        // seven bits of the hash for its control bytes and the low ones for
        // the bucket.
        let ids: Vec<String> = (0..4096u32)
            .map(|i| {
                format!(
                    "019ad3f2-6b1c-7{:03x}-8{:03x}-00000000{:04x}",
                    i % 4096,
                    i / 7,
                    i
                )
            })
            .collect();
        let hashes: Vec<u64> = ids
            .iter()
            .map(|id| IdHash::default().hash_one(id))
            .collect();
        let mut seen = std::collections::HashSet::new();
        assert!(hashes.iter().all(|h| seen.insert(*h)), "no two ids collide");
        for (shift, buckets) in [(57, 128usize), (0, 256)] {
            let mut counts = vec![0usize; buckets];
            for h in &hashes {
                counts[((h >> shift) as usize) % buckets] += 1;
            }
            let expected = hashes.len() / buckets;
            assert!(
                counts.iter().all(|&c| c > 0 && c < expected * 3),
                "{shift}: {counts:?}"
            );
        }
    }
}
