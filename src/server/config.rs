//! Settings: command-line flags and environment variables, each with a safe
//! default. README lists every one.

use clap::{Args, ValueEnum};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

/// Settings of `vestibule serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeSettings {
    /// Address to listen on.
    #[arg(long, env = "VESTIBULE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// The URL people use to reach the site: links in emails, the Origin check,
    /// and whether cookies are Secure. Defaults to http://<addr>.
    #[arg(long, env = "VESTIBULE_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// `public_url` or its default, worked out on first use: the cookie
    /// flags and the Origin check ask on every request.
    #[arg(skip)]
    resolved_url: std::sync::OnceLock<url::Url>,
    /// Where the built site (pkg/ with WASM, JS, CSS) lives.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Folder for local state: the outbox and the generated signing key.
    #[arg(long, env = "VESTIBULE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Secret for signing email links (hex or any text of 32+ bytes). Generated
    /// into <data dir>/secret.key when unset; set it when several instances serve one site.
    #[arg(long, env = "VESTIBULE_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// The secret used before the current one, during a rotation: values
    /// sealed under it (form flashes; later second-factor secrets) still open.
    #[arg(long, env = "VESTIBULE_SECRET_KEY_PREVIOUS", hide_env_values = true)]
    pub secret_key_previous: Option<String>,
    /// SMTP server, e.g. smtp://localhost:2525 or smtps://user:pass@host. Unset: write .eml files to the outbox.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender address of outgoing mail.
    #[arg(
        long,
        env = "VESTIBULE_MAIL_FROM",
        default_value = "Vestibule <no-reply@vestibule.local>"
    )]
    pub mail_from: String,
    /// Outbox folder for .eml files when no SMTP server is set. Default <data dir>/outbox.
    #[arg(long, env = "VESTIBULE_OUTBOX_DIR")]
    pub outbox_dir: Option<PathBuf>,
    /// MaxMind GeoIP2/GeoLite2 City database for session locations.
    #[arg(long, env = "VESTIBULE_GEOIP_DB")]
    pub geoip_db: Option<PathBuf>,
    /// Sign-in throttling (S10, S11). `off` only for load tests and scripted setups.
    #[arg(long, env = "VESTIBULE_THROTTLE", value_enum, default_value = "on")]
    pub throttle: OnOff,
    /// Failures per account before sign-in is slowed down.
    #[arg(long, env = "VESTIBULE_THROTTLE_ACCOUNT_FAILURES", default_value_t = 5)]
    pub throttle_account_failures: u32,
    /// Failures in a row (across windows) after which an account stays
    /// locked until an operator runs `vestibule unlock-account` (S10).
    #[arg(
        long,
        env = "VESTIBULE_THROTTLE_ACCOUNT_MAX_CONSECUTIVE",
        default_value_t = 100
    )]
    pub throttle_account_max_consecutive: u32,
    /// Failures per client IP before that address is refused for a while.
    #[arg(long, env = "VESTIBULE_THROTTLE_IP_FAILURES", default_value_t = 50)]
    pub throttle_ip_failures: u32,
    /// Window in which failures count, in minutes.
    #[arg(long, env = "VESTIBULE_THROTTLE_WINDOW_MINUTES", default_value_t = 15)]
    pub throttle_window_minutes: u32,
    /// Proxies whose X-Forwarded-For is believed (comma-separated IPs).
    #[arg(long, env = "VESTIBULE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    /// Idle lifetime of a normal session, minutes.
    #[arg(long, env = "VESTIBULE_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u32,
    /// Absolute lifetime of a normal session, hours.
    #[arg(long, env = "VESTIBULE_SESSION_ABSOLUTE_HOURS", default_value_t = 12)]
    pub session_absolute_hours: u32,
    /// Idle lifetime with "Keep me signed in", days.
    #[arg(long, env = "VESTIBULE_REMEMBER_IDLE_DAYS", default_value_t = 7)]
    pub remember_idle_days: u32,
    /// Absolute lifetime with "Keep me signed in", days.
    #[arg(long, env = "VESTIBULE_REMEMBER_ABSOLUTE_DAYS", default_value_t = 30)]
    pub remember_absolute_days: u32,
    /// How many groups one person may own at once.
    #[arg(long, env = "VESTIBULE_MAX_OWNED_GROUPS", default_value_t = 10)]
    pub max_owned_groups: u32,
    /// Largest request body accepted, bytes (S3, S33).
    #[arg(long, env = "VESTIBULE_BODY_LIMIT", default_value_t = 64 * 1024)]
    pub body_limit: usize,
    /// Password hashes computed at once (S12). Default: the number of cores.
    #[arg(long, env = "VESTIBULE_HASH_CONCURRENCY")]
    pub hash_concurrency: Option<usize>,
    /// Largest number of database connections.
    #[arg(long, env = "VESTIBULE_DB_MAX_CONNECTIONS", default_value_t = 16)]
    pub db_max_connections: u32,
    /// How often buffered session activity is written, milliseconds.
    #[arg(long, env = "VESTIBULE_ACTIVITY_FLUSH_MS", default_value_t = 1000)]
    pub activity_flush_ms: u64,
    /// Session activity tracking (request counts, last activity). `off` for benchmarks.
    #[arg(
        long,
        env = "VESTIBULE_TRACK_ACTIVITY",
        value_enum,
        default_value = "on"
    )]
    pub track_activity: OnOff,
    /// Log format: pretty for people, json for collectors.
    #[arg(
        long,
        env = "VESTIBULE_LOG_FORMAT",
        value_enum,
        default_value = "pretty"
    )]
    pub log_format: LogFormat,
}

impl ServeSettings {
    pub fn public_url(&self) -> &url::Url {
        self.resolved_url.get_or_init(|| match &self.public_url {
            Some(u) => u.clone(),
            None => {
                let host = match self.addr.ip() {
                    ip if ip.is_unspecified() => "127.0.0.1".to_string(),
                    IpAddr::V6(ip) => format!("[{ip}]"),
                    ip => ip.to_string(),
                };
                url::Url::parse(&format!("http://{host}:{}", self.addr.port()))
                    .unwrap_or_else(|_| unreachable_url())
            }
        })
    }
    pub fn is_https(&self) -> bool {
        self.public_url().scheme() == "https"
    }
    pub fn outbox(&self) -> PathBuf {
        self.outbox_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("outbox"))
    }
    pub fn idle(&self, remember: bool) -> chrono::Duration {
        if remember {
            chrono::Duration::days(self.remember_idle_days.into())
        } else {
            chrono::Duration::minutes(self.session_idle_minutes.into())
        }
    }
    pub fn absolute(&self, remember: bool) -> chrono::Duration {
        if remember {
            chrono::Duration::days(self.remember_absolute_days.into())
        } else {
            chrono::Duration::hours(self.session_absolute_hours.into())
        }
    }
    pub fn throttle_on(&self) -> bool {
        self.throttle == OnOff::On
    }
    pub fn flush_interval(&self) -> Duration {
        Duration::from_millis(self.activity_flush_ms.max(10))
    }
}

// `Url::parse` of a literal cannot fail; this keeps the code free of unwrap.
fn unreachable_url() -> url::Url {
    #[allow(clippy::expect_used)]
    url::Url::parse("http://127.0.0.1/").expect("literal URL parses")
}
