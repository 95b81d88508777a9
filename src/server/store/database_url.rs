//! A database URL as it may be shown: the password never reaches a log or
//! an error line.

use std::fmt;

/// Shows a database URL with its password replaced by `***`.
#[derive(Clone)]
pub struct DatabaseUrl<'a>(pub &'a str);

impl fmt::Display for DatabaseUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match url::Url::parse(self.0) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("***"));
                write!(f, "{u}")
            }
            _ => write!(f, "{}", self.0),
        }
    }
}

impl fmt::Debug for DatabaseUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn the_password_is_never_shown() {
        let shown = DatabaseUrl("postgres://app:s3cret@db.example/vestibule").to_string();
        assert!(
            !shown.contains("s3cret") && shown.contains("***"),
            "{shown}"
        );
        assert_eq!(
            DatabaseUrl("sqlite://data/vestibule.db").to_string(),
            "sqlite://data/vestibule.db"
        );
    }
}
