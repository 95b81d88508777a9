//! Queries on `groups`, `user_groups` and the two helper tables
//! `group_tags` and `group_search` (docs/schema.md).
//!
//! The membership rules hold in the database, not only in the app: every
//! change of membership runs in one transaction with a conditional update of
//! `groups` (`member_count < max_members`, `owner_id = $caller`, …). On
//! PostgreSQL that update takes the group's row lock and re-checks its
//! condition after a concurrent writer commits; SQLite has one writer
//! connection, so transactions do not interleave at all. Either way
//! `max_members` is never exceeded, `member_count` moves with the rows, and
//! exactly one owner remains (S30, S31).

use super::{Db, Readers, Store, StoreError, StoreResult};
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

const GROUP_COLUMNS: &str = "g.id, g.name, g.slug, g.description, g.is_public, g.is_open, \
     g.is_system, g.is_active, g.member_count, g.max_members, g.group_type, g.tags, g.owner_id, \
     g.settings, g.created_at, u.username AS owner_username";

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

/// What the one-word search on SQLite found.
#[derive(Debug, PartialEq)]
enum WordSearch {
    /// The ids of the page, in name order.
    Page(Vec<String>),
    /// So many matches that walking the name index finds a page sooner.
    Dense,
    /// Not a one-word search sorted by name without other filters.
    NotOneWord,
}

enum Bind {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
}

