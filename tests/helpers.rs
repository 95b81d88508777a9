//! `spawn_app()` and friends: a real server per test, with its own database,
//! outbox and movable clock.

use clap::Parser;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use vestibule::server::boot::build_state;
use vestibule::server::clock::OffsetClock;
use vestibule::server::config::ServeSettings;
use vestibule::server::web::{start, Running};

#[derive(Parser)]
struct Wrap {
    #[command(flatten)]
    s: ServeSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Every log line of every test app, to check that no secret is logged (S35).
pub fn logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| Mutex::new(Vec::new()))
}

struct LogWriter;
impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut l) = logs().lock() {
            l.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                "debug,sqlx=warn,hyper=warn,h2=warn,tower=warn,reqwest=warn,rustls=warn",
            )
            .with_writer(|| LogWriter)
            .with_ansi(false)
            .try_init();
    });
}

pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// PostgreSQL tests skip loudly when no server is configured, and fail when
/// `VESTIBULE_REQUIRE_POSTGRES=1` (as `make test` sets when one answers).
pub fn postgres_or_skip(test: &str) -> Option<String> {
    match postgres_url() {
        Some(u) => Some(u),
        None => {
            if std::env::var("VESTIBULE_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("{test}: PostgreSQL is required but TEST_POSTGRES_URL is unset");
            }
            eprintln!("SKIPPED (no PostgreSQL; set TEST_POSTGRES_URL): {test}");
            None
        }
    }
}

