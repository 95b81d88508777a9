//! The account lifecycle: registration, sign-in and sign-out, profile,
//! email, password and deletion. Server functions call these after reading
//! the caller; these parse input, decide, and call the store.

use super::http::RequestMeta;
use super::passwords::{strength_problem, Verified};
use super::session::{self, Authenticated};
use super::state::AppState;
use super::store::{
    self, new_id, NewActivity, NewSession, NewUser, ProfileUpdate, StoreError, UserRow,
};
use super::tokens::{new_session_token, token_hash};
use super::{throttle, useragent};
use crate::domain::{
    check_password_length, optional_text, AppError, CurrentUser, Email, FormErrors, PictureUrl,
    Username,
};
use secrecy::SecretString;

/// Turns a store failure into what a person may see, logging the cause with
/// the request id (S34).
pub fn internal(e: impl std::fmt::Display, meta: &RequestMeta) -> AppError {
    tracing::error!(request_id = %meta.request_id, error = %e, "request failed");
    AppError::Internal {
        request_id: meta.request_id.clone(),
    }
}

pub fn store_err(e: StoreError, meta: &RequestMeta) -> AppError {
    match e {
        StoreError::Unavailable(cause) => {
            tracing::error!(request_id = %meta.request_id, error = %cause, "database unavailable");
            AppError::Unavailable
        }
        StoreError::NotFound => AppError::NotFound,
        other => internal(other, meta),
    }
}

fn secret(s: String) -> SecretString {
    SecretString::from(s)
}

pub fn current_user_view(u: &UserRow) -> CurrentUser {
    CurrentUser {
        username: u.username.clone(),
        email: u.email.clone(),
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        bio: u.bio.clone(),
        picture_url: u.profile_picture_url.clone(),
        email_verified: u.email_verified,
        pending_email: None,
        is_admin: u.is_admin(),
    }
}

/// The caller's account, or `Unauthenticated`.
pub fn caller_user(
    who: Option<&Authenticated>,
) -> Result<(Authenticated, std::sync::Arc<UserRow>), AppError> {
    match who {
        // The middleware read the account with the session (one query per
        // request); this shares that row, it does not copy it.
        Some(who) if who.user.can_sign_in() => Ok((who.clone(), who.user.clone())),
        _ => Err(AppError::Unauthenticated),
    }
}

/// Writes one event of the security timeline; a failure is logged only.
/// One timeline event of this request.
fn event(
    session_id: &str,
    user_id: &str,
    kind: &'static str,
    meta: &RequestMeta,
    status: i32,
    extra: Option<serde_json::Value>,
    now: chrono::DateTime<chrono::Utc>,
) -> NewActivity {
    NewActivity {
        session_id: session_id.to_string(),
        user_id: user_id.to_string(),
        activity_type: kind,
        endpoint: Some(meta.path.clone()),
        method: Some(meta.method.clone()),
        client_ip: meta.ip.to_string(),
        user_agent: meta.user_agent.clone(),
        request_id: Some(meta.request_id.clone()),
        response_status: Some(status),
        extra_data: extra.map(|v| v.to_string()),
        now,
    }
}

pub async fn record(
    state: &AppState,
    session_id: &str,
    user_id: &str,
    kind: &'static str,
    meta: &RequestMeta,
    status: i32,
    extra: Option<serde_json::Value>,
) {
    let a = event(session_id, user_id, kind, meta, status, extra, state.now());
    if let Err(e) = state.store.record_activity(&a).await {
        tracing::warn!(request_id = %meta.request_id, error = %e, kind, "could not record activity");
    }
}

/// "City, Country", or the country alone, when known.
fn place(city: Option<&str>, country: Option<&str>) -> Option<String> {
    match (city, country) {
        (Some(c), Some(k)) => Some(format!("{c}, {k}")),
        (None, Some(k)) => Some(k.to_string()),
        _ => None,
    }
}

