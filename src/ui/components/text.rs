//! Text for the two places where Leptos writes a value into HTML without
//! escaping it: the text of a `<textarea>` (tachys 0.2.19 marks its
//! children as not escaped) and the document title (`leptos_meta` 0.8.7
//! writes it into `<head>` as it is). Everywhere else Leptos escapes.

/// `value` escaped for HTML text and attribute values alike (`&`, `<`, `>`,
/// `"` and `'`). Only the server writes HTML; the browser sets text.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What a textarea or the title must be handed: escaped on the server,
/// where the text is written into HTML; as it is in the browser, where it is
/// set as text (escaping there would show `&amp;`).
pub fn for_raw_html(value: String) -> String {
    #[cfg(feature = "ssr")]
    {
        escape(&value)
    }
    #[cfg(not(feature = "ssr"))]
    {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            escape("T</title><script>x</script> & \"q\" 'a'"),
            "T&lt;/title&gt;&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;"
        );
        assert_eq!(escape("plain é"), "plain é");
    }
}
