//! A new room as the instructor asks for it, checked: its title, its exercises (from the course
//! or uploaded, each checked as `warren check` checks one), and its policies. Every problem is
//! reported at once, with its path in the request.

use serde_json::Value;
use warren_shared::exercise::{self, Exercise};
use warren_shared::room::{ExerciseSource, NewRoom as Request, NodeFaultPolicy, SolutionPolicy};
use warren_shared::{Limits, Problem, parse_scenario, validate};

use super::course;
use super::model::RoomExercise;

/// Most characters in a room's title.
pub const MAX_TITLE_CHARS: usize = 120;
/// Most exercises in a room.
pub const MAX_EXERCISES: usize = 50;

/// A new room's checked contents.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The title, trimmed.
    pub title: String,
    /// The exercises, in order.
    pub exercises: Vec<RoomExercise>,
    /// When learners may see a solution.
    pub solutions: SolutionPolicy,
    /// Who may run the exercises that stop nodes.
    pub node_faults: NodeFaultPolicy,
}

/// Check a request; `limits` are those of the instructor's demos (node faults allowed where the
/// relay can fault nodes), since a room may hold an exercise only its instructor runs.
pub fn plan(request: &Request, limits: &Limits) -> Result<Plan, Vec<Problem>> {
    let mut problems = Vec::new();
    let title = request.title.trim().to_owned();
    if title.is_empty() {
        problems.push(Problem::new(
            "title",
            "a room needs a title, shown to everyone who joins",
        ));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        problems.push(Problem::new(
            "title",
            format!("a title has at most {MAX_TITLE_CHARS} characters"),
        ));
    }
    if request.exercises.is_empty() {
        problems.push(Problem::new("exercises", "a room needs at least one exercise"));
    } else if request.exercises.len() > MAX_EXERCISES {
        problems.push(Problem::new(
            "exercises",
            format!("a room has at most {MAX_EXERCISES} exercises"),
        ));
    }
    let solutions = request.solutions.unwrap_or(SolutionPolicy::DEFAULT);
    if solutions == (SolutionPolicy::After { attempts: 0 }) {
        problems.push(Problem::new(
            "solutions.attempts",
            "show solutions after at least 1 attempt, or write {\"show\":\"always\"}",
        ));
    }
    let mut exercises: Vec<RoomExercise> = Vec::new();
    for (index, source) in request.exercises.iter().enumerate() {
        match exercise_of(source, limits) {
            Ok(exercise) => match exercises.iter().position(|e| e.id == exercise.id) {
                Some(earlier) => problems.push(Problem::new(
                    format!("exercises[{index}]"),
                    format!(
                        "the exercise {:?} is in the room already, as exercises[{earlier}]",
                        exercise.id
                    ),
                )),
                None => exercises.push(exercise),
            },
            Err(found) => problems.extend(found.into_iter().map(|p| under(&format!("exercises[{index}]"), p))),
        }
    }
    if problems.is_empty() {
        Ok(Plan {
            title,
            exercises,
            solutions,
            node_faults: request.node_faults.unwrap_or(NodeFaultPolicy::Demos),
        })
    } else {
        Err(problems)
    }
}

/// One exercise of the request, checked; its problems with paths inside the source.
fn exercise_of(source: &ExerciseSource, limits: &Limits) -> Result<RoomExercise, Vec<Problem>> {
    match source {
        ExerciseSource::Course { id } => {
            let Some(found) = course::find(id) else {
                let ids: Vec<&str> = course::course().iter().map(|e| e.id.as_str()).collect();
                return Err(vec![Problem::new(
                    "id",
                    format!("the course has no exercise {id:?}; it has {}", ids.join(", ")),
                )]);
            };
            checked(&found.document, limits).map_err(|found| found.into_iter().map(|p| under("course", p)).collect())
        }
        ExerciseSource::Upload { document } => {
            checked(document, limits).map_err(|found| found.into_iter().map(|p| under("document", p)).collect())
        }
    }
}

