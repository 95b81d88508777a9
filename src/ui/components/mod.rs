//! Reusable pieces: the navigation with the auth state, and form fields.

pub mod drawn;
pub mod form;
pub mod nav;
pub mod title;
