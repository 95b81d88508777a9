//! Types shared by the browser and the server: validated values, the drafts
//! built from forms, the wire error, and what the pages show. Serde only; no
//! sqlx, axum, HTTP or HTML here, and nothing else of this crate.

pub mod account;
pub mod error;
pub mod groups;
pub mod sessions;

pub use account::*;
pub use error::{AppError, FormErrors};
pub use groups::*;
pub use sessions::*;
