//! Never lose work: the scenario being edited is kept in the browser's `localStorage`, so it
//! survives a reload and a closed tab, and in the address bar's fragment (`#s=…`, the share
//! link's), so the address always opens what is on the screen. Both are written half a second
//! after the last change ([`QUIET_MS`]) and when the page goes away.
//!
//! On start the page reads [`stored`] and hands it to [`crate::Document::opened_with`]: a link's
//! fragment wins over stored work, and stored work over the first example. What the page opened
//! with is not written back until it changes, so opening a link never overwrites stored work
//! by itself, and a broken link stays in the address bar.

use crate::playground::Playground;
use crate::share::encode_document;
use crate::views::share::{location_hash, replace_fragment};
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::prelude::*;

/// The `localStorage` key holding the scenario's text as the user last had it.
pub const STORAGE_KEY: &str = "warren.scenario";

/// How long the document must stay unchanged before it is written (milliseconds).
pub const QUIET_MS: u64 = 500;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = localStorage, js_name = getItem)]
    fn storage_get(key: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(catch, js_namespace = localStorage, js_name = setItem)]
    fn storage_set(key: &str, value: &str) -> Result<(), JsValue>;
}

/// The value `localStorage` holds under `key` (none off the browser, or where storage is
/// unavailable).
pub fn load(key: &str) -> Option<String> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    storage_get(key).ok().flatten()
}

/// Keep `value` in `localStorage` under `key`; `false` where storage is unavailable or full.
pub fn store(key: &str, value: &str) -> bool {
    cfg!(target_arch = "wasm32") && storage_set(key, value).is_ok()
}

/// The scenario's text the browser kept, if any.
pub fn stored() -> Option<String> {
    load(STORAGE_KEY)
}

/// Keep `pg`'s document from now on (call once, from the page's root component).
pub fn keep(pg: Playground) {
    // Changes not written yet; each starts a wait, and only the last one's wait writes.
    let changes = Rc::new(Cell::new(0_u64));
    let text = crate::views::scenario_text(pg);
    Effect::new({
        let changes = Rc::clone(&changes);
        move |opened: Option<()>| {
            // Read, not only tracked: a memo computes (and so follows the document) when read.
            text.with(|_| ());
            if opened.is_none() {
                // What the page opened with.
                return;
            }
            changes.set(changes.get() + 1);
            let change = changes.get();
            let changes = Rc::clone(&changes);
            set_timeout(
                move || {
                    if changes.get() == change {
                        write(pg, &changes);
                    }
                },
                Duration::from_millis(QUIET_MS),
            );
        }
    });
    let gone = window_event_listener(leptos::ev::pagehide, move |_| {
        if changes.get() > 0 {
            write(pg, &changes);
        }
    });
    on_cleanup(move || gone.remove());
}

/// Write the document to `localStorage` and the address bar now; nothing is waiting after.
fn write(pg: Playground, changes: &Cell<u64>) {
    changes.set(0);
    let Some((text, document)) = pg
        .doc
        .try_with_untracked(|d| (d.editor.text.clone(), d.current_document()))
    else {
        return;
    };
    store(STORAGE_KEY, &text);
    // While the JSON is broken, the address keeps the last scenario that was whole.
    if let Some(document) = document {
        let fragment = encode_document(&document);
        if location_hash().strip_prefix('#') != Some(fragment.as_str()) {
            replace_fragment(&fragment);
        }
    }
}
