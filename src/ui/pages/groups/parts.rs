//! Pieces the group pages share: links into the listing, words for a
//! group's facts, the type select and a one-button form.

use crate::domain::GroupType;
use crate::ui::components::form::select_field;
use crate::ui::components::url::encode;
use leptos::prelude::*;

/// `/groups?…` with these parameters, leaving out empty ones.
pub fn groups_url(params: &[(&str, &str)]) -> String {
    let q: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if q.is_empty() {
        "/groups".into()
    } else {
        format!("/groups?{}", q.join("&"))
    }
}

pub fn type_label(t: &str) -> &'static str {
    GroupType::parse(t).map(|t| t.label()).unwrap_or("Other")
}

pub fn members_text(count: i32, max: Option<i32>) -> String {
    match (max, count) {
        (Some(m), _) => format!("{count} / {m} members"),
        (None, 1) => "1 member".to_string(),
        (None, _) => format!("{count} members"),
    }
}

/// A group's tags, each a link to the groups with that tag.
#[component]
pub fn TagLinks(tags: Vec<String>) -> impl IntoView {
    view! {
        <ul class="tags" aria-label="Tags">
            {tags.into_iter().map(|t| {
                let href = groups_url(&[("tag", &t)]);
                view! { <li><a class="tag" href=href>{t}</a></li> }
            }).collect_view()}
        </ul>
    }
}

/// "Type", with the choice that was made selected.
pub fn group_type_select(selected: String) -> impl IntoView {
    let options = GroupType::ALL
        .into_iter()
        .map(|t| {
            (
                t.as_str().to_string(),
                t.label().to_string(),
                selected == t.as_str(),
            )
        })
        .collect();
    select_field("Type", "group_type", options)
}

/// A form that posts `fields` (hidden) and one button to server function `path`.
pub fn post_button(
    path: &'static str,
    fields: Vec<(&'static str, String)>,
    label: &'static str,
    danger: bool,
) -> impl IntoView {
    view! {
        <form method="post" action=path class="inline-form">
            {fields.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            <button type="submit" class:danger=danger>{label}</button>
        </form>
    }
}
