//! The course the relay ships (`examples/exercises/`), compiled in, so that a room can name its
//! exercises by id wherever the binary runs.

use serde_json::Value;
use std::sync::OnceLock;

/// Every exercise file of the course, in the course's order.
const FILES: &[(&str, &str)] = &[
    (
        "01-confirms.json",
        include_str!("../../../examples/exercises/01-confirms.json"),
    ),
    ("02-nack.json", include_str!("../../../examples/exercises/02-nack.json")),
    (
        "03-outage.json",
        include_str!("../../../examples/exercises/03-outage.json"),
    ),
    (
        "04-returns.json",
        include_str!("../../../examples/exercises/04-returns.json"),
    ),
    (
        "05-backup-exchange.json",
        include_str!("../../../examples/exercises/05-backup-exchange.json"),
    ),
    (
        "06-dead-letters.json",
        include_str!("../../../examples/exercises/06-dead-letters.json"),
    ),
    (
        "07-topic-routing.json",
        include_str!("../../../examples/exercises/07-topic-routing.json"),
    ),
    (
        "08-headers-routing.json",
        include_str!("../../../examples/exercises/08-headers-routing.json"),
    ),
    (
        "09-priority.json",
        include_str!("../../../examples/exercises/09-priority.json"),
    ),
    ("10-lazy.json", include_str!("../../../examples/exercises/10-lazy.json")),
    (
        "11-mirror-loss.json",
        include_str!("../../../examples/exercises/11-mirror-loss.json"),
    ),
    (
        "12-quorum-failover.json",
        include_str!("../../../examples/exercises/12-quorum-failover.json"),
    ),
];

/// One exercise of the course.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseExercise {
    /// Its `exercise.id`.
    pub id: String,
    /// The whole document.
    pub document: Value,
}

/// The course, read once; a file that does not read is left out (the course's own tests read
/// every one).
pub fn course() -> &'static [CourseExercise] {
    static COURSE: OnceLock<Vec<CourseExercise>> = OnceLock::new();
    COURSE.get_or_init(|| {
        FILES
            .iter()
            .filter_map(|(file, text)| {
                let document: Value = serde_json::from_str(text)
                    .map_err(|error| tracing::error!(file, %error, "could not read an exercise of the course"))
                    .ok()?;
                let id = document.get("exercise")?.get("id")?.as_str()?.to_owned();
                Some(CourseExercise { id, document })
            })
            .collect()
    })
}

/// The course's exercise with this id.
pub fn find(id: &str) -> Option<&'static CourseExercise> {
    course().iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_course_is_compiled_in_and_reads() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/exercises");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("the course's folder")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".json"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = FILES.iter().map(|(file, _)| *file).collect();
        assert_eq!(listed, on_disk, "list every examples/exercises/*.json in FILES");
        assert_eq!(course().len(), FILES.len(), "every file reads and has an id");
        assert!(find("confirms").is_some());
        assert!(find("nope").is_none());
    }
}
