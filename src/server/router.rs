//! Builds the application (state, router, layers) and runs it until a
//! shutdown signal, then drains requests and flushes buffered activity (R4).

use super::assets::Assets;
use super::clock::{Clock, SystemClock};
use super::config::{OnOff, ServeSettings};
use super::http;
use super::mail::Mailer;
use super::passwords::Passwords;
use super::session::{self, ActivityTracker};
use super::state::AppState;
use super::store::Store;
use super::tokens::Signer;
use crate::app::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::map_request_body::MapRequestBodyLayer;

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
    let store = Store::connect(database_url, settings.db_max_connections).await?;
    store.migrate().await?;
    if settings.throttle == OnOff::Off {
        tracing::warn!(
            "sign-in throttling is OFF (VESTIBULE_THROTTLE=off): use this only for load tests"
        );
    }
    if store.engine() == "postgres" && settings.secret_key.is_none() {
        tracing::warn!("VESTIBULE_SECRET_KEY is unset: each instance keeps its own key in its data folder; set one shared key when several instances serve one site");
    }
    let key = load_key(&settings)?;
    let mailer = Mailer::new(
        settings.smtp_url.as_deref(),
        &settings.mail_from,
        settings.outbox(),
    )?;
    let geo = match &settings.geoip_db {
        Some(p) => Some(Arc::new(
            maxminddb::Reader::open_readfile(p)
                .map_err(|e| StartError::Geo(p.display().to_string(), e.to_string()))?,
        )),
        None => None,
    };
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let passwords = Passwords::new(settings.hash_concurrency.unwrap_or(cores))
        .map_err(|e| StartError::Hash(e.to_string()))?;
    let assets = Assets::load(&settings.site_root).await;
    let leptos_options = leptos_options(&settings);
    release_freed_memory();
    restore_purge_delay();
    Ok(AppState::from(super::state::Shared {
        leptos_options,
        store,
        tracker: ActivityTracker::new(settings.track_activity == OnOff::On),
        settings: Arc::new(settings),
        clock,
        passwords,
        signer: Signer::new(&key),
        mailer,
        assets,
        page_cache: Default::default(),
        last_alert: Default::default(),
        geo,
    }))
}

/// Start-up compresses the assets and computes a dummy argon2 hash; both
/// allocate tens of megabytes that are freed at once. Hand that memory back to
/// the operating system so an idle server stays small.
pub(crate) fn release_freed_memory() {
    // SAFETY: mi_collect only returns free memory to the system; any thread may call it.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

/// Puts mimalloc's purge delay back to its default (10 ms) once start-up has
/// freed its buffers; `src/main.rs` sets it to 0 before `main`.
pub(crate) fn restore_purge_delay() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a plain option value.
        unsafe { libmimalloc_sys::mi_option_set(super::PURGE_DELAY, 10) };
    }
}

fn leptos_options(settings: &ServeSettings) -> LeptosOptions {
    // cargo-leptos writes hash.txt beside the server binary when it hashes
    // file names; without it (tests) the plain names are used.
    let hashed = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("hash.txt")))
        .map(|p| p.exists())
        .unwrap_or(false);
    LeptosOptions::builder()
        .output_name("vestibule")
        .site_root(settings.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .hash_files(hashed)
        .build()
}