/// A fresh database for one test.
pub struct TestDb {
    pub url: String,
    admin_url: Option<String>,
    name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new(engine: Engine, test: &str) -> Option<Self> {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}/test.db", dir.path().display());
                Some(TestDb {
                    url,
                    admin_url: None,
                    name: None,
                    _dir: Some(dir),
                })
            }
            Engine::Postgres => {
                let admin = postgres_or_skip(test)?;
                let name = format!("vt_{}", uuid::Uuid::now_v7().simple());
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .expect("connect to PostgreSQL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                let mut url = url::Url::parse(&admin).unwrap();
                url.set_path(&format!("/{name}"));
                Some(TestDb {
                    url: url.to_string(),
                    admin_url: Some(admin),
                    name: Some(name),
                    _dir: None,
                })
            }
        }
    }

    pub async fn drop_db(&self) {
        if let (Some(admin), Some(name)) = (&self.admin_url, &self.name) {
            if let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub clock: Arc<OffsetClock>,
    pub running: Option<Running>,
    pub db: TestDb,
    pub outbox: std::path::PathBuf,
    pub http: reqwest::Client,
    /// Stalled renders retried by `get` (each one reached the server too).
    pub retries: std::sync::atomic::AtomicU32,
    _data: tempfile::TempDir,
}

pub async fn spawn_app(engine: Engine, test: &str, env: &[(&str, &str)]) -> Option<TestApp> {
    init_logs();
    let db = TestDb::new(engine, test).await?;
    let data = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec![
        "x".into(),
        "--addr".into(),
        "127.0.0.1:0".into(),
        "--data-dir".into(),
        data.path().display().to_string(),
        "--site-root".into(),
        data.path().join("site").display().to_string(),
        "--activity-flush-ms".into(),
        "50".into(),
    ];
    for (k, v) in env {
        args.push(format!("--{k}"));
        args.push(v.to_string());
    }
    let mut settings = Wrap::try_parse_from(&args).expect("settings parse").s;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    settings.addr = addr;
    if settings.public_url.is_none() {
        settings.public_url = Some(url::Url::parse(&format!("http://{addr}")).unwrap());
    }
    let outbox = settings.outbox();
    let clock = Arc::new(OffsetClock::default());
    let state = build_state(settings, &db.url, clock.clone())
        .await
        .expect("app starts");
    let running = start(listener, state, std::future::pending()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(90))
        .build()
        .unwrap();
    Some(TestApp {
        base: format!("http://{addr}"),
        clock,
        running: Some(running),
        db,
        outbox,
        http,
        retries: Default::default(),
        _data: data,
    })
}

/// A response, read whole.
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Resp {
    /// The session token this response hands out, if any.
    pub fn session_cookie(&self) -> Option<String> {
        for v in self.headers.get_all("set-cookie") {
            let s = v.to_str().ok()?;
            if let Some(rest) = s.strip_prefix("vestibule_session=") {
                let val = rest.split(';').next().unwrap_or("");
                if !val.is_empty() {
                    return Some(val.to_string());
                }
            }
        }
        None
    }
    pub fn set_cookie_header(&self) -> Option<String> {
        self.headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GETs a page. KNOWN ISSUE (see docs/benchmarks.md, "Open problem"):
    /// in this debug test build (`--cfg erase_components`), a page render now
    /// and then stalls forever; release builds under wrk never did. A stalled
    /// render is reported loudly and the request is tried once more; a second
    /// stall fails the test.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Resp {
        for attempt in 0..2 {
            let mut rb = self
                .http
                .get(self.url(path))
                .header("accept", "text/html")
                .timeout(std::time::Duration::from_secs(15));
            if let Some(c) = cookie {
                rb = rb.header("cookie", format!("vestibule_session={c}"));
            }
            match rb.send().await {
                Ok(r) => return read(r).await,
                Err(e) if e.is_timeout() && attempt == 0 => {
                    eprintln!(
                        "WARNING: render of {path} stalled for 15 s (known issue); retrying once"
                    );
                    self.retries
                        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                Err(e) => panic!("GET {path}: {e}"),
            }
        }
        unreachable!()
    }

    /// Calls a server function as a script would (JSON answers, real status codes).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Resp {
        let mut rb = self
            .http
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .form(form);
        if let Some(c) = cookie {
            rb = rb.header("cookie", format!("vestibule_session={c}"));
        }
        read(rb.send().await.unwrap()).await
    }

    /// Posts a form as a browser without JavaScript does from our page at
    /// `from` (Accept: text/html, same-origin, Referer); redirects are not
    /// followed, so the answer is the server's 302 back.
    pub async fn form_post(
        &self,
        endpoint: &str,
        from: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut rb = self
            .http
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "text/html")
            .header("sec-fetch-site", "same-origin")
            .header("referer", self.url(from))
            .form(form);
        if let Some(c) = cookie {
            rb = rb.header("cookie", format!("vestibule_session={c}"));
        }
        rb.send().await.unwrap()
    }

    /// [`Self::form_post`], then follows the server's redirect back as the
    /// browser would, with the cookies the answer set (the session, the
    /// flash that carries the outcome): the location it named and the page
    /// found there.
    pub async fn form_post_back(
        &self,
        endpoint: &str,
        from: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> (String, Resp) {
        let r = self.form_post(endpoint, from, form, cookie).await;
        assert!(
            matches!(r.status().as_u16(), 302 | 303),
            "{endpoint} from {from}: {}",
            r.status()
        );
        let loc = r.headers()["location"].to_str().unwrap().to_string();
        let mut jar: Vec<(String, String)> = cookie
            .map(|c| vec![("vestibule_session".to_string(), c.to_string())])
            .unwrap_or_default();
        for v in r.headers().get_all("set-cookie") {
            let pair = v.to_str().unwrap().split(';').next().unwrap_or("");
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            jar.retain(|(n, _)| n != name);
            if !value.is_empty() {
                jar.push((name.to_string(), value.to_string()));
            }
        }
        let header = jar
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let page = self
            .http
            .get(self.url(&loc.replace(&self.base, "")))
            .header("accept", "text/html")
            .header("cookie", header)
            .send()
            .await
            .unwrap();
        (loc, read(page).await)
    }

    /// Registers and returns the session token.
    pub async fn register(&self, username: &str, email: &str, password: &str) -> String {
        let r = self
            .call(
                "register",
                &[
                    ("username", username),
                    ("email", email),
                    ("password", password),
                ],
                None,
            )
            .await;
        assert_eq!(r.status, 200, "register failed: {}", r.body);
        r.session_cookie().expect("a session cookie")
    }

    pub async fn login(&self, login: &str, password: &str) -> Resp {
        self.call("login", &[("login", login), ("password", password)], None)
            .await
    }

    /// The signed-in username for this cookie, or None.
    pub async fn whoami(&self, cookie: &str) -> Option<String> {
        let r = self.call("current_user", &[], Some(cookie)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        v.get("username")
            .and_then(|u| u.as_str())
            .map(str::to_string)
    }

    pub fn state(&self) -> &vestibule::server::state::AppState {
        &self.running.as_ref().unwrap().state
    }

    pub async fn flush(&self) {
        let s = self.state();
        s.tracker.flush(&s.store).await;
    }

    /// The newest mail for `to` in the outbox, waiting briefly for it.
    pub async fn mail_to(&self, to: &str) -> String {
        for _ in 0..50 {
            let mut found: Vec<(std::time::SystemTime, String)> = Vec::new();
            if let Ok(rd) = std::fs::read_dir(&self.outbox) {
                for e in rd.flatten() {
                    let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                    let addressed = text
                        .lines()
                        .any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(to));
                    if addressed {
                        found.push((e.metadata().and_then(|m| m.modified()).unwrap(), text));
                    }
                }
            }
            found.sort_by_key(|(t, _)| *t);
            if let Some((_, t)) = found.pop() {
                return t;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no mail to {to}");
    }

    /// Waits for a mail to `to` containing `needle`.
    pub async fn mail_with(&self, to: &str, needle: &str) -> String {
        for _ in 0..100 {
            if let Ok(rd) = std::fs::read_dir(&self.outbox) {
                for e in rd.flatten() {
                    let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                    let addressed = text
                        .lines()
                        .any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(to));
                    if addressed && text.contains(needle) {
                        return text;
                    }
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no mail to {to} containing {needle:?}");
    }

    /// The id of the account with this username (ignoring case).
    pub async fn user_id(&self, username: &str) -> String {
        self.query_text(
            "SELECT id FROM users WHERE lower(username) = lower($1)",
            &[username],
        )
        .await
        .expect("a user with that name")
    }

    /// Runs one statement on the test's database through a connection of
    /// its own (not the app's store), binding `args` as text.
    pub async fn exec(&self, sql: &str, args: &[&str]) {
        use sqlx::Connection;
        if self.db.url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(&self.db.url).await.unwrap();
            let mut q = sqlx::query(sql);
            for a in args {
                q = q.bind(*a);
            }
            q.execute(&mut c).await.unwrap();
        } else {
            let mut c = sqlx::PgConnection::connect(&self.db.url).await.unwrap();
            let mut q = sqlx::query(sql);
            for a in args {
                q = q.bind(*a);
            }
            q.execute(&mut c).await.unwrap();
        }
    }

    /// The first column of the first row of a query, as text, through a
    /// connection of the test's own.
    pub async fn query_text(&self, sql: &str, args: &[&str]) -> Option<String> {
        use sqlx::Connection;
        if self.db.url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(&self.db.url).await.unwrap();
            let mut q = sqlx::query_scalar::<_, String>(sql);
            for a in args {
                q = q.bind(*a);
            }
            q.fetch_optional(&mut c).await.unwrap()
        } else {
            let mut c = sqlx::PgConnection::connect(&self.db.url).await.unwrap();
            let mut q = sqlx::query_scalar::<_, String>(sql);
            for a in args {
                q = q.bind(*a);
            }
            q.fetch_optional(&mut c).await.unwrap()
        }
    }

    /// The first column of the first row of a query, as a number.
    pub async fn query_i64(&self, sql: &str, args: &[&str]) -> i64 {
        use sqlx::Connection;
        if self.db.url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(&self.db.url).await.unwrap();
            let mut q = sqlx::query_scalar::<_, i64>(sql);
            for a in args {
                q = q.bind(*a);
            }
            q.fetch_one(&mut c).await.unwrap()
        } else {
            let mut c = sqlx::PgConnection::connect(&self.db.url).await.unwrap();
            let mut q = sqlx::query_scalar::<_, i64>(sql);
            for a in args {
                q = q.bind(*a);
            }
            q.fetch_one(&mut c).await.unwrap()
        }
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        self.db.drop_db().await;
    }
}

pub async fn read(r: reqwest::Response) -> Resp {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.text().await.unwrap_or_default();
    Resp {
        status,
        headers,
        body,
    }
}

/// Pulls the first link carrying `path?token=` out of a mail (quoted-printable aware).
pub fn link_in(mail: &str, path: &str) -> String {
    let unfolded = mail
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = unfolded.find(path).expect("link in mail");
    let tail = &unfolded[start..];
    let end = tail.find(|c: char| c.is_whitespace()).unwrap_or(tail.len());
    tail[..end].to_string()
}

pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    )
}

pub const PW: &str = "violet-ocean-lantern-42";

/// Runs one async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_engines {
    ($name:ident, $body:path) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $body(
                    $crate::helpers::Engine::Sqlite,
                    concat!(stringify!($name), "/sqlite"),
                )
                .await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $body(
                    $crate::helpers::Engine::Postgres,
                    concat!(stringify!($name), "/postgres"),
                )
                .await;
            }
        }
    };
}

#[allow(dead_code)]
pub fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