fn geo_lookup(state: &AppState, ip: std::net::IpAddr) -> (Option<String>, Option<String>) {
    let Some(reader) = &state.geo else {
        return (None, None);
    };
    match reader.lookup::<maxminddb::geoip2::City>(ip) {
        Ok(city) => {
            let country = city
                .country
                .and_then(|c| c.names)
                .and_then(|n| n.get("en").map(|s| s.to_string()));
            let city_name = city
                .city
                .and_then(|c| c.names)
                .and_then(|n| n.get("en").map(|s| s.to_string()));
            (country, city_name)
        }
        _ => (None, None),
    }
}

/// Opens a session for `user`, scoring it (see `server::security`), and
/// returns its id, the cookie to set and the assessment.
async fn start_session(
    state: &AppState,
    user: &UserRow,
    remember: bool,
    method: &str,
    registered_at: Option<chrono::DateTime<chrono::Utc>>,
    meta: &RequestMeta,
) -> Result<(String, String, super::security::Assessment), AppError> {
    let now = state.now();
    let token = new_session_token();
    let hash = token_hash(&token);
    let id = new_id();
    let ua = meta.user_agent.clone().unwrap_or_default();
    let device = useragent::parse(&ua);
    let (country, city) = geo_lookup(state, meta.ip);
    let location = place(city.as_deref(), country.as_deref());
    let fingerprint = device.fingerprint();
    let ip = meta.ip.to_string();
    let history = state
        .store
        .sign_in_history(
            &user.id,
            &fingerprint,
            country.as_deref(),
            now - chrono::Duration::hours(1),
            now - chrono::Duration::minutes(10),
        )
        .await
        .map_err(|e| store_err(e, meta))?;
    let assessment = super::security::assess(&history, country.is_some());
    let mut events = Vec::with_capacity(2);
    if let Some(at) = registered_at {
        events.push(event(&id, &user.id, "register", meta, 200, None, at));
    }
    let signals = serde_json::json!({"method": method, "remember": remember, "signals": assessment.signals, "score": assessment.score});
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
        .create_session_with(
            NewSession {
                id: &id,
                user_id: &user.id,
                token_hash: &hash,
                client_ip: &ip,
                user_agent: meta.user_agent.as_deref(),
                device_fingerprint: Some(&fingerprint),
                location: location.as_deref(),
                login_method: method,
                expires_at: now + state.settings.absolute(remember),
                device_type: Some(&device.device_type),
                browser: Some(&device.browser),
                os: Some(&device.os),
                country: country.as_deref(),
                city: city.as_deref(),
                security_score: assessment.score,
                suspicious: assessment.suspicious,
                now,
            },
            true,
            events,
        )
        .await
        .map_err(|e| store_err(e, meta))?;
    // At most one alert per account and kind per 10 minutes, so a burst of
    // sign-ins does not flood the inbox (the sessions page shows each one).
    // Flagged and merely-new-device alerts are counted apart: a flagged
    // sign-in right after the owner's own new-device alert is still mailed.
    let alert_due = (assessment.suspicious || assessment.new_device)
        && state
            .last_alert
            .lock()
            .map(|mut m| {
                let key = if assessment.suspicious {
                    format!("flagged:{}", user.id)
                } else {
                    format!("device:{}", user.id)
                };
                let due = m
                    .get(&key)
                    .map(|t| now - *t >= chrono::Duration::minutes(10))
                    .unwrap_or(true);
                if due {
                    m.insert(key, now);
                }
                due
            })
            .unwrap_or(true);
    if alert_due {
        let place = location
            .clone()
            .unwrap_or_else(|| format!("IP address {ip}"));
        let link = super::sessions::end_link(state, &user.id, &id);
        let flagged = if assessment.suspicious {
            "This sign-in looked unusual: "
        } else {
            ""
        };
        let why: Vec<&str> = assessment
            .signals
            .iter()
            .map(|s| super::security::describe(s))
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
    let cookie = session::set_cookie(state.settings.is_https(), &token, max_age);
    Ok((id, cookie, assessment))
}

/// Records a failed sign-in of a known account: a session row that never
/// got a cookie (`failed_sign_in`), its analytics row, and the timeline event.
async fn record_failed_sign_in(state: &AppState, user: &UserRow, meta: &RequestMeta) {
    let now = state.now();
    let id = new_id();
    let hash = token_hash(&new_session_token());
    let device = useragent::parse(meta.user_agent.as_deref().unwrap_or(""));
    let fingerprint = device.fingerprint();
    let ip = meta.ip.to_string();
    let (country, city) = geo_lookup(state, meta.ip);
    let location = place(city.as_deref(), country.as_deref());
    let r = state
        .store
        .create_session(
            NewSession {
                id: &id,
                user_id: &user.id,
                token_hash: &hash,
                client_ip: &ip,
                user_agent: meta.user_agent.as_deref(),
                device_fingerprint: Some(&fingerprint),
                location: location.as_deref(),
                login_method: "password",
                expires_at: now,
                device_type: Some(&device.device_type),
                browser: Some(&device.browser),
                os: Some(&device.os),
                country: country.as_deref(),
                city: city.as_deref(),
                security_score: 100,
                suspicious: false,
                now,
            },
            false,
        )
        .await;
    match r {
        Ok(()) => record(state, &id, &user.id, "sign_in_failed", meta, 401, None).await,
        Err(e) => {
            tracing::warn!(request_id = %meta.request_id, error = %e, "could not record a failed sign-in")
        }
    }
}

fn verification_link(state: &AppState, user_id: &str, email: &str) -> String {
    let token = state.signer.sign(
        "verify_email",
        &(user_id, email),
        state.now() + chrono::Duration::hours(48),
    );
    format!("{}verify-email?token={token}", base_url(state))
}

/// The public URL with a trailing slash, for links in emails.
pub(crate) fn base_url(state: &AppState) -> String {
    let mut u = state.settings.public_url().to_string();
    if !u.ends_with('/') {
        u.push('/');
    }
    u
}

fn send_verification(state: &AppState, user_id: &str, username: &str, email: &str) {
    let link = verification_link(state, user_id, email);
    state.mailer.send(
        email,
        "Confirm your email address",
        format!(
            "Hello {username},\n\nPlease confirm your email address for Vestibule by opening this link:\n\n{link}\n\n\
             The link works for 48 hours. If you did not create an account, you can ignore this message.\n"
        ),
    );
}

pub struct Registration {
    pub username: String,
    pub email: String,
    pub password: String,
}

/// Creates the account, signs the person in, sends the verification email.
/// Returns the cookie to set.
pub async fn register(
    state: &AppState,
    input: Registration,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    let mut errors = FormErrors::new();
    errors.keep("username", &input.username);
    errors.keep("email", &input.email);
    let username = Username::parse(&input.username)
        .map_err(|m| errors.add("username", m))
        .ok();
    let email = Email::parse(&input.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    if let Err(m) = check_password_length(&input.password) {
        errors.add("password", m);
    } else if let Some(m) = strength_problem(
        &input.password,
        username
            .as_ref()
            .map(|u| u.as_ref())
            .unwrap_or(&input.username),
        email.as_ref().map(|e| e.as_ref()).unwrap_or(&input.email),
    ) {
        errors.add("password", m);
    }
    let (Some(username), Some(email)) = (username, email) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let hash = state
        .passwords
        .hash(&secret(input.password))
        .await
        .map_err(|e| internal(e, meta))?;
    let id = new_id();
    let now = state.now();
    let created = state
        .store
        .create_user(NewUser {
            id: &id,
            username: username.as_ref(),
            email: email.as_ref(),
            hashed_password: &hash,
            now,
        })
        .await;
    if let Err(e) = created {
        return Err(match store::conflict_field(&e) {
            Some("username") => {
                errors.add("username", "This username is taken. Try another.");
                AppError::Invalid(errors)
            }
            Some(_) => {
                errors.add(
                    "email",
                    "An account with this email already exists. Sign in instead.",
                );
                AppError::Invalid(errors)
            }
            None => store_err(e, meta),
        });
    }
    let user = state
        .store
        .find_user(&id)
        .await
        .map_err(|e| store_err(e, meta))?
        .ok_or_else(|| internal("new user vanished", meta))?;
    let (_, cookie, _) = start_session(state, &user, false, "password", Some(now), meta).await?;
    send_verification(state, &user.id, user.username.as_str(), user.email.as_str());
    Ok(cookie)
}

pub struct SignIn {
    pub login: String,
    pub password: String,
    pub remember: bool,
}

/// Checks the credentials (S8–S12) and opens a session. Returns the cookie.
pub async fn sign_in(
    state: &AppState,
    input: SignIn,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    let login = input.login.trim().to_string();
    if login.is_empty()
        || login.chars().count() > 255
        || input.password.is_empty()
        || input.password.chars().count() > crate::domain::PASSWORD_MAX
    {
        // Cannot match any account: refuse before any hashing (S3).
        return Err(AppError::BadCredentials);
    }
    // Known and unknown names take the same steps (S8, S9): look up, check
    // the lock, verify (a dummy hash when there is no account).
    let user = state
        .store
        .find_user_by_login(&login)
        .await
        .map_err(|e| store_err(e, meta))?;
    let known_id = user.as_ref().map(|u| u.id.clone());
    let subject = match &known_id {
        Some(id) => throttle::Subject::Account(id),
        None => throttle::Subject::Name(&login),
    };
    if throttle::is_locked(state, subject, meta.ip)
        .await
        .map_err(|e| store_err(e, meta))?
    {
        return Err(AppError::TooManyAttempts);
    }
    let stored = user.as_ref().and_then(|u| u.hashed_password.as_deref());
    let verdict = state
        .passwords
        .verify(&secret(input.password.clone()), stored)
        .await
        .map_err(|e| internal(e, meta))?;
    let user = match (verdict, user) {
        (Verified::Yes | Verified::YesRehash, Some(u)) if u.can_sign_in() => {
            if verdict_rehash(&state.passwords, &input.password, &u, state, meta).await {
                tracing::info!(request_id = %meta.request_id, "upgraded a password hash");
            }
            u
        }
        (_, maybe_user) => {
            throttle::record_failure(state, subject, meta.ip)
                .await
                .map_err(|e| store_err(e, meta))?;
            if let Some(u) = maybe_user {
                record_failed_sign_in(state, &u, meta).await;
            }
            return Err(AppError::BadCredentials);
        }
    };
    throttle::record_success(state, &user.id)
        .await
        .map_err(|e| store_err(e, meta))?;
    let (_, cookie, _) =
        start_session(state, &user, input.remember, "password", None, meta).await?;
    Ok(cookie)
}

/// Rehashes with today's parameters when the stored hash is weaker (S7).
async fn verdict_rehash(
    passwords: &super::passwords::Passwords,
    password: &str,
    user: &UserRow,
    state: &AppState,
    meta: &RequestMeta,
) -> bool {
    let Some(stored) = user.hashed_password.as_deref() else {
        return false;
    };
    if !super::passwords::needs_rehash(stored) {
        return false;
    }
    match passwords.hash(&secret(password.to_string())).await {
        Ok(h) => state
            .store
            .set_password_hash(&user.id, &h, state.now())
            .await
            .is_ok(),
        Err(e) => {
            tracing::warn!(request_id = %meta.request_id, error = %e, "rehash failed");
            false
        }
    }
}

/// Ends the caller's session on the server (S16).
pub async fn sign_out(
    state: &AppState,
    who: Option<&Authenticated>,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    if let Some(who) = who {
        state
            .store
            .revoke_session(&who.session_id, &who.user_id, "logout", state.now())
            .await
            .map_err(|e| store_err(e, meta))?;
        record(
            state,
            &who.session_id,
            &who.user_id,
            "sign_out",
            meta,
            200,
            None,
        )
        .await;
    }
    Ok(())
}

pub struct ProfileInput {
    pub first_name: String,
    pub last_name: String,
    pub bio: String,
    pub profile_picture_url: String,
}

pub async fn update_profile(
    state: &AppState,
    who: &Authenticated,
    input: ProfileInput,
    meta: &RequestMeta,
) -> Result<CurrentUser, AppError> {
    let mut errors = FormErrors::new();
    errors.keep("first_name", &input.first_name);
    errors.keep("last_name", &input.last_name);
    errors.keep("bio", &input.bio);
    errors.keep("profile_picture_url", &input.profile_picture_url);
    let first = optional_text(&input.first_name, 100, "First name")
        .map_err(|m| errors.add("first_name", m))
        .ok();
    let last = optional_text(&input.last_name, 100, "Last name")
        .map_err(|m| errors.add("last_name", m))
        .ok();
    let bio = optional_text(&input.bio, 1000, "Bio")
        .map_err(|m| errors.add("bio", m))
        .ok();
    let pic = PictureUrl::parse(&input.profile_picture_url)
        .map_err(|m| errors.add("profile_picture_url", m))
        .ok();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (first, last, bio, pic) = (
        first.flatten(),
        last.flatten(),
        bio.flatten(),
        pic.flatten(),
    );
    state
        .store
        .update_profile(
            &who.user_id,
            ProfileUpdate {
                first_name: first.as_deref(),
                last_name: last.as_deref(),
                bio: bio.as_deref(),
                profile_picture_url: pic.as_ref().map(|p| p.as_ref()),
            },
            state.now(),
        )
        .await
        .map_err(|e| store_err(e, meta))?;
    record(
        state,
        &who.session_id,
        &who.user_id,
        "profile_updated",
        meta,
        200,
        None,
    )
    .await;
    let u = state
        .store
        .find_user(&who.user_id)
        .await
        .map_err(|e| store_err(e, meta))?
        .ok_or(AppError::Unauthenticated)?;
    Ok(current_user_view(&u))
}

/// Checks the current password for a sensitive change (S5, S22). A wrong one
/// counts as a failed action and towards the account's throttle.
async fn check_current_password(
    state: &AppState,
    who: &Authenticated,
    user: &UserRow,
    password: &str,
    field: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    if throttle::is_locked(state, throttle::Subject::Account(&user.id), meta.ip)
        .await
        .map_err(|e| store_err(e, meta))?
    {
        return Err(AppError::TooManyAttempts);
    }
    let ok = if password.is_empty() || password.chars().count() > crate::domain::PASSWORD_MAX {
        false
    } else {
        matches!(
            state
                .passwords
                .verify(
                    &secret(password.to_string()),
                    user.hashed_password.as_deref()
                )
                .await
                .map_err(|e| internal(e, meta))?,
            Verified::Yes | Verified::YesRehash
        )
    };
    if !ok {
        state.tracker.failed(&who.session_id);
        throttle::record_failure(state, throttle::Subject::Account(&user.id), meta.ip)
            .await
            .map_err(|e| store_err(e, meta))?;
        record(
            state,
            &who.session_id,
            &who.user_id,
            "reauth_failed",
            meta,
            401,
            None,
        )
        .await;
        return Err(AppError::invalid(
            field,
            "That is not your current password.",
        ));
    }
    Ok(())
}

pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
    pub sign_out_others: bool,
}

/// Changes the password, signs out other sessions when asked (S20) and gives
/// this session a new token (S15). Returns the new cookie.
pub async fn change_password(
    state: &AppState,
    who: &Authenticated,
    user: &UserRow,
    input: PasswordChange,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    if let Err(m) = check_password_length(&input.new_password) {
        return Err(AppError::invalid("new_password", m));
    }
    check_current_password(
        state,
        who,
        user,
        &input.current_password,
        "current_password",
        meta,
    )
    .await?;
    if let Some(m) = strength_problem(&input.new_password, &user.username, &user.email) {
        return Err(AppError::invalid("new_password", m));
    }
    if input.new_password == input.current_password {
        return Err(AppError::invalid(
            "new_password",
            "Choose a password different from the current one.",
        ));
    }
    let hash = state
        .passwords
        .hash(&secret(input.new_password))
        .await
        .map_err(|e| internal(e, meta))?;
    let now = state.now();
    state
        .store
        .set_password_hash(&user.id, &hash, now)
        .await
        .map_err(|e| store_err(e, meta))?;
    let ended = if input.sign_out_others {
        state
            .store
            .revoke_other_sessions(&user.id, Some(&who.session_id), "password_changed", now)
            .await
            .map_err(|e| store_err(e, meta))?
    } else {
        0
    };
    let token = new_session_token();
    let lifetime = state
        .store
        .rotate_session_token(&who.session_id, &token_hash(&token), now)
        .await
        .map_err(|e| store_err(e, meta))?;
    record(
        state,
        &who.session_id,
        &user.id,
        "password_changed",
        meta,
        200,
        Some(serde_json::json!({"other_sessions_ended": ended})),
    )
    .await;
    state.mailer.send(
        &user.email,
        "Your Vestibule password was changed",
        format!(
            "Hello {},\n\nThe password of your Vestibule account was just changed.\n\
             If this was not you, reset your password at once and review your sessions at {}account/sessions.\n",
            user.username,
            base_url(state)
        ),
    );
    // A remembered session keeps its persistence: the new cookie lives as
    // long as the session still may; a browser-session cookie stays one.
    let max_age = lifetime.and_then(|(created, expires)| {
        let remembered = created
            .map(|c| expires - c > state.settings.absolute(false))
            .unwrap_or(false);
        remembered.then(|| expires - now)
    });
    Ok(session::set_cookie(
        state.settings.is_https(),
        &token,
        max_age,
    ))
}

/// Whether a password change signs out the other sessions (S20): on unless
/// the caller says otherwise. An unticked box sends nothing, so the form also
/// sends `others_choice`; without it (a plain API call) the default is on.
pub fn sign_out_others_choice(value: Option<&str>, form_shown: bool) -> Result<bool, AppError> {
    match value.map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(!form_shown),
        Some(v) if matches!(v.as_str(), "on" | "true" | "1" | "yes") => Ok(true),
        Some(v) if matches!(v.as_str(), "off" | "false" | "0" | "no") => Ok(false),
        Some(_) => Err(AppError::invalid(
            "sign_out_others",
            "Choose whether to sign out other sessions.",
        )),
    }
}

