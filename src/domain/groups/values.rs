//! Group values that cannot be invalid once parsed, and the drafts server
//! functions build from the group forms and the search. Limits match the
//! columns of `groups` (SPEC.md section 5).

use crate::domain::error::FormErrors;
use serde::{Deserialize, Serialize};

fn len(s: &str) -> usize {
    s.chars().count()
}

/// A group's display name: 3–100 characters, unique ignoring case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupName(String);

impl GroupName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter a name for the group.".into());
        }
        let n = len(s);
        if n < 3 {
            return Err("A group name needs at least 3 characters.".into());
        }
        if n > 100 {
            return Err("A group name can have at most 100 characters.".into());
        }
        if s.chars().any(|c| c.is_control()) {
            return Err("The name contains characters that are not allowed.".into());
        }
        Ok(Self(s.to_string()))
    }
}

impl AsRef<str> for GroupName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Slugs that would collide with fixed routes under `/groups/`.
const RESERVED_SLUGS: &[&str] = &["new", "manage", "search", "api"];

/// The group's address: 3–100 of `a-z`, `0-9`, `-`, unique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSlug(String);

impl GroupSlug {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter a slug.".into());
        }
        let n = len(s);
        if n < 3 {
            return Err("A slug needs at least 3 characters.".into());
        }
        if n > 100 {
            return Err("A slug can have at most 100 characters.".into());
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err("Use only lower-case letters a–z, digits and hyphens (-).".into());
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err("A slug cannot start or end with a hyphen.".into());
        }
        if RESERVED_SLUGS.contains(&s) {
            return Err("This slug is reserved. Please choose another.".into());
        }
        Ok(Self(s.to_string()))
    }

    /// A slug suggested from a name: "Café Lovers!" becomes "cafe-lovers".
    pub fn suggest(name: &str) -> String {
        let mut out = String::new();
        for c in name.chars() {
            let c = fold_char(c);
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            if out.len() >= 100 {
                break;
            }
        }
        out.trim_matches('-').to_string()
    }
}

impl AsRef<str> for GroupSlug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Latin letters with common accents, folded for slugs. Search folding on the
/// server handles every script (Unicode decomposition).
fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        other => other,
    }
}

/// What kind of group this is (`groups.group_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupType {
    Community,
    Team,
    Project,
    Interest,
    Study,
    Other,
}

impl GroupType {
    pub const ALL: [GroupType; 6] = [
        GroupType::Community,
        GroupType::Team,
        GroupType::Project,
        GroupType::Interest,
        GroupType::Study,
        GroupType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupType::Community => "community",
            GroupType::Team => "team",
            GroupType::Project => "project",
            GroupType::Interest => "interest",
            GroupType::Study => "study",
            GroupType::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GroupType::Community => "Community",
            GroupType::Team => "Team",
            GroupType::Project => "Project",
            GroupType::Interest => "Interest",
            GroupType::Study => "Study group",
            GroupType::Other => "Other",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        GroupType::ALL
            .into_iter()
            .find(|t| t.as_str() == raw.trim())
            .ok_or_else(|| "Choose one of the listed types.".to_string())
    }
}

pub const TAG_MAX: usize = 50;
pub const TAGS_MAX: usize = 500;
pub const TAG_COUNT_MAX: usize = 20;

/// Comma-separated tags, each 1–50 of letters, digits, spaces and `-`,
/// folded to lower case, without duplicates; at most 500 characters in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Tags(Vec<String>);

impl Tags {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if len(raw.trim()) > TAGS_MAX {
            return Err(format!(
                "Tags can have at most {TAGS_MAX} characters in all."
            ));
        }
        let mut tags: Vec<String> = Vec::new();
        for part in raw.split(',') {
            let t = part.split_whitespace().collect::<Vec<_>>().join(" ");
            if t.is_empty() {
                continue;
            }
            if len(&t) > TAG_MAX {
                return Err(format!("Each tag can have at most {TAG_MAX} characters."));
            }
            if !t
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
            {
                return Err(
                    "Tags may use letters, digits, spaces and hyphens, separated by commas.".into(),
                );
            }
            let t = t.to_lowercase();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        if tags.len() > TAG_COUNT_MAX {
            return Err(format!("Use at most {TAG_COUNT_MAX} tags."));
        }
        Ok(Self(tags))
    }

