//! Sharing: links that carry a whole scenario, and JSON import and export.
//!
//! A link keeps the scenario in its fragment, so nothing is stored anywhere:
//! `#s=<format>.<payload>`, where `format` is the link format version ([`FORMAT`]) and
//! `payload` is base64url without padding of the raw DEFLATE of the scenario's compact JSON.
//! [`decode`] dispatches on the format version, so a later format can still open old links;
//! a host test decodes a fixed version-1 link so the format cannot change silently.
//!
//! A link that cannot be opened never blanks the page: the playground opens an empty scenario
//! and [`ShareBanner`] says what is wrong. A link whose scenario decodes but is invalid loads,
//! and the editor lists its problems as for any other scenario.

pub mod base64url;
pub mod deflate;

use crate::model::document::Playground;
use deflate::InflateError;
use leptos::prelude::*;
use std::fmt;
use warren_shared::{Problem, Scenario, parse_scenario};
use wasm_bindgen::JsCast;

/// The link format this build writes.
pub const FORMAT: u32 = 1;

/// How a fragment carrying a scenario starts (after the `#`).
pub const KEY: &str = "s=";

/// What a page opened with a broken link shows: an empty scenario.
pub const EMPTY_SCENARIO: &str = "{\n  \"version\": 1,\n  \"name\": \"\"\n}";

/// The largest scenario JSON a link may unpack to, in bytes.
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// Why a link could not be opened.
#[derive(Debug, Clone, PartialEq)]
pub enum ShareError {
    /// The fragment is not `s=<format>.<payload>`.
    Malformed,
    /// The link format version is not one this build reads.
    UnknownFormat(String),
    /// The payload is not base64url.
    Base64(String),
    /// The payload does not inflate.
    Deflate(String),
    /// The payload inflates to more than [`MAX_JSON_BYTES`].
    TooLarge,
    /// The inflated payload is not JSON.
    Json(String),
    /// The JSON is not a scenario this build reads (wrong shape or scenario version).
    Scenario(Vec<Problem>),
}

impl ShareError {
    /// The sentence the page shows.
    pub fn message(&self) -> String {
        let reason = self.to_string();
        let stop = if reason.ends_with(['.', '?']) { "" } else { "." };
        format!("This link could not be opened: {reason}{stop}")
    }
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed => write!(f, "it does not have the form #{KEY}<format>.<data>"),
            Self::UnknownFormat(format) => write!(
                f,
                "it uses link format \"{format}\", but this Warren reads format {FORMAT} (was it made by a newer Warren?)"
            ),
            Self::Base64(error) => write!(
                f,
                "its data is not valid base64url ({}); was the link cut short or changed?",
                error.trim_end_matches('.')
            ),
            Self::Deflate(error) => write!(
                f,
                "its data does not decompress ({}); was the link cut short or changed?",
                error.trim_end_matches('.')
            ),
            Self::TooLarge => write!(f, "its scenario is larger than {} KiB", MAX_JSON_BYTES / 1024),
            Self::Json(error) => write!(f, "its scenario is not valid JSON ({error})"),
            Self::Scenario(problems) => {
                f.write_str("its scenario is not one this Warren reads: ")?;
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                f.write_str(&list.join("; "))
            }
        }
    }
}

impl std::error::Error for ShareError {}

/// The fragment (without `#`) that carries a scenario's JSON document in the current link
/// format. The page encodes the document as written (compact), so a link keeps its field order.
pub fn encode_document(document: &serde_json::Value) -> String {
    let json = serde_json::to_vec(document).unwrap_or_default();
    format!("{KEY}{FORMAT}.{}", base64url::encode(&deflate::compress(&json)))
}

/// The fragment (without `#`) that carries `scenario` in the current link format.
pub fn encode(scenario: &Scenario) -> String {
    encode_document(&serde_json::to_value(scenario).unwrap_or_default())
}

/// The link to a scenario's document from the page at `page` (any fragment is replaced).
pub fn link(page: &str, document: &serde_json::Value) -> String {
    let base = page.split('#').next().unwrap_or(page);
    format!("{base}#{}", encode_document(document))
}

/// The scenario a fragment (with or without its `#`) carries.
pub fn decode(fragment: &str) -> Result<Scenario, ShareError> {
    decode_document(fragment).map(|(_, scenario)| scenario)
}

/// The JSON document a fragment carries, with the scenario it is.
pub fn decode_document(fragment: &str) -> Result<(serde_json::Value, Scenario), ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let (format, payload) = fragment
        .strip_prefix(KEY)
        .and_then(|rest| rest.split_once('.'))
        .ok_or(ShareError::Malformed)?;
    match format {
        "1" => decode_v1(payload),
        other => Err(ShareError::UnknownFormat(other.chars().take(20).collect())),
    }
}

