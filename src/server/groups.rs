//! Groups: browsing, the group page, membership and management.
//!
//! Who may do what is decided here, once, by [`GroupAccess`]: it loads the
//! group and the caller's standing in it, and only its `manager()` and
//! `owner()` checks produce the [`Manager`] and [`Owner`] values that the
//! changing functions require, so a forgotten check does not compile. The
//! store re-checks the parts that can race (capacity, ownership) inside its
//! transactions.
//!
//! Site administrators see every group and act as a group admin (approve,
//! deny, remove, edit, delete); role changes and hand-overs stay with the owner.

use super::accounts::{record, store_err};
use super::http::RequestMeta;
use super::session::Authenticated;
use super::state::AppState;
use super::store::{
    new_id, GroupCursor, GroupEdit, GroupListRow, GroupQuery, GroupRow, GroupSort, MemberRow,
    MembershipOutcome, NewGroup, StoreError, UserRow,
};
use crate::domain::{
    optional_text, parse_max_members, AppError, FormErrors, GroupAction, GroupCard, GroupDetail,
    GroupList, GroupName, GroupSettings, GroupSlug, GroupType, MemberView, RequestView, Standing,
    Tags, JOIN_ANSWER_MAX,
};
use chrono::{DateTime, Utc};
use unicode_normalization::UnicodeNormalization;

pub const PAGE: i64 = 20;
const MEMBERS_SHOWN: i64 = 200;

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

fn search_body(name: &str, description: Option<&str>, tags: &[String]) -> String {
    let mut text = format!("{name} {}", description.unwrap_or(""));
    for t in tags {
        text.push(' ');
        text.push_str(t);
    }
    fold_words(&text).join(" ")
}

/// The caller, when signed in, with their account.
pub struct Viewer {
    pub who: Authenticated,
    pub user: std::sync::Arc<UserRow>,
}

/// The caller with their account; a session whose account cannot sign in counts as none.
pub fn viewer(who: Option<&Authenticated>) -> Option<Viewer> {
    super::accounts::caller_user(who)
        .ok()
        .map(|(who, user)| Viewer { who, user })
}

fn require(viewer: Option<Viewer>) -> Result<Viewer, AppError> {
    viewer.ok_or(AppError::Unauthenticated)
}

/// A group and where the caller stands in it.
pub struct GroupAccess {
    pub group: GroupRow,
    pub standing: Standing,
    pub site_admin: bool,
    pub viewer: Option<Viewer>,
}

/// Proof that the caller may manage the group (owner, admin or site admin).
pub struct Manager<'a>(&'a GroupAccess);
/// Proof that the caller owns the group.
pub struct Owner<'a>(&'a GroupAccess);

impl GroupAccess {
    pub async fn load(
        state: &AppState,
        viewer: Option<Viewer>,
        slug: &str,
        meta: &RequestMeta,
    ) -> Result<Self, AppError> {
        // A malformed slug names no group.
        let slug = GroupSlug::parse(slug).map_err(|_| AppError::NotFound)?;
        let group = state
            .store
            .find_group(slug.as_ref())
            .await
            .map_err(|e| store_err(e, meta))?
            .ok_or(AppError::NotFound)?;
        let standing = match &viewer {
            Some(v) => state
                .store
                .membership(&group.id, &v.user.id)
                .await
                .map_err(|e| store_err(e, meta))?
                .map(|m| Standing::from_role(m.role_in_group.as_deref(), m.is_active))
                .unwrap_or(Standing::None),
            None => Standing::None,
        };
        let site_admin = viewer.as_ref().is_some_and(|v| v.user.is_admin());
        Ok(Self {
            group,
            standing,
            site_admin,
            viewer,
        })
    }

    fn signed_in(&self) -> Result<&Viewer, AppError> {
        self.viewer.as_ref().ok_or(AppError::Unauthenticated)
    }

    pub fn manager(&self) -> Result<Manager<'_>, AppError> {
        self.signed_in()?;
        if matches!(self.standing, Standing::Owner | Standing::Admin) || self.site_admin {
            Ok(Manager(self))
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn owner(&self) -> Result<Owner<'_>, AppError> {
        let v = self.signed_in()?;
        if self.standing == Standing::Owner && self.group.owner_id == v.user.id {
            Ok(Owner(self))
        } else {
            Err(AppError::Forbidden)
        }
    }