pub struct EmailChange {
    pub new_email: String,
    pub current_password: String,
}

/// Sends a confirmation link to the new address and tells the old one. The
/// change takes effect when the link is confirmed.
pub async fn request_email_change(
    state: &AppState,
    who: &Authenticated,
    user: &UserRow,
    input: EmailChange,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    let mut errors = FormErrors::new();
    errors.keep("new_email", &input.new_email);
    let email = match Email::parse(&input.new_email) {
        Ok(e) => e,
        Err(m) => {
            errors.add("new_email", m);
            return Err(AppError::Invalid(errors));
        }
    };
    if email.folded() == user.email.to_lowercase() {
        errors.add("new_email", "This is already your email address.");
        return Err(AppError::Invalid(errors));
    }
    // Any refusal stops here: a wrong password (beside its field, with what
    // was typed kept), a locked account or an internal failure (S22).
    match check_current_password(
        state,
        who,
        user,
        &input.current_password,
        "current_password",
        meta,
    )
    .await
    {
        Ok(()) => {}
        Err(AppError::Invalid(f)) => {
            for (k, v) in f.fields {
                errors.add(&k, v);
            }
            return Err(AppError::Invalid(errors));
        }
        Err(other) => return Err(other),
    }
    if state
        .store
        .email_taken(email.as_ref(), &user.id)
        .await
        .map_err(|e| store_err(e, meta))?
    {
        errors.add("new_email", "Another account uses this email address.");
        return Err(AppError::Invalid(errors));
    }
    let token = state.signer.sign(
        "change_email",
        &(
            user.id.as_str(),
            user.email.as_str(),
            email.as_ref(),
            who.session_id.as_str(),
        ),
        state.now() + chrono::Duration::hours(24),
    );
    let link = format!("{}verify-email?token={token}", base_url(state));
    state.mailer.send(
        email.as_ref(),
        "Confirm your new email address",
        format!("Hello {},\n\nTo use this address for your Vestibule account, open this link:\n\n{link}\n\nThe link works for 24 hours.\n", user.username),
    );
    state.mailer.send(
        &user.email,
        "A change of your email address was requested",
        format!(
            "Hello {},\n\nSomeone signed in to your Vestibule account asked to change its email address to {}.\n\
             Nothing changes until the new address is confirmed. If this was not you, change your password now.\n",
            user.username,
            email.as_ref()
        ),
    );
    record(
        state,
        &who.session_id,
        &user.id,
        "email_change_requested",
        meta,
        200,
        None,
    )
    .await;
    Ok(email.as_ref().to_string())
}

