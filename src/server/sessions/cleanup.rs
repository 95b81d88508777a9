//! Periodic housekeeping: marks run-out sessions expired and drops old
//! throttle counters.

use crate::server::lifetimes::is_expired;
use crate::server::state::AppState;
use crate::server::throttle;

pub async fn cleanup(state: &AppState) {
    let now = state.now();
    let sessions = &state.store.sessions;
    let short_idle = now - state.settings.idle(false);
    match sessions.expiry_candidates(now, short_idle).await {
        Ok(rows) => {
            for row in rows {
                let pending = state.tracker.pending_last_activity(&row.session_id);
                if is_expired(&row, now, &state.settings, pending) {
                    if let Err(e) = sessions.expire(&row.session_id, now).await {
                        tracing::warn!(error = %e, "could not expire a session");
                    }
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "session cleanup failed"),
    }
    let window = chrono::Duration::minutes(state.settings.throttle_window_minutes.max(1).into());
    // Accounts keep their count in a row until a success (S10); names that
    // are no account keep a long run for 30 quiet days, so the cap does not
    // tell them apart from accounts.
    if let Err(e) = state
        .store
        .throttle
        .cleanup(
            now - window * 2,
            throttle::ACCOUNT_PREFIX,
            10,
            now - chrono::Duration::days(30),
        )
        .await
    {
        tracing::warn!(error = %e, "throttle cleanup failed");
    }
}
