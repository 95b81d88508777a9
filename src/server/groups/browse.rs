//! `/groups` and a group's page: what anyone may see of groups, and what
//! the manage page shows to those who may manage.

use super::words::fold_words;
use super::GroupAccess;
use crate::domain::{
    AppError, GroupCard, GroupDetail, GroupList, GroupOrder, GroupSearch, GroupSettings,
    MemberView, RequestView, Standing, Tags,
};
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;
use crate::server::store::{GroupCursor, GroupListRow, GroupQuery, GroupSort, MemberRow};
use chrono::{DateTime, Utc};

/// Groups on one page of `/groups`.
pub const PAGE: i64 = 20;
/// Members a group's page lists at most.
const MEMBERS_SHOWN: i64 = 200;

fn display_name(first: &Option<String>, last: &Option<String>, username: &str) -> String {
    match (first, last) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(f), None) => f.clone(),
        (None, Some(l)) => l.clone(),
        (None, None) => username.to_string(),
    }
}

fn member_view(m: MemberRow) -> MemberView {
    MemberView {
        display_name: display_name(&m.first_name, &m.last_name, &m.username),
        username: m.username,
        role: m.role_in_group.unwrap_or_else(|| "member".into()),
        joined: m.joined_at.format("%Y-%m-%d").to_string(),
    }
}

fn request_view(m: MemberRow) -> RequestView {
    RequestView {
        display_name: display_name(&m.first_name, &m.last_name, &m.username),
        username: m.username,
        asked: m.joined_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        answer: m.answer,
    }
}

fn excerpt(d: &Option<String>) -> Option<String> {
    d.as_ref().map(|d| {
        let mut s: String = d.chars().take(160).collect();
        if d.chars().count() > 160 {
            s.push('…');
        }
        s
    })
}

fn card(r: GroupListRow) -> GroupCard {
    GroupCard {
        excerpt: excerpt(&r.description),
        tags: Tags::split_stored(r.tags.as_deref()),
        standing: Standing::from_role(r.role_in_group.as_deref(), r.member_active.unwrap_or(false)),
        slug: r.slug,
        name: r.name,
        group_type: r.group_type,
        member_count: r.member_count,
        max_members: r.max_members,
        is_open: r.is_open,
        is_public: r.is_public,
    }
}

fn sort_of(order: GroupOrder) -> GroupSort {
    match order {
        GroupOrder::Name => GroupSort::Name,
        GroupOrder::Members => GroupSort::Members,
        GroupOrder::Newest => GroupSort::Newest,
    }
}

/// The keyset cursor `raw` of a page in `sort` order; anything else is a bad request.
fn parse_cursor(sort: GroupSort, raw: &str) -> Result<GroupCursor, AppError> {
    let parts: Vec<&str> = raw.splitn(3, '|').collect();
    Ok(match (sort, parts.as_slice()) {
        (GroupSort::Name, ["n", name]) => GroupCursor::Name(name.to_string()),
        (GroupSort::Members, ["m", count, id]) => GroupCursor::Members(
            count.parse().map_err(|_| AppError::BadRequest)?,
            id.to_string(),
        ),
        (GroupSort::Newest, ["t", t, id]) => GroupCursor::Newest(
            DateTime::parse_from_rfc3339(t)
                .map_err(|_| AppError::BadRequest)?
                .with_timezone(&Utc),
            id.to_string(),
        ),
        _ => return Err(AppError::BadRequest),
    })
}

fn cursor_of(sort: GroupSort, r: &GroupListRow) -> String {
    match sort {
        GroupSort::Name => format!("n|{}", r.name_key),
        GroupSort::Members => format!("m|{}|{}", r.member_count, r.id),
        GroupSort::Newest => format!(
            "t|{}|{}",
            r.created_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            r.id
        ),
    }
}

/// One page of `/groups`: public groups, plus the caller's own. **Anyone.**
pub async fn browse(
    state: &AppState,
    viewer: Option<&SignedIn>,
    search: GroupSearch,
    meta: &RequestMeta,
) -> Result<GroupList, AppError> {
    let sort = sort_of(search.order);
    let mut words = fold_words(&search.q);
    words.truncate(8);
    let query = GroupQuery {
        viewer: viewer.map(|v| v.user_id().to_string()),
        words,
        group_type: search.group_type.map(|t| t.as_str().to_string()),
        tag: search.tag,
        sort,
        after: search
            .after
            .as_deref()
            .map(|raw| parse_cursor(sort, raw))
            .transpose()?,
        limit: PAGE + 1,
    };
    let mut rows = state
        .store
        .groups
        .browse(&query)
        .await
        .map_err(|e| meta.store_error(e))?;
    let next = if rows.len() as i64 > PAGE {
        rows.truncate(PAGE as usize);
        rows.last().map(|r| cursor_of(sort, r))
    } else {
        None
    };
    Ok(GroupList {
        groups: rows.into_iter().map(card).collect(),
        next,
        signed_in: viewer.is_some(),
    })
}

/// The group's page and, with `manage`, its manage page. **Anyone for the
/// page; owner, admin or site admin for `manage`.**
pub async fn detail(
    state: &AppState,
    access: GroupAccess,
    manage: bool,
    meta: &RequestMeta,
) -> Result<GroupDetail, AppError> {
    if manage {
        access.manager()?;
    }
    let groups = &state.store.groups;
    let settings = GroupSettings::from_stored(access.group.settings.as_deref());
    let can_manage = access.manager().is_ok();
    let members = if access.may_see_members(&settings) {
        let rows = groups
            .members(&access.group.id, false, MEMBERS_SHOWN)
            .await
            .map_err(|e| meta.store_error(e))?;
        Some(rows.into_iter().map(member_view).collect())
    } else {
        None
    };
    let requests = if manage {
        let rows = groups
            .members(&access.group.id, true, MEMBERS_SHOWN)
            .await
            .map_err(|e| meta.store_error(e))?;
        rows.into_iter().map(request_view).collect()
    } else {
        Vec::new()
    };
    let action = access.action();
    let g = access.group;
    Ok(GroupDetail {
        tags: Tags::split_stored(g.tags.as_deref()),
        created: g
            .created_at
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        show_members: settings.show_members,
        join_question: settings.join_question,
        standing: access.standing,
        action,
        members,
        can_manage,
        is_owner: access.standing == Standing::Owner,
        requests,
        slug: g.slug,
        name: g.name,
        description: g.description,
        group_type: g.group_type,
        owner: g.owner_username,
        member_count: g.member_count,
        max_members: g.max_members,
        is_public: g.is_public,
        is_open: g.is_open,
        is_system: g.is_system,
        is_active: g.is_active,
    })
}
