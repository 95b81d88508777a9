//! The HTTP baseline: health, readiness, 404, cross-site refusal (S23),
//! security headers (S24, S25), body limits (S3, S33).

use crate::both_engines;
use crate::helpers::*;

async fn health_and_readiness(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    assert_eq!(app.get("/healthz", None).await.status, 200);
    let r = app.get("/readyz", None).await;
    assert_eq!((r.status, r.body.as_str()), (200, "ready"));
    // Database gone: readiness says so.
    app.state().store.db.close().await;
    assert_eq!(app.get("/readyz", None).await.status, 503);
    assert_eq!(app.get("/healthz", None).await.status, 200);
    app.stop().await;
}
both_engines!(
    health_and_readiness_follow_the_database,
    health_and_readiness
);

async fn pages_render(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    // Twice: the second answer for anonymous pages comes from the page cache
    // and must carry a fresh nonce that matches its scripts.
    let mut nonces = std::collections::HashSet::new();
    for path in [
        "/",
        "/register",
        "/login",
        "/groups",
        "/",
        "/register",
        "/login",
    ] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.contains("<main"), "{path} has a <main>");
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("'nonce-"), "{path}: {csp}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap();
        assert!(
            r.body.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: scripts carry the CSP nonce"
        );
        assert!(
            nonces.insert(nonce.to_string()),
            "{path}: a fresh nonce every time"
        );
        for needed in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(needed), "{path}: {needed}");
        }
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert_eq!(
            r.headers["referrer-policy"],
            "strict-origin-when-cross-origin"
        );
        assert_eq!(r.headers["cache-control"], "no-store");
        assert!(r.headers.contains_key("x-request-id"));
    }
    let r = app.get("/register", None).await;
    for label in ["Username", "Email", "Password", "Create account"] {
        assert!(r.body.contains(label), "register page names {label}");
    }
    let r = app.get("/login", None).await;
    for label in [
        "Username or email",
        "Password",
        "Keep me signed in",
        "Sign in",
    ] {
        assert!(r.body.contains(label), "login page names {label}");
    }
    let r = app.get("/no/such/page", None).await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found"));
    let r = app.get("/verify-email?token=x", None).await;
    assert_eq!(r.headers["referrer-policy"], "no-referrer");
    app.stop().await;
}
both_engines!(pages_render_with_security_headers_and_404, pages_render);

