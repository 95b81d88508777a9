//! The store contract, run against both engines: the same calls give the
//! same answers on SQLite and PostgreSQL.

use crate::both_engines;
use crate::helpers::*;
use vestibule::server::store::{new_id, NewUser, ProfileUpdate, Store, StoreError};

async fn open(engine: Engine, name: &str) -> Option<(Store, TestDb)> {
    let db = TestDb::new(engine, name).await?;
    let s = Store::open(&db.url, 4).await.unwrap();
    s.migrate().await.unwrap();
    Some((s, db))
}

/// A store with one account named `username`, made at `at`, and its id.
async fn open_with_user(
    engine: Engine,
    name: &str,
    username: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Option<(Store, TestDb, String)> {
    let (s, db) = open(engine, name).await?;
    let user = new_id();
    s.users
        .create(NewUser {
            id: &user,
            username,
            email: &format!("{username}@example.com"),
            hashed_password: "h",
            now: at,
        })
        .await
        .unwrap();
    Some((s, db, user))
}

async fn users_contract(engine: Engine, name: &str) {
    let Some((s, db)) = open(engine, name).await else {
        return;
    };
    let now = vestibule::server::clock::Clock::now(&vestibule::server::clock::SystemClock);
    let id = new_id();
    s.users
        .create(NewUser {
            id: &id,
            username: "Alice",
            email: "Alice@Example.com",
            hashed_password: "h",
            now,
        })
        .await
        .unwrap();
    let u = s.users.find_by_login("alice").await.unwrap().unwrap();
    assert_eq!((u.id.as_str(), u.username.as_str()), (id.as_str(), "Alice"));
    assert_eq!(u.created_at, Some(now), "timestamps round-trip exactly");
    assert!(s
        .users
        .find_by_login("ALICE@example.COM")
        .await
        .unwrap()
        .is_some());
    assert!(s.users.find_by_login("bob").await.unwrap().is_none());
    let dup = s
        .users
        .create(NewUser {
            id: &new_id(),
            username: "ALICE",
            email: "x@example.com",
            hashed_password: "h",
            now,
        })
        .await;
    assert!(
        matches!(&dup, Err(StoreError::Conflict(w)) if w.to_lowercase().contains("username")),
        "{dup:?}"
    );
    let dup = s
        .users
        .create(NewUser {
            id: &new_id(),
            username: "carol",
            email: "alice@example.COM",
            hashed_password: "h",
            now,
        })
        .await;
    assert!(
        matches!(&dup, Err(StoreError::Conflict(w)) if w.to_lowercase().contains("email")),
        "{dup:?}"
    );
    let users = &s.users;
    assert!(users
        .email_taken("ALICE@EXAMPLE.COM", "other")
        .await
        .unwrap());
    assert!(!users.email_taken("alice@example.com", &id).await.unwrap());
    assert_eq!(s.groups.owned_count(&id).await.unwrap(), 0);
    assert_eq!(users.count().await.unwrap(), 1);
    // Profile, password, confirmation and a change of address.
    let later = now + chrono::Duration::minutes(1);
    users
        .update_profile(
            &id,
            ProfileUpdate {
                first_name: Some("Alice"),
                last_name: None,
                bio: Some("<b>bio</b>"),
                profile_picture_url: Some("https://example.com/a.png"),
            },
            later,
        )
        .await
        .unwrap();
    users.set_password_hash(&id, "h2", later).await.unwrap();
    let u = users.find(&id).await.unwrap().unwrap();
    assert_eq!(
        (
            u.first_name.as_deref(),
            u.last_name.as_deref(),
            u.bio.as_deref()
        ),
        (Some("Alice"), None, Some("<b>bio</b>"))
    );
    assert_eq!(u.hashed_password.as_deref(), Some("h2"));
    assert!(!u.email_verified && !u.is_verified);
    assert!(!users
        .confirm_email(&id, "other@example.com", later)
        .await
        .unwrap());
    assert!(users
        .confirm_email(&id, "ALICE@example.com", later)
        .await
        .unwrap());
    assert!(users.find(&id).await.unwrap().unwrap().email_verified);
    assert!(!users
        .change_email(&id, "stale@example.com", "new@example.com", later)
        .await
        .unwrap());
    assert!(users
        .change_email(&id, "alice@example.com", "new@example.com", later)
        .await
        .unwrap());
    assert!(users
        .find_by_login("NEW@example.com")
        .await
        .unwrap()
        .is_some());
    // Disabled, then deleted: still found (the caller decides), flagged.
    users.set_active(&id, false, later).await.unwrap();
    assert!(!users.find(&id).await.unwrap().unwrap().can_sign_in());
    users.set_active(&id, true, later).await.unwrap();
    users.delete(&id, later).await.unwrap();
    let gone = users.find(&id).await.unwrap().unwrap();
    assert!(gone.is_deleted && !gone.can_sign_in());
    assert!(matches!(
        users
            .update_profile(
                &id,
                ProfileUpdate {
                    first_name: None,
                    last_name: None,
                    bio: None,
                    profile_picture_url: None
                },
                later
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(s.db.ping().await);
    s.db.close().await;
    db.drop_db().await;
}
both_engines!(users_behave_the_same, users_contract);

async fn throttle_contract(engine: Engine, name: &str) {
    let Some((s, db)) = open(engine, name).await else {
        return;
    };
    let now = chrono::Utc::now();
    let w = now - chrono::Duration::minutes(15);
    // 20 concurrent failures count exactly.
    let futs: Vec<_> = (0..20)
        .map(|_| s.throttle.fail("k", now, w, &|_| None))
        .collect();
    let mut counts: Vec<i32> = futures::future::join_all(futs)
        .await
        .into_iter()
        .map(|r| r.unwrap().in_window)
        .collect();
    counts.sort();
    assert_eq!(counts, (1..=20).collect::<Vec<_>>());
    let n = s
        .throttle
        .fail("k", now, w, &|c| {
            (c.in_window > 20).then(|| chrono::Duration::seconds(30))
        })
        .await
        .unwrap();
    assert_eq!(n.in_window, 21);
    assert_eq!(n.in_a_row, 21);
    assert!(s
        .throttle
        .get("k")
        .await
        .unwrap()
        .unwrap()
        .locked_until
        .is_some());
    // A new window starts over; the count in a row goes on.
    let later = now + chrono::Duration::minutes(20);
    let c = s
        .throttle
        .fail("k", later, later - chrono::Duration::minutes(15), &|_| None)
        .await
        .unwrap();
    assert_eq!((c.in_window, c.in_a_row), (1, 22));
    assert_eq!(s.throttle.get("k").await.unwrap().unwrap().consecutive, 22);
    s.throttle.reset("k").await.unwrap();
    assert!(s.throttle.get("k").await.unwrap().is_none());
    // Cleanup: old windows go, except accounts' counts and long runs of names.
    let old = now - chrono::Duration::hours(2);
    let ow = old - chrono::Duration::minutes(15);
    s.throttle
        .fail("ip:10.0.0.9", old, ow, &|_| None)
        .await
        .unwrap();
    s.throttle
        .fail("user:someone", old, ow, &|_| None)
        .await
        .unwrap();
    s.throttle
        .fail("acct:short-run", old, ow, &|_| None)
        .await
        .unwrap();
    for _ in 0..10 {
        s.throttle
            .fail("acct:long-run", old, ow, &|_| None)
            .await
            .unwrap();
    }
    let gone = s
        .throttle
        .cleanup(
            now - chrono::Duration::minutes(30),
            "user:",
            10,
            now - chrono::Duration::days(30),
        )
        .await
        .unwrap();
    assert_eq!(gone, 2);
    assert!(s.throttle.get("ip:10.0.0.9").await.unwrap().is_none());
    assert!(s.throttle.get("acct:short-run").await.unwrap().is_none());
    assert!(s.throttle.get("user:someone").await.unwrap().is_some());
    assert!(s.throttle.get("acct:long-run").await.unwrap().is_some());
    // After 30 quiet days the long run of a name goes too; the account stays.
    let much_later = now + chrono::Duration::days(31);
    let gone = s
        .throttle
        .cleanup(
            much_later,
            "user:",
            10,
            much_later - chrono::Duration::days(30),
        )
        .await
        .unwrap();
    assert_eq!(gone, 1);
    assert!(s.throttle.get("user:someone").await.unwrap().is_some());
    s.db.close().await;
    db.drop_db().await;
}
both_engines!(throttle_counters_are_atomic, throttle_contract);

/// `Sessions::list` reads the same rows on both engines: every field, odd
/// text, absent analytics, flags, counts, and the two lists in their order.
async fn session_list_contract(engine: Engine, name: &str) {
    use vestibule::server::store::{ActivityDelta, NewActivity, NewSession};
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00.123456Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let Some((s, db, user)) = open_with_user(engine, name, "lister", t0).await else {
        return;
    };
    let odd = "Agent \"quoted\" \\ back\\slash </script> \u{e9}\u{4e2d}\u{1f600}\ttab";
    let ids: Vec<String> = (0..4).map(|_| new_id()).collect();
    for (i, id) in ids.iter().enumerate() {
        let full = i % 2 == 0;
        s.sessions
            .create(
                NewSession {
                    id,
                    user_id: &user,
                    token_hash: &format!("hash-{id}"),
                    client_ip: if full { "2001:db8::1" } else { "10.0.0.2" },
                    user_agent: full.then_some(odd),
                    device_fingerprint: Some("fp"),
                    location: full.then_some("Zürich, Switzerland"),
                    login_method: "password",
                    expires_at: t0 + chrono::Duration::days(30),
                    device_type: full.then_some("desktop"),
                    browser: full.then_some("Firefox 128"),
                    os: full.then_some("Linux"),
                    country: full.then_some("Switzerland"),
                    city: full.then_some("Zürich"),
                    security_score: if full { 40 } else { 100 },
                    suspicious: full,
                    now: t0 + chrono::Duration::minutes(i as i64),
                },
                true,
                &[],
            )
            .await
            .unwrap();
    }
    s.activity
        .record(&NewActivity {
            session_id: ids[0].clone(),
            user_id: user.clone(),
            activity_type: "sign_in",
            endpoint: None,
            method: None,
            client_ip: "2001:db8::1".into(),
            user_agent: None,
            request_id: None,
            response_status: Some(200),
            extra_data: Some(r#"{"signals":["new_device","new_country"]}"#.into()),
            now: t0,
        })
        .await
        .unwrap();
    s.sessions
        .flush_activity(&[(
            ids[1].clone(),
            ActivityDelta {
                requests: 41,
                last_activity: Some(t0 + chrono::Duration::hours(2)),
                ..Default::default()
            },
        )])
        .await
        .unwrap();
    assert!(s
        .sessions
        .revoke(
            &ids[2],
            &user,
            "revoked_by_user",
            t0 + chrono::Duration::hours(1)
        )
        .await
        .unwrap());
    assert!(s
        .sessions
        .revoke(&ids[3], &user, "logout", t0 + chrono::Duration::hours(3))
        .await
        .unwrap());
    let lists = s
        .sessions
        .list(&user, t0 - chrono::Duration::days(1))
        .await
        .unwrap();
    let live: Vec<&str> = lists.live.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        live,
        vec![ids[1].as_str(), ids[0].as_str()],
        "most recent activity first"
    );
    let ended: Vec<&str> = lists.ended.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ended,
        vec![ids[3].as_str(), ids[2].as_str()],
        "last ended first"
    );
    let full = &lists.live[1];
    assert_eq!(full.user_agent.as_deref(), Some(odd));
    assert_eq!(full.location.as_deref(), Some("Zürich, Switzerland"));
    assert_eq!(full.client_ip, "2001:db8::1");
    assert_eq!(
        full.created_at,
        Some(t0),
        "moments round-trip to the microsecond"
    );
    assert_eq!(full.last_activity, t0);
    assert_eq!(full.expires_at, t0 + chrono::Duration::days(30));
    assert!(full.suspicious_activity);
    assert_eq!(full.security_score, Some(40));
    assert_eq!(full.failed_actions, Some(0));
    assert_eq!(
        (
            full.browser.as_deref(),
            full.os.as_deref(),
            full.device_type.as_deref()
        ),
        (Some("Firefox 128"), Some("Linux"), Some("desktop"))
    );
    assert_eq!(
        (full.country.as_deref(), full.city.as_deref()),
        (Some("Switzerland"), Some("Zürich"))
    );
    assert_eq!(
        full.signals.as_deref(),
        Some(r#"{"signals":["new_device","new_country"]}"#)
    );
    assert_eq!(full.login_method.as_deref(), Some("password"));
    assert!(full.revoked_at.is_none() && full.revocation_reason.is_none());
    let bare = &lists.live[0];
    assert_eq!(bare.request_count, 42, "1 at sign-in and 41 flushed");
    assert_eq!(bare.last_activity, t0 + chrono::Duration::hours(2));
    assert!(!bare.suspicious_activity);
    assert!(bare.user_agent.is_none() && bare.location.is_none() && bare.browser.is_none());
    assert!(bare.signals.is_none());
    let gone = &lists.ended[1];
    assert_eq!(gone.revoked_at, Some(t0 + chrono::Duration::hours(1)));
    assert_eq!(gone.revocation_reason.as_deref(), Some("revoked_by_user"));
    // Another account sees none of them; nothing ended before `since`.
    assert!(s
        .sessions
        .list(&new_id(), t0)
        .await
        .map(|l| l.live.is_empty() && l.ended.is_empty())
        .unwrap());
    let later = s
        .sessions
        .list(&user, t0 + chrono::Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(later.ended.len(), 1);
    s.db.close().await;
    db.drop_db().await;
}
both_engines!(session_lists_read_the_same, session_list_contract);

/// Every change shows on the next read of the sessions list: one made
/// through the store, one committed by another connection (another
/// process or instance), and one that only moves `since`.
async fn session_list_sees_every_change(engine: Engine, name: &str) {
    use vestibule::server::store::NewSession;
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let Some((s, db, user)) = open_with_user(engine, name, "watcher", t0).await else {
        return;
    };
    let ids: Vec<String> = (0..3).map(|_| new_id()).collect();
    for id in &ids {
        s.sessions
            .create(
                NewSession {
                    id,
                    user_id: &user,
                    token_hash: &format!("hash-{id}"),
                    client_ip: "10.0.0.1",
                    user_agent: None,
                    device_fingerprint: None,
                    location: None,
                    login_method: "password",
                    expires_at: t0 + chrono::Duration::days(30),
                    device_type: None,
                    browser: None,
                    os: None,
                    country: None,
                    city: None,
                    security_score: 100,
                    suspicious: false,
                    now: t0,
                },
                true,
                &[],
            )
            .await
            .unwrap();
    }
    let since = t0 - chrono::Duration::days(30);
    let first = s.sessions.list(&user, since).await.unwrap();
    assert_eq!((first.live.len(), first.ended.len()), (3, 0));
    assert_eq!(
        s.sessions.list(&user, since).await.unwrap().live.len(),
        3,
        "the same answer twice"
    );
    // Through the store.
    assert!(s
        .sessions
        .revoke(&ids[0], &user, "revoked_by_user", t0)
        .await
        .unwrap());
    let second = s.sessions.list(&user, since).await.unwrap();
    assert_eq!((second.live.len(), second.ended.len()), (2, 1));
    // Committed by a connection the store does not know about.
    let outside = match engine {
        Engine::Sqlite => {
            let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&db.url)
                .await
                .unwrap();
            sqlx::query("UPDATE user_sessions SET request_count = 77 WHERE id = $1")
                .bind(&ids[1])
                .execute(&mut c)
                .await
                .unwrap()
                .rows_affected()
        }
        Engine::Postgres => {
            let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
                .await
                .unwrap();
            sqlx::query("UPDATE user_sessions SET request_count = 77 WHERE id = $1")
                .bind(&ids[1])
                .execute(&mut c)
                .await
                .unwrap()
                .rows_affected()
        }
    };
    assert_eq!(outside, 1);
    let third = s.sessions.list(&user, since).await.unwrap();
    let row = third.live.iter().find(|r| r.id == ids[1]).unwrap();
    assert_eq!(row.request_count, 77, "a commit from elsewhere shows");
    // Only `since` moves: the session ended at t0 drops out.
    let later = s
        .sessions
        .list(&user, t0 + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!((later.live.len(), later.ended.len()), (2, 0));
    // And an earlier `since` again brings it back.
    assert_eq!(s.sessions.list(&user, since).await.unwrap().ended.len(), 1);
    s.db.close().await;
    db.drop_db().await;
}
both_engines!(
    session_lists_see_every_change,
    session_list_sees_every_change
);

/// A session of `user` made at `at` with token hash `hash`.
fn session<'a>(
    id: &'a str,
    user: &'a str,
    hash: &'a str,
    at: chrono::DateTime<chrono::Utc>,
    expires: chrono::DateTime<chrono::Utc>,
) -> vestibule::server::store::NewSession<'a> {
    vestibule::server::store::NewSession {
        id,
        user_id: user,
        token_hash: hash,
        client_ip: "10.0.0.1",
        user_agent: Some("test"),
        device_fingerprint: Some("desktop|Firefox|Linux"),
        location: None,
        login_method: "password",
        expires_at: expires,
        device_type: Some("desktop"),
        browser: Some("Firefox"),
        os: Some("Linux"),
        country: Some("France"),
        city: None,
        security_score: 100,
        suspicious: false,
        now: at,
    }
}

/// Sessions: made with their events in one transaction, found by token,
/// rotated, ended one or all-but-one (analytics closed), expired, and the
/// facts the sign-in rules read.
async fn sessions_contract(engine: Engine, name: &str) {
    use vestibule::server::store::{HistoryQuery, NewActivity};
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let Some((s, db, user)) = open_with_user(engine, name, "sess", t0).await else {
        return;
    };
    let sessions = &s.sessions;
    let ids: Vec<String> = (0..3).map(|_| new_id()).collect();
    let event = NewActivity {
        session_id: ids[0].clone(),
        user_id: user.clone(),
        activity_type: "sign_in",
        endpoint: Some("/api/login".into()),
        method: Some("POST".into()),
        client_ip: "10.0.0.1".into(),
        user_agent: None,
        request_id: Some("r1".into()),
        response_status: Some(200),
        extra_data: None,
        now: t0,
    };
    for (i, id) in ids.iter().enumerate() {
        let events = if i == 0 { vec![event.clone()] } else { vec![] };
        sessions
            .create(
                session(
                    id,
                    &user,
                    &format!("hash-{i}"),
                    t0,
                    t0 + chrono::Duration::hours(12),
                ),
                true,
                &events,
            )
            .await
            .unwrap();
    }
    // A failed attempt is a session that never got a cookie.
    let failed = new_id();
    sessions
        .create(session(&failed, &user, "hash-failed", t0, t0), false, &[])
        .await
        .unwrap();
    assert!(sessions
        .by_token_hash("hash-failed")
        .await
        .unwrap()
        .is_none());
    let (row, u) = sessions.by_token_hash("hash-0").await.unwrap().unwrap();
    assert_eq!(
        (row.session_id.as_str(), u.id.as_str()),
        (ids[0].as_str(), user.as_str())
    );
    assert_eq!(row.created_at, Some(t0));
    assert!(row.user_active && !row.user_deleted);
    assert_eq!(u.last_login, Some(t0), "the sign-in sets last_login");
    let timeline = s
        .activity
        .timeline(vestibule::server::store::TimelineQuery {
            user_id: &user,
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(timeline.len(), 1, "the event was written with the session");
    // Rotation keeps the session and its lifetime, and the old hash is dead.
    let life = sessions.rotate_token(&ids[0], "hash-0b", t0).await.unwrap();
    assert_eq!(life, Some((Some(t0), t0 + chrono::Duration::hours(12))));
    assert!(sessions.by_token_hash("hash-0").await.unwrap().is_none());
    assert!(sessions.by_token_hash("hash-0b").await.unwrap().is_some());
    // Someone else's id ends nothing.
    assert!(!sessions
        .revoke(&ids[1], &new_id(), "revoked_by_user", t0)
        .await
        .unwrap());
    assert!(sessions
        .revoke(&ids[1], &user, "revoked_by_user", t0)
        .await
        .unwrap());
    assert!(!sessions
        .revoke(&ids[1], &user, "revoked_by_user", t0)
        .await
        .unwrap());
    // All but one.
    let n = sessions
        .revoke_others(&user, Some(&ids[0]), "password_changed", t0)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let lists = sessions
        .list(&user, t0 - chrono::Duration::days(1))
        .await
        .unwrap();
    assert_eq!(lists.live.len(), 1);
    assert_eq!(lists.ended.len(), 2, "failed attempts are not listed");
    // Expiry: candidates past their end or idle, then marked.
    let later = t0 + chrono::Duration::hours(13);
    let candidates = sessions.expiry_candidates(later, later).await.unwrap();
    assert_eq!(candidates.len(), 1);
    sessions.expire(&ids[0], later).await.unwrap();
    assert!(sessions.by_token_hash("hash-0b").await.unwrap().is_none());
    assert!(sessions
        .expiry_candidates(later, later)
        .await
        .unwrap()
        .is_empty());
    let reason = |id: &str| {
        let id = id.to_string();
        let url = db.url.clone();
        async move {
            let app_sql = "SELECT revocation_reason FROM user_sessions WHERE id = $1";
            if url.starts_with("sqlite:") {
                let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
                    .await
                    .unwrap();
                sqlx::query_scalar::<_, String>(app_sql)
                    .bind(&id)
                    .fetch_one(&mut c)
                    .await
                    .unwrap()
            } else {
                let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
                    .await
                    .unwrap();
                sqlx::query_scalar::<_, String>(app_sql)
                    .bind(&id)
                    .fetch_one(&mut c)
                    .await
                    .unwrap()
            }
        }
    };
    assert_eq!(reason(&ids[0]).await, "expired");
    assert_eq!(reason(&ids[2]).await, "password_changed");
    assert_eq!(reason(&failed).await, "failed_sign_in");
    // What the sign-in rules read.
    let h = sessions
        .sign_in_history(HistoryQuery {
            user_id: &user,
            fingerprint: "desktop|Firefox|Linux",
            country: Some("Japan"),
            failures_since: t0 - chrono::Duration::hours(1),
            sessions_since: t0 - chrono::Duration::minutes(10),
        })
        .await
        .unwrap();
    assert_eq!(
        (
            h.earlier_sessions,
            h.same_device,
            h.countries_known,
            h.same_country,
            h.recent_failures,
            h.recent_sessions
        ),
        (1, 1, 1, 0, 1, 3)
    );
    s.db.close().await;
    db.drop_db().await;
}
both_engines!(sessions_behave_the_same, sessions_contract);

/// The timeline: filters, one session, keyset pages without gaps or
/// repeats, and the sign-in moments of the chart.
async fn activity_contract(engine: Engine, name: &str) {
    use vestibule::server::store::{NewActivity, TimelineQuery};
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let Some((s, db, user)) = open_with_user(engine, name, "act", t0).await else {
        return;
    };
    let sid = new_id();
    let other_sid = new_id();
    for (i, id) in [&sid, &other_sid].into_iter().enumerate() {
        let hash = format!("h{i}");
        s.sessions
            .create(
                session(id, &user, &hash, t0, t0 + chrono::Duration::days(1)),
                true,
                &[],
            )
            .await
            .unwrap();
    }
    let kinds = ["sign_in", "profile_updated", "sign_in_failed"];
    for i in 0..30 {
        s.activity
            .record(&NewActivity {
                session_id: if i % 3 == 0 {
                    other_sid.clone()
                } else {
                    sid.clone()
                },
                user_id: user.clone(),
                activity_type: kinds[i % 3],
                endpoint: Some("x".repeat(300)),
                method: None,
                client_ip: "10.0.0.1".into(),
                user_agent: Some("<ua>".into()),
                request_id: None,
                response_status: Some(200),
                extra_data: Some(r#"{"group":"g"}"#.into()),
                // Two events share each moment: the id breaks the tie.
                now: t0 + chrono::Duration::seconds((i / 2) as i64),
            })
            .await
            .unwrap();
    }
    let page = |before: Option<(chrono::DateTime<chrono::Utc>, String)>| {
        s.activity.timeline(TimelineQuery {
            user_id: &user,
            before,
            limit: 7,
            ..Default::default()
        })
    };
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let rows = page(before.clone()).await.unwrap();
        if rows.is_empty() {
            break;
        }
        let last = rows.last().unwrap();
        before = Some((last.created_at.unwrap(), last.id.clone()));
        seen.extend(rows.into_iter().map(|r| (r.created_at, r.id)));
    }
    assert_eq!(seen.len(), 30, "every event once");
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, ties by id");
    let failed = s
        .activity
        .timeline(TimelineQuery {
            user_id: &user,
            kinds: Some(&["sign_in_failed"]),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(failed.len(), 10);
    assert!(failed.iter().all(|r| r.activity_type == "sign_in_failed"));
    let one = s
        .activity
        .timeline(TimelineQuery {
            user_id: &user,
            session: Some(&other_sid),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(one.len(), 10);
    assert_eq!(
        one[0].endpoint.as_deref().map(|e| e.len()),
        Some(255),
        "clipped to the column"
    );
    assert_eq!(one[0].user_agent.as_deref(), Some("<ua>"));
    let times = s.activity.sign_in_times(&user, t0).await.unwrap();
    assert_eq!(times.len(), 10);
    assert!(s
        .activity
        .sign_in_times(&user, t0 + chrono::Duration::hours(1))
        .await
        .unwrap()
        .is_empty());
    s.db.close().await;
    db.drop_db().await;
}
both_engines!(the_timeline_reads_the_same, activity_contract);

/// Groups: creation with its limit and unique names, membership under the
/// rules the store enforces itself (capacity, requests, one owner), editing,
/// browsing and search, deletion, and the generation that tells the page
/// cache a listing changed.
async fn groups_contract(engine: Engine, name: &str) {
    use vestibule::server::store::{
        GroupEdit, GroupQuery, GroupSort, MembershipOutcome as M, NewGroup,
    };
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let Some((s, db, owner)) = open_with_user(engine, name, "owner", t0).await else {
        return;
    };
    let mut people = Vec::new();
    for n in ["ann", "ben", "cat"] {
        let id = new_id();
        s.users
            .create(NewUser {
                id: &id,
                username: n,
                email: &format!("{n}@example.com"),
                hashed_password: "h",
                now: t0,
            })
            .await
            .unwrap();
        people.push(id);
    }
    let g = &s.groups;
    let tags = vec!["rust".to_string(), "berlin".to_string()];
    let new = |id: &'static str, name: &'static str, slug: &'static str, open: bool| NewGroup {
        id,
        name,
        slug,
        description: Some("About café things"),
        is_public: true,
        is_open: open,
        is_system: false,
        max_members: Some(2),
        group_type: "community",
        tags: &tags,
        tags_joined: Some("rust, berlin"),
        settings: "{}",
        owner_id: &owner,
        search_body: "cafe lovers about cafe things rust berlin",
        owned_limit: Some(2),
        now: t0,
    };
    let gen0 = g.generation();
    g.create(&[new("g-open", "Café Lovers", "cafe-lovers", true)])
        .await
        .unwrap();
    assert!(g.generation() > gen0, "a creation bumps the generation");
    assert!(
        matches!(
            g.create(&[new("g-dup", "CAFé LOVERS", "other-slug", true)])
                .await,
            Err(StoreError::Conflict(_))
        ),
        "names are unique ignoring case"
    );
    assert!(matches!(
        g.create(&[new("g-dup2", "Another", "cafe-lovers", true)]).await,
        Err(StoreError::Conflict(w)) if w.contains("slug")
    ));
    g.create(&[new("g-closed", "Closed Club", "closed-club", false)])
        .await
        .unwrap();
    assert!(matches!(
        g.create(&[new("g-third", "Third", "third", true)]).await,
        Err(StoreError::Conflict(w)) if w == "owned_limit"
    ));
    assert_eq!(g.owned_count(&owner).await.unwrap(), 2);
    let found = g.find("cafe-lovers").await.unwrap().unwrap();
    assert_eq!(
        (found.owner_username.as_str(), found.member_count),
        ("owner", 1)
    );
    // Capacity: max 2, the owner is one.
    assert_eq!(g.join("g-open", &people[0], t0).await.unwrap(), M::Done);
    assert_eq!(g.join("g-open", &people[1], t0).await.unwrap(), M::Full);
    assert_eq!(
        g.join("g-closed", &people[1], t0).await.unwrap(),
        M::Full,
        "closed groups are not joined"
    );
    // Requests: asked, asked again, denied, asked, approved.
    assert_eq!(
        g.request("g-closed", &people[1], Some("<hi>"), t0)
            .await
            .unwrap(),
        M::Done
    );
    assert_eq!(
        g.request("g-closed", &people[1], None, t0).await.unwrap(),
        M::AlreadyRequested
    );
    assert_eq!(
        g.request("g-open", &people[2], None, t0).await.unwrap(),
        M::NotAllowed
    );
    let waiting = g.members("g-closed", true, 10).await.unwrap();
    assert_eq!(
        (waiting.len(), waiting[0].answer.as_deref()),
        (1, Some("<hi>"))
    );
    assert!(g.drop_request("g-closed", &people[1]).await.unwrap());
    assert!(!g.drop_request("g-closed", &people[1]).await.unwrap());
    g.request("g-closed", &people[1], None, t0).await.unwrap();
    assert_eq!(
        g.approve("g-closed", &people[1], &owner, t0).await.unwrap(),
        M::Done
    );
    assert_eq!(
        g.approve("g-closed", &people[2], &owner, t0).await.unwrap(),
        M::Full,
        "full first"
    );
    let m = g.membership("g-closed", &people[1]).await.unwrap().unwrap();
    assert_eq!(
        (m.role_in_group.as_deref(), m.is_active),
        (Some("member"), true)
    );
    // Roles: only while the caller owns it; never the owner's own row.
    assert!(!g
        .set_role("g-open", &people[0], &people[0], "admin", t0)
        .await
        .unwrap());
    assert!(g
        .set_role("g-open", &owner, &people[0], "admin", t0)
        .await
        .unwrap());
    assert!(!g
        .set_role("g-open", &owner, &owner, "member", t0)
        .await
        .unwrap());
    assert!(!g
        .set_role("g-open", &owner, &people[0], "owner", t0)
        .await
        .unwrap());
    // Hand-over: exactly one owner, the old one stays as admin.
    assert!(g.transfer("g-open", &owner, &people[0], t0).await.unwrap());
    assert!(
        !g.transfer("g-open", &owner, &people[0], t0).await.unwrap(),
        "no longer the owner"
    );
    let c = g.counts("g-open").await.unwrap();
    assert_eq!(
        (
            c.member_count,
            c.active_members,
            c.owner_rows,
            c.matching_owner_rows
        ),
        (2, 2, 1, 1)
    );
    let members = g.members("g-open", false, 10).await.unwrap();
    assert_eq!(members[0].user_id, people[0], "the owner first");
    // Leaving: admins and members; the count follows.
    assert!(
        !g.end_membership("g-open", &people[0], &["admin", "member"], t0)
            .await
            .unwrap(),
        "never the owner"
    );
    assert!(g
        .end_membership("g-open", &owner, &["admin"], t0)
        .await
        .unwrap());
    assert_eq!(g.counts("g-open").await.unwrap().member_count, 1);
    // Editing: below the count is refused; search follows the new text.
    let edit = |max: Option<i32>| GroupEdit {
        name: "Tea Lovers",
        description: None,
        is_public: true,
        is_open: true,
        max_members: max,
        group_type: "team",
        tags: &tags,
        tags_joined: Some("rust, berlin"),
        settings: "{}",
        search_body: "tea lovers rust berlin",
        now: t0,
    };
    assert!(
        matches!(g.update("g-closed", edit(Some(1))).await, Err(StoreError::Conflict(w)) if w == "max_members")
    );
    let gen1 = g.generation();
    g.update("g-open", edit(None)).await.unwrap();
    assert!(g.generation() > gen1);
    let browse = |words: &[&str], viewer: Option<&str>| GroupQuery {
        viewer: viewer.map(str::to_string),
        words: words.iter().map(|w| w.to_string()).collect(),
        sort: GroupSort::Name,
        limit: 10,
        ..Default::default()
    };
    let names = |rows: Vec<vestibule::server::store::GroupListRow>| {
        rows.into_iter().map(|r| r.name).collect::<Vec<_>>()
    };
    assert_eq!(
        names(g.browse(&browse(&["tea"], None)).await.unwrap()),
        ["Tea Lovers"]
    );
    assert!(g
        .browse(&browse(&["cafe"], None))
        .await
        .unwrap()
        .iter()
        .all(|r| r.name != "Tea Lovers"));
    assert_eq!(
        names(g.browse(&browse(&["rus"], None)).await.unwrap()).len(),
        2,
        "a prefix matches"
    );
    let tagged = GroupQuery {
        tag: Some("berlin".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(g.browse(&tagged).await.unwrap().len(), 2);
    // Deletion: only the owner; the group leaves every list.
    assert!(!g.delete("g-open", &owner, t0).await.unwrap());
    assert!(g.delete("g-open", &people[0], t0).await.unwrap());
    assert!(g.find("tea-lovers").await.unwrap().is_none());
    assert!(g.find("cafe-lovers").await.unwrap().is_none());
    assert_eq!(
        names(g.browse(&browse(&[], None)).await.unwrap()),
        ["Closed Club"]
    );
    // Seeding adds memberships without checks.
    g.seed_members(&[("g-closed".into(), people[0].clone(), "admin")], t0)
        .await
        .unwrap();
    assert_eq!(g.counts("g-closed").await.unwrap().member_count, 3);
    s.db.close().await;
    db.drop_db().await;
}
both_engines!(groups_behave_the_same, groups_contract);

/// Many reads and writes at once queue inside the store on SQLite (one
/// writer, a few readers): none fails with "database is locked" (R3).
async fn concurrent_use(engine: Engine, name: &str) {
    let t0 = chrono::Utc::now();
    let Some((s, db, user)) = open_with_user(engine, name, "busy", t0).await else {
        return;
    };
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let s = s.clone();
            let user = user.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    s.users.find(&user).await.map(|u| u.is_some())
                } else {
                    s.throttle
                        .fail(&format!("k{}", i % 5), t0, t0, &|_| None)
                        .await
                        .map(|_| true)
                }
            })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap().unwrap());
    }
    s.db.close().await;
    assert!(!s.db.ping().await, "a closed store answers no more");
    db.drop_db().await;
}
both_engines!(concurrent_reads_and_writes_queue, concurrent_use);
