//! Entry point of the hydrate bundle: brings the interactive islands of the
//! server-rendered page to life.

use wasm_bindgen::prelude::wasm_bindgen;

// Links the app crate, whose `#[island]` components export their hydrate functions.
use app as _;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn error(message: &str);
}

#[wasm_bindgen]
pub fn hydrate() {
    // Logs a panic's message and place to the browser console. The bundle aborts on
    // panic, so without this the console would show only "unreachable". This is
    // console_error_panic_hook without the JavaScript stack trace, which saves
    // about 0.5 KB of the bundle budget.
    std::panic::set_hook(Box::new(|info| error(&info.to_string())));
    leptos::mount::hydrate_islands();
}
