//! A publisher actor: sends its messages at its rate, in its confirm mode, and reports every
//! publish, confirm and return the broker sent back. With an outbox it keeps every message until
//! it is confirmed and re-publishes what a nack or a lost connection left unconfirmed. It stops
//! when RabbitMQ closes its channel (a refused publish), with RabbitMQ's words as its reason.

use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::types::{AMQPValue, LongString};
use lapin::{BasicProperties, Channel, Confirmation, Connection, PublisherConfirm};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use warren_shared::say;
use warren_shared::sentences::relay as say;
use warren_shared::{ConfirmMode, EventKind, Publisher, message_id};

use super::actors::{self, Actors};
use super::amqp::{self, ID_HEADER};
use super::closes::BrokerClose;
use super::emitter::Emitter;
use super::link::{Link, unless_lost};

/// How long a stopped publisher still waits for confirms of what it already sent.
const CONFIRM_GRACE: Duration = Duration::from_secs(5);

type Pending = Pin<Box<dyn Future<Output = (u64, lapin::Result<Confirmation>)> + Send>>;

/// Run one publisher to completion.
pub async fn run(spec: Publisher, link: Arc<Link>, actors: Actors, emitter: Emitter) {
    let stop = actors.get(&spec.name).map(|c| c.stop.clone()).unwrap_or_default();
    actors::live(&spec.name, &spec.start, &actors, &emitter, &link, || async {
        let transmitter = Transmitter::open(&spec, Arc::clone(&link), &emitter, stop.clone()).await?;
        Ok(Publishing::new(&spec, transmitter, &emitter, stop.clone()).all().await)
    })
    .await;
}

/// The publisher's channel, reopened after the connection fails. Like a real application, the
/// publisher does not stop producing while the broker is unreachable: each attempt then fails
/// (or, with an outbox, is held), while the connection is recovered in the background.
struct Transmitter<'a> {
    spec: &'a Publisher,
    link: Arc<Link>,
    stop: CancellationToken,
    connection: Arc<Connection>,
    channel: Option<Channel>,
    confirms: bool,
}

impl<'a> Transmitter<'a> {
    async fn open(
        spec: &'a Publisher,
        link: Arc<Link>,
        emitter: &Emitter,
        stop: CancellationToken,
    ) -> lapin::Result<Transmitter<'a>> {
        let confirms = spec.confirm.enabled() || spec.mandatory;
        if spec.mandatory && !spec.confirm.enabled() {
            emitter
                .warn(say!(say::MANDATORY_WITHOUT_CONFIRMS, publisher = spec.name))
                .await;
        }
        let connection = link.connection().await;
        let channel = open_channel(&connection, confirms).await?;
        Ok(Self {
            spec,
            link,
            stop,
            connection,
            channel: Some(channel),
            confirms,
        })
    }

    /// Publish message `seq`.
    async fn send(&mut self, seq: u64) -> Result<PublisherConfirm, SendError> {
        if self.channel.is_none() {
            self.reopen().await;
        }
        let Some(channel) = &self.channel else {
            return Err(SendError::Down);
        };
        let id = message_id(&self.spec.name, seq);
        let mut headers = amqp::field_table(&self.spec.headers);
        headers.insert(ID_HEADER.into(), AMQPValue::LongString(LongString::from(id.as_str())));
        let mut properties = BasicProperties::default()
            .with_message_id(id.as_str().into())
            .with_headers(headers);
        if self.spec.persistent {
            properties = properties.with_delivery_mode(2);
        }
        if let Some(priority) = self.spec.priority.priority_for(seq) {
            properties = properties.with_priority(priority);
        }
        let body = self.spec.render_body(seq);
        let publish = channel.basic_publish(
            amqp::short(&self.spec.exchange),
            amqp::short(&self.spec.routing_key),
            BasicPublishOptions {
                mandatory: self.spec.mandatory,
                immediate: false,
            },
            body.as_bytes(),
            properties,
        );
        unless_lost(&self.connection, publish).await.map_err(SendError::Failed)
    }

    /// Whether the channel is closed while the connection is open: RabbitMQ closed it, or it
    /// is about to be told so.
    fn channel_closed_alone(&self) -> bool {
        self.channel.as_ref().is_some_and(|c| !c.status().connected()) && self.connection.status().connected()
    }

    /// After a failure: drop the channel and have the run's connection recovered in the
    /// background; [`Transmitter::send`] reopens a channel once it is back.
    fn broken(&mut self, reason: String) {
        if self.channel.take().is_none() && !self.connection.status().connected() {
            return; // already recovering
        }
        let (link, broken, stop) = (Arc::clone(&self.link), Arc::clone(&self.connection), self.stop.clone());
        tokio::spawn(async move {
            let _ = link.recover(&broken, reason, &stop).await;
        });
    }

    /// Open a channel on the recovered connection, if it is back.
    async fn reopen(&mut self) {
        let Some(connection) = self.link.try_healthy() else {
            return;
        };
        self.connection = connection;
        match open_channel(&self.connection, self.confirms).await {
            Ok(channel) => self.channel = Some(channel),
            Err(error) => tracing::debug!(error = %amqp::describe(&error), "could not reopen a publisher channel"),
        }
    }

    async fn close(self) {
        if let Some(channel) = self.channel {
            let _ = channel.close(200, "publisher done".into()).await;
        }
    }
}

