//! The HTML shell and the route table. Pages live in `ui/pages/`.

use crate::ui::components::form::provide_flash;
use crate::ui::components::nav::{provide_auth, SiteHeader};
use crate::ui::components::title::ShellTitle;
use crate::ui::pages::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

/// The document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <Stylesheet options=options.clone()/>
                <Hydration options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The file names of the stylesheet, the browser build and its split
/// manifest, read from cargo-leptos's hash file once per process. Leptos's
/// own `HashedStylesheet` and `HydrationScripts` read that file from disk on
/// every page they render.
struct AssetNames {
    css: String,
    js: String,
    wasm: String,
    /// The module script's text: load the JS, then the WASM, then hydrate.
    loader: String,
    /// The lazy routes' chunks, which the router preloads (what
    /// `HydrationScripts` provides as context).
    split: Option<leptos::WasmSplitManifest>,
}

fn asset_names(options: &LeptosOptions) -> &'static AssetNames {
    static NAMES: std::sync::OnceLock<AssetNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let hashes = if options.hash_files {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|d| d.join(options.hash_file.as_ref())))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let hash = |kind: &str| {
            hashes.lines().find_map(|l| {
                let (k, v) = l.trim().split_once(':')?;
                (k.trim() == kind).then(|| v.trim().to_string())
            })
        };
        let named = |base: &str, kind: &str| match hash(kind) {
            Some(h) => format!("{base}.{h}"),
            None => base.to_string(),
        };
        let out = options.output_name.to_string();
        let pkg = options.site_pkg_dir.to_string();
        let manifest = named("__wasm_split_manifest", "manifest");
        let split_js = match hash("split") {
            Some(h) => format!("__wasm_split.{h}.js"),
            None => "__wasm_split.______________________.js".to_string(),
        };
        let split = std::fs::read_to_string(
            std::path::Path::new(options.site_root.as_ref())
                .join(&pkg)
                .join(format!("{manifest}.json")),
        )
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .map(|preloads| {
            leptos::WasmSplitManifest(ArcStoredValue::new((format!("/{pkg}"), preloads, split_js)))
        });
        let js = format!("/{pkg}/{}.js", named(&out, "js"));
        let wasm = format!("/{pkg}/{}.wasm", named(&out, "wasm"));
        let loader = format!(
            "import({js:?}).then(m=>m.default({{module_or_path:{wasm:?}}}).then(()=>m.hydrate()))"
        );
        AssetNames {
            css: format!("/{pkg}/{}.css", named(&out, "css")),
            js,
            wasm,
            loader,
            split,
        }
    })
}

/// The stylesheet link that `leptos_meta::HashedStylesheet` would write.
#[component]
fn Stylesheet(options: LeptosOptions) -> impl IntoView {
    let href = asset_names(&options).css.as_str();
    view! { <link id="leptos" rel="stylesheet" href=href/> }
}

/// What `leptos::HydrationScripts` writes (preloads of the browser build and
/// the module script that loads it and hydrates), with the names read once.
#[component]
fn Hydration(options: LeptosOptions) -> impl IntoView {
    let names = asset_names(&options);
    if let Some(split) = &names.split {
        provide_context(split.clone());
    }
    let nonce = leptos::nonce::use_nonce();
    let crossorigin = nonce.as_ref().map(|n| n.to_string()).unwrap_or_default();
    view! {
        <link rel="modulepreload" href=names.js.as_str() crossorigin=crossorigin.clone()/>
        <link rel="preload" href=names.wasm.as_str() r#as="fetch" r#type="application/wasm" crossorigin=crossorigin/>
        <script type="module" nonce=nonce>{names.loader.as_str()}</script>
    }
}

/// What every page shares, inside the router: who is signed in, and what
/// the last form post brought back.
#[component]
fn AuthScope(children: Children) -> impl IntoView {
    provide_auth();
    provide_flash();
    children()
}

/// Every route renders with `SsrMode::Async`: the server waits for the page's
/// data and sends complete HTML, so pages work without JavaScript (streamed
/// Suspense chunks would need a script to be put in place).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Tells browser tests (and curious people) that the WASM has taken over.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <ShellTitle/>
        <Router>
            <AuthScope>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader/>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/verify-email") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account") view={Lazy::<ProfileRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/email") view={Lazy::<EmailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/password") view={Lazy::<PasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/sessions") view={Lazy::<SessionsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/activity") view={Lazy::<ActivityRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/delete") view={Lazy::<DeleteRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/sessions/end") view={Lazy::<EndSessionRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/groups") view={Lazy::<GroupsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/groups/new") view={Lazy::<NewGroupRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/groups/:slug") view={Lazy::<GroupRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/groups/:slug/manage") view={Lazy::<ManageGroupRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
            // Errors are read out from here once the page runs in the browser
            // (`ErrorSummary`): a region that holds text when a page loads is
            // often not announced.
            <div id="live-region" class="visually-hidden" role="alert" aria-live="assertive"></div>
            <footer class="site-footer">
                <p>"Vestibule — your account, your sessions, your groups."</p>
            </footer>
            </AuthScope>
        </Router>
    }
}

