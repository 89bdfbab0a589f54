//! Entry point of the hydrate bundle: brings the interactive islands of the
//! server-rendered page to life.

// Links the app crate, whose `#[island]` components export their hydrate functions.
use app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