/// Confirms an address from a link: a new account's address, or a change.
pub async fn confirm_email(
    state: &AppState,
    token: &str,
    meta: &RequestMeta,
) -> Result<String, AppError> {
    let now = state.now();
    if let Some((user_id, email)) =
        state
            .signer
            .verify::<(String, String)>("verify_email", token, now)
    {
        let ok = state
            .store
            .confirm_email(&user_id, &email, now)
            .await
            .map_err(|e| store_err(e, meta))?;
        if !ok {
            return Err(AppError::InvalidLink);
        }
        return Ok(email);
    }
    if let Some((user_id, old, new, session_id)) = state
        .signer
        .verify::<(String, String, String, String)>("change_email", token, now)
    {
        if state
            .store
            .email_taken(&new, &user_id)
            .await
            .map_err(|e| store_err(e, meta))?
        {
            return Err(AppError::Conflict(
                "Another account now uses this email address.".into(),
            ));
        }
        let ok = match state.store.change_email(&user_id, &old, &new, now).await {
            Ok(ok) => ok,
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Conflict(
                    "Another account now uses this email address.".into(),
                ))
            }
            Err(e) => return Err(store_err(e, meta)),
        };
        if !ok {
            return Err(AppError::InvalidLink);
        }
        // On the timeline of the session that asked for the change.
        record(
            state,
            &session_id,
            &user_id,
            "email_changed",
            meta,
            200,
            Some(serde_json::json!({"from": old, "to": new})),
        )
        .await;
        state.mailer.send(
            &old,
            "Your email address was changed",
            format!("Hello,\n\nThe email address of your Vestibule account is now {new}. If this was not you, contact the site's administrator.\n"),
        );
        return Ok(new);
    }
    Err(AppError::InvalidLink)
}

