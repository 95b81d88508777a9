//! Links in emails: always built from the configured public URL, never
//! from a request's Host header, and signed where they act.

use super::state::AppState;

/// The public URL with a trailing slash.
pub fn base_url(state: &AppState) -> String {
    let mut u = state.settings.public_url().to_string();
    if !u.ends_with('/') {
        u.push('/');
    }
    u
}

/// A link to `path` (no leading slash) on this site with a signed `token`
/// of `purpose` carrying `data`, valid for `valid`.
pub fn signed(
    state: &AppState,
    path: &str,
    purpose: &str,
    data: &impl serde::Serialize,
    valid: chrono::Duration,
) -> String {
    use secrecy::ExposeSecret;
    let token = state.signer.sign(purpose, data, state.now() + valid);
    format!("{}{path}?token={}", base_url(state), token.expose_secret())
}

/// The purpose of an email-confirmation link's token.
pub const VERIFY_EMAIL: &str = "verify_email";
/// The purpose of an email-change link's token.
pub const CHANGE_EMAIL: &str = "change_email";
/// The purpose of a sign-in alert's end-this-session link's token.
pub const END_SESSION: &str = "end_session";

/// The link that confirms `email` as `user_id`'s address (48 hours).
pub fn verify_email(state: &AppState, user_id: &str, email: &str) -> String {
    signed(
        state,
        "verify-email",
        VERIFY_EMAIL,
        &(user_id, email),
        chrono::Duration::hours(48),
    )
}

/// The link that ends session `session_id` of `user_id` (7 days; a session
/// ends only once, so it works once).
pub fn end_session(state: &AppState, user_id: &str, session_id: &str) -> String {
    signed(
        state,
        "sessions/end",
        END_SESSION,
        &(user_id, session_id),
        chrono::Duration::days(7),
    )
}
