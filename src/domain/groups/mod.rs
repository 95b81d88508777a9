//! Groups: values, the forms' drafts and search, and what the pages show.

mod values;
mod views;

pub use values::*;
pub use views::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_spec() {
        assert!(GroupSlug::parse("abc").is_ok());
        assert!(GroupSlug::parse("ab").is_err());
        assert!(GroupSlug::parse(&"a".repeat(100)).is_ok());
        assert!(GroupSlug::parse(&"a".repeat(101)).is_err());
        assert!(GroupSlug::parse("Has-Caps").is_err());
        assert!(GroupSlug::parse("under_score").is_err());
        assert!(GroupSlug::parse("-abc").is_err());
        assert!(GroupSlug::parse("new").is_err());
        assert_eq!(
            GroupSlug::suggest("Café Lovers!  of Köln"),
            "cafe-lovers-of-koln"
        );
    }

    #[test]
    fn tags_are_folded_and_limited() {
        let t = Tags::parse(" Rust, rust , Web Dev,,").unwrap();
        assert_eq!(t.list(), ["rust", "web dev"]);
        assert_eq!(t.joined().as_deref(), Some("rust, web dev"));
        assert!(Tags::parse(&"a".repeat(51)).is_err());
        assert!(Tags::parse("<b>").is_err());
        assert!(Tags::parse(&"ab,".repeat(167)).is_err());
    }

    #[test]
    fn drafts_check_every_field() {
        let form = GroupForm {
            name: "ab".into(),
            group_type: "cult".into(),
            tags: "<b>".into(),
            max_members: "0".into(),
            ..Default::default()
        };
        let e = GroupDraft::parse_new(&form, "Bad Slug").unwrap_err();
        for f in ["name", "group_type", "tags", "max_members", "slug"] {
            assert!(e.field(f).is_some(), "{f}");
        }
        let ok = GroupForm {
            name: "Café Lovers".into(),
            group_type: "team".into(),
            ..Default::default()
        };
        let (d, slug) = GroupDraft::parse_new(&ok, "").unwrap();
        assert_eq!(
            (d.name.as_ref(), slug.as_ref()),
            ("Café Lovers", "cafe-lovers")
        );
        assert!(GroupSearch::parse("", "", "", "sideways", "").is_err());
        assert_eq!(
            GroupSearch::parse("x", "team", " Rust ", "members", "")
                .unwrap()
                .tag
                .as_deref(),
            Some("rust")
        );
    }

    #[test]
    fn types_and_limits() {
        assert_eq!(GroupType::parse("team"), Ok(GroupType::Team));
        assert!(GroupType::parse("cult").is_err());
        assert_eq!(parse_max_members(""), Ok(None));
        assert_eq!(parse_max_members("5"), Ok(Some(5)));
        assert!(parse_max_members("0").is_err());
        assert!(parse_max_members("x").is_err());
        assert!(parse_max_members("100001").is_err());
    }

    #[test]
    fn settings_are_strict_json_objects() {
        assert_eq!(
            GroupSettings::parse_json(r#"{"show_members": false}"#).map(|s| s.show_members),
            Ok(false)
        );
        assert!(GroupSettings::parse_json("[1]").is_err());
        assert!(GroupSettings::parse_json("{not json").is_err());
        assert!(GroupSettings::parse_json(r#"{"show_members": "yes"}"#).is_err());
        assert!(GroupSettings::parse_json(r#"{"owner_id": "x"}"#).is_err());
        let long = format!(r#"{{"join_question": "{}"}}"#, "q".repeat(2000));
        assert!(GroupSettings::parse_json(&long).is_err());
    }
}
