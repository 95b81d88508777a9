//! Buffered per-session counters: `request_count`, `last_activity` and the
//! analytics counters move without a database write per request.
//!
//! The session middleware adds to an in-memory map; a background task writes
//! it out in one transaction every `VESTIBULE_ACTIVITY_FLUSH_MS`, and once
//! more during a graceful shutdown, so a clean stop loses nothing. A SIGKILL
//! loses at most the counts of the last interval (counters only: every
//! change a person asked for is written before it is answered).

use super::store::{ActivityDelta, Store};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What one request of a session was: a page view or a server-function call.
/// Static files, health checks and the favicon are neither and never count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit<'a> {
    Page(&'a str),
    Call(&'a str),
}

/// Buffered per-session counters. Cloning shares the buffer.
#[derive(Clone, Default)]
pub struct ActivityTracker {
    inner: Arc<Mutex<HashMap<String, ActivityDelta>>>,
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
    pub fn touch(&self, session_id: &str, now: DateTime<Utc>, hit: Hit<'_>) {
        if !self.enabled {
            return;
        }
        if let Ok(mut map) = self.inner.lock() {
            let d = map.entry(session_id.to_string()).or_default();
            d.requests += 1;
            d.last_activity = Some(now);
            match hit {
                Hit::Call(path) => {
                    d.api_calls += 1;
                    d.last_endpoint = Some(path.chars().take(255).collect());
                }
                Hit::Page(path) => {
                    d.page_views += 1;
                    d.last_page = Some(path.chars().take(255).collect());
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
    /// written yet.
    pub fn pending(&self, session_id: &str) -> Option<(i32, Option<DateTime<Utc>>)> {
        self.inner
            .lock()
            .ok()
            .and_then(|m| m.get(session_id).map(|d| (d.requests, d.last_activity)))
    }

    pub fn pending_last_activity(&self, session_id: &str) -> Option<DateTime<Utc>> {
        self.pending(session_id).and_then(|(_, t)| t)
    }

    /// Writes what has been counted. On failure the counts go back into the
    /// buffer, so they are written with the next flush.
    pub async fn flush(&self, store: &Store) {
        let batch: Vec<(String, ActivityDelta)> = match self.inner.lock() {
            Ok(mut m) => m.drain().collect(),
            Err(_) => return,
        };
        if batch.is_empty() {
            return;
        }
        if let Err(e) = store.sessions.flush_activity(&batch).await {
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
