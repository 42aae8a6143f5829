//! What RabbitMQ said when it closed one of the run's channels or its connection.
//!
//! RabbitMQ ends a channel with `channel.close` and a connection with `connection.close`, each
//! with a reply code and a text (`403 ACCESS_REFUSED - …`). lapin hands a channel's close to
//! whatever was waiting on that channel (a confirm, a consumer's stream, a method call), and
//! every close to the connection's event stream, which does not say which channel it was. A
//! [`Watch`] reads that stream for one connection:
//! - it tells a connection RabbitMQ closed from one that was lost ([`Watch::connection_end`]);
//! - it keeps the words of closed channels for whoever had nothing waiting on theirs, such as a
//!   publisher without confirms, whose closed channel only refuses the next publish
//!   ([`Watch::unclaimed`]). Whoever received a close's words with an error of their own claims
//!   them ([`Watch::claim`]), so that they are not handed to anyone else;
//! - it keeps RabbitMQ's `connection.blocked` and `connection.unblocked` notices, sent while a
//!   resource alarm (memory or disk) holds every publisher on the broker ([`Watch::blocking`]).

use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt};
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::time::Instant;
use warren_shared::say;
use warren_shared::sentences::relay as say;

use super::amqp;

/// How often a wait looks at the event stream again.
const POLL: Duration = Duration::from_millis(10);

/// RabbitMQ's reply code and text when it closed a channel or a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerClose {
    /// The AMQP reply code: 403, 404, 405, 406 for a channel; 320 or 5xx for a connection.
    pub code: u16,
    /// RabbitMQ's text, e.g. `ACCESS_REFUSED - cannot publish to internal exchange …`.
    pub text: String,
}

impl BrokerClose {
    /// RabbitMQ's close of a channel, when `error` is one: soft errors (403, 404, 405, 406) come
    /// with `channel.close`.
    pub fn of_channel(error: &lapin::Error) -> Option<Self> {
        if error.is_amqp_soft_error() {
            Self::of(error)
        } else {
            None
        }
    }

    /// RabbitMQ's close of the connection, when `error` is one: hard errors (320, 5xx) come with
    /// `connection.close`.
    pub fn of_connection(error: &lapin::Error) -> Option<Self> {
        if error.is_amqp_hard_error() {
            Self::of(error)
        } else {
            None
        }
    }

    fn of(error: &lapin::Error) -> Option<Self> {
        amqp::broker_refusal(error).map(|(code, text)| Self { code, text })
    }

    /// Why an actor stopped, e.g. `closed by RabbitMQ: 403 ACCESS_REFUSED - …`.
    pub fn reason(&self) -> String {
        say!(say::CLOSED_BY_RABBITMQ, close = self)
    }
}

impl fmt::Display for BrokerClose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.text)
    }
}

/// The closes one connection's event stream reported.
pub struct Watch {
    state: Mutex<State>,
}

struct State {
    events: BoxStream<'static, lapin::Event>,
    /// Channel closes read from the stream and not claimed yet, oldest first.
    unclaimed: VecDeque<BrokerClose>,
    /// Closes claimed before the stream brought them.
    claimed_ahead: Vec<BrokerClose>,
    /// How the connection ended, once the stream said: closed by RabbitMQ, or lost (`None`).
    end: Option<Option<BrokerClose>>,
    /// Blocking notices not taken yet, oldest first.
    blocking: VecDeque<Blocking>,
}

/// RabbitMQ's notice that it stopped or resumed reading what the connection publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocking {
    /// `connection.blocked`, with RabbitMQ's reason (e.g. `low on disk`).
    Blocked(String),
    /// `connection.unblocked`: the alarm cleared.
    Unblocked,
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watch").finish_non_exhaustive()
    }
}

impl Watch {
    /// Start reading `connection`'s events; call it before anything can fail on it, since lapin
    /// only reports to listeners that exist.
    pub fn new(connection: &lapin::Connection) -> Self {
        Self::over(connection.events_listener().boxed())
    }

    fn over(events: BoxStream<'static, lapin::Event>) -> Self {
        Self {
            state: Mutex::new(State::new(events)),
        }
    }

    /// Take `close`, received with an error on one's own channel, out of the unclaimed words
    /// (or out of the stream's words to come).
    pub fn claim(&self, close: &BrokerClose) {
        let mut state = self.read();
        match state.unclaimed.iter().position(|c| c == close) {
            Some(at) => {
                state.unclaimed.remove(at);
            }
            None => state.claimed_ahead.push(close.clone()),
        }
    }

    /// The oldest unclaimed channel close, waiting up to `within` for one: for a channel found
    /// closed without words of its own.
    pub async fn unclaimed(&self, within: Duration) -> Option<BrokerClose> {
        self.wait(within, |state| state.unclaimed.pop_front()).await
    }

    /// How the connection ended, waiting up to `within` for the stream to say: RabbitMQ's words
    /// when it closed the connection, `None` when the connection was lost (a network failure,
    /// the relay's own proxy cutting it, missed heartbeats) or nothing was said in time.
    pub async fn connection_end(&self, within: Duration) -> Option<BrokerClose> {
        self.wait(within, |state| state.end.clone()).await.flatten()
    }

    /// The blocking notices that came since the last call, oldest first.
    pub fn blocking(&self) -> Vec<Blocking> {
        self.read().blocking.drain(..).collect()
    }

