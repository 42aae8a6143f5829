//! Every refusal of the room, worded in one place. None says anything about a room, seat or
//! attempt the asker may not see: a wrong code and a closed room read the same to a learner, and
//! the instructor's token is checked before anything is looked up.

use std::time::Duration;
use warren_shared::Problem;
use warren_shared::room::{Refusal, RefusalCode, SolutionPolicy};

use super::error::StoreError;
use super::limits::GateRefusal;
use super::secret::NoRandomness;

/// Milliseconds, for `retry_after_ms`, at least 1.
pub fn ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// Whole seconds, rounded up, for the sentences.
fn secs(duration: Duration) -> u64 {
    duration.as_millis().div_ceil(1000).try_into().unwrap_or(u64::MAX)
}

/// The relay serves no workshop.
pub fn no_workshop() -> Refusal {
    Refusal::new(
        RefusalCode::NoWorkshop,
        "this relay serves no workshop: start it with warren serve --workshop",
    )
}

/// A missing or wrong instructor token.
pub fn unauthorized() -> Refusal {
    Refusal::new(
        RefusalCode::Unauthorized,
        "only the instructor may do this, with the token in the link warren serve --workshop printed \
         (send it as Authorization: Bearer TOKEN)",
    )
}

/// Too many failures from this address.
pub fn too_many_failures(what: &str, retry_after: Duration) -> Refusal {
    Refusal::new(
        RefusalCode::TooManyFailures,
        format!(
            "too many wrong {what} from this address; try again in {} s",
            secs(retry_after)
        ),
    )
    .retry_after(ms(retry_after))
}

/// No open room has the code (or it cannot be one).
pub fn no_open_room(typed: &str) -> Refusal {
    Refusal::new(
        RefusalCode::NoRoom,
        format!(
            "no open room has the code {:?}: check it on the instructor's screen (8 letters and digits, like K7QM-X2PD)",
            typed.trim()
        ),
    )
}

/// The instructor named a room that does not exist.
pub fn no_room(typed: &str) -> Refusal {
    Refusal::new(
        RefusalCode::NotFound,
        format!("no room has the code {:?}", typed.trim()),
    )
}

/// The seat's secret is not known.
pub fn unknown_seat() -> Refusal {
    Refusal::new(
        RefusalCode::UnknownSeat,
        "this relay does not know this seat (its workshop folder may have changed): join the room again with its code",
    )
}

/// The name is taken in the room.
pub fn name_taken(name: &str) -> Refusal {
    Refusal::new(
        RefusalCode::NameTaken,
        format!("someone in this room already goes by {name:?}: add an initial, or pick another name"),
    )
}

/// The name cannot be one.
pub fn bad_name(reason: String) -> Refusal {
    Refusal::new(RefusalCode::BadName, reason)
}

/// A room request on a socket without a seat.
pub fn no_seat() -> Refusal {
    Refusal::new(
        RefusalCode::NoSeat,
        "this connection has no seat in a room: send join (or rejoin) first",
    )
}

/// A learner's run refused by their gate.
pub fn gate(refusal: GateRefusal) -> Refusal {
    match refusal {
        GateRefusal::Busy {
            running_for,
            retry_after,
        } => Refusal::new(
            RefusalCode::Busy,
            format!(
                "your run started {} s ago is still going (in this tab or another): wait for it to finish, \
                 at the latest in {} s, or stop it",
                running_for.as_secs(),
                secs(retry_after)
            ),
        )
        .retry_after(ms(retry_after)),
        GateRefusal::RateLimited { limit, retry_after } => Refusal::new(
            RefusalCode::RateLimited,
            format!(
                "you have started {limit} runs in the last minute, as many as this room allows; try again in {} s",
                secs(retry_after)
            ),
        )
        .retry_after(ms(retry_after)),
    }
}

/// A learner's run of an exercise that stops nodes, in a room that keeps those for demos.
pub fn demos_only(exercise: &str) -> Refusal {
    Refusal::new(
        RefusalCode::NotAllowed,
        format!(
            "the exercise {exercise:?} stops nodes of the cluster, which would hit everyone's runs: in this room \
             the instructor shows it"
        ),
    )
}

/// The room has no such exercise.
pub fn no_exercise(exercise: &str) -> Refusal {
    Refusal::new(RefusalCode::NotFound, format!("this room has no exercise {exercise:?}"))
}

/// A solution the room does not show (yet).
pub fn solution_hidden(policy: SolutionPolicy, attempts: u64) -> Refusal {
    let message = match policy {
        SolutionPolicy::After { attempts: needed } => format!(
            "this room shows a solution after {needed} attempt{}, and you have made {attempts}: keep trying, or ask \
             for a hint",
            if needed == 1 { "" } else { "s" }
        ),
        SolutionPolicy::Never | SolutionPolicy::Always => {
            "this room does not show solutions: ask the instructor".to_owned()
        }
    };
    Refusal::new(RefusalCode::NotAllowed, message)
}

/// The room is closed.
pub fn closed() -> Refusal {
    Refusal::new(RefusalCode::NotAllowed, "the room is closed; its results are kept")
}

/// The room is at its last exercise.
pub fn at_last_exercise() -> Refusal {
    Refusal::new(RefusalCode::NotAllowed, "the room is at its last exercise already")
}

/// The learner has no attempt at the exercise.
pub fn no_attempt(name: &str, exercise: &str) -> Refusal {
    Refusal::new(
        RefusalCode::NotFound,
        format!("{name} has no recorded attempt at {exercise:?} yet"),
    )
}

/// No such learner in the room.
pub fn no_learner() -> Refusal {
    Refusal::new(RefusalCode::NotFound, "the room has no learner with this seat")
}

/// A malformed request.
pub fn malformed(error: impl std::fmt::Display, example: &str) -> Refusal {
    Refusal::new(
        RefusalCode::Invalid,
        format!("could not read the request ({error}); send JSON such as {example}"),
    )
}

/// An invalid room or scenario.
pub fn invalid(what: &str, problems: Vec<Problem>) -> Refusal {
    Refusal::new(
        RefusalCode::Invalid,
        format!(
            "the {what} has {} problem(s), each listed with its path",
            problems.len()
        ),
    )
    .with_problems(problems)
}

/// The database failed; the details go to the relay's log.
pub fn store(error: &StoreError) -> Refusal {
    tracing::error!(%error, "the workshop's database failed");
    Refusal::new(
        RefusalCode::Unavailable,
        "the relay could not read or write its workshop database; try again in a moment (the relay's log says why)",
    )
    .retry_after(1000)
}

/// No random bytes.
pub fn randomness(error: &NoRandomness) -> Refusal {
    tracing::error!(%error, "no random bytes for a room");
    Refusal::new(RefusalCode::Unavailable, error.to_string())
}