/// Why a publish did not go out.
enum SendError {
    /// The connection is down and being recovered.
    Down,
    /// The client refused or failed the publish.
    Failed(lapin::Error),
}

impl SendError {
    fn describe(&self) -> String {
        match self {
            Self::Down => say::BROKER_DOWN.to_owned(),
            Self::Failed(error) => amqp::describe(error),
        }
    }
}

async fn open_channel(connection: &Connection, confirms: bool) -> lapin::Result<Channel> {
    let channel = connection.create_channel().await?;
    if confirms {
        channel.confirm_select(ConfirmSelectOptions::default()).await?;
    }
    Ok(channel)
}

/// Messages an outbox publisher holds until they are confirmed.
#[derive(Debug, Default)]
struct Held {
    messages: BTreeMap<u64, HeldMessage>,
    republished: u64,
    next_retry: Option<Instant>,
}

/// One held message.
#[derive(Debug, Default, Clone, Copy)]
struct HeldMessage {
    /// Times re-published so far.
    attempts: u32,
    /// Re-published and waiting for its confirm.
    in_flight: bool,
    /// Reached the broker at least once (a message held because it could not be sent at all is
    /// published, not re-published, when it first goes out).
    sent: bool,
}

/// One publisher's run.
struct Publishing<'a> {
    spec: &'a Publisher,
    tx: Transmitter<'a>,
    emitter: &'a Emitter,
    stop: CancellationToken,
    pending: FuturesUnordered<Pending>,
    held: Option<Held>,
    lost_confirms: u64,
    /// Why the last confirm did not come: RabbitMQ's words or the client's error.
    last_failure: Option<String>,
    /// RabbitMQ's words when it closed the channel; the publisher stops then.
    closed: Option<BrokerClose>,
}

impl<'a> Publishing<'a> {
    fn new(spec: &'a Publisher, tx: Transmitter<'a>, emitter: &'a Emitter, stop: CancellationToken) -> Self {
        let held = spec.outbox.map(|_| Held::default());
        Self {
            spec,
            tx,
            emitter,
            stop,
            pending: FuturesUnordered::new(),
            held,
            lost_confirms: 0,
            last_failure: None,
            closed: None,
        }
    }