async fn cross_site(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let post = |site: Option<&'static str>, origin: Option<String>| {
        let mut rb = app
            .http
            .post(app.url("/api/login"))
            .header("accept", "application/json")
            .form(&[("login", "nobody"), ("password", "whatever-it-is")]);
        if let Some(s) = site {
            rb = rb.header("sec-fetch-site", s);
        }
        if let Some(o) = origin {
            rb = rb.header("origin", o);
        }
        rb.send()
    };
    for site in ["cross-site", "same-site"] {
        let r = post(Some(site), None).await.unwrap();
        assert_eq!(r.status(), 403, "Sec-Fetch-Site: {site}");
    }
    let r = post(None, Some("https://evil.example".into()))
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "foreign Origin");
    let r = post(None, Some("null".into())).await.unwrap();
    assert_eq!(r.status(), 403, "null Origin");
    // Our own pages keep working, with or without the header.
    let r = post(Some("same-origin"), Some(app.base.clone()))
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = post(None, Some(app.base.clone())).await.unwrap();
    assert_eq!(r.status(), 401);
    // A plain form post from our page (no JavaScript) is redirected back with the error.
    let r = app
        .form_post(
            "login",
            "/login",
            &[("login", "nobody"), ("password", "whatever-it-is")],
            None,
        )
        .await;
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        !loc.contains("__err"),
        "the error stays out of the URL: {loc}"
    );
    let (_, page) = app
        .form_post_back(
            "login",
            "/login",
            &[("login", "nobody"), ("password", "whatever-it-is")],
            None,
        )
        .await;
    assert!(
        page.body.contains("Incorrect username/email or password."),
        "{loc}\n{}",
        page.body
    );
    // Every method but GET and HEAD is checked, OPTIONS too.
    for method in ["OPTIONS", "PUT", "DELETE", "PATCH"] {
        let r = app
            .http
            .request(method.parse().unwrap(), app.url("/api/login"))
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{method}");
    }
    // After sign-in only a local path is followed: a tab or newline that a
    // browser would drop, a second slash or a backslash sends to /account.
    let u = unique("nx");
    app.register(&u, &format!("{u}@example.com"), PW).await;
    for (next, expected) in [
        ("/groups", "/groups"),
        ("/\t/evil.example", "/account"),
        ("/\r\nX-Evil: 1", "/account"),
        ("//evil.example", "/account"),
        ("/\\evil.example", "/account"),
        ("https://evil.example/", "/account"),
    ] {
        let r = app
            .form_post(
                "login",
                "/login",
                &[("login", u.as_str()), ("password", PW), ("next", next)],
                None,
            )
            .await;
        assert_eq!(r.status(), 303, "{next:?}");
        assert_eq!(r.headers()["location"], expected, "{next:?}");
    }
    // No CORS for anyone (S25).
    let r = app
        .http
        .get(app.url("/"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    app.stop().await;
}
both_engines!(cross_site_posts_are_refused, cross_site);

async fn limits(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    // A 1 MB body is refused from its Content-Length, before it is even read.
    let t = std::time::Instant::now();
    let status = {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://"))
            .await
            .unwrap();
        let head = format!(
            "POST /api/login HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\nlogin=a&password=",
            1024 * 1024
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let mut buf = vec![0u8; 64];
        let n = s.read(&mut buf).await.unwrap();
        String::from_utf8_lossy(&buf[..n]).to_string()
    };
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    assert!(t.elapsed() < std::time::Duration::from_secs(2));
    // Sent in full, it is refused too (or the connection is closed mid-upload).
    // On a client of its own: the server closes that connection, and a shared
    // pool could hand the dead connection to the next request.
    let huge = "x".repeat(1024 * 1024);
    let sent = reqwest::Client::new()
        .post(app.url("/api/login"))
        .header("accept", "application/json")
        .form(&[("login", "someone"), ("password", &huge)])
        .send()
        .await;
    if let Ok(r) = sent {
        assert_eq!(r.status(), 413);
    }
    // Malformed: missing fields and bad encodings get a 4xx, never a 500.
    let r = app.call("register", &[("username", "abc")], None).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(!r.body.to_lowercase().contains("sql"));
    let r = app
        .http
        .post(app.url("/api/register"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(vec![0xff, 0xfe, b'=', 0x80])
        .send()
        .await
        .unwrap();
    assert!(
        (400..500).contains(&r.status().as_u16()),
        "bad UTF-8 gets 4xx, got {}",
        r.status()
    );
    let r = app.call("no_such_function", &[], None).await;
    assert_eq!(r.status, 404, "unknown function: {}", r.body);
    assert!(
        !r.body.contains("server function") && !r.body.contains("macro"),
        "no framework text in the body (S34): {}",
        r.body
    );
    app.stop().await;
}
both_engines!(oversized_and_malformed_input_gets_4xx, limits);

#[tokio::test]
async fn migrations_run_twice_are_a_no_op_on_sqlite() {
    let db = TestDb::new(Engine::Sqlite, "migrate").await.unwrap();
    for _ in 0..2 {
        let s = vestibule::server::store::Store::open(&db.url, 2)
            .await
            .unwrap();
        s.migrate().await.unwrap();
        s.db.close().await;
    }
}

#[tokio::test]
async fn migrations_run_twice_and_concurrently_on_postgres() {
    let Some(db) = TestDb::new(Engine::Postgres, "migrate_pg").await else {
        return;
    };
    let a = vestibule::server::store::Store::open(&db.url, 2)
        .await
        .unwrap();
    let b = vestibule::server::store::Store::open(&db.url, 2)
        .await
        .unwrap();
    let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
    ra.unwrap();
    rb.unwrap();
    a.migrate().await.unwrap();
    a.db.close().await;
    b.db.close().await;
    db.drop_db().await;
}

#[tokio::test]
async fn schema_matches_the_erd_on_sqlite() {
    let db = TestDb::new(Engine::Sqlite, "schema").await.unwrap();
    let s = vestibule::server::store::Store::open(&db.url, 2)
        .await
        .unwrap();
    s.migrate().await.unwrap();
    s.db.close().await;
    let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    let write = &pool;
    crate::schema::assert_sqlite_matches(write).await;
    // The check has teeth: a missing column is reported.
    sqlx::query("ALTER TABLE users DROP COLUMN bio")
        .execute(write)
        .await
        .unwrap();
    let problems = crate::schema::sqlite_mismatches(write).await;
    assert!(problems.iter().any(|p| p.contains("bio")), "{problems:?}");
}

#[tokio::test]
async fn schema_matches_the_erd_on_postgres() {
    let Some(db) = TestDb::new(Engine::Postgres, "schema_pg").await else {
        return;
    };
    let s = vestibule::server::store::Store::open(&db.url, 2)
        .await
        .unwrap();
    s.migrate().await.unwrap();
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let pg = &pool;
    crate::schema::assert_postgres_matches(pg).await;
    sqlx::query("ALTER TABLE groups DROP CONSTRAINT groups_slug_key")
        .execute(pg)
        .await
        .ok();
    sqlx::query("ALTER TABLE user_sessions ALTER COLUMN client_ip DROP NOT NULL")
        .execute(pg)
        .await
        .unwrap();
    let problems = crate::schema::postgres_mismatches(pg).await;
    assert!(
        problems.iter().any(|p| p.contains("client_ip")),
        "{problems:?}"
    );
    pool.close().await;
    s.db.close().await;
    db.drop_db().await;
}