/// Format 1: base64url (no padding) of raw DEFLATE of the scenario JSON.
fn decode_v1(payload: &str) -> Result<(serde_json::Value, Scenario), ShareError> {
    let packed = base64url::decode(payload).map_err(ShareError::Base64)?;
    let json = deflate::decompress(&packed, MAX_JSON_BYTES).map_err(|error| match error {
        InflateError::TooLarge => ShareError::TooLarge,
        other => ShareError::Deflate(other.to_string()),
    })?;
    let value: serde_json::Value =
        serde_json::from_slice(&json).map_err(|error| ShareError::Json(error.to_string()))?;
    let scenario = parse_scenario(&value).map_err(ShareError::Scenario)?;
    Ok((value, scenario))
}

/// What a page fragment asks for: `None` when it carries no scenario (no `s=`).
pub fn shared_in(fragment: &str) -> Option<Result<(serde_json::Value, Scenario), ShareError>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    fragment.starts_with(KEY).then(|| decode_document(fragment))
}

/// Check imported text: it must be JSON and a scenario this build reads (a valid one or not).
pub fn check_import(text: &str) -> Result<(), String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|error| format!("this is not JSON ({error})"))?;
    parse_scenario(&value).map(|_| ()).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        format!("this is not a Warren scenario: {}", list.join("; "))
    })
}

impl Playground {
    /// The playground a page opened at `fragment` shows: the default example when the fragment
    /// carries no scenario, the linked scenario, or an empty one with [`Playground::share_error`]
    /// set when the link cannot be opened.
    pub fn opened_at(fragment: &str) -> Self {
        let mut playground = Self::new();
        playground.open_link(fragment);
        playground.history = crate::model::document::History::default();
        playground
    }

    /// Open a link's fragment; `false` when it carries no scenario or a run is going on.
    pub fn open_link(&mut self, fragment: &str) -> bool {
        match shared_in(fragment) {
            None => false,
            Some(Ok((document, _))) => {
                let opened = self.load_text(&serde_json::to_string_pretty(&document).unwrap_or_default());
                if opened {
                    self.share_error = None;
                }
                opened
            }
            Some(Err(error)) => {
                let opened = self.load_text(EMPTY_SCENARIO);
                if opened {
                    self.share_error = Some(error.message());
                }
                opened
            }
        }
    }

    /// Import a scenario's JSON text, kept as written; an error says why nothing was loaded.
    pub fn import(&mut self, text: &str) -> Result<(), String> {
        if self.run.phase().active() {
            return Err("a run is going on; import after it ends".to_owned());
        }
        check_import(text)?;
        self.edit(text);
        Ok(())
    }

    /// The editor's text as a document, when it is a scenario now (not only the last text
    /// that parsed): what a link carries.
    pub fn current_document(&self) -> Option<serde_json::Value> {
        document_of(&self.editor.text)
    }
}

/// A scenario's text as a document, when it is a scenario.
fn document_of(text: &str) -> Option<serde_json::Value> {
    let value = serde_json::from_str::<serde_json::Value>(text).ok()?;
    parse_scenario(&value).ok().map(|_| value)
}

// ---------- the browser side ----------

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
fn replace_fragment(fragment: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{fragment}")));
    }
}

/// Offer `text` as a JSON file download named `name` (Blob, object URL, temporary `<a download>`).
pub fn download(name: &str, text: &str) -> Result<(), String> {
    let failed = |what: &str| format!("the download could not start ({what})");
    let parts = web_sys::js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
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
            check_import(&text)
                .map(|()| text)
                .map_err(|error| format!("{name}: {error}"))
        }));
    });
}

