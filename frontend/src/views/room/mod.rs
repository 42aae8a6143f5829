//! The workshop room's pages (docs/workshop.md), loaded on demand: the first load only knows
//! that the page is in a room ([`crate::room`]).
//!
//! - here: the part itself, [`room_part`], which installs the room's reader of frames in the
//!   page's inbox and shows the learner's or the instructor's side; what both read.
//! - [`learner`]: the join form, then the room's strip above the canvas: its exercises with the
//!   learner's own progress, the instructor's news (moved on, a scenario sent, closed).
//! - [`dashboard`]: the instructor's rooms, a new room, the join code large enough for a
//!   projector, the live grid ([`grid`]) and her actions; a learner's attempt opened read-only.
//! - [`new_room`]: the instructor's form for a new room.
//! - [`api`]: the instructor's HTTP calls; [`words`]: the room's words in both languages;
//!   [`seats`]: the seats a browser keeps, one per room.

pub mod api;
pub mod dashboard;
pub mod grid;
pub mod learner;
pub mod new_room;
pub mod seats;
pub mod words;

use crate::frame::Anim;
use crate::model::run::Phase;
use crate::model::state::{Connection, Status};
use crate::playground::Playground;
use crate::room::{Entry, RoomLink};
use crate::views::exercises::Learning;
use crate::views::on_demand;
use leptos::prelude::*;
use std::rc::Rc;
use warren_shared::room::RoomMessage;
use words::W;

on_demand! {
    /// The room's side of the page: the learner's or the instructor's.
    pub(crate) fn room_part(
        link: RoomLink,
        pg: Playground,
        status: RwSignal<Status>,
        anim: Anim,
        learning: Learning,
        phase: Memo<Phase>,
    ) -> AnyView {
        let page = Page { link, pg, status, anim, learning, phase };
        // The room's words first (the release page fetches them); then the side, made once.
        let words = RwSignal::new(None::<Result<(), String>>);
        leptos::task::spawn_local(async move { words.set(Some(words::load().await)) });
        (move || match words.get() {
            None => ().into_any(),
            Some(Ok(())) => match link.entry.get_value() {
                Entry::Learner { code } => learner::learner_room(page, code),
                Entry::Instructor { token } => dashboard::dashboard(page, token),
            },
            Some(Err(why)) => view! { <p class="notice error" role="alert" data-testid="room-words-missing">{why}</p> }.into_any(),
        })
        .into_any()
    }
    preload: preload_room_part
}

/// How long a room's page waits before it opens a closed socket again.
pub const RECONNECT: std::time::Duration = std::time::Duration::from_secs(2);

/// What the room's views need of the page.
#[derive(Clone, Copy)]
pub struct Page {
    /// How to reach the relay.
    pub link: RoomLink,
    /// The scenario and the run.
    pub pg: Playground,
    /// The connection.
    pub status: RwSignal<Status>,
    /// The animation.
    pub anim: Anim,
    /// The exercise being done.
    pub learning: Learning,
    /// The run's phase.
    pub phase: Memo<Phase>,
}

impl Page {
    /// Send a room request; why not, in words.
    pub fn send(self, message: warren_shared::ClientMessage) -> Result<(), String> {
        self.link.send.run(message)
    }

    /// The relay runs this socket's scenarios with `limits` (the instructor's demos, a room's
    /// exercise that stops nodes): the page checks scenarios against them, and says so.
    pub fn use_limits(self, limits: &warren_shared::Limits) {
        let differs = self
            .status
            .with_untracked(|s| s.hello.as_ref().is_some_and(|h| h.limits != *limits));
        if differs {
            self.pg.set_limits(limits);
            self.status.update(|s| {
                if let Some(hello) = s.hello.as_mut() {
                    hello.limits = limits.clone();
                }
            });
        }
    }

    /// From now on, the room's frames go to `receive`.
    pub fn read_rooms(self, receive: impl Fn(RoomMessage) + 'static) {
        // The inbox has read every run's message already: what comes here is a room's or nothing.
        let reader = move |text: &str| match serde_json::from_str::<RoomMessage>(text) {
            Ok(message) => {
                receive(message);
                true
            }
            Err(_) => false,
        };
        self.link
            .inbox
            .with_value(|inbox| inbox.read_rooms_with(Rc::new(reader)));
    }

    /// Run `then` every time the socket (re)opens: a room's requests are per socket. A socket
    /// that closes is opened again after [`RECONNECT`], and again while the relay stays away,
    /// so a relay restarted mid-workshop finds everyone back in their seats.
    pub fn on_connect(self, then: impl Fn() + Send + Sync + 'static) {
        let status = self.status;
        let reconnect = self.link.reconnect;
        Effect::new(move |before: Option<Connection>| {
            let now = status.with(|s| s.connection.clone());
            match &now {
                Connection::Connected if before != Some(Connection::Connected) => then(),
                Connection::Disconnected { .. } if !matches!(before, Some(Connection::Disconnected { .. })) => {
                    set_timeout(move || reconnect.run(()), RECONNECT);
                }
                _ => {}
            }
            now
        });
    }
}

/// A room's word as a reactive closure: it follows the language toggle.
pub fn w(word: W) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = crate::views::lang();
    move || word.text(lang.get())
}

pub(crate) use crate::views::exercises::results::said;

/// A join code as the relay reads it: letters and digits only, in capitals.
pub fn plain_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Seconds to wait, rounded up, for a refusal's `retry_after_ms`.
pub fn seconds(ms: u64) -> u64 {
    ms.div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_compare_as_the_relay_reads_them() {
        assert_eq!(plain_code("76pj-k4wd"), "76PJK4WD");
        assert_eq!(plain_code(" 76PJ K4WD "), "76PJK4WD");
        assert_eq!(seconds(16_204), 17);
        assert_eq!(seconds(0), 0);
    }
}
