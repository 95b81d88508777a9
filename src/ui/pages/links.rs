//! The pages emailed links open: `/verify-email?token=…` confirms an
//! address, `/sessions/end?token=…` ends the session a sign-in alert names.
//! Opening a link changes nothing (a mail provider's link scanner opens
//! links too): the page shows one button, which posts the token.

use crate::api::account::ConfirmEmail;
use crate::api::sessions::EndSessionByLink;
use crate::ui::components::form::{error_summary, posted};
use crate::ui::components::title::PageTitle;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// The link's token, read once.
fn token() -> String {
    use_query_map()
        .with_untracked(|q| q.get("token"))
        .unwrap_or_default()
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let path = <ConfirmEmail as ServerFn>::PATH;
    let p = posted(path);
    let done = p.succeeded;
    view! {
        <PageTitle text="Confirm email"/>
        <h1>"Confirm email address"</h1>
        {error_summary(p)}
        {if done {
            Either::Left(view! {
                <p class="notice success" role="status">"Thank you: your email address is now verified."</p>
                <p><A href="/account">"Go to your account"</A></p>
            })
        } else {
            Either::Right(view! {
                <p>"Confirm that this address is yours to finish."</p>
                <form method="post" action=path class="stack">
                    <input type="hidden" name="token" value=token()/>
                    <input type="hidden" name="__page" value="/verify-email"/>
                    <button type="submit">"Confirm email address"</button>
                </form>
                <p class="muted">"If the link has expired, sign in and use “Send the link again” on your profile."</p>
            })
        }}
    }
}

#[component]
pub fn EndSessionPage() -> impl IntoView {
    let path = <EndSessionByLink as ServerFn>::PATH;
    let p = posted(path);
    let done = p.succeeded;
    view! {
        <PageTitle text="End session"/>
        <h1>"End a session"</h1>
        {error_summary(p)}
        {if done {
            Either::Left(view! {
                <p class="notice success" role="status">"Done: that session has been signed out."</p>
                <p>"If you did not sign in yourself, " <A href="/account/password">"change your password"</A> " now."</p>
            })
        } else {
            Either::Right(view! {
                <p>"This ends the session named in the sign-in alert you received. Use it if that sign-in was not you."</p>
                <form method="post" action=path class="stack">
                    <input type="hidden" name="token" value=token()/>
                    <input type="hidden" name="__page" value="/sessions/end"/>
                    <button type="submit" class="danger">"End this session"</button>
                </form>
                <p><A href="/account/sessions">"Review your sessions"</A></p>
            })
        }}
    }
}
