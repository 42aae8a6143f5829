//! The example gallery: every `examples/*.json` of the repository, embedded at compile time.
//!
//! [`EXAMPLES`] is the one list to extend when an example is added; a host test checks that it
//! names every file in `examples/`.

use crate::i18n::{self, Lang};
use warren_shared::{Scenario, parse_scenario};

/// The example shown when the page opens.
pub const DEFAULT_EXAMPLE: &str = "confirms";

/// `(file stem, JSON text)` of every example, in gallery order.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("confirms", include_str!("../../examples/confirms.json")),
    ("returns", include_str!("../../examples/returns.json")),
    ("backup-exchange", include_str!("../../examples/backup-exchange.json")),
    ("nack", include_str!("../../examples/nack.json")),
    ("dead-letter", include_str!("../../examples/dead-letter.json")),
    ("priority", include_str!("../../examples/priority.json")),
    ("lazy", include_str!("../../examples/lazy.json")),
    ("outbox-outage", include_str!("../../examples/outbox-outage.json")),
    ("outage-no-outbox", include_str!("../../examples/outage-no-outbox.json")),
    ("mirroring", include_str!("../../examples/mirroring.json")),
    ("mirror-loss", include_str!("../../examples/mirror-loss.json")),
    ("quorum-failover", include_str!("../../examples/quorum-failover.json")),
];

/// One gallery entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// File stem, e.g. `backup-exchange`; also the `data-testid` suffix.
    pub stem: &'static str,
    /// The scenario's `name`, or the stem when it has none.
    pub name: String,
    /// What to look for.
    pub description: String,
    /// The file as written, shown in the editor when the example is loaded.
    pub json: &'static str,
}

impl Example {
    /// The name in `lang` (Chinese from [`i18n::ZH`], English from the file).
    pub fn name_in(&self, lang: Lang) -> String {
        match (lang, i18n::zh(self.stem)) {
            (Lang::Zh, Some((name, _))) => name.to_owned(),
            _ => self.name.clone(),
        }
    }

    /// What to look for, in `lang`.
    pub fn description_in(&self, lang: Lang) -> String {
        match (lang, i18n::zh(self.stem)) {
            (Lang::Zh, Some((_, text))) => text.to_owned(),
            _ => self.description.clone(),
        }
    }

    /// The parsed scenario; `None` only if the file is broken (a host test prevents that).
    pub fn scenario(&self) -> Option<Scenario> {
        let value: serde_json::Value = serde_json::from_str(self.json).ok()?;
        parse_scenario(&value).ok()
    }
}

/// Every example, in gallery order.
pub fn examples() -> Vec<Example> {
    EXAMPLES
        .iter()
        .map(|(stem, json)| {
            let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
            let text = |key: &str| value.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let name = text("name");
            Example {
                stem,
                name: if name.is_empty() { (*stem).to_owned() } else { name },
                description: text("description"),
                json,
            }
        })
        .collect()
}

/// The example with this stem.
pub fn example(stem: &str) -> Option<Example> {
    examples().into_iter().find(|e| e.stem == stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_file_is_in_the_gallery_and_parses() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("examples/ exists")
            .filter_map(|entry| {
                let path = entry.ok()?.path();
                if path.extension()? != "json" {
                    return None;
                }
                Some(path.file_stem()?.to_string_lossy().into_owned())
            })
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = EXAMPLES.iter().map(|(stem, _)| (*stem).to_owned()).collect();
        listed.sort();
        assert_eq!(listed, on_disk, "list every examples/*.json in EXAMPLES");
        for example in examples() {
            assert!(example.scenario().is_some(), "{} does not parse", example.stem);
            assert!(!example.description.is_empty(), "{} has no description", example.stem);
        }
        assert_eq!(
            example(DEFAULT_EXAMPLE).map(|e| e.name),
            Some("Publisher confirms".to_owned())
        );
    }

    #[test]
    fn every_example_has_a_chinese_name_and_explanation() {
        for example in examples() {
            let (name, text) = i18n::zh(example.stem).unwrap_or_else(|| panic!("{} has no Chinese text", example.stem));
            assert!(!name.trim().is_empty(), "{} has no Chinese name", example.stem);
            assert!(!text.trim().is_empty(), "{} has no Chinese explanation", example.stem);
            assert_eq!(example.name_in(Lang::Zh), name);
            assert_eq!(example.description_in(Lang::Zh), text);
            assert_eq!(example.description_in(Lang::En), example.description);
        }
        let mut stems: Vec<&str> = i18n::ZH.iter().map(|(stem, _, _)| *stem).collect();
        stems.sort_unstable();
        stems.dedup();
        assert_eq!(stems.len(), i18n::ZH.len(), "a stem is listed twice in i18n::ZH");
        assert_eq!(
            stems.len(),
            EXAMPLES.len(),
            "i18n::ZH lists a stem that is not an example"
        );
    }
}
