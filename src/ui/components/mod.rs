//! Reusable pieces: the navigation with the signed-in state, form fields and
//! what a post brings back, the document title, and escaping where Leptos
//! does not escape.

pub mod form;
pub mod nav;
pub mod page;
pub mod status;
pub mod text;
pub mod title;
pub mod url;
