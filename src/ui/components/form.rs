//! Form pieces: a labelled field with its error beside it, and the message
//! for errors that belong to no field. Errors come from the action's last
//! result, which also carries what was typed when the page was rendered
//! without JavaScript.

use crate::domain::AppError;
use leptos::either::Either;
use leptos::prelude::*;

/// The last error of an action, as a signal.
pub fn last_error<S, T>(value: S) -> Signal<Option<AppError>>
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    T: 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

#[component]
pub fn Field(
    /// The visible label, also the accessible name.
    label: &'static str,
    /// The form field name (the server function's argument).
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// What the field shows when the page is rendered.
    #[prop(into, default = Signal::stored(String::new()))]
    value: Signal<String>,
    error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional, into)] placeholder: MaybeProp<String>,
    /// Called with the text as it is typed (hydrated pages only).
    #[prop(optional)]
    on_input: Option<Callback<String>>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = move || error.get().and_then(|e| e.field(name));
    let is_secret = kind == "password";
    // A refused form shows what was typed (never a password).
    let shown = move || {
        if is_secret {
            String::new()
        } else {
            error
                .get()
                .and_then(|e| e.value(name))
                .unwrap_or_else(|| value.get())
        }
    };
    let described = {
        let id = id.clone();
        move || described_by(&id, hint.is_some(), message().is_some())
    };
    // Leptos renders a textarea's text on the server without escaping it, so
    // `</textarea><script>` typed by a user would break out (S26). The server
    // escapes it here; the browser decodes character references inside a
    // textarea, so the hydrated text equals the raw value the client holds.
    let area_text = move || {
        let v = shown();
        #[cfg(feature = "ssr")]
        let v = escape_html(&v);
        v
    };
    let input = if kind == "textarea" {
        Either::Left(view! {
            <textarea id=id.clone() name=name rows="4"
                maxlength=maxlength
                aria-invalid=move || message().map(|_| "true")
                aria-describedby=described.clone()>{area_text}</textarea>
        })
    } else {
        Either::Right(view! {
            <input id=id.clone() name=name type=kind
                autocomplete=autocomplete
                required=required
                maxlength=maxlength
                placeholder=move || placeholder.get()
                on:input=move |ev| {
                    if let Some(cb) = on_input {
                        cb.run(event_target_value(&ev));
                    }
                }
                aria-invalid=move || message().map(|_| "true")
                aria-describedby=described
                value=shown/>
        })
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {input}
            <p class="field-error" id=err_id.clone() hidden=move || message().is_none()>{message}</p>
        </div>
    }
}

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

/// The message for an error that belongs to no single field.
#[component]
pub fn FormError(error: Signal<Option<AppError>>) -> impl IntoView {
    let text = move || form_level(error.get().as_ref());
    view! {
        <div class="form-error" role="alert">
            {move || text().map(|t| view! { <p>{t}</p> })}
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

/// The message after a success: from the action's answer once the script
/// has posted, or, after a plain post without JavaScript, from the page's
/// `done` note (`posted` true), where the answer itself is not at hand.
pub fn success<S, T>(
    value: S,
    posted: bool,
    message: impl Fn(Option<T>) -> String + Send + Sync + 'static,
) -> Signal<Option<String>>
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    T: 'static,
{
    Signal::derive(move || match value.get() {
        Some(Ok(v)) => Some(message(Some(v))),
        Some(Err(_)) => None,
        None => posted.then(|| message(None)),
    })
}

/// What a refused form had in `field` (read once, as the page is drawn),
/// else `default`: the select and the check boxes come back as they were sent.
pub fn kept(error: Signal<Option<AppError>>, field: &str, default: String) -> String {
    error
        .get_untracked()
        .and_then(|e| e.value(field))
        .unwrap_or(default)
}

pub fn kept_flag(error: Signal<Option<AppError>>, field: &str, default: bool) -> bool {
    match error
        .get_untracked()
        .and_then(|e| e.value(field))
        .as_deref()
    {
        Some("on") => true,
        Some("off") => false,
        _ => default,
    }
}

/// A success message after an action, announced politely.
#[component]
pub fn FormSuccess(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="form-success" role="status">
            {move || message.get().map(|t| view! { <p>{t}</p> })}
        </div>
    }
}

/// Escapes text for an HTML text context.
#[cfg(feature = "ssr")]
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}
