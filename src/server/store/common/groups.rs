//! The group queries both engines share, stamped out for each engine's store
//! by [`groups_sql`]. What differs lives beside each engine: search and
//! browse (`browse`), the derived lookup rows (`index_group`,
//! `unindex_group`) and how one person's creations are serialized
//! (`lock_owner`).

/// The columns of a `GroupRow` (owner's username from `users u`).
pub const GROUP_COLUMNS: &str = "g.id, g.name, g.slug, g.description, g.is_public, g.is_open, \
     g.is_system, g.is_active, g.member_count, g.max_members, g.group_type, g.tags, g.owner_id, \
     g.settings, g.created_at, u.username AS owner_username";

/// The roles of `roles` that may end a membership, as an SQL list (only
/// `admin` and `member` ever reach the SQL text).
pub fn role_list(roles: &[&str]) -> Option<String> {
    let allowed: Vec<String> = roles
        .iter()
        .filter(|r| matches!(**r, "admin" | "member"))
        .map(|r| format!("'{r}'"))
        .collect();
    (!allowed.is_empty()).then(|| allowed.join(", "))
}

/// Implements `Groups` for `$store`, which has `reader()`, `writer()`,
/// `changes`, and the inherent `browse_groups`, `index_group`,
/// `unindex_group` and `lock_owner` of its engine.
macro_rules! groups_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl Groups for $store {
            async fn create(&self, groups: &[NewGroup<'_>]) -> StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                for g in groups {
                    if let Some(limit) = g.owned_limit {
                        Self::lock_owner(&mut tx, g.owner_id).await?;
                        let owned: i64 = sqlx::query_scalar(
                            "SELECT COUNT(*) FROM groups WHERE owner_id = $1 AND is_deleted = FALSE",
                        )
                        .bind(g.owner_id)
                        .fetch_one(&mut *tx)
                        .await?;
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
                    Self::index_group(&mut tx, g.id, g.search_body, g.tags).await?;
                }
                tx.commit().await?;
                self.changes.bump();
                Ok(())
            }

            async fn seed_members(
                &self,
                rows: &[(String, String, &'static str)],
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut tx = self.writer().begin().await?;
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
                self.changes.bump();
                Ok(())
            }

            async fn find(&self, slug: &str) -> StoreResult<Option<GroupRow>> {
                let sql = format!(
                    "SELECT {} FROM groups g JOIN users u ON u.id = g.owner_id \
                     WHERE g.slug = $1 AND g.is_deleted = FALSE",
                    common::groups::GROUP_COLUMNS
                );
                Ok(sqlx::query_as::<_, GroupRow>(&sql).bind(slug).fetch_optional(self.reader()).await?)
            }

            async fn owned_count(&self, user_id: &str) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM groups WHERE owner_id = $1 AND is_deleted = FALSE",
                )
                .bind(user_id)
                .fetch_one(self.reader())
                .await?)
            }

            async fn membership(
                &self,
                group_id: &str,
                user_id: &str,
            ) -> StoreResult<Option<Membership>> {
                Ok(sqlx::query_as::<_, Membership>(
                    "SELECT role_in_group, is_active FROM user_groups WHERE group_id = $1 AND user_id = $2",
                )
                .bind(group_id).bind(user_id).fetch_optional(self.reader()).await?)
            }

            async fn members(
                &self,
                group_id: &str,
                pending: bool,
                limit: i64,
            ) -> StoreResult<Vec<MemberRow>> {
                Ok(sqlx::query_as::<_, MemberRow>(
                    "SELECT ug.user_id, u.username, u.first_name, u.last_name, ug.role_in_group, \
                     ug.is_active, ug.joined_at, a.answer \
                     FROM user_groups ug JOIN users u ON u.id = ug.user_id \
                     LEFT JOIN group_join_answers a ON a.group_id = ug.group_id AND a.user_id = ug.user_id \
                     WHERE ug.group_id = $1 AND ug.is_active = $2 AND (ug.is_active OR ug.role_in_group = 'pending') \
                     ORDER BY CASE ug.role_in_group WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, ug.joined_at, u.username \
                     LIMIT $3",
                )
                .bind(group_id).bind(!pending).bind(limit).fetch_all(self.reader()).await?)
            }

            async fn browse(&self, q: &GroupQuery) -> StoreResult<Vec<GroupListRow>> {
                self.browse_groups(q).await
            }

            async fn join(
                &self,
                group_id: &str,
                user_id: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<MembershipOutcome> {
                let mut tx = self.writer().begin().await?;
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
                self.changes.bump();
                Ok(MembershipOutcome::Done)
            }

            async fn request(
                &self,
                group_id: &str,
                user_id: &str,
                answer: Option<&str>,
                now: DateTime<Utc>,
            ) -> StoreResult<MembershipOutcome> {
                let mut tx = self.writer().begin().await?;
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
                    )
                    .bind(group_id).bind(user_id).fetch_optional(&mut *tx).await?;
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
            }

            async fn drop_request(&self, group_id: &str, user_id: &str) -> StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
                let r = sqlx::query(
                    "DELETE FROM user_groups WHERE group_id = $1 AND user_id = $2 \
                     AND is_active = FALSE AND role_in_group = 'pending'",
                )
                .bind(group_id).bind(user_id).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM group_join_answers WHERE group_id = $1 AND user_id = $2")
                    .bind(group_id).bind(user_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(r.rows_affected() == 1)
            }

            async fn approve(
                &self,
                group_id: &str,
                user_id: &str,
                by: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<MembershipOutcome> {
                let mut tx = self.writer().begin().await?;
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
                self.changes.bump();
                Ok(MembershipOutcome::Done)
            }

            async fn end_membership(
                &self,
                group_id: &str,
                user_id: &str,
                roles: &[&str],
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let Some(allowed) = common::groups::role_list(roles) else {
                    return Ok(false);
                };
                let sql = format!(
                    "DELETE FROM user_groups WHERE group_id = $1 AND user_id = $2 AND is_active = TRUE \
                     AND role_in_group IN ({allowed})"
                );
                let mut tx = self.writer().begin().await?;
                let r = sqlx::query(&sql).bind(group_id).bind(user_id).execute(&mut *tx).await?;
                if r.rows_affected() == 0 {
                    return Ok(false);
                }
                sqlx::query("UPDATE groups SET member_count = member_count - 1, updated_at = $2 WHERE id = $1")
                    .bind(group_id).bind(now).execute(&mut *tx).await?;
                tx.commit().await?;
                self.changes.bump();
                Ok(true)
            }

            async fn set_role(
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
                let mut tx = self.writer().begin().await?;
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
            }

            async fn transfer(
                &self,
                group_id: &str,
                from: &str,
                to: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                if from == to {
                    return Ok(false);
                }
                let mut tx = self.writer().begin().await?;
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
                sqlx::query("UPDATE user_groups SET role_in_group = 'admin' WHERE group_id = $1 AND user_id = $2")
                    .bind(group_id).bind(from).execute(&mut *tx).await?;
                tx.commit().await?;
                self.changes.bump();
                Ok(true)
            }

            async fn update(&self, group_id: &str, e: GroupEdit<'_>) -> StoreResult<()> {
                let mut tx = self.writer().begin().await?;
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
                    )
                    .bind(group_id).fetch_optional(&mut *tx).await?;
                    return Err(match exists {
                        Some(false) => StoreError::Conflict("max_members".into()),
                        _ => StoreError::NotFound,
                    });
                }
                Self::index_group(&mut tx, group_id, e.search_body, e.tags).await?;
                tx.commit().await?;
                self.changes.bump();
                Ok(())
            }

            async fn delete(
                &self,
                group_id: &str,
                owner_id: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
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
                Self::unindex_group(&mut tx, group_id).await?;
                tx.commit().await?;
                self.changes.bump();
                Ok(true)
            }

            async fn counts(&self, group_id: &str) -> StoreResult<GroupCounts> {
                let row: (i64, i64, i64, i64) = sqlx::query_as(
                    "SELECT CAST(g.member_count AS BIGINT), \
                     (SELECT COUNT(*) FROM user_groups WHERE group_id = g.id AND is_active = TRUE), \
                     (SELECT COUNT(*) FROM user_groups WHERE group_id = g.id AND role_in_group = 'owner'), \
                     (SELECT COUNT(*) FROM user_groups WHERE group_id = g.id AND role_in_group = 'owner' \
                      AND is_active = TRUE AND user_id = g.owner_id) \
                     FROM groups g WHERE g.id = $1",
                )
                .bind(group_id).fetch_one(self.reader()).await?;
                Ok(GroupCounts {
                    member_count: row.0,
                    active_members: row.1,
                    owner_rows: row.2,
                    matching_owner_rows: row.3,
                })
            }

            fn generation(&self) -> u64 {
                self.changes.get()
            }
        }
    };
}
pub(crate) use groups_sql;

