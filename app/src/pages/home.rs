//! The landing page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::auth::current_actor;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Home"/>
        <h1>"Teacher Leadership Institute"</h1>
        <p class="lead">
            "A year-long fellowship in which teachers study leadership competencies, build a "
            "portfolio of evidence and earn micro-credentials scored against a published rubric."
        </p>
        <section aria-labelledby="year-heading">
            <h2 id="year-heading">"How the year runs"</h2>
            <p>
                "Each cohort works through two terms, spring and fall. Every term has four modules, "
                "always in the same order:"
            </p>
            <ol class="module-steps">
                <li><strong>"Learn"</strong>" the module's material on your own."</li>
                <li><strong>"Design"</strong>" a plan for your setting."</li>
                <li><strong>"Do"</strong>" the work with colleagues."</li>
                <li><strong>"Reflect"</strong>" on what changed and what you learned."</li>
            </ol>
        </section>
        {match current_actor().user() {
            Some(user) => view! { <p><A href=user.home_path()>"Go to your home page"</A></p> }.into_any(),
            None => view! { <p><A href="/sign-in">"Sign in"</A></p> }.into_any(),
        }}
    }
}
