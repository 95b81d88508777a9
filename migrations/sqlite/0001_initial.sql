-- Vestibule initial schema (SQLite).
--
-- Mirrors seed/users-module-erd.md / tests/fixtures/schema.json exactly:
-- same table and column names, primary keys, NOT NULL, UNIQUE and foreign
-- keys. Nothing is NOT NULL or UNIQUE unless the ERD says so. DEFAULTs are
-- conveniences only; the application always sets every value explicitly.
-- See docs/schema.md for the type mapping and the reasons for each index.
--
-- Type mapping: VARCHAR(n) / VARCHAR -> TEXT (the app enforces n; the ERD
-- type is noted after each column), DATETIME -> TEXT holding the text sqlx
-- writes for chrono::DateTime<Utc> (RFC 3339, e.g. 2026-01-01T00:00:00+00:00),
-- BOOLEAN -> BOOLEAN (0/1), INTEGER -> INTEGER; INTEGER primary keys are
-- INTEGER PRIMARY KEY (rowid alias). Text primary keys are declared NOT NULL
-- explicitly because SQLite otherwise allows NULL in a non-INTEGER PRIMARY
-- KEY column. Foreign keys are enforced because sqlx turns on
-- PRAGMA foreign_keys for every SQLite connection by default.

CREATE TABLE roles (
    created_at          TEXT,                                     -- DATETIME
    updated_at          TEXT,                                     -- DATETIME
    id                  TEXT     NOT NULL PRIMARY KEY,            -- VARCHAR
    name                TEXT     NOT NULL UNIQUE,                 -- VARCHAR(100)
    description         TEXT,                                     -- VARCHAR(500)
    is_system           BOOLEAN  NOT NULL DEFAULT FALSE,
    is_active           BOOLEAN  NOT NULL DEFAULT TRUE
);

CREATE TABLE users (
    is_deleted          BOOLEAN  NOT NULL DEFAULT FALSE,
    deleted_at          TEXT,                                     -- DATETIME
    created_at          TEXT,                                     -- DATETIME
    updated_at          TEXT,                                     -- DATETIME
    id                  TEXT     NOT NULL PRIMARY KEY,            -- VARCHAR
    username            TEXT     NOT NULL UNIQUE,                 -- VARCHAR(100)
    email               TEXT     NOT NULL UNIQUE,                 -- VARCHAR(255)
    hashed_password     TEXT,                                     -- VARCHAR(255)
    totp_secret         TEXT,                                     -- VARCHAR(32)
    totp_enabled        BOOLEAN  NOT NULL DEFAULT FALSE,
    backup_codes        TEXT,                                     -- VARCHAR(1000)
    first_name          TEXT,                                     -- VARCHAR(100)
    last_name           TEXT,                                     -- VARCHAR(100)
    profile_picture_url TEXT,                                     -- VARCHAR(500)
    bio                 TEXT,                                     -- VARCHAR(1000)
    is_active           BOOLEAN  NOT NULL DEFAULT TRUE,
    is_verified         BOOLEAN  NOT NULL DEFAULT FALSE,
    email_verified      BOOLEAN  NOT NULL DEFAULT FALSE,
    last_login          TEXT,                                     -- DATETIME
    role_id             TEXT     REFERENCES roles (id),           -- VARCHAR
    is_oauth_user       BOOLEAN  NOT NULL DEFAULT FALSE,
    oauth_provider      TEXT,                                     -- VARCHAR(50)
    oauth_provider_id   TEXT                                      -- VARCHAR(255)
);

