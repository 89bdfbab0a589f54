//! Live regions: parts of a server-rendered page that one island keeps current
//! without a reload, such as a dashboard's submission counts and an export's
//! progress. The island polls the server at a fixed interval, sending the fingerprint
//! of what the page shows, and the server returns new contents only when they changed.
//! Every live region shares this island and its one server function, which keeps
//! the browser bundle small.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Returns the source address of a cohort dashboard's submission counts.
pub fn dashboard_source(cohort_id: i32) -> String {
    format!("dashboard/{cohort_id}")
}

/// Returns the source address of the progress of export `public_id`.
pub fn export_source(public_id: &str) -> String {
    format!("export/{public_id}")
}

/// New contents for a live region, with the fingerprint to send next time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveUpdate {
    pub tag: String,
    /// Element ids with their new text. A `<progress>` element takes "value/max".
    pub texts: Vec<(String, String)>,
    /// True when the page must reload to show the change, such as a finished export's
    /// download link.
    pub reload: bool,
}

/// Returns new contents for the live region at `source`, an address such as
/// `dashboard/12` or `export/{public id}`, or `None` when they still match `tag`, the
/// fingerprint the page shows. The source is a plain string, not an enum, because
/// every type the island sends or receives adds decoding code to the bundle.
#[server(prefix = "/api", endpoint = "live", input = leptos::server_fn::codec::Json)]
pub async fn get_live(
    source: String,
    #[server(default)] tag: String,
) -> Result<Option<LiveUpdate>, AppError> {
    let not_found =
        || crate::context::fail(AppError::NotFound("There is no such live region.".into()));
    match source.split_once('/') {
        Some(("dashboard", cohort_id)) => match cohort_id.parse() {
            Ok(cohort_id) => crate::dashboard::api::live_counts(cohort_id, tag).await,
            Err(_) => not_found(),
        },
        Some(("export", public_id)) => {
            crate::lifecycle::api::export_progress(public_id.to_owned(), tag).await
        }
        _ => not_found(),
    }
}

/// Keeps the elements that `source` names current, asking every `interval_ms`
/// milliseconds while the tab is visible. Renders nothing itself.
#[island]
pub fn LiveRegion(source: String, tag: String, interval_ms: i32) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::start(source.clone(), tag.clone(), interval_ms));
    #[cfg(not(feature = "hydrate"))]
    let _ = (source, tag, interval_ms);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    struct Poller {
        source: String,
        tag: String,
        /// True while a request is out, or for good once polling stopped.
        busy: bool,
    }

    pub fn start(source: String, tag: String, interval_ms: i32) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let poller = Rc::new(RefCell::new(Poller {
            source,
            tag,
            busy: false,
        }));
        let tick = Closure::<dyn FnMut()>::new(move || poll(&poller));
        window
            .set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                interval_ms,
            )
            .ok();
        tick.forget();
    }

    fn set_status(document: &web_sys::Document, text: &str) {
        if let Some(status) = document.get_element_by_id("live-status") {
            status.set_text_content(Some(text));
        }
    }

    fn poll(poller: &Rc<RefCell<Poller>>) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(document) = window.document() else {
            return;
        };
        // A hidden tab skips its polls. The first tick after it shows again catches up.
        if document.visibility_state() != web_sys::VisibilityState::Visible {
            return;
        }
        let (source, tag) = {
            let mut state = poller.borrow_mut();
            if state.busy {
                return;
            }
            state.busy = true;
            (state.source.clone(), state.tag.clone())
        };
        let poller = poller.clone();
        leptos::task::spawn_local(async move {
            let answer = super::get_live(source, tag).await;
            let mut state = poller.borrow_mut();
            state.busy = false;
            let update = match answer {
                Ok(Some(update)) => update,
                // Signed out: stop polling, and show why the page stopped changing.
                Err(crate::error::AppError::Unauthenticated) => {
                    state.busy = true;
                    set_status(&document, "Signed out: this page no longer updates.");
                    return;
                }
                _ => return,
            };
            if update.reload {
                state.busy = true;
                window.location().reload().ok();
                return;
            }
            state.tag = update.tag;
            for (id, text) in update.texts {
                let Some(element) = document.get_element_by_id(&id) else {
                    continue;
                };
                match text.split_once('/') {
                    Some((value, max)) if element.tag_name() == "PROGRESS" => {
                        element.set_attribute("max", max).ok();
                        element.set_attribute("value", value).ok();
                    }
                    _ => element.set_text_content(Some(&text)),
                }
            }
        });
    }
}
