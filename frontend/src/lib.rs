//! Entry point of the hydrate bundle: brings the interactive islands of the
//! server-rendered page to life.

// Links the app crate, whose `#[island]` components export their hydrate functions.
use app as _;

#[cfg(debug_assertions)]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn error(message: &str);
}

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Debug builds log a panic's message and place to the browser console. Release
    // builds abort with "unreachable" instead, because formatting panic messages costs
    // about 0.4 KB of the bundle's 150 KB budget (measured with and without the hook).
    #[cfg(debug_assertions)]
    std::panic::set_hook(Box::new(|info| error(&info.to_string())));
    leptos::mount::hydrate_islands();
}
