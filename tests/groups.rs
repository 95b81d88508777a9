//! Groups over HTTP on both engines: creation rules and field errors, the
//! authorization matrix (S28), mass assignment (S29), capacity under 50
//! concurrent joins (S30), one owner under concurrent role changes (S31),
//! search, browse visibility, leaving and deletion, and the timeline.

use crate::both_engines;
use crate::helpers::*;
use serde_json::Value;

/// A registered user with a confirmed email: (username, cookie, id).
async fn verified(app: &TestApp, prefix: &str) -> (String, String, String) {
    let u = unique(prefix);
    let email = format!("{u}@example.com");
    let cookie = app.register(&u, &email, PW).await;
    let s = &app.state().store;
    let row = s.users.find_by_login(&u).await.unwrap().unwrap();
    assert!(s
        .users
        .confirm_email(&row.id, &email, app.state().now())
        .await
        .unwrap());
    (u, cookie, row.id)
}

fn group_form<'a>(name: &'a str, slug: &'a str, open: bool) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("name", name),
        ("slug", slug),
        ("description", "A group for tests."),
        ("group_type", "community"),
        ("tags", "testing, rust"),
        ("is_public", "on"),
        ("max_members", ""),
        ("show_members", "on"),
        ("join_question", ""),
    ];
    if open {
        f.push(("is_open", "on"));
    }
    f
}

