-- Groups (issue 5): case-insensitive unique names, browse/sort indexes, and
-- two helper tables beside the ERD (docs/schema.md): the tags of each group,
-- one row per tag, and the full-text index over name, description and tags.

CREATE UNIQUE INDEX groups_name_lower_key ON groups (lower(name));
CREATE INDEX groups_member_count_idx ON groups (member_count, id);
CREATE INDEX groups_created_at_idx ON groups (created_at, id);
CREATE INDEX groups_group_type_idx ON groups (group_type);
-- Two booleans of 0001 that nearly every row shares: the index only tempts
-- the planner away from the ordered indexes above (measured on SQLite 3.4x).
DROP INDEX groups_is_public_is_active_is_deleted_idx;

CREATE TABLE group_tags (
    group_id  TEXT NOT NULL REFERENCES groups (id),
    tag       TEXT NOT NULL,
    PRIMARY KEY (tag, group_id)
);
CREATE INDEX group_tags_group_id_idx ON group_tags (group_id);

-- The answer a person gave to a group's join question, while the request waits.
CREATE TABLE group_join_answers (
    group_id  TEXT NOT NULL REFERENCES groups (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    answer    TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

-- rowid = groups.rowid. The body is folded (lower case, no accents) by the
-- app; unicode61 with remove_diacritics folds again for safety.
CREATE VIRTUAL TABLE group_search USING fts5(
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- One row per (word, group): a search for one word reads its rows already in
-- name order from the primary key (a range plus a small sort). Words are the
-- folded words of the group's search text; BINARY collation makes a prefix a
-- plain key range. WITHOUT ROWID: the key holds every column.
CREATE TABLE group_words (
    word      TEXT    NOT NULL,
    name_key  TEXT    NOT NULL,
    group_id  TEXT    NOT NULL REFERENCES groups (id),
    listed    BOOLEAN NOT NULL,
    PRIMARY KEY (word, name_key, group_id)
) WITHOUT ROWID;
CREATE INDEX group_words_group_id_idx ON group_words (group_id);
