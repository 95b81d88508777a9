//! `/account` (profile), `/account/email`, `/account/password`,
//! `/account/delete`. Each form posts plainly: the page comes back with a
//! note, or with an error summary, the messages beside the fields and what
//! was typed (never a password).

use crate::api::account::{
    ChangeEmail, ChangePassword, DeleteAccount, ResendVerification, UpdateProfile,
};
use crate::domain::CurrentUser;
use crate::ui::components::form::{checkbox, done, error_summary, field, posted, FieldSpec};
use crate::ui::components::page::with_user;
use crate::ui::components::title::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

/// The account section's own navigation.
#[component]
pub fn AccountNav() -> impl IntoView {
    view! {
        <nav aria-label="Account" class="subnav">
            <ul>
                <li><A href="/account" exact=true>"Profile"</A></li>
                <li><A href="/account/email">"Email"</A></li>
                <li><A href="/account/password">"Password"</A></li>
                <li><A href="/account/sessions">"Sessions"</A></li>
                <li><A href="/account/activity">"Security timeline"</A></li>
                <li><A href="/account/delete">"Delete account"</A></li>
            </ul>
        </nav>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <PageTitle text="Profile"/>
        <h1>"Profile"</h1>
        <AccountNav/>
        {with_user(move |u| view! { <ProfileForm user=u/> })}
    }
}

#[component]
fn ProfileForm(user: CurrentUser) -> impl IntoView {
    let path = <UpdateProfile as ServerFn>::PATH;
    let resend_path = <ResendVerification as ServerFn>::PATH;
    let p = posted(path);
    let resend = posted(resend_path);
    let u = user;
    view! {
        <section class="profile-card" aria-label="Your profile">
            {u.picture_url.clone().map(|src| view! {
                <img class="avatar-large" src=src alt="Your profile picture" width="64" height="64" referrerpolicy="no-referrer"/>
            })}
            <div>
                <p class="profile-name">{u.display_name()}</p>
                <p class="muted">"@" {u.username.clone()} " · " {u.email.clone()}
                    {if u.email_verified { " (confirmed)" } else { " (not confirmed)" }}</p>
                {u.bio.clone().map(|b| view! { <p class="bio">{b}</p> })}
            </div>
        </section>
        {(!u.email_verified).then(|| view! {
            <form method="post" action=resend_path class="inline-form">
                <p class="notice">"Your email address is not confirmed. "
                    <button type="submit" class="link-button">"Send the link again"</button></p>
            </form>
            {error_summary(resend.clone())}
            {done(resend, "A new confirmation link is on its way.")}
        })}
        <form method="post" action=path class="stack" novalidate=true>
            {error_summary(p.clone())}
            {done(p.clone(), "Profile saved.")}
            {field(FieldSpec { label: "First name", name: "first_name", autocomplete: Some("given-name"), posted: p.clone(), maxlength: Some(100), value: u.first_name.clone(), ..FieldSpec::default() })}
            {field(FieldSpec { label: "Last name", name: "last_name", autocomplete: Some("family-name"), posted: p.clone(), maxlength: Some(100), value: u.last_name.clone(), ..FieldSpec::default() })}
            {field(FieldSpec { label: "Bio", name: "bio", kind: "textarea", posted: p.clone(), maxlength: Some(1000), value: u.bio.clone(), ..FieldSpec::default() })}
            {field(FieldSpec { label: "Profile picture URL", name: "profile_picture_url", kind: "url", autocomplete: Some("photo"), posted: p, maxlength: Some(500), hint: Some("An https:// address of an image."), value: u.picture_url.clone(), ..FieldSpec::default() })}
            <button type="submit">"Save profile"</button>
        </form>
    }
}

#[component]
pub fn EmailPage() -> impl IntoView {
    let path = <ChangeEmail as ServerFn>::PATH;
    view! {
        <PageTitle text="Email"/>
        <h1>"Email address"</h1>
        <AccountNav/>
        {with_user(move |u| {
            let p = posted(path);
            view! {
                <p>"Your address is " <strong>{u.email.clone()}</strong> "."</p>
                <form method="post" action=path class="stack" novalidate=true>
                    {error_summary(p.clone())}
                    {done(p.clone(), "We sent a confirmation link to your new address. Your address changes when you open it.")}
                    {field(FieldSpec { label: "New email", name: "new_email", kind: "email", autocomplete: Some("email"), posted: p.clone(), required: true, maxlength: Some(255), ..FieldSpec::default() })}
                    {field(FieldSpec { label: "Current password", name: "current_password", kind: "password", autocomplete: Some("current-password"), posted: p, required: true, ..FieldSpec::default() })}
                    <button type="submit">"Change email"</button>
                </form>
            }
        })}
    }
}

#[component]
pub fn PasswordPage() -> impl IntoView {
    let path = <ChangePassword as ServerFn>::PATH;
    view! {
        <PageTitle text="Password"/>
        <h1>"Change password"</h1>
        <AccountNav/>
        {with_user(move |_| {
            let p = posted(path);
            view! {
                <form method="post" action=path class="stack" novalidate=true>
                    {error_summary(p.clone())}
                    {done(p.clone(), "Your password was changed.")}
                    {field(FieldSpec { label: "Current password", name: "current_password", kind: "password", autocomplete: Some("current-password"), posted: p.clone(), required: true, ..FieldSpec::default() })}
                    {field(FieldSpec { label: "New password", name: "new_password", kind: "password", autocomplete: Some("new-password"), posted: p.clone(), required: true, hint: Some("At least 8 characters. A few unrelated words make a strong password."), ..FieldSpec::default() })}
                    {checkbox("Sign out other sessions", "sign_out_others", p.flag_or("sign_out_others", true))}
                    <input type="hidden" name="others_choice" value="1"/>
                    <button type="submit">"Change password"</button>
                </form>
            }
        })}
    }
}

#[component]
pub fn DeletePage() -> impl IntoView {
    let path = <DeleteAccount as ServerFn>::PATH;
    view! {
        <PageTitle text="Delete account"/>
        <h1>"Delete account"</h1>
        <AccountNav/>
        {with_user(move |_| {
            let p = posted(path);
            view! {
                <p>"Deleting your account signs you out everywhere and ends your group memberships. You cannot undo this."</p>
                <form method="post" action=path class="stack danger" novalidate=true>
                    {error_summary(p.clone())}
                    {field(FieldSpec { label: "Current password", name: "current_password", kind: "password", autocomplete: Some("current-password"), posted: p, required: true, ..FieldSpec::default() })}
                    <button type="submit" class="danger">"Delete account"</button>
                </form>
            }
        })}
    }
}