    pub fn list(&self) -> &[String] {
        &self.0
    }

    /// The stored form: "a, b, c" (or nothing when empty).
    pub fn joined(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.join(", "))
    }

    /// Splits a stored `tags` column for display.
    pub fn split_stored(stored: Option<&str>) -> Vec<String> {
        stored
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    }
}

pub const SETTINGS_MAX: usize = 2000;
pub const JOIN_QUESTION_MAX: usize = 300;
pub const JOIN_ANSWER_MAX: usize = 500;

/// `groups.settings`: a JSON object. Known keys only, each with its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSettings {
    /// Show the member list to people who are not members (public groups).
    pub show_members: bool,
    /// Asked of people who request to join a closed group.
    pub join_question: Option<String>,
}

impl Default for GroupSettings {
    fn default() -> Self {
        Self {
            show_members: true,
            join_question: None,
        }
    }
}

impl GroupSettings {
    pub fn new(show_members: bool, join_question: &str) -> Result<Self, String> {
        let q = join_question.trim();
        if len(q) > JOIN_QUESTION_MAX {
            return Err(format!(
                "The join question can have at most {JOIN_QUESTION_MAX} characters."
            ));
        }
        if q.chars().any(|c| c.is_control()) {
            return Err("The join question contains characters that are not allowed.".into());
        }
        Ok(Self {
            show_members,
            join_question: (!q.is_empty()).then(|| q.to_string()),
        })
    }

    /// Parses the JSON form strictly: an object of at most 2000 characters
    /// with only `show_members` (boolean) and `join_question` (text or null).
    pub fn parse_json(raw: &str) -> Result<Self, String> {
        if len(raw) > SETTINGS_MAX {
            return Err(format!(
                "Settings can have at most {SETTINGS_MAX} characters."
            ));
        }
        let v: serde_json::Value = serde_json::from_str(raw).map_err(|_| {
            "Settings must be valid JSON, like {\"show_members\": true}.".to_string()
        })?;
        let serde_json::Value::Object(map) = v else {
            return Err("Settings must be a JSON object.".into());
        };
        let mut out = GroupSettings::default();
        let mut question = String::new();
        for (k, v) in map {
            match (k.as_str(), v) {
                ("show_members", serde_json::Value::Bool(b)) => out.show_members = b,
                ("show_members", _) => return Err("show_members must be true or false.".into()),
                ("join_question", serde_json::Value::String(s)) => question = s,
                ("join_question", serde_json::Value::Null) => {}
                ("join_question", _) => return Err("join_question must be text.".into()),
                (other, _) => {
                    let shown: String = other.chars().take(40).collect();
                    return Err(format!("Unknown setting \"{shown}\"."));
                }
            }
        }
        GroupSettings::new(out.show_members, &question)
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "show_members": self.show_members,
            "join_question": self.join_question,
        })
        .to_string()
    }

    /// Reads the stored column, falling back to defaults for anything odd.
    pub fn from_stored(stored: Option<&str>) -> Self {
        stored
            .and_then(|s| Self::parse_json(s).ok())
            .unwrap_or_default()
    }
}

pub const MAX_MEMBERS_LIMIT: i32 = 100_000;

/// "Maximum members": empty for no limit, else 1–100,000.
pub fn parse_max_members(raw: &str) -> Result<Option<i32>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i64>() {
        Ok(n) if (1..=MAX_MEMBERS_LIMIT as i64).contains(&n) => Ok(Some(n as i32)),
        Ok(_) => Err(format!(
            "Enter a number from 1 to {MAX_MEMBERS_LIMIT}, or leave it empty for no limit."
        )),
        Err(_) => Err("Enter a whole number, or leave it empty for no limit.".into()),
    }
}

/// The group forms as they were sent (create and edit).
#[derive(Debug, Clone, Default)]
pub struct GroupForm {
    pub name: String,
    pub description: String,
    pub group_type: String,
    pub tags: String,
    pub is_public: bool,
    pub is_open: bool,
    pub max_members: String,
    pub show_members: bool,
    pub join_question: String,
    /// Raw JSON settings (API clients); when given it replaces
    /// `show_members` and `join_question`.
    pub settings: Option<String>,
}

