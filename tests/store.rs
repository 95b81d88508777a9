//! The store contract, run against both engines: the same calls give the
//! same answers on SQLite and PostgreSQL.

use crate::both_engines;
use crate::helpers::*;
use vestibule::server::store::{new_id, NewUser, Store};

async fn open(engine: Engine, name: &str) -> Option<(Store, TestDb)> {
    let db = TestDb::new(engine, name).await?;
    let s = Store::connect(&db.url, 4).await.unwrap();
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
    s.create_user(NewUser {
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
    s.create_user(NewUser {
        id: &id,
        username: "Alice",
        email: "Alice@Example.com",
        hashed_password: "h",
        now,
    })
    .await
    .unwrap();
    let u = s.find_user_by_login("alice").await.unwrap().unwrap();
    assert_eq!((u.id.as_str(), u.username.as_str()), (id.as_str(), "Alice"));
    assert_eq!(u.created_at, Some(now), "timestamps round-trip exactly");
    assert!(s
        .find_user_by_login("ALICE@example.COM")
        .await
        .unwrap()
        .is_some());
    assert!(s.find_user_by_login("bob").await.unwrap().is_none());
    let dup = s
        .create_user(NewUser {
            id: &new_id(),
            username: "ALICE",
            email: "x@example.com",
            hashed_password: "h",
            now,
        })
        .await;
    assert_eq!(
        dup.as_ref()
            .err()
            .and_then(vestibule::server::store::conflict_field),
        Some("username"),
        "{dup:?}"
    );
    let dup = s
        .create_user(NewUser {
            id: &new_id(),
            username: "carol",
            email: "alice@example.COM",
            hashed_password: "h",
            now,
        })
        .await;
    assert_eq!(
        dup.as_ref()
            .err()
            .and_then(vestibule::server::store::conflict_field),
        Some("email"),
        "{dup:?}"
    );
    assert!(s.email_taken("ALICE@EXAMPLE.COM", "other").await.unwrap());
    assert!(!s.email_taken("alice@example.com", &id).await.unwrap());
    assert_eq!(s.owned_group_count(&id).await.unwrap(), 0);
    assert!(s.ping().await);
    s.close().await;
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
        .map(|_| s.throttle_fail("k", now, w, |_| None))
        .collect();
    let mut counts: Vec<i32> = futures::future::join_all(futs)
        .await
        .into_iter()
        .map(|r| r.unwrap().in_window)
        .collect();
    counts.sort();
    assert_eq!(counts, (1..=20).collect::<Vec<_>>());
    let n = s
        .throttle_fail("k", now, w, |c| {
            (c.in_window > 20).then(|| chrono::Duration::seconds(30))
        })
        .await
        .unwrap();
    assert_eq!(n.in_window, 21);
    assert_eq!(n.in_a_row, 21);
    assert!(s
        .throttle_get("k")
        .await
        .unwrap()
        .unwrap()
        .locked_until
        .is_some());
    // A new window starts over; the count in a row goes on.
    let later = now + chrono::Duration::minutes(20);
    let c = s
        .throttle_fail("k", later, later - chrono::Duration::minutes(15), |_| None)
        .await
        .unwrap();
    assert_eq!((c.in_window, c.in_a_row), (1, 22));
    assert_eq!(s.throttle_get("k").await.unwrap().unwrap().consecutive, 22);
    s.throttle_reset("k").await.unwrap();
    assert!(s.throttle_get("k").await.unwrap().is_none());
    // Cleanup: old windows go, except accounts' counts and long runs of names.
    let old = now - chrono::Duration::hours(2);
    let ow = old - chrono::Duration::minutes(15);
    s.throttle_fail("ip:10.0.0.9", old, ow, |_| None)
        .await
        .unwrap();
    s.throttle_fail("user:someone", old, ow, |_| None)
        .await
        .unwrap();
    s.throttle_fail("acct:short-run", old, ow, |_| None)
        .await
        .unwrap();
    for _ in 0..10 {
        s.throttle_fail("acct:long-run", old, ow, |_| None)
            .await
            .unwrap();
    }
    let gone = s
        .throttle_cleanup(
            now - chrono::Duration::minutes(30),
            "user:",
            10,
            now - chrono::Duration::days(30),
        )
        .await
        .unwrap();
    assert_eq!(gone, 2);
    assert!(s.throttle_get("ip:10.0.0.9").await.unwrap().is_none());
    assert!(s.throttle_get("acct:short-run").await.unwrap().is_none());
    assert!(s.throttle_get("user:someone").await.unwrap().is_some());
    assert!(s.throttle_get("acct:long-run").await.unwrap().is_some());
    // After 30 quiet days the long run of a name goes too; the account stays.
    let much_later = now + chrono::Duration::days(31);
    let gone = s
        .throttle_cleanup(
            much_later,
            "user:",
            10,
            much_later - chrono::Duration::days(30),
        )
        .await
        .unwrap();
    assert_eq!(gone, 1);
    assert!(s.throttle_get("user:someone").await.unwrap().is_some());
    s.close().await;
    db.drop_db().await;
}
both_engines!(throttle_counters_are_atomic, throttle_contract);

/// The SQLite readers (kept without sqlx's pool): more concurrent reads than
/// readers wait their turn, a query that fails on its own SQL leaves its
/// reader usable, and a closed set refuses with an error instead of hanging.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_readers_queue_recover_and_close() {
    use sqlx::sqlite::SqliteConnectOptions;
    use std::str::FromStr;
    use vestibule::server::store::Readers;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/r.db", dir.path().display());
    let opts = SqliteConnectOptions::from_str(&url)
        .unwrap()
        .create_if_missing(true);
    let readers = Readers::open(opts, 2, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    let bad = sqlx::query("SELECT * FROM no_such_table")
        .fetch_all(&readers)
        .await;
    assert!(bad.is_err(), "a query on a missing table fails");
    let tasks: Vec<_> = (0..40i64)
        .map(|i| {
            let r = readers.clone();
            tokio::spawn(async move {
                sqlx::query_scalar::<_, i64>("SELECT $1 + 1")
                    .bind(i)
                    .fetch_one(&r)
                    .await
            })
        })
        .collect();
    for (i, t) in tasks.into_iter().enumerate() {
        assert_eq!(t.await.unwrap().unwrap(), i as i64 + 1);
    }
    let none: Option<i64> = sqlx::query_scalar("SELECT 1 WHERE 0")
        .fetch_optional(&readers)
        .await
        .unwrap();
    assert_eq!(none, None);
    readers.close().await;
    let closed = sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&readers)
        .await;
    assert!(matches!(closed, Err(sqlx::Error::PoolClosed)), "{closed:?}");
}

/// `session_list` reads the same rows on both engines (SQLite hands them
/// over as one JSON value): every field, text that JSON must escape, absent
/// analytics, flags, counts, and the two lists in their order.
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
        s.create_session(
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
        )
        .await
        .unwrap();
    }
    s.record_activity(&NewActivity {
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
    s.flush_activity(&[(
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
        .revoke_session(
            &ids[2],
            &user,
            "revoked_by_user",
            t0 + chrono::Duration::hours(1)
        )
        .await
        .unwrap());
    assert!(s
        .revoke_session(&ids[3], &user, "logout", t0 + chrono::Duration::hours(3))
        .await
        .unwrap());
    let lists = s
        .session_list(&user, t0 - chrono::Duration::days(1))
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
        .session_list(&new_id(), t0)
        .await
        .map(|l| l.live.is_empty() && l.ended.is_empty())
        .unwrap());
    let later = s
        .session_list(&user, t0 + chrono::Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(later.ended.len(), 1);
    s.close().await;
    db.drop_db().await;
}
both_engines!(session_lists_read_the_same, session_list_contract);

/// The sessions page's rows are kept between requests on SQLite; every
/// change shows on the next read: one made through the store, one committed
/// by another connection (another process), and one that only moves `since`.
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
        s.create_session(
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
        )
        .await
        .unwrap();
    }
    let since = t0 - chrono::Duration::days(30);
    let first = s.session_list(&user, since).await.unwrap();
    assert_eq!((first.live.len(), first.ended.len()), (3, 0));
    assert_eq!(
        s.session_list(&user, since).await.unwrap().live.len(),
        3,
        "the same answer twice"
    );
    // Through the store.
    assert!(s
        .revoke_session(&ids[0], &user, "revoked_by_user", t0)
        .await
        .unwrap());
    let second = s.session_list(&user, since).await.unwrap();
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
    let third = s.session_list(&user, since).await.unwrap();
    let row = third.live.iter().find(|r| r.id == ids[1]).unwrap();
    assert_eq!(row.request_count, 77, "a commit from elsewhere shows");
    // Only `since` moves: the session ended at t0 drops out.
    let later = s
        .session_list(&user, t0 + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!((later.live.len(), later.ended.len()), (2, 0));
    // And an earlier `since` again brings it back.
    assert_eq!(s.session_list(&user, since).await.unwrap().ended.len(), 1);
    s.close().await;
    db.drop_db().await;
}
both_engines!(
    session_lists_see_every_change,
    session_list_sees_every_change
);
