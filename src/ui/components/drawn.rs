//! Sections drawn on the server only.
//!
//! Parts of a page that show text, links and plain forms, with nothing to
//! update in the browser, come from a server function as finished HTML, and
//! the page places it with `inner_html`. Their views are then compiled for
//! the server alone, which keeps their code out of the browser's download
//! (docs/decisions.md, "Server-drawn sections"). Leptos escapes every value
//! as it draws them, exactly as it does for the rest of the page.

#[cfg(feature = "ssr")]
use crate::domain::AppError;
#[cfg(feature = "ssr")]
use leptos::prelude::*;

/// Draws `view` to HTML in a reactive scope of its own.
#[cfg(feature = "ssr")]
pub fn to_html<V: IntoView + 'static>(view: impl FnOnce() -> V) -> String {
    Owner::new().with(|| view().into_view().to_html())
}

/// HTML written by hand, for drawn sections that repeat one shape many times
/// (the rows of `/account/sessions`): about twice as fast as building and
/// drawing a view tree for each row. Markup can only be a `&'static str`, so
/// no value from a request or the database can reach the page unescaped;
/// every value goes through [`Html::text`], which escapes it for text and
/// for double-quoted attribute values alike.
#[cfg(feature = "ssr")]
pub struct Html(String);

#[cfg(feature = "ssr")]
impl Html {
    pub fn with_capacity(bytes: usize) -> Self {
        Html(String::with_capacity(bytes))
    }

    /// Markup written by the program.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// A value, escaped (see [`escape_into`]).
    pub fn text(&mut self, value: &str) -> &mut Self {
        escape_into(&mut self.0, value);
        self
    }

    /// A number.
    pub fn number(&mut self, n: i64) -> &mut Self {
        crate::server::sessions::push_int(&mut self.0, n);
        self
    }

    /// A moment: `<time datetime="…">2026-11-27 14:03 UTC</time> (3 hours
    /// ago)`, relative to `now`; digits and fixed words only.
    pub fn moment(
        &mut self,
        t: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> &mut Self {
        use crate::server::sessions::{push_absolute, push_iso, push_relative};
        self.0.push_str("<time datetime=\"");
        push_iso(&mut self.0, t);
        self.0.push_str("\">");
        push_absolute(&mut self.0, t);
        self.0.push_str("</time> (");
        push_relative(&mut self.0, t, now);
        self.0.push(')');
        self
    }

    pub fn finish(self) -> String {
        self.0
    }
}

/// Appends `value` escaped for HTML text and double- or single-quoted
/// attribute values alike (`&`, `<`, `>`, `"` and `'`). Runs of other bytes
/// are copied whole; the five are ASCII, so a run never splits a character.
#[cfg(feature = "ssr")]
pub fn escape_into(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    // Most values hold none of the five: one pass without early exits, which
    // the compiler turns into wide compares, then one copy.
    let special = bytes.iter().fold(false, |seen, &b| {
        seen | matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'')
    });
    if !special {
        out.push_str(value);
        return;
    }
    let mut copied = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&value[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&value[copied..]);
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::Html;

    #[test]
    fn values_are_escaped_and_markup_is_not() {
        let mut h = Html::with_capacity(0);
        h.raw("<p title=\"")
            .text("a\"b' <x>")
            .raw("\">")
            .text("<script>alert(1)</script> & é")
            .raw("</p>")
            .number(-42);
        assert_eq!(
            h.finish(),
            "<p title=\"a&quot;b&#39; &lt;x&gt;\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; é</p>-42"
        );
        let mut plain = Html::with_capacity(0);
        plain.text("");
        plain.text("no specials");
        assert_eq!(plain.finish(), "no specials");
        let mut wide = Html::with_capacity(0);
        wide.text("é<ü>'ß\"&&").number(0).number(i64::MIN);
        assert_eq!(
            wide.finish(),
            "é&lt;ü&gt;&#39;ß&quot;&amp;&amp;0-9223372036854775808"
        );
    }
}

/// The query of the page request being drawn, as pairs. Empty for a call
/// from the page's script (its request is the server function's own).
#[cfg(feature = "ssr")]
fn page_query() -> Vec<(String, String)> {
    use_context::<http::request::Parts>()
        .and_then(|p| p.uri.query().map(str::to_string))
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// The error a plain form post to server function `path` carried back in
/// the page's URL (`__path`, `__err`), like `form::posted_error`, read from
/// the request of the page being drawn.
#[cfg(feature = "ssr")]
pub fn posted_error(path: &str) -> Option<AppError> {
    use leptos::server_fn::error::ServerFnUrlError;
    let q = page_query();
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    match (get("__path"), get("__err")) {
        (Some(p), Some(e)) if p == path => Some(ServerFnUrlError::<AppError>::decode_err(e)),
        _ => None,
    }
}

/// The `done` note of the page being drawn (`ctx::note_done`), when it came
/// back from a plain form post without an error. `None` for a call from the
/// page's script, which is never such a return.
#[cfg(feature = "ssr")]
pub fn done_note() -> Option<String> {
    let q = page_query();
    if q.iter().any(|(k, _)| k == "__err") {
        return None;
    }
    q.into_iter().find(|(k, _)| k == "done").map(|(_, v)| v)
}

/// On the server, while a page renders: keeps `html` aside for
/// `server::splice`, which writes it into the finished page, and gives the
/// marker to place instead. Anywhere else (a call from the page's script),
/// `html` itself.
#[cfg(feature = "ssr")]
pub fn place_later(html: crate::domain::SharedHtml) -> crate::domain::SharedHtml {
    use crate::server::splice::{Slot, MARKER};
    // Read in place: the request's parts are not cloned for it.
    let slot =
        with_context::<http::request::Parts, _>(|p| p.extensions.get::<Slot>().cloned()).flatten();
    match slot {
        Some(slot) => {
            slot.keep(html.0);
            crate::domain::SharedHtml(std::sync::Arc::from(MARKER))
        }
        None => html,
    }
}

/// A drawn section as a resource holds it: the page's own data for
/// hydration leaves the HTML out (it is in the page already, and
/// `inner_html` does not touch it while hydrating), so the page does not
/// carry it twice. Fetched again in the browser (client-side navigation), the
/// server function's answer brings it whole.
pub trait Placed: serde::Serialize + serde::de::DeserializeOwned {
    /// The same value without its HTML.
    fn without_html(&self) -> Self;
}

impl Placed for String {
    fn without_html(&self) -> Self {
        String::new()
    }
}

impl Placed for crate::domain::SharedHtml {
    fn without_html(&self) -> Self {
        crate::domain::SharedHtml(std::sync::Arc::from(""))
    }
}

impl Placed for crate::domain::Drawn {
    fn without_html(&self) -> Self {
        crate::domain::Drawn {
            title: self.title.clone(),
            html: String::new(),
        }
    }
}

/// The resource encoding of [`Placed`] values: JSON, without the HTML.
pub struct WithoutHtml;

impl<T: Placed> leptos::server::codee::Encoder<Result<T, crate::domain::AppError>> for WithoutHtml {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &Result<T, crate::domain::AppError>) -> Result<String, serde_json::Error> {
        serde_json::to_string(&val.as_ref().map(Placed::without_html))
    }
}

impl<T: Placed> leptos::server::codee::Decoder<Result<T, crate::domain::AppError>> for WithoutHtml {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<Result<T, crate::domain::AppError>, serde_json::Error> {
        serde_json::from_str(val)
    }
}

/// A resource for a drawn section (see [`Placed`]).
pub type Section<T> = leptos::prelude::Resource<Result<T, crate::domain::AppError>, WithoutHtml>;
