//! The session cookie (S13): its name, the values that hand it out and
//! remove it, and reading it from a request.

use super::tokens::SessionToken;
use http::{header, HeaderMap};
use secrecy::SecretString;

pub const COOKIE: &str = "vestibule_session";
pub const COOKIE_HTTPS: &str = "__Host-vestibule_session";

pub fn cookie_name(https: bool) -> &'static str {
    if https {
        COOKIE_HTTPS
    } else {
        COOKIE
    }
}

/// The Set-Cookie value that hands out `token`; `max_age` makes it outlive
/// the browser session ("Keep me signed in").
pub fn set_cookie(
    https: bool,
    token: &SessionToken,
    max_age: Option<chrono::Duration>,
) -> SecretString {
    let mut c = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax",
        cookie_name(https),
        token.expose()
    );
    if https {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={}", age.num_seconds().max(0)));
    }
    SecretString::from(c)
}

/// The Set-Cookie value that removes the cookie.
pub fn clear_cookie(https: bool) -> String {
    let mut c = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
        cookie_name(https)
    );
    if https {
        c.push_str("; Secure");
    }
    c
}

/// The value of cookie `name` in a request, if it carries one.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|s| s.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The session token the browser sent, if any.
pub fn read_session(headers: &HeaderMap, https: bool) -> Option<SecretString> {
    read(headers, cookie_name(https)).map(SecretString::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn cookies_are_scoped_and_flagged() {
        use secrecy::ExposeSecret;
        let token = SessionToken::generate();
        let t = token.expose().to_string();
        let c = set_cookie(true, &token, Some(chrono::Duration::days(1)));
        assert_eq!(
            c.expose_secret(),
            format!("__Host-vestibule_session={t}; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=86400")
        );
        assert_eq!(
            set_cookie(false, &token, None).expose_secret(),
            format!("vestibule_session={t}; Path=/; HttpOnly; SameSite=Lax")
        );
        assert!(!format!("{token:?}").contains(&t), "Debug hides the token");
        assert!(clear_cookie(false).ends_with("Max-Age=0"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; vestibule_session=xyz; b=2"),
        );
        assert_eq!(
            read_session(&h, false).map(|t| t.expose_secret().to_string()),
            Some("xyz".to_string())
        );
        assert!(read_session(&h, true).is_none());
    }
}
