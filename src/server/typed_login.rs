//! The login a refused sign-in typed, handed back to the form that comes
//! back. The sign-in answer is the same whoever tried (S9) and an address
//! should not go into a URL (history, proxy and server logs), so the server
//! gives it to this browser only: a cookie scoped to `/login` that lives two
//! minutes and that the next `/login` page reads and clears. This is how the
//! form keeps what was typed, with and without JavaScript.

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub const COOKIE: &str = "vestibule_typed_login";
const MAX_AGE_SECS: u32 = 120;
/// The sign-in form's `maxlength`; anything longer is not kept.
const MAX_CHARS: usize = 255;

fn keepable(login: &str) -> bool {
    !login.is_empty() && login.chars().count() <= MAX_CHARS
}

/// The Set-Cookie value that keeps `login` for the form, or `None` when
/// there is nothing sensible to keep (empty or longer than the form allows).
pub fn keep(login: &str, https: bool) -> Option<String> {
    keepable(login).then(|| {
        let secure = if https { "; Secure" } else { "" };
        format!(
            "{COOKIE}={}; Path=/login; HttpOnly; SameSite=Lax; Max-Age={MAX_AGE_SECS}{secure}",
            URL_SAFE_NO_PAD.encode(login)
        )
    })
}

/// The Set-Cookie value that removes the kept login.
pub fn forget(https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/login; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// `Some(kept)` when the request carries the cookie: `kept` is the login it
/// holds, or `None` when the cookie is not one this server wrote.
pub fn read(headers: &HeaderMap) -> Option<Option<String>> {
    let raw = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|s| s.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)?;
    Some(
        URL_SAFE_NO_PAD
            .decode(raw)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|s| keepable(s)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn request_with(set_cookie: &str) -> HeaderMap {
        let pair = set_cookie.split(';').next().unwrap();
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("other=1; {pair}")).unwrap(),
        );
        h
    }

    #[test]
    fn a_kept_login_comes_back_as_typed() {
        for login in ["Ada@Example.org", "ada; Path=/", "zoë \"q\" <b>", "a=b,c"] {
            let c = keep(login, false).unwrap();
            assert!(c.contains("Path=/login; HttpOnly; SameSite=Lax; Max-Age=120"));
            assert!(!c.contains("Secure"));
            assert_eq!(read(&request_with(&c)), Some(Some(login.to_string())));
        }
        assert!(keep("ada", true).unwrap().ends_with("; Secure"));
    }

    #[test]
    fn nothing_odd_is_kept_or_read() {
        assert_eq!(keep("", false), None);
        assert_eq!(keep(&"a".repeat(256), false), None);
        assert!(keep(&"é".repeat(255), false).is_some());
        assert_eq!(read(&HeaderMap::new()), None);
        let forged = format!("{COOKIE}=not base64!");
        assert_eq!(read(&request_with(&forged)), Some(None));
        let long = format!("{COOKIE}={}", URL_SAFE_NO_PAD.encode("a".repeat(300)));
        assert_eq!(read(&request_with(&long)), Some(None));
        assert!(forget(false).contains("Max-Age=0"));
    }
}
