//! The one error type that crosses the wire. Every variant carries only words
//! meant for a person; internal causes stay in the server log, found again by
//! the request id shown in `Internal`.

use serde::{Deserialize, Serialize};
use server_fn_error_compat::*;

/// Field-level problems of a submitted form, plus the non-secret values that
/// were typed, so a page rendered without JavaScript can show the form again
/// as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors {
    pub fields: Vec<(String, String)>,
    pub values: Vec<(String, String)>,
}

impl FormErrors {
    pub fn new() -> Self {
        Self::default()
    }
    /// Records a problem with one field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields.push((field.to_string(), message.into()));
    }
    /// Keeps a typed value so the form can be shown again (never a password).
    pub fn keep(&mut self, field: &str, value: &str) {
        // Cap what goes back into a URL; oversized input is refused anyway.
        let v: String = value.chars().take(1000).collect();
        self.values.push((field.to_string(), v));
    }
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
    pub fn field(&self, field: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }
    pub fn value(&self, field: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
    }
    /// `Ok(())` when nothing was recorded, else the error to return.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please correct the highlighted fields.")]
    Invalid(FormErrors),
    #[error("Incorrect username/email or password.")]
    BadCredentials,
    #[error("Too many attempts. Please wait a few minutes and try again.")]
    TooManyAttempts,
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// Not allowed for a reason the person can act on.
    #[error("{0}")]
    Refused(String),
    #[error("Not found.")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("This link is invalid or has expired.")]
    InvalidLink,
    #[error("The service is temporarily unavailable. Please try again shortly.")]
    Unavailable,
    #[error("The request could not be understood.")]
    BadRequest,
    #[error("Something went wrong on our side. Reference: {request_id}")]
    Internal { request_id: String },
}

impl AppError {
    /// The HTTP status a JSON client sees for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::BadCredentials | AppError::Unauthenticated => 401,
            AppError::TooManyAttempts => 429,
            AppError::Forbidden | AppError::Refused(_) => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::InvalidLink => 400,
            AppError::Unavailable => 503,
            AppError::BadRequest => 400,
            AppError::Internal { .. } => 500,
        }
    }

    /// A single field's message, when this is a validation error.
    pub fn field(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(f) => f.field(field),
            _ => None,
        }
    }

    /// A value typed into the form before it was refused.
    pub fn value(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(f) => f.value(field),
            _ => None,
        }
    }

    /// Shorthand for a one-field validation error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut f = FormErrors::new();
        f.add(field, message);
        AppError::Invalid(f)
    }
}

mod server_fn_error_compat {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let err = match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Unavailable,
            _ => AppError::Internal {
                request_id: String::from("-"),
            },
        };
        #[cfg(feature = "ssr")]
        crate::server::http::set_error_status(&err);
        err
    }
}
