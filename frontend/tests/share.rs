//! Browser tests of sharing: open the whole page (`App`) at a link's fragment in headless
//! Chromium and read the DOM by `data-testid`. A link that cannot be opened must show why and
//! leave the page working; a good link must open its scenario.
//!
//! Run with `cargo xtask test`, or as `tests/web.rs` says.
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use warren_frontend::{App, gallery, keep, share};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

mod dom;
use dom::{all, click, container, input_value, sleep, text};

/// Put `fragment` in the address bar (without a history entry or a `hashchange`).
fn set_fragment(fragment: &str) {
    let window = web_sys::window().expect("a window");
    let path = window.location().pathname().expect("a path");
    let search = window.location().search().unwrap_or_default();
    window
        .history()
        .expect("a history")
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{search}{fragment}")),
        )
        .expect("replaceState");
}

/// Empty the browser's kept scenario, so each page starts as a first visit.
fn forget_kept_work() {
    let _ = web_sys::js_sys::eval(&format!("localStorage.removeItem('{}')", keep::STORAGE_KEY));
}

/// The whole page, opened at `fragment`; the handle unmounts it when dropped.
async fn open_page(fragment: &str) -> (HtmlElement, Box<dyn std::any::Any>) {
    set_fragment(fragment);
    forget_kept_work();
    let root = container();
    let handle = mount_to(root.clone(), App);
    sleep(50).await;
    (root, Box::new(handle))
}

/// The page still shows its gallery, canvas and editor.
fn page_works(root: &HtmlElement) {
    assert_eq!(root.query_selector_all(".app").map(|l| l.length()).unwrap_or(0), 1);
    assert_eq!(all(root, "gallery").len(), 1);
    for example in gallery::examples() {
        assert_eq!(
            all(root, &format!("gallery-{}", example.stem)).len(),
            1,
            "{}",
            example.stem
        );
    }
    assert_eq!(all(root, "scenario-json").len(), 1);
    assert_eq!(all(root, "run-button").len(), 1);
}

#[wasm_bindgen_test]
async fn a_garbled_link_says_what_is_wrong_and_the_page_still_works() {
    let (root, handle) = open_page("#s=1.this*is%20not-base64").await;
    let message = text(&root, "share-error").expect("the share error is shown");
    assert!(
        message.contains("This link could not be opened: its data is not valid base64url"),
        "{message}"
    );
    page_works(&root);
    assert_eq!(text(&root, "scenario-title").as_deref(), Some("Untitled scenario"));
    // The empty scenario is valid and has a link of its own.
    assert!(input_value(&root, "share-link").contains("#s=1."));
    assert_eq!(
        location_hash(),
        "#s=1.this*is%20not-base64",
        "the broken link stays in the address bar until Copy link"
    );

    // The banner can be dismissed; the gallery still loads examples, and an example that opens
    // takes the place of the link, so its banner would go too.
    click(&root, "share-error-dismiss");
    sleep(20).await;
    assert!(all(&root, "share-error").is_empty());
    click(&root, "gallery-returns");
    sleep(20).await;
    assert_eq!(
        text(&root, "scenario-title"),
        gallery::example("returns").map(|e| e.name)
    );

    drop(handle);
    root.remove();
    set_fragment("");
}

#[wasm_bindgen_test]
async fn an_unknown_format_and_a_bad_scenario_are_named() {
    let (root, handle) = open_page("#s=7.abc").await;
    let message = text(&root, "share-error").expect("the share error is shown");
    assert!(message.contains("link format \"7\""), "{message}");
    page_works(&root);
    drop(handle);
    root.remove();

    // Valid base64url and DEFLATE of a document of scenario version 2.
    let fragment = "#s=1.q1YqSy0qzszPU7IyqgUA";
    let (root, handle) = open_page(fragment).await;
    let message = text(&root, "share-error").expect("the share error is shown");
    assert!(message.contains("scenario format version 1"), "{message}");
    page_works(&root);
    drop(handle);
    root.remove();
    set_fragment("");
}

#[wasm_bindgen_test]
async fn a_good_link_opens_its_scenario_and_follows_edits() {
    let example = gallery::example("backup-exchange").expect("the example");
    let scenario = example.scenario().expect("it parses");
    let fragment = share::encode(&scenario);
    let (root, handle) = open_page(&format!("#{fragment}")).await;
    assert!(all(&root, "share-error").is_empty());
    page_works(&root);
    assert_eq!(text(&root, "scenario-title"), Some(example.name.clone()));
    let link = input_value(&root, "share-link");
    assert!(link.ends_with(&format!("#{fragment}")), "{link}");
    let editor = input_value(&root, "scenario-json");
    let value: serde_json::Value = serde_json::from_str(&editor).expect("the editor holds JSON");
    assert_eq!(warren_shared::parse_scenario(&value).ok(), Some(scenario));

    // Loading another example keeps the link in the address bar current (once the page has
    // been quiet for a moment).
    click(&root, "gallery-nack");
    sleep(warren_frontend::keep::QUIET_MS as i32 + 200).await;
    let nack = gallery::example("nack").and_then(|e| e.scenario()).expect("nack");
    let hash = location_hash();
    assert!(hash.starts_with("#s=1."), "{hash}");
    assert_eq!(share::decode(&hash).ok(), Some(nack));
    assert!(input_value(&root, "share-link").ends_with(&hash));

    drop(handle);
    root.remove();
    set_fragment("");
}

