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
    group_id  VARCHAR     NOT NULL REFERENCES groups (id),
    tag       VARCHAR(50) NOT NULL,
    PRIMARY KEY (tag, group_id)
);
CREATE INDEX group_tags_group_id_idx ON group_tags (group_id);

-- The answer a person gave to a group's join question, while the request waits.
CREATE TABLE group_join_answers (
    group_id  VARCHAR      NOT NULL REFERENCES groups (id),
    user_id   VARCHAR      NOT NULL REFERENCES users (id),
    answer    VARCHAR(500) NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

-- The body is folded (lower case, no accents) by the app, so the 'simple'
-- configuration (no stemming, no stop words) matches what people type.
-- name_key (lower(name)) and listed (public, active, not deleted) copy the
-- group's sort key and visibility, so a search sorted by name reads this one
-- table: per match, a row join to `groups` costs more than the search itself.
CREATE TABLE group_search (
    group_id  VARCHAR      NOT NULL PRIMARY KEY REFERENCES groups (id),
    body      TEXT         NOT NULL,
    name_key  VARCHAR(100) NOT NULL,
    listed    BOOLEAN      NOT NULL,
    document  tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED
);
CREATE INDEX group_search_document_idx ON group_search USING GIN (document);
CREATE INDEX group_search_name_key_idx ON group_search (name_key);

-- One row per (word, group): a search for one word reads its rows already in
-- name order from this index (an index range plus a small sort), instead of
-- visiting every matching group_search row. Words are the folded words of
-- group_search.body; "C" collation makes a prefix a plain index range.
CREATE TABLE group_words (
    word      VARCHAR(50) COLLATE "C" NOT NULL,
    name_key  VARCHAR(100) NOT NULL,
    group_id  VARCHAR      NOT NULL REFERENCES groups (id),
    listed    BOOLEAN      NOT NULL,
    -- `listed` rides along so the search is an index-only scan.
    PRIMARY KEY (word, name_key, group_id) INCLUDE (listed)
);
CREATE INDEX group_words_group_id_idx ON group_words (group_id);
