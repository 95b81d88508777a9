//! The binary itself: clear one-line errors for bad settings, `migrate`, and
//! a graceful stop on SIGTERM that exits 0 (R2, R4, R5).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vestibule"));
    c.env_remove("DATABASE_URL").env("RUST_LOG", "warn");
    c
}

/// Runs the binary with `args`; it must succeed (its stderr explains if not).
fn run_ok(args: &[&str]) -> std::process::Output {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn one_line_error(out: &std::process::Output) -> String {
    assert!(!out.status.success(), "must fail");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!err.contains("panicked"), "no panic trace: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(lines.len(), 1, "one error line: {err}");
    err
}

#[test]
fn bad_settings_give_one_clear_line() {
    let out = bin()
        .args(["migrate", "--database-url", "mysql://x"])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("unsupported database URL"));
    let out = bin()
        .args([
            "migrate",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("cannot open the database"));
    let out = bin()
        .args(["migrate", "--database-url", "sqlite:///proc/forbidden/x.db"])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("SQLite"));
    let out = bin()
        .args(["serve", "--addr", "not-an-address"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value"));
}

#[test]
fn migrate_twice_then_serve_and_stop_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/v.db", dir.path().display());
    for _ in 0..2 {
        run_ok(&["migrate", "--database-url", &url]);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = bin()
        .args([
            "--database-url",
            &url,
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir.path())
        .arg("--site-root")
        .arg(dir.path().join("site"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(s) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("server exited early ({s}): {err}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Ready means answering HTTP, not only accepting connections: the signal
    // handler is in place once the server task runs.
    let ready = |port: u16| -> bool {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut buf = String::new();
        let _ = s.read_to_string(&mut buf);
        buf.starts_with("HTTP/1.1 200")
    };
    while !ready(port) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not answer /healthz"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            assert!(s.success(), "exit code 0 after SIGTERM, got {s}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn seed_demo_fills_an_empty_database_only() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/demo.db", dir.path().display());
    let out = run_ok(&["seed-demo", "--groups", "40", "--database-url", &url]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("41 groups"), "{said}");
    assert!(
        !said.contains("vestibule-demo-2026"),
        "the password is not printed"
    );
    // A second run refuses: the database has accounts now.
    let out = bin()
        .args(["seed-demo", "--database-url", &url])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("already has accounts"));
}
