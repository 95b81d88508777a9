//! `/verify-email?token=…`: confirms an address from an emailed link.
//! Opening the link is the confirmation (the token is signed, expiring and
//! bound to the address it confirms, so a replay does nothing new).

use crate::api::account::confirm_email;
use crate::ui::components::title::PageTitle;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let token = move || use_query_map().get().get("token").unwrap_or_default();
    let result = Resource::new(token, |t| async move {
        if t.is_empty() {
            Err(crate::domain::AppError::InvalidLink)
        } else {
            confirm_email(t).await
        }
    });
    view! {
        <PageTitle text="Confirm email"/>
        <h1>"Confirm email address"</h1>
        <Suspense fallback=|| view! { <p>"Checking the link…"</p> }>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(email) => Either::Left(view! {
                        <p class="notice success" role="status">"Thank you: " <strong>{email}</strong> " is now verified."</p>
                        <p><A href="/account">"Go to your account"</A></p>
                    }),
                    Err(e) => Either::Right(view! {
                        <p class="notice error" role="alert">{e.to_string()}</p>
                        <p>"Sign in and use “Send the link again” on your profile to get a new link."</p>
                    }),
                }
            })}
        </Suspense>
    }
}
