//! The account lifecycle, one file for each thing a person does:
//! registering, signing in and out, editing the profile, changing the email
//! or the password, and deleting the account. Server functions call these
//! with parsed input and the signed-in caller; these decide and call the store.

pub mod delete;
pub mod email;
pub mod password;
pub mod profile;
mod reauth;
pub mod register;
pub mod sign_in;
mod start;
