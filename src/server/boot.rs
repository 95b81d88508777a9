//! Starting up: the state from the settings (database and migrations,
//! signing key, mail, GeoIP, password hashing), and `vestibule serve`.

use super::clock::{Clock, SystemClock};
use super::config::{OnOff, ServeSettings};
use super::crypto::Sealer;
use super::geo::Geo;
use super::mail::Mailer;
use super::passwords::Passwords;
use super::state::AppState;
use super::store::Store;
use super::tokens::Signer;
use super::tracker::ActivityTracker;
use super::web;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] super::store::ConnectError),
    #[error(transparent)]
    Mail(#[from] super::mail::MailError),
    #[error("cannot read or create the signing key {0}: {1}")]
    Key(String, String),
    #[error("cannot open the GeoIP database {0}: {1}")]
    Geo(String, String),
    #[error("cannot listen on {0}: {1}")]
    Listen(String, String),
    #[error("password hashing self-test failed: {0}")]
    Hash(String),
}

/// The secret that signs links and seals values: `VESTIBULE_SECRET_KEY`, or
/// one generated once into the data folder.
fn load_key(settings: &ServeSettings) -> Result<Vec<u8>, StartError> {
    if let Some(k) = &settings.secret_key {
        if k.len() < 32 {
            return Err(StartError::Key(
                "VESTIBULE_SECRET_KEY".into(),
                "use at least 32 characters".into(),
            ));
        }
        return Ok(k.as_bytes().to_vec());
    }
    let path = settings.data_dir.join("secret.key");
    let shown = path.display().to_string();
    if let Ok(text) = std::fs::read_to_string(&path) {
        let t = text.trim();
        if t.len() >= 32 {
            return Ok(t.as_bytes().to_vec());
        }
    }
    std::fs::create_dir_all(&settings.data_dir)
        .map_err(|e| StartError::Key(shown.clone(), e.to_string()))?;
    let key = {
        use rand::RngCore;
        let mut b = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut b);
        hex::encode(b)
    };
    std::fs::write(&path, &key).map_err(|e| StartError::Key(shown.clone(), e.to_string()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    tracing::info!(path = %shown, "generated a new signing key");
    Ok(key.into_bytes())
}

/// Opens the database, applies migrations and assembles the state.
pub async fn build_state(
    settings: ServeSettings,
    database_url: &str,
    clock: Arc<dyn Clock>,
) -> Result<AppState, StartError> {
    let store = Store::open(database_url, settings.db_max_connections).await?;
    store.migrate().await?;
    if settings.throttle == OnOff::Off {
        tracing::warn!(
            "sign-in throttling is OFF (VESTIBULE_THROTTLE=off): use this only for load tests"
        );
    }
    if store.db.engine() == "postgres" && settings.secret_key.is_none() {
        tracing::warn!("VESTIBULE_SECRET_KEY is unset: each instance keeps its own key in its data folder; set one shared key when several instances serve one site");
    }
    let key = load_key(&settings)?;
    let sealer = Sealer::new(
        &key,
        settings.secret_key_previous.as_deref().map(str::as_bytes),
    );
    let mailer = Mailer::new(
        settings.smtp_url.as_deref(),
        &settings.mail_from,
        settings.outbox(),
    )?;
    let geo = Geo::open(settings.geoip_db.as_deref()).map_err(|e| {
        let shown = settings
            .geoip_db
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        StartError::Geo(shown, e)
    })?;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let passwords = Passwords::new(settings.hash_concurrency.unwrap_or(cores))
        .map_err(|e| StartError::Hash(e.to_string()))?;
    Ok(AppState::from(super::state::Shared {
        store,
        tracker: ActivityTracker::new(settings.track_activity == OnOff::On),
        settings: Arc::new(settings),
        clock,
        passwords,
        signer: Signer::new(&key),
        sealer,
        mailer,
        geo,
        last_alert: Default::default(),
    }))
}

/// `vestibule serve`.
pub async fn serve(settings: ServeSettings, database_url: &str) -> Result<(), StartError> {
    let addr = settings.addr;
    let state = build_state(settings, database_url, Arc::new(SystemClock)).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| StartError::Listen(addr.to_string(), e.to_string()))?;
    tracing::info!(%addr, public_url = %state.settings.public_url(), engine = state.store.db.engine(), "Vestibule is listening");
    let running = web::start(listener, state, web::shutdown_signal()).await;
    running.wait().await;
    Ok(())
}
