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
    view! { <Title text=move || super::text::for_raw_html(full_title(&text.get()))/> }
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
}
