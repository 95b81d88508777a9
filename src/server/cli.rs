//! The command line: `vestibule serve` (default), `vestibule migrate` and
//! `vestibule seed-demo`.
//! A bad setting ends the process with one clear line and exit code 1.

use super::config::{LogFormat, ServeSettings};
use super::store::Store;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "vestibule",
    version,
    about = "Vestibule: a self-hosted account portal"
)]
struct Cli {
    /// sqlite://PATH (created on first start) or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/vestibule.db",
        global = true,
        hide_env_values = true
    )]
    database_url: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply pending migrations, then serve the app (the default).
    Serve(Box<ServeSettings>),
    /// Apply pending migrations and exit.
    Migrate,
    /// Fill an EMPTY database with demo people, groups and memberships.
    SeedDemo {
        /// How many groups to create.
        #[arg(long, default_value_t = 300)]
        groups: usize,
        /// The password of every demo account.
        #[arg(
            long,
            env = "VESTIBULE_DEMO_PASSWORD",
            default_value = "vestibule-demo-2026",
            hide_env_values = true
        )]
        password: String,
    },
    /// Clear the sign-in throttle of an account (by username or email), for
    /// example after 100 failed sign-ins in a row locked it for good (S10).
    UnlockAccount {
        /// The username or email address of the account.
        login: String,
    },
    /// Fill a database for the sessions benchmark (never on a real database).
    #[command(hide = true)]
    BenchSeed {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value_t = 20)]
        sessions: usize,
        #[arg(long, default_value_t = 10_000)]
        events: usize,
    },
    /// Measure the raw argon2id hash rate on this machine (benchmarks).
    #[command(hide = true)]
    HashRate {
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Threads hashing at once; default: the number of cores.
        #[arg(long)]
        threads: Option<usize>,
        /// Keep each thread's argon2 memory between hashes (as the server's
        /// verifier does) instead of the crate's allocating `hash_password`.
        #[arg(long)]
        reuse_memory: bool,
    },
}

/// Fills a database for a benchmark: one user with `sessions` sessions and
/// `events` timeline events. Prints a session token of that user.
async fn bench_seed(
    url: &str,
    username: &str,
    password: &str,
    sessions: usize,
    events: usize,
) -> Result<(), String> {
    use super::store::{new_id, NewActivity, NewSession, NewUser};
    use super::tokens::SessionToken;
    let store = Store::open(url, 4).await.map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    let hash = super::passwords::Passwords::new(1)
        .map_err(|e| e.to_string())?
        .hash(&secrecy::SecretString::from(password.to_string()))
        .await
        .map_err(|e| e.to_string())?;
    let user_id = new_id();
    let email = format!("{username}@example.com");
    store
        .users
        .create(NewUser {
            id: &user_id,
            username,
            email: &email,
            hashed_password: &hash,
            now,
        })
        .await
        .map_err(|e| e.to_string())?;
    let agents = [
        ("Firefox 128.0", "Linux", "desktop"),
        ("Chrome 120.0", "Windows 10", "desktop"),
        ("Safari 17.0", "iPhone 17.0", "phone"),
        ("Safari 17.0", "iPad 17.0", "tablet"),
    ];
    let mut first_token = String::new();
    let mut ids = Vec::new();
    for i in 0..sessions.max(1) {
        let token = SessionToken::generate();
        if i == 0 {
            first_token = token.expose().to_string();
        }
        let id = new_id();
        let (browser, os, device) = agents[i % agents.len()];
        let ip = format!("10.0.{}.{}", i / 250, i % 250 + 1);
        store
            .sessions
            .create(
                NewSession {
                    id: &id,
                    user_id: &user_id,
                    token_hash: &token.hash(),
                    client_ip: &ip,
                    user_agent: Some("bench"),
                    device_fingerprint: Some(&format!("{device}|{browser}|{os}")),
                    location: None,
                    login_method: "password",
                    expires_at: now + chrono::Duration::days(30),
                    device_type: Some(device),
                    browser: Some(browser),
                    os: Some(os),
                    country: None,
                    city: None,
                    security_score: 100,
                    suspicious: i % 7 == 3,
                    now: now - chrono::Duration::minutes(i as i64),
                },
                true,
                &[],
            )
            .await
            .map_err(|e| e.to_string())?;
        ids.push(id);
    }
    let kinds = [
        "sign_in",
        "profile_updated",
        "sign_in_failed",
        "session_revoked",
        "password_changed",
    ];
    for i in 0..events {
        store
            .activity
            .record(&NewActivity {
                session_id: ids[i % ids.len()].clone(),
                user_id: user_id.clone(),
                activity_type: kinds[i % kinds.len()],
                endpoint: Some("/api/login".into()),
                method: Some("POST".into()),
                client_ip: "10.0.0.1".into(),
                user_agent: Some("bench".into()),
                request_id: None,
                response_status: Some(200),
                extra_data: None,
                now: now - chrono::Duration::seconds(i as i64 * 17),
            })
            .await
            .map_err(|e| e.to_string())?;
    }
    store.db.close().await;
    println!("{first_token}");
    Ok(())
}

