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
    let data = Section::new_with_options(
        || (),
        |_| async {
            let lists = session_lists().await;
            // Put in the page after it is rendered (`server::splice`).
            #[cfg(feature = "ssr")]
            let lists = lists.map(crate::ui::components::drawn::place_later);
            lists
        },
        false,
    );
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
                    Ok(html) => EitherOf3::A(view! { <div class="session-lists" inner_html=html.0></div> }),
                    Err(AppError::Unauthenticated) => EitherOf3::B(view! { <SignInPrompt/> }),
                    Err(e) => EitherOf3::C(view! { <p class="notice error" role="alert">{e.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

/// The session lists, drawn on the server only (`ui::components::drawn`),
/// written as HTML directly: the page's rows are its bulk, and writing them
/// by hand costs about half of drawing a view tree per row.
#[cfg(feature = "ssr")]
mod lists {
    use crate::api::sessions::{RevokeOtherSessions, RevokeSession};
    use crate::server::sessions::SessionFacts;
    use crate::ui::components::drawn::Html;
    use chrono::{DateTime, Utc};
    use leptos::server_fn::ServerFn;

    /// Both lists as HTML, their moments relative to `now`.
    pub fn html(
        active: &[SessionFacts<'_>],
        ended: &[SessionFacts<'_>],
        now: DateTime<Utc>,
    ) -> String {
        let rows = active.len() + ended.len();
        let mut h = Html::with_capacity(1024 + 1600 * rows);
        session_list(&mut h, active, now);
        ended_sessions(&mut h, ended, now);
        h.finish()
    }

    /// A fact's value: text, a number, or a moment shown as its time and how
    /// long ago.
    enum Fact<'a> {
        Text(&'a str),
        Number(i64),
        Moment(DateTime<Utc>),
    }

    /// A session's facts as a description list, the same for every row of
    /// both lists.
    fn facts(h: &mut Html, items: &[(&'static str, Fact<'_>)], now: DateTime<Utc>) {
        h.raw("<dl class=\"facts\">");
        for &(label, ref value) in items {
            h.raw("<div><dt>").raw(label).raw("</dt><dd>");
            match value {
                Fact::Text(t) => h.text(t),
                Fact::Number(n) => h.number(*n),
                Fact::Moment(t) => h.moment(*t, now),
            };
            h.raw("</dd></div>");
        }
        h.raw("</dl>");
    }

    fn session_list(h: &mut Html, sessions: &[SessionFacts<'_>], now: DateTime<Utc>) {
        h.raw("<h2 class=\"section-title\">Active sessions (")
            .number(sessions.len() as i64)
            .raw(")</h2><ul class=\"sessions\">");
        for s in sessions {
            session_item(h, s, now);
        }
        h.raw("</ul>");
        if sessions.iter().any(|s| !s.current) {
            h.raw("<form method=\"post\" action=\"")
                .raw(<RevokeOtherSessions as ServerFn>::PATH)
                .raw("\" class=\"inline-form\"><button type=\"submit\" class=\"danger\">Sign out all other sessions</button></form>");
        }
    }

    fn session_item(h: &mut Html, s: &SessionFacts<'_>, now: DateTime<Utc>) {
        h.raw("<li class=\"session");
        if s.current {
            h.raw(" current");
        }
        if s.suspicious.is_some() {
            h.raw(" flagged");
        }
        h.raw("\" aria-labelledby=\"s-")
            .text(s.id)
            .raw("\"><div class=\"session-head\"><h3 id=\"s-")
            .text(s.id)
            .raw("\">")
            .text(s.browser)
            .raw(" on ")
            .text(s.os)
            .raw("</h3>");
        if s.current {
            h.raw("<span class=\"badge\">This device</span>");
        }
        if s.suspicious.is_some() {
            h.raw("<span class=\"badge warn\">Suspicious</span>");
        }
        h.raw("</div>");
        if let Some(why) = &s.suspicious {
            h.raw("<p class=\"why\">Flagged because of ")
                .text(why)
                .raw(".</p>");
        }
        facts(
            h,
            &[
                ("Device", Fact::Text(s.device_type)),
                ("IP address", Fact::Text(s.ip)),
                (
                    "Location",
                    Fact::Text(s.location.as_deref().unwrap_or("Unknown")),
                ),
                ("Signed in", Fact::Moment(s.signed_in)),
                ("Last active", Fact::Moment(s.last_active)),
                ("Sign-in method", Fact::Text(&s.method)),
                ("Requests", Fact::Number(s.requests.into())),
            ],
            now,
        );
        h.raw("<div class=\"session-actions\"><a href=\"/account/activity?session=")
            .text(s.id)
            .raw("\">Events of this session</a>");
        if !s.current {
            h.raw("<form method=\"post\" action=\"")
                .raw(<RevokeSession as ServerFn>::PATH)
                .raw("\" class=\"inline-form\"><input type=\"hidden\" name=\"id\" value=\"")
                .text(s.id)
                .raw("\"><button type=\"submit\" aria-describedby=\"s-")
                .text(s.id)
                .raw("\">Sign out</button></form>");
        }
        h.raw("</div></li>");
    }

    fn ended_sessions(h: &mut Html, sessions: &[SessionFacts<'_>], now: DateTime<Utc>) {
        h.raw("<details class=\"ended\"><summary>Recently ended (")
            .number(sessions.len() as i64)
            .raw(")</summary>");
        if sessions.is_empty() {
            h.raw("<p class=\"muted\">No session ended in the last 30 days.</p>");
        } else {
            h.raw("<ul class=\"sessions ended-list\">");
            for s in sessions {
                h.raw("<li class=\"session ended\"><h3>")
                    .text(s.browser)
                    .raw(" on ")
                    .text(s.os)
                    .raw("</h3>");
                facts(
                    h,
                    &[
                        ("Ended", s.ended.map_or(Fact::Text(""), Fact::Moment)),
                        ("Reason", Fact::Text(s.end_reason.unwrap_or(""))),
                        ("Device", Fact::Text(s.device_type)),
                        ("IP address", Fact::Text(s.ip)),
                        ("Signed in", Fact::Moment(s.signed_in)),
                    ],
                    now,
                );
                h.raw("<p><a href=\"/account/activity?session=")
                    .text(s.id)
                    .raw("\">Events of this session</a></p></li>");
            }
            h.raw("</ul>");
        }
        h.raw("</details>");
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use crate::server::sessions::SessionFacts;
    use chrono::{DateTime, TimeZone, Utc};

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, h, m, 0).unwrap()
    }

    fn row<'a>(id: &'a str, browser: &'a str, current: bool) -> SessionFacts<'a> {
        SessionFacts {
            id,
            browser,
            os: "Linux",
            device_type: "desktop",
            ip: "203.0.113.9",
            location: None,
            signed_in: at(14, 3),
            last_active: at(15, 0),
            method: "Password".into(),
            requests: 12,
            current,
            suspicious: None,
            ended: None,
            end_reason: None,
        }
    }

    #[test]
    fn lists_escape_every_value_and_mark_this_device_once() {
        let now = at(17, 3);
        let mut evil = row(
            "b\"><script>x</script>",
            "<img src=x onerror=alert(1)>",
            false,
        );
        evil.suspicious = Some("a new device & <b>country</b>".into());
        let mut ended = row("c", "Firefox 120", false);
        ended.ended = Some(Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap());
        ended.end_reason = Some("Signed out");
        let html = super::lists_html(&[row("a", "Chrome 120", true), evil], &[ended], now).0;
        assert!(
            !html.contains("<script") && !html.contains("<img") && !html.contains("<b>"),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt; on Linux</h3>"),
            "{html}"
        );
        assert!(
            html.contains("value=\"b&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""),
            "{html}"
        );
        assert!(html.contains("Flagged because of a new device &amp; &lt;b&gt;country&lt;/b&gt;."));
        assert_eq!(html.matches("This device").count(), 1);
        assert_eq!(
            html.matches(">Sign out</button>").count(),
            1,
            "none on this device's row"
        );
        assert_eq!(html.matches("Sign out all other sessions").count(), 1);
        assert!(html.contains("Active sessions (2)") && html.contains("Recently ended (1)"));
        assert!(html.contains("<dt>Requests</dt><dd>12</dd>"));
        assert!(html.contains(
            "<dt>Signed in</dt><dd><time datetime=\"2026-11-27T14:03:00Z\">2026-11-27 14:03 UTC</time> (3 hours ago)</dd>"
        ), "{html}");
        assert!(html.contains(
            "<dt>Ended</dt><dd><time datetime=\"2026-11-26T10:00:00Z\">2026-11-26 10:00 UTC</time> (1 day ago)</dd>"
        ), "{html}");
        assert!(html.contains("<dt>Reason</dt><dd>Signed out</dd>"));
        assert!(html.contains("<dt>Location</dt><dd>Unknown</dd>"));

        let alone = super::lists_html(&[row("a", "Chrome 120", true)], &[], now).0;
        assert!(!alone.contains("Sign out all other sessions"));
        assert!(alone.contains("No session ended in the last 30 days."));
    }
}

/// The lists of `/account/sessions` as HTML (see [`lists`]).
#[cfg(feature = "ssr")]
pub fn lists_html(
    active: &[crate::server::sessions::SessionFacts<'_>],
    ended: &[crate::server::sessions::SessionFacts<'_>],
    now: chrono::DateTime<chrono::Utc>,
) -> crate::domain::SharedHtml {
    crate::domain::SharedHtml(lists::html(active, ended, now).into())
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
