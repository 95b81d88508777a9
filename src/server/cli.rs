//! The command line: `vestibule serve` (default) and `vestibule migrate`.
//! A bad setting ends the process with one clear line and exit code 1.

use super::config::{LogFormat, ServeSettings};
use super::store::Store;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "vestibule", version, about = "Vestibule: a self-hosted account portal")]
struct Cli {
    /// sqlite://PATH (created on first start) or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/vestibule.db", global = true, hide_env_values = true)]
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
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

pub fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(Cli { command: None, .. }) => {
            // No subcommand: serve, with the same flags.
            args.insert(1.min(args.len()), "serve".into());
            Cli::try_parse_from(&args)
        }
        other => other,
    };
    let cli = match cli {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
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
                let store = Store::connect(&cli.database_url, 2).await.map_err(|e| e.to_string())?;
                store.migrate().await.map_err(|e| e.to_string())?;
                store.close().await;
                tracing::info!(engine = store.engine(), "migrations are up to date");
                Ok(())
            }
            Some(Command::Serve(settings)) => {
                init_tracing(settings.log_format);
                super::router::serve(*settings, &cli.database_url).await.map_err(|e| e.to_string())
            }
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
