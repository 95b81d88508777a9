//! Accounts (`users`, `roles`).

use super::error::StoreResult;
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

/// Accounts.
#[async_trait::async_trait]
pub trait Users: Send + Sync {
    /// Creates an account with the default role. `Conflict` naming the
    /// username or email index when either is taken (ignoring case).
    async fn create(&self, u: NewUser<'_>) -> StoreResult<()>;
    /// An account by username or email, ignoring case. Deleted and disabled
    /// accounts are returned too: the caller decides.
    async fn find_by_login(&self, login: &str) -> StoreResult<Option<UserRow>>;
    async fn find(&self, id: &str) -> StoreResult<Option<UserRow>>;
    /// Is this email (ignoring case) used by an account other than `except`?
    async fn email_taken(&self, email: &str, except: &str) -> StoreResult<bool>;
    /// `NotFound` for a deleted account.
    async fn update_profile(
        &self,
        id: &str,
        p: ProfileUpdate<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn set_password_hash(&self, id: &str, hash: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Marks `email` confirmed, if it is still the account's address.
    async fn confirm_email(&self, id: &str, email: &str, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Moves the account to a confirmed new address, if the old one is unchanged.
    async fn change_email(
        &self,
        id: &str,
        old: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Soft-deletes the account, revokes every session and ends its group
    /// memberships, in one transaction (S21). The caller has made sure the
    /// account owns no group.
    async fn delete(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Turns an account on or off; off ends every session at once (S21).
    async fn set_active(&self, id: &str, active: bool, now: DateTime<Utc>) -> StoreResult<()>;
    /// How many accounts exist (deleted ones too).
    async fn count(&self) -> StoreResult<i64>;
}
