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

    pub fn set_cookie(value: &str) {
        if let (Some(res), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(value),
        ) {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }

    /// Only local paths are followed after sign-in (no open redirect).
    pub fn safe_next(next: Option<String>, default: &str) -> String {
        match next {
            Some(n)
                if n.starts_with('/')
                    && !n.starts_with("//")
                    && !n.contains('\\')
                    && n.len() <= 500 =>
            {
                n
            }
            _ => default.to_string(),
        }
    }
}
