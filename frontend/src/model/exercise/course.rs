//! The course's table of contents: one entry per exercise file, in course order, with what the
//! Exercises tab lists before any exercise is opened (its id, file, title in both languages, and
//! whether it stops nodes).
//!
//! The release page fetches it as `exercises/index.json`, which `cargo xtask build-frontend`
//! writes from the exercise files ([`index_to_json`], the frontend's `course-index` example), so
//! the index cannot drift from the files:
//!
//! ```json
//! [{"id": "confirms", "file": "01-confirms.json", "title": {"en": "…", "zh": "…"}, "needs_node_faults": false}]
//! ```

use crate::i18n::Lang;
use serde_json::{Value, json};

/// The index's file name, in the folder of the exercise files.
pub const INDEX: &str = "index.json";

/// One exercise of the course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The exercise's id (its progress is kept under it).
    pub id: String,
    /// Its file, e.g. `01-confirms.json`.
    pub file: String,
    /// Its title in English.
    pub title_en: String,
    /// Its title in Chinese.
    pub title_zh: String,
    /// Whether its timeline stops, kills or starts nodes.
    pub needs_node_faults: bool,
}

impl Entry {
    /// The entry of the exercise file `file` holding `text`; what is missing, in words.
    pub fn of_file(file: &str, text: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("{file} is not JSON: {e}"))?;
        let exercise = value.get("exercise").ok_or_else(|| format!("{file} has no exercise"))?;
        Self::read(exercise, file).ok_or_else(|| format!("{file}: its exercise has no id or title"))
    }

    /// An entry from an object with `id`, `title` and `needs_node_faults` (an exercise, or an
    /// entry of the index).
    fn read(value: &Value, file: &str) -> Option<Self> {
        let title = |lang: &str| value.pointer(&format!("/title/{lang}")).and_then(Value::as_str);
        Some(Self {
            id: value.get("id")?.as_str()?.to_owned(),
            file: file.to_owned(),
            title_en: title("en")?.to_owned(),
            title_zh: title("zh")?.to_owned(),
            needs_node_faults: value.get("needs_node_faults").and_then(Value::as_bool).unwrap_or(false),
        })
    }

    /// The title in `lang`.
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.title_en,
            Lang::Zh => &self.title_zh,
        }
    }
}

/// The index as the page fetches it.
pub fn index_to_json(entries: &[Entry]) -> String {
    let list: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "file": e.file,
                "title": {"en": e.title_en, "zh": e.title_zh},
                "needs_node_faults": e.needs_node_faults,
            })
        })
        .collect();
    serde_json::to_string_pretty(&Value::Array(list)).unwrap_or_default()
}

/// Read the index; what is wrong with it, in words.
pub fn index_from_json(text: &str) -> Result<Vec<Entry>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("{INDEX} is not JSON: {e}"))?;
    value
        .as_array()
        .ok_or_else(|| format!("{INDEX} is not a list"))?
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let file = item.get("file").and_then(Value::as_str).unwrap_or_default();
            Entry::read(item, file)
                .filter(|e| !e.file.is_empty())
                .ok_or_else(|| format!("{INDEX}: entry {} lacks an id, a file or a title", i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_reads_back_and_says_what_is_missing() {
        let text = include_str!("../../../../examples/exercises/12-quorum-failover.json");
        let entry = Entry::of_file("12-quorum-failover.json", text).expect("an exercise");
        assert_eq!(entry.id, "quorum-failover");
        assert!(entry.needs_node_faults);
        assert_eq!(entry.title(Lang::En), entry.title_en);
        let json = index_to_json(std::slice::from_ref(&entry));
        assert_eq!(index_from_json(&json), Ok(vec![entry]));
        assert!(index_from_json("{}").expect_err("not a list").contains("not a list"));
        assert!(
            index_from_json(r#"[{"id": "x"}]"#)
                .expect_err("no title")
                .contains("entry 1")
        );
        assert!(
            Entry::of_file("a.json", r#"{"version": 1}"#)
                .expect_err("plain")
                .contains("no exercise")
        );
    }
}
