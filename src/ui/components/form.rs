//! Form pieces for forms that post plainly: a labelled field with its error
//! beside it, and the message for errors that belong to no field. Errors come
//! back in the page's URL from the server's redirect, and carry what was
//! typed.

use crate::domain::AppError;
use leptos::either::Either;
use leptos::prelude::*;

/// A checkbox with its label.
#[component]
pub fn Checkbox(
    label: &'static str,
    name: &'static str,
    #[prop(optional)] checked: bool,
) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <div class="field checkbox">
            <input id=id.clone() name=name type="checkbox" value="on" checked=checked/>
            <label for=id>{label}</label>
        </div>
    }
}

/// The ids that describe field `id`: its hint and its error, when present.
fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    match (hint, error) {
        (false, false) => None,
        (true, false) => Some(format!("{id}-hint")),
        (false, true) => Some(format!("{id}-error")),
        (true, true) => Some(format!("{id}-hint {id}-error")),
    }
}

/// The text of an error that belongs to no single field.
fn form_level(error: Option<&AppError>) -> Option<String> {
    match error {
        None | Some(AppError::Invalid(_)) => None,
        Some(e) => Some(e.to_string()),
    }
}

/// The error that a plain form post to server function `path` carried back
/// in the URL (`__path` and `__err`, put there by the server for a post that
/// came without JavaScript), read once while the page renders.
pub fn posted_error(path: &str) -> Option<AppError> {
    use leptos::server::ServerActionError;
    use leptos::server_fn::error::ServerFnUrlError;
    use_context::<ServerActionError>()
        .filter(|e| e.path() == path)
        .map(|e| ServerFnUrlError::<AppError>::decode_err(e.err()))
}

/// A labelled field rendered once, for forms that post plainly (the page
/// reloads with the server's answer): nothing in it changes afterwards, so
/// it carries no reactive code into the browser. A refused form shows what
/// was typed (never a password) and the message beside the field.
#[component]
pub fn PlainField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    error: Option<AppError>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
    /// What the field holds when the page is drawn (never for a password).
    #[prop(default = None)]
    value: Option<String>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let message = error.as_ref().and_then(|e| e.field(name));
    let kept = if kind == "password" {
        None
    } else {
        error.as_ref().and_then(|e| e.value(name)).or(value)
    };
    let described = described_by(&id, hint.is_some(), message.is_some());
    let invalid = message.as_ref().map(|_| "true");
    let hidden = message.is_none();
    let input = if kind == "textarea" {
        // Leptos writes a textarea's text unescaped on the server (S26); the
        // browser decodes the references, so the hydrated text matches.
        let text = kept.unwrap_or_default();
        #[cfg(feature = "ssr")]
        let text = escape_html(&text);
        Either::Left(view! {
            <textarea id=id.clone() name=name rows="4"
                maxlength=maxlength
                aria-invalid=invalid
                aria-describedby=described>{text}</textarea>
        })
    } else {
        Either::Right(view! {
            <input id=id.clone() name=name type=kind
                autocomplete=autocomplete
                required=required
                maxlength=maxlength
                aria-invalid=invalid
                aria-describedby=described
                value=kept/>
        })
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {input}
            <p class="field-error" id=format!("{id}-error") hidden=hidden>{message}</p>
        </div>
    }
}

/// The message for an error of a plain form that belongs to no single field.
#[component]
pub fn PlainFormError(error: Option<AppError>) -> impl IntoView {
    view! {
        <div class="form-error" role="alert">
            {form_level(error.as_ref()).map(|t| view! { <p>{t}</p> })}
        </div>
    }
}

/// Whether this page was reached after a plain form post (no JavaScript)
/// that succeeded with `note` (the server's `ctx::note_done`) and came back
/// without an error. Read once: the URL does not change under the page.
pub fn done_note(note: &'static str) -> bool {
    let q = leptos_router::hooks::use_query_map().get_untracked();
    q.get("done").as_deref() == Some(note) && q.get("__err").is_none()
}

/// What a refused form had in `field` (read once, as the page is drawn),
/// else `default`: the select and the check boxes come back as they were sent.
pub fn kept(error: Option<&AppError>, field: &str, default: String) -> String {
    error.and_then(|e| e.value(field)).unwrap_or(default)
}

pub fn kept_flag(error: Option<&AppError>, field: &str, default: bool) -> bool {
    match error.and_then(|e| e.value(field)).as_deref() {
        Some("on") => true,
        Some("off") => false,
        _ => default,
    }
}

/// Escapes text for an HTML text context.
#[cfg(feature = "ssr")]
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    super::drawn::escape_into(&mut out, s);
    out
}
