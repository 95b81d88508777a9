-- Login throttling counters (not part of the ERD; see docs/schema.md).
--
-- Intended use: one row per throttle key (for example an account identifier
-- or a client IP, chosen by the application). `failures` counts failed
-- sign-ins since `window_start`; when it crosses the limit, `locked_until` is
-- set and sign-in attempts for that key are refused until then.
-- Timestamps are TEXT in the format sqlx writes for chrono::DateTime<Utc>.
CREATE TABLE login_throttle (
    key          TEXT    NOT NULL PRIMARY KEY,   -- VARCHAR(300), app-enforced
    failures     INTEGER NOT NULL DEFAULT 0,
    window_start TEXT    NOT NULL,
    locked_until TEXT,
    updated_at   TEXT    NOT NULL
);

-- Lets a periodic sweep delete stale rows cheaply.
CREATE INDEX login_throttle_updated_at_idx ON login_throttle (updated_at);
