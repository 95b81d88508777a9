//! `/account/activity`: the security timeline, newest first, filterable by
//! kind and session, paginated by a keyset cursor, with a chart of sign-ins
//! per day drawn as SVG.

use super::account::AccountNav;
use crate::api::sessions::timeline;
use crate::domain::{AppError, TimelinePage, TIMELINE_KINDS};
use crate::ui::components::page::{PageError, SignInPrompt};
use crate::ui::components::title::PageTitle;
use crate::ui::components::url::encode;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.get();
        (
            q.get("kind").unwrap_or_default(),
            q.get("session").unwrap_or_default(),
            q.get("before").unwrap_or_default(),
        )
    };
    let data = Resource::new(params, |(k, s, b)| async move {
        let first = b.is_empty();
        timeline(k.clone(), s.clone(), b)
            .await
            .map(|page| (page, k, s, first))
    });
    view! {
        <PageTitle text="Security timeline"/>
        <h1>"Security timeline"</h1>
        <AccountNav/>
        <Transition fallback=|| view! { <p>"Loading events…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((page, kind, session, first)) => EitherOf3::A(view! {
                        <div class="timeline-section"><Timeline page kind session first/></div>
                    }),
                    Err(AppError::Unauthenticated) => EitherOf3::B(view! { <SignInPrompt/> }),
                    Err(e) => EitherOf3::C(view! { <PageError error=e/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Timeline(page: TimelinePage, kind: String, session: String, first: bool) -> impl IntoView {
    let next = page.next.clone().map(|cursor| {
        let mut q = vec![format!("before={}", encode(&cursor))];
        if !kind.is_empty() {
            q.push(format!("kind={}", encode(&kind)));
        }
        if !session.is_empty() {
            q.push(format!("session={}", encode(&session)));
        }
        format!("/account/activity?{}", q.join("&"))
    });
    // "Newest events" keeps the filters; "Show all" drops only the session.
    let filtered = |kind: &str, session: &str| {
        let mut q = Vec::new();
        if !kind.is_empty() {
            q.push(format!("kind={}", encode(kind)));
        }
        if !session.is_empty() {
            q.push(format!("session={}", encode(session)));
        }
        if q.is_empty() {
            "/account/activity".to_string()
        } else {
            format!("/account/activity?{}", q.join("&"))
        }
    };
    let newest = filtered(&kind, &session);
    let all_sessions = filtered(&kind, "");
    let empty = page.events.is_empty();
    let kind_now = kind.clone();
    view! {
        <SignInChart per_day=page.per_day.clone()/>
        <form method="get" action="/account/activity" class="filters">
            <label for="f-kind">"Show"</label>
            <select id="f-kind" name="kind">
                {TIMELINE_KINDS.iter().map(|(value, label)| view! {
                    <option value=*value selected=*value == kind_now.as_str()>{*label}</option>
                }).collect_view()}
            </select>
            {(!session.is_empty()).then(|| view! { <input type="hidden" name="session" value=session.clone()/> })}
            <button type="submit">"Filter"</button>
            {(!session.is_empty()).then(|| view! { <span class="muted">"Only one session. " <a href=all_sessions.clone()>"Show all sessions"</a></span> })}
        </form>
        {empty.then(|| view! { <p class="muted">"No events to show."</p> })}
        <ol class="timeline">
            {page.events.into_iter().map(|e| {
                let session_name = format!("Session of {} at {}", e.label, e.when.absolute);
                view! {
                <li class="event" class:failed=e.kind.contains("failed")>
                    <p class="event-title"><strong>{e.label}</strong> " · " <time datetime=e.when.iso>{e.when.absolute}</time> " (" {e.when.relative} ")"</p>
                    <p class="muted">{e.device} " · " {e.ip} {e.location.map(|l| format!(" · {l}"))}
                        " · " <a href=format!("/account/activity?session={}", e.session_id)
                            aria-label=session_name>"session"</a></p>
                    {e.detail.map(|d| view! { <p class="detail">{d}</p> })}
                </li>
            }}).collect_view()}
        </ol>
        <nav class="pager" aria-label="Pages">
            {(!first).then(|| view! { <a href=newest.clone()>"Newest events"</a> })}
            {next.map(|href| view! { <a href=href>"Older events"</a> })}
        </nav>
    }
}

/// Sign-ins per day over 30 days, as a bar chart drawn on the server.
#[component]
fn SignInChart(per_day: Vec<(String, u32)>) -> impl IntoView {
    let total: u32 = per_day.iter().map(|(_, n)| n).sum();
    let max = per_day.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let (w, h, bar) = (600u32, 120u32, 20u32);
    let label = format!("Sign-ins per day over the last 30 days: {total} in all.");
    let first = per_day.first().map(|d| d.0.clone()).unwrap_or_default();
    let last = per_day.last().map(|d| d.0.clone()).unwrap_or_default();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {w} {}", h + 20) role="img" aria-label=label.clone() preserveAspectRatio="none">
                <title>{label.clone()}</title>
                {per_day.into_iter().enumerate().map(|(i, (day, n))| {
                    let bh = if n == 0 { 1 } else { (n * (h - 10)) / max };
                    let x = i as u32 * bar + 2;
                    view! {
                        <rect x=x.to_string() y=(h - bh).to_string() width=(bar - 4).to_string() height=bh.to_string() class=if n == 0 { "bar empty" } else { "bar" }>
                            <title>{format!("{day}: {n}")}</title>
                        </rect>
                    }
                }).collect_view()}
                <text x="0" y=(h + 16).to_string() class="axis">{first}</text>
                <text x=w.to_string() y=(h + 16).to_string() text-anchor="end" class="axis">{last}</text>
            </svg>
            <figcaption>{label}</figcaption>
        </figure>
    }
}
