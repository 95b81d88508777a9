//! The site header and the signed-in state every page shares.

use crate::api::auth::{whoami, Login, Logout, Register};
use crate::api::account::{ChangePassword, DeleteAccount, UpdateProfile};
use crate::domain::{AppError, CurrentUser};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;

/// The caller and the actions that change who the caller is.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    pub login: ServerAction<Login>,
    pub register: ServerAction<Register>,
    pub logout: ServerAction<Logout>,
    pub profile: ServerAction<UpdateProfile>,
    pub password: ServerAction<ChangePassword>,
    pub delete: ServerAction<DeleteAccount>,
}

pub fn provide_auth() {
    let login = ServerAction::<Login>::new();
    let register = ServerAction::<Register>::new();
    let logout = ServerAction::<Logout>::new();
    let profile = ServerAction::<UpdateProfile>::new();
    let password = ServerAction::<ChangePassword>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let user = Resource::new(
        move || {
            (
                login.version().get(),
                register.version().get(),
                logout.version().get(),
                profile.version().get(),
                delete.version().get(),
            )
        },
        |_| whoami(),
    );
    provide_context(Auth {
        user,
        login,
        register,
        logout,
        profile,
        password,
        delete,
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
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match auth.user.await {
                                Ok(Some(u)) => view! { <SignedInLinks user=u/> }.into_any(),
                                _ => view! {
                                    <li><A href="/login">"Sign in"</A></li>
                                    <li><A href="/register">"Create account"</A></li>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                </ul>
            </nav>
        </header>
    }
}

#[component]
fn SignedInLinks(user: CurrentUser) -> impl IntoView {
    let auth = use_auth();
    let name = user.display_name();
    let avatar = user.picture_url.clone();
    view! {
        <li><A href="/account/sessions">"Sessions"</A></li>
        <li>
            <A href="/account" attr:class="nav-account">
                {avatar.map(|src| view! {
                    <img class="avatar" src=src alt="" width="24" height="24" referrerpolicy="no-referrer"/>
                })}
                <span>{name}</span>
            </A>
        </li>
        <li>
            <ActionForm action=auth.logout attr:class="inline-form">
                <button type="submit" class="link-button">"Sign out"</button>
            </ActionForm>
        </li>
    }
}