#[wasm_bindgen_test]
async fn a_pasted_import_that_is_not_a_scenario_is_refused_with_a_reason() {
    let (root, handle) = open_page("").await;
    assert!(all(&root, "share-error").is_empty());
    let before = input_value(&root, "scenario-json");
    click(&root, "tab-json");
    click(&root, "import-button");
    all(&root, "import-text")[0]
        .dyn_ref::<web_sys::HtmlTextAreaElement>()
        .expect("a textarea")
        .set_value("{oops");
    click(&root, "import-apply");
    sleep(20).await;
    let error = text(&root, "import-error").expect("the import error is shown");
    assert!(error.starts_with("Import failed: this is not JSON"), "{error}");
    assert_eq!(input_value(&root, "scenario-json"), before, "nothing was loaded");
    assert_eq!(all(&root, "import-json").len(), 1, "a file can be imported too");
    assert_eq!(all(&root, "export-json").len(), 1);
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn copy_link_puts_the_link_in_the_address_bar_and_copies_or_selects_it() {
    let (root, handle) = open_page("").await;
    assert_eq!(location_hash(), "");
    let link = input_value(&root, "share-link");
    assert!(link.contains("#s=1."), "{link}");
    click(&root, "copy-link");
    sleep(100).await;
    let (_, fragment) = link.split_once('#').expect("a fragment");
    assert_eq!(location_hash(), format!("#{fragment}"));
    // Headless Chromium may refuse the clipboard: then the link is selected to copy by hand.
    let note = text(&root, "share-note").unwrap_or_default();
    assert!(note == "Link copied" || note.starts_with("Press Ctrl+C"), "{note:?}");

    // The address bar follows the scenario (once the page has been quiet for a moment).
    click(&root, "gallery-priority");
    sleep(keep::QUIET_MS as i32 + 200).await;
    let priority = gallery::example("priority")
        .and_then(|e| e.scenario())
        .expect("priority");
    assert_eq!(share::decode(&location_hash()).ok(), Some(priority));
    assert_eq!(
        text(&root, "share-note").unwrap_or_default(),
        "",
        "the note was about the old link"
    );
    drop(handle);
    root.remove();
    set_fragment("");
}

/// Choose a file named `name` holding `contents` in the `import-json` input.
fn choose_file(root: &HtmlElement, name: &str, contents: &str) {
    let input = all(root, "import-json")
        .into_iter()
        .next()
        .expect("the file input")
        .dyn_into::<web_sys::HtmlInputElement>()
        .expect("an input");
    let parts = web_sys::js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
    let file = web_sys::File::new_with_str_sequence(&parts, name).expect("a file");
    let transfer = web_sys::DataTransfer::new().expect("a DataTransfer");
    transfer.items().add_with_file(&file).expect("add the file");
    input.set_files(transfer.files().as_ref());
    let change = web_sys::Event::new("change").expect("an event");
    input.dispatch_event(&change).expect("dispatch");
}

#[wasm_bindgen_test]
async fn a_json_file_imports_and_a_broken_one_says_why() {
    let (root, handle) = open_page("").await;
    click(&root, "tab-json");
    choose_file(&root, "notes.json", "not json at all");
    sleep(100).await;
    let error = text(&root, "import-error").expect("the import error is shown");
    assert!(
        error.starts_with("Import failed: notes.json: this is not JSON"),
        "{error}"
    );
    assert_eq!(
        text(&root, "scenario-title"),
        gallery::example(gallery::DEFAULT_EXAMPLE).map(|e| e.name)
    );

    let mine = "{\n  \"version\": 1,\n  \"name\": \"From a file\",\n  \"queues\": [{\"name\": \"q\"}]\n}";
    choose_file(&root, "mine.json", mine);
    sleep(100).await;
    assert!(all(&root, "import-error").is_empty(), "a good import clears the error");
    assert_eq!(text(&root, "scenario-title").as_deref(), Some("From a file"));
    assert_eq!(
        input_value(&root, "scenario-json"),
        mine,
        "the file's text is kept as written"
    );
    drop(handle);
    root.remove();
}

fn location_hash() -> String {
    warren_frontend::views::share::location_hash()
}

#[wasm_bindgen_test]
async fn work_is_kept_for_the_next_visit_and_a_link_wins_over_it() {
    let (root, handle) = open_page("").await;
    assert_eq!(location_hash(), "", "nothing written before a change");
    click(&root, "gallery-nack");
    sleep(keep::QUIET_MS as i32 + 200).await;
    let kept = keep::stored().expect("the scenario is kept");
    assert_eq!(kept, input_value(&root, "scenario-json"));
    let hash = location_hash();
    assert_eq!(
        share::decode(&hash).ok(),
        gallery::example("nack").and_then(|e| e.scenario())
    );
    drop(handle);
    root.remove();

    // A new visit without a link opens the kept work; one with a link opens the link.
    set_fragment("");
    let root = container();
    let handle = mount_to(root.clone(), App);
    sleep(50).await;
    assert_eq!(input_value(&root, "scenario-json"), kept);
    drop(handle);
    root.remove();
    let returns = gallery::example("returns").and_then(|e| e.scenario()).expect("returns");
    set_fragment(&format!("#{}", share::encode(&returns)));
    let root = container();
    let handle = mount_to(root.clone(), App);
    sleep(50).await;
    assert_eq!(
        text(&root, "scenario-title"),
        gallery::example("returns").map(|e| e.name)
    );
    assert_eq!(
        keep::stored().as_deref(),
        Some(kept.as_str()),
        "opening a link keeps the stored work"
    );
    drop(handle);
    root.remove();
    forget_kept_work();
    set_fragment("");
}