    async fn wait<T>(&self, within: Duration, mut look: impl FnMut(&mut State) -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + within;
        loop {
            let found = look(&mut self.read());
            if found.is_some() || Instant::now() >= deadline {
                return found;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The state, with every event the stream has ready read into it.
    fn read(&self) -> MutexGuard<'_, State> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(Some(event)) = state.events.next().now_or_never() {
            match event {
                lapin::Event::Error(error) => state.note(&error),
                lapin::Event::ConnectionBlocked(reason) => state.blocking.push_back(Blocking::Blocked(reason)),
                lapin::Event::ConnectionUnblocked => state.blocking.push_back(Blocking::Unblocked),
                _ => {}
            }
        }
        state
    }
}

impl State {
    fn new(events: BoxStream<'static, lapin::Event>) -> Self {
        Self {
            events,
            unclaimed: VecDeque::new(),
            claimed_ahead: Vec::new(),
            end: None,
            blocking: VecDeque::new(),
        }
    }

    fn note(&mut self, error: &lapin::Error) {
        if let Some(close) = BrokerClose::of_channel(error) {
            match self.claimed_ahead.iter().position(|c| *c == close) {
                Some(at) => {
                    self.claimed_ahead.swap_remove(at);
                }
                None => self.unclaimed.push_back(close),
            }
        } else if self.end.is_none() {
            self.end = Some(BrokerClose::of_connection(error));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapin::protocol::{AMQPError, AMQPErrorKind, AMQPHardError, AMQPSoftError};

    fn protocol_error(kind: AMQPErrorKind, text: &str) -> lapin::Error {
        lapin::ErrorKind::ProtocolError(AMQPError::new(kind, text.into())).into()
    }

    #[test]
    fn soft_errors_close_channels_and_hard_errors_connections() {
        let refused = protocol_error(
            AMQPErrorKind::Soft(AMQPSoftError::ACCESSREFUSED),
            "ACCESS_REFUSED - cannot publish to internal exchange 'inside' in vhost 'v'",
        );
        let close = BrokerClose::of_channel(&refused).expect("a channel close");
        assert_eq!(close.code, 403);
        assert_eq!(
            close.reason(),
            "closed by RabbitMQ: 403 ACCESS_REFUSED - cannot publish to internal exchange 'inside' in vhost 'v'"
        );
        assert_eq!(BrokerClose::of_connection(&refused), None);

        let forced = protocol_error(
            AMQPErrorKind::Hard(AMQPHardError::CONNECTIONFORCED),
            "CONNECTION_FORCED - Closed via management plugin",
        );
        assert_eq!(BrokerClose::of_channel(&forced), None);
        assert_eq!(
            BrokerClose::of_connection(&forced).map(|c| c.to_string()).as_deref(),
            Some("320 CONNECTION_FORCED - Closed via management plugin")
        );

        let lost: lapin::Error = lapin::ErrorKind::IOError(std::sync::Arc::new(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset",
        )))
        .into();
        assert_eq!(BrokerClose::of_channel(&lost), None);
        assert_eq!(BrokerClose::of_connection(&lost), None);
    }

    fn state() -> State {
        State::new(futures_util::stream::pending().boxed())
    }

    #[test]
    fn blocking_notices_are_kept_in_order_and_taken_once() {
        let events = futures_util::stream::iter([
            lapin::Event::ConnectionBlocked("low on disk".into()),
            lapin::Event::Connected,
            lapin::Event::ConnectionUnblocked,
        ])
        .chain(futures_util::stream::pending());
        let watch = Watch::over(events.boxed());
        assert_eq!(
            watch.blocking(),
            vec![Blocking::Blocked("low on disk".into()), Blocking::Unblocked]
        );
        assert_eq!(watch.blocking(), Vec::new());
    }

    fn soft(text: &str) -> lapin::Error {
        protocol_error(AMQPErrorKind::Soft(AMQPSoftError::NOTFOUND), text)
    }

    #[tokio::test]
    async fn words_claimed_before_or_after_they_arrive_are_not_handed_on() {
        let watch = Watch {
            state: Mutex::new(state()),
        };
        let mine = BrokerClose::of_channel(&soft("NOT_FOUND - mine")).expect("close");
        watch.claim(&mine);
        {
            let mut state = watch.read();
            state.note(&soft("NOT_FOUND - mine"));
            state.note(&soft("NOT_FOUND - theirs"));
            state.note(&soft("NOT_FOUND - later"));
        }
        watch.claim(&BrokerClose::of_channel(&soft("NOT_FOUND - later")).expect("close"));
        let handed = watch.unclaimed(Duration::ZERO).await.expect("unclaimed words");
        assert_eq!(handed.text, "NOT_FOUND - theirs");
        assert_eq!(watch.unclaimed(Duration::ZERO).await, None);
    }

    #[tokio::test]
    async fn the_first_connection_level_error_says_how_the_connection_ended() {
        let watch = Watch {
            state: Mutex::new(state()),
        };
        assert_eq!(watch.connection_end(Duration::ZERO).await, None);
        {
            let mut state = watch.read();
            state.note(&soft("NOT_FOUND - a channel"));
            state.note(&protocol_error(
                AMQPErrorKind::Hard(AMQPHardError::CONNECTIONFORCED),
                "CONNECTION_FORCED - shutdown",
            ));
            state.note(&lapin::ErrorKind::MissingHeartbeatError.into());
        }
        let end = watch.connection_end(Duration::ZERO).await.expect("closed by RabbitMQ");
        assert_eq!(end.code, 320);
    }
}
