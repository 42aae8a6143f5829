//! `warren check FILE.json [--solution]`: run an exercise's starting scenario (or its solution)
//! on the broker and print each check as PASS or FAIL, for the people who write exercises.
//!
//! Exit codes: 0 when every check passes, 1 when one fails (or the broker cannot be reached), 2
//! when the file is not a valid exercise. The checks are decided by
//! [`warren_shared::exercise::evaluate`], as the relay decides them for the page.

use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tokio::sync::mpsc;
use warren_shared::exercise::{self, Text};
use warren_shared::{CheckResult, Problem, Scenario};

use super::{BrokerArgs, EVENT_BUFFER, invalid, read_scenario, run_on_broker};

/// `warren check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The exercise file (JSON): a scenario with an `exercise`.
    pub file: PathBuf,
    /// Run the exercise's solution instead of its starting scenario.
    #[arg(long)]
    pub solution: bool,
    /// The language of the checks' sentences.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// The broker.
    #[command(flatten)]
    pub broker: BrokerArgs,
}

/// A language of an exercise's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// Chinese.
    Zh,
}

impl Lang {
    fn pick(self, text: &Text) -> &str {
        match self {
            Self::En => &text.en,
            Self::Zh => &text.zh,
        }
    }
}

/// Run `warren check`.
pub async fn check_file(args: CheckArgs) -> ExitCode {
    let start = match read_exercise(&args.file, &args.broker) {
        Ok(start) => start,
        Err(code) => return code,
    };
    let Some(exercise) = start.exercise.as_deref() else {
        return ExitCode::from(2);
    };
    let (scenario, which) = if args.solution {
        (exercise.solution.clone(), "solution")
    } else {
        (start.clone(), "starting scenario")
    };
    println!(
        "Checking the {which} of exercise {} ({})",
        exercise.id,
        args.lang.pick(&exercise.title)
    );
    let (tx, mut rx) = mpsc::channel(EVENT_BUFFER);
    let collector = tokio::spawn(async move {
        let mut events = Vec::new();
        while let Some(event) = rx.recv().await {
            events.push(event);
        }
        events
    });
    let summary = match run_on_broker(&scenario, &args.broker, tx).await {
        Ok(summary) => summary,
        Err(code) => return code,
    };
    let events = collector.await.unwrap_or_default();
    let results = exercise::evaluate(exercise, &scenario, &summary, &events);
    print!("{}", report(&results, args.lang));
    if results.iter().all(|r| r.passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Read an exercise file: a valid scenario, with an exercise, whose solution keeps every part
/// the exercise locks as the starting scenario has it. Problems are printed; exit code 2.
fn read_exercise(file: &Path, broker: &BrokerArgs) -> Result<Scenario, ExitCode> {
    let start = read_scenario(file, &broker.limits(false))?;
    let Some(exercise) = start.exercise.as_deref() else {
        let problem = Problem::new(
            "exercise",
            "the scenario has no exercise: add one as docs/exercises.md describes, or run it with warren run",
        );
        return Err(invalid(file, "exercise", &[problem]));
    };
    let changed: Vec<Problem> = exercise::changed_locked_parts(exercise, &start)
        .into_iter()
        .map(|path| {
            Problem::new(
                "exercise.solution",
                format!("the solution changes {path}, which the exercise locks: the starting scenario and the solution must agree on it"),
            )
        })
        .collect();
    if changed.is_empty() {
        Ok(start)
    } else {
        Err(invalid(file, "exercise", &changed))
    }
}

/// One line per check, `PASS` or `FAIL`, with its sentence and what it saw; then a count.
pub fn report(results: &[CheckResult], lang: Lang) -> String {
    let mut out = String::new();
    for result in results {
        let verdict = if result.passed { "PASS" } else { "FAIL" };
        out.push_str(&format!(
            "{verdict}  {}  (seen {}, expected {})\n",
            lang.pick(&result.text),
            result.seen,
            result.expected
        ));
    }
    let passed = results.iter().filter(|r| r.passed).count();
    out.push_str(&format!("{passed} of {} checks passed\n", results.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_has_a_line_per_check_and_a_count() {
        let result = |passed: bool, seen: &str| CheckResult {
            passed,
            text: Text::new(format!("{seen} lost"), format!("丢失 {seen}")),
            seen: seen.into(),
            expected: "= 0".into(),
            ids: Vec::new(),
        };
        let results = [result(false, "2"), result(true, "0")];
        assert_eq!(
            report(&results, Lang::En),
            "FAIL  2 lost  (seen 2, expected = 0)\nPASS  0 lost  (seen 0, expected = 0)\n1 of 2 checks passed\n"
        );
        assert!(report(&results, Lang::Zh).starts_with("FAIL  丢失 2  (seen 2"));
    }
}
