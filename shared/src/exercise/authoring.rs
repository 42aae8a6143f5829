//! An exercise's own mistakes, reported like any scenario problem: with a path under `exercise`
//! and a sentence ([`super::read`] returns them).
//!
//! Names in checks are looked up in the solution: the starting scenario may well lack what the
//! learner is asked to build (a `backup-queue`, say).

use super::check::{CODE_EVENTS, CheckKind, QUEUE_EVENTS};
use super::{Exercise, Text, locked};
use crate::event::EventKind;
use crate::say;
use crate::scenario::Scenario;
use crate::sentences::problems as say;
use crate::validate::{Limits, Problem, validate};

/// Every problem of `exercise`, its solution's included (validated under `limits`).
pub(crate) fn problems(exercise: &Exercise, limits: &Limits) -> Vec<Problem> {
    let mut a = Authoring {
        problems: Vec::new(),
        solution: &exercise.solution,
    };
    a.exercise(exercise, limits);
    a.problems
}

struct Authoring<'a> {
    problems: Vec<Problem>,
    solution: &'a Scenario,
}

impl Authoring<'_> {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(path, message));
    }

    fn exercise(&mut self, e: &Exercise, limits: &Limits) {
        if e.id.is_empty() || !e.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            self.push("exercise.id", say::EXERCISE_ID);
        }
        self.text("exercise.title", &e.title);
        self.text("exercise.task", &e.task);
        for (i, hint) in e.hints.iter().enumerate() {
            self.text(&format!("exercise.hints[{i}]"), hint);
        }
        if e.checks.is_empty() {
            self.push("exercise.checks", say::NO_CHECKS);
        }
        for (i, check) in e.checks.iter().enumerate() {
            let path = format!("exercise.checks[{i}]");
            self.text(&format!("{path}.text"), &check.text);
            self.check(&path, &check.kind);
        }
        if let Some(paths) = &e.locked {
            for (i, path) in paths.iter().enumerate() {
                if !locked::exists(&e.solution, path) {
                    self.push(format!("exercise.locked[{i}]"), say!(say::NOTHING_TO_LOCK, path));
                }
            }
        }
        let faults = e.solution.timeline.iter().any(|step| step.is_node_fault());
        if faults != e.needs_node_faults {
            self.push(
                "exercise.needs_node_faults",
                if faults {
                    say::NEEDS_NODE_FAULTS
                } else {
                    say::NEEDS_NO_NODE_FAULTS
                },
            );
        }
        if e.solution.exercise.is_some() {
            self.push("exercise.solution.exercise", say::NESTED_EXERCISE);
        }
        for problem in validate(&e.solution, limits) {
            let path = if problem.path.is_empty() {
                "exercise.solution".to_owned()
            } else {
                format!("exercise.solution.{}", problem.path)
            };
            self.push(path, problem.message);
        }
    }

    fn text(&mut self, path: &str, text: &Text) {
        for (language, value) in [("en", &text.en), ("zh", &text.zh)] {
            if value.trim().is_empty() {
                self.push(
                    format!("{path}.{language}"),
                    say!(say::TEXT_NEEDS_LANGUAGE, language = language_name(language)),
                );
            }
        }
    }

    fn check(&mut self, path: &str, kind: &CheckKind) {
        match kind {
            CheckKind::Count { of, queue, code, .. } => {
                if let Some(queue) = queue {
                    if of.takes_queue() {
                        self.queue(&format!("{path}.queue"), queue);
                    } else {
                        self.push(
                            format!("{path}.queue"),
                            say!(say::COUNT_OF_ONE_QUEUE, counter = of.as_str()),
                        );
                    }
                }
                if code.is_some() && !of.takes_code() {
                    self.push(format!("{path}.code"), say!(say::COUNT_BY_CODE, counter = of.as_str()));
                }
            }
            CheckKind::Deliveries {
                queue,
                first,
                publisher,
                exchange,
                ..
            } => {
                self.queue(&format!("{path}.queue"), queue);
                if *first == Some(0) {
                    self.push(format!("{path}.first"), say::FIRST_ZERO);
                }
                if let Some(publisher) = publisher {
                    self.publisher(&format!("{path}.publisher"), publisher);
                }
                if let Some(exchange) = exchange
                    && !exchange.is_empty()
                    && !exchange.starts_with("amq.")
                {
                    self.exchange(&format!("{path}.exchange"), exchange);
                }
            }
            CheckKind::Events {
                event,
                actor,
                queue,
                code,
                ..
            } => {
                if !EventKind::NAMES.contains(&event.as_str()) {
                    self.push(
                        format!("{path}.event"),
                        say!(say::NO_EVENT_TYPE, event, types = EventKind::NAMES.join(", ")),
                    );
                    return;
                }
                if let Some(actor) = actor
                    && !self.names_anything(actor)
                {
                    self.push(
                        format!("{path}.actor"),
                        say!(say::SOLUTION_HAS_NO, kind = say::ANYTHING, name = actor),
                    );
                }
                if let Some(queue) = queue {
                    if QUEUE_EVENTS.contains(&event.as_str()) {
                        self.queue(&format!("{path}.queue"), queue);
                    } else {
                        self.push(
                            format!("{path}.queue"),
                            say!(say::EVENT_NOT_ABOUT_A_QUEUE, event, events = QUEUE_EVENTS.join(", ")),
                        );
                    }
                }
                if code.is_some() && !CODE_EVENTS.contains(&event.as_str()) {
                    self.push(
                        format!("{path}.code"),
                        say!(say::EVENT_WITHOUT_CODE, event, events = CODE_EVENTS.join(", ")),
                    );
                }
            }
            CheckKind::Snapshot {
                queue,
                field,
                op,
                value,
                is,
            } => {
                self.queue(&format!("{path}.queue"), queue);
                let number = field.is_number();
                if number && (op.is_none() || value.is_none() || is.is_some()) {
                    self.push(
                        format!("{path}.field"),
                        say!(say::FIELD_IS_A_NUMBER, field = field.as_str()),
                    );
                } else if !number && (is.is_none() || op.is_some() || value.is_some()) {
                    self.push(
                        format!("{path}.field"),
                        say!(say::FIELD_IS_A_WORD, field = field.as_str()),
                    );
                }
            }
            CheckKind::Confirms { publisher } => self.publisher(&format!("{path}.publisher"), publisher),
            CheckKind::Bound { destination, source } => {
                let known = self.solution.queues.iter().any(|q| &q.name == destination)
                    || self.solution.exchanges.iter().any(|x| &x.name == destination);
                if !known {
                    self.push(
                        format!("{path}.destination"),
                        say!(say::SOLUTION_HAS_NO, kind = say::QUEUE_OR_EXCHANGE, name = destination),
                    );
                }
                if let Some(source) = source {
                    self.exchange(&format!("{path}.source"), source);
                }
            }
            CheckKind::Argument {
                name,
                queue,
                exchange,
                policy,
                ..
            } => {
                if name.trim().is_empty() {
                    self.push(format!("{path}.name"), say::ARGUMENT_NAME);
                }
                let targets = [queue, exchange, policy].iter().filter(|t| t.is_some()).count();
                if targets > 1 {
                    self.push(path.to_owned(), say::ONE_TARGET);
                }
                if let Some(queue) = queue {
                    self.queue(&format!("{path}.queue"), queue);
                }
                if let Some(exchange) = exchange {
                    self.exchange(&format!("{path}.exchange"), exchange);
                }
                if let Some(policy) = policy {
                    let known = self.solution.policies.iter().any(|p| &p.name == policy)
                        || self.solution.timeline.iter().any(|step| {
                            matches!(step, crate::scenario::Step::ApplyPolicy { policy: p, .. } if &p.name == policy)
                        });
                    if !known {
                        self.push(
                            format!("{path}.policy"),
                            say!(say::SOLUTION_HAS_NO, kind = say::POLICY, name = policy),
                        );
                    }
                }
            }
        }
    }

    fn queue(&mut self, path: &str, name: &str) {
        if !self.solution.queues.iter().any(|q| q.name == name) {
            self.push(path, say!(say::SOLUTION_HAS_NO, kind = say::QUEUE, name));
        }
    }

    fn exchange(&mut self, path: &str, name: &str) {
        if !self.solution.exchanges.iter().any(|x| x.name == name) {
            self.push(path, say!(say::SOLUTION_HAS_NO, kind = say::EXCHANGE, name));
        }
    }

    fn publisher(&mut self, path: &str, name: &str) {
        if !self.solution.publishers.iter().any(|p| p.name == name) {
            self.push(path, say!(say::SOLUTION_HAS_NO, kind = say::PUBLISHER, name));
        }
    }

    /// Whether anything in the solution an event can be listed under has this name.
    fn names_anything(&self, name: &str) -> bool {
        let s = self.solution;
        s.actor_names().any(|n| n == name)
            || s.queues.iter().any(|q| q.name == name)
            || s.exchanges.iter().any(|x| x.name == name)
            || s.policies.iter().any(|p| p.name == name)
            || s.timeline.iter().any(|step| {
                matches!(step,
                    crate::scenario::Step::StopNode { node, .. }
                    | crate::scenario::Step::KillNode { node, .. }
                    | crate::scenario::Step::StartNode { node, .. } if node == name)
            })
    }
}