CREATE TABLE user_sessions (
    created_at          TEXT,                                     -- DATETIME
    updated_at          TEXT,                                     -- DATETIME
    id                  TEXT     NOT NULL PRIMARY KEY,            -- VARCHAR
    user_id             TEXT     NOT NULL REFERENCES users (id),  -- VARCHAR
    session_token_hash  TEXT     NOT NULL UNIQUE,                 -- VARCHAR(255)
    client_ip           TEXT     NOT NULL,                        -- VARCHAR(45)
    user_agent          TEXT,                                     -- VARCHAR(512)
    device_fingerprint  TEXT,                                     -- VARCHAR(255)
    location            TEXT,                                     -- VARCHAR(255)
    is_active           BOOLEAN  NOT NULL DEFAULT TRUE,
    last_activity       TEXT     NOT NULL,                        -- DATETIME
    expires_at          TEXT     NOT NULL,                        -- DATETIME
    revoked_at          TEXT,                                     -- DATETIME
    revocation_reason   TEXT,                                     -- VARCHAR(100)
    login_method        TEXT,                                     -- VARCHAR(50)
    request_count       INTEGER  NOT NULL DEFAULT 0,
    suspicious_activity BOOLEAN  NOT NULL DEFAULT FALSE
);

CREATE TABLE session_activities (
    created_at          TEXT,                                     -- DATETIME
    updated_at          TEXT,                                     -- DATETIME
    id                  TEXT     NOT NULL PRIMARY KEY,            -- VARCHAR
    session_id          TEXT     NOT NULL REFERENCES user_sessions (id), -- VARCHAR
    user_id             TEXT     NOT NULL REFERENCES users (id),  -- VARCHAR
    activity_type       TEXT     NOT NULL,                        -- VARCHAR(50)
    endpoint            TEXT,                                     -- VARCHAR(255)
    method              TEXT,                                     -- VARCHAR(10)
    client_ip           TEXT     NOT NULL,                        -- VARCHAR(45)
    user_agent          TEXT,                                     -- VARCHAR(512)
    request_id          TEXT,                                     -- VARCHAR(100)
    response_status     INTEGER,
    extra_data          TEXT                                      -- VARCHAR
);

CREATE TABLE sessionanalytics (
    id                  INTEGER  PRIMARY KEY,
    session_id          TEXT     NOT NULL,                        -- VARCHAR
    user_id             TEXT     NOT NULL REFERENCES users (id),  -- VARCHAR
    device_type         TEXT,                                     -- VARCHAR
    browser             TEXT,                                     -- VARCHAR
    os                  TEXT,                                     -- VARCHAR
    ip_address          TEXT,                                     -- VARCHAR
    country             TEXT,                                     -- VARCHAR
    city                TEXT,                                     -- VARCHAR
    login_time          TEXT     NOT NULL,                        -- DATETIME
    last_activity       TEXT     NOT NULL,                        -- DATETIME
    logout_time         TEXT,                                     -- DATETIME
    session_duration    INTEGER,
    page_views          INTEGER  NOT NULL DEFAULT 0,
    api_calls           INTEGER  NOT NULL DEFAULT 0,
    last_page           TEXT,                                     -- VARCHAR
    last_endpoint       TEXT,                                     -- VARCHAR
    is_suspicious       BOOLEAN  NOT NULL DEFAULT FALSE,
    security_score      INTEGER  NOT NULL DEFAULT 100,
    failed_actions      INTEGER  NOT NULL DEFAULT 0
);

CREATE TABLE oauth_accounts (
    created_at          TEXT,                                     -- DATETIME
    updated_at          TEXT,                                     -- DATETIME
    id                  TEXT     NOT NULL PRIMARY KEY,            -- VARCHAR
    user_id             TEXT     NOT NULL REFERENCES users (id),  -- VARCHAR
    provider            TEXT     NOT NULL,                        -- VARCHAR(50)
    provider_user_id    TEXT     NOT NULL,                        -- VARCHAR(255)
    provider_email      TEXT     NOT NULL,                        -- VARCHAR(255)
    provider_name       TEXT,                                     -- VARCHAR(255)
    provider_picture    TEXT,                                     -- VARCHAR(500)
    access_token        TEXT,                                     -- VARCHAR(1000)
    refresh_token       TEXT,                                     -- VARCHAR(1000)
    token_expires_at    TEXT,                                     -- DATETIME
    raw_user_data       TEXT                                      -- VARCHAR
);

