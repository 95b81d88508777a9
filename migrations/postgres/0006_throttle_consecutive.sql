-- S10: failures in a row per account, whatever the window. The windowed
-- `failures` decides the growing delays; `consecutive` is only reset by a
-- successful sign-in (or `vestibule unlock-account`), and at the cap
-- (VESTIBULE_THROTTLE_ACCOUNT_MAX_CONSECUTIVE, 100) the account stays locked.
ALTER TABLE login_throttle ADD COLUMN consecutive INTEGER NOT NULL DEFAULT 0;