/// Clears the throttle counters of the account `login` names (and of the
/// name itself, as typed before the account existed).
async fn unlock_account(url: &str, login: &str) -> Result<(), String> {
    use super::throttle::{account_key, subject_key, Subject};
    let store = Store::open(url, 2).await.map_err(|e| e.to_string())?;
    store.migrate().await.map_err(|e| e.to_string())?;
    let user = store
        .users
        .find_by_login(login.trim())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no account is called {login:?}"))?;
    for key in [
        subject_key(Subject::Account(&user.id)),
        account_key(&user.username),
        account_key(&user.email),
    ] {
        store
            .throttle
            .reset(&key)
            .await
            .map_err(|e| e.to_string())?;
    }
    store.db.close().await;
    println!("unlocked {}", user.username);
    Ok(())
}

/// Hashes with the production parameters on `threads` threads for `seconds`.
fn hash_rate(seconds: u64, threads: Option<usize>, reuse_memory: bool) -> Result<(), String> {
    use super::passwords::{hash_with_params, M_COST, P_COST, T_COST};
    // Hash with the allocator settings the running server has.
    super::web::memory::restore_purge_delay();
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let start = std::time::Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            std::thread::spawn(move || {
                let mut n = 0u64;
                let stored = hash_with_params("benchmark-password-1", M_COST, T_COST, P_COST)
                    .unwrap_or_default();
                let mut work = super::passwords::WorkArea::default();
                while std::time::Instant::now() < deadline {
                    let ok = if reuse_memory {
                        work.verify("benchmark-password-1", &stored)
                    } else {
                        hash_with_params("benchmark-password-1", M_COST, T_COST, P_COST).is_ok()
                    };
                    if ok {
                        n += 1;
                    }
                }
                n
            })
        })
        .collect();
    let total: u64 = handles.into_iter().map(|h| h.join().unwrap_or(0)).sum();
    let rate = total as f64 / start.elapsed().as_secs_f64();
    let how = if reuse_memory {
        "memory kept"
    } else {
        "hash_password"
    };
    println!("argon2id m={M_COST} t={T_COST} p={P_COST} ({how}): {total} hashes on {threads} threads in {seconds} s = {rate:.1} hashes/s");
    Ok(())
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// Few malloc arenas: glibc otherwise gives many threads (argon2 workers,
/// SQLite connections, tokio) an arena each, and each keeps its high-water mark.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

pub fn main() -> ExitCode {
    limit_malloc_arenas();
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // No subcommand means `serve`, with the same flags.
    let known = [
        "serve",
        "migrate",
        "hash-rate",
        "bench-seed",
        "seed-demo",
        "unlock-account",
        "help",
        "--help",
        "-h",
        "--version",
        "-V",
    ];
    if !args.iter().skip(1).any(|a| known.iter().any(|k| a == k)) {
        args.insert(1.min(args.len()), "serve".into());
    }
    let cli = Cli::try_parse_from(&args);
    let cli = match cli {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("vestibule: error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: Result<(), String> = runtime.block_on(async move {
        match cli.command {
            Some(Command::Migrate) => {
                init_tracing(LogFormat::Pretty);
                let store = Store::open(&cli.database_url, 2)
                    .await
                    .map_err(|e| e.to_string())?;
                store.migrate().await.map_err(|e| e.to_string())?;
                store.db.close().await;
                tracing::info!(engine = store.db.engine(), "migrations are up to date");
                Ok(())
            }
            Some(Command::Serve(settings)) => {
                init_tracing(settings.log_format);
                super::boot::serve(*settings, &cli.database_url)
                    .await
                    .map_err(|e| e.to_string())
            }
            Some(Command::HashRate {
                seconds,
                threads,
                reuse_memory,
            }) => hash_rate(seconds, threads, reuse_memory),
            Some(Command::UnlockAccount { login }) => {
                init_tracing(LogFormat::Pretty);
                unlock_account(&cli.database_url, &login).await
            }
            Some(Command::SeedDemo { groups, password }) => {
                init_tracing(LogFormat::Pretty);
                super::seed::seed_demo(&cli.database_url, groups, &password).await
            }
            Some(Command::BenchSeed {
                username,
                password,
                sessions,
                events,
            }) => bench_seed(&cli.database_url, &username, &password, sessions, events).await,
            None => Err("no command".into()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vestibule: error: {e}");
            ExitCode::FAILURE
        }
    }
}
