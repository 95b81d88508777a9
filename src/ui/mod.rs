//! The user interface: small reusable pieces and one file per page.

pub mod components;
pub mod pages;
