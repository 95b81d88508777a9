//! `/`: what Vestibule is; signed-in people see a summary and links.

use crate::ui::components::nav::use_auth;
use crate::ui::components::title::PageTitle;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    let deleted = move || use_query_map().get().get("deleted").is_some();
    view! {
        <PageTitle text=""/>
        <Show when=deleted>
            <p class="notice" role="status">"Your account was deleted and you have been signed out."</p>
        </Show>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(u)) => Either::Left(view! {
                        <section class="hero">
                            <h1>"Welcome back, " {u.display_name()}</h1>
                            {(!u.email_verified).then(|| view! {
                                <p class="notice">"Your email address is not confirmed yet. Check your inbox for the link."</p>
                            })}
                        </section>
                        <ul class="cards">
                            <li class="card"><h2><A href="/account">"Profile"</A></h2><p>"Your name, bio and picture."</p></li>
                            <li class="card"><h2><A href="/account/sessions">"Sessions"</A></h2><p>"Every place you are signed in."</p></li>
                            <li class="card"><h2><A href="/account/activity">"Security timeline"</A></h2><p>"Sign-ins and changes to your account."</p></li>
                            <li class="card"><h2><A href="/account/password">"Password"</A></h2><p>"Change it and sign out elsewhere."</p></li>
                            <li class="card"><h2><A href="/account/email">"Email"</A></h2><p>"Change your address."</p></li>
                            <li class="card"><h2><A href="/groups">"Groups"</A></h2><p>"Find, join and run groups."</p></li>
                        </ul>
                    }),
                    _ => Either::Right(view! {
                        <section class="hero">
                            <h1>"Your account, kept safe"</h1>
                            <p class="lead">"Vestibule is where you manage your account: your profile, your email and password, every session you have open, and the groups you belong to."</p>
                            <p class="actions">
                                <A href="/register" attr:class="button">"Create account"</A>
                                <A href="/login" attr:class="button secondary">"Sign in"</A>
                            </p>
                        </section>
                    }),
                }
            })}
        </Transition>
    }
}
