//! Drawn sections put in place after the page is rendered.
//!
//! A large server-drawn section (the session lists of `/account/sessions`,
//! about 20 KB for 20 sessions) would otherwise travel through every stage
//! of Leptos's rendering: the resource, the element's `inner_html`, the
//! render buffer, the stream of chunks, the collected page and the head's
//! tags, each a fresh copy. Instead, while a page renders, the section is
//! kept aside in a slot of the page's request ([`Slot`]) and Leptos writes a
//! marker; once the page is complete, [`serve`] writes the section where the
//! marker is, in one copy. The marker is a comment no value can produce:
//! every value on a page is escaped, so `<` never comes from data.
//!
//! Hydration is unchanged: the browser gets the section's resource without
//! its HTML either way (`ui::components::drawn::Placed`), and `inner_html`
//! leaves the server's HTML in place while hydrating.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, Mutex};

/// What Leptos writes where the section goes.
pub const MARKER: &str = "<!--vestibule:drawn-section-->";

/// The slot of one page request: at most one section, put in by the page
/// while it renders (`ui::components::drawn::place_later`).
#[derive(Clone, Default)]
pub struct Slot(Arc<Mutex<Option<Arc<str>>>>);

impl Slot {
    /// Keeps `html` for the page being rendered.
    pub fn keep(&self, html: Arc<str>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(html);
        }
    }

    fn take(&self) -> Option<Arc<str>> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// Gives each page request a [`Slot`], and puts a kept section in place of
/// its marker in the finished page. Server functions (`/api/…`) and other
/// methods pass untouched.
pub async fn serve(mut req: Request<Body>, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) || req.uri().path().starts_with("/api/")
    {
        return next.run(req).await;
    }
    let slot = Slot::default();
    req.extensions_mut().insert(slot.clone());
    let res = next.run(req).await;
    let Some(section) = slot.take() else {
        return res;
    };
    let (mut parts, body) = res.into_parts();
    let page = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(error = %e, "could not read a rendered page");
            let mut failed = Response::new(Body::from("Something went wrong. Please try again."));
            *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return failed;
        }
    };
    let Some(at) = find(&page, MARKER.as_bytes()) else {
        // The page did not show the section (an error took its place).
        return Response::from_parts(parts, Body::from(page));
    };
    let mut out = Vec::with_capacity(page.len() - MARKER.len() + section.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(section.as_bytes());
    out.extend_from_slice(&page[at + MARKER.len()..]);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// Where `needle` first starts in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = haystack[from..].iter().position(|&b| b == first) {
        let at = from + i;
        if haystack[at + 1..].starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn finds_the_first_whole_marker() {
        assert_eq!(find(b"<p><!--m--></p>", b"<!--m-->"), Some(3));
        assert_eq!(find(b"<!--<!--m-->", b"<!--m-->"), Some(4));
        assert_eq!(find(b"<!--m-", b"<!--m-->"), None);
        assert_eq!(find(b"", b"<!--m-->"), None);
    }
}
