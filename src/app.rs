//! The HTML shell and the route table. Pages live in `ui/pages/`.

use crate::ui::components::nav::{provide_auth, SiteHeader};
use crate::ui::pages::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

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
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Creates the shared actions inside the router, where an error that a
/// no-JavaScript form post carried back in the URL can reach them.
#[component]
fn AuthScope(children: Children) -> impl IntoView {
    provide_auth();
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
        <Title formatter=|t: String| if t.is_empty() { "Vestibule".to_string() } else { format!("{t} · Vestibule") }/>
        <Router>
            <AuthScope>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader/>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify-email") view=VerifyEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/account/email") view=EmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/password") view=PasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/sessions") view=SessionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/activity") view=ActivityPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/delete") view=DeletePage ssr=SsrMode::Async/>
                    <Route path=path!("/sessions/end") view=EndSessionPage ssr=SsrMode::Async/>
                    <Route path=path!("/groups") view=GroupsPage ssr=SsrMode::Async/>
                    <Route path=path!("/groups/new") view=NewGroupPage ssr=SsrMode::Async/>
                    <Route path=path!("/groups/:slug") view=GroupPage ssr=SsrMode::Async/>
                    <Route path=path!("/groups/:slug/manage") view=ManageGroupPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <footer class="site-footer">
                <p>"Vestibule — your account, your sessions, your groups."</p>
            </footer>
            </AuthScope>
        </Router>
    }
}
