//! The words a group is found by: name, description and tags, folded to
//! lower case without accents, in any script.

use unicode_normalization::UnicodeNormalization;

/// Lower case, accents removed, split into words of letters and digits.
pub fn fold_words(text: &str) -> Vec<String> {
    let folded: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The folded text of a group's name, description and tags, for search.
pub fn search_body(name: &str, description: Option<&str>, tags: &[String]) -> String {
    let mut text = format!("{name} {}", description.unwrap_or(""));
    for t in tags {
        text.push(' ');
        text.push_str(t);
    }
    fold_words(&text).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_and_accents() {
        assert_eq!(
            fold_words("Café CRÈME, über-Köln!"),
            ["cafe", "creme", "uber", "koln"]
        );
        assert_eq!(fold_words("  "), Vec::<String>::new());
    }
}
