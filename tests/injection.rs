//! Stored text never becomes markup (issue 31, S26). Every field a person
//! can write, and every stored value a page shows, is filled with payloads
//! that would break out of `<title>`, a `<script>`, an attribute or a text
//! node, and every page that shows it (to its owner, a member, a signed-in
//! stranger and an anonymous visitor) must carry none of them as markup,
//! head included. Values the server refuses (username, email, tags, slug)
//! are written straight into the database as well, as an import or an old
//! row could hold them. Every inline `<script>` carries the page's nonce.

use crate::both_engines;
use crate::geoip::{city_db, Place};
use crate::helpers::*;
use std::net::Ipv4Addr;

/// Each would run script, load a resource, navigate or inject markup if a
/// page wrote it unescaped.
pub const PAYLOADS: [&str; 5] = [
    "T</title><script>window.__pwned=1</script><b>x",
    "x</script><script>window.__pwned=2</script>",
    "\"><img src=x onerror=window.__pwned=3>",
    "<meta http-equiv=\"refresh\" content=\"0;url=/evil\">",
    "<svg onload=window.__pwned=5>",
];

/// What a page must never contain: each payload whole, and the markup it
/// would start on its own.
fn assert_inert(path: &str, who: &str, r: &Resp) {
    for p in PAYLOADS {
        assert!(
            !r.body.contains(p),
            "{who} {path}: payload {p:?} unescaped in\n{}",
            r.body
        );
    }
    for fragment in [
        "<script>window.__pwned",
        "</title><script",
        "<img src=x",
        "<meta http-equiv=\"refresh\"",
        "<svg onload",
        "<b>x",
    ] {
        assert!(
            !r.body.contains(fragment),
            "{who} {path}: {fragment:?} in\n{}",
            r.body
        );
    }
    assert_scripts_carry_the_nonce(path, r);
}

/// Every `<script` in an HTML response names the nonce of its CSP header.
pub fn assert_scripts_carry_the_nonce(path: &str, r: &Resp) {
    let is_html = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return;
    }
    let csp = r
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or("");
    let lower = r.body.to_ascii_lowercase();
    for (at, _) in lower.match_indices("<script") {
        let tag_end = lower[at..].find('>').map(|e| at + e).unwrap_or(lower.len());
        let tag = &r.body[at..tag_end];
        assert!(
            !nonce.is_empty() && tag.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: a script without the page's nonce ({nonce:?}): {tag}"
        );
    }
}

async fn pages(app: &TestApp, who: &str, cookie: Option<&str>, paths: &[String]) {
    for path in paths {
        let r = app.get(path, cookie).await;
        assert!(r.status < 500, "{who} {path}: {}", r.status);
        assert_inert(path, who, &r);
    }
}

