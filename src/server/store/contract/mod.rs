//! What the app asks of a database: one trait per aggregate, with the rows
//! they take and give. `store::sqlite` and `store::postgres` each implement
//! every trait; the contract tests (`tests/store.rs`) run against both.

mod activity;
mod error;
mod groups;
mod sessions;
mod throttle;
mod users;

pub use activity::*;
pub use error::*;
pub use groups::*;
pub use sessions::*;
pub use throttle::*;
pub use users::*;

/// Running the database itself: schema, health, statistics.
#[async_trait::async_trait]
pub trait Maintenance: Send + Sync {
    /// `"sqlite"` or `"postgres"`.
    fn engine(&self) -> &'static str;
    /// Applies pending migrations. Running it again is a no-op; on
    /// PostgreSQL sqlx holds an advisory lock, so instances starting
    /// together apply them once (R5).
    async fn migrate(&self) -> Result<(), String>;
    /// Is the database answering? For `/readyz`.
    async fn ping(&self) -> bool;
    /// Refreshes the planner's statistics after a bulk load such as seeding.
    async fn analyze(&self) -> StoreResult<()>;
    async fn close(&self);
}
