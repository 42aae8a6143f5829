//! Browser test of the language switch: mount the playground in headless Chromium, click
//! EN / 中文 and check that the gallery, the About tab's "what to look for" and the page's own
//! words (from [`i18n::Text`]) follow, and that the document's `lang` does.
//!
//! Run with `cargo xtask test`, or as `tests/web.rs` says.
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use warren_frontend::frame::AnimLoop;
use warren_frontend::{Document, Lang, Playground, PlaygroundView, Status, gallery, i18n};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{click, container, sleep, text};

#[wasm_bindgen_test]
async fn the_toggle_switches_the_explanations_to_chinese_and_back() {
    i18n::remember(Lang::En);
    let root = container();
    let pg = Playground::new(Document::new());
    let status = RwSignal::new(Status::connecting("ws://127.0.0.1:1/ws"));
    let anim = StoredValue::new_local(AnimLoop::new());
    let noop = Callback::new(|()| {});
    let _handle = mount_to(root.clone(), move || {
        view! { <PlaygroundView pg=pg status=status anim=anim on_run=noop on_stop=noop /> }
    });
    sleep(50).await;

    let confirms = gallery::example(gallery::DEFAULT_EXAMPLE).expect("the default example");
    let (zh_name, zh_text) = i18n::zh(confirms.stem).expect("its Chinese text");
    assert_eq!(
        text(&root, "description").as_deref(),
        Some(confirms.description.as_str())
    );
    assert_eq!(text(&root, "lang-toggle").as_deref(), Some("中文"));

    click(&root, "lang-toggle");
    sleep(50).await;
    assert_eq!(text(&root, "description").as_deref(), Some(zh_text));
    assert_eq!(text(&root, "lang-toggle").as_deref(), Some("EN"));
    let gallery_item = text(&root, "gallery-confirms").unwrap_or_default();
    assert!(gallery_item.contains(zh_name), "gallery shows {gallery_item}");
    let run = text(&root, "run-button").unwrap_or_default();
    assert!(run.contains(i18n::Text::Run.text(Lang::Zh)), "Run says {run}");
    assert_eq!(text(&root, "scenario-title").as_deref(), Some(zh_name));
    let lang = document_lang();
    assert_eq!(lang.as_deref(), Some("zh"));
    assert_eq!(i18n::remembered(), Some(Lang::Zh));

    click(&root, "lang-toggle");
    sleep(50).await;
    assert_eq!(
        text(&root, "description").as_deref(),
        Some(confirms.description.as_str())
    );
    assert_eq!(i18n::remembered(), Some(Lang::En));
    let run = text(&root, "run-button").unwrap_or_default();
    assert!(run.contains(i18n::Text::Run.text(Lang::En)), "Run says {run}");
    assert_eq!(document_lang().as_deref(), Some("en"));
}

/// The `lang` attribute of the document's root element.
fn document_lang() -> Option<String> {
    web_sys::window()?.document()?.document_element()?.get_attribute("lang")
}
