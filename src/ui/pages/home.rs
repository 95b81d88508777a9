//! `/`: what Vestibule is; signed-in people see a summary and links.

use crate::ui::components::nav::use_auth;
use crate::ui::components::title::PageTitle;
use leptos::either::Either;
use leptos::prelude::*;
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
        {match auth.user() {
                    Some(u) => Either::Left(view! {
                        <section class="hero">
                            <h1>"Welcome back, " {u.display_name()}</h1>
                            {(!u.email_verified).then(|| view! {
                                <p class="notice">"Your email address is not confirmed yet. Check your inbox for the link."</p>
                            })}
                        </section>
                        <ul class="cards">
                            <li class="card"><h2><a href="/account">"Profile"</a></h2><p>"Your name, bio and picture."</p></li>
                            <li class="card"><h2><a href="/account/sessions">"Sessions"</a></h2><p>"Every place you are signed in."</p></li>
                            <li class="card"><h2><a href="/account/activity">"Security timeline"</a></h2><p>"Sign-ins and changes to your account."</p></li>
                            <li class="card"><h2><a href="/account/password">"Password"</a></h2><p>"Change it and sign out elsewhere."</p></li>
                            <li class="card"><h2><a href="/account/email">"Email"</a></h2><p>"Change your address."</p></li>
                            <li class="card"><h2><a href="/groups">"Groups"</a></h2><p>"Find, join and run groups."</p></li>
                        </ul>
                    }),
                    _ => Either::Right(view! {
                        <section class="hero">
                            <h1>"Your account, kept safe"</h1>
                            <p class="lead">"Vestibule is where you manage your account: your profile, your email and password, every session you have open, and the groups you belong to."</p>
                            <p class="actions">
                                <a href="/register" class="button">"Create account"</a>
                                <a href="/login" class="button secondary">"Sign in"</a>
                            </p>
                        </section>
                    }),
                }}
    }
}
