//! The share-link codec: links that carry a whole scenario, and the checks of imported JSON.
//!
//! A link keeps the scenario in its fragment, so nothing is stored anywhere:
//! `#s=<format>.<payload>`, where `format` is the link format version ([`FORMAT`]) and
//! `payload` is base64url without padding ([`base64url`]) of the raw DEFLATE ([`deflate`]) of
//! the scenario's compact JSON. [`decode`] dispatches on the format version, so a later format
//! can still open old links; a host test decodes a fixed version-1 link so the format cannot
//! change silently.
//!
//! A link may instead name an exercise of the course, `#exercise=<id>` ([`exercise_in`]): the page
//! opens that exercise from its start (an exercise with the learner's attempt travels as an
//! ordinary scenario link, its `exercise` included).
//!
//! A link that cannot be opened never blanks the page: the document opens an empty scenario
//! ([`EMPTY_SCENARIO`]) and the page says what is wrong ([`ShareError::message`]). A link whose
//! scenario decodes but is invalid loads, and the editor lists its problems as for any other
//! scenario. The page's side (the link in the header, the banner) is
//! [`crate::views::share`].

pub mod base64url;
pub mod deflate;

use crate::i18n::sentences::say;
use crate::i18n::{Lang, Text};
use deflate::InflateError;
use std::fmt;
use warren_shared::{Problem, Scenario, parse_scenario};

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
    /// The sentence the page shows, in English.
    pub fn message(&self) -> String {
        self.message_in(Lang::En)
    }

    /// The sentence the page shows, in `lang` (the decoder's own words stay as they are).
    pub fn message_in(&self, lang: Lang) -> String {
        let reason = match lang {
            Lang::En => self.to_string(),
            Lang::Zh => self.reason_zh(),
        };
        let stop = match lang {
            Lang::En if !reason.ends_with(['.', '?']) => ".",
            Lang::Zh if !reason.ends_with(['。', '？']) => "。",
            _ => "",
        };
        format!("{}{reason}{stop}", Text::LinkNotOpened.text(lang))
    }

    /// Why, in Chinese.
    fn reason_zh(&self) -> String {
        match self {
            Self::Malformed => format!("它不是 #{KEY}<格式>.<数据> 的形式"),
            Self::UnknownFormat(format) => {
                format!("它使用链接格式“{format}”，而这个 Warren 读取格式 {FORMAT}（是更新版本的 Warren 生成的吗？）")
            }
            Self::Base64(error) => format!(
                "它的数据不是有效的 base64url（{}）；链接是否被截断或改动？",
                say(error.trim_end_matches('.'), Lang::Zh)
            ),
            Self::Deflate(error) => format!(
                "它的数据无法解压（{}）；链接是否被截断或改动？",
                say(error.trim_end_matches('.'), Lang::Zh)
            ),
            Self::TooLarge => format!("它的场景大于 {} KiB", MAX_JSON_BYTES / 1024),
            Self::Json(error) => format!("它的场景不是有效的 JSON（{}）", say(error, Lang::Zh)),
            Self::Scenario(problems) => {
                let list: Vec<String> = problems
                    .iter()
                    .map(|p| match p.path.as_str() {
                        "" => say(&p.message, Lang::Zh),
                        path => format!("{path}：{}", say(&p.message, Lang::Zh)),
                    })
                    .collect();
                format!("它的场景不是这个 Warren 能读取的：{}", list.join("；"))
            }
        }
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

/// How a fragment naming an exercise of the course starts (after the `#`): `#exercise=<id>`
/// opens the course's exercise `id` from its start.
pub const EXERCISE_KEY: &str = "exercise=";

/// The course exercise a page fragment (with or without its `#`) names, if it names one.
pub fn exercise_in(fragment: &str) -> Option<&str> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    fragment
        .strip_prefix(EXERCISE_KEY)
        .map(str::trim)
        .filter(|id| !id.is_empty())
}

/// Check imported text: it must be JSON and a scenario this build reads (a valid one or not).
pub fn check_import(text: &str) -> Result<(), String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|error| format!("{}({error})", Text::NotJson.text(Lang::En)))?;
    parse_scenario(&value).map(|_| ()).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        format!("{}{}", Text::NotAScenario.text(Lang::En), list.join("; "))
    })
}

/// A scenario's text as a document, when it is a scenario.
pub fn document_of(text: &str) -> Option<serde_json::Value> {
    let value = serde_json::from_str::<serde_json::Value>(text).ok()?;
    parse_scenario(&value).ok().map(|_| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gallery;
    use crate::model::document::Document;

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
            let opened = Document::opened_at(&format!("#{written}"));
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
        let plain = Document::opened_at("");
        assert_eq!(plain.editor.example, Some(gallery::DEFAULT_EXAMPLE));
        assert_eq!(plain.share_error, None);

        let returns = gallery::example("returns").and_then(|e| e.scenario()).expect("returns");
        let opened = Document::opened_at(&format!("#{}", encode(&returns)));
        assert_eq!(opened.editor.scenario.as_ref(), Some(&returns));
        let document = opened.current_document().expect("a scenario");
        assert_eq!(parse_scenario(&document).ok().as_ref(), Some(&returns));
        assert_eq!(opened.editor.example, None);
        assert_eq!(opened.share_error, None);

        let broken = Document::opened_at("#s=1.%%%");
        let message = broken.share_error.as_ref().expect("an error is shown").message();
        let zh = broken
            .share_error
            .as_ref()
            .expect("an error is shown")
            .message_in(Lang::Zh);
        assert!(zh.starts_with("无法打开这个链接：它的数据不是有效的 base64url"), "{zh}");
        assert!(
            message.starts_with("This link could not be opened: its data is not valid base64url"),
            "{message}"
        );
        assert_eq!(broken.editor.scenario, Some(Scenario::empty("")));
        assert!(broken.editor.problems.is_empty(), "{:?}", broken.editor.problems);

        // Decodable but invalid: it loads, and the editor lists its problems.
        let invalid = Document::opened_at(&payload(
            br#"{"version":1,"publishers":[{"name":"p","exchange":"nope","count":1}]}"#,
        ));
        assert_eq!(invalid.share_error, None);
        assert!(!invalid.editor.problems.is_empty());
        assert_eq!(invalid.editor.scenario.as_ref().map(|s| s.publishers.len()), Some(1));
    }

    #[test]
    fn a_link_names_an_exercise_of_the_course_and_an_exercise_travels_as_a_scenario() {
        assert_eq!(exercise_in("#exercise=confirms"), Some("confirms"));
        assert_eq!(exercise_in("exercise=returns"), Some("returns"));
        assert_eq!(exercise_in("#exercise="), None);
        assert_eq!(exercise_in("#s=1.abc"), None);
        assert!(shared_in("#exercise=confirms").is_none(), "not a scenario link");
        // A scenario link keeps the exercise and the learner's attempt.
        let text = include_str!("../../../examples/exercises/04-returns.json");
        let document: serde_json::Value = serde_json::from_str(text).expect("JSON");
        let (opened, scenario) = decode_document(&encode_document(&document)).expect("opens");
        assert_eq!(opened, document);
        assert_eq!(
            scenario.exercise.as_ref().map(|e| &e["id"]),
            Some(&serde_json::json!("returns"))
        );
    }

    #[test]
    fn imports_keep_the_text_or_say_why_not() {
        let mut p = Document::new();
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
