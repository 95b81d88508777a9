//! Accounts over HTTP on both engines: registration, sign-in, sessions,
//! profile, email, password, deletion (SECURITY.md S1–S22, S26–S27, S32–S35).

use crate::both_engines;
use crate::helpers::*;
use vestibule::server::tokens::token_hash;

async fn user_row(app: &TestApp, username: &str) -> vestibule::server::store::UserRow {
    app.state()
        .store
        .users
        .find_by_login(username)
        .await
        .unwrap()
        .unwrap()
}

async fn registration(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("reg");
    let r = app
        .call(
            "register",
            &[
                ("username", &u),
                ("email", &format!("{u}@example.com")),
                ("password", PW),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // S13: cookie flags.
    let set = r.set_cookie_header().unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set.contains(flag), "{set}");
    }
    assert!(!set.contains("Domain"), "{set}");
    let token = r.session_cookie().unwrap();
    assert_eq!(app.whoami(&token).await.as_deref(), Some(u.as_str()));
    // S6: argon2id with the required parameters; same password, different hash.
    let row = user_row(&app, &u).await;
    let hash = row.hashed_password.clone().unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    let u2 = unique("reg");
    app.register(&u2, &format!("{u2}@example.com"), PW).await;
    assert_ne!(user_row(&app, &u2).await.hashed_password.unwrap(), hash);
    // S14: only the SHA-256 of the token is stored; the stored value is no cookie.
    let found = app
        .state()
        .store
        .sessions
        .by_token_hash(&token_hash(&token))
        .await
        .unwrap();
    assert!(found.is_some());
    assert!(app
        .state()
        .store
        .sessions
        .by_token_hash(&token)
        .await
        .unwrap()
        .is_none());
    assert_eq!(app.whoami(&token_hash(&token)).await, None);
    // Case-insensitive uniqueness of username and email; field errors.
    let r = app
        .call(
            "register",
            &[
                ("username", &u.to_uppercase()),
                ("email", "other@example.com"),
                ("password", PW),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("username taken") || r.body.contains("This username is taken"),
        "{}",
        r.body
    );
    let u3 = unique("reg");
    let r = app
        .call(
            "register",
            &[
                ("username", &u3),
                ("email", &format!("{}@EXAMPLE.com", u.to_uppercase())),
                ("password", PW),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("already exists"), "{}", r.body);
    // Verification mail went out with a link built from the public URL.
    let mail = app.mail_to(&format!("{u}@example.com")).await;
    let link = link_in(&mail, &format!("{}/verify-email?token=", app.base));
    assert!(!user_row(&app, &u).await.email_verified);
    let token_param = link.split("token=").nth(1).unwrap();
    let r = app
        .call("confirm_email", &[("token", token_param)], None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let row = user_row(&app, &u).await;
    assert!(row.email_verified && row.is_verified);
    let r = app
        .call("confirm_email", &[("token", "forged.token")], None)
        .await;
    assert_eq!(r.status, 400);
    app.stop().await;
}
both_engines!(registration_signs_in_hashes_and_verifies, registration);

async fn password_rules(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("pw");
    for (pw, why) in [
        ("short", "too short"),
        ("password1", "common"),
        ("12345678", "common"),
        (&format!("{u}123") as &str, "username"),
    ] {
        let r = app
            .call(
                "register",
                &[
                    ("username", &u),
                    ("email", &format!("{u}@example.com")),
                    ("password", pw),
                ],
                None,
            )
            .await;
        assert_eq!(r.status, 422, "{why}: {}", r.body);
        assert!(
            app.state()
                .store
                .users
                .find_by_login(&u)
                .await
                .unwrap()
                .is_none(),
            "nothing created ({why})"
        );
    }
    let too_long = "é".repeat(129);
    let r = app
        .call(
            "register",
            &[
                ("username", &u),
                ("email", &format!("{u}@example.com")),
                ("password", &too_long),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, 422);
    // S2: no truncation. 100 characters (with spaces and Unicode) work; 99 do not.
    let long: String = "Zürich tram 7 leaves at dawn; "
        .repeat(4)
        .chars()
        .take(100)
        .collect();
    assert_eq!(long.chars().count(), 100);
    app.register(&u, &format!("{u}@example.com"), &long).await;
    assert_eq!(app.login(&u, &long).await.status, 200);
    let minus_one: String = long.chars().take(99).collect();
    assert_eq!(app.login(&u, &minus_one).await.status, 401);
    // S32: one character over a limit is a field error, nothing truncated.
    let u4 = "a".repeat(101);
    let r = app
        .call(
            "register",
            &[
                ("username", &u4),
                ("email", "x@example.com"),
                ("password", PW),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("at most 100"), "{}", r.body);
    app.stop().await;
}
both_engines!(password_and_field_rules_hold, password_rules);

async fn generic_failures(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let (good, disabled, deleted) = (unique("ok"), unique("dis"), unique("del"));
    for u in [&good, &disabled, &deleted] {
        app.register(u, &format!("{u}@example.com"), PW).await;
    }
    let s = &app.state().store;
    let dis = user_row(&app, &disabled).await;
    s.users
        .set_active(&dis.id, false, app.state().now())
        .await
        .unwrap();
    let del_cookie = app.login(&deleted, PW).await.session_cookie().unwrap();
    let r = app
        .call(
            "delete_account",
            &[("current_password", PW)],
            Some(&del_cookie),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let unknown = app.login("nobody-here", PW).await;
    let wrong = app.login(&good, "wrong-password-here").await;
    let dis_r = app.login(&disabled, PW).await;
    let del_r = app.login(&deleted, PW).await;
    for r in [&wrong, &dis_r, &del_r] {
        assert_eq!((r.status, &r.body), (unknown.status, &unknown.body));
    }
    assert_eq!(unknown.status, 401);
    assert!(unknown.body.contains("BadCredentials"), "{}", unknown.body);
    // Sign in by email, ignoring case.
    assert_eq!(
        app.login(&format!("{}@EXAMPLE.COM", good.to_uppercase()), PW)
            .await
            .status,
        200
    );
    // S9: comparable timing for unknown and known accounts.
    let time = |login: String| {
        let app = &app;
        async move {
            let t = std::time::Instant::now();
            app.login(&login, "wrong-password-here").await;
            t.elapsed()
        }
    };
    // Other tests share the two cores, so one sample is noise: interleave
    // three of each and compare the fastest, which is the hash cost itself.
    // Each known sample uses a fresh account so throttling stays out of it.
    let (mut known, mut unknown_t) = (std::time::Duration::MAX, std::time::Duration::MAX);
    for _ in 0..3 {
        let k = unique("tim");
        app.register(&k, &format!("{k}@example.com"), PW).await;
        known = known.min(time(k).await);
        unknown_t = unknown_t.min(time(unique("ghost")).await);
    }
    let ratio = known.as_secs_f64() / unknown_t.as_secs_f64();
    assert!(
        (0.33..3.0).contains(&ratio),
        "known {known:?} vs unknown {unknown_t:?}"
    );
    app.stop().await;
}
both_engines!(failures_look_the_same_for_every_reason, generic_failures);

async fn sessions(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("ses");
    let first = app.register(&u, &format!("{u}@example.com"), PW).await;
    // S15: a planted cookie is worthless; sign-in issues a new token.
    let planted = vestibule::server::tokens::SessionToken::generate()
        .expose()
        .to_string();
    assert_eq!(app.whoami(&planted).await, None);
    let r = app
        .call("login", &[("login", &u), ("password", PW)], Some(&planted))
        .await;
    let second = r.session_cookie().unwrap();
    assert_ne!(second, planted);
    assert_eq!(app.whoami(&second).await.as_deref(), Some(u.as_str()));
    // S16: sign-out is enforced on the server.
    let r = app.call("logout", &[], Some(&second)).await;
    assert_eq!(r.status, 200);
    assert_eq!(app.whoami(&second).await, None);
    assert_eq!(app.whoami(&first).await.as_deref(), Some(u.as_str()));
    // S17: idle timeout (30 minutes) by the injectable clock.
    app.clock.advance(chrono::Duration::minutes(29));
    assert!(
        app.whoami(&first).await.is_some(),
        "activity keeps it alive"
    );
    app.flush().await;
    app.clock.advance(chrono::Duration::minutes(31));
    assert_eq!(app.whoami(&first).await, None, "idle too long");
    // "Keep me signed in" lasts days, but not past 30.
    let r = app
        .call(
            "login",
            &[("login", &u), ("password", PW), ("remember", "on")],
            None,
        )
        .await;
    assert!(r.set_cookie_header().unwrap().contains("Max-Age="));
    let kept = r.session_cookie().unwrap();
    app.clock.advance(chrono::Duration::days(6));
    assert!(app.whoami(&kept).await.is_some());
    for _ in 0..5 {
        app.flush().await;
        app.clock.advance(chrono::Duration::days(6));
        let _ = app.whoami(&kept).await;
    }
    assert_eq!(app.whoami(&kept).await, None, "absolute lifetime");
    // Counters add up after the flush.
    let r = app.login(&u, PW).await;
    let c = r.session_cookie().unwrap();
    let calls = 20;
    let futs: Vec<_> = (0..calls).map(|_| app.get("/account", Some(&c))).collect();
    futures::future::join_all(futs).await;
    app.flush().await;
    let row = app
        .state()
        .store
        .sessions
        .by_token_hash(&token_hash(&c))
        .await
        .unwrap()
        .unwrap()
        .0;
    // The background flush may hold part of the counts in a transaction; wait for it.
    let mut count = 0;
    for _ in 0..40 {
        app.flush().await;
        count = app
            .query_i64(
                "SELECT CAST(request_count AS BIGINT) FROM user_sessions WHERE id = $1",
                &[&row.session_id],
            )
            .await as i32;
        let retried = app.retries.load(std::sync::atomic::Ordering::SeqCst) as i32;
        if count >= 1 + calls + retried {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // A render retried after a stall (tests/helpers.rs) was a request too.
    let retried = app.retries.load(std::sync::atomic::Ordering::SeqCst) as i32;
    assert_eq!(count, 1 + calls + retried, "sign-in plus each page");
    app.stop().await;
}
both_engines!(sessions_rotate_end_and_expire_on_the_server, sessions);

async fn throttling(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("thr");
    app.register(&u, &format!("{u}@example.com"), PW).await;
    let upper = u.to_uppercase();
    for i in 0..5 {
        let r = app
            .login(if i % 2 == 0 { &u } else { &upper }, "wrong-password-x")
            .await;
        assert_eq!(r.status, 401, "attempt {i}");
    }
    // Locked now, even with the right password and another case.
    let r = app.login(&u.to_uppercase(), PW).await;
    assert_eq!(r.status, 429, "{}", r.body);
    // The lock runs out; a success resets the counter.
    app.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(app.login(&u, PW).await.status, 200);
    assert_eq!(app.login(&u, "wrong-password-x").await.status, 401);
    assert_eq!(app.login(&u, PW).await.status, 200);
    app.stop().await;
}
both_engines!(throttling_locks_and_resets, throttling);

/// S10: never more than the cap of failures in a row, however slowly they
/// come, and whichever name of the account is typed; an operator unlocks.
async fn throttle_cap(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[("throttle-account-max-consecutive", "12")]).await
    else {
        return;
    };
    let u = unique("cap");
    let email = format!("{u}@example.com");
    app.register(&u, &email, PW).await;
    for i in 0..12 {
        // Each failure in a window of its own: no delay ever starts.
        app.clock.advance(chrono::Duration::minutes(16));
        let login = match i % 3 {
            0 => u.clone(),
            1 => email.to_uppercase(),
            _ => u.to_uppercase(),
        };
        let r = app.login(&login, "wrong-password-x").await;
        assert_eq!(r.status, 401, "attempt {i}: {}", r.body);
    }
    // The 13th attempt is refused, even with the right password, and stays so.
    for _ in 0..2 {
        app.clock.advance(chrono::Duration::days(3));
        assert_eq!(app.login(&u, PW).await.status, 429);
        assert_eq!(app.login(&email, PW).await.status, 429);
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args(["unlock-account", &email, "--database-url", &app.db.url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(app.login(&u, PW).await.status, 200);
    // A name that is no account is throttled alike (S8): delays, then the cap.
    let nobody = unique("nobody");
    for i in 0..12 {
        app.clock.advance(chrono::Duration::minutes(16));
        assert_eq!(
            app.login(&nobody, "wrong-password-x").await.status,
            401,
            "{i}"
        );
    }
    app.clock.advance(chrono::Duration::days(3));
    assert_eq!(app.login(&nobody, PW).await.status, 429);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args(["unlock-account", &nobody, "--database-url", &app.db.url])
        .output()
        .unwrap();
    assert!(!out.status.success(), "no such account");
    app.stop().await;
}
both_engines!(throttle_caps_failures_in_a_row, throttle_cap);

async fn throttle_off(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[("throttle", "off")]).await else {
        return;
    };
    let u = unique("off");
    app.register(&u, &format!("{u}@example.com"), PW).await;
    for _ in 0..7 {
        assert_eq!(app.login(&u, "wrong-password-x").await.status, 401);
    }
    assert_eq!(app.login(&u, PW).await.status, 200);
    app.stop().await;
}
both_engines!(throttling_can_be_turned_off, throttle_off);

async fn rehash(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("old");
    app.register(&u, &format!("{u}@example.com"), PW).await;
    let row = user_row(&app, &u).await;
    let weak = vestibule::server::passwords::hash_with_params(PW, 4096, 1, 1).unwrap();
    app.state()
        .store
        .users
        .set_password_hash(&row.id, &weak, app.state().now())
        .await
        .unwrap();
    assert_eq!(app.login(&u, PW).await.status, 200);
    let h = user_row(&app, &u).await.hashed_password.unwrap();
    assert!(
        h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "S7 rehash: {h}"
    );
    app.stop().await;
}
both_engines!(weaker_hashes_are_upgraded_at_sign_in, rehash);

async fn password_change(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("chg");
    let a = app.register(&u, &format!("{u}@example.com"), PW).await;
    let b = app.login(&u, PW).await.session_cookie().unwrap();
    let new_pw = "amber-river-compass-77";
    // S5: the current password is required.
    let r = app
        .call(
            "change_password",
            &[
                ("current_password", "not-it-at-all"),
                ("new_password", new_pw),
                ("sign_out_others", "on"),
            ],
            Some(&a),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("not your current password"));
    let r = app
        .call(
            "change_password",
            &[
                ("current_password", PW),
                ("new_password", "password1"),
                ("sign_out_others", "on"),
            ],
            Some(&a),
        )
        .await;
    assert_eq!(r.status, 422, "S4 on change");
    let r = app
        .call(
            "change_password",
            &[
                ("current_password", PW),
                ("new_password", new_pw),
                ("sign_out_others", "on"),
            ],
            Some(&a),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // S15: a new token; the old one is dead. S20: the other session ended.
    let a2 = r.session_cookie().unwrap();
    assert_ne!(a2, a);
    assert_eq!(app.whoami(&a).await, None);
    assert_eq!(app.whoami(&b).await, None);
    assert!(app.whoami(&a2).await.is_some());
    assert_eq!(app.login(&u, PW).await.status, 401);
    assert_eq!(app.login(&u, new_pw).await.status, 200);
    // Unchecked: others stay.
    let c = app.login(&u, new_pw).await.session_cookie().unwrap();
    let r = app
        .call(
            "change_password",
            &[
                ("current_password", new_pw),
                ("new_password", PW),
                ("others_choice", "1"),
            ],
            Some(&a2),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(app.whoami(&c).await.is_some());
    // Without the form's marker the default is on (S20): a plain API call
    // that says nothing signs the others out.
    let d = app.login(&u, PW).await.session_cookie().unwrap();
    let a3 = app.login(&u, PW).await.session_cookie().unwrap();
    let r = app
        .call(
            "change_password",
            &[("current_password", PW), ("new_password", new_pw)],
            Some(&a3),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(app.whoami(&c).await, None);
    assert_eq!(app.whoami(&d).await, None);
    // An unreadable choice is refused and changes nothing.
    let a4 = r.session_cookie().unwrap();
    let r = app
        .call(
            "change_password",
            &[
                ("current_password", new_pw),
                ("new_password", PW),
                ("sign_out_others", "maybe"),
            ],
            Some(&a4),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(app.login(&u, new_pw).await.status, 200);
    // A remembered session stays remembered: the rotated cookie keeps a
    // Max-Age (the session's remaining lifetime); a browser-session one has none.
    let r = app
        .call(
            "login",
            &[("login", &u), ("password", new_pw), ("remember", "on")],
            None,
        )
        .await;
    let kept = r.session_cookie().unwrap();
    let r = app
        .call(
            "change_password",
            &[("current_password", new_pw), ("new_password", PW)],
            Some(&kept),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let header = r.set_cookie_header().unwrap();
    let max_age: i64 = header
        .split("Max-Age=")
        .nth(1)
        .and_then(|v| v.split(';').next())
        .and_then(|v| v.trim().parse().ok())
        .expect("a remembered session's new cookie has a Max-Age");
    assert!(max_age > 29 * 24 * 3600, "{header}");
    let r = app
        .call(
            "change_password",
            &[("current_password", PW), ("new_password", new_pw)],
            Some(&a4),
        )
        .await;
    assert_eq!(r.status, 401, "a4 was signed out by the previous change");
    let plain = app.login(&u, PW).await.session_cookie().unwrap();
    let r = app
        .call(
            "change_password",
            &[("current_password", PW), ("new_password", new_pw)],
            Some(&plain),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.set_cookie_header().unwrap().contains("Max-Age="));
    // The page's plain form without JavaScript: a refusal comes back beside
    // the field and changes nothing; a success comes back with its note and
    // the rotated cookie.
    let w = unique("pwp");
    let c = app.register(&w, &format!("{w}@example.com"), PW).await;
    let next_pw = "amber-river-compass-77";
    let form = |current: &'static str| {
        [
            ("current_password", current),
            ("new_password", next_pw),
            ("sign_out_others", "on"),
            ("others_choice", "1"),
        ]
    };
    let (loc, page) = app
        .form_post_back(
            "change_password",
            "/account/password",
            &form("wrong-guess-123"),
            Some(&c),
        )
        .await;
    assert_clean_location(&loc, &["wrong-guess", next_pw]);
    assert!(
        page.body.contains(r#"id="f-current_password""#)
            && page.body.contains(r#"aria-invalid="true""#),
        "the refusal is shown beside the field"
    );
    assert!(!page.body.contains("Your password was changed."));
    assert!(!page.body.contains(next_pw), "a password is never kept");
    assert_eq!(app.login(&w, next_pw).await.status, 401, "nothing changed");
    let (loc, page) = app
        .form_post_back("change_password", "/account/password", &form(PW), Some(&c))
        .await;
    assert_eq!(loc, "/account/password");
    assert!(
        page.body.contains("Your password was changed."),
        "{}",
        page.body
    );
    assert_eq!(app.whoami(&c).await, None, "the token was rotated");
    assert_eq!(app.login(&w, next_pw).await.status, 200);
    // Anonymous callers are refused.
    let r = app
        .call(
            "change_password",
            &[("current_password", PW), ("new_password", new_pw)],
            None,
        )
        .await;
    assert_eq!(r.status, 401);
    app.stop().await;
}
both_engines!(
    password_change_needs_the_current_one_and_ends_other_sessions,
    password_change
);

async fn profile(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("pro");
    let c = app.register(&u, &format!("{u}@example.com"), PW).await;
    // Without JavaScript a success comes back to the page, which says so;
    // a refusal comes back with its error and no success note.
    for (picture, saved) in [("", true), ("javascript:alert(1)", false)] {
        let (loc, page) = app
            .form_post_back(
                "update_profile",
                "/account?x=1",
                &[
                    ("first_name", "Plain"),
                    ("last_name", ""),
                    ("bio", ""),
                    ("profile_picture_url", picture),
                ],
                Some(&c),
            )
            .await;
        assert_eq!(loc, "/account?x=1", "back to the page, nothing added");
        assert_eq!(page.body.contains("Profile saved."), saved, "{loc}");
        if !saved {
            // The refused form keeps what was typed, the message beside the field.
            assert!(
                page.body.contains(r#"value="Plain""#),
                "the typed first name is kept"
            );
            assert!(
                page.body.contains(r#"id="f-profile_picture_url""#)
                    && page.body.contains(r#"aria-invalid="true""#),
                "the refusal is shown beside the field"
            );
        }
    }
    let xss = "\"><img src=x onerror=alert(1)>";
    let bio_xss = "</textarea><script>alert(2)</script>\"><img src=x onerror=alert(1)>";
    // A refused plain post brings the typed bio back inside the textarea,
    // escaped (S26), and saves nothing.
    let (_, page) = app
        .form_post_back(
            "update_profile",
            "/account",
            &[
                ("first_name", "Plain"),
                ("last_name", ""),
                ("bio", bio_xss),
                ("profile_picture_url", "javascript:alert(1)"),
            ],
            Some(&c),
        )
        .await;
    assert!(
        !page.body.contains("<script>alert(2)") && !page.body.contains("<img src=x"),
        "S26: the kept bio cannot close its textarea"
    );
    assert!(
        page.body
            .contains("&lt;/textarea&gt;&lt;script&gt;alert(2)"),
        "the kept bio is shown as text"
    );
    assert_ne!(
        user_row(&app, &u).await.bio.as_deref(),
        Some(bio_xss),
        "nothing saved"
    );
    let ok = [
        ("first_name", "Ada"),
        ("last_name", xss),
        ("bio", bio_xss),
        ("profile_picture_url", "https://example.com/a.png"),
    ];
    let r = app.call("update_profile", &ok, Some(&c)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let page = app.get("/account", Some(&c)).await;
    if let Some(i) = page.body.find(xss) {
        panic!(
            "S26: user text is escaped: …{}…",
            &page.body[i.saturating_sub(200)..(i + 100).min(page.body.len())]
        );
    }
    assert!(
        !page.body.contains("<script>alert(2)"),
        "S26: a textarea cannot be closed from inside"
    );
    assert!(
        !page.body.contains("<img src=x"),
        "S26: no markup from user text anywhere"
    );
    assert!(
        page.body.contains("&gt;&lt;img src=x onerror=alert(1)&gt;")
            || page.body.contains("\"&gt;&lt;img"),
        "shown as text"
    );
    assert!(page.body.contains("referrerpolicy=\"no-referrer\""));
    for bad in [
        "javascript:alert(1)",
        "data:image/png;base64,AA",
        "http://example.com/a.png",
    ] {
        let r = app
            .call(
                "update_profile",
                &[
                    ("first_name", "Eve"),
                    ("last_name", ""),
                    ("bio", ""),
                    ("profile_picture_url", bad),
                ],
                Some(&c),
            )
            .await;
        assert_eq!(r.status, 422, "S27 {bad}");
    }
    let long_bio = "b".repeat(1001);
    let r = app
        .call(
            "update_profile",
            &[
                ("first_name", "Eve"),
                ("last_name", ""),
                ("bio", &long_bio),
                ("profile_picture_url", ""),
            ],
            Some(&c),
        )
        .await;
    assert_eq!(r.status, 422);
    let row = user_row(&app, &u).await;
    assert_eq!(
        row.first_name.as_deref(),
        Some("Ada"),
        "refused input changed nothing"
    );
    assert_eq!(row.last_name.as_deref(), Some(xss));
    // S29: fields a caller may not set are ignored.
    let r = app
        .call(
            "update_profile",
            &[
                ("first_name", "Ada"),
                ("last_name", ""),
                ("bio", ""),
                ("profile_picture_url", ""),
                ("role_id", "00000000-0000-7000-8000-000000000002"),
                ("is_verified", "true"),
            ],
            Some(&c),
        )
        .await;
    assert!(r.status == 200 || r.status == 400, "{}", r.status);
    let row = user_row(&app, &u).await;
    assert!(!row.is_admin() && !row.is_verified);
    let r = app.call("update_profile", &ok, None).await;
    assert_eq!(r.status, 401);
    app.stop().await;
}
both_engines!(profile_edits_are_validated_and_escaped, profile);

async fn email_change(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("em");
    let old = format!("{u}@example.com");
    let new = format!("{u}-new@example.com");
    let c = app.register(&u, &old, PW).await;
    // The page's plain form without JavaScript: a refusal comes back with the
    // message beside the field and the typed address kept; a success with
    // the note.
    let (_, page) = app
        .form_post_back(
            "change_email",
            "/account/email",
            &[("new_email", &new), ("current_password", "wrong-one-here")],
            Some(&c),
        )
        .await;
    assert!(
        page.body.contains(r#"aria-invalid="true""#) && page.body.contains(&new),
        "refused beside the field, the address kept"
    );
    assert!(!page.body.contains("We sent a confirmation link"));
    let (loc, page) = app
        .form_post_back(
            "change_email",
            "/account/email",
            &[("new_email", &new), ("current_password", PW)],
            Some(&c),
        )
        .await;
    assert_clean_location(&loc, &[&new]);
    assert!(page.body.contains("We sent a confirmation link"));
    let r = app
        .call(
            "change_email",
            &[("new_email", &new), ("current_password", "wrong-one-here")],
            Some(&c),
        )
        .await;
    assert_eq!(r.status, 422, "S22");
    let r = app
        .call(
            "change_email",
            &[("new_email", &new), ("current_password", PW)],
            Some(&c),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        user_row(&app, &u).await.email,
        old,
        "nothing changes before confirmation"
    );
    let mail = app.mail_to(&new).await;
    let link = link_in(&mail, "/verify-email?token=");
    let token = link.split("token=").nth(1).unwrap();
    assert_eq!(
        app.call("confirm_email", &[("token", token)], None)
            .await
            .status,
        200
    );
    assert_eq!(user_row(&app, &new).await.email, new);
    app.mail_with(&old, "was changed").await;
    // The change is on the timeline of the session that asked for it.
    let t = app
        .call(
            "timeline",
            &[("kind", "account"), ("session", ""), ("before", "")],
            Some(&c),
        )
        .await;
    assert_eq!(t.status, 200, "{}", t.body);
    let v: serde_json::Value = serde_json::from_str(&t.body).unwrap();
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"email_changed"), "{kinds:?}");
    assert!(kinds.contains(&"email_change_requested"), "{kinds:?}");
    // Replaying the link does nothing new.
    assert_eq!(
        app.call("confirm_email", &[("token", token)], None)
            .await
            .status,
        400
    );
    app.stop().await;
}
both_engines!(email_change_takes_effect_at_confirmation, email_change);

/// S22 under throttling: once wrong current passwords lock the account, the
/// right one is refused too and no confirmation link goes out.
async fn email_change_locked(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("eml");
    let new = format!("{u}-new@example.com");
    let c = app.register(&u, &format!("{u}@example.com"), PW).await;
    for _ in 0..5 {
        let r = app
            .call(
                "change_email",
                &[("new_email", &new), ("current_password", "wrong-one-here")],
                Some(&c),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
    }
    let r = app
        .call(
            "change_email",
            &[("new_email", &new), ("current_password", PW)],
            Some(&c),
        )
        .await;
    assert_eq!(r.status, 429, "{}", r.body);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let sent_to_new = std::fs::read_dir(&app.outbox)
        .map(|rd| {
            rd.flatten()
                .filter(|e| {
                    std::fs::read_to_string(e.path())
                        .unwrap_or_default()
                        .contains(&new)
                })
                .count()
        })
        .unwrap_or(0);
    assert_eq!(sent_to_new, 0, "no link while the account is locked");
    app.stop().await;
}
both_engines!(email_change_is_refused_while_locked, email_change_locked);

async fn deletion(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("gone");
    let a = app.register(&u, &format!("{u}@example.com"), PW).await;
    let b = app.login(&u, PW).await.session_cookie().unwrap();
    let r = app
        .call(
            "delete_account",
            &[("current_password", "wrong-one-here")],
            Some(&a),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(app.whoami(&a).await.is_some());
    // The page's plain form without JavaScript: a wrong password comes back
    // to the page with the message beside the field and deletes nothing.
    let (loc, page) = app
        .form_post_back(
            "delete_account",
            "/account/delete",
            &[("current_password", "wrong-one-here")],
            Some(&a),
        )
        .await;
    assert!(loc.contains("/account/delete"), "{loc}");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(r#"id="f-current_password""#)
            && page.body.contains(r#"aria-invalid="true""#),
        "the refusal is shown beside the field"
    );
    assert!(app.whoami(&a).await.is_some(), "nothing deleted");
    // With the right password it deletes and lands on the home page.
    let v = unique("gone");
    let c = app.register(&v, &format!("{v}@example.com"), PW).await;
    let r = app
        .form_post(
            "delete_account",
            "/account/delete",
            &[("current_password", PW)],
            Some(&c),
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/?deleted=1");
    assert_eq!(app.whoami(&c).await, None);
    assert!(user_row(&app, &v).await.is_deleted);
    let r = app
        .call("delete_account", &[("current_password", PW)], Some(&a))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.whoami(&a).await, None);
    assert_eq!(app.whoami(&b).await, None, "S21: every session ends");
    let row = user_row(&app, &u).await;
    assert!(row.is_deleted);
    assert_eq!(app.login(&u, PW).await.status, 401);
    // Signed-in pages are not cached and redirect anonymous visitors.
    let r = app.get("/account", Some(&a)).await;
    assert!(
        r.status == 303 || r.body.contains("sign in"),
        "{}",
        r.status
    );
    app.stop().await;
}
both_engines!(deleting_the_account_ends_everything, deletion);

/// Starts a real SMTP server process (aiosmtpd) that writes each message it
/// receives into `dir`, and waits until it accepts connections. `make test`
/// installs aiosmtpd under its tools folder and names that folder in
/// `VESTIBULE_TEST_PYTHONPATH`; a python3 that imports aiosmtpd by itself works
/// too. If the server cannot start, the panic carries python's own error.
fn start_smtp_server(dir: &std::path::Path) -> (std::process::Child, u16) {
    let mut last_error = String::new();
    // A port picked here may be taken by another test before python binds it:
    // then python exits with "address in use" and the next attempt picks again.
    for _attempt in 0..3 {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let script = format!(
            "import os, time\nfrom aiosmtpd.controller import Controller\nclass H:\n    async def handle_DATA(self, server, session, envelope):\n        p = os.path.join({dir:?}, str(len(os.listdir({dir:?}))) + '.eml')\n        open(p, 'wb').write(envelope.original_content or envelope.content)\n        return '250 OK'\nc = Controller(H(), hostname='127.0.0.1', port={port})\nc.start()\ntime.sleep(120)\n",
            dir = dir.display().to_string(),
        );
        let mut command = std::process::Command::new("python3");
        command
            .arg("-c")
            .arg(&script)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        if let Ok(extra) = std::env::var("VESTIBULE_TEST_PYTHONPATH") {
            let joined = match std::env::var("PYTHONPATH") {
                Ok(old) if !old.is_empty() => format!("{extra}:{old}"),
                _ => extra,
            };
            command.env("PYTHONPATH", joined);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("python3 is needed for the SMTP test: {e}"));
        // Up to 30 s: python starts slowly while the other tests load both cores.
        for _ in 0..600 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return (child, port);
            }
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut err);
                }
                last_error = format!("python3 exited with {status}: {err}");
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        if last_error.is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            last_error = format!("nothing listened on port {port} after 30 s");
        }
    }
    panic!("the SMTP server (aiosmtpd) did not start; make test installs it: {last_error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_goes_out_over_smtp() {
    // A real SMTP server process (aiosmtpd) that writes each message to a folder.
    let dir = tempfile::tempdir().unwrap();
    let (mut child, port) = start_smtp_server(dir.path());
    let smtp = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app(Engine::Sqlite, "smtp", &[("smtp-url", &smtp)])
        .await
        .unwrap();
    let u = unique("smtp");
    app.register(&u, &format!("{u}@example.com"), PW).await;
    let mut got = String::new();
    for _ in 0..400 {
        for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
            got = std::fs::read_to_string(e.path()).unwrap_or_default();
        }
        if !got.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        got.contains(&format!("{u}@example.com")),
        "SMTP server received the mail: {got}"
    );
    assert!(got.contains("verify-email?token="));
    app.stop().await;
}

async fn no_secrets_in_logs(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("log");
    // Unique per run, so another test's logs in the shared buffer cannot match.
    let secret_pw = format!("secret-sauce-{u}");
    let secret_pw = secret_pw.as_str();
    let c = app
        .register(&u, &format!("{u}@example.com"), secret_pw)
        .await;
    app.login(&u, "another-secret-guess-71").await;
    app.call(
        "change_password",
        &[
            ("current_password", secret_pw),
            ("new_password", "brand-new-secret-88"),
            ("sign_out_others", "on"),
        ],
        Some(&c),
    )
    .await;
    app.state().store.db.close().await;
    let _ = app
        .call(
            "update_profile",
            &[
                ("first_name", "x"),
                ("last_name", ""),
                ("bio", ""),
                ("profile_picture_url", ""),
            ],
            Some(&c),
        )
        .await;
    let logs = String::from_utf8_lossy(&logs().lock().unwrap()).to_string();
    for s in [
        secret_pw,
        "another-secret-guess-71",
        "brand-new-secret-88",
        c.as_str(),
        &token_hash(&c),
    ] {
        assert!(!logs.contains(s), "S35: {s} found in logs");
    }
    app.stop().await;
}
both_engines!(logs_carry_no_passwords_or_tokens, no_secrets_in_logs);

async fn ip_throttle(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[("throttle-ip-failures", "6")]).await else {
        return;
    };
    let u = unique("ipt");
    app.register(&u, &format!("{u}@example.com"), PW).await;
    // Password spraying: one guess each against many names, from one address,
    // each claiming another X-Forwarded-For (not trusted: no proxy configured).
    for i in 0..6 {
        let r = app
            .http
            .post(app.url("/api/login"))
            .header("accept", "application/json")
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .form(&[
                ("login", format!("victim{i}").as_str()),
                ("password", "Summer2026!"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    // The address is locked now, even for a real account with its right password.
    assert_eq!(app.login(&u, PW).await.status, 429, "S11 per-IP lock");
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(app.login(&u, PW).await.status, 200);
    app.stop().await;
}
both_engines!(password_spraying_from_one_address_is_throttled, ip_throttle);

async fn disabling(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("dis");
    let c = app.register(&u, &format!("{u}@example.com"), PW).await;
    let row = user_row(&app, &u).await;
    app.state()
        .store
        .users
        .set_active(&row.id, false, app.state().now())
        .await
        .unwrap();
    assert_eq!(
        app.whoami(&c).await,
        None,
        "S21: disabling ends sessions at once"
    );
    app.stop().await;
}
both_engines!(disabling_an_account_ends_its_sessions, disabling);

async fn database_down(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let u = unique("down");
    let c = app.register(&u, &format!("{u}@example.com"), PW).await;
    app.state().store.db.close().await;
    for r in [
        app.call(
            "update_profile",
            &[
                ("first_name", "x"),
                ("last_name", ""),
                ("bio", ""),
                ("profile_picture_url", ""),
            ],
            Some(&c),
        )
        .await,
        app.login(&u, PW).await,
        app.get("/account", Some(&c)).await,
    ] {
        assert_eq!(r.status, 503, "R2: {}", r.body);
        let body = r.body.to_lowercase();
        for leak in ["sqlx", "pool", "sqlite", "postgres", "panicked", "error:"] {
            assert!(!body.contains(leak), "S34: {leak} in {body}");
        }
    }
    app.stop().await;
}
both_engines!(a_lost_database_gives_503_and_never_leaks, database_down);

/// The `Set-Cookie` values of a response that set `name`.
fn set_cookies(r: &reqwest::Response, name: &str) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .filter(|c| c.starts_with(&format!("{name}=")))
        .collect()
}

/// A flash location names the page and nothing typed, no error, no note.
fn assert_clean_location(loc: &str, typed: &[&str]) {
    assert!(
        !loc.contains("__err") && !loc.contains("__path") && !loc.contains("done="),
        "{loc}"
    );
    for t in typed {
        assert!(!loc.contains(t), "{t} in {loc}");
    }
}

async fn kept_login(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    const FLASH: &str = "vestibule_flash";
    let u = unique("kept");
    let email = format!("{u}@Example.org");
    app.register(&u, &email, PW).await;
    // Without JavaScript: the form posts, the server answers with a redirect
    // back to the form and the outcome in a sealed cookie for this browser.
    let refuse = |login: String| {
        let app = &app;
        async move {
            let r = app
                .form_post(
                    "login",
                    "/login?next=%2Fgroups",
                    &[("login", &login), ("password", "wrong-password-here")],
                    None,
                )
                .await;
            assert_eq!(r.status(), 303);
            let loc = r.headers()["location"].to_str().unwrap().to_string();
            let kept = set_cookies(&r, FLASH);
            (loc, kept)
        }
    };
    let open = |loc: String, cookie: Option<String>| {
        let app = &app;
        async move {
            let mut rb = app
                .http
                .get(app.url(&loc.replace(&app.base, "")))
                .header("accept", "text/html");
            if let Some(c) = cookie {
                rb = rb.header("cookie", c);
            }
            let r = rb.send().await.unwrap();
            let cleared = set_cookies(&r, FLASH);
            (r.text().await.unwrap(), cleared)
        }
    };
    let (loc, kept) = refuse(email.clone()).await;
    assert_eq!(loc, "/login?next=%2Fgroups", "back where it came from");
    assert_clean_location(&loc, &[&u]);
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].contains("Path=/; HttpOnly; SameSite=Lax; Max-Age=60"));
    assert!(!kept[0].contains(&u), "sealed: {kept:?}");
    assert!(!kept[0].contains("wrong-password"), "sealed: {kept:?}");
    let pair = kept[0].split(';').next().unwrap().to_string();

    // The refused form comes back with the login as typed, the error in its
    // summary, the password empty, and the flash cleared.
    let (body, cleared) = open(loc.clone(), Some(pair.clone())).await;
    assert!(body.contains(&format!("value=\"{email}\"")), "{body}");
    assert!(
        body.contains("Incorrect username/email or password."),
        "{body}"
    );
    assert!(!body.contains("wrong-password-here"));
    assert!(
        cleared.iter().any(|c| c.contains("Max-Age=0")),
        "{cleared:?}"
    );
    // Only the page it came from uses it; without the cookie the field is
    // empty; a flash this server did not seal is ignored.
    let (plain, cleared) = open("/register".into(), Some(pair.clone())).await;
    assert!(!plain.contains(&email));
    assert!(cleared.iter().any(|c| c.contains("Max-Age=0")));
    let (again, _) = open(loc.clone(), None).await;
    assert!(!again.contains(&email));
    let forged = format!("{FLASH}={}", "A".repeat(120));
    let (forged_page, _) = open(loc, Some(forged)).await;
    assert!(!forged_page.contains("Incorrect username"));

    // What is typed is text, not markup (S26).
    let evil = "x\"><script>alert(1)</script>";
    let (loc, kept) = refuse(evil.into()).await;
    let pair = kept[0].split(';').next().unwrap().to_string();
    let (body, _) = open(loc, Some(pair)).await;
    assert!(!body.contains(evil), "{body}");
    assert!(body.contains("value=\"x&quot;&gt;&lt;script"), "{body}");

    // A good sign-in goes where it was going; no error comes along.
    let ok = app
        .form_post(
            "login",
            "/login?next=%2Fgroups",
            &[("login", &email), ("password", PW), ("next", "/groups")],
            None,
        )
        .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(ok.headers()["location"].to_str().unwrap(), "/groups");
    app.stop().await;
}
both_engines!(
    a_refused_sign_in_keeps_the_login_without_the_url,
    kept_login
);