/// The share controls of the header: the current link and Copy link.
///
/// While the page's fragment holds a link, it follows the scenario (with `replaceState`, so
/// editing adds no history entries); a link pasted into the address bar of an open page opens.
#[component]
pub fn ShareBar(
    /// The scenario to link to.
    pg: RwSignal<Playground>,
) -> impl IntoView {
    let page = StoredValue::new(page_address());
    // Each link is a parse and a compression: only when the text changes.
    let text = crate::views::scenario_text(pg);
    let link = Memo::new(move |_| {
        text.with(|t| document_of(t))
            .map(|document| link(&page.get_value(), &document))
    });
    let field = NodeRef::<leptos::html::Input>::new();
    let note = RwSignal::new(None::<&'static str>);

    // Keep a link in the address bar current; a broken one stays until Copy link.
    Effect::new(move |_| {
        let link = link.get();
        // "Link copied" was about another link.
        note.set(None);
        let Some(link) = link else { return };
        let hash = location_hash();
        if matches!(shared_in(&hash), Some(Ok(_)))
            && let Some((_, fragment)) = link.split_once('#')
            && hash.strip_prefix('#') != Some(fragment)
        {
            replace_fragment(fragment);
        }
    });
    let changed = window_event_listener(leptos::ev::hashchange, move |_| {
        let hash = location_hash();
        let current = link
            .get_untracked()
            .and_then(|l| l.split_once('#').map(|(_, f)| f.to_owned()));
        if hash.strip_prefix('#') != current.as_deref() {
            pg.update(|p| {
                p.open_link(&hash);
            });
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
            note.set(Some("Press Ctrl+C to copy the selected link"));
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
                Ok(_) => note.set(Some("Link copied")),
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
                aria-label="Link to this scenario"
                placeholder="Fix the JSON to get a link"
                prop:value=move || link.get().unwrap_or_default()
                title=move || link.get().map(|l| format!("{} characters", l.len())).unwrap_or_default()
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
                title="Copy a link that opens this scenario"
                disabled=move || link.with(Option::is_none)
                on:click=copy
            >
                "Copy link"
            </button>
            <span class="share-note" data-testid="share-note" role="status">
                {move || note.get()}
            </span>
        </div>
    }
}

/// The banner saying why a link could not be opened.
#[component]
pub fn ShareBanner(
    /// Holds the error ([`Playground::share_error`]).
    pg: RwSignal<Playground>,
) -> impl IntoView {
    let error = Memo::new(move |_| pg.with(|p| p.share_error.clone()));
    move || {
        error.get().map(|message| {
            view! {
                <div class="share-error notice error" role="alert" data-testid="share-error">
                    <span>{message}</span>
                    <button type="button" data-testid="share-error-dismiss" on:click=move |_| pg.update(|p| p.share_error = None)>
                        "Dismiss"
                    </button>
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gallery;

    /// A version-1 link made once (by another DEFLATE implementation, Python's zlib) and
    /// committed: decoding it must keep working whatever this build writes.
    const FIXED_V1: &str = "#s=1.TYxBCoQwEAS_svQ5F_GWb-xRRKIOJqgTTRxxkfx940H0WFRXn9gpROcZulBgMxM0vtYE6j-T4xEKq5BQhK7O2_vQ5wipVliknVy0F74GS87o6Kzh4cJMwcvmeGhG-j0HCp0X3qDLVKc_";

    #[test]
    fn every_example_survives_the_round_trip() {
        for example in gallery::examples() {
            let scenario = example.scenario().expect("the example parses");
            let fragment = encode(&scenario);
            assert!(fragment.starts_with("s=1."), "{fragment}");
            assert!(
                fragment[4..]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{}: base64url without padding",
                example.stem
            );
            assert_eq!(decode(&fragment), Ok(scenario.clone()), "{}", example.stem);
            assert_eq!(
                decode(&format!("#{fragment}")),
                Ok(scenario.clone()),
                "{}",
                example.stem
            );

            // The page's way: the document as written, in a link to the page.
            let document: serde_json::Value = serde_json::from_str(example.json).expect("JSON");
            let url = link("http://127.0.0.1:8080/?x=1#old", &document);
            assert!(url.starts_with("http://127.0.0.1:8080/?x=1#s=1."), "{url}");
            let (_, written) = url.split_once('#').expect("a fragment");
            assert_eq!(
                decode_document(written),
                Ok((document, scenario.clone())),
                "{}",
                example.stem
            );
            assert!(
                written.len() < example.json.len(),
                "{}: the link is shorter than the file",
                example.stem
            );

            // A page opened at the link shows that scenario, and links to it again.
            let opened = Playground::opened_at(&format!("#{written}"));
            assert_eq!(opened.editor.scenario.as_ref(), Some(&scenario), "{}", example.stem);
            assert_eq!(
                opened.current_document().map(|d| encode_document(&d)).as_deref(),
                Some(written)
            );
        }
    }

    #[test]
    fn a_fixed_v1_link_still_decodes() {
        let scenario = decode(FIXED_V1).expect("the committed link decodes");
        let expected = parse_scenario(&serde_json::json!({
            "version": 1,
            "name": "Shared link",
            "queues": [{"name": "orders"}],
            "publishers": [{"name": "p", "exchange": "", "routing_key": "orders", "count": 3}],
        }))
        .expect("a scenario");
        assert_eq!(scenario, expected);
        assert_eq!(scenario.name, "Shared link");
        assert_eq!(scenario.queues[0].name, "orders");
        assert_eq!(scenario.total_messages(), 3);
    }

    fn payload(bytes: &[u8]) -> String {
        format!(
            "s=1.{}",
            base64url::encode(&miniz_oxide::deflate::compress_to_vec(bytes, 9))
        )
    }

    #[test]
    fn each_kind_of_broken_link_is_named() {
        assert_eq!(decode("#x=1.abc"), Err(ShareError::Malformed));
        assert_eq!(decode("#s=1"), Err(ShareError::Malformed));
        assert_eq!(decode("#s=9.abc"), Err(ShareError::UnknownFormat("9".into())));
        assert!(matches!(decode("#s=1.a*b"), Err(ShareError::Base64(_))));
        assert!(matches!(decode("#s=1.abc="), Err(ShareError::Base64(_))), "no padding");
        // Valid base64url of bytes that are not a DEFLATE stream.
        assert!(matches!(decode("#s=1.__8A"), Err(ShareError::Deflate(_))));
        // A cut-short link.
        let whole = encode(&Scenario::empty("a scenario with a long enough name to cut"));
        for cut in 1..=8 {
            let short = &whole[..whole.len() - cut];
            // Either the text is no longer whole base64 (a length or last symbol it cannot
            // have), or the stream ends too soon.
            match decode(short) {
                Err(error @ (ShareError::Deflate(_) | ShareError::Base64(_))) => {
                    assert!(error.to_string().contains("cut short"), "{error}");
                }
                other => panic!("{short}: {other:?}"),
            }
        }
        assert!(matches!(decode(&payload(b"{not json")), Err(ShareError::Json(_))));
        let big = vec![b' '; MAX_JSON_BYTES + 1];
        assert_eq!(decode(&payload(&big)), Err(ShareError::TooLarge));
        match decode(&payload(br#"{"version": 2}"#)) {
            Err(ShareError::Scenario(problems)) => assert_eq!(problems[0].path, "version"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            decode(&payload(br#"{"version": 1, "queues": 3}"#)),
            Err(ShareError::Scenario(_))
        ));

        let message = ShareError::UnknownFormat("9".into()).message();
        assert!(message.starts_with("This link could not be opened: "), "{message}");
        assert!(message.contains("format \"9\""), "{message}");
        let message = decode("#s=1.garbled!!").expect_err("broken").message();
        assert!(message.ends_with("was the link cut short or changed?"), "{message}");
        assert!(!message.contains(".)"), "{message}");
    }

    #[test]
    fn a_page_opens_links_and_survives_broken_ones() {
        let plain = Playground::opened_at("");
        assert_eq!(plain.editor.example, Some(gallery::DEFAULT_EXAMPLE));
        assert_eq!(plain.share_error, None);

        let returns = gallery::example("returns").and_then(|e| e.scenario()).expect("returns");
        let opened = Playground::opened_at(&format!("#{}", encode(&returns)));
        assert_eq!(opened.editor.scenario.as_ref(), Some(&returns));
        let document = opened.current_document().expect("a scenario");
        assert_eq!(parse_scenario(&document).ok().as_ref(), Some(&returns));
        assert_eq!(opened.editor.example, None);
        assert_eq!(opened.share_error, None);

        let broken = Playground::opened_at("#s=1.%%%");
        let message = broken.share_error.clone().expect("an error is shown");
        assert!(
            message.starts_with("This link could not be opened: its data is not valid base64url"),
            "{message}"
        );
        assert_eq!(broken.editor.scenario, Some(Scenario::empty("")));
        assert!(broken.editor.problems.is_empty(), "{:?}", broken.editor.problems);

        // Decodable but invalid: it loads, and the editor lists its problems.
        let invalid = Playground::opened_at(&payload(
            br#"{"version":1,"publishers":[{"name":"p","exchange":"nope","count":1}]}"#,
        ));
        assert_eq!(invalid.share_error, None);
        assert!(!invalid.editor.problems.is_empty());
        assert_eq!(invalid.editor.scenario.as_ref().map(|s| s.publishers.len()), Some(1));
    }

    #[test]
    fn imports_keep_the_text_or_say_why_not() {
        let mut p = Playground::new();
        let before = p.editor.text.clone();
        let error = p.import("{oops").expect_err("not JSON");
        assert!(error.starts_with("this is not JSON"), "{error}");
        let error = p.import(r#"{"version": 1, "queues": {}}"#).expect_err("not a scenario");
        assert!(error.contains("queues"), "{error}");
        assert_eq!(p.editor.text, before, "a failed import changes nothing");

        let text = "{\"version\": 1,\n \"name\": \"mine\"}";
        assert_eq!(p.import(text), Ok(()));
        assert_eq!(p.editor.text, text);
        assert_eq!(p.editor.file_name(), "mine.json");
    }
}
