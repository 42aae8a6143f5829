//! The run's AMQP connection, shared by its actors, and its recovery after a failure: the first
//! actor that notices a broken connection reports how it ended (`connection_closed` with
//! RabbitMQ's words when the broker closed it, `connection_lost` otherwise) and reconnects with
//! back-off; the others wait for it.

use lapin::{Connection, ConnectionProperties};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;
use warren_shared::EventKind;
use warren_shared::say;
use warren_shared::sentences::relay as say;

use super::amqp;
use super::closes::{Blocking, BrokerClose, Watch};
use super::emitter::Emitter;
use crate::broker::address::BrokerUrl;

/// First wait before reconnecting; doubled after every failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// How long opening a connection may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How often [`unless_lost`] looks at the connection.
const LOST_CHECK: Duration = Duration::from_millis(100);
/// Longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// Largest AMQP frame a run's connections ask for, in bytes, unless the broker URL names its
/// own `frame_max`.
///
/// lapin keeps a send and a receive ring of 32 frames for each connection. Left to RabbitMQ's
/// default of 128 KiB, both rings are grown to 4 MiB after the handshake by writing zeros through
/// them: 8 MiB resident for every run, most of which glibc then keeps after the run. The rings
/// are allocated zeroed up front: fresh pages stay untouched until traffic reaches them, but
/// pages the allocator hands out again (a pool connection opened after runs ended) are zeroed
/// and so resident at once. At 16 KiB that was 1 MiB per ready pool connection after a burst of
/// runs (the relay stayed at 72 MB after 60 runs, against 20 MB idle); at AMQP's smallest frame,
/// 4 KiB, the rings are 128 KiB each. Bodies larger than a frame are split over several frames;
/// the properties and headers of a message must fit in one (scenario headers are far smaller).
pub const FRAME_MAX: u32 = 4_096;
/// How long a failed connection's events may take to say whether RabbitMQ closed it.
const END_WORDS_WAIT: Duration = Duration::from_millis(300);
/// How long a channel found closed may wait for the words RabbitMQ closed it with.
const CLOSE_WORDS_WAIT: Duration = Duration::from_secs(1);
/// How often [`Link::report_blocking`] looks for RabbitMQ's blocking notices.
const BLOCKING_CHECK: Duration = Duration::from_millis(250);

/// A recoverable connection.
#[derive(Debug)]
pub struct Link {
    url: String,
    name: String,
    emitter: Emitter,
    current: Mutex<Arc<Connection>>,
    /// The closes reported on the current connection.
    watch: std::sync::Mutex<Arc<Watch>>,
}

impl Link {
    /// Open the first connection.
    pub async fn open(url: String, name: String, emitter: Emitter) -> lapin::Result<Self> {
        let connection = connect(&url, &name).await?;
        Ok(Self::adopt(url, name, connection, emitter))
    }

    /// A link over `connection`, already open on `url` (a vhost made ready ahead of the run).
    pub fn adopt(url: String, name: String, connection: Connection, emitter: Emitter) -> Self {
        Self {
            url,
            name,
            emitter,
            watch: std::sync::Mutex::new(Arc::new(Watch::new(&connection))),
            current: Mutex::new(Arc::new(connection)),
        }
    }

    fn watch(&self) -> Arc<Watch> {
        Arc::clone(&self.watch_slot())
    }

    /// Start watching a new connection's closes.
    fn watch_anew(&self, connection: &Connection) {
        *self.watch_slot() = Arc::new(Watch::new(connection));
    }

    fn watch_slot(&self) -> std::sync::MutexGuard<'_, Arc<Watch>> {
        self.watch.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// RabbitMQ's words when `error` says it closed a channel, claimed so that they are not
    /// given to another channel found closed (see [`Link::unclaimed_close`]).
    pub fn channel_closed(&self, error: &lapin::Error) -> Option<BrokerClose> {
        let close = BrokerClose::of_channel(error)?;
        self.watch().claim(&close);
        Some(close)
    }

    /// The words of a channel RabbitMQ closed that nobody claimed: for a channel found closed
    /// with nothing of its own waiting on it (a publisher without confirms). `None` when none
    /// came within [`CLOSE_WORDS_WAIT`].
    pub async fn unclaimed_close(&self) -> Option<BrokerClose> {
        self.watch().unclaimed(CLOSE_WORDS_WAIT).await
    }

    /// Say in the run's events when RabbitMQ blocks the connection (a memory or disk alarm holds
    /// every publisher on the broker) and when it lets it go again; never returns.
    pub async fn report_blocking(&self) -> std::convert::Infallible {
        loop {
            tokio::time::sleep(BLOCKING_CHECK).await;
            for notice in self.watch().blocking() {
                let text = match notice {
                    Blocking::Blocked(alarm) => say!(say::BLOCKED, alarm),
                    Blocking::Unblocked => say::UNBLOCKED.to_owned(),
                };
                self.emitter.warn(text).await;
            }
        }
    }

    /// The current connection (which may have failed since).
    pub async fn connection(&self) -> Arc<Connection> {
        Arc::clone(&*self.current.lock().await)
    }

