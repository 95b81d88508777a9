//! The account queries: one SQL text for both engines (`$n` placeholders,
//! moments bound from Rust), stamped out for each engine's store by
//! [`users_sql`]. The invoking module imports the contract's types.

/// The columns of a [`UserRow`](crate::server::store::contract::UserRow).
pub const USER_COLUMNS: &str = "id, username, email, hashed_password, first_name, last_name, bio, \
     profile_picture_url, is_active, is_verified, email_verified, is_deleted, role_id, \
     last_login, created_at, totp_enabled";

/// Implements `Users` for `$store`, which has `reader()` and `writer()` pools.
macro_rules! users_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl Users for $store {
            async fn create(&self, u: NewUser<'_>) -> StoreResult<()> {
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
                .execute(self.writer())
                .await?;
                Ok(())
            }

            async fn find_by_login(&self, login: &str) -> StoreResult<Option<UserRow>> {
                let sql = format!(
                    "SELECT {} FROM users WHERE lower(username) = $1 OR lower(email) = $1 \
                     ORDER BY is_deleted ASC LIMIT 1",
                    common::users::USER_COLUMNS
                );
                Ok(sqlx::query_as::<_, UserRow>(&sql)
                    .bind(login.trim().to_lowercase())
                    .fetch_optional(self.reader())
                    .await?)
            }

            async fn find(&self, id: &str) -> StoreResult<Option<UserRow>> {
                let sql = format!(
                    "SELECT {} FROM users WHERE id = $1",
                    common::users::USER_COLUMNS
                );
                Ok(sqlx::query_as::<_, UserRow>(&sql)
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            async fn email_taken(&self, email: &str, except: &str) -> StoreResult<bool> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM users WHERE lower(email) = $1 AND id <> $2",
                )
                .bind(email.to_lowercase())
                .bind(except)
                .fetch_one(self.reader())
                .await?;
                Ok(n > 0)
            }

            async fn update_profile(
                &self,
                id: &str,
                p: ProfileUpdate<'_>,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
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
                .execute(self.writer())
                .await?;
                if r.rows_affected() == 0 {
                    Err(StoreError::NotFound)
                } else {
                    Ok(())
                }
            }

            async fn set_password_hash(
                &self,
                id: &str,
                hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query("UPDATE users SET hashed_password = $2, updated_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(hash)
                    .bind(now)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn confirm_email(
                &self,
                id: &str,
                email: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let r = sqlx::query(
                    "UPDATE users SET email_verified = TRUE, is_verified = TRUE, updated_at = $3 \
                     WHERE id = $1 AND lower(email) = $2 AND is_deleted = FALSE",
                )
                .bind(id)
                .bind(email.to_lowercase())
                .bind(now)
                .execute(self.writer())
                .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn change_email(
                &self,
                id: &str,
                old: &str,
                new: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let r = sqlx::query(
                    "UPDATE users SET email = $3, email_verified = TRUE, is_verified = TRUE, updated_at = $4 \
                     WHERE id = $1 AND lower(email) = $2 AND is_deleted = FALSE",
                )
                .bind(id)
                .bind(old.to_lowercase())
                .bind(new)
                .bind(now)
                .execute(self.writer())
                .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn delete(&self, id: &str, now: DateTime<Utc>) -> StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                sqlx::query(
                    "UPDATE users SET is_deleted = TRUE, deleted_at = $2, updated_at = $2 WHERE id = $1",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                end_sessions!(tx, id, "", "account_deleted", now);
                // Memberships end: counts move with the rows, requests and answers go.
                sqlx::query(
                    "UPDATE groups SET member_count = member_count - 1, updated_at = $2 WHERE id IN \
                     (SELECT group_id FROM user_groups WHERE user_id = $1 AND is_active = TRUE)",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                for sql in [
                    "DELETE FROM user_groups WHERE user_id = $1 AND role_in_group <> 'owner'",
                    "UPDATE user_groups SET is_active = FALSE WHERE user_id = $1",
                    "DELETE FROM group_join_answers WHERE user_id = $1",
                ] {
                    sqlx::query(sql).bind(id).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                self.changes.bump();
                Ok(())
            }

            async fn set_active(
                &self,
                id: &str,
                active: bool,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                sqlx::query("UPDATE users SET is_active = $2, updated_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(active)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if !active {
                    end_sessions!(tx, id, "", "account_disabled", now);
                }
                tx.commit().await?;
                Ok(())
            }

            async fn count(&self) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
                    .fetch_one(self.reader())
                    .await?)
            }
        }
    };
}
pub(crate) use users_sql;