    /// Send everything, then settle what is in flight or held. Returns why it stopped.
    async fn all(mut self) -> String {
        let started = Instant::now();
        let mut reason = say::FINISHED.to_owned();
        for seq in 1..=self.spec.count {
            if let Some(rate) = self.spec.rate_per_sec {
                let due = started + Duration::from_secs_f64((seq - 1) as f64 / rate);
                tokio::select! {
                    () = self.stop.cancelled() => {}
                    () = tokio::time::sleep_until(due) => {}
                }
            }
            if self.stop.is_cancelled() {
                reason = say::STOPPED.to_owned();
                break;
            }
            if self.closed.is_some() {
                break;
            }
            self.publish(seq).await;
            while let Some(Some((seq, result))) = self.pending.next().now_or_never() {
                self.settle(seq, result).await;
            }
            let keep = in_flight_allowed(self.spec.confirm, seq, self.spec.count);
            while self.pending.len() > keep {
                match self.pending.next().await {
                    Some((seq, result)) => self.settle(seq, result).await,
                    None => break,
                }
            }
            self.retry_if_due().await;
        }
        self.finish_in_flight().await;
        if self.lost_confirms > 0 {
            let cause = match (&self.closed, &self.last_failure) {
                (Some(close), _) => say!(say::CLOSED_FIRST, close),
                (None, Some(error)) => say!(say::FAILED_FIRST, error),
                (None, None) => say::FAILED_FIRST_UNKNOWN.to_owned(),
            };
            let publisher = &self.spec.name;
            let warning = match self.lost_confirms {
                1 => say!(say::UNCONFIRMED_ONE, publisher, cause),
                n => say!(say::UNCONFIRMED, publisher, n, cause),
            };
            self.emitter.warn(warning).await;
        }
        self.tx.close().await;
        match &self.closed {
            Some(close) => close.reason(),
            None => reason,
        }
    }

    /// Note that RabbitMQ closed the channel, once: report it and stop publishing.
    async fn closed_by_broker(&mut self, close: BrokerClose) {
        if self.closed.is_none() {
            actors::report_close(&self.spec.name, &close, self.emitter).await;
            self.closed = Some(close);
        }
    }

    /// After a publish failed: whether RabbitMQ closed the channel (then its words are in
    /// `closed`), else have the connection recovered. Returns the failure in words.
    async fn send_failed(&mut self, error: &SendError) -> String {
        if self.closed.is_none() && self.tx.channel_closed_alone() {
            // The confirms waiting on the channel carry RabbitMQ's words; without confirms,
            // the connection's events do.
            while let Some(Some((seq, result))) = self.pending.next().now_or_never() {
                self.settle(seq, result).await;
            }
            if self.closed.is_none()
                && self.tx.channel_closed_alone()
                && let Some(close) = self.tx.link.unclaimed_close().await
            {
                self.closed_by_broker(close).await;
            }
        }
        match &self.closed {
            Some(close) => close.reason(),
            None => {
                let text = error.describe();
                self.tx.broken(text.clone());
                text
            }
        }
    }

    /// First publish of `seq`.
    async fn publish(&mut self, seq: u64) {
        let id = message_id(&self.spec.name, seq);
        match self.tx.send(seq).await {
            Ok(confirm) => {
                self.emit_published(seq).await;
                if self.tx.confirms {
                    self.pending.push(Box::pin(async move { (seq, confirm.await) }));
                }
            }
            Err(error) => {
                let error = self.send_failed(&error).await;
                if self.held.is_some() {
                    self.hold(seq, false, say!(say::COULD_NOT_PUBLISH, error)).await;
                } else {
                    let event = EventKind::PublishFailed {
                        publisher: self.spec.name.clone(),
                        id,
                        error,
                    };
                    self.emitter.emit(event).await;
                }
            }
        }
    }

    async fn emit_published(&mut self, seq: u64) {
        self.emitter
            .emit(EventKind::Published {
                publisher: self.spec.name.clone(),
                id: message_id(&self.spec.name, seq),
                exchange: self.spec.exchange.clone(),
                routing_key: self.spec.routing_key.clone(),
                priority: self.spec.priority.priority_for(seq),
                persistent: self.spec.persistent,
                mandatory: self.spec.mandatory,
            })
            .await;
    }