async fn user(app: &TestApp, prefix: &str) -> (String, String, String) {
    let u = unique(prefix);
    let email = format!("{u}@example.com");
    let cookie = app.register(&u, &email, PW).await;
    let link = link_in(&app.mail_to(&email).await, "/verify-email?token=");
    let token = link.split("token=").nth(1).unwrap().to_string();
    let r = app
        .call("confirm_email", &[("token", token.as_str())], None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    (u, email, cookie)
}

async fn injection(engine: Engine, name: &str) {
    // A GeoIP database whose place names are payloads, so the place a
    // session shows is one too.
    let geo_dir = tempfile::tempdir().unwrap();
    let geo = geo_dir.path().join("city.mmdb");
    std::fs::write(
        &geo,
        city_db(&[Place {
            network: Ipv4Addr::new(81, 0, 0, 0),
            prefix: 8,
            country: PAYLOADS[3],
            city: PAYLOADS[0],
        }]),
    )
    .unwrap();
    let geo = geo.display().to_string();
    let Some(app) = spawn_app(
        engine,
        name,
        &[("geoip-db", geo.as_str()), ("trusted-proxies", "127.0.0.1")],
    )
    .await
    else {
        return;
    };
    let (owner, _, owner_cookie) = user(&app, "own").await;
    let (_, _, member_cookie) = user(&app, "mem").await;
    let (_, _, stranger_cookie) = user(&app, "str").await;
    let (_, _, asker_cookie) = user(&app, "ask").await;

    // A session signed in with a payload as its user agent, from a place
    // whose names are payloads.
    let r = app
        .http
        .post(app.url("/api/login"))
        .header("accept", "application/json")
        .header("user-agent", PAYLOADS.join(" "))
        .header("x-forwarded-for", "81.1.2.3")
        .form(&[("login", owner.as_str()), ("password", PW)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Values the server refuses are refused and change nothing.
    for p in PAYLOADS {
        let r = app
            .call(
                "register",
                &[
                    ("username", p),
                    ("email", "a@example.com"),
                    ("password", PW),
                ],
                None,
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        let r = app
            .call(
                "change_email",
                &[("new_email", p), ("current_password", PW)],
                Some(&owner_cookie),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
    }

    let slug = unique("inj-").to_lowercase();
    let r = app
        .call(
            "create_group",
            &[
                ("name", "Plain name"),
                ("slug", slug.as_str()),
                ("description", "plain"),
                ("group_type", "community"),
                ("tags", "plain"),
                ("is_public", "on"),
                ("max_members", ""),
                ("show_members", "on"),
                ("join_question", "plain?"),
            ],
            Some(&owner_cookie),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // A member (asked and approved) and someone still waiting, with
    // payloads as their answers.
    for c in [&member_cookie, &asker_cookie] {
        let answer = PAYLOADS.join(" ");
        let r = app
            .call(
                "request_to_join",
                &[("slug", slug.as_str()), ("answer", answer.as_str())],
                Some(c),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let member_name = app
        .call("current_user", &[], Some(&member_cookie))
        .await
        .body;
    let member_name: serde_json::Value = serde_json::from_str(&member_name).unwrap();
    let member_name = member_name["username"].as_str().unwrap().to_string();
    let r = app
        .call(
            "approve_request",
            &[("slug", slug.as_str()), ("username", member_name.as_str())],
            Some(&owner_cookie),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let group = format!("/groups/{slug}");
    let manage = format!("/groups/{slug}/manage");
    let anonymous: Vec<String> = vec![
        "/".into(),
        "/groups".into(),
        "/groups?q=pwned".into(),
        "/groups?q=title".into(),
        group.clone(),
        "/login".into(),
    ];
    let owner_pages: Vec<String> = vec![
        "/".into(),
        "/account".into(),
        "/account/email".into(),
        "/account/password".into(),
        "/account/sessions".into(),
        "/account/activity".into(),
        "/account/activity?kind=groups".into(),
        "/groups".into(),
        "/groups?q=pwned".into(),
        group.clone(),
        manage.clone(),
        "/groups/new".into(),
    ];
    let member_pages: Vec<String> = vec![
        "/".into(),
        "/groups".into(),
        group.clone(),
        "/account/activity".into(),
    ];
    let stranger_pages: Vec<String> = vec!["/groups".into(), group.clone()];

    for (round, p) in PAYLOADS.iter().enumerate() {
        // Every field a person writes, filled with this payload.
        let r = app
            .call(
                "update_profile",
                &[
                    ("first_name", p),
                    ("last_name", p),
                    ("bio", p),
                    ("profile_picture_url", ""),
                ],
                Some(&owner_cookie),
            )
            .await;
        assert_eq!(r.status, 200, "round {round}: {}", r.body);
        let group_name = format!("{p} {round}");
        let r = app
            .call(
                "update_group",
                &[
                    ("slug", slug.as_str()),
                    ("name", group_name.as_str()),
                    ("description", p),
                    ("group_type", "community"),
                    ("tags", "plain"),
                    ("is_public", "on"),
                    ("max_members", ""),
                    ("show_members", "on"),
                    ("join_question", p),
                ],
                Some(&owner_cookie),
            )
            .await;
        assert_eq!(r.status, 200, "round {round}: {}", r.body);
        // Refused where the rules forbid the characters.
        let r = app
            .call(
                "update_group",
                &[
                    ("slug", slug.as_str()),
                    ("name", "ok name"),
                    ("description", ""),
                    ("group_type", "community"),
                    ("tags", p),
                    ("max_members", ""),
                    ("join_question", ""),
                ],
                Some(&owner_cookie),
            )
            .await;
        assert_eq!(r.status, 422, "round {round}: tags {}", r.body);
        app.flush().await;
        pages(&app, "anonymous", None, &anonymous).await;
        pages(&app, "owner", Some(&owner_cookie), &owner_pages).await;
        pages(&app, "member", Some(&member_cookie), &member_pages).await;
        pages(&app, "stranger", Some(&stranger_cookie), &stranger_pages).await;
    }

    // Values no form accepts, as an import or an old row could hold them:
    // a username, an email and tags written straight into the database.
    let owner_id = app.user_id(&owner).await;
    let evil_tags = PAYLOADS.join(", ");
    app.exec(
        "UPDATE groups SET tags = $1 WHERE slug = $2",
        &[&evil_tags, &slug],
    )
    .await;
    app.exec(
        "UPDATE users SET username = $1, email = $2 WHERE id = $3",
        &[PAYLOADS[2], PAYLOADS[0], &owner_id],
    )
    .await;
    pages(&app, "anonymous", None, &anonymous).await;
    pages(&app, "owner", Some(&owner_cookie), &owner_pages).await;
    pages(&app, "member", Some(&member_cookie), &member_pages).await;
    app.stop().await;
}

both_engines!(stored_text_never_becomes_markup, injection);
