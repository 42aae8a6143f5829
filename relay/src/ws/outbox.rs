//! The socket's writing half, in a task of its own behind a bounded backlog.
//!
//! The session never waits for the page: [`Outbox::push`] queues at once or says why it cannot
//! (the page is too far behind, or the socket is gone). The writer takes what is queued in order
//! and sends consecutive events of a run as one `events` frame of up to [`MAX_BATCH`], so a page
//! that reads slowly gets fewer, fuller frames. Closing lets the writer send what is left, within
//! [`CLOSE_GRACE`]; abandoning skips the backlog and tries one last message, within
//! [`LAST_WORD_TIMEOUT`].

use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::task::JoinHandle;
use warren_shared::room::RoomMessage;
use warren_shared::{Event, ServerMessage};

/// Most events sent in one frame.
pub const MAX_BATCH: usize = 512;
/// How long a closing socket may take to send what is still queued before it is cut.
pub const CLOSE_GRACE: Duration = Duration::from_secs(10);
/// How long an abandoned socket may take to send its last message, and then its close frame.
pub const LAST_WORD_TIMEOUT: Duration = Duration::from_secs(2);

/// One thing to write.
#[derive(Debug)]
pub enum Outgoing {
    /// A whole message.
    Message(ServerMessage),
    /// One event of a run; neighbours of the same run share a frame.
    Event {
        /// The run it belongs to.
        run_id: Arc<str>,
        /// The event.
        event: Event,
    },
    /// A message of a workshop room.
    Room(RoomMessage),
    /// A keep-alive ping.
    Ping,
}

/// Why [`Outbox::push`] could not queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The backlog is full: the page has fallen that far behind.
    Behind,
    /// The writer has stopped: the socket could not be written.
    Gone,
}

/// The queue in front of the writer task.
pub struct Outbox {
    queue: mpsc::Sender<Outgoing>,
    last_word: mpsc::Sender<ServerMessage>,
    writer: JoinHandle<()>,
}

impl Outbox {
    /// Start writing to `sink`, with room for `backlog` items (at least one).
    pub fn spawn(sink: SplitSink<WebSocket, Message>, backlog: usize) -> Self {
        let (queue, items) = mpsc::channel(backlog.max(1));
        let (last_word, last) = mpsc::channel(1);
        Self {
            queue,
            last_word,
            writer: tokio::spawn(write(sink, items, last)),
        }
    }

    /// Queue `item` without waiting.
    pub fn push(&self, item: Outgoing) -> Result<(), Refused> {
        self.queue.try_send(item).map_err(|error| match error {
            TrySendError::Full(_) => Refused::Behind,
            TrySendError::Closed(_) => Refused::Gone,
        })
    }

    /// Queue a message without waiting.
    pub fn message(&self, message: ServerMessage) -> Result<(), Refused> {
        self.push(Outgoing::Message(message))
    }

    /// Queue a room's message without waiting.
    pub fn room(&self, message: RoomMessage) -> Result<(), Refused> {
        self.push(Outgoing::Room(message))
    }

    /// Queue an `error` message without waiting.
    pub fn error(&self, message: impl Into<String>) -> Result<(), Refused> {
        self.message(ServerMessage::Error {
            message: message.into(),
        })
    }

    /// Send what is queued, then a close frame; cut the socket if that takes over [`CLOSE_GRACE`].
    pub async fn close(self) {
        let Self {
            queue,
            last_word,
            writer,
        } = self;
        drop((queue, last_word));
        finish(writer).await;
    }

    /// Drop the backlog, try to send `last` and a close frame (each within
    /// [`LAST_WORD_TIMEOUT`]), then cut the socket.
    pub async fn abandon(self, last: ServerMessage) {
        let Self {
            queue,
            last_word,
            writer,
        } = self;
        let _ = last_word.try_send(last);
        drop((queue, last_word));
        finish(writer).await;
    }
}

/// Wait for the writer within [`CLOSE_GRACE`]; stop it after that, which drops the socket.
async fn finish(mut writer: JoinHandle<()>) {
    if tokio::time::timeout(CLOSE_GRACE, &mut writer).await.is_err() {
        writer.abort();
    }
}

