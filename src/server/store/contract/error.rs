//! The data layer's one error type. None of its text is meant for a person:
//! the services turn it into an `AppError` and log the cause.

/// Errors of the data layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the text names what collided.
    #[error("conflict on {0}")]
    Conflict(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                let what = db
                    .constraint()
                    .map(str::to_string)
                    .unwrap_or_else(|| db.message().to_string());
                StoreError::Conflict(what)
            }
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Other(e.to_string()),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A new UUID v7 as text, the form every VARCHAR id column holds.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Cuts text to a column's size on a character boundary (for values the
/// server records, such as user agents, never for values a person typed:
/// those are refused when too long).
pub fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
