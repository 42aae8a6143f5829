//! The course in `examples/exercises/`, read on the host: every file is an exercise that parses
//! and validates with no authoring problem, reads back as written (a share link carries it), has
//! both languages, is numbered in course order, and has a solution that keeps the parts the
//! learner may not change. (Whether the starting scenarios fail and the solutions pass on the
//! broker is `tests/tests/course.rs`.)

use std::collections::BTreeSet;
use std::path::PathBuf;
use warren_shared::exercise::{Exercise, changed_locked_parts};
use warren_shared::{Limits, Scenario, parse_scenario, validate};

/// The limits of a relay on the cluster Warren manages, where node faults are allowed.
fn managed_limits() -> Limits {
    Limits {
        node_faults: true,
        nodes: (1..=3).map(|i| format!("warren-{i}@localhost")).collect(),
        ..Limits::default()
    }
}

/// Every `examples/exercises/*.json`, by file name, in name order.
fn course() -> Vec<(String, serde_json::Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/exercises");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).unwrap_or_else(|e| panic!("read {name}: {e}"));
            let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
            (name, value)
        })
        .collect()
}

fn parsed(name: &str, value: &serde_json::Value) -> Scenario {
    parse_scenario(value).unwrap_or_else(|problems| panic!("{name} does not parse: {problems:?}"))
}

#[test]
fn the_course_has_at_least_ten_exercises_numbered_in_order() {
    let names: Vec<String> = course().into_iter().map(|(name, _)| name).collect();
    assert!(names.len() >= 10, "the course has {} exercises: {names:?}", names.len());
    for (i, name) in names.iter().enumerate() {
        let number = format!("{:02}-", i + 1);
        assert!(name.starts_with(&number), "{name} should be numbered {number}");
    }
}

#[test]
fn every_exercise_validates_with_no_problem_and_its_solution_keeps_the_locked_parts() {
    let limits = managed_limits();
    let mut ids = BTreeSet::new();
    for (name, value) in course() {
        let scenario = parsed(&name, &value);
        let problems = validate(&scenario, &limits);
        assert!(problems.is_empty(), "{name} has problems: {problems:#?}");
        let written = serde_json::to_value(&scenario).expect("serialize");
        assert_eq!(
            parsed(&name, &written),
            scenario,
            "{name} changes when written and read again"
        );
        let exercise = &exercise_of(&name, &scenario);
        assert!(
            ids.insert(exercise.id.clone()),
            "{name}: the id {} is taken",
            exercise.id
        );
        assert!(
            (2..=3).contains(&exercise.hints.len()),
            "{name} has {} hints; give two or three",
            exercise.hints.len()
        );
        assert_eq!(
            changed_locked_parts(exercise, &exercise.solution),
            Vec::<String>::new(),
            "{name}: the solution changes a locked part"
        );
        assert_eq!(
            changed_locked_parts(exercise, &scenario),
            Vec::<String>::new(),
            "{name}: the starting scenario differs from the solution at a locked part"
        );
        assert_ne!(
            serde_json::to_value(&exercise.solution).ok(),
            serde_json::to_value(Scenario {
                exercise: None,
                ..scenario.clone()
            })
            .ok(),
            "{name}: the solution is the starting scenario"
        );
    }
}

/// The exercise of a course file, read and checked for authoring mistakes.
fn exercise_of(name: &str, scenario: &Scenario) -> Exercise {
    warren_shared::exercise::read(scenario, &managed_limits())
        .unwrap_or_else(|problems| panic!("{name}: {problems:#?}"))
        .unwrap_or_else(|| panic!("{name} has no exercise"))
}

/// Node faults are for a single user on the managed cluster: an exercise that stops nodes says
/// so, and is refused where faults are off (a workshop) rather than half run.
#[test]
fn exercises_that_stop_nodes_say_so() {
    let workshop = Limits {
        node_faults: false,
        ..managed_limits()
    };
    for (name, value) in course() {
        let scenario = parsed(&name, &value);
        let exercise = &exercise_of(&name, &scenario);
        let refused = !validate(&scenario, &workshop).is_empty();
        assert_eq!(
            refused,
            exercise.needs_node_faults,
            "{name}: needs_node_faults is {}, but a workshop relay {} it",
            exercise.needs_node_faults,
            if refused { "refuses" } else { "accepts" }
        );
    }
}

/// What a learner reads calls the source "the tutorial", and every text has both languages with
/// Chinese that is Chinese.
#[test]
fn the_texts_speak_of_the_tutorial_in_both_languages() {
    for (name, value) in course() {
        let exercise = &value["exercise"];
        let mut texts = vec![&exercise["title"], &exercise["task"]];
        texts.extend(exercise["hints"].as_array().into_iter().flatten());
        texts.extend(
            exercise["checks"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|check| &check["text"]),
        );
        for text in texts {
            let en = text["en"].as_str().unwrap_or_default();
            let zh = text["zh"].as_str().unwrap_or_default();
            for said in [en, zh] {
                assert!(!said.to_lowercase().contains("seed"), "{name}: {said:?} names the seed");
            }
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{name}: {zh:?} is not in Chinese"
            );
            let placeholders = |s: &str| s.matches("{seen}").count();
            assert_eq!(
                placeholders(en),
                placeholders(zh),
                "{name}: {en:?} and {zh:?} differ in {{seen}}"
            );
        }
    }
}