/// The writer task: frames in order until the queue closes, unless a last word jumps it.
async fn write(
    mut sink: SplitSink<WebSocket, Message>,
    mut items: mpsc::Receiver<Outgoing>,
    mut last_word: mpsc::Receiver<ServerMessage>,
) {
    let mut next: Option<Outgoing> = None;
    loop {
        let first = match next.take() {
            Some(item) => item,
            None => tokio::select! {
                biased;
                Some(last) = last_word.recv() => return say_last(&mut sink, last).await,
                item = items.recv() => match item {
                    Some(item) => item,
                    None => break,
                },
            },
        };
        let frame = frame(first, &mut items, &mut next);
        tokio::select! {
            biased;
            Some(last) = last_word.recv() => return say_last(&mut sink, last).await,
            sent = sink.send(frame) => {
                if sent.is_err() {
                    return;
                }
            }
        }
    }
    let _ = tokio::time::timeout(LAST_WORD_TIMEOUT, sink.close()).await;
}

/// The frame for `first`: with the events of the same run queued right after it, when it is an
/// event. The first item that does not fit is left in `next`.
fn frame(first: Outgoing, items: &mut mpsc::Receiver<Outgoing>, next: &mut Option<Outgoing>) -> Message {
    let message = match first {
        Outgoing::Ping => return Message::Ping(Bytes::new()),
        Outgoing::Room(message) => return Message::Text(encode(&message).into()),
        Outgoing::Message(message) => message,
        Outgoing::Event { run_id, event } => {
            let mut events = vec![event];
            while events.len() < MAX_BATCH {
                match items.try_recv() {
                    Ok(Outgoing::Event { run_id: id, event }) if id == run_id => events.push(event),
                    Ok(other) => {
                        *next = Some(other);
                        break;
                    }
                    Err(_) => break,
                }
            }
            ServerMessage::Events {
                run_id: run_id.to_string(),
                events,
            }
        }
    };
    Message::Text(encode(&message).into())
}

/// A message as JSON text.
fn encode(message: &impl serde::Serialize) -> String {
    serde_json::to_string(message)
        .unwrap_or_else(|error| format!(r#"{{"type":"error","message":"could not encode a message: {error}"}}"#))
}

/// Send `last` and a close frame, each within [`LAST_WORD_TIMEOUT`]; the page may not be reading.
async fn say_last(sink: &mut SplitSink<WebSocket, Message>, last: ServerMessage) {
    let said = tokio::time::timeout(LAST_WORD_TIMEOUT, sink.send(Message::Text(encode(&last).into()))).await;
    if matches!(said, Ok(Ok(()))) {
        let _ = tokio::time::timeout(LAST_WORD_TIMEOUT, sink.close()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_shared::EventKind;

    fn event(n: u64) -> Event {
        Event {
            t_ms: n,
            kind: EventKind::Warning {
                message: format!("w{n}"),
            },
        }
    }

    #[tokio::test]
    async fn neighbouring_events_of_a_run_share_a_frame_and_other_items_keep_their_place() {
        let (tx, mut items) = mpsc::channel(16);
        let (a, b): (Arc<str>, Arc<str>) = ("a".into(), "b".into());
        for n in 0..3 {
            tx.try_send(Outgoing::Event {
                run_id: Arc::clone(&a),
                event: event(n),
            })
            .expect("room");
        }
        tx.try_send(Outgoing::Event {
            run_id: Arc::clone(&b),
            event: event(3),
        })
        .expect("room");
        tx.try_send(Outgoing::Ping).expect("room");
        let mut next = None;
        let first = items.try_recv().expect("item");
        let Message::Text(text) = frame(first, &mut items, &mut next) else {
            panic!("a text frame")
        };
        let message: ServerMessage = serde_json::from_str(text.as_str()).expect("json");
        assert!(
            matches!(&message, ServerMessage::Events { run_id, events } if run_id == "a" && events.len() == 3),
            "{message:?}"
        );
        let held = next.take().expect("the other run's event waits");
        let Message::Text(text) = frame(held, &mut items, &mut next) else {
            panic!("a text frame")
        };
        assert!(text.as_str().contains(r#""run_id":"b""#), "{}", text.as_str());
        assert!(matches!(next.take(), Some(Outgoing::Ping)));
    }
}
