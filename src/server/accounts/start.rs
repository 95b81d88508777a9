//! Opening a session at sign-in or registration: the token and cookie, the
//! session and analytics rows with their security score
//! (`server::security`), the sign-in event, and the alert email for a
//! new device or a flagged sign-in. Also the record of a failed sign-in.

use crate::domain::AppError;
use crate::server::events::event;
use crate::server::request::RequestMeta;
use crate::server::state::AppState;
use crate::server::store::{new_id, HistoryQuery, NewSession, UserRow};
use crate::server::tokens::SessionToken;
use crate::server::{cookies, links, security, useragent};
use chrono::{DateTime, Utc};
use secrecy::SecretString;

/// How a session was opened, for `login_method`.
pub const PASSWORD: &str = "password";

/// Opens a session for `user` and returns the cookie that hands it out.
/// `registered_at` adds the registration event to the same transaction.
pub async fn start_session(
    state: &AppState,
    user: &UserRow,
    remember: bool,
    method: &str,
    registered_at: Option<DateTime<Utc>>,
    meta: &RequestMeta,
) -> Result<SecretString, AppError> {
    let now = state.now();
    let token = SessionToken::generate();
    let id = new_id();
    let device = useragent::parse(meta.user_agent.as_deref().unwrap_or(""));
    let place = state.geo.lookup(meta.ip);
    let location = place.label();
    let fingerprint = device.fingerprint();
    let ip = meta.ip.to_string();
    let history = state
        .store
        .sessions
        .sign_in_history(HistoryQuery {
            user_id: &user.id,
            fingerprint: &fingerprint,
            country: place.country.as_deref(),
            failures_since: now - chrono::Duration::hours(1),
            sessions_since: now - chrono::Duration::minutes(10),
        })
        .await
        .map_err(|e| meta.store_error(e))?;
    let assessment = security::assess(&history, place.country.is_some());
    let mut events = Vec::with_capacity(2);
    if let Some(at) = registered_at {
        events.push(event(&id, &user.id, "register", meta, 200, None, at));
    }
    let signals = serde_json::json!({"method": method, "remember": remember,
        "signals": assessment.signals, "score": assessment.score});
    events.push(event(
        &id,
        &user.id,
        "sign_in",
        meta,
        200,
        Some(signals),
        now,
    ));
    state
        .store
        .sessions
        .create(
            NewSession {
                id: &id,
                user_id: &user.id,
                token_hash: &token.hash(),
                client_ip: &ip,
                user_agent: meta.user_agent.as_deref(),
                device_fingerprint: Some(&fingerprint),
                location: location.as_deref(),
                login_method: method,
                expires_at: now + state.settings.absolute(remember),
                device_type: Some(&device.device_type),
                browser: Some(&device.browser),
                os: Some(&device.os),
                country: place.country.as_deref(),
                city: place.city.as_deref(),
                security_score: assessment.score,
                suspicious: assessment.suspicious,
                now,
            },
            true,
            &events,
        )
        .await
        .map_err(|e| meta.store_error(e))?;
    if (assessment.suspicious || assessment.new_device) && alert_due(state, user, &assessment, now)
    {
        let place = location.unwrap_or_else(|| format!("IP address {ip}"));
        let link = links::end_session(state, &user.id, &id);
        let flagged = if assessment.suspicious {
            "This sign-in looked unusual: "
        } else {
            ""
        };
        let why: Vec<&str> = assessment
            .signals
            .iter()
            .map(|s| security::describe(s))
            .collect();
        state.mailer.send(
            &user.email,
            "New sign-in to your Vestibule account",
            format!(
                "Hello {},\n\nYour account was just signed in to from {} on {} ({}), at {}, from {}.\n{}{}\n\n\
                 If this was you, there is nothing to do. If it was not, end that session now with this link\n\
                 (it works once, for 7 days):\n\n{link}\n\nThen change your password.\n",
                user.username,
                device.browser,
                device.os,
                device.device_type,
                now.format("%Y-%m-%d %H:%M UTC"),
                place,
                flagged,
                why.join("; "),
            ),
        );
    }
    let max_age = remember.then(|| state.settings.absolute(true));
    Ok(cookies::set_cookie(
        state.settings.is_https(),
        &token,
        max_age,
    ))
}

/// At most one alert per account and kind per 10 minutes, so a burst of
/// sign-ins does not flood the inbox (the sessions page shows each one).
/// Flagged and merely-new-device alerts are counted apart: a flagged
/// sign-in right after the owner's own new-device alert is still mailed.
fn alert_due(
    state: &AppState,
    user: &UserRow,
    assessment: &security::Assessment,
    now: DateTime<Utc>,
) -> bool {
    let key = if assessment.suspicious {
        format!("flagged:{}", user.id)
    } else {
        format!("device:{}", user.id)
    };
    let Ok(mut sent) = state.last_alert.lock() else {
        return true;
    };
    let due = sent
        .get(&key)
        .is_none_or(|t| now - *t >= chrono::Duration::minutes(10));
    if due {
        sent.insert(key, now);
    }
    due
}

/// Records a failed sign-in of a known account: a session row that never
/// got a cookie (`failed_sign_in`), its analytics row, and the timeline event.
pub async fn record_failed_sign_in(state: &AppState, user: &UserRow, meta: &RequestMeta) {
    let now = state.now();
    let id = new_id();
    let device = useragent::parse(meta.user_agent.as_deref().unwrap_or(""));
    let fingerprint = device.fingerprint();
    let ip = meta.ip.to_string();
    let place = state.geo.lookup(meta.ip);
    let location = place.label();
    let r = state
        .store
        .sessions
        .create(
            NewSession {
                id: &id,
                user_id: &user.id,
                token_hash: &SessionToken::generate().hash(),
                client_ip: &ip,
                user_agent: meta.user_agent.as_deref(),
                device_fingerprint: Some(&fingerprint),
                location: location.as_deref(),
                login_method: PASSWORD,
                expires_at: now,
                device_type: Some(&device.device_type),
                browser: Some(&device.browser),
                os: Some(&device.os),
                country: place.country.as_deref(),
                city: place.city.as_deref(),
                security_score: 100,
                suspicious: false,
                now,
            },
            false,
            &[],
        )
        .await;
    let failed = event(&id, &user.id, "sign_in_failed", meta, 401, None, now);
    let recorded = match r {
        Ok(()) => state.store.activity.record(&failed).await,
        Err(e) => Err(e),
    };
    if let Err(e) = recorded {
        tracing::warn!(request_id = %meta.request_id, error = %e, "could not record a failed sign-in");
    }
}
