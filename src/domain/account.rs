//! Account values that cannot be invalid once parsed ("parse, don't
//! validate"), and the drafts that server functions build from what a form
//! sent. Limits match the database columns (SQLite does not enforce VARCHAR
//! sizes, so this is where they hold).

use super::error::FormErrors;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Counts characters, not bytes: the limits in the spec are characters.
fn len(s: &str) -> usize {
    s.chars().count()
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

/// A username: 3–100 of letters, digits, `_`, `.`, `-`. Unique ignoring case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter a username.".into());
        }
        let n = len(s);
        if n < 3 {
            return Err("A username needs at least 3 characters.".into());
        }
        if n > 100 {
            return Err("A username can have at most 100 characters.".into());
        }
        if !s
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            return Err(
                "Use only letters, digits, underscores (_), dots (.) and hyphens (-).".into(),
            );
        }
        Ok(Self(s.to_string()))
    }
    /// The form used for case-insensitive lookups and uniqueness.
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }
}

impl AsRef<str> for Username {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An email address up to 255 characters, compared ignoring case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter an email address.".into());
        }
        if len(s) > 255 {
            return Err("An email address can have at most 255 characters.".into());
        }
        let bad = || Err("Enter a valid email address, like name@example.com.".into());
        if has_control(s) || s.contains(char::is_whitespace) {
            return bad();
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return bad();
        };
        if local.is_empty() || len(local) > 64 || local.contains('@') {
            return bad();
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return bad();
        }
        if local.chars().any(|c| {
            matches!(
                c,
                '"' | '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | '\\' | ']'
            )
        }) {
            return bad();
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return bad();
        }
        for label in &labels {
            if label.is_empty()
                || len(label) > 63
                || label.starts_with('-')
                || label.ends_with('-')
                || !label.chars().all(|c| c.is_alphanumeric() || c == '-')
            {
                return bad();
            }
        }
        Ok(Self(s.to_string()))
    }
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// The length rule of a new password (S1–S3). Strength (common passwords,
/// likeness to the username or email) is checked on the server.
pub fn check_password_length(raw: &str) -> Result<(), String> {
    let n = len(raw);
    if n == 0 {
        return Err("Enter a password.".into());
    }
    if n < PASSWORD_MIN {
        return Err(format!("Use at least {PASSWORD_MIN} characters."));
    }
    if n > PASSWORD_MAX {
        return Err(format!("Use at most {PASSWORD_MAX} characters."));
    }
    Ok(())
}

/// Optional free text with a character limit: names, bio. Empty means none.
pub fn optional_text(raw: &str, max: usize, what: &str) -> Result<Option<String>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if len(s) > max {
        return Err(format!("{what} can have at most {max} characters."));
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(format!("{what} contains characters that are not allowed."));
    }
    Ok(Some(s.to_string()))
}

/// A profile picture address: https only, at most 500 characters (S27).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PictureUrl(String);

impl PictureUrl {
    pub fn parse(raw: &str) -> Result<Option<Self>, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if len(s) > 500 {
            return Err("A picture address can have at most 500 characters.".into());
        }
        let lower = s.to_ascii_lowercase();
        let Some(rest) = lower.strip_prefix("https://") else {
            return Err("Use an https:// address for the picture.".into());
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty()
            || host.contains('@')
            || s.chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
        {
            return Err("Enter a valid https:// address for the picture.".into());
        }
        Ok(Some(Self(s.to_string())))
    }
}

impl AsRef<str> for PictureUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A new account as the registration form sent it: a valid username and
/// email, and a password within the length rules (its strength is checked
/// on the server, which knows the common passwords).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub username: Username,
    pub email: Email,
}

impl NewAccount {
    pub fn parse(username: &str, email: &str, password: &str) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let username = errors.check("username", Username::parse(username));
        let email = errors.check("email", Email::parse(email));
        errors.check("password", check_password_length(password));
        match (username, email) {
            (Some(username), Some(email)) if errors.is_empty() => {
                Ok(NewAccount { username, email })
            }
            _ => Err(errors),
        }
    }
}

/// The profile form: names, bio and picture, each optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileDraft {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub bio: Option<String>,
    pub picture_url: Option<PictureUrl>,
}

