//! Small building blocks that several pages share.

use leptos::prelude::*;

use crate::error::AppError;
use crate::request::set_page_status;

/// A visible, announced message for a failed request. On the server it also sets the
/// page's HTTP status to match the error.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    set_page_status(error.status_code());
    view! { <ErrorMessage error/> }
}

/// The visible, announced message alone, for errors that do not decide the page's
/// status, such as a form post that came back with a problem.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let sign_in = matches!(error, AppError::Unauthenticated);
    view! {
        <div class="notice notice-error" role="alert">
            <p>
                {error.to_string()}
                {sign_in.then(|| view! { " " <a href="/sign-in">"Sign in"</a> })}
            </p>
        </div>
    }
}

/// The validation message under a form field. The element is always present, so that
/// `aria-describedby` can point at it, and is empty when the field is valid.
#[component]
pub fn FieldError(
    id: &'static str,
    #[prop(into)] message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <p id=id class="field-error">{move || message.get()}</p>
    }
}

/// The error of a form post that is not about one of `fields` (those show at their
/// field), such as a wrong password or a lost connection.
#[component]
pub fn FormErrorNotice(error: Option<AppError>, fields: &'static [&'static str]) -> impl IntoView {
    error
        .filter(|error| {
            !fields
                .iter()
                .any(|field| error.message_for(field).is_some())
        })
        .map(|error| view! { <ErrorMessage error/> })
}

/// A confirmation that something worked.
#[component]
pub fn SuccessNotice(children: Children) -> impl IntoView {
    view! {
        <div class="notice notice-success" role="status">
            <p>{children()}</p>
        </div>
    }
}