/// An exercise document checked as `warren check` checks one: a valid scenario with a valid
/// exercise whose solution keeps what the exercise locks.
pub fn checked(document: &Value, limits: &Limits) -> Result<RoomExercise, Vec<Problem>> {
    let scenario = parse_scenario(document)?;
    let problems = validate(&scenario, limits);
    if !problems.is_empty() {
        return Err(problems);
    }
    let exercise: Exercise = match exercise::read(&scenario, limits)? {
        Some(exercise) => exercise,
        None => {
            return Err(vec![Problem::new(
                "exercise",
                "the scenario has no exercise: add one as docs/exercises.md describes",
            )]);
        }
    };
    let changed: Vec<Problem> = exercise::changed_locked_parts(&exercise, &scenario)
        .into_iter()
        .map(|path| {
            Problem::new(
                "exercise.solution",
                format!("the solution changes {path}, which the exercise locks"),
            )
        })
        .collect();
    if !changed.is_empty() {
        return Err(changed);
    }
    Ok(RoomExercise {
        id: exercise.id,
        title: exercise.title,
        needs_node_faults: exercise.needs_node_faults,
        document: document.clone(),
    })
}

/// `problem` with its path under `prefix`.
fn under(prefix: &str, problem: Problem) -> Problem {
    let path = if problem.path.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}.{}", problem.path)
    };
    Problem::new(path, problem.message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn limits() -> Limits {
        Limits {
            node_faults: true,
            nodes: (1..=3).map(|i| format!("warren-{i}@localhost")).collect(),
            ..Limits::default()
        }
    }

    fn request(value: Value) -> Request {
        serde_json::from_value(value).expect("a request")
    }

    #[test]
    fn course_ids_and_uploads_make_a_room_in_order() {
        let upload = course::find("returns").expect("in the course").document.clone();
        let mut upload = upload;
        upload["exercise"]["id"] = json!("my-returns");
        let plan = plan(
            &request(json!({
                "title": "  Tuesday  ",
                "exercises": [
                    {"from": "course", "id": "confirms"},
                    {"from": "upload", "document": upload},
                    {"from": "course", "id": "mirror-loss"}
                ]
            })),
            &limits(),
        )
        .expect("a plan");
        assert_eq!(plan.title, "Tuesday");
        let ids: Vec<&str> = plan.exercises.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["confirms", "my-returns", "mirror-loss"]);
        assert!(plan.exercises[2].needs_node_faults);
        assert_eq!(plan.solutions, SolutionPolicy::DEFAULT);
        assert_eq!(plan.node_faults, NodeFaultPolicy::Demos);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let mut broken = course::find("confirms").expect("in the course").document.clone();
        broken["exercise"]["title"]["zh"] = json!("");
        let problems = plan(
            &request(json!({
                "title": " ",
                "exercises": [
                    {"from": "course", "id": "nope"},
                    {"from": "upload", "document": broken},
                    {"from": "upload", "document": {"version": 1}},
                    {"from": "course", "id": "nack"},
                    {"from": "course", "id": "nack"}
                ],
                "solutions": {"show": "after", "attempts": 0}
            })),
            &limits(),
        )
        .expect_err("refused");
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        for expected in [
            "title",
            "solutions.attempts",
            "exercises[0].id",
            "exercises[1].document.exercise.title.zh",
            "exercises[2].document.exercise",
            "exercises[4]",
        ] {
            assert!(paths.contains(&expected), "{expected} missing from {paths:?}");
        }
        assert!(
            problems[2].message.contains("confirms, nack"),
            "{}",
            problems[2].message
        );
    }

    #[test]
    fn an_exercise_that_stops_nodes_needs_a_relay_that_can() {
        let plain = Limits::default();
        let problems = plan(
            &request(json!({"title": "t", "exercises": [{"from": "course", "id": "quorum-failover"}]})),
            &plain,
        )
        .expect_err("this relay cannot stop nodes");
        assert!(
            problems.iter().all(|p| p.path.starts_with("exercises[0].course")),
            "{problems:?}"
        );
    }
}
