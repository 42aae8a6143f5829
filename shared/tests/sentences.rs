//! Every problem validation can report is made from a template of [`warren_shared::sentences`],
//! so that the page can say it in another language: a corpus of broken scenarios and exercises
//! (`data/broken-scenarios.json`) that fails every check, each problem read back to its template,
//! and every template of validation met at least once.

use serde_json::Value;
use std::collections::BTreeSet;
use warren_shared::sentences::{self, problems};
use warren_shared::{Limits, Problem, exercise, parse_scenario, validate};

/// Every problem the corpus's documents have, under a relay with tight limits and without node
/// faults, and under one on a managed cluster.
fn corpus_problems() -> Vec<Problem> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/broken-scenarios.json");
    let text = std::fs::read_to_string(&path).expect("the corpus");
    let entries: Vec<Value> = serde_json::from_str(&text).expect("JSON");
    let tight = Limits {
        max_exchanges: 1,
        max_queues: 1,
        max_bindings: 1,
        max_policies: 1,
        max_actors: 1,
        max_steps: 1,
        max_messages: 10,
        max_duration_ms: 1000,
        max_body_bytes: 10,
        node_faults: false,
        nodes: Vec::new(),
    };
    let cluster = Limits {
        node_faults: true,
        nodes: vec!["warren-1@localhost".into(), "warren-2@localhost".into()],
        ..Limits::default()
    };
    let mut found = Vec::new();
    for entry in entries {
        let mut document = entry["document"].clone();
        lengthen(&mut document);
        let scenario = match parse_scenario(&document) {
            Ok(scenario) => scenario,
            Err(problems) => {
                found.extend(problems);
                continue;
            }
        };
        for limits in [&tight, &cluster] {
            found.extend(validate(&scenario, limits));
            match exercise::read(&scenario, limits) {
                Ok(Some(exercise)) => found.extend(exercise::locked_problems(&exercise, &scenario)),
                Ok(None) => {}
                Err(problems) => found.extend(problems),
            }
        }
    }
    found
}

/// Every string `"LONG"` becomes a name longer than AMQP allows.
fn lengthen(value: &mut Value) {
    match value {
        Value::String(text) if text == "LONG" => *text = "a".repeat(300),
        Value::Array(items) => items.iter_mut().for_each(lengthen),
        Value::Object(fields) => fields.values_mut().for_each(lengthen),
        _ => {}
    }
}

#[test]
fn every_problem_is_made_from_a_template_and_every_template_is_met() {
    let found = corpus_problems();
    assert!(found.len() > 100, "only {} problems", found.len());
    let mut met = BTreeSet::new();
    for problem in &found {
        let (template, _) = sentences::reading(sentences::all(), &problem.message)
            .unwrap_or_else(|| panic!("no template made {problem}"));
        met.insert(template);
        // serde's own sentence, inside the pointer to the format, is one of its templates too.
        if template == problems::SEE_FORMAT {
            let (_, values) = sentences::reading([template], &problem.message).expect("read");
            let error = values.iter().find(|(slot, _)| *slot == "error").expect("an error").1;
            assert!(
                sentences::reading(sentences::all(), error).is_some() || sentences::words().any(|w| w == error),
                "serde said something unknown: {error}"
            );
        }
    }
    let unmet: Vec<&str> = problems::ALL.iter().copied().filter(|t| !met.contains(t)).collect();
    assert!(unmet.is_empty(), "no broken scenario makes these: {unmet:#?}");
}

#[test]
fn words_that_fill_slots_are_listed() {
    for problem in corpus_problems() {
        let (template, values) = sentences::reading(sentences::all(), &problem.message).expect("a template");
        for (slot, value) in values {
            if ["kind", "what", "language"].contains(&slot) {
                assert!(
                    sentences::words().any(|w| w == value),
                    "{template}: {value:?} in {{{slot}}} is not a listed word"
                );
            }
        }
    }
}
