-- Lookups of the suspicious-sign-in rules (server::security): has this
-- account used this device before, how many sessions did it open lately.
CREATE INDEX user_sessions_user_id_fingerprint_idx ON user_sessions (user_id, device_fingerprint);
CREATE INDEX user_sessions_user_id_created_at_idx ON user_sessions (user_id, created_at);
-- The per-session activity page and the sign-ins-per-day chart.
CREATE INDEX session_activities_user_type_created_idx ON session_activities (user_id, activity_type, created_at);
-- The sign-in event of each session (its suspicious-sign-in signals) on the sessions page.
CREATE INDEX session_activities_session_type_created_idx ON session_activities (session_id, activity_type, created_at);
