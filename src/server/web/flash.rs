//! The outcome of a plain form post, carried back to the form's page for
//! this browser only: a sealed cookie that lives a minute, read and cleared
//! by the next page the browser loads (issues 28 and 32).
//!
//! Typed values never travel in a URL (history, proxies and access logs
//! would keep them), and a link cannot fill someone's form: the values come
//! only from a cookie this server sealed (`server::crypto`) for this browser
//! after its own post. Values of fields whose name says they are secret
//! (passwords, tokens, codes) are never kept.

use crate::domain::AppError;
use crate::server::cookies;
use crate::server::crypto::Sealer;
use crate::ui::components::form::Flash;
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use http::HeaderMap;

const COOKIE: &str = "vestibule_flash";
const COOKIE_HTTPS: &str = "__Host-vestibule_flash";
const PURPOSE: &str = "flash";
/// A sealed flash longer than this drops its typed values (a cookie holds about 4 KB).
const MAX_COOKIE: usize = 3800;

fn name(https: bool) -> &'static str {
    if https {
        COOKIE_HTTPS
    } else {
        COOKIE
    }
}

/// Is a field of this name never to be kept?
fn secret_field(field: &str) -> bool {
    let f = field.to_ascii_lowercase();
    ["password", "token", "code", "secret"]
        .iter()
        .any(|s| f.contains(s))
}

/// The fields of a posted form worth showing again (no secrets, no hidden
/// bookkeeping of ours), each cut to 1,000 characters.
pub fn typed_values(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .filter(|(k, _)| !secret_field(k) && !k.starts_with("__"))
        .map(|(k, v)| (k.into_owned(), v.chars().take(1000).collect()))
        .collect()
}

/// The error a server function's redirect carried back (`__err`), and the
/// location without it, as a path of this site (the browser's Referer, which
/// the location comes from, names our own page: cross-site posts never get
/// this far).
pub fn take_error(location: &str) -> (Option<AppError>, String) {
    let base = url::Url::parse("http://x/").ok();
    let Some(mut url) = base.and_then(|b| b.join(location).ok()) else {
        return (None, "/".to_string());
    };
    let mut error = None;
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter_map(|(k, v)| match k.as_ref() {
            "__err" => {
                error = URL_SAFE
                    .decode(v.as_bytes())
                    .ok()
                    .and_then(|b| serde_json::from_slice::<AppError>(&b).ok());
                None
            }
            "__path" => None,
            _ => Some((k.into_owned(), v.into_owned())),
        })
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let rest = &url[url::Position::BeforePath..];
    (error, rest.to_string())
}

/// The `Set-Cookie` value that hands `flash` to the browser.
pub fn set(sealer: &Sealer, https: bool, mut flash: Flash) -> Option<String> {
    let sealed = loop {
        let sealed = sealer.seal(PURPOSE, &serde_json::to_vec(&flash).ok()?)?;
        if sealed.len() <= MAX_COOKIE || flash.values.is_empty() {
            break sealed;
        }
        // Too long for a cookie: drop the longest typed value and try again.
        let longest = flash
            .values
            .iter()
            .enumerate()
            .max_by_key(|(_, (_, v))| v.len())
            .map(|(i, _)| i)?;
        flash.values.remove(longest);
    };
    let secure = if https { "; Secure" } else { "" };
    Some(format!(
        "{}={sealed}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60{secure}",
        name(https)
    ))
}

/// The `Set-Cookie` value that removes the flash.
pub fn clear(https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        name(https)
    )
}

/// `Some(flash)` when the request carries a flash cookie: the flash, if
/// this server sealed it, else `None`.
pub fn read(sealer: &Sealer, https: bool, headers: &HeaderMap) -> Option<Option<Flash>> {
    let raw = cookies::read(headers, name(https))?;
    Some(
        sealer
            .open(PURPOSE, &raw)
            .and_then(|b| serde_json::from_slice(&b).ok()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_never_kept() {
        let v = typed_values(b"login=ada%40example.org&password=hunter2&current_password=x&new_password=y&token=t&code=123&next=%2Fa&__path=z");
        assert_eq!(
            v,
            vec![
                ("login".to_string(), "ada@example.org".to_string()),
                ("next".to_string(), "/a".to_string())
            ]
        );
    }

    #[test]
    fn the_error_leaves_the_location() {
        let err = URL_SAFE.encode(serde_json::to_vec(&AppError::BadCredentials).unwrap());
        let (e, rest) = take_error(&format!(
            "/login?next=%2Fgroups&__path=%2Fapi%2Flogin&__err={err}"
        ));
        assert_eq!(e, Some(AppError::BadCredentials));
        assert_eq!(rest, "/login?next=%2Fgroups");
        let (e, rest) = take_error("/account?__path=x&__err=garbage");
        assert_eq!((e, rest.as_str()), (None, "/account"));
        let (_, rest) = take_error("http://127.0.0.1:3000/groups/a?done=1&__err=x");
        assert_eq!(rest, "/groups/a?done=1");
    }

    #[test]
    fn a_flash_opens_only_where_it_was_sealed() {
        let s = Sealer::new(b"0123456789abcdef0123456789abcdef", None);
        let f = Flash {
            page: "/login".into(),
            path: "/api/login".into(),
            error: Some(AppError::BadCredentials),
            values: vec![("login".into(), "x".repeat(1000)); 5],
        };
        let cookie = set(&s, false, f.clone()).unwrap();
        assert!(cookie.len() < 4096, "{}", cookie.len());
        let value = cookie.split(';').next().unwrap();
        let mut h = HeaderMap::new();
        h.insert(http::header::COOKIE, value.parse().unwrap());
        let back = read(&s, false, &h).unwrap().unwrap();
        assert_eq!((back.page, back.error), (f.page, f.error));
        assert!(
            !back.values.is_empty() && back.values.len() < 5,
            "values dropped to fit"
        );
        let other = Sealer::new(b"another key another key another!", None);
        assert_eq!(read(&other, false, &h), Some(None));
    }
}