fn fts_query_sqlite(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The smallest text above every text that starts with `prefix` (code point
/// order, as the "C" collation of `group_words.word` compares UTF-8).
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = (last as u32 + 1..=0x10FFFF).find_map(char::from_u32) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

fn fts_query_pg(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("{w}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

impl Store {
    /// Creates a group with its owner as the first member, its tags and its
    /// search entry, in one transaction. `Conflict("owned_limit")` when the
    /// owner already has `owned_limit` groups; `Conflict(..name..)` or
    /// `Conflict(..slug..)` on a taken name or slug.
    pub async fn create_group(&self, g: NewGroup<'_>) -> StoreResult<()> {
        self.create_groups(std::slice::from_ref(&g)).await
    }

    /// Creates several groups in one transaction (all or none); for seeding.
    pub async fn create_groups(&self, groups: &[NewGroup<'_>]) -> StoreResult<()> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            for g in groups {
            if let Some(limit) = g.owned_limit {
                if let Db::Postgres(_) = &self.db {
                    // Serializes one person's concurrent creations.
                    sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                        .bind(g.owner_id).execute(&mut *tx).await?;
                }
                let owned: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM groups WHERE owner_id = $1 AND is_deleted = FALSE",
                ).bind(g.owner_id).fetch_one(&mut *tx).await?;
                if owned >= limit {
                    return Err(StoreError::Conflict("owned_limit".into()));
                }
            }
            sqlx::query(
                "INSERT INTO groups (is_deleted, created_at, updated_at, id, name, slug, description, \
                 is_public, is_open, is_system, is_active, member_count, max_members, group_type, tags, \
                 owner_id, created_by, settings) \
                 VALUES (FALSE, $1, $1, $2, $3, $4, $5, $6, $7, $8, TRUE, 1, $9, $10, $11, $12, $12, $13)",
            )
            .bind(g.now).bind(g.id).bind(g.name).bind(g.slug).bind(g.description)
            .bind(g.is_public).bind(g.is_open).bind(g.is_system).bind(g.max_members)
            .bind(g.group_type).bind(g.tags_joined).bind(g.owner_id).bind(g.settings)
            .execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO user_groups (user_id, group_id, joined_at, joined_by, role_in_group, is_active) \
                 VALUES ($1, $2, $3, $1, 'owner', TRUE)",
            )
            .bind(g.owner_id).bind(g.id).bind(g.now).execute(&mut *tx).await?;
            self.index_group(&mut tx, g.id, g.search_body, g.tags).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Adds memberships directly, in one transaction: `(group, user, role)`
    /// with role `member`, `admin` or `pending`. Seeding only: no capacity check.
    pub async fn seed_members(
        &self,
        rows: &[(String, String, &'static str)],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            for (group_id, user_id, role) in rows {
                let active = *role != "pending";
                sqlx::query(
                    "INSERT INTO user_groups (user_id, group_id, joined_at, joined_by, role_in_group, is_active) \
                     VALUES ($1, $2, $3, $1, $4, $5)",
                )
                .bind(user_id).bind(group_id).bind(now).bind(*role).bind(active)
                .execute(&mut *tx).await?;
                if active {
                    sqlx::query("UPDATE groups SET member_count = member_count + 1 WHERE id = $1")
                        .bind(group_id).execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// A group by slug, unless deleted.
    pub async fn find_group(&self, slug: &str) -> StoreResult<Option<GroupRow>> {
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM groups g JOIN users u ON u.id = g.owner_id \
             WHERE g.slug = $1 AND g.is_deleted = FALSE"
        );
        on_read!(self, pool => Ok(sqlx::query_as::<_, GroupRow>(&sql).bind(slug).fetch_optional(pool).await?))
    }

    /// The membership of `user_id` in `group_id`, if there is one.
    pub async fn membership(
        &self,
        group_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<Membership>> {
        on_read!(self, pool => Ok(sqlx::query_as::<_, Membership>(
            "SELECT role_in_group, is_active FROM user_groups WHERE group_id = $1 AND user_id = $2",
        ).bind(group_id).bind(user_id).fetch_optional(pool).await?))
    }

    /// Active members (`pending = false`) or waiting requests (`true`),
    /// owner first, then admins, then by joining time; at most `limit`.
    pub async fn group_members(
        &self,
        group_id: &str,
        pending: bool,
        limit: i64,
    ) -> StoreResult<Vec<MemberRow>> {
        let sql = "SELECT ug.user_id, u.username, u.first_name, u.last_name, ug.role_in_group, \
             ug.is_active, ug.joined_at, a.answer \
             FROM user_groups ug JOIN users u ON u.id = ug.user_id \
             LEFT JOIN group_join_answers a ON a.group_id = ug.group_id AND a.user_id = ug.user_id \
             WHERE ug.group_id = $1 AND ug.is_active = $2 AND (ug.is_active OR ug.role_in_group = 'pending') \
             ORDER BY CASE ug.role_in_group WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, ug.joined_at, u.username \
             LIMIT $3";
        on_read!(self, pool => Ok(sqlx::query_as::<_, MemberRow>(sql)
            .bind(group_id).bind(!pending).bind(limit).fetch_all(pool).await?))
    }

    /// One page of groups for `/groups`.
    pub async fn browse_groups(&self, q: &GroupQuery) -> StoreResult<Vec<GroupListRow>> {
        fn arg(b: Bind, binds: &mut Vec<Bind>) -> String {
            binds.push(b);
            format!("${}", binds.len())
        }
        let mut binds: Vec<Bind> = Vec::new();
        let viewer = arg(Bind::Text(q.viewer.clone().unwrap_or_default()), &mut binds);
        let mut filters: Vec<String> = vec!["g.is_deleted = FALSE".into()];
        if q.viewer.is_some() {
            filters.push(format!(
                "((g.is_public = TRUE AND g.is_active = TRUE) OR g.id IN \
                 (SELECT group_id FROM user_groups WHERE user_id = {viewer}))"
            ));
        } else {
            filters.push("g.is_public = TRUE AND g.is_active = TRUE".into());
        }
        let mut by_postings = false;
        let mut known_dense = false;
        if !q.words.is_empty() {
            match &self.db {
                Db::Sqlite { read, .. } => match self.sqlite_word_search(read, q).await? {
                    WordSearch::Page(ids) => {
                        let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
                        let p = arg(Bind::Text(json), &mut binds);
                        filters.push(format!("g.id IN (SELECT value FROM json_each({p}))"));
                        by_postings = true;
                    }
                    found => {
                        known_dense = found == WordSearch::Dense;
                        let p = arg(Bind::Text(fts_query_sqlite(&q.words)), &mut binds);
                        filters.push(format!(
                            "g.rowid IN (SELECT rowid FROM group_search WHERE group_search MATCH {p})"
                        ));
                    }
                },
                Db::Postgres(pg)
                    if q.sort == GroupSort::Name && q.group_type.is_none() && q.tag.is_none() =>
                {
                    let ids = self.pg_name_search(pg, q).await?;
                    let p = arg(Bind::Text(ids.join(",")), &mut binds);
                    filters.push(format!("g.id = ANY(string_to_array({p}, ','))"));
                }
                Db::Postgres(_) => {
                    let p = arg(Bind::Text(fts_query_pg(&q.words)), &mut binds);
                    filters.push(format!(
                        "g.id IN (SELECT group_id FROM group_search \
                         WHERE document @@ to_tsquery('simple', {p}))"
                    ));
                }
            }
        }
        if let Some(t) = &q.group_type {
            let p = arg(Bind::Text(t.clone()), &mut binds);
            filters.push(format!("g.group_type = {p}"));
        }
        if let Some(t) = &q.tag {
            let p = arg(Bind::Text(t.clone()), &mut binds);
            filters.push(format!(
                "g.id IN (SELECT group_id FROM group_tags WHERE tag = {p})"
            ));
        }
        let order = match q.sort {
            GroupSort::Name => "lower(g.name)",
            GroupSort::Members => "g.member_count DESC, g.id DESC",
            GroupSort::Newest => "g.created_at DESC, g.id DESC",
        };
        match &q.after {
            None => {}
            Some(GroupCursor::Name(n)) => {
                let p = arg(Bind::Text(n.clone()), &mut binds);
                filters.push(format!("lower(g.name) > {p}"));
            }
            Some(GroupCursor::Members(c, id)) => {
                let pc = arg(Bind::Int(*c as i64), &mut binds);
                let pi = arg(Bind::Text(id.clone()), &mut binds);
                filters.push(format!("(g.member_count, g.id) < ({pc}, {pi})"));
            }
            Some(GroupCursor::Newest(t, id)) => {
                let pt = arg(Bind::Time(*t), &mut binds);
                let pi = arg(Bind::Text(id.clone()), &mut binds);
                filters.push(format!("(g.created_at, g.id) < ({pt}, {pi})"));
            }
        }
        let limit = arg(Bind::Int(q.limit), &mut binds);
        // SQLite's planner, given a filter that most groups pass (or none),
        // may fetch every candidate and sort it (tens of ms at 100,000
        // groups). Unless a search or tag filter is selective (fewer than
        // SELECTIVE matches, counted with a cap), walk the index of the sort
        // order instead and stop at the page size.
        let from = match &self.db {
            Db::Sqlite { .. }
                if !by_postings && (known_dense || !self.sqlite_selective(q).await?) =>
            {
                let index = match q.sort {
                    GroupSort::Name => "groups_name_lower_key",
                    GroupSort::Members => "groups_member_count_idx",
                    GroupSort::Newest => "groups_created_at_idx",
                };
                format!("groups g INDEXED BY {index}")
            }
            _ => "groups g".to_string(),
        };
        let sql = format!(
            "SELECT g.id, g.name, g.slug, g.description, g.is_public, g.is_open, g.member_count, \
             g.max_members, g.group_type, g.tags, g.created_at, ug.role_in_group, ug.is_active AS member_active, \
             lower(g.name) AS name_key \
             FROM {from} LEFT JOIN user_groups ug ON ug.group_id = g.id AND ug.user_id = {viewer} \
             WHERE {} ORDER BY {order} LIMIT {limit}",
            filters.join(" AND ")
        );
        on_read!(self, pool => {
            let mut query = sqlx::query_as::<_, GroupListRow>(&sql);
            for b in &binds {
                query = match b {
                    Bind::Text(s) => query.bind(s.as_str()),
                    Bind::Int(i) => query.bind(*i),
                    Bind::Time(t) => query.bind(*t),
                };
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// The ids of one page of a search sorted by name, on PostgreSQL, read
    /// from `group_search` alone (it carries the sort key and visibility).
    /// Up to `DENSE` matches (by the planner's estimate) are fetched through
    /// the GIN index and sorted; when there are more, walking the name index
    /// and testing each row reaches a page sooner.
    async fn pg_name_search(
        &self,
        pool: &sqlx::PgPool,
        q: &GroupQuery,
    ) -> StoreResult<Vec<String>> {
        const DENSE: i64 = 8000;
        // Above this many matches, walking the name index finds a page sooner.
        let fts = fts_query_pg(&q.words);
        let viewer = q.viewer.clone().unwrap_or_default();
        let after = match &q.after {
            Some(GroupCursor::Name(n)) => Some(n.clone()),
            _ => None,
        };
        let filter = "s.document @@ to_tsquery('simple', $1) \
             AND (s.listed OR s.group_id IN (SELECT group_id FROM user_groups WHERE user_id = $2)) \
             AND ($3::text IS NULL OR s.name_key > $3)";
        // The planner's estimate of the matches is close and costs a fraction
        // of a millisecond; counting them would cost as much as the search.
        let plan: serde_json::Value = sqlx::query_scalar(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM group_search WHERE document @@ to_tsquery('simple', $1)",
        )
        .bind(&fts)
        .fetch_one(pool)
        .await?;
        let estimate = plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0);
        if q.words.len() == 1 && q.words[0].chars().count() <= 50 && estimate < DENSE as f64 {
            // One word: its postings, already ordered by name in the index.
            let word = &q.words[0];
            let Some(next) = prefix_end(word) else {
                return Ok(Vec::new());
            };
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT group_id FROM (SELECT DISTINCT w.name_key, w.group_id FROM group_words w \
                 WHERE w.word >= $1 AND w.word < $5 \
                 AND (w.listed OR w.group_id IN (SELECT group_id FROM user_groups WHERE user_id = $2)) \
                 AND ($3::text IS NULL OR w.name_key > $3)) d ORDER BY name_key LIMIT $4",
            )
            .bind(word)
            .bind(&viewer)
            .bind(&after)
            .bind(q.limit)
            .bind(&next)
            .fetch_all(pool)
            .await?;
            return Ok(ids);
        }
        let mut tx = pool.begin().await?;
        let plan_choice: &[&str] = if estimate < DENSE as f64 {
            &[
                "SET LOCAL enable_seqscan = off",
                "SET LOCAL enable_indexscan = off",
            ]
        } else {
            &["SET LOCAL enable_bitmapscan = off"]
        };
        for setting in plan_choice {
            sqlx::query(setting).execute(&mut *tx).await?;
        }
        let sql = format!(
            "SELECT s.group_id FROM group_search s WHERE {filter} ORDER BY s.name_key LIMIT $4"
        );
        let ids: Vec<String> = sqlx::query_scalar(&sql)
            .bind(&fts)
            .bind(&viewer)
            .bind(&after)
            .bind(q.limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// One page of a one-word search sorted by name on SQLite, from the
    /// word's rows in `group_words`; `Dense` when the word has so many rows
    /// that walking the name index finds a page sooner.
    async fn sqlite_word_search(&self, read: &Readers, q: &GroupQuery) -> StoreResult<WordSearch> {
        const DENSE: i64 = 8000;
        let [word] = q.words.as_slice() else {
            return Ok(WordSearch::NotOneWord);
        };
        if q.sort != GroupSort::Name
            || q.group_type.is_some()
            || q.tag.is_some()
            || word.chars().count() > 50
        {
            return Ok(WordSearch::NotOneWord);
        }
        let Some(next) = prefix_end(word) else {
            return Ok(WordSearch::NotOneWord);
        };
        let rows: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM group_words WHERE word >= $1 AND word < $2 LIMIT $3)",
        )
        .bind(word)
        .bind(&next)
        .bind(DENSE)
        .fetch_one(read)
        .await?;
        if rows >= DENSE {
            return Ok(WordSearch::Dense);
        }
        let after = match &q.after {
            Some(GroupCursor::Name(n)) => Some(n.clone()),
            _ => None,
        };
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT group_id FROM (SELECT DISTINCT w.name_key, w.group_id FROM group_words w \
             WHERE w.word >= $1 AND w.word < $5 \
             AND (w.listed OR w.group_id IN (SELECT group_id FROM user_groups WHERE user_id = $2)) \
             AND ($3 IS NULL OR w.name_key > $3)) ORDER BY name_key LIMIT $4",
        )
        .bind(word)
        .bind(q.viewer.clone().unwrap_or_default())
        .bind(&after)
        .bind(q.limit)
        .bind(&next)
        .fetch_all(read)
        .await?;
        Ok(WordSearch::Page(ids))
    }

    /// Does a search or tag filter leave few enough groups to fetch and sort?
    async fn sqlite_selective(&self, q: &GroupQuery) -> StoreResult<bool> {
        const SELECTIVE: i64 = 2000;
        let Db::Sqlite { read, .. } = &self.db else {
            return Ok(true);
        };
        if !q.words.is_empty() {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT rowid FROM group_search WHERE group_search MATCH $1 LIMIT $2)",
            )
            .bind(fts_query_sqlite(&q.words))
            .bind(SELECTIVE)
            .fetch_one(read)
            .await?;
            if n < SELECTIVE {
                return Ok(true);
            }
        }
        if let Some(tag) = &q.tag {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT group_id FROM group_tags WHERE tag = $1 LIMIT $2)",
            )
            .bind(tag)
            .bind(SELECTIVE)
            .fetch_one(read)
            .await?;
            if n < SELECTIVE {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Joins an open group at once, if it has room.
    pub async fn join_group(
        &self,
        group_id: &str,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<MembershipOutcome> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let r = sqlx::query(
                "UPDATE groups SET member_count = member_count + 1, updated_at = $2 \
                 WHERE id = $1 AND is_deleted = FALSE AND is_active = TRUE AND is_open = TRUE \
                 AND is_system = FALSE AND (max_members IS NULL OR member_count < max_members)",
            )
            .bind(group_id).bind(now).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Ok(MembershipOutcome::Full);
            }
            let r = sqlx::query(
                "INSERT INTO user_groups (user_id, group_id, joined_at, joined_by, role_in_group, is_active) \
                 VALUES ($1, $2, $3, $1, 'member', TRUE) \
                 ON CONFLICT (user_id, group_id) DO UPDATE SET is_active = TRUE, role_in_group = 'member', \
                 joined_at = excluded.joined_at, joined_by = excluded.joined_by \
                 WHERE user_groups.is_active = FALSE",
            )
            .bind(user_id).bind(group_id).bind(now).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Ok(MembershipOutcome::AlreadyMember);
            }
            sqlx::query("DELETE FROM group_join_answers WHERE group_id = $1 AND user_id = $2")
                .bind(group_id).bind(user_id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(MembershipOutcome::Done)
        })
    }

    /// Records a request to join a closed group, with the answer to its question.
    pub async fn request_to_join(
        &self,
        group_id: &str,
        user_id: &str,
        answer: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<MembershipOutcome> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let r = sqlx::query(
                "INSERT INTO user_groups (user_id, group_id, joined_at, joined_by, role_in_group, is_active) \
                 SELECT $1, $2, $3, NULL, 'pending', FALSE FROM groups \
                 WHERE id = $2 AND is_deleted = FALSE AND is_active = TRUE AND is_open = FALSE AND is_system = FALSE \
                 ON CONFLICT (user_id, group_id) DO NOTHING",
            )
            .bind(user_id).bind(group_id).bind(now).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                let existing = sqlx::query_as::<_, Membership>(
                    "SELECT role_in_group, is_active FROM user_groups WHERE group_id = $1 AND user_id = $2",
                ).bind(group_id).bind(user_id).fetch_optional(&mut *tx).await?;
                return Ok(match existing {
                    Some(m) if m.is_active => MembershipOutcome::AlreadyMember,
                    Some(_) => MembershipOutcome::AlreadyRequested,
                    None => MembershipOutcome::NotAllowed,
                });
            }
            if let Some(a) = answer {
                sqlx::query(
                    "INSERT INTO group_join_answers (group_id, user_id, answer) VALUES ($1, $2, $3) \
                     ON CONFLICT (group_id, user_id) DO UPDATE SET answer = excluded.answer",
                )
                .bind(group_id).bind(user_id).bind(a).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(MembershipOutcome::Done)
        })
    }

    /// Withdraws (or, for a manager, denies) a waiting request. False when there was none.
    pub async fn drop_request(&self, group_id: &str, user_id: &str) -> StoreResult<bool> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let r = sqlx::query(
                "DELETE FROM user_groups WHERE group_id = $1 AND user_id = $2 \
                 AND is_active = FALSE AND role_in_group = 'pending'",
            )
            .bind(group_id).bind(user_id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM group_join_answers WHERE group_id = $1 AND user_id = $2")
                .bind(group_id).bind(user_id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(r.rows_affected() == 1)
        })
    }

    /// Admits a waiting request, if the group has room.
    pub async fn approve_request(
        &self,
        group_id: &str,
        user_id: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<MembershipOutcome> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let r = sqlx::query(
                "UPDATE groups SET member_count = member_count + 1, updated_at = $2 \
                 WHERE id = $1 AND is_deleted = FALSE AND (max_members IS NULL OR member_count < max_members)",
            )
            .bind(group_id).bind(now).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Ok(MembershipOutcome::Full);
            }
            let r = sqlx::query(
                "UPDATE user_groups SET is_active = TRUE, role_in_group = 'member', joined_at = $3, joined_by = $4 \
                 WHERE group_id = $1 AND user_id = $2 AND is_active = FALSE AND role_in_group = 'pending'",
            )
            .bind(group_id).bind(user_id).bind(now).bind(by).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Ok(MembershipOutcome::NotFound);
            }
            sqlx::query("DELETE FROM group_join_answers WHERE group_id = $1 AND user_id = $2")
                .bind(group_id).bind(user_id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(MembershipOutcome::Done)
        })
    }

    /// Ends an active membership whose role is one of `roles` (never the
    /// owner's). False when there was no such membership.
    pub async fn end_membership(
        &self,
        group_id: &str,
        user_id: &str,
        roles: &[&str],
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let allowed = roles
            .iter()
            .filter(|r| matches!(**r, "admin" | "member"))
            .map(|r| format!("'{r}'"))
            .collect::<Vec<_>>()
            .join(", ");
        if allowed.is_empty() {
            return Ok(false);
        }
        let sql = format!(
            "DELETE FROM user_groups WHERE group_id = $1 AND user_id = $2 AND is_active = TRUE \
             AND role_in_group IN ({allowed})"
        );
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let r = sqlx::query(&sql).bind(group_id).bind(user_id).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Ok(false);
            }
            sqlx::query("UPDATE groups SET member_count = member_count - 1, updated_at = $2 WHERE id = $1")
                .bind(group_id).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Makes an active admin or member an admin or member. The owner's role
    /// never changes here (that is a transfer). The check that the caller
    /// still owns the group runs inside the same transaction.
    pub async fn set_member_role(
        &self,
        group_id: &str,
        owner_id: &str,
        user_id: &str,
        role: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        if !matches!(role, "admin" | "member") {
            return Ok(false);
        }
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let r = sqlx::query(
                "UPDATE groups SET updated_at = $3 WHERE id = $1 AND owner_id = $2 AND is_deleted = FALSE",
            )
            .bind(group_id).bind(owner_id).bind(now).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Ok(false);
            }
            let r = sqlx::query(
                "UPDATE user_groups SET role_in_group = $3 WHERE group_id = $1 AND user_id = $2 \
                 AND is_active = TRUE AND role_in_group IN ('admin', 'member')",
            )
            .bind(group_id).bind(user_id).bind(role).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Ok(false);
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Hands the group from `from` (who must still own it) to `to` (an
    /// active member), who becomes owner; `from` stays on as an admin.
    pub async fn transfer_group(
        &self,
        group_id: &str,
        from: &str,
        to: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        if from == to {
            return Ok(false);
        }
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let r = sqlx::query(
                "UPDATE groups SET owner_id = $3, updated_at = $4 WHERE id = $1 AND owner_id = $2 AND is_deleted = FALSE",
            )
            .bind(group_id).bind(from).bind(to).bind(now).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Ok(false);
            }
            let r = sqlx::query(
                "UPDATE user_groups SET role_in_group = 'owner' WHERE group_id = $1 AND user_id = $2 \
                 AND is_active = TRUE AND role_in_group IN ('admin', 'member')",
            )
            .bind(group_id).bind(to).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Ok(false);
            }
            sqlx::query(
                "UPDATE user_groups SET role_in_group = 'admin' WHERE group_id = $1 AND user_id = $2",
            )
            .bind(group_id).bind(from).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Saves a group's details. `Conflict` on a taken name; `NotFound` for a
    /// system or deleted group. `max_members` below the current count is refused
    /// in the same statement (`Conflict("max_members")`).
    pub async fn update_group(&self, group_id: &str, e: GroupEdit<'_>) -> StoreResult<()> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let r = sqlx::query(
                "UPDATE groups SET name = $2, description = $3, is_public = $4, is_open = $5, max_members = $6, \
                 group_type = $7, tags = $8, settings = $9, updated_at = $10 \
                 WHERE id = $1 AND is_deleted = FALSE AND is_system = FALSE \
                 AND ($6 IS NULL OR member_count <= $6)",
            )
            .bind(group_id).bind(e.name).bind(e.description).bind(e.is_public).bind(e.is_open)
            .bind(e.max_members).bind(e.group_type).bind(e.tags_joined).bind(e.settings).bind(e.now)
            .execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                let exists: Option<bool> = sqlx::query_scalar(
                    "SELECT is_system FROM groups WHERE id = $1 AND is_deleted = FALSE",
                ).bind(group_id).fetch_optional(&mut *tx).await?;
                return Err(match exists {
                    Some(false) => StoreError::Conflict("max_members".into()),
                    _ => StoreError::NotFound,
                });
            }
            self.index_group(&mut tx, group_id, e.search_body, e.tags).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Soft-deletes a group (never a system one): it leaves every list and
    /// its memberships end. Only the current owner may; checked in the statement.
    pub async fn delete_group(
        &self,
        group_id: &str,
        owner_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let r = sqlx::query(
                "UPDATE groups SET is_deleted = TRUE, deleted_at = $3, updated_at = $3, is_active = FALSE, \
                 member_count = 0 WHERE id = $1 AND owner_id = $2 AND is_deleted = FALSE AND is_system = FALSE",
            )
            .bind(group_id).bind(owner_id).bind(now).execute(&mut *tx).await?;
            if r.rows_affected() == 0 {
                return Ok(false);
            }
            sqlx::query("UPDATE user_groups SET is_active = FALSE WHERE group_id = $1")
                .bind(group_id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM group_join_answers WHERE group_id = $1")
                .bind(group_id).execute(&mut *tx).await?;
            self.unindex_group(&mut tx, group_id).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Counts that must agree: `(member_count, active members, owner rows,
    /// owner rows that match groups.owner_id)`.
    pub async fn group_counts(&self, group_id: &str) -> StoreResult<(i64, i64, i64, i64)> {
        on_read!(self, pool => {
            let row: (i64, i64, i64, i64) = sqlx::query_as(
                "SELECT CAST(g.member_count AS BIGINT), \
                 (SELECT COUNT(*) FROM user_groups WHERE group_id = g.id AND is_active = TRUE), \
                 (SELECT COUNT(*) FROM user_groups WHERE group_id = g.id AND role_in_group = 'owner'), \
                 (SELECT COUNT(*) FROM user_groups WHERE group_id = g.id AND role_in_group = 'owner' \
                  AND is_active = TRUE AND user_id = g.owner_id) \
                 FROM groups g WHERE g.id = $1",
            )
            .bind(group_id).fetch_one(pool).await?;
            Ok(row)
        })
    }
}

/// The rows derived from a group for lookups (`group_tags`, `group_search`,
/// `group_words`), written and removed inside the caller's transaction. Only
/// the search table differs between the engines (FTS5 keyed by the group's
/// rowid; a tsvector table keyed by its id).
trait IndexGroup<Tx> {
    /// Replaces the derived rows from the group as it now stands.
    async fn index_group(
        &self,
        tx: &mut Tx,
        group_id: &str,
        body: &str,
        tags: &[String],
    ) -> StoreResult<()>;
    /// Removes them.
    async fn unindex_group(&self, tx: &mut Tx, group_id: &str) -> StoreResult<()>;
}

impl IndexGroup<sqlx::Transaction<'_, sqlx::Sqlite>> for Store {
    async fn index_group(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        group_id: &str,
        body: &str,
        tags: &[String],
    ) -> StoreResult<()> {
        self.unindex_group(tx, group_id).await?;
        for tag in tags {
            sqlx::query("INSERT INTO group_tags (group_id, tag) VALUES ($1, $2)")
                .bind(group_id)
                .bind(tag)
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO group_search (rowid, body) SELECT rowid, $2 FROM groups WHERE id = $1",
        )
        .bind(group_id)
        .bind(body)
        .execute(&mut **tx)
        .await?;
        let words: Vec<&str> = body.split(' ').filter(|w| !w.is_empty()).collect();
        let words = serde_json::to_string(&words).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "INSERT INTO group_words (word, name_key, group_id, listed) \
             SELECT DISTINCT j.value, lower(g.name), g.id, g.is_public AND g.is_active AND NOT g.is_deleted \
             FROM groups g, json_each($2) j WHERE g.id = $1 AND length(j.value) <= 50",
        )
        .bind(group_id)
        .bind(words)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    async fn unindex_group(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        group_id: &str,
    ) -> StoreResult<()> {
        for sql in [
            "DELETE FROM group_tags WHERE group_id = $1",
            "DELETE FROM group_words WHERE group_id = $1",
            "DELETE FROM group_search WHERE rowid = (SELECT rowid FROM groups WHERE id = $1)",
        ] {
            sqlx::query(sql).bind(group_id).execute(&mut **tx).await?;
        }
        Ok(())
    }
}