impl ProfileDraft {
    pub fn parse(first: &str, last: &str, bio: &str, picture: &str) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let first_name = errors.check("first_name", optional_text(first, 100, "First name"));
        let last_name = errors.check("last_name", optional_text(last, 100, "Last name"));
        let bio = errors.check("bio", optional_text(bio, 1000, "Bio"));
        let picture_url = errors.check("profile_picture_url", PictureUrl::parse(picture));
        match (first_name, last_name, bio, picture_url) {
            (Some(first_name), Some(last_name), Some(bio), Some(picture_url)) => Ok(ProfileDraft {
                first_name,
                last_name,
                bio,
                picture_url,
            }),
            _ => Err(errors),
        }
    }
}

/// Whether a password change signs out the other sessions (S20): on unless
/// the caller says otherwise. An unticked box sends nothing, so the form also
/// sends `others_choice`; without it (a plain API call) the default is on.
pub fn sign_out_others_choice(value: Option<&str>, form_shown: bool) -> Result<bool, FormErrors> {
    match value.map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(!form_shown),
        Some(v) if matches!(v.as_str(), "on" | "true" | "1" | "yes") => Ok(true),
        Some(v) if matches!(v.as_str(), "off" | "false" | "0" | "no") => Ok(false),
        Some(_) => {
            let mut f = FormErrors::new();
            f.add(
                "sign_out_others",
                "Choose whether to sign out other sessions.",
            );
            Err(f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_spec() {
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse("a.b-c_d").is_ok());
        assert!(Username::parse("has space").is_err());
        assert!(Username::parse("<script>").is_err());
        assert!(Username::parse(&"a".repeat(100)).is_ok());
        assert!(Username::parse(&"a".repeat(101)).is_err());
        assert_eq!(
            Username::parse("Alice").map(|u| u.folded()),
            Ok("alice".to_string())
        );
    }

    #[test]
    fn emails_are_checked_and_limited() {
        assert!(Email::parse("a@example.com").is_ok());
        assert!(Email::parse("a@localhost").is_err());
        assert!(Email::parse("no-at.example.com").is_err());
        assert!(Email::parse("a b@example.com").is_err());
        assert!(Email::parse("a@-x.com").is_err());
        let long = format!("{}@{}.com", "a".repeat(64), "b".repeat(63));
        assert!(Email::parse(&long).is_ok());
        let too_long = format!(
            "{}@{}.{}.{}.com",
            "a".repeat(64),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(63)
        );
        assert!(len(&too_long) > 255 && Email::parse(&too_long).is_err());
    }

    #[test]
    fn password_length_counts_characters() {
        assert!(check_password_length("short").is_err());
        assert!(check_password_length("ééééééé").is_err());
        assert!(check_password_length("éééééééé").is_ok());
        assert!(check_password_length(&"x".repeat(128)).is_ok());
        assert!(check_password_length(&"x".repeat(129)).is_err());
    }

    #[test]
    fn picture_urls_must_be_https() {
        assert!(PictureUrl::parse("https://example.com/a.png").is_ok());
        assert!(PictureUrl::parse("http://example.com/a.png").is_err());
        assert!(PictureUrl::parse("javascript:alert(1)").is_err());
        assert!(PictureUrl::parse("data:image/png;base64,AAAA").is_err());
        assert!(PictureUrl::parse("https://").is_err());
        assert_eq!(PictureUrl::parse(""), Ok(None));
    }

    #[test]
    fn drafts_name_every_bad_field() {
        let e = NewAccount::parse("a", "nope", "short").unwrap_err();
        for f in ["username", "email", "password"] {
            assert!(e.field(f).is_some(), "{f}");
        }
        assert!(NewAccount::parse("alice", "a@example.com", "long enough").is_ok());
        let e = ProfileDraft::parse(&"x".repeat(101), "", "", "http://x").unwrap_err();
        assert!(e.field("first_name").is_some() && e.field("profile_picture_url").is_some());
        assert_eq!(
            ProfileDraft::parse(" Ada ", "", "", "")
                .unwrap()
                .first_name
                .as_deref(),
            Some("Ada")
        );
        assert_eq!(sign_out_others_choice(None, true), Ok(false));
        assert_eq!(sign_out_others_choice(None, false), Ok(true));
        assert!(sign_out_others_choice(Some("maybe"), true).is_err());
    }

    #[test]
    fn optional_text_refuses_one_over_the_limit() {
        assert!(optional_text(&"x".repeat(100), 100, "First name").is_ok());
        assert!(optional_text(&"x".repeat(101), 100, "First name").is_err());
        assert_eq!(optional_text("  ", 100, "Bio"), Ok(None));
    }
}
