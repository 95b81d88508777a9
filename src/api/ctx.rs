//! What a server function needs from the request it serves: the state, the
//! request's facts, the signed-in caller, and a way to set a cookie or send
//! a plain form post elsewhere.

use crate::domain::AppError;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;
use leptos::prelude::*;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Internal {
        request_id: "-".into(),
    })
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

pub fn meta() -> RequestMeta {
    parts()
        .and_then(|p| p.extensions.get::<RequestMeta>().cloned())
        .unwrap_or_else(RequestMeta::internal)
}

/// The signed-in caller, if any.
pub fn caller() -> Option<SignedIn> {
    parts().and_then(|p| p.extensions.get::<SignedIn>().cloned())
}

/// The signed-in caller, or `Unauthenticated`: the one check every
/// function for signed-in people starts with.
pub fn signed_in() -> Result<SignedIn, AppError> {
    caller().ok_or(AppError::Unauthenticated)
}

/// Adds a `Set-Cookie` to the answer.
pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        res.append_header(http::header::SET_COOKIE, v);
    }
}

/// Sends a plain form post on to `path` of this site (a script gets the
/// answer and a header naming the path). Only our own paths: see
/// [`safe_next`].
pub fn go_to(path: &str) {
    leptos_axum::redirect(&safe_next(Some(path.to_string()), "/"));
}

/// Only local paths are followed after sign-in (no open redirect): one
/// leading `/` not followed by another slash or backslash, and nothing but
/// visible ASCII (browsers drop tabs and newlines from a Location, so
/// `/\t/evil.example` would become `//evil.example`; a CR or LF would not
/// even make a header). Anything else goes to `default`.
pub fn safe_next(next: Option<String>, default: &str) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && n.len() <= 500
                && n.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            n
        }
        _ => default.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        let go = |n: &str| safe_next(Some(n.to_string()), "/account");
        assert_eq!(go("/account/sessions"), "/account/sessions");
        assert_eq!(go("/groups?q=a%20b&page=2"), "/groups?q=a%20b&page=2");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/ /evil.example",
            "https://evil.example/",
            "evil.example",
            "/caf\u{e9}",
            "",
        ] {
            assert_eq!(go(bad), "/account", "{bad:?}");
        }
        assert_eq!(safe_next(None, "/account"), "/account");
    }
}
