//! Deleting the account (soft), after the password (S22): every session
//! ends (S21) and group memberships end. A sole owner hands over or
//! deletes each group first.

use super::reauth::check_current_password;
use crate::domain::AppError;
use crate::server::events::record;
use crate::server::request::{RequestMeta, SignedIn};
use crate::server::state::AppState;
use secrecy::SecretString;

pub async fn delete(
    state: &AppState,
    who: &SignedIn,
    password: &SecretString,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    check_current_password(state, who, password, "current_password", meta).await?;
    let owned = state
        .store
        .groups
        .owned_count(who.user_id())
        .await
        .map_err(|e| meta.store_error(e))?;
    if owned > 0 {
        return Err(AppError::invalid(
            "current_password",
            format!(
                "You own {owned} group(s). Hand each over to another member or delete it first."
            ),
        ));
    }
    record(
        state,
        &who.session_id,
        who.user_id(),
        "account_deleted",
        meta,
        None,
    )
    .await;
    state
        .store
        .users
        .delete(who.user_id(), state.now())
        .await
        .map_err(|e| meta.store_error(e))
}
