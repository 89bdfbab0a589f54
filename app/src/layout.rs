//! The frame around every page: skip link, header with navigation, main landmark, footer.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to main content"</a>
        <header class="site-header">
            <a class="brand" href="/">"TLI Hub"</a>
            <nav aria-label="Main">
                <ul>
                    <li><A href="/" exact=true>"Home"</A></li>
                    <li><A href="/cohorts">"Cohorts"</A></li>
                </ul>
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>"TLI Hub · Teacher Leadership Institute"</p>
        </footer>
        <HydrationMark/>
    }
}

/// Marks `<body data-hydrated="true">` once the browser bundle has taken over the page.
/// Islands hydrate only in the browser, so browser tests wait for this mark.
#[island]
fn HydrationMark() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
