//! SQLite reads run on the calling thread, for the reads every signed-in
//! request makes (the session and its account) and the sessions page.
//!
//! sqlx runs each SQLite connection on a thread of its own: a query is a
//! message to that thread and every row a message back, and each message
//! wakes a thread. A read of a few indexed rows takes SQLite microseconds;
//! the hand-offs cost more than the query (a profile of `/account/sessions`
//! put a tenth of the server's time in futex wake-ups and context
//! switches). These connections are opened read-only with rusqlite, which
//! links the same SQLite library as sqlx, and are called directly from the
//! request's task: in WAL mode a reader never waits for the writer, so the
//! call does not stall the runtime for longer than the query itself.
//! docs/decisions.md, "Store", says more.

use super::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Connections kept idle; more only open while that many requests read at once.
const KEEP: usize = 8;

/// Read-only connections to one SQLite file.
pub struct Direct {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Asked only for `PRAGMA data_version` (see [`Direct::data_version`]).
    watch: Mutex<Connection>,
    closed: AtomicBool,
}

impl std::fmt::Debug for Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Direct").finish_non_exhaustive()
    }
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // A WAL reader is only ever kept waiting while the log is being
    // recovered after a crash; wait briefly rather than fail the request.
    conn.busy_timeout(Duration::from_millis(250))?;
    conn.pragma_update(None, "cache_size", -4000)?;
    conn.pragma_update(None, "mmap_size", 268_435_456)?;
    Ok(conn)
}

fn store_error(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(code, _)
            if matches!(
                code.code,
                rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::DatabaseLocked
                    | rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::SystemIoFailure
            ) =>
        {
            StoreError::Unavailable(e.to_string())
        }
        other => StoreError::Other(other.to_string()),
    }
}

impl Direct {
    /// Opens one connection now, so that a database that cannot be read
    /// fails at start. The schema must exist before the first query.
    pub fn open(path: &Path) -> Result<Self, String> {
        let first = open(path).map_err(|e| e.to_string())?;
        let watch = open(path).map_err(|e| e.to_string())?;
        Ok(Direct {
            path: path.to_path_buf(),
            idle: Mutex::new(vec![first]),
            watch: Mutex::new(watch),
            closed: AtomicBool::new(false),
        })
    }

    /// Runs `read` on an idle connection (or a new one). A connection whose
    /// query failed is closed rather than kept, whatever the reason.
    pub fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::Unavailable("the store is closed".into()));
        }
        let conn = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match conn {
            Some(c) => c,
            None => open(&self.path).map_err(store_error)?,
        };
        let result = read(&conn).map_err(store_error)?;
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < KEEP {
                idle.push(conn);
            }
        }
        Ok(result)
    }

    /// A number that changes whenever any connection, of this process or
    /// another, commits a change to the database (SQLite's `PRAGMA
    /// data_version`, asked of a connection that never writes). Read it
    /// before a query whose answer is kept: an answer kept under a version
    /// is never newer than the database was at that version.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::Unavailable("the store is closed".into()));
        }
        let watch = self
            .watch
            .lock()
            .map_err(|_| StoreError::Unavailable("data version watch".into()))?;
        watch
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut st| st.query_row([], |r| r.get(0)))
            .map_err(store_error)
    }

    /// Closes the idle connections; reads after this fail.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }
}

/// A moment as sqlx writes it into SQLite (RFC 3339, `+00:00`), so that a
/// bound value compares with stored text as the moments compare.
pub fn sqlite_moment(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// Answers kept per key (a user), each with the data version it was read
/// at and the value of the query's lower bound; an answer is used only while
/// the database has not changed since ([`Direct::data_version`]).
pub struct Memo<T> {
    entries: Mutex<HashMap<String, Kept<T>>>,
}

struct Kept<T> {
    version: i64,
    bound: chrono::DateTime<chrono::Utc>,
    value: Arc<T>,
}

/// At most this many answers are kept; past it, all are dropped at once.
const MEMO_ENTRIES: usize = 4096;

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> std::fmt::Debug for Memo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo").finish_non_exhaustive()
    }
}

impl<T> Memo<T> {
    /// The answer kept for `key` at `version`, if it was read with a lower
    /// bound at or below `bound` (so it holds every row the caller wants).
    pub fn get(
        &self,
        key: &str,
        version: i64,
        bound: chrono::DateTime<chrono::Utc>,
    ) -> Option<Arc<T>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|k| k.version == version && k.bound <= bound)
            .map(|k| k.value.clone())
    }

    pub fn put(
        &self,
        key: &str,
        version: i64,
        bound: chrono::DateTime<chrono::Utc>,
        value: Arc<T>,
    ) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MEMO_ENTRIES && !entries.contains_key(key) {
                entries.clear();
            }
            entries.insert(
                key.to_string(),
                Kept {
                    version,
                    bound,
                    value,
                },
            );
        }
    }
}
