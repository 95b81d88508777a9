//! What the web layer's handlers share: the app's state and the web's own
//! (rendering options, static files, the page cache), the context every
//! render and server-function call gets.

use super::assets::Assets;
use super::page_cache;
use crate::server::state::AppState;
use crate::ui::components::status::PageStatus;
use axum::http::{header, HeaderValue};
use leptos::prelude::*;

/// What the router's handlers share: the app's state and the web's own.
#[derive(Clone)]
pub struct Web {
    pub app: AppState,
    pub options: LeptosOptions,
    pub assets: Assets,
    pub pages: page_cache::PageCache,
}

impl axum::extract::FromRef<Web> for LeptosOptions {
    fn from_ref(web: &Web) -> Self {
        web.options.clone()
    }
}

pub fn leptos_options(state: &AppState) -> LeptosOptions {
    // cargo-leptos writes hash.txt beside the server binary when it hashes
    // file names; without it (tests) the plain names are used.
    let hashed = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("hash.txt")))
        .is_some_and(|p| p.exists());
    LeptosOptions::builder()
        .output_name("vestibule")
        .site_root(state.settings.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(state.settings.addr)
        .hash_files(hashed)
        .build()
}

/// Puts the state into every render and server-function call, names this
/// render's nonce in the page's CSP header (S24), and, for a page, gives it
/// the slot its error status goes in.
pub fn leptos_context(
    state: AppState,
    status: Option<PageStatus>,
) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(state.clone());
        if let Some(s) = &status {
            provide_context(s.clone());
        }
        if let (Some(nonce), Some(res)) = (
            leptos::nonce::use_nonce(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) {
            if let Ok(v) = HeaderValue::from_str(&super::csp::csp(Some(&nonce))) {
                res.insert_header(header::CONTENT_SECURITY_POLICY, v);
            }
        }
    }
}
