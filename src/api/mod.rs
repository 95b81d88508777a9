//! Server functions, by feature. Each is a stable POST endpoint under
//! `/api/`, says who may call it, reads the caller, and hands over to
//! `server::accounts` (or the store). No SQL here.

pub mod account;
pub mod auth;
pub mod groups;
pub mod sessions;

#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    //! What a server function needs from the request it serves.
    use crate::domain::AppError;
    use crate::server::http::RequestMeta;
    use crate::server::session::Authenticated;
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
            .unwrap_or(RequestMeta {
                request_id: "-".into(),
                ip: std::net::IpAddr::from([127, 0, 0, 1]),
                user_agent: None,
                method: "POST".into(),
                path: "/".into(),
            })
    }

    /// The signed-in caller, if any.
    pub fn caller() -> Option<Authenticated> {
        parts().and_then(|p| p.extensions.get::<Authenticated>().cloned())
    }

    /// Sets the HTTP status of an error for JSON callers and passes it on.
    pub fn respond<T>(r: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(e) = &r {
            crate::server::http::set_error_status(e);
        }
        r
    }

    /// [`respond`], and after a success of a plain form post, back to the
    /// page with `done=<note>` ([`note_done`]).
    pub fn respond_done<T>(r: Result<T, AppError>, note: &str) -> Result<T, AppError> {
        if r.is_ok() {
            note_done(note);
        }
        respond(r)
    }

    pub fn set_cookie(value: &str) {
        if let (Some(res), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(value),
        ) {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }

    /// After a plain form post (no JavaScript) that succeeded, sends the
    /// browser back to the form's page with `done=<note>`, so the page can
    /// say what happened. Calls from the page's script (fetch) are left alone.
    pub fn note_done(note: &str) {
        let Some(p) = parts() else {
            return;
        };
        let html = p
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        let referer = p
            .headers
            .get(http::header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(|r| url::Url::parse(r).ok());
        let (true, Some(back)) = (html, referer) else {
            return;
        };
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in back.query_pairs() {
            if !matches!(k.as_ref(), "done" | "__err" | "__path") {
                query.append_pair(&k, &v);
            }
        }
        query.append_pair("done", note);
        let path = safe_next(Some(back.path().to_string()), "/");
        leptos_axum::redirect(&format!("{path}?{}", query.finish()));
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
}