/// A value bound to the browse query.
pub enum Bind {
    Text(String),
    Int(i64),
    Time(chrono::DateTime<chrono::Utc>),
}

/// The browse query's SQL and binds, once an engine has decided how the
/// search words filter (`search`, an SQL condition on `g` given the next
/// placeholder numbers by `arg`) and which table expression to read
/// (`from`).
pub struct BrowseSql {
    binds: Vec<Bind>,
    filters: Vec<String>,
    viewer: String,
}

impl BrowseSql {
    /// Starts the query for `q`: visibility for its viewer.
    pub fn new(q: &crate::server::store::contract::GroupQuery) -> Self {
        let mut b = BrowseSql {
            binds: Vec::new(),
            filters: vec!["g.is_deleted = FALSE".into()],
            viewer: String::new(),
        };
        b.viewer = b.arg(Bind::Text(q.viewer.clone().unwrap_or_default()));
        let visible = if q.viewer.is_some() {
            format!(
                "((g.is_public = TRUE AND g.is_active = TRUE) OR g.id IN \
                 (SELECT group_id FROM user_groups WHERE user_id = {}))",
                b.viewer
            )
        } else {
            "g.is_public = TRUE AND g.is_active = TRUE".into()
        };
        b.filters.push(visible);
        b
    }

