//! Forms that post plainly, with or without JavaScript, and what comes back.
//!
//! A refused post comes back to its page through the flash (a sealed,
//! short-lived cookie the server sets for this browser only; never the URL,
//! `server::web::flash`), with the error and what was typed (never a
//! password). The page shows an error summary that takes the focus and
//! links to each field, the message beside each field, and the form as it
//! was; with JavaScript the summary is also read out by a live region. A
//! post that succeeded comes back with a note for its form.

use crate::domain::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The outcome of the last plain form post from this browser, for the page
/// it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// The page the form was on.
    pub page: String,
    /// The server function it posted to.
    pub path: String,
    /// `None` when the post succeeded.
    pub error: Option<AppError>,
    /// What was typed, for a refused post (no secrets).
    pub values: Vec<(String, String)>,
}

/// What a form's page shows after a post to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Posted {
    pub error: Option<AppError>,
    pub values: Vec<(String, String)>,
    pub succeeded: bool,
}

impl Posted {
    /// What was typed into `field`, when the post was refused.
    pub fn value(&self, field: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
    }

    /// What `field` shows: what was typed, else `default`.
    pub fn value_or(&self, field: &str, default: Option<String>) -> Option<String> {
        if self.error.is_some() {
            self.value(field).or(default)
        } else {
            default
        }
    }

    /// A check box's state: as sent when the post was refused, else `default`.
    pub fn flag_or(&self, field: &str, default: bool) -> bool {
        if self.error.is_some() {
            self.value(field).is_some()
        } else {
            default
        }
    }
}

/// The flash of this page load, provided once by the app.
#[derive(Clone, Copy)]
struct FlashSlot(StoredValue<Option<Flash>>);

/// Reads the flash the server handed this page load (the server puts it in
/// the request; the browser gets the same value with the page) and keeps it
/// until the first navigation.
pub fn provide_flash() {
    let shared = leptos::prelude::SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<Flash>().cloned())
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<Flash>
        }
    });
    let slot = StoredValue::new(shared.into_inner());
    provide_context(FlashSlot(slot));
    // A page reached later, in the browser, was not where the post came from.
    let location = leptos_router::hooks::use_location();
    let first = location.pathname.get_untracked();
    Effect::new(move |_| {
        if location.pathname.get() != first {
            slot.set_value(None);
        }
    });
}

/// What the last plain post to server function `path` came back with, when
/// this page is the one it came from.
pub fn posted(path: &str) -> Posted {
    let flash = use_context::<FlashSlot>().and_then(|s| s.0.get_value());
    match flash {
        Some(f) if f.path == path => Posted {
            succeeded: f.error.is_none(),
            error: f.error,
            values: f.values,
        },
        _ => Posted::default(),
    }
}

/// The first of `paths` that a post came back to this page from.
pub fn posted_any(paths: &[&str]) -> Posted {
    paths
        .iter()
        .map(|p| posted(p))
        .find(|p| p.error.is_some() || p.succeeded)
        .unwrap_or_default()
}

/// A checkbox with its label.
pub fn checkbox(label: &'static str, name: &'static str, checked: bool) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <div class="field checkbox">
            <input id=id.clone() name=name type="checkbox" value="on" checked=checked/>
            <label for=id>{label}</label>
        </div>
    }
}

/// A labelled choice: `options` are (value, words, selected).
pub fn select_field(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String, bool)>,
) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                {options.into_iter().map(|(value, words, selected)| view! {
                    <option value=value selected=selected>{words}</option>
                }).collect_view()}
            </select>
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

/// What a labelled field shows. Built as a struct literal with
/// `..FieldSpec::default()` (a component's prop builder makes code for each
/// set of props a call site uses, and forms have many fields).
#[derive(Clone, Default)]
pub struct FieldSpec {
    pub label: &'static str,
    pub name: &'static str,
    /// The input type, or `"textarea"`; empty means `"text"`.
    pub kind: &'static str,
    pub autocomplete: Option<&'static str>,
    /// What came back from the last post of this form.
    pub posted: Posted,
    pub hint: Option<&'static str>,
    pub required: bool,
    pub maxlength: Option<usize>,
    /// What the field holds when the page is drawn (never for a password).
    pub value: Option<String>,
}

/// A labelled field, drawn once for a form that posts plainly: a refused
/// form shows what was typed (never a password) and the message beside it.
pub fn field(spec: FieldSpec) -> impl IntoView {
    let FieldSpec {
        label,
        name,
        kind,
        autocomplete,
        posted,
        hint,
        required,
        maxlength,
        value,
    } = spec;
    let kind = if kind.is_empty() { "text" } else { kind };
    let id = format!("f-{name}");
    let message = posted.error.as_ref().and_then(|e| e.field(name));
    let value = if kind == "password" {
        None
    } else {
        posted.value_or(name, value)
    };
    let described = described_by(&id, hint.is_some(), message.is_some());
    let invalid = message.as_ref().map(|_| "true");
    let hidden = message.is_none();
    let input = if kind == "textarea" {
        // Written into the HTML unescaped by Leptos (see `text`).
        let text = super::text::for_raw_html(value.unwrap_or_default());
        Either::Left(view! {
            <textarea id=id.clone() name=name rows="4" maxlength=maxlength
                aria-invalid=invalid aria-describedby=described>{text}</textarea>
        })
    } else {
        Either::Right(view! {
            <input id=id.clone() name=name type=kind autocomplete=autocomplete
                required=required maxlength=maxlength
                aria-invalid=invalid aria-describedby=described value=value/>
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

/// The error summary of a refused form: it takes the focus when the page
/// loads (with or without JavaScript), names the problem and links to each
/// field that has one; with JavaScript its words also go to the page's
/// live region, so a screen reader announces them.
pub fn error_summary(posted: Posted) -> impl IntoView {
    let error = posted.error?;
    let (title, items) = match &error {
        AppError::Invalid(f) => (
            "There is a problem with what you entered".to_string(),
            f.fields.clone(),
        ),
        other => (other.to_string(), Vec::new()),
    };
    let spoken = std::iter::once(title.clone())
        .chain(items.iter().map(|(_, m)| m.clone()))
        .collect::<Vec<_>>()
        .join(" ");
    announce(spoken);
    Some(view! {
        <div class="error-summary" tabindex="-1" autofocus=true aria-labelledby="error-summary-title">
            <h2 id="error-summary-title">{title}</h2>
            {(!items.is_empty()).then(|| view! {
                <ul>
                    {items.into_iter().map(|(field, message)| view! {
                        <li><a href=format!("#f-{field}")>{message}</a></li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    })
}

/// The note after a post that succeeded, announced politely.
pub fn done(posted: Posted, text: &'static str) -> impl IntoView {
    view! {
        <div class="form-success" role="status">
            {posted.succeeded.then(|| view! { <p>{text}</p> })}
        </div>
    }
}

/// Puts `text` into the page's live region once the page runs in the
/// browser (a region that already holds text when the page loads is often
/// not announced).
fn announce(text: String) {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(region) = document().get_element_by_id("live-region") {
            region.set_text_content(Some(&text));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    });
}
