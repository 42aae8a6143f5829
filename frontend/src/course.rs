//! The course: the exercises of `examples/exercises/`, in the order of their file names.
//!
//! The release page (the `split` feature) does not carry them: `cargo xtask build-frontend` puts
//! the files in `exercises/` beside the page with their index (`exercises/index.json`, written by
//! the frontend's `course-index` example from [`index_json`]), and the page fetches the index when
//! the Exercises tab is first opened and a file when its exercise is opened. Every other build
//! (host tests, wasm-bindgen tests) embeds them ([`FILES`]).

use crate::model::exercise::course::Entry;
#[cfg(feature = "split")]
use crate::model::exercise::course::{INDEX, index_from_json};

/// The folder beside the page holding the course's files.
pub const FOLDER: &str = "exercises";

/// `(file name, JSON text)` of every exercise of the course, in course order.
#[cfg(not(feature = "split"))]
pub const FILES: &[(&str, &str)] = &[
    (
        "01-confirms.json",
        include_str!("../../examples/exercises/01-confirms.json"),
    ),
    ("02-nack.json", include_str!("../../examples/exercises/02-nack.json")),
    (
        "03-outage.json",
        include_str!("../../examples/exercises/03-outage.json"),
    ),
    (
        "04-returns.json",
        include_str!("../../examples/exercises/04-returns.json"),
    ),
    (
        "05-backup-exchange.json",
        include_str!("../../examples/exercises/05-backup-exchange.json"),
    ),
    (
        "06-dead-letters.json",
        include_str!("../../examples/exercises/06-dead-letters.json"),
    ),
    (
        "07-topic-routing.json",
        include_str!("../../examples/exercises/07-topic-routing.json"),
    ),
    (
        "08-headers-routing.json",
        include_str!("../../examples/exercises/08-headers-routing.json"),
    ),
    (
        "09-priority.json",
        include_str!("../../examples/exercises/09-priority.json"),
    ),
    ("10-lazy.json", include_str!("../../examples/exercises/10-lazy.json")),
    (
        "11-mirror-loss.json",
        include_str!("../../examples/exercises/11-mirror-loss.json"),
    ),
    (
        "12-quorum-failover.json",
        include_str!("../../examples/exercises/12-quorum-failover.json"),
    ),
];

/// What the page says when the course cannot be had (a notice: see [`crate::i18n::texts::notice`]).
const WHAT: &str = "the course";

/// The course's index, as `exercises/index.json` holds it.
#[cfg(not(feature = "split"))]
pub fn index_json() -> String {
    crate::model::exercise::course::index_to_json(&embedded_index().unwrap_or_default())
}

#[cfg(not(feature = "split"))]
fn embedded_index() -> Result<Vec<Entry>, String> {
    FILES.iter().map(|(file, text)| Entry::of_file(file, text)).collect()
}

/// The course's index; why it could not be had, in words.
pub async fn index() -> Result<Vec<Entry>, String> {
    #[cfg(feature = "split")]
    {
        thread_local! {
            static LOADED: std::cell::RefCell<Option<Vec<Entry>>> = const { std::cell::RefCell::new(None) };
        }
        if let Some(index) = LOADED.with_borrow(Clone::clone) {
            return Ok(index);
        }
        let text = crate::fetch::text(&format!("{FOLDER}/{INDEX}"), WHAT).await?;
        let index = index_from_json(&text).map_err(|e| format!("could not load {WHAT}: {e}"))?;
        LOADED.set(Some(index.clone()));
        Ok(index)
    }
    #[cfg(not(feature = "split"))]
    embedded_index().map_err(|e| format!("could not load {WHAT}: {e}"))
}

/// The text of the exercise file `file` (its starting scenario, with the exercise).
pub async fn file(file: &str) -> Result<String, String> {
    #[cfg(feature = "split")]
    {
        crate::fetch::text(&format!("{FOLDER}/{file}"), WHAT).await
    }
    #[cfg(not(feature = "split"))]
    FILES
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, text)| (*text).to_owned())
        .ok_or_else(|| format!("could not load {WHAT}: there is no {file}"))
}

/// The course's exercise `id`: its place in the course (from 0), its entry and its file's text;
/// `Ok(None)` when the course has no such exercise.
pub async fn exercise(id: &str) -> Result<Option<(usize, Entry, String)>, String> {
    let index = index().await?;
    let Some((at, entry)) = index.into_iter().enumerate().find(|(_, e)| e.id == id) else {
        return Ok(None);
    };
    let text = file(&entry.file).await?;
    Ok(Some((at, entry, text)))
}

#[cfg(all(test, not(feature = "split")))]
mod tests {
    use super::*;

    #[test]
    fn every_exercise_file_is_in_the_course_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/exercises");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("examples/exercises/ exists")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".json"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            listed, on_disk,
            "list every examples/exercises/*.json in FILES, in order"
        );
        let index = embedded_index().expect("every file has an exercise");
        let mut ids: Vec<&str> = index.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), FILES.len(), "ids are unique");
        let faults: Vec<&str> = index
            .iter()
            .filter(|e| e.needs_node_faults)
            .map(|e| e.file.as_str())
            .collect();
        assert_eq!(faults, ["11-mirror-loss.json", "12-quorum-failover.json"]);
        assert_eq!(
            crate::model::exercise::course::index_from_json(&index_json()),
            Ok(index)
        );
    }
}
