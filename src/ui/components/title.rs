//! The document title: every page names itself with [`PageTitle`], and the
//! shell keeps the title it already has while a page is on its way.
//!
//! `leptos_meta` writes `document.title` from a stack of `<Title>` texts and
//! writes an empty title when the stack is empty. The shell's own entry at
//! the bottom of the stack answers with the title the document has at that
//! moment, so neither hydration (the shell hydrates before a lazy page's
//! chunk has arrived) nor a navigation (the old page leaves before the new
//! one has its data) blanks the tab's title; the page's entry replaces it as
//! soon as the page is there. On the server the shell's entry is the
//! product's name, for a page that names nothing.

use leptos::prelude::*;
use leptos::text_prop::TextProp;
use leptos_meta::Title;

/// The product's name, the whole title of the home page.
pub const PRODUCT: &str = "Vestibule";

/// The full title for a page called `page`: "Sessions · Vestibule", or the
/// product's name alone for an empty one.
pub fn full_title(page: &str) -> String {
    if page.is_empty() {
        PRODUCT.to_string()
    } else {
        format!("{page} · {PRODUCT}")
    }
}

/// The title of the page it stands in.
#[component]
pub fn PageTitle(#[prop(into)] text: TextProp) -> impl IntoView {
    view! { <Title text=move || for_document(full_title(&text.get()))/> }
}

/// The title as `leptos_meta` must be handed it. On the server,
/// `leptos_meta` 0.8.7 (checked: `MetaContext` in its `lib.rs`, which
/// pushes the title text into `<head>` as it is) writes the text between
/// `<title>` and `</title>` without escaping, so a group named
/// `</title><script>…` would write markup into every visitor's page: the
/// server escapes it first. In the browser the text is assigned to
/// `document.title`, which is never parsed as HTML, so it goes as it is
/// (escaping there would show `&amp;` in the tab).
#[cfg(feature = "ssr")]
fn for_document(title: String) -> String {
    let mut out = String::with_capacity(title.len());
    super::drawn::escape_into(&mut out, &title);
    out
}

#[cfg(not(feature = "ssr"))]
fn for_document(title: String) -> String {
    title
}

/// The shell's entry, below every page's.
#[component]
pub fn ShellTitle() -> impl IntoView {
    view! { <Title text=current_title/> }
}

#[cfg(feature = "hydrate")]
fn current_title() -> String {
    let title = document().title();
    if title.is_empty() {
        PRODUCT.to_string()
    } else {
        title
    }
}

#[cfg(not(feature = "hydrate"))]
fn current_title() -> String {
    PRODUCT.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_title_carries_the_product_name() {
        assert_eq!(full_title("Sessions"), "Sessions · Vestibule");
        assert_eq!(full_title(""), "Vestibule");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_title_cannot_close_its_element_on_the_server() {
        assert_eq!(
            for_document(full_title("T</title><script>x</script>")),
            "T&lt;/title&gt;&lt;script&gt;x&lt;/script&gt; · Vestibule"
        );
        assert_eq!(
            for_document("Tom & Jerry <3".into()),
            "Tom &amp; Jerry &lt;3"
        );
    }
}