/// A group's details, every one valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDraft {
    pub name: GroupName,
    pub description: Option<String>,
    pub group_type: GroupType,
    pub tags: Tags,
    pub is_public: bool,
    pub is_open: bool,
    pub max_members: Option<i32>,
    pub settings: GroupSettings,
}

impl GroupDraft {
    pub fn parse(f: &GroupForm) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let name = errors.check("name", GroupName::parse(&f.name));
        let description = errors.check(
            "description",
            crate::domain::account::optional_text(&f.description, 1000, "The description"),
        );
        let group_type = errors.check("group_type", GroupType::parse(&f.group_type));
        let tags = errors.check("tags", Tags::parse(&f.tags));
        let max_members = errors.check("max_members", parse_max_members(&f.max_members));
        let settings = match f.settings.as_deref().map(str::trim) {
            Some(raw) if !raw.is_empty() => {
                errors.check("settings", GroupSettings::parse_json(raw))
            }
            _ => errors.check(
                "join_question",
                GroupSettings::new(f.show_members, &f.join_question),
            ),
        };
        match (name, description, group_type, tags, max_members, settings) {
            (
                Some(name),
                Some(description),
                Some(group_type),
                Some(tags),
                Some(max_members),
                Some(settings),
            ) if errors.is_empty() => Ok(GroupDraft {
                name,
                description,
                group_type,
                tags,
                is_public: f.is_public,
                is_open: f.is_open,
                max_members,
                settings,
            }),
            _ => Err(errors),
        }
    }

    /// A new group's draft and slug: the typed slug, or one made from the
    /// name when none was typed.
    pub fn parse_new(f: &GroupForm, slug: &str) -> Result<(Self, GroupSlug), FormErrors> {
        let slug = if slug.trim().is_empty() {
            GroupSlug::suggest(&f.name)
        } else {
            slug.to_string()
        };
        let slug = GroupSlug::parse(&slug);
        match (GroupDraft::parse(f), slug) {
            (Ok(d), Ok(s)) => Ok((d, s)),
            (Ok(_), Err(m)) => {
                let mut e = FormErrors::new();
                e.add("slug", m);
                Err(e)
            }
            (Err(mut e), slug) => {
                if let Err(m) = slug {
                    e.add("slug", m);
                }
                Err(e)
            }
        }
    }
}

/// The order of a group listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum GroupOrder {
    #[default]
    Name,
    Members,
    Newest,
}

/// What `/groups` asks for, straight from its URL, each part checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupSearch {
    /// Free text, at most 200 characters.
    pub q: String,
    pub group_type: Option<GroupType>,
    /// One tag, folded like stored tags.
    pub tag: Option<String>,
    pub order: GroupOrder,
    /// Where the previous page ended (checked against the order on the server).
    pub after: Option<String>,
}

impl GroupSearch {
    pub fn parse(
        q: &str,
        group_type: &str,
        tag: &str,
        sort: &str,
        after: &str,
    ) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let order = match sort {
            "" | "name" => Some(GroupOrder::Name),
            "members" => Some(GroupOrder::Members),
            "newest" => Some(GroupOrder::Newest),
            _ => {
                errors.add("sort", "Choose a listed sort order.");
                None
            }
        };
        if q.chars().count() > 200 {
            errors.add("q", "Search for at most 200 characters.");
        }
        let group_type = match group_type {
            "" => None,
            t => errors.check("type", GroupType::parse(t)),
        };
        let tag = match tag.trim() {
            "" => None,
            t => errors
                .check("tag", Tags::parse(t))
                .and_then(|tags| tags.list().first().cloned()),
        };
        if after.chars().count() > 300 {
            errors.add("after", "This page link is not valid.");
        }
        match order {
            Some(order) if errors.is_empty() => Ok(GroupSearch {
                q: q.to_string(),
                group_type,
                tag,
                order,
                after: (!after.is_empty()).then(|| after.to_string()),
            }),
            _ => Err(errors),
        }
    }
}
