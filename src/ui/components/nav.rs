//! The site header and the signed-in state every page shares.

use crate::api::auth::Logout;
use crate::domain::CurrentUser;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

/// Who is signed in, as the page was loaded: the server knows it from the
/// request, and the browser gets the same value with the page. Everything
/// that changes who the caller is (signing in or out, the profile, the
/// password) posts plainly and comes back as a new page, so it never
/// changes under a page.
#[derive(Clone, Copy)]
pub struct Auth {
    user: StoredValue<Option<CurrentUser>>,
}

impl Auth {
    pub fn user(&self) -> Option<CurrentUser> {
        self.user.get_value()
    }
}

pub fn provide_auth() {
    let shared = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            crate::api::auth::caller_view()
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<CurrentUser>
        }
    });
    provide_context(Auth {
        user: StoredValue::new(shared.into_inner()),
    });
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="site-header">
            <nav aria-label="Main">
                <A href="/" attr:class="brand">"Vestibule"</A>
                <ul class="nav-links">
                    <li><A href="/groups">"Groups"</A></li>
                    {match auth.user() {
                        Some(u) => Either::Left(view! { <SignedInLinks user=u/> }),
                        None => Either::Right(view! {
                            <li><A href="/login">"Sign in"</A></li>
                            <li><A href="/register">"Create account"</A></li>
                        }),
                    }}
                </ul>
            </nav>
        </header>
    }
}

#[component]
fn SignedInLinks(user: CurrentUser) -> impl IntoView {
    let name = user.display_name();
    let avatar = user.picture_url.clone();
    view! {
        <li><A href="/account/sessions">"Sessions"</A></li>
        <li>
            <A href="/account" exact=true attr:class="nav-account">
                {avatar.map(|src| view! {
                    <img class="avatar" src=src alt="" width="24" height="24" referrerpolicy="no-referrer"/>
                })}
                <span>{name}</span>
            </A>
        </li>
        <li>
            <form method="post" action={<Logout as ServerFn>::PATH} class="inline-form">
                <button type="submit" class="link-button">"Sign out"</button>
            </form>
        </li>
    }
}