    /// The current connection if it is open, without waiting (`None` while one is being
    /// recovered or when it has failed).
    pub fn try_healthy(&self) -> Option<Arc<Connection>> {
        let current = self.current.try_lock().ok()?;
        current.status().connected().then(|| Arc::clone(&current))
    }

    /// Whether an actor is reconnecting right now.
    pub fn recovering(&self) -> bool {
        self.current.try_lock().is_err()
    }

    /// A healthy connection to replace `broken` (which failed with `reason`): the current one if someone already recovered,
    /// or a new one after reconnecting with back-off. `None` when `stop` is cancelled first.
    pub async fn recover(
        &self,
        broken: &Arc<Connection>,
        reason: String,
        stop: &CancellationToken,
    ) -> Option<Arc<Connection>> {
        let mut current = tokio::select! {
            () = stop.cancelled() => return None,
            guard = self.current.lock() => guard,
        };
        if current.status().connected() {
            return Some(Arc::clone(&current));
        }
        let lost_at = self.emitter.now_ms();
        if Arc::ptr_eq(&current, broken) {
            let event = match self.watch().connection_end(END_WORDS_WAIT).await {
                Some(close) => EventKind::ConnectionClosed {
                    code: close.code,
                    text: close.text,
                },
                None => EventKind::ConnectionLost { reason },
            };
            self.emitter.emit(event).await;
        }
        let mut backoff = FIRST_BACKOFF;
        loop {
            tokio::select! {
                () = stop.cancelled() => return None,
                () = tokio::time::sleep(backoff) => {}
            }
            match connect(&self.url, &self.name).await {
                Ok(connection) => {
                    self.watch_anew(&connection);
                    *current = Arc::new(connection);
                    let down_ms = self.emitter.now_ms().saturating_sub(lost_at);
                    self.emitter.emit(EventKind::ConnectionRecovered { down_ms }).await;
                    return Some(Arc::clone(&current));
                }
                Err(error) => {
                    tracing::debug!(error = %amqp::describe(&error), "reconnection failed");
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    /// Close the current connection.
    pub async fn close(&self) {
        close_quietly(&*self.connection().await, "run finished").await;
    }
}

/// Close `connection`, giving `reason`; a broker that stopped answering does not get to hold
/// the caller up for more than [`CONNECT_TIMEOUT`].
pub async fn close_quietly(connection: &Connection, reason: &str) {
    let closing = connection.close(200, reason.into());
    let _ = tokio::time::timeout(CONNECT_TIMEOUT, closing).await;
}

/// `operation` on `connection`, or an error as soon as the connection is found lost: lapin
/// leaves some calls (an ack, a channel opening) pending for ever on a connection cut under them.
pub async fn unless_lost<T>(
    connection: &Connection,
    operation: impl Future<Output = lapin::Result<T>>,
) -> lapin::Result<T> {
    tokio::pin!(operation);
    let mut check = tokio::time::interval(LOST_CHECK);
    loop {
        tokio::select! {
            result = &mut operation => return result,
            _ = check.tick() => {
                if !connection.status().connected() {
                    return Err(io_error(std::io::ErrorKind::ConnectionAborted, say::CONNECTION_LOST.to_owned()));
                }
            }
        }
    }
}

/// `url` asking for frames of at most [`FRAME_MAX`] bytes, unless it names its own `frame_max`;
/// a text that is not a URL is left for the AMQP client to refuse.
pub fn client_url(url: &str) -> String {
    BrokerUrl::parse(url).map_or_else(
        |_| url.to_owned(),
        |parsed| parsed.with_query_default("frame_max", &FRAME_MAX.to_string()),
    )
}

/// Open a connection; a broker that takes the TCP connection but never finishes the AMQP
/// handshake is an error after [`CONNECT_TIMEOUT`], not a run that waits for ever.
pub async fn connect(url: &str, name: &str) -> lapin::Result<Connection> {
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    let url = client_url(url);
    match tokio::time::timeout(CONNECT_TIMEOUT, Connection::connect(&url, properties)).await {
        Ok(result) => result,
        Err(_) => Err(io_error(
            std::io::ErrorKind::TimedOut,
            say!(say::HANDSHAKE_TIMEOUT, s = CONNECT_TIMEOUT.as_secs()),
        )),
    }
}

/// A lapin error for what the relay itself found wrong with a connection.
fn io_error(kind: std::io::ErrorKind, message: String) -> lapin::Error {
    lapin::ErrorKind::IOError(Arc::new(std::io::Error::new(kind, message))).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_ask_for_small_frames_unless_the_url_says_otherwise() {
        assert_eq!(
            client_url("amqp://guest:guest@127.0.0.1:5701/warren-run-1"),
            "amqp://guest:guest@127.0.0.1:5701/warren-run-1?frame_max=4096"
        );
        assert_eq!(client_url("amqp://h/v?frame_max=131072"), "amqp://h/v?frame_max=131072");
        assert_eq!(client_url("not a url"), "not a url");
    }
}