CREATE TABLE oauth2account (
    id                  INTEGER  PRIMARY KEY,
    user_id             TEXT     NOT NULL REFERENCES users (id),  -- VARCHAR
    provider            TEXT     NOT NULL,                        -- VARCHAR
    provider_user_id    TEXT     NOT NULL,                        -- VARCHAR
    email               TEXT     NOT NULL,                        -- VARCHAR
    first_name          TEXT,                                     -- VARCHAR
    last_name           TEXT,                                     -- VARCHAR
    full_name           TEXT,                                     -- VARCHAR
    picture_url         TEXT,                                     -- VARCHAR
    is_active           BOOLEAN  NOT NULL DEFAULT TRUE,
    is_email_verified   BOOLEAN  NOT NULL DEFAULT FALSE,
    created_at          TEXT     NOT NULL,                        -- DATETIME
    updated_at          TEXT     NOT NULL,                        -- DATETIME
    last_login_at       TEXT,                                     -- DATETIME
    access_token        TEXT,                                     -- VARCHAR
    refresh_token       TEXT,                                     -- VARCHAR
    token_expires_at    TEXT,                                     -- DATETIME
    provider_data       TEXT                                      -- VARCHAR
);

CREATE TABLE password_reset_tokens (
    created_at          TEXT,                                     -- DATETIME
    updated_at          TEXT,                                     -- DATETIME
    id                  TEXT     NOT NULL PRIMARY KEY,            -- VARCHAR
    token_hash          TEXT     NOT NULL UNIQUE,                 -- VARCHAR(255)
    user_id             TEXT     NOT NULL REFERENCES users (id),  -- VARCHAR
    email               TEXT     NOT NULL,                        -- VARCHAR(255)
    expires_at          TEXT     NOT NULL,                        -- DATETIME
    used_at             TEXT,                                     -- DATETIME
    revoked_at          TEXT,                                     -- DATETIME
    client_ip           TEXT,                                     -- VARCHAR(45)
    user_agent          TEXT,                                     -- VARCHAR(512)
    previous_token_id   TEXT                                      -- VARCHAR(50)
);

CREATE TABLE passwordresettoken (
    id                  TEXT     NOT NULL PRIMARY KEY,            -- VARCHAR
    token_hash          TEXT     NOT NULL,                        -- VARCHAR
    user_id             TEXT     NOT NULL REFERENCES users (id),  -- VARCHAR
    email               TEXT     NOT NULL,                        -- VARCHAR
    created_at          TEXT     NOT NULL,                        -- DATETIME
    expires_at          TEXT     NOT NULL,                        -- DATETIME
    used_at             TEXT,                                     -- DATETIME
    revoked_at          TEXT,                                     -- DATETIME
    client_ip           TEXT,                                     -- VARCHAR
    user_agent          TEXT,                                     -- VARCHAR
    max_uses            INTEGER  NOT NULL,
    use_count           INTEGER  NOT NULL DEFAULT 0,
    revocation_reason   TEXT                                      -- VARCHAR
);

CREATE TABLE groups (
    is_deleted          BOOLEAN  NOT NULL DEFAULT FALSE,
    deleted_at          TEXT,                                     -- DATETIME
    created_at          TEXT,                                     -- DATETIME
    updated_at          TEXT,                                     -- DATETIME
    id                  TEXT     NOT NULL PRIMARY KEY,            -- VARCHAR
    name                TEXT     NOT NULL UNIQUE,                 -- VARCHAR(100)
    slug                TEXT     NOT NULL UNIQUE,                 -- VARCHAR(100)
    description         TEXT,                                     -- VARCHAR(1000)
    is_public           BOOLEAN  NOT NULL,
    is_open             BOOLEAN  NOT NULL,
    is_system           BOOLEAN  NOT NULL DEFAULT FALSE,
    is_active           BOOLEAN  NOT NULL DEFAULT TRUE,
    member_count        INTEGER  NOT NULL DEFAULT 0,
    max_members         INTEGER,
    group_type          TEXT     NOT NULL,                        -- VARCHAR(50)
    tags                TEXT,                                     -- VARCHAR(500)
    owner_id            TEXT     NOT NULL REFERENCES users (id),  -- VARCHAR
    created_by          TEXT     NOT NULL REFERENCES users (id),  -- VARCHAR
    settings            TEXT                                      -- VARCHAR(2000)
);

