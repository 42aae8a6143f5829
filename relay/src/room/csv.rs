//! A room's results as CSV: one row per learner and exercise, times in UTC (ISO 8601), for a
//! spreadsheet. A field a spreadsheet would take for a formula (a name starting with `=`, say)
//! is written with a leading `'`, so that opening the file runs nothing a learner typed.

use warren_shared::room::{Grid, ProgressState, Stuck};

/// The header row.
pub const HEADER: &str = "learner,joined_at,exercise,state,attempts,passed_after,passed_at,first_attempt_at,\
                          last_attempt_at,stuck,failed_check";

/// The grid as CSV text, header first, lines ending in CRLF (RFC 4180).
pub fn results(grid: &Grid) -> String {
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str("\r\n");
    for learner in &grid.learners {
        for cell in &learner.cells {
            let fields = [
                field(&learner.name),
                time(learner.joined_at_ms),
                field(&cell.exercise),
                state(cell.state).to_owned(),
                cell.attempts.to_string(),
                cell.passed_after.map(|n| n.to_string()).unwrap_or_default(),
                cell.passed_at_ms.map(time).unwrap_or_default(),
                cell.first_attempt_at_ms.map(time).unwrap_or_default(),
                cell.last_attempt_at_ms.map(time).unwrap_or_default(),
                cell.stuck.map(stuck).unwrap_or_default().to_owned(),
                cell.failed_check.as_ref().map(|t| field(&t.en)).unwrap_or_default(),
            ];
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

fn state(state: ProgressState) -> &'static str {
    state.as_str()
}

fn stuck(stuck: Stuck) -> &'static str {
    stuck.as_str()
}

/// A text field: quoted when it holds a comma, quote or line break; guarded when a spreadsheet
/// would read it as a formula.
fn field(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Milliseconds since the Unix epoch as `2025-01-31T09:05:07Z`.
pub fn time(ms: u64) -> String {
    let seconds = ms / 1000;
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    let (year, month, day) = civil(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The calendar date `days` after 1970-01-01 (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's days_from_civil, inverted: eras of 400 years from 0000-03-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, u32::try_from(month).unwrap_or(1), u32::try_from(day).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_shared::exercise::Text;
    use warren_shared::room::{ExerciseProgress, GridLearner, NodeFaultPolicy, RoomView, SolutionPolicy};

    #[test]
    fn times_are_utc_dates_and_times() {
        assert_eq!(time(0), "1970-01-01T00:00:00Z");
        assert_eq!(time(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(time(1_735_689_599_999), "2024-12-31T23:59:59Z");
        assert_eq!(time(1_767_225_600_000 + 3_723_000), "2026-01-01T01:02:03Z");
    }

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("Ada"), "Ada");
        assert_eq!(field("Lovelace, Ada"), "\"Lovelace, Ada\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1"), "'-1");
    }

    #[test]
    fn a_row_per_learner_and_exercise() {
        let cell = |exercise: &str, state| ExerciseProgress {
            state,
            attempts: 2,
            failed_check: Some(Text::new("2 lost, none should be", "丢失 2")),
            first_attempt_at_ms: Some(0),
            last_attempt_at_ms: Some(60_000),
            ..ExerciseProgress::not_started(exercise)
        };
        let grid = Grid {
            room: RoomView {
                code: "K7QM-X2PD".into(),
                join_path: "/?room=K7QM-X2PD".into(),
                title: "t".into(),
                exercises: Vec::new(),
                current: "a".into(),
                solutions: SolutionPolicy::Never,
                node_faults: NodeFaultPolicy::Demos,
                learners: 1,
                created_at_ms: 0,
                closed: false,
            },
            totals: Vec::new(),
            learners: vec![GridLearner {
                seat: "s".into(),
                name: "Ada".into(),
                joined_at_ms: 0,
                stuck: false,
                cells: vec![cell("a", ProgressState::Trying), cell("b", ProgressState::NotStarted)],
            }],
            at_ms: 0,
        };
        let text = results(&grid);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(lines[0], HEADER);
        assert_eq!(
            lines[1],
            "Ada,1970-01-01T00:00:00Z,a,trying,2,,,1970-01-01T00:00:00Z,1970-01-01T00:01:00Z,,\"2 lost, none should be\""
        );
        assert!(lines[2].starts_with("Ada,1970-01-01T00:00:00Z,b,not_started,"));
    }
}
