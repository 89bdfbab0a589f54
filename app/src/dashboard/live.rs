//! Keeps a dashboard's submission counts current without a reload. The island polls
//! the server every ten seconds with the fingerprint of the counts it shows, and the
//! server returns new counts only when they changed.

use leptos::prelude::*;

/// Milliseconds between two questions to the server.
pub const POLL_MS: i32 = 10_000;

/// Updates the elements with the ids in `LIVE_IDS`, and the `#live-status` line, when
/// the counts change. Renders nothing itself.
#[island]
pub fn LiveCounts(cohort_id: i32, tag: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::start(cohort_id, tag.clone()));
    #[cfg(not(feature = "hydrate"))]
    let _ = (cohort_id, tag);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use super::POLL_MS;

    struct Poller {
        cohort_id: i32,
        tag: String,
        busy: bool,
    }

    pub fn start(cohort_id: i32, tag: String) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let poller = Rc::new(RefCell::new(Poller {
            cohort_id,
            tag,
            busy: false,
        }));
        let tick = Closure::<dyn FnMut()>::new(move || poll(&poller));
        window
            .set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                POLL_MS,
            )
            .ok();
        tick.forget();
    }

    fn poll(poller: &Rc<RefCell<Poller>>) {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        // A hidden tab skips its polls. The first tick after it shows again catches up.
        if document.visibility_state() != web_sys::VisibilityState::Visible {
            return;
        }
        let (cohort_id, tag) = {
            let mut state = poller.borrow_mut();
            if state.busy {
                return;
            }
            state.busy = true;
            (state.cohort_id, state.tag.clone())
        };
        let poller = poller.clone();
        leptos::task::spawn_local(async move {
            let answer = super::super::api::get_live_counts(cohort_id, tag).await;
            let mut state = poller.borrow_mut();
            state.busy = false;
            let update = match answer {
                Ok(Some(update)) => update,
                // Signed out: stop polling, and show why the numbers stopped.
                Err(crate::error::AppError::Unauthenticated) => {
                    state.busy = true;
                    if let Some(status) = document.get_element_by_id("live-status") {
                        status.set_text_content(Some("Signed out: counts no longer update."));
                    }
                    return;
                }
                _ => return,
            };
            state.tag = update.tag;
            for (id, value) in super::super::LIVE_IDS.iter().zip(update.values) {
                if let Some(element) = document.get_element_by_id(id) {
                    element.set_text_content(Some(&value.to_string()));
                }
            }
            if let Some(status) = document.get_element_by_id("live-status") {
                status.set_text_content(Some("Counts changed. Reload for the matrix."));
            }
        });
    }
}
