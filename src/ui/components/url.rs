//! Query strings the pages build for their links.

/// `s` percent-encoded for a query value: unreserved characters as they are,
/// a space as `+`, everything else as `%XX`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_are_encoded() {
        assert_eq!(super::encode("a b&c=é"), "a+b%26c%3D%C3%A9");
    }
}
