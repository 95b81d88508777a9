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
    // A panic's message in the console while developing; release builds
    // leave the hook's formatting code out of every first load.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // Lazy routes load their chunk before hydrating (see app.rs).
    leptos::mount::hydrate_lazy(app::App);
}

/// Slack for the WASM splitter (`cargo leptos build --split`). When it moves
/// each page's constant data into that page's chunk it lays the read-only
/// data out again, and if the padding between chunks makes the segment longer
/// than the linker's, it gives up and keeps *all* constant data in the main
/// module (about 46 KB more; seen after small view changes, see
/// docs/benchmarks.md). These bytes are linked into that segment but no code
/// reads them, so the splitter drops them and the padding has room.
#[cfg(feature = "hydrate")]
#[used]
static SPLIT_DATA_SLACK: [u8; 4096] = [0x5a; 4096];
