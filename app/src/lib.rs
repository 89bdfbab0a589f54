#![recursion_limit = "256"]

//! TLI Hub's pages, components and server functions. The server renders them (`ssr`)
//! and the browser hydrates them (`hydrate`).

pub mod admin;
pub mod audit_actions;
pub mod auth;
pub mod capstone;
pub mod certificate;
pub mod coaching;
pub mod cohorts;
pub mod credentials;
pub mod dashboard;
pub mod discussions;
pub mod error;
pub mod events;
mod layout;
pub mod lifecycle;
pub mod live;
pub mod modules;
pub mod notify;
pub mod pages;
pub mod portfolio;
pub mod program;
pub mod request;
pub mod review;
pub mod text;
mod ui;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod entities;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod local_time;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod storage;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::admin::{AdminHomePage, AuditLogPage, OutboxPage, UsersPage};
use crate::auth::Role;
use crate::auth::pages::{ForgotPasswordPage, InvitationPage, ResetPasswordPage, SignInPage};
use crate::cohorts::{CohortPage, CohortsPage};
use crate::layout::Layout;
use crate::pages::{AccountPage, HomePage, NotFoundPage, RoleHomePage};
use crate::portfolio::{AttemptPage, ComposerPage, EvidenceItemPage, EvidenceLibraryPage};
use crate::program::{
    FellowPlanPage, FellowsPage, FrameworkPage, MicrocredentialPage, MicrocredentialReadPage,
    MyCompetenciesPage,
};

/// Renders the HTML document around the app. Server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <ContentSecurityPolicy/>
                <link rel="stylesheet" href="/pkg/main.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title formatter=|page: String| format!("{page} · TLI Hub")/>
        <Router>
            <Layout>
                // Every page renders in full before it is sent, so that a page can set
                // its HTTP status (404, 403, 503) from the data it reads.
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/invitation") view=InvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("/fellow") view=|| view! { <RoleHomePage role=Role::Fellow/> } ssr=SsrMode::Async/>
                    <Route path=path!("/coach") view=|| view! { <RoleHomePage role=Role::Coach/> } ssr=SsrMode::Async/>
                    <Route path=path!("/reviewer") view=|| view! { <RoleHomePage role=Role::Reviewer/> } ssr=SsrMode::Async/>
                    <Route path=path!("/facilitator") view=|| view! { <RoleHomePage role=Role::Facilitator/> } ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=AdminHomePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=AuditLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/outbox") view=OutboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/framework") view=FrameworkPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/microcredentials/:key") view=MicrocredentialPage ssr=SsrMode::Async/>
                    <Route path=path!("/microcredentials/:key") view=MicrocredentialReadPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts") view=CohortsPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id") view=CohortPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/competencies") view=MyCompetenciesPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/fellows") view=FellowsPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/fellows/:fellow") view=FellowPlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/submissions/:key") view=ComposerPage ssr=SsrMode::Async/>
                    <Route path=path!("/submissions/:id") view=AttemptPage ssr=SsrMode::Async/>
                    <Route path=path!("/evidence") view=EvidenceLibraryPage ssr=SsrMode::Async/>
                    <Route path=path!("/evidence/:id") view=EvidenceItemPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews") view=review::pages::QueuePage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/manage") view=review::manage_pages::ManageReviewsPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/calibration") view=review::manage_pages::CalibrationPage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews/:id") view=review::pages::ReviewRoutePage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/modules/:module") view=modules::pages::ModulePage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/modules/:module/edit") view=modules::pages::ModuleEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/modules/:module/discussion") view=discussions::pages::DiscussionPage ssr=SsrMode::Async/>
                    <Route path=path!("/assignments/:id") view=modules::pages::AssignmentPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/events") view=events::pages::EventsPage ssr=SsrMode::Async/>
                    <Route path=path!("/events/:id") view=events::pages::EventPage ssr=SsrMode::Async/>
                    <Route path=path!("/calendar") view=events::pages::CalendarPage ssr=SsrMode::Async/>
                    <Route path=path!("/coaching") view=coaching::pages::CoachingPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/coaching") view=coaching::pages::PairsPage ssr=SsrMode::Async/>
                    <Route path=path!("/inbox") view=notify::pages::InboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view=dashboard::pages::ProgramDashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/capstone") view=capstone::pages::CapstonePage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/capstones") view=capstone::pages::CapstonesPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/capstones/:fellow") view=capstone::pages::CapstoneReviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/certificates") view=certificate::pages::CertificatesPage ssr=SsrMode::Async/>
                    <Route path=path!("/credentials") view=credentials::pages::MyCredentialsPage ssr=SsrMode::Async/>
                    <Route path=path!("/my-data") view=lifecycle::pages::MyDataPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users/:id/delete") view=lifecycle::pages::DeletePersonPage ssr=SsrMode::Async/>
                    <Route path=path!("/credentials/:id") view=credentials::pages::CredentialPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify") view=credentials::pages::VerifierPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/dashboard") view=dashboard::pages::CohortDashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/cohorts/:id/dashboard/fellows/:fellow") view=dashboard::pages::FellowProgressPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// Sends the page's Content-Security-Policy header with this response's nonce, which
/// the hydration scripts carry. Renders nothing.
#[component]
fn ContentSecurityPolicy() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(options)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(value) =
        http::HeaderValue::from_str(&request::content_security_policy(&nonce.to_string()))
    {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
