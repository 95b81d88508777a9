//! Types shared by the browser and the server: validated values, the wire
//! error, and the data the pages show. Serde only; no sqlx or axum here.

pub mod error;
pub mod groups;
pub mod types;
pub mod views;

pub use error::{AppError, FormErrors};
pub use groups::*;
pub use types::*;
pub use views::*;
