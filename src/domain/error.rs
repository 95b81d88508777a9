//! The one error type that crosses the wire. Every variant carries only words
//! meant for a person; internal causes stay in the server log, found again by
//! the request id shown in `Internal`. Which HTTP status each variant gets
//! is decided in the web layer (`server::web::status`).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Field-level problems of a submitted form: (field name, message).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors {
    pub fields: Vec<(String, String)>,
}

impl FormErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with one field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields.push((field.to_string(), message.into()));
    }

    /// Records `r`'s problem, if any, for `field`, and passes its value on.
    pub fn check<T>(&mut self, field: &str, r: Result<T, String>) -> Option<T> {
        r.map_err(|m| self.add(field, m)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn field(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

impl From<FormErrors> for AppError {
    fn from(f: FormErrors) -> Self {
        AppError::Invalid(f)
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
    /// A single field's message, when this is a validation error.
    pub fn field(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(f) => f.field(field).map(str::to_string),
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

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Unavailable,
            _ => AppError::Internal {
                request_id: String::from("-"),
            },
        }
    }
}
