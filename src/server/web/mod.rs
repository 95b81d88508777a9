//! The web layer: the axum router and the middleware every request passes,
//! rendering pages, calling server functions (HTTP statuses and the form
//! flash are decided here), static files, and the anonymous page cache. It
//! runs the server until a shutdown signal, then drains requests and writes
//! the buffered activity (R4).

mod assets;
mod context;
mod csp;
mod flash;
mod layers;
pub mod memory;
mod page_cache;
mod pages;
mod server_fns;
mod session;
pub mod status;

use crate::server::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::map_request_body::MapRequestBodyLayer;

pub use assets::Assets;
pub use layers::client_ip;

use context::{leptos_options, Web};

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(web): State<Web>) -> Response {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), web.app.store.db.ping());
    if ping.await.unwrap_or(false) {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

/// Static files, answered before anything reads the session.
async fn static_files(State(web): State<Web>, req: Request<Body>, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        if let Some(res) = web.assets.respond(req.uri().path(), req.headers()) {
            return res;
        }
    }
    next.run(req).await
}

/// The routes inside one stack of middleware (outermost first).
pub async fn build_router(state: AppState) -> Router {
    // Rendering runs reactive tasks on tokio (already set when a second
    // server starts in the same process).
    let _ = any_spawner::Executor::init_tokio();
    let web = Web {
        options: leptos_options(&state),
        assets: Assets::load(&state.settings.site_root).await,
        pages: page_cache::PageCache::new(state.store.groups.clone()),
        app: state,
    };
    memory::release_freed();
    memory::restore_purge_delay();
    let routes = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/{*fn_name}", post(server_fns::call))
        .fallback(pages::render)
        .with_state(web.clone());
    let stack = tower::ServiceBuilder::new()
        .layer(from_fn_with_state(web.clone(), layers::request_context))
        .layer(from_fn_with_state(web.clone(), layers::security_headers))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(RequestBodyLimitLayer::new(web.app.settings.body_limit))
        .layer(MapRequestBodyLayer::new(Body::new))
        .layer(from_fn_with_state(web.clone(), layers::cross_site_guard))
        .layer(from_fn_with_state(web.clone(), static_files))
        .layer(from_fn_with_state(web.clone(), session::authenticate))
        .layer(from_fn_with_state(web.pages.clone(), page_cache::serve))
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
                _ = cleanup.tick() => crate::server::sessions::cleanup::cleanup(&state).await,
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

    /// Waits until the server has stopped (after a shutdown signal).
    pub async fn wait(self) {
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
    let app = build_router(state.clone()).await;
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
        st.store.db.close().await;
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
