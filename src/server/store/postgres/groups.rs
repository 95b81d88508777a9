//! What PostgreSQL does its own way for groups: search through the tsvector
//! table `group_search` (keyed by the group's id) and the word list
//! `group_words`, choosing between walking the name order and fetching the
//! matches by the planner's estimate of how many there are, and a row lock
//! that serializes one person's concurrent creations.

use super::PgStore;
use crate::server::store::common;
use crate::server::store::common::groups::{fetch_browse, prefix_end, Bind, BrowseSql};
use crate::server::store::contract::{
    GroupCursor, GroupListRow, GroupQuery, GroupSort, StoreResult,
};
use sqlx::{Postgres, Transaction};

/// Above this many matches (by the planner's estimate), walking the name
/// index finds a page sooner than fetching and sorting them.
const DENSE: f64 = 8000.0;

fn fts_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("{w}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

impl PgStore {
    /// One page of `/groups`.
    pub(super) async fn browse_groups(&self, q: &GroupQuery) -> StoreResult<Vec<GroupListRow>> {
        let mut b = BrowseSql::new(q);
        if !q.words.is_empty() {
            if q.sort == GroupSort::Name && q.group_type.is_none() && q.tag.is_none() {
                let ids = self.name_search(q).await?;
                let p = b.arg(Bind::Text(ids.join(",")));
                b.filter(format!("g.id = ANY(string_to_array({p}, ','))"));
            } else {
                let p = b.arg(Bind::Text(fts_query(&q.words)));
                b.filter(format!(
                    "g.id IN (SELECT group_id FROM group_search \
                     WHERE document @@ to_tsquery('simple', {p}))"
                ));
            }
        }
        let (sql, binds) = b.finish(q, "groups g");
        Ok(fetch_browse!(&self.pool, &sql, &binds))
    }

    /// The ids of one page of a search sorted by name, read from
    /// `group_search` alone (it carries the sort key and visibility). Up to
    /// `DENSE` matches (by the planner's estimate, close and cheap; counting
    /// would cost as much as the search) are fetched through the GIN index
    /// and sorted; above, the name index is walked.
    async fn name_search(&self, q: &GroupQuery) -> StoreResult<Vec<String>> {
        let fts = fts_query(&q.words);
        let viewer = q.viewer.clone().unwrap_or_default();
        let after = match &q.after {
            Some(GroupCursor::Name(n)) => Some(n.clone()),
            _ => None,
        };
        let plan: serde_json::Value = sqlx::query_scalar(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM group_search WHERE document @@ to_tsquery('simple', $1)",
        )
        .bind(&fts)
        .fetch_one(&self.pool)
        .await?;
        let estimate = plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0);
        if q.words.len() == 1 && q.words[0].chars().count() <= 50 && estimate < DENSE {
            // One word: its postings, already ordered by name in the index.
            let word = &q.words[0];
            let Some(next) = prefix_end(word) else {
                return Ok(Vec::new());
            };
            return Ok(sqlx::query_scalar(
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
            .fetch_all(&self.pool)
            .await?);
        }
        let mut tx = self.pool.begin().await?;
        let plan_choice: &[&str] = if estimate < DENSE {
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
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT s.group_id FROM group_search s WHERE s.document @@ to_tsquery('simple', $1) \
             AND (s.listed OR s.group_id IN (SELECT group_id FROM user_groups WHERE user_id = $2)) \
             AND ($3::text IS NULL OR s.name_key > $3) ORDER BY s.name_key LIMIT $4",
        )
        .bind(&fts)
        .bind(&viewer)
        .bind(&after)
        .bind(q.limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Serializes one person's concurrent creations (the owned-groups limit).
    pub(super) async fn lock_owner(
        tx: &mut Transaction<'_, Postgres>,
        owner_id: &str,
    ) -> StoreResult<()> {
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind(owner_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Replaces a group's lookup rows (`group_tags`, `group_search`,
    /// `group_words`) from the group as it now stands, inside `tx`.
    pub(super) async fn index_group(
        tx: &mut Transaction<'_, Postgres>,
        group_id: &str,
        body: &str,
        tags: &[String],
    ) -> StoreResult<()> {
        Self::unindex_group(tx, group_id).await?;
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

    /// Removes a group's lookup rows inside `tx`.
    pub(super) async fn unindex_group(
        tx: &mut Transaction<'_, Postgres>,
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
