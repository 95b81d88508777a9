-- The suspicious-sign-in rules (server::security) ask on every sign-in
-- whether the account has used a country before and how many sign-ins failed
-- in the last hour. With only the user_id indexes both read every session the
-- account ever had, so each sign-in got slower as sessions accumulated.
CREATE INDEX sessionanalytics_user_id_country_idx ON sessionanalytics (user_id, country);
-- The new index starts with user_id, so it also serves the foreign key.
DROP INDEX sessionanalytics_user_id_idx;
-- Failed attempts are kept as revoked sessions; only they go in this index.
CREATE INDEX user_sessions_failed_sign_in_idx ON user_sessions (user_id, created_at)
    WHERE revocation_reason = 'failed_sign_in';
