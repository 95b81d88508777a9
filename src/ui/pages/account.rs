//! `/account` (profile), `/account/email`, `/account/password`, `/account/delete`.

use super::with_user;
use crate::api::account::{
    ChangeEmail, ChangePassword, DeleteAccount, ResendVerification, UpdateProfile,
};
use crate::domain::CurrentUser;
use crate::ui::components::form::{done_note, posted_error, Checkbox, PlainField, PlainFormError};
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
    // A plain post, like the other account pages: the page comes back with
    // the saved profile (and the navigation's new picture) and the note, or
    // with the message beside the field and what was typed. No action or
    // form-decoding code goes to the browser for it.
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
    let error = posted_error(path);
    let resend_error = posted_error(resend_path);
    let saved = done_note("profile");
    let resent = done_note("resent");
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
            <PlainFormError error=resend_error/>
            <div class="form-success" role="status">
                {resent.then(|| view! { <p>"A new confirmation link is on its way."</p> })}
            </div>
        })}
        <form method="post" action=path class="stack" novalidate=true>
            <PlainFormError error=error.clone()/>
            <div class="form-success" role="status">
                {saved.then(|| view! { <p>"Profile saved."</p> })}
            </div>
            <PlainField label="First name" name="first_name" autocomplete="given-name" error=error.clone() maxlength=100
                value=u.first_name.clone()/>
            <PlainField label="Last name" name="last_name" autocomplete="family-name" error=error.clone() maxlength=100
                value=u.last_name.clone()/>
            <PlainField label="Bio" name="bio" kind="textarea" error=error.clone() maxlength=1000
                value=u.bio.clone()/>
            <PlainField label="Profile picture URL" name="profile_picture_url" kind="url" autocomplete="photo" error=error maxlength=500
                hint="An https:// address of an image." value=u.picture_url.clone()/>
            <button type="submit">"Save profile"</button>
        </form>
    }
}

#[component]
pub fn EmailPage() -> impl IntoView {
    // A plain post, like the password page: the page comes back with the
    // note (the `done` parameter) or with the message beside the field and
    // the typed address kept. No action or form-decoding code in the browser.
    let path = <ChangeEmail as ServerFn>::PATH;
    view! {
        <PageTitle text="Email"/>
        <h1>"Email address"</h1>
        <AccountNav/>
        {with_user(move |u| {
            let error = posted_error(path);
            let sent = done_note("email");
            view! {
                <p>"Your address is " <strong>{u.email.clone()}</strong> "."</p>
                <form method="post" action=path class="stack" novalidate=true>
                    <PlainFormError error=error.clone()/>
                    <div class="form-success" role="status">
                        {sent.then(|| view! { <p>"We sent a confirmation link to your new address. Your address changes when you open it."</p> })}
                    </div>
                    <PlainField label="New email" name="new_email" kind="email" autocomplete="email" error=error.clone() required=true maxlength=255/>
                    <PlainField label="Current password" name="current_password" kind="password" autocomplete="current-password" error=error required=true/>
                    <button type="submit">"Change email"</button>
                </form>
            }
        })}
    }
}

#[component]
pub fn PasswordPage() -> impl IntoView {
    // A plain post, like deletion: the answer changes the session (a new
    // token, other sessions ended), and the page comes back with the note or
    // with the message beside the field. No action or form-decoding code in
    // the browser for it.
    let path = <ChangePassword as ServerFn>::PATH;
    view! {
        <PageTitle text="Password"/>
        <h1>"Change password"</h1>
        <AccountNav/>
        {with_user(move |_| {
            let error = posted_error(path);
            let done = done_note("password");
            view! {
                <form method="post" action=path class="stack" novalidate=true>
                    <PlainFormError error=error.clone()/>
                    <div class="form-success" role="status">
                        {done.then(|| view! { <p>"Your password was changed."</p> })}
                    </div>
                    <PlainField label="Current password" name="current_password" kind="password" autocomplete="current-password" error=error.clone() required=true/>
                    <PlainField label="New password" name="new_password" kind="password" autocomplete="new-password" error=error required=true
                        hint="At least 8 characters. A few unrelated words make a strong password."/>
                    <Checkbox label="Sign out other sessions" name="sign_out_others" checked=true/>
                    <input type="hidden" name="others_choice" value="1"/>
                    <button type="submit">"Change password"</button>
                </form>
            }
        })}
    }
}

#[component]
pub fn DeletePage() -> impl IntoView {
    // A plain post, as on the sign-in page: success ends the session and
    // lands on the home page, so a full page load is what it needs anyway,
    // and the page carries no action or form-decoding code into the browser.
    let path = <DeleteAccount as ServerFn>::PATH;
    view! {
        <PageTitle text="Delete account"/>
        <h1>"Delete account"</h1>
        <AccountNav/>
        {with_user(move |_| {
            let error = posted_error(path);
            view! {
                <p>"Deleting your account signs you out everywhere and ends your group memberships. You cannot undo this."</p>
                <form method="post" action=path class="stack danger" novalidate=true>
                    <PlainFormError error=error.clone()/>
                    <PlainField label="Current password" name="current_password" kind="password" autocomplete="current-password" error=error required=true/>
                    <button type="submit" class="danger">"Delete account"</button>
                </form>
            }
        })}
    }
}
