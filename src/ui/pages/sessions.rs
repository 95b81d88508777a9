//! `/account/sessions`: every place the person is signed in, newest activity
//! first, with a way to end any of them; and `/sessions/end?token=…`, the
//! one-click link of a sign-in alert email.

use super::account::AccountNav;
use super::SignInPrompt;
use crate::api::sessions::{
    end_session_by_link, session_lists, RevokeOtherSessions, RevokeSession,
};
use crate::domain::AppError;
use crate::ui::components::drawn::Section;
use crate::ui::components::form::{done_note, posted_error, PlainFormError};
use crate::ui::components::title::PageTitle;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SessionsPage() -> impl IntoView {
    // The lists come drawn by the server (`lists_html`); the browser only
    // places them. "Sign out" and "Sign out all other sessions" post
    // plainly: the page comes back with the lists as they now are and the
    // note (the `done` parameter), or with the message.
    let data = Section::new_with_options(|| (), |_| session_lists(), false);
    let revoke_error = posted_error(<RevokeSession as ServerFn>::PATH)
        .or_else(|| posted_error(<RevokeOtherSessions as ServerFn>::PATH));
    let ended_others = done_note("others");
    let revoked = done_note("revoked");
    view! {
        <PageTitle text="Sessions"/>
        <h1>"Sessions"</h1>
        <AccountNav/>
        <p class="lead">"Every browser and device where your account is signed in. If you do not recognise one, sign it out and change your password."</p>
        <PlainFormError error=revoke_error/>
        <div class="form-success" role="status">
            {ended_others.then(|| view! { <p>"Signed out your other sessions."</p> })}
            {revoked.then(|| view! { <p>"The session was signed out."</p> })}
        </div>
        <Transition fallback=|| view! { <p>"Loading sessions…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(html) => EitherOf3::A(view! { <div class="session-lists" inner_html=html></div> }),
                    Err(AppError::Unauthenticated) => EitherOf3::B(view! { <SignInPrompt/> }),
                    Err(e) => EitherOf3::C(view! { <p class="notice error" role="alert">{e.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

/// The session lists, drawn on the server only (`ui::components::drawn`).
#[cfg(feature = "ssr")]
mod lists {
    use crate::api::sessions::{RevokeOtherSessions, RevokeSession};
    use crate::domain::{SessionView, SessionsOverview, When};
    use crate::ui::components::drawn::to_html;
    use leptos::either::Either;
    use leptos::prelude::*;
    use leptos::server_fn::ServerFn;

    /// Both lists as HTML.
    pub fn html(o: SessionsOverview) -> String {
        to_html(move || {
            view! {
                <SessionList sessions=o.active/>
                <EndedSessions sessions=o.ended/>
            }
        })
    }

    /// A fact's value: text, or a moment shown as its time and how long ago.
    enum Fact {
        Text(String),
        Moment(When),
    }

    /// A session's facts as a description list. One view for every row of both
    /// lists keeps the page's code small.
    fn facts(items: Vec<(&'static str, Fact)>) -> impl IntoView {
        view! {
            <dl class="facts">
                {items.into_iter().map(|(label, value)| view! {
                    <div><dt>{label}</dt><dd>{match value {
                        Fact::Text(t) => Either::Left(t),
                        Fact::Moment(w) => Either::Right(view! {
                            <time datetime=w.iso>{w.absolute}</time> " (" {w.relative} ")"
                        }),
                    }}</dd></div>
                }).collect_view()}
            </dl>
        }
    }

    #[component]
    fn SessionList(sessions: Vec<SessionView>) -> impl IntoView {
        let others = sessions.iter().filter(|s| !s.current).count();
        let count = sessions.len();
        view! {
            <h2 class="section-title">{format!("Active sessions ({count})")}</h2>
            <ul class="sessions">
                {sessions.into_iter().map(|s| view! { <SessionItem session=s/> }).collect_view()}
            </ul>
            {(others > 0).then(|| view! {
                <form method="post" action={<RevokeOtherSessions as ServerFn>::PATH} class="inline-form">
                    <button type="submit" class="danger">"Sign out all other sessions"</button>
                </form>
            })}
        }
    }

    #[component]
    fn SessionItem(session: SessionView) -> impl IntoView {
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
                {facts(vec![
                    ("Device", Fact::Text(s.device_type)),
                    ("IP address", Fact::Text(s.ip)),
                    ("Location", Fact::Text(s.location.unwrap_or_else(|| "Unknown".into()))),
                    ("Signed in", Fact::Moment(s.signed_in)),
                    ("Last active", Fact::Moment(s.last_active)),
                    ("Sign-in method", Fact::Text(s.method)),
                    ("Requests", Fact::Text(s.requests.to_string())),
                ])}
                <div class="session-actions">
                    <a href=events>"Events of this session"</a>
                    {(!s.current).then(|| view! {
                        <form method="post" action={<RevokeSession as ServerFn>::PATH} class="inline-form">
                            <input type="hidden" name="id" value=s.id.clone()/>
                            <button type="submit" aria-describedby=h2.clone()>"Sign out"</button>
                        </form>
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
                                    {facts(vec![
                                        ("Ended", s.ended.map(Fact::Moment).unwrap_or(Fact::Text(String::new()))),
                                        ("Reason", Fact::Text(s.end_reason.unwrap_or_default())),
                                        ("Device", Fact::Text(s.device_type)),
                                        ("IP address", Fact::Text(s.ip)),
                                        ("Signed in", Fact::Moment(s.signed_in)),
                                    ])}
                                    <p><a href=format!("/account/activity?session={}", s.id)>"Events of this session"</a></p>
                                </li>
                            }).collect_view()}
                        </ul>
                    })
                }}
            </details>
        }
    }
}

/// The lists of `/account/sessions` as HTML (see [`lists`]).
#[cfg(feature = "ssr")]
pub fn lists_html(o: crate::domain::SessionsOverview) -> String {
    lists::html(o)
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
        <PageTitle text="End session"/>
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
