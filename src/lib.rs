//! Vestibule: a self-hosted account portal. One crate serves two builds: the
//! `ssr` server binary and the `hydrate` WebAssembly library.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod domain;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the browser build: attach to the server-rendered HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes load their chunk before hydrating (see app.rs).
    leptos::mount::hydrate_lazy(app::App);
}
