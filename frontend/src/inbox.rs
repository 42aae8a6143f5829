//! The page's one inbox for its relay: everything the socket brings (it is opening, it opened,
//! a frame, it closed) comes in here, each frame is decoded once and matched once, and what it
//! says goes where it belongs: the connection's [`Status`], the [`Playground`]'s run record and
//! limits, and the animation ([`AnimLoop`]).
//!
//! Events animate as they arrive (and the record shows them as the animation reaches them, see
//! [`crate::frame`]) but reach the run record at most ten times a second: the relay
//! sends them in many small messages, and handing each one to the record would rerun every view
//! that reads it hundreds of times a second. Any other message first hands over the events still
//! waiting, so the record never sees a run end before its last events.

use crate::frame::{AnimLoop, now_ms};
use crate::model::state::Status;
use crate::playground::Playground;
use leptos::prelude::{RwSignal, Set, Update, set_timeout};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use warren_shared::{Event, ServerMessage};

/// Received events go into the run record at most this often (milliseconds of wall time): the
/// counters, the log and the summary follow ten times a second, the tokens every frame.
const FLUSH_MS: f64 = 100.0;

/// Where a run stands when the socket closes under it.
const LOST: &str = "the connection to the relay was lost during the run";

/// The inbox; the app owns it and the socket feeds it.
pub struct Inbox {
    status: RwSignal<Status>,
    pg: Playground,
    anim: Rc<AnimLoop>,
    /// Events received and not yet in the run record.
    pending: RefCell<Vec<Event>>,
    /// When pending events last went into the run record (wall time).
    flushed_at: Cell<f64>,
    /// Whether a hand-over of pending events is on its way.
    scheduled: Cell<bool>,
    /// Reads the frames of a workshop room (see [`Self::read_rooms_with`]).
    room: RefCell<Option<RoomReader>>,
}

/// Reads a frame that is not a run's message; `false` when it is not a room's either.
pub type RoomReader = Rc<dyn Fn(&str) -> bool>;

impl Inbox {
    /// An inbox feeding `status`, `pg` and `anim`.
    pub fn new(status: RwSignal<Status>, pg: Playground, anim: Rc<AnimLoop>) -> Rc<Self> {
        Rc::new(Self {
            status,
            pg,
            anim,
            pending: RefCell::new(Vec::new()),
            flushed_at: Cell::new(f64::NEG_INFINITY),
            scheduled: Cell::new(false),
            room: RefCell::new(None),
        })
    }

    /// A socket to `url` is being opened.
    pub fn connecting(&self, url: &str) {
        self.status.set(Status::connecting(url));
    }

    /// The browser would not even create a socket to `url`, for the reason `why`.
    pub fn failed_to_open(&self, url: &str, why: &str) {
        self.status.set(Status::failed_to_open(url, why));
        self.disconnected();
    }

    /// The socket opened.
    pub fn opened(&self) {
        self.status.update(Status::opened);
    }

    /// The socket closed with a WebSocket close `code` and `reason`.
    pub fn closed(&self, code: u16, reason: &str) {
        self.status.update(|s| s.closed(code, reason));
        self.disconnected();
    }

    /// The page has lost its socket: a run that was going on is over for the page.
    fn disconnected(&self) {
        self.flush();
        if self.pg.busy() {
            self.pg.run.update(|r| r.failed(LOST.to_owned()));
        }
    }

    /// From now on, frames that are not a run's message go to `reader` (the page of a workshop
    /// room, loaded on demand, reads the room's messages).
    pub fn read_rooms_with(&self, reader: RoomReader) {
        *self.room.borrow_mut() = Some(reader);
    }

    /// A text frame from the relay.
    pub fn text(self: &Rc<Self>, text: &str) {
        match serde_json::from_str::<ServerMessage>(text) {
            Ok(message) => self.receive(message),
            Err(error) => {
                self.flush();
                let reader = self.room.borrow().clone();
                if !reader.is_some_and(|read| read(text)) {
                    self.status.update(|s| s.unreadable(text, &error));
                }
            }
        }
    }

    /// A message from the relay: the one place where the page tells them apart.
    pub fn receive(self: &Rc<Self>, message: ServerMessage) {
        if !matches!(message, ServerMessage::Events { .. }) {
            self.flush();
        }
        let run = self.pg.run;
        match message {
            ServerMessage::Hello(hello) => {
                // The relay's limits replace the defaults for validation.
                self.pg.set_limits(&hello.limits);
                self.status.update(|s| s.hello(hello));
            }
            ServerMessage::Accepted { run_id } => run.update(|r| r.accepted(run_id)),
            ServerMessage::Waiting {
                position,
                estimated_wait_ms,
                ..
            } => run.update(|r| r.waiting(position, estimated_wait_ms)),
            ServerMessage::Invalid { problems } => run.update(|r| r.invalid(problems)),
            ServerMessage::Events { events, .. } => {
                self.anim.push(&events);
                self.pending.borrow_mut().extend(events);
                self.schedule();
            }
            ServerMessage::Finished {
                outcome,
                summary,
                checks,
                ..
            } => run.update(|r| r.finished(outcome, summary, checks)),
            ServerMessage::Error { message } => {
                self.status.update(|s| s.last_error = Some(message.clone()));
                run.update(|r| r.failed(message));
            }
        }
    }

    /// Hand the events received so far to the run record now.
    pub fn flush(&self) {
        self.flushed_at.set(now_ms());
        let events = std::mem::take(&mut *self.pending.borrow_mut());
        if !events.is_empty() {
            self.pg.append(events);
            // The animation may be ahead of the record (or done): show what it has reached.
            self.anim.refresh();
        }
    }

    /// Drop the events not yet in the run record: a new run replaces the one they belong to.
    pub fn forget(&self) {
        self.pending.borrow_mut().clear();
    }

    /// Hand pending events over [`FLUSH_MS`] after the last hand-over (at once when that is past).
    fn schedule(self: &Rc<Self>) {
        if self.scheduled.replace(true) {
            return;
        }
        let wait = (self.flushed_at.get() + FLUSH_MS - now_ms()).max(0.0);
        let me = Rc::clone(self);
        set_timeout(
            move || {
                me.scheduled.set(false);
                me.flush();
            },
            Duration::from_millis(wait as u64),
        );
    }
}
