//! What SQLite does its own way for groups: search through the FTS5 table
//! `group_search` (keyed by the group's rowid) and the word list
//! `group_words`, and a browse that walks the index of its sort order when a
//! filter would let most groups through (docs/benchmarks.md, "Groups at
//! 100,000").

use super::SqliteStore;
use crate::server::store::common;
use crate::server::store::common::groups::{fetch_browse, prefix_end, Bind, BrowseSql};
use crate::server::store::contract::{
    GroupCursor, GroupListRow, GroupQuery, GroupSort, StoreResult,
};
use sqlx::{Sqlite, Transaction};

/// Above this many postings of a word, walking the name index finds a page sooner.
const DENSE: i64 = 8000;
/// Below this many matches, fetching and sorting them beats walking an index.
const SELECTIVE: i64 = 2000;

/// What the one-word search found.
#[derive(Debug, PartialEq)]
enum WordSearch {
    /// The ids of the page, in name order.
    Page(Vec<String>),
    /// So many matches that walking the name index finds a page sooner.
    Dense,
    /// Not a one-word search sorted by name without other filters.
    NotOneWord,
}

fn fts_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

impl SqliteStore {
    /// One page of `/groups`.
    pub(super) async fn browse_groups(&self, q: &GroupQuery) -> StoreResult<Vec<GroupListRow>> {
        let mut b = BrowseSql::new(q);
        let mut by_postings = false;
        let mut known_dense = false;
        if !q.words.is_empty() {
            match self.word_search(q).await? {
                WordSearch::Page(ids) => {
                    let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
                    let p = b.arg(Bind::Text(json));
                    b.filter(format!("g.id IN (SELECT value FROM json_each({p}))"));
                    by_postings = true;
                }
                found => {
                    known_dense = found == WordSearch::Dense;
                    let p = b.arg(Bind::Text(fts_query(&q.words)));
                    b.filter(format!(
                        "g.rowid IN (SELECT rowid FROM group_search WHERE group_search MATCH {p})"
                    ));
                }
            }
        }
        // Given a filter that most groups pass (or none), SQLite's planner may
        // fetch every candidate and sort it (tens of ms at 100,000 groups).
        // Unless a search or tag filter is selective, walk the index of the
        // sort order instead and stop at the page size.
        let from = if !by_postings && (known_dense || !self.selective(q).await?) {
            let index = match q.sort {
                GroupSort::Name => "groups_name_lower_key",
                GroupSort::Members => "groups_member_count_idx",
                GroupSort::Newest => "groups_created_at_idx",
            };
            format!("groups g INDEXED BY {index}")
        } else {
            "groups g".to_string()
        };
        let (sql, binds) = b.finish(q, &from);
        Ok(fetch_browse!(&self.read, &sql, &binds))
    }

    /// One page of a one-word search sorted by name, from the word's rows in
    /// `group_words`; `Dense` when the word has so many rows that walking
    /// the name index finds a page sooner.
    async fn word_search(&self, q: &GroupQuery) -> StoreResult<WordSearch> {
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
        .fetch_one(&self.read)
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
        .fetch_all(&self.read)
        .await?;
        Ok(WordSearch::Page(ids))
    }

    /// Does a search or tag filter leave few enough groups to fetch and sort?
    async fn selective(&self, q: &GroupQuery) -> StoreResult<bool> {
        if !q.words.is_empty() {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT rowid FROM group_search WHERE group_search MATCH $1 LIMIT $2)",
            )
            .bind(fts_query(&q.words))
            .bind(SELECTIVE)
            .fetch_one(&self.read)
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
            .fetch_one(&self.read)
            .await?;
            if n < SELECTIVE {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// One writer connection already serializes every transaction.
    pub(super) async fn lock_owner(
        _tx: &mut Transaction<'_, Sqlite>,
        _owner_id: &str,
    ) -> StoreResult<()> {
        Ok(())
    }

    /// Replaces a group's lookup rows (`group_tags`, `group_search`,
    /// `group_words`) from the group as it now stands, inside `tx`.
    pub(super) async fn index_group(
        tx: &mut Transaction<'_, Sqlite>,
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

    /// Removes a group's lookup rows inside `tx`.
    pub(super) async fn unindex_group(
        tx: &mut Transaction<'_, Sqlite>,
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
