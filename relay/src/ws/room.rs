//! The room side of one socket: nothing, a learner's seat, or the instructor's; the room
//! requests a page sends; what reaches the socket from its room; and how a run asked for on it
//! is prepared (limits, the learner's gate, the attempt it becomes).

use serde_json::Value;
use std::net::IpAddr;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use warren_shared::room::{Grid, Refusal, RoomMessage};
use warren_shared::{ClientMessage, Limits, Scenario};

use crate::room::hub::LearnerSignal;
use crate::room::learner::{AttemptPlan, SeatLink};
use crate::room::limits::SeatRun;
use crate::room::{Workshop, refuse};
use crate::server::AppState;

/// Who this socket is in the workshop.
#[derive(Debug, Default)]
pub enum Link {
    /// Nobody in particular: plain runs.
    #[default]
    None,
    /// A learner in their seat.
    Learner(SeatLink),
    /// The instructor, perhaps watching a room's grid.
    Instructor(Option<Watching>),
}

/// A room's grid this socket watches.
#[derive(Debug)]
pub struct Watching {
    room_id: String,
    grid: watch::Receiver<Option<Arc<Grid>>>,
}

/// What reached the socket from its room.
#[derive(Debug)]
pub enum FromRoom {
    /// Something for every learner of the room.
    Signal(Result<LearnerSignal, RecvError>),
    /// The watched grid changed (`false`: its keeper is gone).
    Grid(bool),
}

/// What a run asked for on this socket runs as.
#[derive(Debug)]
pub struct Ready {
    /// The scenario document to admit.
    pub document: Value,
    /// The limits it runs under.
    pub limits: Limits,
    /// The attempt it becomes, for a learner's run of a room exercise.
    pub attempt: Option<AttemptPlan>,
}

/// A learner's run in the room: its place in their gate, and its attempt.
#[derive(Debug)]
pub struct RoomRun {
    /// Held until the run ends: the learner's next run may start then.
    pub _gate: SeatRun,
    /// The attempt it becomes.
    pub attempt: Option<AttemptPlan>,
}

impl Link {
    /// The next thing from the room; never, for a socket outside one.
    pub async fn next(&mut self) -> FromRoom {
        match self {
            Self::Learner(seat) => FromRoom::Signal(seat.signals.recv().await),
            Self::Instructor(Some(watching)) => FromRoom::Grid(watching.grid.changed().await.is_ok()),
            Self::None | Self::Instructor(None) => std::future::pending().await,
        }
    }

    /// What to send the page for `input`; a room that went quiet is no longer listened to.
    pub fn receive(&mut self, input: FromRoom) -> Option<RoomMessage> {
        match (input, &mut *self) {
            (FromRoom::Signal(Ok(LearnerSignal::Room(view))), _) => Some(RoomMessage::Room((*view).clone())),
            (FromRoom::Signal(Ok(LearnerSignal::Pushed(push))), _) => Some(RoomMessage::Pushed((*push).clone())),
            (FromRoom::Signal(Err(RecvError::Lagged(missed))), _) => {
                tracing::debug!(missed, "a learner socket missed room signals");
                None
            }
            (FromRoom::Signal(Err(RecvError::Closed)), _) => {
                *self = Self::None;
                None
            }
            (FromRoom::Grid(true), Self::Instructor(Some(watching))) => watching
                .grid
                .borrow_and_update()
                .as_ref()
                .map(|grid| RoomMessage::Grid((**grid).clone())),
            (FromRoom::Grid(_), _) => {
                *self = Self::Instructor(None);
                None
            }
        }
    }

    /// Make a run asked for on this socket ready: a learner's gets the room's exercise and
    /// limits; the instructor's demos may fault nodes; anyone else's keeps the relay's limits.
    pub async fn ready(&self, state: &AppState, document: &Value) -> Result<Ready, Refusal> {
        match (self, &state.workshop) {
            (Self::Learner(seat), Some(workshop)) => {
                let prepared = workshop.prepare_run(seat, document).await?;
                Ok(Ready {
                    document: prepared.document,
                    limits: prepared.limits,
                    attempt: prepared.attempt,
                })
            }
            (Self::Instructor(_), Some(workshop)) => Ok(Ready {
                document: document.clone(),
                limits: workshop.settings().demo_limits.clone(),
                attempt: None,
            }),
            _ => Ok(Ready {
                document: document.clone(),
                limits: state.config.limits.clone(),
                attempt: None,
            }),
        }
    }

    /// Let an admitted run start: a learner's within their gate.
    pub fn begin(&self, state: &AppState, ready: &mut Ready, scenario: &Scenario) -> Result<Option<RoomRun>, Refusal> {
        match (self, &state.workshop) {
            (Self::Learner(seat), Some(workshop)) => Ok(Some(RoomRun {
                _gate: workshop.begin_run(seat, scenario)?,
                attempt: ready.attempt.take(),
            })),
            _ => Ok(None),
        }
    }
}

/// Serve a room request; the answer for the page.
pub async fn request(message: ClientMessage, state: &AppState, link: &mut Link, address: IpAddr) -> RoomMessage {
    match serve(message, state, link, address).await {
        Ok(answer) => answer,
        Err(refusal) => RoomMessage::Refused(refusal),
    }
}

async fn serve(
    message: ClientMessage,
    state: &AppState,
    link: &mut Link,
    address: IpAddr,
) -> Result<RoomMessage, Refusal> {
    let workshop: &Workshop = state.workshop.as_ref().ok_or_else(refuse::no_workshop)?;
    match message {
        ClientMessage::Join { room, name } => {
            let (answer, seat) = workshop.join(address, &room, &name).await?;
            *link = Link::Learner(seat);
            Ok(answer)
        }
        ClientMessage::Rejoin { seat } => {
            let (answer, seat) = workshop.rejoin(address, &seat).await?;
            *link = Link::Learner(seat);
            Ok(answer)
        }
        ClientMessage::Solution { exercise } => match link {
            Link::Learner(seat) => workshop.solution(seat, &exercise).await,
            _ => Err(refuse::no_seat()),
        },
        ClientMessage::Instructor { token } => {
            workshop.authorize(address, Some(&token))?;
            let rooms = workshop.rooms().await?;
            if !matches!(link, Link::Instructor(_)) {
                *link = Link::Instructor(None);
            }
            Ok(RoomMessage::Instructor {
                rooms,
                limits: workshop.settings().demo_limits.clone(),
            })
        }
        ClientMessage::Watch { room } => {
            let Link::Instructor(watching) = link else {
                return Err(refuse::unauthorized());
            };
            let (room_id, grid) = workshop.watch(&room).await?;
            let first = workshop.grid(&room).await?;
            if watching.as_ref().is_none_or(|w| w.room_id != room_id) {
                tracing::debug!(room = %room_id, "an instructor socket watches a room");
            }
            *watching = Some(Watching { room_id, grid });
            Ok(RoomMessage::Grid(first))
        }
        ClientMessage::Run { .. } | ClientMessage::Stop => Err(refuse::malformed(
            "not a room request",
            r#"{"type":"join","room":"K7QM-X2PD","name":"Ada"}"#,
        )),
    }
}
