//! Queries on `users` and `roles`.

use super::{Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};

pub const ROLE_USER_ID: &str = "00000000-0000-7000-8000-000000000001";
pub const ROLE_ADMIN_ID: &str = "00000000-0000-7000-8000-000000000002";

/// A user row as the app reads it. The password hash is not `Serialize` and
/// never leaves the server.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub email: String,
    pub hashed_password: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub bio: Option<String>,
    pub profile_picture_url: Option<String>,
    pub is_active: bool,
    pub is_verified: bool,
    pub email_verified: bool,
    pub is_deleted: bool,
    pub role_id: Option<String>,
    pub last_login: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub totp_enabled: bool,
}

impl UserRow {
    /// May this account sign in and use its sessions?
    pub fn can_sign_in(&self) -> bool {
        self.is_active && !self.is_deleted
    }
    pub fn is_admin(&self) -> bool {
        self.role_id.as_deref() == Some(ROLE_ADMIN_ID)
    }
}

const USER_COLUMNS: &str = "id, username, email, hashed_password, first_name, last_name, bio, \
     profile_picture_url, is_active, is_verified, email_verified, is_deleted, role_id, \
     last_login, created_at, totp_enabled";

pub struct NewUser<'a> {
    pub id: &'a str,
    pub username: &'a str,
    pub email: &'a str,
    pub hashed_password: &'a str,
    pub now: DateTime<Utc>,
}

pub struct ProfileUpdate<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub bio: Option<&'a str>,
    pub profile_picture_url: Option<&'a str>,
}

/// Which unique value a registration collided with.
pub fn conflict_field(e: &StoreError) -> Option<&'static str> {
    match e {
        StoreError::Conflict(what) => {
            let w = what.to_lowercase();
            if w.contains("email") {
                Some("email")
            } else if w.contains("username") {
                Some("username")
            } else {
                None
            }
        }
        _ => None,
    }
}