CREATE TABLE user_groups (
    user_id             TEXT     NOT NULL REFERENCES users (id),  -- VARCHAR
    group_id            TEXT     NOT NULL REFERENCES groups (id), -- VARCHAR
    joined_at           TEXT     NOT NULL,                        -- DATETIME
    joined_by           TEXT,                                     -- VARCHAR
    role_in_group       TEXT,                                     -- VARCHAR(50)
    is_active           BOOLEAN  NOT NULL DEFAULT TRUE,
    PRIMARY KEY (user_id, group_id)
);

-- ---------------------------------------------------------------------------
-- Indexes. Plain (non-unique) unless stated; the unique ones are either
-- expression indexes or multi-column, so they do not add a single-column
-- UNIQUE that the ERD lacks.
-- ---------------------------------------------------------------------------

-- users: case-insensitive uniqueness on top of the ERD's plain UNIQUE.
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_role_id_idx ON users (role_id);

-- user_sessions: "my sessions" newest-first (also covers the user_id FK),
-- and the expiry sweep.
CREATE INDEX user_sessions_user_id_last_activity_idx ON user_sessions (user_id, last_activity);
CREATE INDEX user_sessions_expires_at_idx ON user_sessions (expires_at);

-- session_activities: keyset pagination of the timeline (also covers the
-- user_id FK), and the session_id FK.
CREATE INDEX session_activities_user_id_created_at_id_idx ON session_activities (user_id, created_at, id);
CREATE INDEX session_activities_session_id_idx ON session_activities (session_id);

-- sessionanalytics: one row per session. The unique index is on
-- (session_id, user_id) rather than (session_id) alone so that it does not
-- turn session_id into a single-column UNIQUE the ERD does not have; a
-- session belongs to exactly one user, so this still means one row per
-- session. Upserts use ON CONFLICT (session_id, user_id).
CREATE UNIQUE INDEX sessionanalytics_session_id_user_id_key ON sessionanalytics (session_id, user_id);
CREATE INDEX sessionanalytics_user_id_idx ON sessionanalytics (user_id);

-- groups
CREATE INDEX groups_owner_id_idx ON groups (owner_id);
CREATE INDEX groups_created_by_idx ON groups (created_by);
CREATE INDEX groups_is_public_is_active_is_deleted_idx ON groups (is_public, is_active, is_deleted);

-- user_groups: the PK (user_id, group_id) covers the user_id FK.
CREATE INDEX user_groups_group_id_is_active_idx ON user_groups (group_id, is_active);

-- password reset
CREATE INDEX password_reset_tokens_user_id_idx ON password_reset_tokens (user_id);
CREATE INDEX passwordresettoken_user_id_idx ON passwordresettoken (user_id);
CREATE INDEX passwordresettoken_token_hash_idx ON passwordresettoken (token_hash);

-- oauth
CREATE UNIQUE INDEX oauth_accounts_provider_provider_user_id_key ON oauth_accounts (provider, provider_user_id);
CREATE INDEX oauth_accounts_user_id_idx ON oauth_accounts (user_id);
CREATE INDEX oauth2account_user_id_idx ON oauth2account (user_id);

-- ---------------------------------------------------------------------------
-- Seed: the two system roles, with fixed ids.
-- ---------------------------------------------------------------------------
INSERT INTO roles (id, name, description, is_system, is_active, created_at, updated_at) VALUES
    ('00000000-0000-7000-8000-000000000001', 'user',  'Default role for new accounts', TRUE, TRUE, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00'),
    ('00000000-0000-7000-8000-000000000002', 'admin', 'Site administrator',            TRUE, TRUE, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');
