//! Whether this page is in a workshop room, and as whom: a learner who opened a join link
//! (`/?room=CODE`) or kept a seat, or the instructor who opened her link (`#instructor=TOKEN`).
//! The room's pages themselves are loaded on demand ([`crate::views::room`]); this is only what
//! the first load needs to know that they are wanted, and how they reach the relay.

use crate::inbox::Inbox;
use crate::keep;
use leptos::prelude::*;
use std::rc::Rc;
use warren_shared::ClientMessage;

/// The `localStorage` key of the learner's seats: a line `CODE SECRET` per room
/// (`views/room/seats.rs`).
pub const SEAT_KEY: &str = "warren.seat";
/// The `localStorage` key of the instructor's token, taken from her link.
pub const TOKEN_KEY: &str = "warren.instructor";

/// Who this page is in a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A learner: the code of the join link opened (none when the page came back to a kept
    /// seat without one).
    Learner {
        /// The room's code as the link has it.
        code: Option<String>,
    },
    /// The instructor, with her token.
    Instructor {
        /// The secret that lets her manage rooms.
        token: String,
    },
}

/// What the room's pages need of the page: who, how to send, and where frames arrive.
#[derive(Clone, Copy)]
pub struct RoomLink {
    /// Who this page is in the room.
    pub entry: StoredValue<Entry>,
    /// Send a message to the relay; why not, in words.
    pub send: Callback<ClientMessage, Result<(), String>>,
    /// The page's inbox: the room's pages read the room's frames from it.
    pub inbox: StoredValue<Rc<Inbox>, LocalStorage>,
    /// Open a new socket (a room's page reconnects by itself after the relay went away).
    pub reconnect: Callback<()>,
}

/// The room this page is wanted in, from its address (`search`, `hash`) and what the browser
/// kept. An instructor's link is taken out of the address bar at once (it is a secret, and the
/// screen may be on a projector) and kept in the browser instead.
pub fn entry(search: &str, hash: &str) -> Option<Entry> {
    if let Some(token) = hash.strip_prefix("#instructor=").filter(|t| !t.is_empty()) {
        keep::store(TOKEN_KEY, token);
        crate::views::share::replace_fragment("");
        return Some(Entry::Instructor {
            token: token.to_owned(),
        });
    }
    let code = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("room="))
        .filter(|code| !code.is_empty())
        .map(str::to_owned);
    if code.is_some() || kept(SEAT_KEY).is_some() {
        return Some(Entry::Learner { code });
    }
    kept(TOKEN_KEY).map(|token| Entry::Instructor { token })
}

/// What the browser keeps under `key`; an emptied key keeps nothing.
pub fn kept(key: &str) -> Option<String> {
    keep::load(key).filter(|value| !value.is_empty())
}