/// Sends a fresh verification link to the caller's current address.
pub async fn resend_verification(state: &AppState, user: &UserRow) {
    if !user.email_verified {
        send_verification(state, &user.id, &user.username, &user.email);
    }
}

/// Deletes the account (soft), after the password (S22); ends every session (S21).
pub async fn delete_account(
    state: &AppState,
    who: &Authenticated,
    user: &UserRow,
    password: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    check_current_password(state, who, user, password, "current_password", meta).await?;
    let owned = state
        .store
        .owned_group_count(&user.id)
        .await
        .map_err(|e| store_err(e, meta))?;
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
        &user.id,
        "account_deleted",
        meta,
        200,
        None,
    )
    .await;
    state
        .store
        .delete_user(&user.id, state.now())
        .await
        .map_err(|e| store_err(e, meta))?;
    state.page_cache.groups_changed();
    Ok(())
}

/// Periodic housekeeping: mark run-out sessions expired, drop old throttle counters.
pub async fn cleanup(state: &AppState) {
    let now = state.now();
    let short_idle = now - state.settings.idle(false);
    match state.store.expiry_candidates(now, short_idle).await {
        Ok(rows) => {
            for row in rows {
                if session::is_expired(
                    &row,
                    now,
                    &state.settings,
                    state.tracker.pending_last_activity(&row.session_id),
                ) {
                    if let Err(e) = state.store.expire_session(&row.session_id, now).await {
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
        .throttle_cleanup(
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
