//! The page for addresses that lead nowhere, answered with status 404.

use crate::domain::AppError;
use crate::ui::components::status::report;
use crate::ui::components::title::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    report(&AppError::NotFound);
    view! {
        <PageTitle text="Page not found"/>
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
        <p><A href="/">"Go to the home page"</A></p>
    }
}