async fn create(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> Resp {
    app.call("create_group", form, Some(cookie)).await
}

async fn detail(app: &TestApp, slug: &str, manage: bool, cookie: Option<&str>) -> Resp {
    app.call(
        "get_group",
        &[
            ("slug", slug),
            ("manage", if manage { "true" } else { "false" }),
        ],
        cookie,
    )
    .await
}

async fn group_id(app: &TestApp, slug: &str) -> String {
    app.state()
        .store
        .groups
        .find(slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Gives an account the site `admin` role (there is no admin console yet).
async fn make_site_admin(app: &TestApp, user_id: &str) {
    app.exec(
        "UPDATE users SET role_id = $1 WHERE id = $2",
        &[vestibule::server::store::ROLE_ADMIN_ID, user_id],
    )
    .await;
}

/// `(member_count, active members)` after checking the owner invariant.
async fn counts(app: &TestApp, slug: &str) -> (i64, i64) {
    let id = group_id(app, slug).await;
    let c = app.state().store.groups.counts(&id).await.unwrap();
    let (count, active, owners, matching) = (
        c.member_count,
        c.active_members,
        c.owner_rows,
        c.matching_owner_rows,
    );
    assert_eq!(
        (owners, matching),
        (1, 1),
        "exactly one owner, matching owner_id"
    );
    (count, active)
}

fn field_error(r: &Resp, field: &str) -> bool {
    r.status == 422 && r.body.contains(&format!("\"{field}\""))
}

async fn creating(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[("max-owned-groups", "2")]).await else {
        return;
    };
    let u = unique("unv");
    let unverified = app.register(&u, &format!("{u}@example.com"), PW).await;
    let slug = unique("g").to_lowercase().replace('_', "-");
    let r = create(
        &app,
        &unverified,
        &group_form("Unverified group", &slug, true),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("confirm your email"), "{}", r.body);
    let r = create(&app, "", &group_form("Visitor group", &slug, true)).await;
    assert_eq!(r.status, 401);

    let (_, cookie, _) = verified(&app, "own").await;
    // Field errors, and nothing is written.
    let long_name = "n".repeat(101);
    let long_tags = "t,".repeat(251);
    let bad: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("slug", vec![("slug", "Bad Slug!")]),
        ("slug", vec![("slug", "ab")]),
        ("slug", vec![("slug", "new")]),
        ("name", vec![("name", long_name.as_str())]),
        ("name", vec![("name", "")]),
        ("group_type", vec![("group_type", "cult")]),
        ("tags", vec![("tags", long_tags.as_str())]),
        ("max_members", vec![("max_members", "lots")]),
        ("max_members", vec![("max_members", "0")]),
        ("settings", vec![("settings", "{not json")]),
        ("settings", vec![("settings", "[true]")]),
        ("settings", vec![("settings", r#"{"show_members": "yes"}"#)]),
        ("settings", vec![("settings", r#"{"owner_id": "x"}"#)]),
    ];
    for (field, overrides) in bad {
        let mut f = group_form("A fine name", &slug, true);
        for (k, v) in overrides {
            f.retain(|(kk, _)| *kk != k);
            f.push((k, v));
        }
        let r = create(&app, &cookie, &f).await;
        assert!(field_error(&r, field), "{field}: {} {}", r.status, r.body);
    }
    assert!(app
        .state()
        .store
        .groups
        .find(&slug)
        .await
        .unwrap()
        .is_none());
    // A description one character over the column.
    let long_desc = "d".repeat(1001);
    let mut f = group_form("Long description", &slug, true);
    f.retain(|(k, _)| *k != "description");
    f.push(("description", &long_desc));
    assert!(field_error(&create(&app, &cookie, &f).await, "description"));

    // A good one, with settings as JSON.
    let mut f = group_form("Rust Readers", &slug, true);
    f.push((
        "settings",
        r#"{"show_members": false, "join_question": "Why?"}"#,
    ));
    let r = create(&app, &cookie, &f).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&slug), "{}", r.body);
    let g = app.state().store.groups.find(&slug).await.unwrap().unwrap();
    assert_eq!(g.member_count, 1);
    assert!(g.settings.unwrap().contains("\"show_members\":false"));
    // Taken slug and (case-insensitively) taken name.
    let r = create(&app, &cookie, &group_form("Other name", &slug, true)).await;
    assert!(field_error(&r, "slug"), "{}", r.body);
    let r = create(
        &app,
        &cookie,
        &group_form("RUST READERS", "other-slug-x", true),
    )
    .await;
    assert!(field_error(&r, "name"), "{}", r.body);
    // The slug is suggested from the name when left empty.
    let r = create(&app, &cookie, &group_form("Café Crème Club", "", false)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(app
        .state()
        .store
        .groups
        .find("cafe-creme-club")
        .await
        .unwrap()
        .is_some());
    // The per-user limit (2 here).
    let r = create(
        &app,
        &cookie,
        &group_form("Third group", "third-group-x", true),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("own"), "{}", r.body);
    app.stop().await;
}
both_engines!(creating_checks_every_field_and_the_limits, creating);

async fn mass_assignment(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let (_, owner, owner_id) = verified(&app, "ma").await;
    let (_, other, other_id) = verified(&app, "mb").await;
    let mut f = group_form("Mass Assign", "mass-assign", true);
    f.extend([
        ("owner_id", other_id.as_str()),
        ("created_by", other_id.as_str()),
        ("member_count", "99"),
        ("is_system", "true"),
        ("role_in_group", "admin"),
        ("is_deleted", "true"),
    ]);
    let r = create(&app, &owner, &f).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let g = app
        .state()
        .store
        .groups
        .find("mass-assign")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.owner_id, owner_id);
    assert_eq!(g.member_count, 1);
    assert!(!g.is_system);
    // Joining cannot pick a role.
    let r = app
        .call(
            "join_group",
            &[
                ("slug", "mass-assign"),
                ("role_in_group", "owner"),
                ("role", "admin"),
            ],
            Some(&other),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let m = app
        .state()
        .store
        .groups
        .membership(&g.id, &other_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.role_in_group.as_deref(), Some("member"));
    // Editing cannot change owner, counts or system flag.
    let mut f = group_form("Mass Assign", "mass-assign", true);
    f.extend([
        ("owner_id", other_id.as_str()),
        ("member_count", "1"),
        ("is_system", "true"),
    ]);
    let r = app.call("update_group", &f, Some(&owner)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let g = app
        .state()
        .store
        .groups
        .find("mass-assign")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (g.owner_id.as_str(), g.member_count, g.is_system),
        (owner_id.as_str(), 2, false)
    );
    // A role that is not admin or member is refused.
    let who = app
        .state()
        .store
        .users
        .find(&other_id)
        .await
        .unwrap()
        .unwrap()
        .username;
    let r = app
        .call(
            "change_member_role",
            &[
                ("slug", "mass-assign"),
                ("username", &who),
                ("role", "owner"),
            ],
            Some(&owner),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(counts(&app, "mass-assign").await, (2, 2));
    app.stop().await;
}
both_engines!(mass_assignment_is_ignored_or_refused, mass_assignment);

async fn matrix(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let (_, owner, _) = verified(&app, "mo").await;
    let (admin_name, admin, _) = verified(&app, "mad").await;
    let (member_name, member, _) = verified(&app, "mme").await;
    let (pending_name, pending, _) = verified(&app, "mpe").await;
    let (_, user, _) = verified(&app, "mus").await;
    let (_, other_owner, _) = verified(&app, "mot").await;
    let (deleted_name, deleted, _) = verified(&app, "mde").await;
    let (_, site_admin, site_admin_id) = verified(&app, "msa").await;
    make_site_admin(&app, &site_admin_id).await;
    let slug = "matrix-group";
    // An open group to gather members, then closed for a pending request.
    assert_eq!(
        create(&app, &owner, &group_form("Matrix", slug, true))
            .await
            .status,
        200
    );
    assert_eq!(
        create(
            &app,
            &other_owner,
            &group_form("Elsewhere", "elsewhere-group", true)
        )
        .await
        .status,
        200
    );
    for c in [&admin, &member, &deleted] {
        let r = app.call("join_group", &[("slug", slug)], Some(c)).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = app
        .call(
            "change_member_role",
            &[("slug", slug), ("username", &admin_name), ("role", "admin")],
            Some(&owner),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let closed = group_form("Matrix", slug, false);
    let mut closed: Vec<(&str, &str)> = closed;
    closed.push(("settings", r#"{"show_members": false}"#));
    assert_eq!(
        app.call("update_group", &closed, Some(&owner)).await.status,
        200
    );
    let r = app
        .call(
            "request_to_join",
            &[("slug", slug), ("answer", "hello")],
            Some(&pending),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The deleted account: its session dies with it.
    let r = app
        .call(
            "delete_account",
            &[("current_password", PW)],
            Some(&deleted),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(counts(&app, slug).await, (3, 3), "owner, admin, member");

    // Every state-changing manage function, by every kind of caller. Allowed
    // callers aim at nobody (an unknown username), so nothing changes and the
    // answer is 404 rather than 401/403.
    let nobody = "no-such-person";
    type Call<'a> = (&'a str, Vec<(&'a str, &'a str)>);
    let calls: Vec<(Call, &[&str])> = vec![
        (
            (
                "approve_request",
                vec![("slug", slug), ("username", nobody)],
            ),
            &["owner", "admin", "site_admin"],
        ),
        (
            ("deny_request", vec![("slug", slug), ("username", nobody)]),
            &["owner", "admin", "site_admin"],
        ),
        (
            ("remove_member", vec![("slug", slug), ("username", nobody)]),
            &["owner", "admin", "site_admin"],
        ),
        (
            (
                "change_member_role",
                vec![("slug", slug), ("username", nobody), ("role", "admin")],
            ),
            &["owner"],
        ),
        (
            (
                "transfer_ownership",
                vec![("slug", slug), ("username", nobody)],
            ),
            &["owner"],
        ),
        (
            ("delete_group", vec![("slug", slug), ("confirm", "wrong")]),
            &["owner"],
        ),
        (
            ("get_group", vec![("slug", slug), ("manage", "true")]),
            &["owner", "admin", "site_admin"],
        ),
    ];
    let callers: Vec<(&str, Option<&str>)> = vec![
        ("visitor", None),
        ("deleted", Some(&deleted)),
        ("user", Some(&user)),
        ("other_owner", Some(&other_owner)),
        ("pending", Some(&pending)),
        ("member", Some(&member)),
        ("admin", Some(&admin)),
        ("owner", Some(&owner)),
        ("site_admin", Some(&site_admin)),
    ];
    for ((endpoint, form), allowed) in &calls {
        for (who, cookie) in &callers {
            let r = app.call(endpoint, form, *cookie).await;
            let expected: &[u16] = if allowed.contains(who) {
                &[200, 404, 422]
            } else if matches!(*who, "visitor" | "deleted") {
                &[401]
            } else {
                &[403]
            };
            assert!(
                expected.contains(&r.status),
                "{endpoint} as {who}: {} {}",
                r.status,
                r.body
            );
        }
    }
    // update_group: owner and admin may; the rest may not.
    for (who, cookie) in &callers {
        let r = app.call("update_group", &closed, *cookie).await;
        let ok = matches!(*who, "owner" | "admin" | "site_admin");
        let expected = if ok {
            200
        } else if matches!(*who, "visitor" | "deleted") {
            401
        } else {
            403
        };
        assert_eq!(r.status, expected, "update_group as {who}: {}", r.body);
    }
    // An admin cannot remove themselves through the manage page (they leave instead).
    let r = app
        .call(
            "remove_member",
            &[("slug", slug), ("username", &admin_name)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    // Members see the member list of this closed group with hidden members; others do not.
    let as_user: Value =
        serde_json::from_str(&detail(&app, slug, false, Some(&user)).await.body).unwrap();
    assert!(as_user["members"].is_null(), "{as_user}");
    assert_eq!(as_user["action"], "Request");
    let as_member: Value =
        serde_json::from_str(&detail(&app, slug, false, Some(&member)).await.body).unwrap();
    assert_eq!(as_member["members"].as_array().unwrap().len(), 3);
    assert_eq!(as_member["action"], "Leave");
    let as_pending: Value =
        serde_json::from_str(&detail(&app, slug, false, Some(&pending)).await.body).unwrap();
    assert_eq!(as_pending["action"], "Cancel");
    let as_visitor: Value =
        serde_json::from_str(&detail(&app, slug, false, None).await.body).unwrap();
    assert!(as_visitor["members"].is_null());
    // The manage view shows the request and its answer.
    let managed: Value =
        serde_json::from_str(&detail(&app, slug, true, Some(&admin)).await.body).unwrap();
    assert_eq!(managed["requests"][0]["username"], pending_name.as_str());
    assert_eq!(managed["requests"][0]["answer"], "hello");
    // Join/leave/cancel by the wrong people.
    assert_eq!(
        app.call("join_group", &[("slug", slug)], None).await.status,
        401
    );
    assert_eq!(
        app.call("leave_group", &[("slug", slug)], Some(&user))
            .await
            .status,
        409
    );
    assert_eq!(
        app.call("leave_group", &[("slug", slug)], Some(&owner))
            .await
            .status,
        409
    );
    assert_eq!(
        app.call("cancel_request", &[("slug", slug)], Some(&member))
            .await
            .status,
        409
    );
    assert_eq!(
        app.call("request_to_join", &[("slug", slug)], Some(&pending))
            .await
            .status,
        409
    );
    assert_eq!(
        app.call("request_to_join", &[("slug", slug)], Some(&member))
            .await
            .status,
        409
    );
    // Nothing above changed anything.
    assert_eq!(counts(&app, slug).await, (3, 3));
    // Now the real thing: approve, then the admin removes the member.
    let r = app
        .call(
            "approve_request",
            &[("slug", slug), ("username", &pending_name)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app
        .call(
            "remove_member",
            &[("slug", slug), ("username", &member_name)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(counts(&app, slug).await, (3, 3));
    // joined_by records who admitted whom.
    let gid = group_id(&app, slug).await;
    let pid = app
        .state()
        .store
        .users
        .find_by_login(&pending_name)
        .await
        .unwrap()
        .unwrap()
        .id;
    let aid = app
        .state()
        .store
        .users
        .find_by_login(&admin_name)
        .await
        .unwrap()
        .unwrap()
        .id;
    let joined_by = app
        .query_text(
            "SELECT joined_by FROM user_groups WHERE group_id = $1 AND user_id = $2",
            &[&gid, &pid],
        )
        .await;
    assert_eq!(joined_by.as_deref(), Some(aid.as_str()));
    let _ = deleted_name;
    // The timeline has the events.
    let t = app
        .call(
            "timeline",
            &[("kind", "groups"), ("session", ""), ("before", "")],
            Some(&admin),
        )
        .await;
    assert_eq!(t.status, 200, "{}", t.body);
    for kind in ["group_joined", "group_approved", "group_removed"] {
        assert!(t.body.contains(kind), "{kind}: {}", t.body);
    }
    app.stop().await;
}
both_engines!(authorization_matrix_for_every_group_function, matrix);

/// Without JavaScript a refused new group comes back as it was sent: the
/// type chosen and the boxes unticked, not the defaults.
async fn refused_form_kept(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let (_, cookie, _) = verified(&app, "kept").await;
    // The new-group form as a browser without JavaScript posts it, boxes unticked.
    let form = |name: &'static str| {
        [
            ("name", name),
            ("slug", ""),
            ("description", ""),
            ("group_type", "study"),
            ("tags", ""),
            ("max_members", ""),
            ("join_question", ""),
        ]
    };
    let (client, cookie) = (&app, cookie.as_str());
    let post = |name: &'static str| async move {
        client
            .form_post("create_group", "/groups/new", &form(name), Some(cookie))
            .await
    };
    let (loc, page) = app
        .form_post_back("create_group", "/groups/new", &form(""), Some(cookie))
        .await;
    assert_eq!(loc, "/groups/new");
    let tag_of = |id: &str| {
        let at = page.body.find(&format!("id=\"{id}\"")).expect(id);
        let start = page.body[..at].rfind('<').unwrap();
        let end = at + page.body[at..].find('>').unwrap();
        page.body[start..=end].to_string()
    };
    for id in ["f-is_public", "f-is_open", "f-show_members"] {
        assert!(!tag_of(id).contains("checked"), "{id}: {}", tag_of(id));
    }
    let option = |v: &str| {
        let at = page.body.find(&format!("<option value=\"{v}\"")).expect(v);
        let end = at + page.body[at..].find('>').unwrap();
        page.body[at..=end].to_string()
    };
    assert!(
        option("study").contains("selected"),
        "the type chosen is kept"
    );
    assert!(!option("community").contains("selected"));
    assert!(
        page.body.contains(r#"action="/api/create_group""#),
        "the page's form posts plainly"
    );
    // A good form lands on the new group's page.
    let r = post("Plain Posters").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/groups/plain-posters");
    let page = app.get("/groups/plain-posters", Some(cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Plain Posters"));
    app.stop().await;
}
both_engines!(a_refused_group_form_keeps_choices, refused_form_kept);

async fn capacity(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let (_, owner, _) = verified(&app, "cap").await;
    let mut f = group_form("Capacity", "capacity-five", true);
    f.retain(|(k, _)| *k != "max_members");
    f.push(("max_members", "5"));
    assert_eq!(create(&app, &owner, &f).await.status, 200);
    let mut cookies = Vec::new();
    for _ in 0..50 {
        let u = unique("cj");
        cookies.push(app.register(&u, &format!("{u}@example.com"), PW).await);
    }
    let joins = cookies
        .iter()
        .map(|c| app.call("join_group", &[("slug", "capacity-five")], Some(c)));
    let results = futures::future::join_all(joins).await;
    let ok = results.iter().filter(|r| r.status == 200).count();
    let full = results.iter().filter(|r| r.status == 409).count();
    assert_eq!((ok, full), (4, 46), "the owner plus 4 joiners make 5");
    assert_eq!(counts(&app, "capacity-five").await, (5, 5));
    // Everyone again at once: all refused, nothing moves; one leaves, one gets in.
    let again = cookies
        .iter()
        .map(|c| app.call("join_group", &[("slug", "capacity-five")], Some(c)));
    let results = futures::future::join_all(again).await;
    assert!(results.iter().all(|r| r.status == 409));
    let leaver = cookies
        .iter()
        .zip(results.iter())
        .find(|(_, r)| r.body.contains("already a member"))
        .map(|(c, _)| c.clone())
        .unwrap();
    assert_eq!(
        app.call("leave_group", &[("slug", "capacity-five")], Some(&leaver))
            .await
            .status,
        200
    );
    assert_eq!(counts(&app, "capacity-five").await, (4, 4));
    let again = cookies
        .iter()
        .map(|c| app.call("join_group", &[("slug", "capacity-five")], Some(c)));
    let results = futures::future::join_all(again).await;
    assert_eq!(results.iter().filter(|r| r.status == 200).count(), 1);
    assert_eq!(counts(&app, "capacity-five").await, (5, 5));
    app.stop().await;
}
both_engines!(max_members_holds_under_50_concurrent_joins, capacity);

/// A call on "one-owner" about `username`, as an owned future.
async fn owned_call(
    app: &TestApp,
    endpoint: &'static str,
    username: &str,
    role: Option<&'static str>,
    cookie: &str,
) -> Resp {
    let mut form = vec![("slug", "one-owner"), ("username", username)];
    if let Some(r) = role {
        form.push(("role", r));
    }
    app.call(endpoint, &form, Some(cookie)).await
}

async fn one_owner(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let (_, owner, _) = verified(&app, "oo").await;
    assert_eq!(
        create(&app, &owner, &group_form("Owners", "one-owner", true))
            .await
            .status,
        200
    );
    let mut members = Vec::new();
    for _ in 0..6 {
        let (n, c, _) = verified(&app, "om").await;
        assert_eq!(
            app.call("join_group", &[("slug", "one-owner")], Some(&c))
                .await
                .status,
            200
        );
        members.push((n, c));
    }
    // The owner hands over to six people at once while promoting and demoting,
    // and every member tries to take the group too.
    let mut calls = Vec::new();
    for (n, _) in &members {
        calls.push(owned_call(&app, "transfer_ownership", n, None, &owner));
        calls.push(owned_call(
            &app,
            "change_member_role",
            n,
            Some("admin"),
            &owner,
        ));
    }
    for (i, (_, c)) in members.iter().enumerate() {
        let target = &members[(i + 1) % members.len()].0;
        calls.push(owned_call(&app, "transfer_ownership", target, None, c));
    }
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(|r| r.status != 500), "no 500s");
    let transfers_ok = results
        .iter()
        .step_by(2)
        .take(members.len())
        .filter(|r| r.status == 200)
        .count();
    assert!(transfers_ok >= 1, "one transfer goes through");
    assert_eq!(counts(&app, "one-owner").await, (7, 7));
    // Now two new owners-to-be race in the other direction.
    let g = app
        .state()
        .store
        .groups
        .find("one-owner")
        .await
        .unwrap()
        .unwrap();
    let new_owner = members
        .iter()
        .find(|(n, _)| *n == g.owner_username)
        .map(|(_, c)| c.clone())
        .expect("a member owns it now");
    let racers = members
        .iter()
        .filter(|(n, _)| *n != g.owner_username)
        .map(|(n, _)| owned_call(&app, "transfer_ownership", n, None, &new_owner));
    let results = futures::future::join_all(racers).await;
    assert_eq!(
        results.iter().filter(|r| r.status == 200).count(),
        1,
        "only the first hand-over counts"
    );
    assert_eq!(counts(&app, "one-owner").await, (7, 7));
    app.stop().await;
}
both_engines!(concurrent_role_changes_keep_exactly_one_owner, one_owner);

async fn list(app: &TestApp, cookie: Option<&str>, q: &[(&str, &str)]) -> Value {
    let mut form = vec![
        ("q", ""),
        ("group_type", ""),
        ("tag", ""),
        ("sort", ""),
        ("after", ""),
    ];
    for (k, v) in q {
        form.retain(|(kk, _)| kk != k);
        form.push((k, v));
    }
    let r = app.call("list_groups", &form, cookie).await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn slugs(v: &Value) -> Vec<String> {
    v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["slug"].as_str().unwrap().to_string())
        .collect()
}

async fn search(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[("max-owned-groups", "40")]).await else {
        return;
    };
    let (_, owner, _) = verified(&app, "se").await;
    let mut f = group_form("Café Lovers of Köln", "cafe-koln", true);
    f.retain(|(k, _)| !matches!(*k, "description" | "tags" | "group_type"));
    f.extend([
        ("description", "We drink espresso together."),
        ("tags", "coffee, Berlin"),
        ("group_type", "interest"),
    ]);
    assert_eq!(create(&app, &owner, &f).await.status, 200);
    let mut private = group_form("Secret Society", "secret-society", false);
    private.retain(|(k, _)| *k != "is_public");
    assert_eq!(create(&app, &owner, &private).await.status, 200);
    for (q, expect) in [
        ("cafe", true),
        ("CAFÉ", true),
        ("koln", true),
        ("espresso", true),
        ("espr", true),
        ("coffee", true),
        ("lovers espresso", true),
        ("tea", false),
        ("secret", false),
        ("<script>", false),
        ("\"quoted\" OR *", false),
    ] {
        let v = list(&app, None, &[("q", q)]).await;
        assert_eq!(
            slugs(&v).contains(&"cafe-koln".to_string()),
            expect,
            "search {q}: {v}"
        );
        assert!(!slugs(&v).contains(&"secret-society".to_string()));
    }
    assert_eq!(
        slugs(&list(&app, None, &[("tag", "berlin")]).await),
        ["cafe-koln"]
    );
    assert_eq!(
        slugs(&list(&app, None, &[("tag", "Berlin")]).await),
        ["cafe-koln"]
    );
    assert_eq!(
        slugs(&list(&app, None, &[("group_type", "interest")]).await),
        ["cafe-koln"]
    );
    assert!(slugs(&list(&app, None, &[("group_type", "team")]).await).is_empty());
    // The owner's own private group shows in their list, not a visitor's.
    assert!(slugs(&list(&app, Some(&owner), &[("q", "secret")]).await)
        .contains(&"secret-society".to_string()));
    // Made public, it is found by everyone (the search index follows edits).
    let mut public = group_form("Secret Society", "secret-society", false);
    public.push(("settings", "{}"));
    assert_eq!(
        app.call("update_group", &public, Some(&owner)).await.status,
        200
    );
    assert_eq!(
        slugs(&list(&app, None, &[("q", "secret")]).await),
        ["secret-society"]
    );
    // Bad input is a clear 4xx.
    for bad in [
        ("sort", "sideways"),
        ("group_type", "cult"),
        ("after", "garbage"),
    ] {
        let mut form = vec![
            ("q", ""),
            ("group_type", ""),
            ("tag", ""),
            ("sort", ""),
            ("after", ""),
        ];
        form.retain(|(k, _)| *k != bad.0);
        form.push(bad);
        let r = app.call("list_groups", &form, None).await;
        assert!(
            r.status == 400 || r.status == 422,
            "{bad:?}: {} {}",
            r.status,
            r.body
        );
    }
    // Keyset pages by every sort: no duplicates, nothing missed.
    for i in 0..25 {
        let n = format!("Paging Group {i:02}");
        let s = format!("paging-group-{i:02}");
        assert_eq!(
            create(&app, &owner, &group_form(&n, &s, true)).await.status,
            200
        );
    }
    for sort in ["name", "members", "newest"] {
        let first = list(&app, None, &[("q", "paging"), ("sort", sort)]).await;
        let next = first["next"].as_str().expect("a next page").to_string();
        let second = list(
            &app,
            None,
            &[("q", "paging"), ("sort", sort), ("after", &next)],
        )
        .await;
        let mut all = slugs(&first);
        all.extend(slugs(&second));
        assert_eq!(all.len(), 25, "{sort}");
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 25, "{sort}: no duplicates");
        assert!(second["next"].is_null());
    }
    // The HTML pages: search in the URL, the group page, a missing group.
    let page = app.get("/groups?q=espresso", None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Café Lovers of Köln"));
    let page = app.get("/groups/cafe-koln", None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("espresso"));
    assert_eq!(app.get("/groups/no-such-group", None).await.status, 404);
    // A hand-made filter that cannot be read says which and why, with a 4xx.
    let page = app.get("/groups?sort=sideways", None).await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("Choose a listed sort order."),
        "{}",
        page.body
    );
    // The manage page answers with the status of what it says.
    let u = unique("mg");
    let c = app.register(&u, &format!("{u}@example.com"), PW).await;
    let page = app.get("/groups/no-such-group/manage", Some(&c)).await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Group not found"));
    let page = app.get("/groups/cafe-koln/manage", Some(&c)).await;
    assert_eq!(page.status, 403, "a stranger may not manage");
    assert!(page.body.contains("permission"));
    app.stop().await;
}
both_engines!(search_finds_by_name_description_and_tag, search);

async fn lifecycle(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let (owner_name, owner, _) = verified(&app, "lo").await;
    let (member_name, member, _) = verified(&app, "lm").await;
    assert_eq!(
        create(&app, &owner, &group_form("Lifecycle", "life-cycle", true))
            .await
            .status,
        200
    );
    assert_eq!(
        app.call("join_group", &[("slug", "life-cycle")], Some(&member))
            .await
            .status,
        200
    );
    assert_eq!(
        app.call("join_group", &[("slug", "life-cycle")], Some(&member))
            .await
            .status,
        409
    );
    // A visitor sees the public members list (show_members is on).
    let v: Value =
        serde_json::from_str(&detail(&app, "life-cycle", false, None).await.body).unwrap();
    assert_eq!(v["members"].as_array().unwrap().len(), 2);
    // The sole owner cannot delete the account; after handing over they can.
    let r = app
        .call("delete_account", &[("current_password", PW)], Some(&owner))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("own"), "{}", r.body);
    let r = app
        .call(
            "transfer_ownership",
            &[("slug", "life-cycle"), ("username", &member_name)],
            Some(&owner),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(counts(&app, "life-cycle").await, (2, 2));
    let r = app
        .call("delete_account", &[("current_password", PW)], Some(&owner))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        counts(&app, "life-cycle").await,
        (1, 1),
        "the deleted account's membership ended"
    );
    let _ = owner_name;
    // Deleting the group: slug must be typed; then it is gone.
    let r = app
        .call(
            "delete_group",
            &[("slug", "life-cycle"), ("confirm", "nope")],
            Some(&member),
        )
        .await;
    assert!(field_error(&r, "confirm"), "{}", r.body);
    let r = app
        .call(
            "delete_group",
            &[("slug", "life-cycle"), ("confirm", "life-cycle")],
            Some(&member),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(detail(&app, "life-cycle", false, None).await.status, 404);
    assert!(slugs(&list(&app, Some(&member), &[]).await).is_empty());
    assert_eq!(
        app.call("join_group", &[("slug", "life-cycle")], Some(&member))
            .await
            .status,
        404
    );
    // A malformed slug is a 404, never a 500.
    for bad in ["", "../etc", &"x".repeat(500), "UPPER"] {
        assert_eq!(
            app.call("join_group", &[("slug", bad)], Some(&member))
                .await
                .status,
            404
        );
    }
    // A system group cannot be joined, left, edited or deleted.
    let s = &app.state().store;
    let mid = s
        .users
        .find_by_login(&member_name)
        .await
        .unwrap()
        .unwrap()
        .id;
    let sys_tags: Vec<String> = Vec::new();
    s.groups
        .create(&[vestibule::server::store::NewGroup {
            id: &vestibule::server::store::new_id(),
            name: "Everyone",
            slug: "everyone",
            description: None,
            is_public: true,
            is_open: true,
            is_system: true,
            max_members: None,
            group_type: "community",
            tags: &sys_tags,
            tags_joined: None,
            settings: "{}",
            owner_id: &mid,
            search_body: "everyone",
            owned_limit: None,
            now: app.state().now(),
        }])
        .await
        .unwrap();
    let (_, third, _) = verified(&app, "lt").await;
    assert_eq!(
        app.call("join_group", &[("slug", "everyone")], Some(&third))
            .await
            .status,
        403
    );
    let mut f = group_form("Everyone", "everyone", true);
    f.push(("settings", "{}"));
    assert_eq!(
        app.call("update_group", &f, Some(&member)).await.status,
        403
    );
    assert_eq!(
        app.call(
            "delete_group",
            &[("slug", "everyone"), ("confirm", "everyone")],
            Some(&member)
        )
        .await
        .status,
        403
    );
    app.stop().await;
}
both_engines!(leaving_handing_over_and_deleting, lifecycle);

/// The group page and its manage page without JavaScript: every form posts
/// plainly and the page comes back drawn by the server with its note, or
/// with the message beside the field and what was typed; user text stays
/// text (S26).
async fn plain_group_pages(engine: Engine, name: &str) {
    let Some(app) = spawn_app(engine, name, &[]).await else {
        return;
    };
    let (_, owner, _) = verified(&app, "plo").await;
    let mut form = group_form("Plain Club", "plain-club", false);
    form.retain(|(k, _)| *k != "join_question");
    form.push(("join_question", "What do you bring?"));
    assert_eq!(create(&app, &owner, &form).await.status, 200);
    let (asker, asker_c, _) = verified(&app, "pla").await;
    let page = "/groups/plain-club";
    let manage = "/groups/plain-club/manage";

    // Too long an answer: the message beside the field, the text kept.
    let long = format!("<i>{}</i>", "x".repeat(600));
    let (loc, back) = app
        .form_post_back(
            "request_to_join",
            page,
            &[("slug", "plain-club"), ("answer", &long)],
            Some(&asker_c),
        )
        .await;
    assert!(
        !loc.contains("__err"),
        "the error stays out of the URL: {loc}"
    );
    assert_eq!(back.status, 200);
    assert!(back.body.contains("aria-invalid=\"true\""), "{}", back.body);
    assert!(back.body.contains("&lt;i&gt;xxxx"), "kept and escaped");
    assert!(!back.body.contains("<i>xxxx"));
    assert_eq!(counts(&app, "plain-club").await.0, 1);
    // A good answer: the note and the way to withdraw.
    let answer = "<b>cake</b> & tea";
    let (loc, back) = app
        .form_post_back(
            "request_to_join",
            page,
            &[("slug", "plain-club"), ("answer", answer)],
            Some(&asker_c),
        )
        .await;
    assert!(!loc.contains("done="), "nothing added to the URL: {loc}");
    assert!(back.body.contains("Your request to join was sent."));
    assert!(back.body.contains("Cancel request"));

    // The owner sees the answer as text and approves.
    let m = app.get(manage, Some(&owner)).await;
    assert_eq!(m.status, 200);
    assert!(
        m.body.contains("&lt;b&gt;cake&lt;/b&gt; &amp; tea"),
        "{}",
        m.body
    );
    assert!(!m.body.contains(answer));
    // As HTML once; the page's data for hydration carries it with `<`
    // escaped for a script.
    assert_eq!(m.body.matches("&lt;b&gt;cake").count(), 1, "{}", m.body);
    let (_, back) = app
        .form_post_back(
            "approve_request",
            manage,
            &[("slug", "plain-club"), ("username", &asker)],
            Some(&owner),
        )
        .await;
    assert!(back.body.contains("The request was approved."));
    assert!(back.body.contains("No one is waiting."));
    assert_eq!(counts(&app, "plain-club").await.0, 2);

    // The data behind the pages answers with the same rules: a member who
    // may not manage is refused what the manage page shows.
    let section = |manage: &'static str, cookie: Option<String>| {
        let app = &app;
        async move {
            app.call(
                "get_group",
                &[("slug", "plain-club"), ("manage", manage)],
                cookie.as_deref(),
            )
            .await
        }
    };
    let r = section("true", Some(asker_c.clone())).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = section("true", None).await;
    assert_eq!(r.status, 401, "{}", r.body);
    let r = section("false", None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Plain Club"), "{}", r.body);
    // A refused "Save group" keeps what was typed beside the error; a good
    // one saves and says so.
    let mut edit: Vec<(&str, &str)> = vec![("slug", "plain-club")];
    edit.extend(
        group_form("", "plain-club", false)
            .into_iter()
            .filter(|(k, _)| *k != "slug" && *k != "description"),
    );
    edit.push(("description", "Kept <description>"));
    let (loc, back) = app
        .form_post_back("update_group", manage, &edit, Some(&owner))
        .await;
    assert!(
        !loc.contains("__err"),
        "the error stays out of the URL: {loc}"
    );
    assert!(back.body.contains("aria-invalid=\"true\""), "{}", back.body);
    assert!(
        back.body.contains("Kept &lt;description&gt;"),
        "{}",
        back.body
    );
    assert!(!back.body.contains("Group saved."));
    for pair in edit.iter_mut() {
        if pair.0 == "name" {
            pair.1 = "Plain Club Renamed";
        }
    }
    let (loc, back) = app
        .form_post_back("update_group", manage, &edit, Some(&owner))
        .await;
    assert!(!loc.contains("done="), "nothing added to the URL: {loc}");
    assert!(back.body.contains("Group saved."));
    assert!(back.body.contains("Manage Plain Club Renamed"));

    // Someone who may not manage gets the refusal, and nothing changes.
    let (_, back) = app
        .form_post_back(
            "remove_member",
            manage,
            &[("slug", "plain-club"), ("username", &asker)],
            Some(&asker_c),
        )
        .await;
    assert!(back.body.contains("permission"), "{}", back.body);
    assert_eq!(counts(&app, "plain-club").await.0, 2);
    // The member leaves.
    let (loc, back) = app
        .form_post_back(
            "leave_group",
            page,
            &[("slug", "plain-club")],
            Some(&asker_c),
        )
        .await;
    assert!(!loc.contains("done="), "nothing added to the URL: {loc}");
    assert!(back.body.contains("You left the group."));
    assert_eq!(counts(&app, "plain-club").await.0, 1);
    app.stop().await;
}
both_engines!(group_pages_post_plainly, plain_group_pages);