    /// Account for one confirm (or its failure).
    async fn settle(&mut self, seq: u64, result: lapin::Result<Confirmation>) {
        let id = message_id(&self.spec.name, seq);
        let confirmation = match result {
            Ok(confirmation) => confirmation,
            Err(error) => {
                let reason = amqp::describe(&error);
                if self.held.is_some() {
                    self.hold(seq, true, say!(say::NOT_CONFIRMED, error = reason)).await;
                } else {
                    self.lost_confirms += 1;
                }
                if error.is_amqp_soft_error() {
                    // Every confirm in flight fails with the same close: claim its words once.
                    if self.closed.is_none()
                        && let Some(close) = self.tx.link.channel_closed(&error)
                    {
                        self.closed_by_broker(close).await;
                    }
                } else if self.tx.channel.as_ref().is_some_and(|c| !c.status().connected()) {
                    self.tx.broken(reason.clone());
                }
                self.last_failure = Some(reason);
                return;
            }
        };
        let ack = match &confirmation {
            Confirmation::Ack(_) => true,
            Confirmation::Nack(_) => false,
            Confirmation::NotRequested => return,
        };
        if let Some(returned) = confirmation.take_message() {
            self.emitter
                .emit(EventKind::Returned {
                    publisher: self.spec.name.clone(),
                    id: id.clone(),
                    reply_code: returned.reply_code,
                    reply_text: returned.reply_text.as_str().to_owned(),
                    exchange: returned.delivery.exchange.as_str().to_owned(),
                    routing_key: returned.delivery.routing_key.as_str().to_owned(),
                })
                .await;
        }
        if self.spec.confirm.enabled() {
            self.emitter
                .emit(EventKind::Confirmed {
                    publisher: self.spec.name.clone(),
                    id,
                    ack,
                })
                .await;
        }
        if !ack && self.held.is_some() {
            self.hold(seq, true, say::NACKED.to_owned()).await;
        } else if ack {
            self.release(seq).await;
        }
    }

    async fn hold(&mut self, seq: u64, sent: bool, reason: String) {
        let Some(held) = self.held.as_mut() else { return };
        let message = held.messages.entry(seq).or_default();
        message.in_flight = false;
        message.sent |= sent;
        let interval = Duration::from_millis(self.spec.outbox.unwrap_or_default().retry_interval_ms);
        held.next_retry.get_or_insert_with(|| Instant::now() + interval);
        let id = message_id(&self.spec.name, seq);
        self.emitter
            .emit(EventKind::Buffered {
                publisher: self.spec.name.clone(),
                id,
                reason,
            })
            .await;
    }

    async fn release(&mut self, seq: u64) {
        let Some(held) = self.held.as_mut() else { return };
        let was_held = held.messages.remove(&seq).is_some();
        if was_held && held.messages.is_empty() {
            held.next_retry = None;
            let republished = held.republished;
            self.emitter
                .emit(EventKind::Recovered {
                    publisher: self.spec.name.clone(),
                    republished,
                })
                .await;
        }
    }