    /// Binds a value and gives its placeholder.
    pub fn arg(&mut self, v: Bind) -> String {
        self.binds.push(v);
        format!("${}", self.binds.len())
    }

    /// Adds a condition on `g`.
    pub fn filter(&mut self, condition: String) {
        self.filters.push(condition);
    }

    /// The SQL reading `from` (a table expression named `g`) and its binds:
    /// the type and tag filters, the keyset cursor, order and limit of `q`.
    pub fn finish(
        mut self,
        q: &crate::server::store::contract::GroupQuery,
        from: &str,
    ) -> (String, Vec<Bind>) {
        use crate::server::store::contract::{GroupCursor, GroupSort};
        if let Some(t) = &q.group_type {
            let p = self.arg(Bind::Text(t.clone()));
            self.filter(format!("g.group_type = {p}"));
        }
        if let Some(t) = &q.tag {
            let p = self.arg(Bind::Text(t.clone()));
            self.filter(format!(
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
                let p = self.arg(Bind::Text(n.clone()));
                self.filter(format!("lower(g.name) > {p}"));
            }
            Some(GroupCursor::Members(c, id)) => {
                let pc = self.arg(Bind::Int(i64::from(*c)));
                let pi = self.arg(Bind::Text(id.clone()));
                self.filter(format!("(g.member_count, g.id) < ({pc}, {pi})"));
            }
            Some(GroupCursor::Newest(t, id)) => {
                let pt = self.arg(Bind::Time(*t));
                let pi = self.arg(Bind::Text(id.clone()));
                self.filter(format!("(g.created_at, g.id) < ({pt}, {pi})"));
            }
        }
        let limit = self.arg(Bind::Int(q.limit));
        let sql = format!(
            "SELECT g.id, g.name, g.slug, g.description, g.is_public, g.is_open, g.member_count, \
             g.max_members, g.group_type, g.tags, g.created_at, ug.role_in_group, ug.is_active AS member_active, \
             lower(g.name) AS name_key \
             FROM {from} LEFT JOIN user_groups ug ON ug.group_id = g.id AND ug.user_id = {} \
             WHERE {} ORDER BY {order} LIMIT {limit}",
            self.viewer,
            self.filters.join(" AND ")
        );
        (sql, self.binds)
    }
}

/// The smallest text above every text that starts with `prefix` (code point
/// order, as the "C" collation of `group_words.word` compares UTF-8).
pub fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = (last as u32 + 1..=0x10FFFF).find_map(char::from_u32) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Runs the browse query `sql` with `binds` on `$pool` (a macro: the bind
/// loop is the same for both engines' query types).
macro_rules! fetch_browse {
    ($pool:expr, $sql:expr, $binds:expr) => {{
        let mut query = sqlx::query_as::<_, GroupListRow>($sql);
        for b in $binds {
            query = match b {
                common::groups::Bind::Text(s) => query.bind(s.as_str()),
                common::groups::Bind::Int(i) => query.bind(*i),
                common::groups::Bind::Time(t) => query.bind(*t),
            };
        }
        query.fetch_all($pool).await?
    }};
}
pub(crate) use fetch_browse;

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
