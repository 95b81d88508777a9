//! SQL both engines accept, written once and stamped out for each engine's
//! store type by macros (`$n` placeholders, moments bound from Rust, no
//! `now()`). Each `*_sql!` macro implements one contract trait; what differs
//! between the engines is written beside each engine (`store::sqlite`,
//! `store::postgres`).

pub mod activity;
pub mod groups;
pub mod sessions;
pub mod throttle;
pub mod users;

/// Bumped after every commit that changes what a group listing shows, so
/// the anonymous page cache (`server::web::page_cache`) drops listings that
/// went stale on this instance.
#[derive(Debug, Default)]
pub struct Changes(std::sync::atomic::AtomicU64);

impl Changes {
    pub fn bump(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}
