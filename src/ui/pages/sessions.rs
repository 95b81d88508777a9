//! `/account/sessions`: every place the person is signed in, newest activity
//! first, with a way to end any of them; and `/sessions/end?token=…`, the
//! one-click link of a sign-in alert email.

use super::account::AccountNav;
use super::SignInPrompt;
use crate::api::sessions::{
    end_session_by_link, list_sessions, RevokeOtherSessions, RevokeSession,
};
use crate::domain::{AppError, SessionView, When};
use crate::ui::components::form::{done_note, last_error, success, FormError, FormSuccess};
use leptos::either::{Either, EitherOf3};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
fn Moment(when: When) -> impl IntoView {
    view! { <time datetime=when.iso>{when.absolute}</time> " (" {when.relative} ")" }
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let revoke = ServerAction::<RevokeSession>::new();
    let revoke_others = ServerAction::<RevokeOtherSessions>::new();
    let data = Resource::new(
        move || (revoke.version().get(), revoke_others.version().get()),
        |_| list_sessions(),
    );
    let revoke_error = last_error(revoke.value());
    let ended_message = success(revoke_others.value(), done_note("others"), |n| match n {
        Some(n) => format!("Signed out {n} other session(s)."),
        None => "Signed out your other sessions.".to_string(),
    });
    let revoked_message = success(revoke.value(), done_note("revoked"), |_| {
        "The session was signed out.".to_string()
    });
    view! {
        <Title text="Sessions"/>
        <h1>"Sessions"</h1>
        <AccountNav/>
        <p class="lead">"Every browser and device where your account is signed in. If you do not recognise one, sign it out and change your password."</p>
        <FormError error=revoke_error/>
        <FormSuccess message=ended_message/>
        <FormSuccess message=revoked_message/>
        <Transition fallback=|| view! { <p>"Loading sessions…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => EitherOf3::A(view! {
                        <SessionList sessions=o.active revoke=revoke revoke_others=revoke_others/>
                        <EndedSessions sessions=o.ended/>
                    }),
                    Err(AppError::Unauthenticated) => EitherOf3::B(view! { <SignInPrompt/> }),
                    Err(e) => EitherOf3::C(view! { <p class="notice error" role="alert">{e.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn SessionList(
    sessions: Vec<SessionView>,
    revoke: ServerAction<RevokeSession>,
    revoke_others: ServerAction<RevokeOtherSessions>,
) -> impl IntoView {
    let others = sessions.iter().filter(|s| !s.current).count();
    let count = sessions.len();
    view! {
        <h2 class="section-title">{format!("Active sessions ({count})")}</h2>
        <ul class="sessions">
            {sessions.into_iter().map(|s| view! { <SessionItem session=s revoke=revoke/> }).collect_view()}
        </ul>
        {(others > 0).then(|| view! {
            <ActionForm action=revoke_others attr:class="inline-form">
                <button type="submit" class="danger" disabled=move || revoke_others.pending().get()>"Sign out all other sessions"</button>
            </ActionForm>
        })}
    }
}

#[component]
fn SessionItem(session: SessionView, revoke: ServerAction<RevokeSession>) -> impl IntoView {
    let heading_id = format!("s-{}", session.id);
    let (h1, h2) = (heading_id.clone(), heading_id.clone());
    let events = format!("/account/activity?session={}", session.id);
    let s = session;
    view! {
        <li class="session" class:current=s.current class:flagged=s.suspicious.is_some() aria-labelledby=h1>
            <div class="session-head">
                <h3 id=heading_id>{s.browser.clone()} " on " {s.os.clone()}</h3>
                {s.current.then(|| view! { <span class="badge">"This device"</span> })}
                {s.suspicious.is_some().then(|| view! { <span class="badge warn">"Suspicious"</span> })}
            </div>
            {s.suspicious.clone().map(|why| view! { <p class="why">"Flagged because of " {why} "."</p> })}
            <dl class="facts">
                <div><dt>"Device"</dt><dd>{s.device_type.clone()}</dd></div>
                <div><dt>"IP address"</dt><dd>{s.ip.clone()}</dd></div>
                <div><dt>"Location"</dt><dd>{s.location.clone().unwrap_or_else(|| "Unknown".into())}</dd></div>
                <div><dt>"Signed in"</dt><dd><Moment when=s.signed_in.clone()/></dd></div>
                <div><dt>"Last active"</dt><dd><Moment when=s.last_active.clone()/></dd></div>
                <div><dt>"Sign-in method"</dt><dd>{s.method.clone()}</dd></div>
                <div><dt>"Requests"</dt><dd>{s.requests}</dd></div>
            </dl>
            <div class="session-actions">
                <A href=events>"Events of this session"</A>
                {(!s.current).then(|| view! {
                    <ActionForm action=revoke attr:class="inline-form">
                        <input type="hidden" name="id" value=s.id.clone()/>
                        <button type="submit" aria-describedby=h2.clone()>"Sign out"</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}

#[component]
fn EndedSessions(sessions: Vec<SessionView>) -> impl IntoView {
    let n = sessions.len();
    view! {
        <details class="ended">
            <summary>{format!("Recently ended ({n})")}</summary>
            {if sessions.is_empty() {
                Either::Left(view! { <p class="muted">"No session ended in the last 30 days."</p> })
            } else {
                Either::Right(view! {
                    <ul class="sessions ended-list">
                        {sessions.into_iter().map(|s| view! {
                            <li class="session ended">
                                <h3>{s.browser.clone()} " on " {s.os.clone()}</h3>
                                <dl class="facts">
                                    <div><dt>"Ended"</dt><dd>{s.ended.clone().map(|w| view! { <Moment when=w/> })}</dd></div>
                                    <div><dt>"Reason"</dt><dd>{s.end_reason.clone().unwrap_or_default()}</dd></div>
                                    <div><dt>"Device"</dt><dd>{s.device_type.clone()}</dd></div>
                                    <div><dt>"IP address"</dt><dd>{s.ip.clone()}</dd></div>
                                    <div><dt>"Signed in"</dt><dd><Moment when=s.signed_in.clone()/></dd></div>
                                </dl>
                                <p><a href=format!("/account/activity?session={}", s.id)>"Events of this session"</a></p>
                            </li>
                        }).collect_view()}
                    </ul>
                })
            }}
        </details>
    }
}

/// `/sessions/end?token=…`: opening the link ends the session it names, once.
#[component]
pub fn EndSessionPage() -> impl IntoView {
    let token = move || use_query_map().get().get("token").unwrap_or_default();
    let result = Resource::new(token, |t| async move {
        if t.is_empty() {
            Err(AppError::InvalidLink)
        } else {
            end_session_by_link(t).await
        }
    });
    view! {
        <Title text="End session"/>
        <h1>"End a session"</h1>
        <Suspense fallback=|| view! { <p>"Checking the link…"</p> }>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(()) => Either::Left(view! {
                        <p class="notice success" role="status">"Done: that session has been signed out."</p>
                        <p>"If you did not sign in yourself, " <A href="/account/password">"change your password"</A> " now."</p>
                    }),
                    Err(e) => Either::Right(view! {
                        <p class="notice error" role="alert">{e.to_string()} " The session may already have ended."</p>
                        <p><A href="/account/sessions">"Review your sessions"</A></p>
                    }),
                }
            })}
        </Suspense>
    }
}
