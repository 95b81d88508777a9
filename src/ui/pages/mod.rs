//! One file (or folder) per route.

mod account;
mod activity;
mod auth;
mod groups;
mod home;
mod links;
mod not_found;
mod sessions;

pub use account::{AccountNav, DeletePage, EmailPage, PasswordPage, ProfilePage};
pub use activity::ActivityPage;
pub use auth::{LoginPage, RegisterPage};
pub use groups::{GroupPage, GroupsPage, ManageGroupPage, NewGroupPage};
pub use home::HomePage;
pub use links::{EndSessionPage, VerifyEmailPage};
pub use not_found::NotFound;
pub use sessions::SessionsPage;
