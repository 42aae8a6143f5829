//! The page's side of sharing: the header's link to the scenario (kept in the address bar while
//! the page was opened from one) and Copy link, the banner saying why a link could not be
//! opened, and the browser's file download and upload for Export and Import. The link format is
//! [`crate::share`]'s.

use super::{lang, tr};
use crate::i18n::{Text, texts};
use crate::playground::Playground;
use crate::share::{document_of, link};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The page's fragment, with its `#` (empty when there is none or no window).
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page's address without its fragment.
fn page_address() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_owned()
}

/// Show `fragment` in the address bar without adding a history entry.
pub fn replace_fragment(fragment: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{fragment}")));
    }
}

/// Offer `text` as a JSON file download named `name` (Blob, object URL, temporary `<a download>`).
pub fn download(name: &str, text: &str) -> Result<(), String> {
    download_as(name, text, "application/json")
}

/// Offer `text` as a download named `name`, of the media type `mime`.
pub fn download_as(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let failed = |what: &str| format!("the download could not start ({what})");
    let parts = web_sys::js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| failed("no Blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| failed("no object URL"))?;
    let anchor = document()
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or_else(|| failed("no link element"))?;
    anchor.set_href(&url);
    anchor.set_download(name);
    let _ = anchor.set_attribute("hidden", "");
    if let Some(body) = document().body() {
        let _ = body.append_child(&anchor);
        anchor.click();
        let _ = body.remove_child(&anchor);
    } else {
        anchor.click();
    }
    // Revoked a moment later: some browsers read the URL after `click` returns.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}

/// Read the file chosen in a file input and hand its text (or why not) to `done`.
pub fn read_chosen_file(input: &web_sys::HtmlInputElement, done: impl FnOnce(Result<String, String>) + 'static) {
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    let name = file.name();
    leptos::task::spawn_local(async move {
        let result = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|text| text.as_string())
            .ok_or_else(|| format!("{name} could not be read"));
        done(result.and_then(|text| {
            crate::share::check_import(&text)
                .map(|()| text)
                .map_err(|error| format!("{name}: {error}"))
        }));
    });
}

/// The share controls of the header: the current link and Copy link.
///
/// A link pasted into the address bar of an open page opens; the address bar follows the
/// scenario through [`crate::keep`].
#[component]
pub fn ShareBar(
    /// The scenario to link to.
    pg: Playground,
) -> impl IntoView {
    let page = StoredValue::new(page_address());
    // Each link is a parse and a compression: only when the text changes.
    let text = super::scenario_text(pg);
    let link = Memo::new(move |_| {
        text.with(|t| document_of(t))
            .map(|document| link(&page.get_value(), &document))
    });
    let field = NodeRef::<leptos::html::Input>::new();
    let note = RwSignal::new(None::<Text>);
    let lang = lang();

    // "Link copied" was about another link. (The address bar follows the scenario through
    // `crate::keep`.)
    Effect::new(move |_| {
        link.with(|_| ());
        note.set(None);
    });
    // A link to an exercise of the course (`#exercise=<id>`) opens it in the Exercises tab.
    let learning = use_context::<super::exercises::Learning>();
    let changed = window_event_listener(leptos::ev::hashchange, move |_| {
        let hash = location_hash();
        let current = link
            .get_untracked()
            .and_then(|l| l.split_once('#').map(|(_, f)| f.to_owned()));
        if hash.starts_with("#instructor=") {
            // The instructor's link, pasted into an open page: the page starts again as hers.
            let _ = window().location().reload();
        } else if let Some(id) = crate::share::exercise_in(&hash) {
            if let Some(learning) = learning {
                learning.open_course_exercise(id);
            }
        } else if hash.strip_prefix('#') != current.as_deref() {
            pg.open_link(&hash);
        }
    });
    on_cleanup(move || changed.remove());

    let copy = move |_| {
        let Some(link) = link.get_untracked() else { return };
        if let Some((_, fragment)) = link.split_once('#') {
            replace_fragment(fragment);
        }
        let select = move || {
            if let Some(field) = field.get_untracked() {
                let _ = field.focus();
                field.select();
            }
            note.set(Some(Text::PressCtrlC));
        };
        let navigator = window().navigator();
        let has_clipboard = web_sys::js_sys::Reflect::get(&navigator, &"clipboard".into())
            .map(|c| !c.is_undefined() && !c.is_null())
            .unwrap_or(false);
        if !has_clipboard {
            select();
            return;
        }
        let promise = navigator.clipboard().write_text(&link);
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => note.set(Some(Text::LinkCopied)),
                Err(_) => select(),
            }
        });
    };
    view! {
        <div class="share" data-testid="share">
            <input
                type="text"
                class="share-link"
                readonly
                node_ref=field
                data-testid="share-link"
                aria-label=tr(Text::LinkToScenario)
                placeholder=tr(Text::FixJsonForLink)
                prop:value=move || link.get().unwrap_or_default()
                title=move || link.get().map(|l| texts::characters(l.len(), lang.get())).unwrap_or_default()
                on:focus=move |ev| {
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        input.select();
                    }
                }
            />
            <button
                type="button"
                class="copy-link"
                data-testid="copy-link"
                title=tr(Text::CopyLinkHelp)
                disabled=move || link.with(Option::is_none)
                on:click=copy
            >
                {tr(Text::CopyLink)}
            </button>
            <span class="share-note" data-testid="share-note" role="status">
                {move || note.get().map(|n| n.text(lang.get()))}
            </span>
        </div>
    }
}

/// The banner saying why a link could not be opened.
#[component]
pub fn ShareBanner(
    /// Holds the error ([`crate::Document::share_error`]).
    pg: Playground,
) -> impl IntoView {
    let error = move || pg.doc.with(|d| d.share_error.clone());
    let lang = lang();
    move || {
        error().map(|message| {
            view! {
                <div class="share-error notice error" role="alert" data-testid="share-error">
                    <span>{move || message.message_in(lang.get())}</span>
                    <button type="button" data-testid="share-error-dismiss" on:click=move |_| pg.doc.update(|d| d.share_error = None)>
                        {tr(Text::Dismiss)}
                    </button>
                </div>
            }
        })
    }
}
