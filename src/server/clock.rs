//! Time as a dependency, so tests can move it instead of sleeping (S17).

use chrono::{DateTime, SubsecRound, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock, rounded to microseconds (what PostgreSQL keeps), so a value
/// read back equals the value written on both engines.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// A clock that tests move by hand: it starts at the real time and adds an offset.
#[derive(Default)]
pub struct OffsetClock {
    offset: Mutex<chrono::Duration>,
}

impl OffsetClock {
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut o) = self.offset.lock() {
            *o += by;
        }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = self.offset.lock().map(|o| *o).unwrap_or_default();
        Utc::now().trunc_subsecs(6) + offset
    }
}