impl IndexGroup<sqlx::Transaction<'_, sqlx::Postgres>> for Store {
    async fn index_group(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        group_id: &str,
        body: &str,
        tags: &[String],
    ) -> StoreResult<()> {
        self.unindex_group(tx, group_id).await?;
        for tag in tags {
            sqlx::query("INSERT INTO group_tags (group_id, tag) VALUES ($1, $2)")
                .bind(group_id)
                .bind(tag)
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO group_search (group_id, body, name_key, listed) \
             SELECT id, $2, lower(name), is_public AND is_active AND NOT is_deleted FROM groups WHERE id = $1",
        )
        .bind(group_id)
        .bind(body)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO group_words (word, name_key, group_id, listed) \
             SELECT DISTINCT w, s.name_key, s.group_id, s.listed \
             FROM group_search s, unnest(string_to_array(s.body, ' ')) AS w \
             WHERE s.group_id = $1 AND w <> '' AND char_length(w) <= 50",
        )
        .bind(group_id)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    async fn unindex_group(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        group_id: &str,
    ) -> StoreResult<()> {
        for sql in [
            "DELETE FROM group_tags WHERE group_id = $1",
            "DELETE FROM group_words WHERE group_id = $1",
            "DELETE FROM group_search WHERE group_id = $1",
        ] {
            sqlx::query(sql).bind(group_id).execute(&mut **tx).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn prefix_end_bounds_every_word_with_the_prefix() {
        assert_eq!(prefix_end("green").as_deref(), Some("greeo"));
        assert_eq!(prefix_end("caf").as_deref(), Some("cag"));
        let end = prefix_end("zü").unwrap();
        assert!("züri".as_bytes() < end.as_bytes() && "zü" < end.as_str());
        assert_eq!(prefix_end(""), None);
    }
}
