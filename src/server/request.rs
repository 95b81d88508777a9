//! What a service knows about the request it serves: the facts it records
//! ([`RequestMeta`]), the signed-in caller ([`SignedIn`]), and how a failure
//! becomes what a person may see, with its cause logged (S34).

use super::store::{StoreError, UserRow};
use crate::domain::AppError;
use std::net::IpAddr;
use std::sync::Arc;

/// Facts about the request that services record.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    pub request_id: String,
    pub ip: IpAddr,
    pub user_agent: Option<String>,
    pub method: String,
    pub path: String,
}

impl RequestMeta {
    /// A request made by the server itself (tests, the command line).
    pub fn internal() -> Self {
        RequestMeta {
            request_id: "-".into(),
            ip: IpAddr::from([127, 0, 0, 1]),
            user_agent: None,
            method: "POST".into(),
            path: "/".into(),
        }
    }

    /// An internal failure as a person may see it: the request id only; the
    /// cause goes to the log.
    pub fn internal_error(&self, cause: impl std::fmt::Display) -> AppError {
        tracing::error!(request_id = %self.request_id, error = %cause, "request failed");
        AppError::Internal {
            request_id: self.request_id.clone(),
        }
    }

    /// A store failure as a person may see it.
    pub fn store_error(&self, e: StoreError) -> AppError {
        match e {
            StoreError::Unavailable(cause) => {
                tracing::error!(request_id = %self.request_id, error = %cause, "database unavailable");
                AppError::Unavailable
            }
            StoreError::NotFound => AppError::NotFound,
            other => self.internal_error(other),
        }
    }
}

/// The signed-in caller: a live session whose account may sign in, put in
/// the request by the session middleware. `user` is the account as it was
/// read with the session at the start of this request.
#[derive(Clone)]
pub struct SignedIn {
    pub session_id: String,
    pub user: Arc<UserRow>,
}

impl SignedIn {
    pub fn user_id(&self) -> &str {
        &self.user.id
    }
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("session_id", &self.session_id)
            .field("user_id", &self.user.id)
            .finish_non_exhaustive()
    }
}