    fn may_see_members(&self, settings: &GroupSettings) -> bool {
        self.standing.is_member()
            || self.site_admin
            || (self.group.is_public && settings.show_members)
    }

    fn action(&self) -> GroupAction {
        let g = &self.group;
        if self.viewer.is_none() {
            return GroupAction::None("Sign in to join this group.".into());
        }
        if g.is_system {
            return GroupAction::None(
                "This is a system group: its membership is managed for you.".into(),
            );
        }
        if !g.is_active {
            return GroupAction::None("This group is not active.".into());
        }
        match self.standing {
            Standing::Owner => GroupAction::None(
                "You own this group. Hand it over to another member before you can leave.".into(),
            ),
            Standing::Admin | Standing::Member => GroupAction::Leave,
            Standing::Pending => GroupAction::Cancel,
            Standing::None if !g.is_open => GroupAction::Request,
            Standing::None if is_full(g) => GroupAction::None("This group is full.".into()),
            Standing::None => GroupAction::Join,
        }
    }
}

fn is_full(g: &GroupRow) -> bool {
    g.max_members.is_some_and(|m| g.member_count >= m)
}

fn moment(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

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

/// What `/groups` asks for, straight from its URL.
pub struct BrowseInput {
    pub q: String,
    pub group_type: String,
    pub tag: String,
    pub sort: String,
    pub after: String,
}

fn parse_cursor(sort: GroupSort, raw: &str) -> Result<Option<GroupCursor>, AppError> {
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.chars().count() > 300 {
        return Err(AppError::BadRequest);
    }
    let parts: Vec<&str> = raw.splitn(3, '|').collect();
    let c = match (sort, parts.as_slice()) {
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
    };
    Ok(Some(c))
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

/// One page of `/groups` for anyone.
pub async fn browse(
    state: &AppState,
    viewer: Option<Viewer>,
    input: BrowseInput,
    meta: &RequestMeta,
) -> Result<GroupList, AppError> {
    let sort = match input.sort.as_str() {
        "" | "name" => GroupSort::Name,
        "members" => GroupSort::Members,
        "newest" => GroupSort::Newest,
        _ => return Err(AppError::invalid("sort", "Choose a listed sort order.")),
    };
    if input.q.chars().count() > 200 {
        return Err(AppError::invalid("q", "Search for at most 200 characters."));
    }
    let group_type = match input.group_type.as_str() {
        "" => None,
        t => Some(
            GroupType::parse(t)
                .map_err(|m| AppError::invalid("type", m))?
                .as_str()
                .to_string(),
        ),
    };
    let tag = match input.tag.trim() {
        "" => None,
        t => {
            let tags = Tags::parse(t).map_err(|m| AppError::invalid("tag", m))?;
            tags.list().first().cloned()
        }
    };
    let mut words = fold_words(&input.q);
    words.truncate(8);
    let query = GroupQuery {
        viewer: viewer.as_ref().map(|v| v.user.id.clone()),
        words,
        group_type,
        tag,
        sort,
        after: parse_cursor(sort, &input.after)?,
        limit: PAGE + 1,
    };
    let mut rows = state
        .store
        .browse_groups(&query)
        .await
        .map_err(|e| store_err(e, meta))?;
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

/// The group page (and, with `manage`, the manage page) for anyone allowed.
pub async fn detail(
    state: &AppState,
    access: GroupAccess,
    manage: bool,
    meta: &RequestMeta,
) -> Result<GroupDetail, AppError> {
    if manage {
        access.manager()?;
    }
    let settings = GroupSettings::from_stored(access.group.settings.as_deref());
    let can_manage = access.manager().is_ok();
    let members = if access.may_see_members(&settings) {
        Some(
            state
                .store
                .group_members(&access.group.id, false, MEMBERS_SHOWN)
                .await
                .map_err(|e| store_err(e, meta))?
                .into_iter()
                .map(member_view)
                .collect(),
        )
    } else {
        None
    };
    let requests = if manage {
        state
            .store
            .group_members(&access.group.id, true, MEMBERS_SHOWN)
            .await
            .map_err(|e| store_err(e, meta))?
            .into_iter()
            .map(|m| RequestView {
                display_name: display_name(&m.first_name, &m.last_name, &m.username),
                username: m.username,
                asked: m.joined_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                answer: m.answer,
            })
            .collect()
    } else {
        Vec::new()
    };
    let action = access.action();
    let g = access.group;
    Ok(GroupDetail {
        tags: Tags::split_stored(g.tags.as_deref()),
        created: moment(g.created_at),
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

/// The fields of the create and edit forms, as typed.
pub struct GroupForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub group_type: String,
    pub tags: String,
    pub is_public: bool,
    pub is_open: bool,
    pub max_members: String,
    pub show_members: bool,
    pub join_question: String,
    /// Raw JSON settings (API clients); when given it replaces the two fields above.
    pub settings: Option<String>,
}

struct ParsedForm {
    name: GroupName,
    description: Option<String>,
    group_type: GroupType,
    tags: Tags,
    max_members: Option<i32>,
    settings: GroupSettings,
}

fn parse_form(f: &GroupForm, errors: &mut FormErrors) -> Option<ParsedForm> {
    for (field, value) in [
        ("name", &f.name),
        ("slug", &f.slug),
        ("description", &f.description),
        ("group_type", &f.group_type),
        ("tags", &f.tags),
        ("max_members", &f.max_members),
        ("join_question", &f.join_question),
    ] {
        errors.keep(field, value);
    }
    // Ticked or not, so a refused form comes back as it was sent.
    for (field, on) in [
        ("is_public", f.is_public),
        ("is_open", f.is_open),
        ("show_members", f.show_members),
    ] {
        errors.keep(field, if on { "on" } else { "off" });
    }
    let name = GroupName::parse(&f.name)
        .map_err(|m| errors.add("name", m))
        .ok();
    let description = optional_text(&f.description, 1000, "The description")
        .map_err(|m| errors.add("description", m))
        .ok();
    let group_type = GroupType::parse(&f.group_type)
        .map_err(|m| errors.add("group_type", m))
        .ok();
    let tags = Tags::parse(&f.tags).map_err(|m| errors.add("tags", m)).ok();
    let max_members = parse_max_members(&f.max_members)
        .map_err(|m| errors.add("max_members", m))
        .ok();
    let settings = match f.settings.as_deref().map(str::trim) {
        Some(raw) if !raw.is_empty() => GroupSettings::parse_json(raw)
            .map_err(|m| errors.add("settings", m))
            .ok(),
        _ => GroupSettings::new(f.show_members, &f.join_question)
            .map_err(|m| errors.add("join_question", m))
            .ok(),
    };
    Some(ParsedForm {
        name: name?,
        description: description?,
        group_type: group_type?,
        tags: tags?,
        max_members: max_members?,
        settings: settings?,
    })
}

fn name_taken(e: &StoreError) -> Option<&'static str> {
    match e {
        StoreError::Conflict(what) if what.contains("slug") => Some("slug"),
        StoreError::Conflict(what) if what.contains("name") => Some("name"),
        _ => None,
    }
}

/// Creates a group owned by the caller. **A signed-in user with a confirmed email.**
pub async fn create(
    state: &AppState,
    viewer: Option<Viewer>,
    form: GroupForm,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    let v = require(viewer)?;
    if !v.user.email_verified {
        return Err(AppError::Refused(
            "Please confirm your email address before creating a group.".into(),
        ));
    }
    let mut errors = FormErrors::new();
    let slug_raw = if form.slug.trim().is_empty() {
        GroupSlug::suggest(&form.name)
    } else {
        form.slug.clone()
    };
    let slug = GroupSlug::parse(&slug_raw)
        .map_err(|m| errors.add("slug", m))
        .ok();
    let parsed = parse_form(&form, &mut errors);
    errors.clone().into_result()?;
    let (Some(p), Some(slug)) = (parsed, slug) else {
        return Err(AppError::Invalid(errors));
    };
    let id = new_id();
    let body = search_body(p.name.as_ref(), p.description.as_deref(), p.tags.list());
    let now = state.now();
    let r = state
        .store
        .create_group(NewGroup {
            id: &id,
            name: p.name.as_ref(),
            slug: slug.as_ref(),
            description: p.description.as_deref(),
            is_public: form.is_public,
            is_open: form.is_open,
            is_system: false,
            max_members: p.max_members,
            group_type: p.group_type.as_str(),
            tags: p.tags.list(),
            tags_joined: p.tags.joined().as_deref(),
            settings: &p.settings.to_json(),
            owner_id: &v.user.id,
            search_body: &body,
            owned_limit: Some(state.settings.max_owned_groups.into()),
            now,
        })
        .await;
    match r {
        Ok(()) => {}
        Err(StoreError::Conflict(what)) if what == "owned_limit" => {
            return Err(AppError::Refused(format!(
                "You already own {} groups, the most one person may own. Hand one over or delete one first.",
                state.settings.max_owned_groups
            )))
        }
        Err(e) => {
            if let Some(field) = name_taken(&e) {
                errors.add(
                    field,
                    if field == "slug" {
                        "This slug is taken. Please choose another."
                    } else {
                        "A group with this name already exists."
                    },
                );
                return Err(AppError::Invalid(errors));
            }
            return Err(store_err(e, meta));
        }
    }
    state.page_cache.groups_changed();
    record(
        state,
        &v.who.session_id,
        &v.user.id,
        "group_created",
        meta,
        200,
        Some(serde_json::json!({ "group": p.name.as_ref(), "slug": slug.as_ref() })),
    )
    .await;
    Ok(slug.as_ref().to_string())
}

/// Saves a group's details. **Owner or admin (site admins too); never a system group.**
pub async fn update(
    state: &AppState,
    m: Manager<'_>,
    form: GroupForm,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let access = m.0;
    let v = access.signed_in()?;
    if access.group.is_system {
        return Err(AppError::Refused(
            "System groups cannot be edited here.".into(),
        ));
    }
    let mut errors = FormErrors::new();
    let parsed = parse_form(&form, &mut errors);
    errors.clone().into_result()?;
    let Some(p) = parsed else {
        return Err(AppError::Invalid(errors));
    };
    let body = search_body(p.name.as_ref(), p.description.as_deref(), p.tags.list());
    let r = state
        .store
        .update_group(
            &access.group.id,
            GroupEdit {
                name: p.name.as_ref(),
                description: p.description.as_deref(),
                is_public: form.is_public,
                is_open: form.is_open,
                max_members: p.max_members,
                group_type: p.group_type.as_str(),
                tags: p.tags.list(),
                tags_joined: p.tags.joined().as_deref(),
                settings: &p.settings.to_json(),
                search_body: &body,
                now: state.now(),
            },
        )
        .await;
    match r {
        Ok(()) => {}
        Err(StoreError::Conflict(what)) if what == "max_members" => {
            errors.add(
                "max_members",
                "The group already has more members than that.",
            );
            return Err(AppError::Invalid(errors));
        }
        Err(e) => {
            if name_taken(&e).is_some() {
                errors.add("name", "A group with this name already exists.");
                return Err(AppError::Invalid(errors));
            }
            return Err(store_err(e, meta));
        }
    }
    state.page_cache.groups_changed();
    event(state, v, access, "group_updated", None, meta).await;
    Ok(())
}

async fn event(
    state: &AppState,
    v: &Viewer,
    access: &GroupAccess,
    kind: &'static str,
    member: Option<&str>,
    meta: &RequestMeta,
) {
    let mut extra = serde_json::json!({ "group": access.group.name, "slug": access.group.slug });
    if let Some(m) = member {
        extra["member"] = serde_json::Value::String(m.to_string());
    }
    record(
        state,
        &v.who.session_id,
        &v.user.id,
        kind,
        meta,
        200,
        Some(extra),
    )
    .await;
}

/// A store change that found nothing to change is a conflict with this message.
fn conflict_unless(done: bool, message: &str) -> Result<(), AppError> {
    if done {
        Ok(())
    } else {
        Err(AppError::Conflict(message.to_string()))
    }
}

fn refuse_system(access: &GroupAccess) -> Result<(), AppError> {
    if access.group.is_system {
        Err(AppError::Refused(
            "System groups cannot be joined or left here.".into(),
        ))
    } else {
        Ok(())
    }
}

/// Joins an open group. **A signed-in user who is not yet a member.**
pub async fn join(
    state: &AppState,
    access: GroupAccess,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let v = access.signed_in()?;
    refuse_system(&access)?;
    if access.standing.is_member() {
        return Err(AppError::Conflict(
            "You are already a member of this group.".into(),
        ));
    }
    if !access.group.is_open {
        return Err(AppError::Conflict(
            "This group is closed: ask to join instead.".into(),
        ));
    }
    if !access.group.is_active {
        return Err(AppError::Conflict("This group is not active.".into()));
    }
    let out = state
        .store
        .join_group(&access.group.id, &v.user.id, state.now())
        .await
        .map_err(|e| store_err(e, meta))?;
    match out {
        MembershipOutcome::Done => {}
        MembershipOutcome::AlreadyMember => {
            return Err(AppError::Conflict(
                "You are already a member of this group.".into(),
            ))
        }
        _ => return Err(AppError::Conflict("This group is full.".into())),
    }
    state.page_cache.groups_changed();
    event(state, v, &access, "group_joined", None, meta).await;
    Ok(())
}

/// Asks to join a closed group. **A signed-in user who is not yet a member.**
pub async fn request(
    state: &AppState,
    access: GroupAccess,
    answer: String,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let v = access.signed_in()?;
    refuse_system(&access)?;
    if access.group.is_open {
        return Err(AppError::Conflict(
            "This group is open: join it directly.".into(),
        ));
    }
    let answer = optional_text(&answer, JOIN_ANSWER_MAX, "Your answer").map_err(|m| {
        let mut f = FormErrors::new();
        f.add("answer", m);
        f.keep("answer", &answer);
        AppError::Invalid(f)
    })?;
    let out = state
        .store
        .request_to_join(&access.group.id, &v.user.id, answer.as_deref(), state.now())
        .await
        .map_err(|e| store_err(e, meta))?;
    match out {
        MembershipOutcome::Done => {}
        MembershipOutcome::AlreadyMember => {
            return Err(AppError::Conflict(
                "You are already a member of this group.".into(),
            ))
        }
        MembershipOutcome::AlreadyRequested => {
            return Err(AppError::Conflict(
                "You have already asked to join this group.".into(),
            ))
        }
        _ => {
            return Err(AppError::Conflict(
                "This group does not take requests.".into(),
            ))
        }
    }
    event(state, v, &access, "group_requested", None, meta).await;
    Ok(())
}

/// Withdraws one's own waiting request. **The person who asked.**
pub async fn cancel(
    state: &AppState,
    access: GroupAccess,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let v = access.signed_in()?;
    let done = state
        .store
        .drop_request(&access.group.id, &v.user.id)
        .await
        .map_err(|e| store_err(e, meta))?;
    conflict_unless(done, "You have no waiting request here.")?;
    event(state, v, &access, "group_request_cancelled", None, meta).await;
    Ok(())
}

/// Leaves a group. **A member or admin; the owner hands over first.**
pub async fn leave(
    state: &AppState,
    access: GroupAccess,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let v = access.signed_in()?;
    refuse_system(&access)?;
    if access.standing == Standing::Owner {
        return Err(AppError::Conflict(
            "You own this group. Hand it over to another member before you leave.".into(),
        ));
    }
    let done = state
        .store
        .end_membership(
            &access.group.id,
            &v.user.id,
            &["admin", "member"],
            state.now(),
        )
        .await
        .map_err(|e| store_err(e, meta))?;
    conflict_unless(done, "You are not a member of this group.")?;
    state.page_cache.groups_changed();
    event(state, v, &access, "group_left", None, meta).await;
    Ok(())
}

/// Finds the account behind a username typed into a manage form.
async fn target(state: &AppState, username: &str, meta: &RequestMeta) -> Result<UserRow, AppError> {
    if username.is_empty() || username.chars().count() > 100 {
        return Err(AppError::NotFound);
    }
    match state
        .store
        .find_user_by_login(username)
        .await
        .map_err(|e| store_err(e, meta))?
    {
        Some(u) if u.username.eq_ignore_ascii_case(username.trim()) && !u.is_deleted => Ok(u),
        _ => Err(AppError::NotFound),
    }
}

/// Admits a waiting request. **Owner or admin.**
pub async fn approve(
    state: &AppState,
    m: Manager<'_>,
    username: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let access = m.0;
    let v = access.signed_in()?;
    let u = target(state, username, meta).await?;
    let out = state
        .store
        .approve_request(&access.group.id, &u.id, &v.user.id, state.now())
        .await
        .map_err(|e| store_err(e, meta))?;
    match out {
        MembershipOutcome::Done => {}
        MembershipOutcome::Full => {
            return Err(AppError::Conflict(
                "The group is full: raise the maximum or remove someone first.".into(),
            ))
        }
        _ => return Err(AppError::NotFound),
    }
    state.page_cache.groups_changed();
    event(state, v, access, "group_approved", Some(&u.username), meta).await;
    Ok(())
}

/// Turns a waiting request down. **Owner or admin.**
pub async fn deny(
    state: &AppState,
    m: Manager<'_>,
    username: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let access = m.0;
    let v = access.signed_in()?;
    let u = target(state, username, meta).await?;
    if !state
        .store
        .drop_request(&access.group.id, &u.id)
        .await
        .map_err(|e| store_err(e, meta))?
    {
        return Err(AppError::NotFound);
    }
    event(state, v, access, "group_denied", Some(&u.username), meta).await;
    Ok(())
}

/// Removes a member. **Owner (any member) or admin (plain members only).**
pub async fn remove(
    state: &AppState,
    m: Manager<'_>,
    username: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let access = m.0;
    let v = access.signed_in()?;
    if access.group.is_system {
        return Err(AppError::Refused(
            "System group members cannot be removed here.".into(),
        ));
    }
    let u = target(state, username, meta).await?;
    if u.id == v.user.id {
        return Err(AppError::Conflict(
            "To leave the group yourself, use Leave group on its page.".into(),
        ));
    }
    let roles: &[&str] = if access.standing == Standing::Owner {
        &["admin", "member"]
    } else {
        &["member"]
    };
    let done = state
        .store
        .end_membership(&access.group.id, &u.id, roles, state.now())
        .await
        .map_err(|e| store_err(e, meta))?;
    conflict_unless(done, "That person is not a member you can remove.")?;
    state.page_cache.groups_changed();
    event(state, v, access, "group_removed", Some(&u.username), meta).await;
    Ok(())
}

/// Makes a member an admin or back. **The owner.**
pub async fn change_role(
    state: &AppState,
    o: Owner<'_>,
    username: &str,
    role: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let access = o.0;
    let v = access.signed_in()?;
    if !matches!(role, "admin" | "member") {
        return Err(AppError::invalid(
            "role",
            "Choose admin or member. To hand the group over, use Transfer ownership.",
        ));
    }
    let u = target(state, username, meta).await?;
    let done = state
        .store
        .set_member_role(&access.group.id, &v.user.id, &u.id, role, state.now())
        .await
        .map_err(|e| store_err(e, meta))?;
    conflict_unless(done, "That role could not be changed: the person is not a member, or you no longer own the group.")?;
    event(
        state,
        v,
        access,
        "group_role_changed",
        Some(&u.username),
        meta,
    )
    .await;
    Ok(())
}

/// Hands the group to another member; the old owner stays as an admin. **The owner.**
pub async fn transfer(
    state: &AppState,
    o: Owner<'_>,
    username: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let access = o.0;
    let v = access.signed_in()?;
    let u = target(state, username, meta).await?;
    let done = state
        .store
        .transfer_group(&access.group.id, &v.user.id, &u.id, state.now())
        .await
        .map_err(|e| store_err(e, meta))?;
    conflict_unless(done, "Ownership could not be handed over: the person must be a member, and you must still own the group.")?;
    state.page_cache.groups_changed();
    event(
        state,
        v,
        access,
        "group_ownership_transferred",
        Some(&u.username),
        meta,
    )
    .await;
    Ok(())
}

/// Deletes the group (soft). The caller types the slug to confirm. **The owner.**
pub async fn delete(
    state: &AppState,
    o: Owner<'_>,
    confirm: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let access = o.0;
    let v = access.signed_in()?;
    if access.group.is_system {
        return Err(AppError::Refused(
            "System groups cannot be deleted here.".into(),
        ));
    }
    if confirm.trim() != access.group.slug {
        let mut f = FormErrors::new();
        f.add("confirm", "Type the group's slug exactly to confirm.");
        return Err(AppError::Invalid(f));
    }
    let done = state
        .store
        .delete_group(&access.group.id, &v.user.id, state.now())
        .await
        .map_err(|e| store_err(e, meta))?;
    if !done {
        return Err(AppError::Forbidden);
    }
    state.page_cache.groups_changed();
    event(state, v, access, "group_deleted", None, meta).await;
    Ok(())
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
