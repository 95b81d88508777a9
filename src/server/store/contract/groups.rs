//! Groups (`groups`, `user_groups`) and the helper tables `group_tags`,
//! `group_search`, `group_words` and `group_join_answers` (docs/schema.md).
//!
//! The membership rules hold in the database, not only in the app: every
//! change of membership runs in one transaction with a conditional update of
//! `groups` (`member_count < max_members`, `owner_id = $caller`, …), so
//! `max_members` is never exceeded, `member_count` moves with the rows, and
//! exactly one owner remains (S30, S31).

use super::error::StoreResult;
use chrono::{DateTime, Utc};

/// A group row as the app reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub is_public: bool,
    pub is_open: bool,
    pub is_system: bool,
    pub is_active: bool,
    pub member_count: i32,
    pub max_members: Option<i32>,
    pub group_type: String,
    pub tags: Option<String>,
    pub owner_id: String,
    pub settings: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub owner_username: String,
}

/// A group in a browse list, with the viewer's membership.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupListRow {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub is_public: bool,
    pub is_open: bool,
    pub member_count: i32,
    pub max_members: Option<i32>,
    pub group_type: String,
    pub tags: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub role_in_group: Option<String>,
    pub member_active: Option<bool>,
    /// `lower(name)` as this database computes it: the keyset cursor of the name order.
    pub name_key: String,
}

/// A member or a waiting request, with the person's names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: String,
    pub username: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role_in_group: Option<String>,
    pub is_active: bool,
    pub joined_at: DateTime<Utc>,
    pub answer: Option<String>,
}

/// A membership: role and whether it is active (pending requests are not).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Membership {
    pub role_in_group: Option<String>,
    pub is_active: bool,
}

pub struct NewGroup<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub slug: &'a str,
    pub description: Option<&'a str>,
    pub is_public: bool,
    pub is_open: bool,
    pub is_system: bool,
    pub max_members: Option<i32>,
    pub group_type: &'a str,
    pub tags: &'a [String],
    pub tags_joined: Option<&'a str>,
    pub settings: &'a str,
    pub owner_id: &'a str,
    /// Folded text of name, description and tags for `group_search`.
    pub search_body: &'a str,
    /// How many groups one person may own; `None` for no limit (seeding).
    pub owned_limit: Option<i64>,
    pub now: DateTime<Utc>,
}

pub struct GroupEdit<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub is_public: bool,
    pub is_open: bool,
    pub max_members: Option<i32>,
    pub group_type: &'a str,
    pub tags: &'a [String],
    pub tags_joined: Option<&'a str>,
    pub settings: &'a str,
    pub search_body: &'a str,
    pub now: DateTime<Utc>,
}

/// Browse: what to show and in which order.
#[derive(Debug, Clone, Default)]
pub struct GroupQuery {
    /// The signed-in viewer, whose own groups are listed too.
    pub viewer: Option<String>,
    /// Search words, already folded (lower case, no accents, alphanumeric).
    pub words: Vec<String>,
    pub group_type: Option<String>,
    pub tag: Option<String>,
    pub sort: GroupSort,
    pub after: Option<GroupCursor>,
    pub limit: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GroupSort {
    #[default]
    Name,
    Members,
    Newest,
}

/// Where the previous page ended, for keyset pagination.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupCursor {
    Name(String),
    Members(i32, String),
    Newest(DateTime<Utc>, String),
}

/// Why a join, request or approval did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipOutcome {
    Done,
    Full,
    AlreadyMember,
    AlreadyRequested,
    NotAllowed,
    NotFound,
}

/// The counts that must agree for a group: `member_count`, its active
/// members, its owner rows and the owner rows that match `groups.owner_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupCounts {
    pub member_count: i64,
    pub active_members: i64,
    pub owner_rows: i64,
    pub matching_owner_rows: i64,
}

/// Groups and memberships.
#[async_trait::async_trait]
pub trait Groups: Send + Sync {
    /// Creates groups, each with its owner as the first member, its tags and
    /// its search entry, in one transaction (all or none).
    /// `Conflict("owned_limit")` when an owner already has `owned_limit`
    /// groups; `Conflict(..name..)` or `Conflict(..slug..)` when taken.
    async fn create(&self, groups: &[NewGroup<'_>]) -> StoreResult<()>;
    /// Adds memberships directly, in one transaction: `(group, user, role)`
    /// with role `member`, `admin` or `pending`. Seeding only: no capacity check.
    async fn seed_members(
        &self,
        rows: &[(String, String, &'static str)],
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// A group by slug, unless deleted.
    async fn find(&self, slug: &str) -> StoreResult<Option<GroupRow>>;
    /// Groups this user owns that are not deleted.
    async fn owned_count(&self, user_id: &str) -> StoreResult<i64>;
    /// The membership of `user_id` in `group_id`, if there is one.
    async fn membership(&self, group_id: &str, user_id: &str) -> StoreResult<Option<Membership>>;
    /// Active members (`pending = false`) or waiting requests (`true`),
    /// owner first, then admins, then by joining time; at most `limit`.
    async fn members(
        &self,
        group_id: &str,
        pending: bool,
        limit: i64,
    ) -> StoreResult<Vec<MemberRow>>;
    /// One page of groups for `/groups`.
    async fn browse(&self, q: &GroupQuery) -> StoreResult<Vec<GroupListRow>>;
    /// Joins an open group at once, if it has room.
    async fn join(
        &self,
        group_id: &str,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<MembershipOutcome>;
    /// Records a request to join a closed group, with the answer to its question.
    async fn request(
        &self,
        group_id: &str,
        user_id: &str,
        answer: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<MembershipOutcome>;
    /// Withdraws (or, for a manager, denies) a waiting request. False when there was none.
    async fn drop_request(&self, group_id: &str, user_id: &str) -> StoreResult<bool>;
    /// Admits a waiting request, if the group has room.
    async fn approve(
        &self,
        group_id: &str,
        user_id: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<MembershipOutcome>;
    /// Ends an active membership whose role is one of `roles` (`admin`,
    /// `member`; never the owner's). False when there was none.
    async fn end_membership(
        &self,
        group_id: &str,
        user_id: &str,
        roles: &[&str],
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Makes an active admin or member an admin or member, if `owner_id`
    /// still owns the group (checked in the same transaction).
    async fn set_role(
        &self,
        group_id: &str,
        owner_id: &str,
        user_id: &str,
        role: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Hands the group from `from` (who must still own it) to `to` (an
    /// active member), who becomes owner; `from` stays on as an admin.
    async fn transfer(
        &self,
        group_id: &str,
        from: &str,
        to: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Saves a group's details. `Conflict` on a taken name;
    /// `Conflict("max_members")` below the current count; `NotFound` for a
    /// system or deleted group.
    async fn update(&self, group_id: &str, e: GroupEdit<'_>) -> StoreResult<()>;
    /// Soft-deletes a group (never a system one) if `owner_id` owns it.
    async fn delete(&self, group_id: &str, owner_id: &str, now: DateTime<Utc>)
        -> StoreResult<bool>;
    async fn counts(&self, group_id: &str) -> StoreResult<GroupCounts>;
    /// Bumped by every write that changes what a group listing shows, on
    /// this instance (see `server::web::page_cache`).
    fn generation(&self) -> u64;
}
