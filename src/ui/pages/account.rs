//! `/account` (profile), `/account/email`, `/account/password`,
//! `/account/delete`. Each form posts plainly: the page comes back with a
//! note, or with an error summary, the messages beside the fields and what
//! was typed (never a password).

use crate::api::account::{
    ChangeEmail, ChangePassword, DeleteAccount, ResendVerification, UpdateProfile,
};
use crate::domain::CurrentUser;
use crate::ui::components::form::{posted, Checkbox, Done, ErrorSummary, Field};
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
            <ErrorSummary posted=resend.clone()/>
            <Done posted=resend text="A new confirmation link is on its way."/>
        })}
        <form method="post" action=path class="stack" novalidate=true>
            <ErrorSummary posted=p.clone()/>
            <Done posted=p.clone() text="Profile saved."/>
            <Field label="First name" name="first_name" autocomplete="given-name" posted=p.clone() maxlength=100
                value=u.first_name.clone()/>
            <Field label="Last name" name="last_name" autocomplete="family-name" posted=p.clone() maxlength=100
                value=u.last_name.clone()/>
            <Field label="Bio" name="bio" kind="textarea" posted=p.clone() maxlength=1000 value=u.bio.clone()/>
            <Field label="Profile picture URL" name="profile_picture_url" kind="url" autocomplete="photo" posted=p maxlength=500
                hint="An https:// address of an image." value=u.picture_url.clone()/>
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
                    <ErrorSummary posted=p.clone()/>
                    <Done posted=p.clone() text="We sent a confirmation link to your new address. Your address changes when you open it."/>
                    <Field label="New email" name="new_email" kind="email" autocomplete="email" posted=p.clone() required=true maxlength=255/>
                    <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" posted=p required=true/>
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
                    <ErrorSummary posted=p.clone()/>
                    <Done posted=p.clone() text="Your password was changed."/>
                    <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" posted=p.clone() required=true/>
                    <Field label="New password" name="new_password" kind="password" autocomplete="new-password" posted=p.clone() required=true
                        hint="At least 8 characters. A few unrelated words make a strong password."/>
                    <Checkbox label="Sign out other sessions" name="sign_out_others" checked=p.flag_or("sign_out_others", true)/>
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
                    <ErrorSummary posted=p.clone()/>
                    <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" posted=p required=true/>
                    <button type="submit" class="danger">"Delete account"</button>
                </form>
            }
        })}
    }
}
