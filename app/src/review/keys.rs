//! Keyboard shortcuts on the review page, and keeping a rubric opened in its own window
//! on the same submission as the page it came from.

use leptos::prelude::*;

#[island]
pub fn ReviewKeys(review_id: i32, rubric_only: bool) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::attach(review_id, rubric_only));
    #[cfg(not(feature = "hydrate"))]
    let _ = (review_id, rubric_only);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;
    use std::rc::Rc;

    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Element, HtmlElement, KeyboardEvent};

    /// The `sessionStorage` key of the pairing between a page and its rubric window. Each
    /// tab keeps its own, so only the paired windows follow each other.
    const PAIR: &str = "tli-rubric-pair";
    /// The value a rubric window leaves in the pairing's `localStorage` entry as it goes.
    const CLOSED: &str = "closed";

    fn document() -> web_sys::Document {
        web_sys::window()
            .and_then(|window| window.document())
            .expect("a document")
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    fn by_id(id: &str) -> Option<HtmlElement> {
        document().get_element_by_id(id)?.dyn_into().ok()
    }

    fn all(selector: &str) -> Vec<Element> {
        let Ok(list) = document().query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|index| list.item(index)?.dyn_into().ok())
            .collect()
    }

    fn go(href: &str) {
        if let Some(window) = web_sys::window() {
            window.location().set_href(href).ok();
        }
    }

    fn toggle_help() {
        let (Some(panel), Some(button)) = (by_id("shortcuts"), by_id("show-shortcuts")) else {
            return;
        };
        let open = panel.hidden();
        panel.set_hidden(!open);
        button
            .set_attribute("aria-expanded", if open { "true" } else { "false" })
            .ok();
        if open {
            panel.focus().ok();
        } else {
            button.focus().ok();
        }
    }

    fn session() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok().flatten()
    }

    /// Returns this tab's pairing with a rubric window, if it has one.
    fn pairing() -> Option<String> {
        session()?.get_item(PAIR).ok().flatten()
    }

    /// Returns the `localStorage` entry where paired windows post the submission they
    /// show.
    fn pair_key(pair: &str) -> String {
        format!("tli-pair-{pair}")
    }

    /// Ends this tab's pairing and reloads, so the rubric shown here has the latest
    /// saved scores.
    fn unpair() {
        if let Some(pair) = pairing() {
            if let Some(storage) = storage() {
                storage.remove_item(&pair_key(&pair)).ok();
            }
            if let Some(session) = session() {
                session.remove_item(PAIR).ok();
            }
        }
        if let Some(window) = web_sys::window() {
            window.location().reload().ok();
        }
    }

    fn listen<E: JsCast + wasm_bindgen::convert::FromWasmAbi + 'static>(
        target: &web_sys::EventTarget,
        event: &str,
        handler: impl FnMut(E) + 'static,
    ) {
        let closure = Closure::<dyn FnMut(E)>::new(handler);
        target
            .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
            .ok();
        closure.forget();
    }

    pub fn attach(review_id: i32, rubric_only: bool) {
        let document = document();
        let criteria = all("fieldset.criterion");
        let current = Rc::new(Cell::new(None::<usize>));

        // A rubric window learns its pairing from its address and keeps it for the
        // submissions it moves to.
        if rubric_only
            && let Some(pair) = web_sys::window()
                .and_then(|window| window.location().search().ok())
                .and_then(|query| {
                    query
                        .split(['?', '&'])
                        .find_map(|part| part.strip_prefix("pair=").map(str::to_owned))
                })
            && let Some(session) = session()
        {
            session.set_item(PAIR, &pair).ok();
        }
        let pair = pairing();
        if let (Some(pair), Some(storage)) = (&pair, storage()) {
            storage
                .set_item(&pair_key(pair), &review_id.to_string())
                .ok();
            if !rubric_only && let Some(split) = by_id("review-split") {
                split.set_attribute("data-rubric-away", "true").ok();
            }
        }
        let window: web_sys::EventTarget = web_sys::window().expect("a window").into();
        // The pairing is read when an event arrives, because a page pairs only when
        // its rubric window is opened.
        listen(&window, "storage", move |event: web_sys::StorageEvent| {
            let Some(key) = pairing().map(|pair| pair_key(&pair)) else {
                return;
            };
            if event.key().as_deref() != Some(key.as_str()) {
                return;
            }
            let value = event.new_value().unwrap_or_default();
            if value == CLOSED && !rubric_only {
                // A rubric window moving to another submission passes through "closed"
                // too, so the page waits before treating it as gone.
                let check = Closure::once_into_js(move || {
                    let still_closed = storage()
                        .and_then(|storage| storage.get_item(&key).ok().flatten())
                        .is_none_or(|value| value == CLOSED);
                    if still_closed {
                        unpair();
                    }
                });
                if let Some(window) = web_sys::window() {
                    window
                        .set_timeout_with_callback_and_timeout_and_arguments_0(
                            check.unchecked_ref(),
                            1_500,
                        )
                        .ok();
                }
            } else if let Ok(id) = value.parse::<i32>()
                && id != review_id
            {
                let path = crate::review::review_path(id);
                go(&if rubric_only {
                    format!("{path}?pane=rubric")
                } else {
                    path
                });
            }
        });
        if rubric_only && let Some(pair) = pair {
            let key = pair_key(&pair);
            listen(&window, "pagehide", move |_: web_sys::Event| {
                if let Some(storage) = storage() {
                    storage.set_item(&key, CLOSED).ok();
                }
            });
        }

        if let Some(button) = by_id("show-shortcuts") {
            listen(&button.into(), "click", |_: web_sys::Event| toggle_help());
        }
        if let Some(button) = by_id("rubric-here") {
            listen(&button.into(), "click", |_: web_sys::Event| unpair());
        }
        // Opening the rubric's own window pairs it with this tab and hides it here.
        if let Some(link) = by_id("rubric-window") {
            let target = link.clone();
            listen(&target.into(), "click", move |_: web_sys::Event| {
                let pair = format!("{:x}", (js_sys::Math::random() * 4_294_967_296.0) as u64);
                if let Some(session) = session() {
                    session.set_item(PAIR, &pair).ok();
                }
                if let Some(storage) = storage() {
                    storage
                        .set_item(&pair_key(&pair), &review_id.to_string())
                        .ok();
                }
                let href = format!(
                    "{}?pane=rubric&pair={pair}",
                    crate::review::review_path(review_id)
                );
                link.set_attribute("href", &href).ok();
                if let Some(split) = by_id("review-split") {
                    split.set_attribute("data-rubric-away", "true").ok();
                }
            });
        }
        // Focusing anything inside a criterion makes it the current one.
        for (index, fieldset) in criteria.iter().enumerate() {
            let current = current.clone();
            listen(
                &fieldset.clone().into(),
                "focusin",
                move |_: web_sys::Event| current.set(Some(index)),
            );
        }

        let document_target: web_sys::EventTarget = document.into();
        listen(&document_target, "keydown", move |event: KeyboardEvent| {
            if event.ctrl_key() || event.meta_key() || event.alt_key() || event.default_prevented()
            {
                return;
            }
            let key = event.key();
            let active = self::document().active_element();
            let typing = active.as_ref().is_some_and(|element| {
                let tag = element.tag_name();
                tag == "TEXTAREA"
                    || tag == "SELECT"
                    || (tag == "INPUT"
                        && !matches!(
                            element.get_attribute("type").as_deref(),
                            Some("radio" | "checkbox" | "submit" | "button")
                        ))
            });
            if key == "Escape" {
                if let Some(panel) = by_id("shortcuts")
                    && !panel.hidden()
                {
                    toggle_help();
                } else if typing
                    && let Some(index) = current.get()
                    && let Some(fieldset) = criteria.get(index)
                    && let Ok(fieldset) = fieldset.clone().dyn_into::<HtmlElement>()
                {
                    fieldset.focus().ok();
                }
                return;
            }
            // While the rubric has its own window, scoring keys belong to that window.
            if typing
                || (!rubric_only && pairing().is_some() && "jkcosf123456789".contains(key.as_str()))
            {
                return;
            }
            let focus_criterion = |index: usize| {
                if let Some(fieldset) = criteria.get(index)
                    && let Ok(fieldset) = fieldset.clone().dyn_into::<HtmlElement>()
                {
                    current.set(Some(index));
                    fieldset.focus().ok();
                    fieldset.scroll_into_view();
                }
            };
            let click = |selector: &str| {
                if let Ok(Some(element)) = self::document().query_selector(selector)
                    && let Ok(element) = element.dyn_into::<HtmlElement>()
                {
                    element.click();
                    true
                } else {
                    false
                }
            };
            let focus = |selector: &str| {
                if let Ok(Some(element)) = self::document().query_selector(selector)
                    && let Ok(element) = element.dyn_into::<HtmlElement>()
                {
                    element.focus().ok();
                }
            };
            let handled = match key.as_str() {
                "j" => {
                    let next = current
                        .get()
                        .map_or(0, |index| (index + 1).min(criteria.len().saturating_sub(1)));
                    focus_criterion(next);
                    true
                }
                "k" => {
                    let previous = current.get().map_or(0, |index| index.saturating_sub(1));
                    focus_criterion(previous);
                    true
                }
                "c" => match current.get().and_then(|index| criteria.get(index)) {
                    Some(fieldset) => {
                        if let Ok(Some(area)) = fieldset.query_selector("textarea")
                            && let Ok(area) = area.dyn_into::<HtmlElement>()
                        {
                            area.focus().ok();
                        }
                        true
                    }
                    None => false,
                },
                "o" => {
                    focus("#overall-feedback");
                    true
                }
                "e" => {
                    focus("#evidence-pane");
                    true
                }
                "n" => click("a[rel=next]"),
                "p" => click("a[rel=prev]"),
                "s" => click("button[name=then][value=save]"),
                "f" => click("#finalize"),
                "?" => {
                    toggle_help();
                    true
                }
                digit
                    if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() && digit != "0" =>
                {
                    let number = (digit.as_bytes()[0] - b'1') as usize;
                    match current.get().and_then(|index| criteria.get(index)) {
                        Some(fieldset) => {
                            if let Ok(list) = fieldset.query_selector_all("input[type=radio]")
                                && let Some(radio) = list
                                    .item(number as u32)
                                    .and_then(|node| node.dyn_into::<HtmlElement>().ok())
                            {
                                radio.click();
                                // Focus stays on the criterion, so the next key moves on.
                                if let Ok(fieldset) = fieldset.clone().dyn_into::<HtmlElement>() {
                                    fieldset.focus().ok();
                                }
                            }
                            true
                        }
                        None => false,
                    }
                }
                _ => false,
            };
            if handled {
                event.prevent_default();
            }
        });
    }
}
