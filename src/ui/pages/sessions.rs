//! `/account/sessions`: every place the person is signed in, newest activity
//! first, with a way to end any of them, and the sessions that ended in the
//! last 30 days.

use super::account::AccountNav;
use crate::api::sessions::{list_sessions, RevokeOtherSessions, RevokeSession};
use crate::domain::{AppError, SessionView, SessionsOverview, When};
use crate::ui::components::form::{done, error_summary, posted};
use crate::ui::components::page::{PageError, SignInPrompt};
use crate::ui::components::title::PageTitle;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn SessionsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_sessions());
    let revoked = posted(<RevokeSession as ServerFn>::PATH);
    let others = posted(<RevokeOtherSessions as ServerFn>::PATH);
    let error = if revoked.error.is_some() {
        revoked.clone()
    } else {
        others.clone()
    };
    view! {
        <PageTitle text="Sessions"/>
        <h1>"Sessions"</h1>
        <AccountNav/>
        <p class="lead">"Every browser and device where your account is signed in. If you do not recognise one, sign it out and change your password."</p>
        {error_summary(error)}
        {done(others, "Signed out your other sessions.")}
        {done(revoked, "The session was signed out.")}
        <Transition fallback=|| view! { <p>"Loading sessions…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => EitherOf3::A(view! { <SessionLists overview=o/> }),
                    Err(AppError::Unauthenticated) => EitherOf3::B(view! { <SignInPrompt/> }),
                    Err(e) => EitherOf3::C(view! { <PageError error=e/> }),
                }
            })}
        </Transition>
    }
}

/// A moment: `<time datetime="…">2026-11-27 14:03 UTC</time> (3 hours ago)`.
fn moment(when: When) -> impl IntoView {
    view! { <time datetime=when.iso>{when.absolute}</time> " (" {when.relative} ")" }
}

/// One fact of a session, as a term and its description. (Plain functions
/// rather than components: a row has seven facts and three moments, and a
/// component's boxed children cost an allocation each.)
fn fact(label: &'static str, value: impl IntoView) -> impl IntoView {
    view! { <div><dt>{label}</dt><dd>{value}</dd></div> }
}

#[component]
fn SessionLists(overview: SessionsOverview) -> impl IntoView {
    let SessionsOverview { active, ended } = overview;
    let others = active.iter().any(|s| !s.current);
    let (active_count, ended_count) = (active.len(), ended.len());
    view! {
        <div class="session-lists">
            <h2 class="section-title">{format!("Active sessions ({active_count})")}</h2>
            <ul class="sessions">
                {active.into_iter().map(|s| view! { <SessionItem session=s/> }).collect_view()}
            </ul>
            {others.then(|| view! {
                <form method="post" action={<RevokeOtherSessions as ServerFn>::PATH} class="inline-form">
                    <button type="submit" class="danger">"Sign out all other sessions"</button>
                </form>
            })}
            <details class="ended">
                <summary>{format!("Recently ended ({ended_count})")}</summary>
                {if ended.is_empty() {
                    Either::Left(view! { <p class="muted">"No session ended in the last 30 days."</p> })
                } else {
                    Either::Right(view! {
                        <ul class="sessions ended-list">
                            {ended.into_iter().map(|s| view! { <EndedItem session=s/> }).collect_view()}
                        </ul>
                    })
                }}
            </details>
        </div>
    }
}

#[component]
fn SessionItem(session: SessionView) -> impl IntoView {
    let s = session;
    let heading = format!("s-{}", s.id);
    let (labelled, described) = (heading.clone(), heading.clone());
    let events = format!("/account/activity?session={}", s.id);
    let class = match (s.current, s.suspicious.is_some()) {
        (true, true) => "session current flagged",
        (true, false) => "session current",
        (false, true) => "session flagged",
        (false, false) => "session",
    };
    view! {
        <li class=class aria-labelledby=labelled>
            <div class="session-head">
                <h3 id=heading>{format!("{} on {}", s.browser, s.os)}</h3>
                {s.current.then(|| view! { <span class="badge">"This device"</span> })}
                {s.suspicious.is_some().then(|| view! { <span class="badge warn">"Suspicious"</span> })}
            </div>
            {s.suspicious.clone().map(|why| view! { <p class="why">{format!("Flagged because of {why}.")}</p> })}
            <dl class="facts">
                {fact("Device", s.device_type)}
                {fact("IP address", s.ip)}
                {fact("Location", s.location.unwrap_or_else(|| "Unknown".into()))}
                {fact("Signed in", moment(s.signed_in))}
                {fact("Last active", moment(s.last_active))}
                {fact("Sign-in method", s.method)}
                {fact("Requests", s.requests)}
            </dl>
            <div class="session-actions">
                <a href=events>"Events of this session"</a>
                {(!s.current).then(|| view! {
                    <form method="post" action={<RevokeSession as ServerFn>::PATH} class="inline-form">
                        <input type="hidden" name="id" value=s.id.clone()/>
                        <button type="submit" aria-describedby=described.clone()>"Sign out"</button>
                    </form>
                })}
            </div>
        </li>
    }
}

#[component]
fn EndedItem(session: SessionView) -> impl IntoView {
    let s = session;
    let events = format!("/account/activity?session={}", s.id);
    view! {
        <li class="session ended">
            <h3>{format!("{} on {}", s.browser, s.os)}</h3>
            <dl class="facts">
                {fact("Ended", s.ended.map(moment))}
                {fact("Reason", s.end_reason.unwrap_or_default())}
                {fact("Device", s.device_type)}
                {fact("IP address", s.ip)}
                {fact("Signed in", moment(s.signed_in))}
            </dl>
            <p><a href=events>"Events of this session"</a></p>
        </li>
    }
}