    /// Re-publish every held message not in flight, when the retry timer is due.
    async fn retry_if_due(&mut self) {
        let Some(held) = self.held.as_mut() else { return };
        if held.next_retry.is_none_or(|at| Instant::now() < at) {
            return;
        }
        let interval = Duration::from_millis(self.spec.outbox.unwrap_or_default().retry_interval_ms);
        held.next_retry = Some(Instant::now() + interval);
        let due: Vec<u64> = held
            .messages
            .iter()
            .filter(|(_, m)| !m.in_flight)
            .map(|(seq, _)| *seq)
            .collect();
        for seq in due {
            if self.stop.is_cancelled() || self.closed.is_some() {
                return;
            }
            let confirm = match self.tx.send(seq).await {
                Ok(confirm) => confirm,
                Err(error) => {
                    self.send_failed(&error).await;
                    return;
                }
            };
            let mut retry = None;
            if let Some(held) = self.held.as_mut()
                && let Some(message) = held.messages.get_mut(&seq)
            {
                message.in_flight = true;
                if message.sent {
                    held.republished += 1;
                    message.attempts += 1;
                    retry = Some(message.attempts);
                }
                message.sent = true;
            }
            match retry {
                Some(attempt) => {
                    let id = message_id(&self.spec.name, seq);
                    self.emitter
                        .emit(EventKind::Retried {
                            publisher: self.spec.name.clone(),
                            id,
                            attempt,
                        })
                        .await;
                }
                None => self.emit_published(seq).await,
            }
            self.pending.push(Box::pin(async move { (seq, confirm.await) }));
        }
    }

    /// Wait for what is in flight; an outbox keeps retrying until everything is confirmed or the
    /// publisher is stopped, which leaves a grace period for the confirms still on their way.
    async fn finish_in_flight(&mut self) {
        loop {
            let holding = self.held.as_ref().is_some_and(|h| !h.messages.is_empty());
            if (self.pending.is_empty() && !holding) || self.stop.is_cancelled() || self.closed.is_some() {
                break;
            }
            let next_retry = self.held.as_ref().and_then(|h| h.next_retry);
            tokio::select! {
                Some((seq, result)) = self.pending.next(), if !self.pending.is_empty() => {
                    self.settle(seq, result).await;
                }
                () = sleep_until_opt(next_retry) => self.retry_if_due().await,
                () = self.stop.cancelled() => {}
            }
        }
        let drain = async {
            while let Some((seq, result)) = self.pending.next().await {
                self.settle(seq, result).await;
            }
        };
        let timed_out = tokio::time::timeout(CONFIRM_GRACE, drain).await.is_err();
        // What the outbox still holds and never sent did not reach the broker: say so per message.
        let never_sent: Vec<u64> = self
            .held
            .as_ref()
            .map(|h| {
                h.messages
                    .iter()
                    .filter(|(_, m)| !m.sent)
                    .map(|(seq, _)| *seq)
                    .collect()
            })
            .unwrap_or_default();
        for seq in never_sent {
            let id = message_id(&self.spec.name, seq);
            let error = say::STILL_HELD.to_owned();
            self.emitter
                .emit(EventKind::PublishFailed {
                    publisher: self.spec.name.clone(),
                    id,
                    error,
                })
                .await;
        }
        if timed_out {
            self.emitter
                .warn(say!(
                    say::CONFIRMS_LATE,
                    publisher = self.spec.name,
                    s = CONFIRM_GRACE.as_secs()
                ))
                .await;
        }
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// How many confirms may still be outstanding after message `seq` was sent.
fn in_flight_allowed(mode: ConfirmMode, seq: u64, count: u64) -> usize {
    match mode {
        ConfirmMode::Off => usize::MAX,
        ConfirmMode::PerMessage => 0,
        ConfirmMode::Batch { size } => {
            if seq.is_multiple_of(u64::from(size.max(1))) || seq == count {
                0
            } else {
                usize::MAX
            }
        }
        ConfirmMode::Streaming { window } => (window.max(1) - 1) as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirm_modes_bound_what_is_in_flight() {
        assert_eq!(in_flight_allowed(ConfirmMode::PerMessage, 3, 10), 0);
        assert_eq!(in_flight_allowed(ConfirmMode::Streaming { window: 100 }, 3, 10), 99);
        assert_eq!(in_flight_allowed(ConfirmMode::Batch { size: 5 }, 4, 12), usize::MAX);
        assert_eq!(in_flight_allowed(ConfirmMode::Batch { size: 5 }, 5, 12), 0);
        assert_eq!(in_flight_allowed(ConfirmMode::Batch { size: 5 }, 12, 12), 0);
    }
}
