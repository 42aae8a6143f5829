//! The Chinese texts as one file, `zh.json`, next to the page.
//!
//! The page's release build (the `split` feature) carries only English and fetches this file the
//! first time Chinese is wanted, so a reader of English never downloads the Chinese. Every other
//! build keeps the Chinese inside, and `cargo xtask build-frontend` writes `zh.json` from it with
//! [`to_json`] (the `zh-catalogue` example), so the file cannot drift from the catalogue.
//!
//! The file: `{"texts": [...], "examples": {"stem": {"name": ..., "text": ...}}, "sentences":
//! {"template": "Chinese", ...}, "words": {"word": "Chinese", ...}}`, the texts in the order of
//! [`super::Text::ALL`]; the sentences and words are those of [`super::sentences`], keyed by
//! their English, which the release page then needs to carry only when it writes them itself.

use serde_json::Value;

/// The file's name, next to `index.html`.
pub const FILE: &str = "zh.json";

/// The Chinese catalogue, read from [`FILE`].
#[derive(Debug, Default, PartialEq)]
pub struct Catalogue {
    /// Every text, in the order of [`super::Text::ALL`].
    pub texts: Vec<String>,
    /// `(stem, name, explanation)` of every gallery example.
    pub examples: Vec<(String, String, String)>,
    /// `(template, Chinese)` of every sentence template ([`super::sentences::ZH`]).
    pub sentences: Vec<(String, String)>,
    /// `(word, Chinese)` of every word in a translated slot ([`super::sentences::ZH_WORDS`]).
    pub words: Vec<(String, String)>,
}

impl Catalogue {
    /// Read the file's JSON; what is wrong with it, in words.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("{FILE} is not valid JSON: {e}"))?;
        let strings = |value: Option<&Value>, what: &str| -> Result<Vec<String>, String> {
            value
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{FILE} has no list of {what}"))?
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("{FILE}: {what} must be strings"))
                })
                .collect()
        };
        let texts = strings(value.get("texts"), "texts")?;
        let examples = value
            .get("examples")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{FILE} has no examples"))?
            .iter()
            .map(|(stem, example)| {
                let field = |key: &str| {
                    example
                        .get(key)
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .ok_or_else(|| format!("{FILE}: the example {stem} has no {key}"))
                };
                Ok((stem.clone(), field("name")?, field("text")?))
            })
            .collect::<Result<_, String>>()?;
        let pairs = |what: &str| -> Result<Vec<(String, String)>, String> {
            value
                .get(what)
                .and_then(Value::as_object)
                .ok_or_else(|| format!("{FILE} has no {what}"))?
                .iter()
                .map(|(en, zh)| {
                    zh.as_str()
                        .map(|zh| (en.clone(), zh.to_owned()))
                        .ok_or_else(|| format!("{FILE}: the Chinese of {en:?} must be a string"))
                })
                .collect()
        };
        Ok(Self {
            texts,
            examples,
            sentences: pairs("sentences")?,
            words: pairs("words")?,
        })
    }
}

/// The built-in Chinese as the file's JSON (pretty, one text per line).
#[cfg(not(feature = "split"))]
pub fn to_json() -> String {
    let texts: Vec<Value> = super::Text::ALL
        .iter()
        .map(|text| Value::from(text.text(super::Lang::Zh)))
        .collect();
    let examples: serde_json::Map<String, Value> = super::ZH
        .iter()
        .map(|(stem, name, text)| {
            let mut example = serde_json::Map::new();
            example.insert("name".into(), Value::from(*name));
            example.insert("text".into(), Value::from(*text));
            ((*stem).to_owned(), Value::Object(example))
        })
        .collect();
    let pairs = |pairs: &[(&str, &str)]| {
        Value::Object(
            pairs
                .iter()
                .map(|(en, zh)| ((*en).to_owned(), Value::from(*zh)))
                .collect(),
        )
    };
    let mut file = serde_json::Map::new();
    file.insert("texts".into(), Value::Array(texts));
    file.insert("examples".into(), Value::Object(examples));
    file.insert("sentences".into(), pairs(super::sentences::ZH));
    file.insert("words".into(), pairs(super::sentences::ZH_WORDS));
    serde_json::to_string_pretty(&Value::Object(file)).unwrap_or_default()
}

#[cfg(feature = "split")]
mod loaded {
    use super::{Catalogue, FILE};
    use std::sync::OnceLock;

    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();

    /// The text at `index` of [`super::super::Text::ALL`], once the catalogue is loaded.
    pub fn text(index: usize) -> Option<&'static str> {
        CATALOGUE.get()?.texts.get(index).map(String::as_str)
    }

    /// The Chinese `(name, explanation)` of an example, once the catalogue is loaded.
    pub fn example(stem: &str) -> Option<(&'static str, &'static str)> {
        CATALOGUE
            .get()?
            .examples
            .iter()
            .find(|(s, _, _)| s == stem)
            .map(|(_, name, text)| (name.as_str(), text.as_str()))
    }

    /// `(template, Chinese)` of every sentence template; none before the catalogue is loaded.
    pub fn sentences() -> &'static [(String, String)] {
        CATALOGUE.get().map_or(&[], |c| c.sentences.as_slice())
    }

    /// `(word, Chinese)` of every word in a translated slot; none before the catalogue is loaded.
    pub fn words() -> &'static [(String, String)] {
        CATALOGUE.get().map_or(&[], |c| c.words.as_slice())
    }

    /// Whether the catalogue is here.
    pub fn is_loaded() -> bool {
        CATALOGUE.get().is_some()
    }

    /// Fetch and keep the catalogue (once); what went wrong, in words.
    pub async fn load() -> Result<(), String> {
        if is_loaded() {
            return Ok(());
        }
        let text = crate::fetch::text(FILE, "the Chinese texts").await?;
        let catalogue = Catalogue::from_json(&text)?;
        let _ = CATALOGUE.set(catalogue);
        Ok(())
    }
}

#[cfg(feature = "split")]
pub use loaded::{example, is_loaded, load, sentences, text, words};

/// Built in: nothing to load.
#[cfg(not(feature = "split"))]
pub fn is_loaded() -> bool {
    true
}

/// Built in: nothing to load.
#[cfg(not(feature = "split"))]
pub async fn load() -> Result<(), String> {
    Ok(())
}

#[cfg(all(test, not(feature = "split")))]
mod tests {
    use super::*;

    #[test]
    fn the_file_reads_back_as_the_built_in_chinese() {
        let catalogue = Catalogue::from_json(&to_json()).expect("valid");
        assert_eq!(catalogue.texts.len(), super::super::Text::ALL.len());
        for (text, zh) in super::super::Text::ALL.iter().zip(&catalogue.texts) {
            assert_eq!(text.text(super::super::Lang::Zh), zh);
        }
        assert_eq!(catalogue.examples.len(), super::super::ZH.len());
        let sentences = super::super::sentences::ZH;
        assert_eq!(catalogue.sentences.len(), sentences.len());
        for (en, zh) in sentences {
            assert!(
                catalogue.sentences.contains(&((*en).to_owned(), (*zh).to_owned())),
                "{en}"
            );
        }
        assert_eq!(catalogue.words.len(), super::super::sentences::ZH_WORDS.len());
        assert!(Catalogue::from_json("{}").expect_err("no texts").contains("texts"));
    }
}
