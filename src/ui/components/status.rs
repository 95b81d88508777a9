//! What a page shows instead of its content (a group that is not there, a
//! page someone may not see), told to the web layer, which gives the
//! response the matching HTTP status (`server::web::status`).

use crate::domain::AppError;

/// The error a page rendered on the server shows; the web layer provides
/// one per render and reads it when the page is done.
#[derive(Clone, Default)]
pub struct PageStatus(pub std::sync::Arc<std::sync::Mutex<Option<AppError>>>);

/// Tells the web layer that the page being rendered shows `error`.
pub fn report(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(status) = leptos::prelude::use_context::<PageStatus>() {
        if let Ok(mut slot) = status.0.lock() {
            *slot = Some(error.clone());
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}