/// Puts the state into every Leptos render and server-function call, and
/// names this render's nonce in the page's CSP header (S24).
fn leptos_context(state: AppState) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(state.clone());
        if let (Some(nonce), Some(res)) = (
            leptos::nonce::use_nonce(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) {
            if let Ok(v) = HeaderValue::from_str(&http::csp(Some(&nonce))) {
                res.insert_header(header::CONTENT_SECURITY_POLICY, v);
            }
        }
    }
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> Response {
    // An unknown function gets our own plain 404, not the framework's
    // developer advice (S34).
    if !is_server_fn(req.uri().path()) {
        let body = serde_json::to_string(&crate::domain::AppError::NotFound).unwrap_or_default();
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    handle_server_fns_with_context(leptos_context(state), req)
        .await
        .into_response()
}

/// Is `path` a registered server function (read once, after registration)?
fn is_server_fn(path: &str) -> bool {
    static PATHS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    PATHS
        .get_or_init(|| {
            leptos::server_fn::axum::server_fn_paths()
                .map(|(p, _)| p)
                .collect()
        })
        .contains(path)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    if state.store.ping().await {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

/// Static files first; anything else is rendered by the app, whose fallback
/// route answers 404.
async fn fallback(State(state): State<AppState>, req: Request<Body>) -> Response {
    if matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) {
        if let Some(res) = state.assets.respond(req.uri().path(), req.headers()) {
            return res;
        }
    } else {
        return (StatusCode::NOT_FOUND, "Not found.").into_response();
    }
    let opts = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(leptos_context(state), move || {
        shell(opts.clone())
    });
    handler(req).await.into_response()
}

/// The routes inside one stack of middleware. The stack wraps the router as
/// a whole (`tower::ServiceBuilder`), not each route: `Router::layer` boxes
/// every route at every layer, and each request then cloned those boxes, one
/// allocation per layer below each from-fn middleware (about 60 a request).
pub fn build_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let opts = state.leptos_options.clone();
    let routes = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/{*fn_name}", post(server_fn_handler))
        .leptos_routes_with_context(&state, routes, leptos_context(state.clone()), move || {
            shell(opts.clone())
        })
        .fallback(fallback)
        .with_state(state.clone());
    // Outermost first: each layer wraps the ones below it.
    let stack = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::request_context,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::security_headers,
        ))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(RequestBodyLimitLayer::new(state.settings.body_limit))
        .layer(MapRequestBodyLayer::new(Body::new))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::cross_site_guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::authenticate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::pagecache::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state,
            super::splice::serve,
        ))
        .service(routes);
    Router::new().fallback_service(stack)
}

/// Background work: flush activity counters, expire sessions, drop old counters.
fn spawn_background(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut flush = tokio::time::interval(state.settings.flush_interval());
        let mut cleanup = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = flush.tick() => state.tracker.flush(&state.store).await,
                _ = cleanup.tick() => super::accounts::cleanup(&state).await,
            }
        }
    })
}

/// A running server: its address and a way to stop it.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: tokio::sync::oneshot::Sender<()>,
    done: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting, drains in-flight requests, flushes, and waits.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.done.await;
    }
}

/// Starts the app on `listener` and returns at once. `shutdown` or
/// [`Running::stop`] ends it.
pub async fn start(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Running {
    let addr = listener
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
    let app = build_router(state.clone());
    let background = spawn_background(state.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let st = state.clone();
    let done = tokio::spawn(async move {
        let signal = async move {
            tokio::select! {
                _ = shutdown => {},
                _ = stopped => {},
            }
            tracing::info!("shutting down: finishing in-flight requests");
        };
        if let Err(e) = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .await
        {
            tracing::error!(error = %e, "server error");
        }
        background.abort();
        st.tracker.flush(&st.store).await;
        st.store.close().await;
        tracing::info!("stopped");
    });
    Running {
        addr,
        state,
        stop,
        done,
    }
}

/// Waits for SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// `vestibule serve`.
pub async fn serve(settings: ServeSettings, database_url: &str) -> Result<(), StartError> {
    let addr = settings.addr;
    let state = build_state(settings, database_url, Arc::new(SystemClock)).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| StartError::Listen(addr.to_string(), e.to_string()))?;
    tracing::info!(%addr, public_url = %state.settings.public_url(), engine = state.store.engine(), "Vestibule is listening");
    let running = start(listener, state, shutdown_signal()).await;
    let _ = running.done.await;
    Ok(())
}

pub fn site_root_exists(p: &Path) -> bool {
    p.join("pkg").exists()
}
