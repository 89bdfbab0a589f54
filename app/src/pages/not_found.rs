//! The page for an address that matches no route.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::request::set_page_status;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_page_status(404);
    view! {
        <Title text="Page not found"/>
        <h1>"Page not found"</h1>
        <p>"There is no page at this address. Check the address, or start again from the home page."</p>
        <p><A href="/">"Go to the home page"</A></p>
    }
}