impl Store {
    /// Creates an account with the default role. Usernames and emails are
    /// unique ignoring case (unique indexes on their lower-case forms).
    pub async fn create_user(&self, u: NewUser<'_>) -> StoreResult<()> {
        on_write!(self, pool => {
            sqlx::query(
                "INSERT INTO users (id, username, email, hashed_password, totp_enabled, is_active, \
                 is_verified, email_verified, is_deleted, role_id, is_oauth_user, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, FALSE, TRUE, FALSE, FALSE, FALSE, $5, FALSE, $6, $6)",
            )
            .bind(u.id)
            .bind(u.username)
            .bind(u.email)
            .bind(u.hashed_password)
            .bind(ROLE_USER_ID)
            .bind(u.now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Finds an account by username or email, ignoring case. Deleted and
    /// disabled accounts are returned too: the caller decides.
    pub async fn find_user_by_login(&self, login: &str) -> StoreResult<Option<UserRow>> {
        let folded = login.trim().to_lowercase();
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE lower(username) = $1 OR lower(email) = $1 \
             ORDER BY is_deleted ASC LIMIT 1"
        );
        on_read!(self, pool => Ok(sqlx::query_as::<_, UserRow>(&sql).bind(&folded).fetch_optional(pool).await?))
    }

    pub async fn find_user(&self, id: &str) -> StoreResult<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        on_read!(self, pool => Ok(sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(pool).await?))
    }

    /// Is this email (ignoring case) used by an account other than `except`?
    pub async fn email_taken(&self, email: &str, except: &str) -> StoreResult<bool> {
        on_read!(self, pool => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE lower(email) = $1 AND id <> $2")
                .bind(email.to_lowercase())
                .bind(except)
                .fetch_one(pool)
                .await?;
            Ok(n > 0)
        })
    }

    pub async fn update_profile(
        &self,
        id: &str,
        p: ProfileUpdate<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_write!(self, pool => {
            let r = sqlx::query(
                "UPDATE users SET first_name = $2, last_name = $3, bio = $4, profile_picture_url = $5, \
                 updated_at = $6 WHERE id = $1 AND is_deleted = FALSE",
            )
            .bind(id)
            .bind(p.first_name)
            .bind(p.last_name)
            .bind(p.bio)
            .bind(p.profile_picture_url)
            .bind(now)
            .execute(pool)
            .await?;
            if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
        })
    }

    pub async fn set_password_hash(
        &self,
        id: &str,
        hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_write!(self, pool => {
            sqlx::query("UPDATE users SET hashed_password = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(hash)
                .bind(now)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Marks `email` confirmed, if it is still the account's address.
    pub async fn confirm_email(
        &self,
        id: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        on_write!(self, pool => {
            let r = sqlx::query(
                "UPDATE users SET email_verified = TRUE, is_verified = TRUE, updated_at = $3 \
                 WHERE id = $1 AND lower(email) = $2 AND is_deleted = FALSE",
            )
            .bind(id)
            .bind(email.to_lowercase())
            .bind(now)
            .execute(pool)
            .await?;
            Ok(r.rows_affected() == 1)
        })
    }

    /// Moves the account to a confirmed new address, if the old one is unchanged.
    pub async fn change_email(
        &self,
        id: &str,
        old: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        on_write!(self, pool => {
            let r = sqlx::query(
                "UPDATE users SET email = $3, email_verified = TRUE, is_verified = TRUE, updated_at = $4 \
                 WHERE id = $1 AND lower(email) = $2 AND is_deleted = FALSE",
            )
            .bind(id)
            .bind(old.to_lowercase())
            .bind(new)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(r.rows_affected() == 1)
        })
    }

    /// Soft-deletes the account, revokes every session and ends its group
    /// memberships, in one transaction (S21).
    pub async fn delete_user(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE users SET is_deleted = TRUE, deleted_at = $2, updated_at = $2 WHERE id = $1")
                .bind(id).bind(now).execute(&mut *tx).await?;
            let open = super::sessions::open_analytics_rows!(tx, id, "");
            sqlx::query(
                "UPDATE user_sessions SET is_active = FALSE, revoked_at = $2, revocation_reason = 'account_deleted', \
                 updated_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            )
            .bind(id).bind(now).execute(&mut *tx).await?;
            super::sessions::close_analytics_rows!(tx, open, now);
            // Memberships end (the caller has made sure no group is still
            // owned): counts move with the rows, requests and answers go.
            sqlx::query(
                "UPDATE groups SET member_count = member_count - 1, updated_at = $2 WHERE id IN \
                 (SELECT group_id FROM user_groups WHERE user_id = $1 AND is_active = TRUE)",
            )
            .bind(id).bind(now).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM user_groups WHERE user_id = $1 AND role_in_group <> 'owner'")
                .bind(id).execute(&mut *tx).await?;
            sqlx::query("UPDATE user_groups SET is_active = FALSE WHERE user_id = $1")
                .bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM group_join_answers WHERE user_id = $1")
                .bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Records a successful sign-in.
    pub async fn set_last_login(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
        on_write!(self, pool => {
            sqlx::query("UPDATE users SET last_login = $2 WHERE id = $1")
                .bind(id).bind(now).execute(pool).await?;
            Ok(())
        })
    }

    /// Turns an account on or off (administrators; tests of S8 and S21).
    pub async fn set_user_active(
        &self,
        id: &str,
        active: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_write!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE users SET is_active = $2, updated_at = $3 WHERE id = $1")
                .bind(id).bind(active).bind(now).execute(&mut *tx).await?;
            if !active {
                let open = super::sessions::open_analytics_rows!(tx, id, "");
                sqlx::query(
                    "UPDATE user_sessions SET is_active = FALSE, revoked_at = $2, revocation_reason = 'account_disabled', \
                     updated_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                )
                .bind(id).bind(now).execute(&mut *tx).await?;
                super::sessions::close_analytics_rows!(tx, open, now);
            }
            tx.commit().await?;
            Ok(())
        })
    }
}

impl Store {
    /// Groups this user owns that are not deleted.
    pub async fn owned_group_count(&self, user_id: &str) -> StoreResult<i64> {
        on_read!(self, pool => Ok(sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM groups WHERE owner_id = $1 AND is_deleted = FALSE",
        ).bind(user_id).fetch_one(pool).await?))
    }

    /// How many accounts exist (deleted ones too).
    pub async fn user_count(&self) -> StoreResult<i64> {
        on_read!(self, pool => Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
            .fetch_one(pool).await?))
    }
}