fn language_name(code: &str) -> &'static str {
    match code {
        "zh" => say::CHINESE,
        _ => say::ENGLISH,
    }
}

#[cfg(test)]
mod tests {
    use crate::exercise::read;
    use crate::validate::{Limits, Problem, parse_scenario, validate};
    use serde_json::{Value, json};

    fn solution() -> Value {
        json!({
            "version": 1,
            "exchanges": [{"name": "x"}],
            "queues": [{"name": "q"}],
            "bindings": [{"source": "x", "destination": "q"}],
            "publishers": [{"name": "p", "exchange": "x", "count": 10}],
            "consumers": [{"name": "c", "queue": "q"}]
        })
    }

    fn text() -> Value {
        json!({"en": "{seen} lost", "zh": "丢失 {seen}"})
    }

    /// The problems of a document: the solution's scenario as the start, with this exercise.
    fn problems(exercise: Value) -> Vec<Problem> {
        let mut document = solution();
        document["exercise"] = exercise;
        let scenario = parse_scenario(&document).expect("parses");
        assert_eq!(
            validate(&scenario, &Limits::default()),
            vec![],
            "the scenario itself is sound"
        );
        read(&scenario, &Limits::default()).err().unwrap_or_default()
    }

    fn paths(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.path.as_str()).collect()
    }

    fn exercise_with(checks: Value) -> Value {
        json!({
            "id": "e-1",
            "title": {"en": "Title", "zh": "标题"},
            "task": {"en": "Task", "zh": "任务"},
            "checks": checks,
            "solution": solution()
        })
    }

    #[test]
    fn a_sound_exercise_has_no_problems() {
        let checks = json!([
            {"text": text(), "check": "count", "of": "lost", "op": "=", "value": 0},
            {"text": text(), "check": "count", "of": "delivered", "queue": "q", "op": ">=", "value": 1},
            {"text": text(), "check": "deliveries", "queue": "q", "first": 2, "exchange": "x", "op": "=", "value": 2},
            {"text": text(), "check": "events", "event": "returned", "code": 312, "actor": "p", "op": "=", "value": 0},
            {"text": text(), "check": "snapshot", "queue": "q", "field": "type", "is": "classic"},
            {"text": text(), "check": "confirms", "publisher": "p"},
            {"text": text(), "check": "bound", "destination": "q", "source": "x"},
            {"text": text(), "check": "argument", "name": "ha-mode", "absent": true}
        ]);
        assert_eq!(problems(exercise_with(checks)), vec![]);
    }

    #[test]
    fn every_authoring_mistake_has_a_path() {
        let mut exercise = exercise_with(json!([
            {"text": {"en": "only English"}, "check": "count", "of": "lost", "op": "=", "value": 0},
            {"text": text(), "check": "count", "of": "acked", "queue": "q", "code": 312, "op": "=", "value": 0},
            {"text": text(), "check": "deliveries", "queue": "backup-queue", "first": 0, "publisher": "ghost", "op": "=", "value": 1},
            {"text": text(), "check": "events", "event": "exploded", "op": "=", "value": 0},
            {"text": text(), "check": "events", "event": "published", "queue": "q", "code": 1, "actor": "nobody", "op": "=", "value": 0},
            {"text": text(), "check": "snapshot", "queue": "q", "field": "in_ram", "is": "low"},
            {"text": text(), "check": "snapshot", "queue": "q", "field": "type", "op": "=", "value": 1},
            {"text": text(), "check": "bound", "destination": "nowhere", "source": "nothing"},
            {"text": text(), "check": "argument", "name": "", "queue": "q", "exchange": "x", "policy": "ha"},
            {"text": text(), "check": "confirms", "publisher": "ghost"}
        ]));
        exercise["id"] = json!("not an id");
        exercise["title"] = json!({"en": "", "zh": "标题"});
        exercise["hints"] = json!([{"zh": "提示"}]);
        exercise["locked"] = json!(["publishers/p/count", "publishers/ghost", "queues/q/colour"]);
        exercise["needs_node_faults"] = json!(true);
        exercise["solution"]["publishers"][0]["exchange"] = json!("missing");
        let got = problems(exercise);
        assert_eq!(
            paths(&got),
            [
                "exercise.id",
                "exercise.title.en",
                "exercise.hints[0].en",
                "exercise.checks[0].text.zh",
                "exercise.checks[1].queue",
                "exercise.checks[1].code",
                "exercise.checks[2].queue",
                "exercise.checks[2].first",
                "exercise.checks[2].publisher",
                "exercise.checks[3].event",
                "exercise.checks[4].actor",
                "exercise.checks[4].queue",
                "exercise.checks[4].code",
                "exercise.checks[5].field",
                "exercise.checks[6].field",
                "exercise.checks[7].destination",
                "exercise.checks[7].source",
                "exercise.checks[8].name",
                "exercise.checks[8]",
                "exercise.checks[8].policy",
                "exercise.checks[9].publisher",
                "exercise.locked[1]",
                "exercise.locked[2]",
                "exercise.needs_node_faults",
                "exercise.solution.publishers[0].exchange",
            ],
            "{got:#?}"
        );
        assert!(got.iter().all(|p| !p.message.is_empty()));
    }

    #[test]
    fn an_empty_check_list_and_a_nested_exercise_are_refused() {
        let mut exercise = exercise_with(json!([]));
        exercise["solution"]["exercise"] = exercise_with(json!([
            {"text": text(), "check": "count", "of": "lost", "op": "=", "value": 0}
        ]));
        exercise["solution"]["exercise"]["solution"] = solution();
        let got = problems(exercise);
        assert_eq!(
            paths(&got)[..2],
            ["exercise.checks", "exercise.solution.exercise"],
            "{got:#?}"
        );
    }

    #[test]
    fn a_malformed_exercise_is_one_problem_at_its_path() {
        let mut exercise = exercise_with(json!([
            {"text": text(), "check": "count", "of": "lost", "op": "=", "value": 0},
            {"text": text(), "check": "cont", "of": "lost"}
        ]));
        let got = problems(exercise.clone());
        assert_eq!(paths(&got), ["exercise.checks[1]"]);
        assert!(got[0].message.contains("unknown variant `cont`"), "{got:?}");
        assert!(
            got[0].message.ends_with("see docs/exercises.md for the format"),
            "{got:?}"
        );
        exercise["checks"] =
            json!([{"text": text(), "check": "count", "of": "lost", "op": "=", "value": 0, "vaule": 1}]);
        let got = problems(exercise.clone());
        assert!(got[0].message.contains("unknown field `vaule`"), "{got:?}");
        exercise["checks"] = json!([]);
        exercise["colour"] = json!(1);
        assert_eq!(paths(&problems(exercise)), ["exercise.colour"]);
        assert_eq!(paths(&problems(json!("an exercise"))), ["exercise"]);
    }
}