// Each page is a lazy route: the browser build splits its view into a WASM
// chunk of its own (`cargo leptos build --split`), so the first load carries
// the shell, the router and the page in hand, not every page. The server
// renders them as before. Written out one by one: the split points are named
// after the type, and a macro would give them all one source position.

/// `/`: its view is a chunk of its own.
pub struct HomeRoute;

#[lazy_route]
impl LazyRoute for HomeRoute {
    fn data() -> Self {
        HomeRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <HomePage/> }.into_any()
    }
}

/// `/register`: its view is a chunk of its own.
pub struct RegisterRoute;

#[lazy_route]
impl LazyRoute for RegisterRoute {
    fn data() -> Self {
        RegisterRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <RegisterPage/> }.into_any()
    }
}

/// `/login`: its view is a chunk of its own.
pub struct LoginRoute;

#[lazy_route]
impl LazyRoute for LoginRoute {
    fn data() -> Self {
        LoginRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <LoginPage/> }.into_any()
    }
}

/// `/verify-email`: its view is a chunk of its own.
pub struct VerifyEmailRoute;

#[lazy_route]
impl LazyRoute for VerifyEmailRoute {
    fn data() -> Self {
        VerifyEmailRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <VerifyEmailPage/> }.into_any()
    }
}

/// `/account`: its view is a chunk of its own.
pub struct ProfileRoute;

#[lazy_route]
impl LazyRoute for ProfileRoute {
    fn data() -> Self {
        ProfileRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ProfilePage/> }.into_any()
    }
}

/// `/account/email`: its view is a chunk of its own.
pub struct EmailRoute;

#[lazy_route]
impl LazyRoute for EmailRoute {
    fn data() -> Self {
        EmailRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <EmailPage/> }.into_any()
    }
}

/// `/account/password`: its view is a chunk of its own.
pub struct PasswordRoute;

#[lazy_route]
impl LazyRoute for PasswordRoute {
    fn data() -> Self {
        PasswordRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PasswordPage/> }.into_any()
    }
}

/// `/account/sessions`: its view is a chunk of its own.
pub struct SessionsRoute;

#[lazy_route]
impl LazyRoute for SessionsRoute {
    fn data() -> Self {
        SessionsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SessionsPage/> }.into_any()
    }
}

/// `/account/activity`: its view is a chunk of its own.
pub struct ActivityRoute;

#[lazy_route]
impl LazyRoute for ActivityRoute {
    fn data() -> Self {
        ActivityRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ActivityPage/> }.into_any()
    }
}

/// `/account/delete`: its view is a chunk of its own.
pub struct DeleteRoute;

#[lazy_route]
impl LazyRoute for DeleteRoute {
    fn data() -> Self {
        DeleteRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <DeletePage/> }.into_any()
    }
}

/// `/sessions/end`: its view is a chunk of its own.
pub struct EndSessionRoute;

#[lazy_route]
impl LazyRoute for EndSessionRoute {
    fn data() -> Self {
        EndSessionRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <EndSessionPage/> }.into_any()
    }
}

/// `/groups`: its view is a chunk of its own.
pub struct GroupsRoute;

#[lazy_route]
impl LazyRoute for GroupsRoute {
    fn data() -> Self {
        GroupsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <GroupsPage/> }.into_any()
    }
}

/// `/groups/new`: its view is a chunk of its own.
pub struct NewGroupRoute;

#[lazy_route]
impl LazyRoute for NewGroupRoute {
    fn data() -> Self {
        NewGroupRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <NewGroupPage/> }.into_any()
    }
}

/// `/groups/:slug`: its view is a chunk of its own.
pub struct GroupRoute;

#[lazy_route]
impl LazyRoute for GroupRoute {
    fn data() -> Self {
        GroupRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <GroupPage/> }.into_any()
    }
}

/// `/groups/:slug/manage`: its view is a chunk of its own.
pub struct ManageGroupRoute;

#[lazy_route]
impl LazyRoute for ManageGroupRoute {
    fn data() -> Self {
        ManageGroupRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ManageGroupPage/> }.into_any()
    }
}
