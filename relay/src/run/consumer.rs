//! A consumer actor: consumes one queue with its prefetch and ack mode, works on each message for
//! its processing time, then acks, nacks or rejects it by its rules. It stops when RabbitMQ
//! closes its channel (refusing its subscription or an acknowledgement), and consumes again
//! after a cancel or a failed connection.

use futures_util::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions, BasicRejectOptions,
};
use lapin::{Channel, Connection};
use std::sync::Arc;
use std::time::Duration;
use warren_shared::event::Settlement;
use warren_shared::say;
use warren_shared::sentences::relay as say;
use warren_shared::{AckMode, Consumer, EventKind, RuleAction};

use super::actors::{self, Actors};
use super::amqp::{self, ID_HEADER};
use super::emitter::Emitter;
use super::link::{Link, unless_lost};
use tokio_util::sync::CancellationToken;

/// Pause before consuming again after a cancel or while the queue is unavailable.
const RESUBSCRIBE_DELAY: Duration = Duration::from_millis(500);
/// How often a waiting consumer checks that its connection and channel are still open.
const HEALTH_CHECK: Duration = Duration::from_millis(500);

/// Run one consumer until it is stopped or reaches `stop_after`. When the broker cancels it
/// (its queue's leader moved) or the connection fails, it consumes again once it can.
pub async fn run(spec: Consumer, link: Arc<Link>, actors: Actors, emitter: Emitter) {
    let stop = actors.get(&spec.name).map(|c| c.stop.clone()).unwrap_or_default();
    actors::live(&spec.name, &spec.start, &actors, &emitter, &link, || {
        consume(&spec, &link, &actors, &emitter, &stop)
    })
    .await;
}

/// Why one subscription ended.
enum End {
    Stopped,
    Finished(u64),
    CancelledByBroker,
    /// RabbitMQ closed the channel: the error carries its words.
    ClosedByBroker(lapin::Error),
    Broken(String),
}

async fn consume(
    spec: &Consumer,
    link: &Link,
    actors: &Actors,
    emitter: &Emitter,
    stop: &CancellationToken,
) -> lapin::Result<String> {
    let mut connection = link.connection().await;
    let mut received = 0_u64;
    let mut first = true;
    loop {
        let (channel, mut stream) = match unless_lost(&connection, subscribe(spec, &connection)).await {
            Ok(subscription) => subscription,
            Err(error) if first => return Err(error),
            Err(error) => {
                let reason = amqp::describe(&error);
                if let Some(close) = link.channel_closed(&error) {
                    actors::report_close(&spec.name, &close, emitter).await;
                }
                if !connection.status().connected() {
                    match link.recover(&connection, reason, stop).await {
                        Some(recovered) => connection = recovered,
                        None => return Ok(say::STOPPED.to_owned()),
                    }
                } else {
                    emitter
                        .emit(EventKind::QueueUnavailable {
                            queue: spec.queue.clone(),
                            reason,
                        })
                        .await;
                    if pause(stop).await {
                        return Ok(say::STOPPED.to_owned());
                    }
                }
                continue;
            }
        };
        if !first {
            emitter
                .emit(EventKind::Reconsumed {
                    consumer: spec.name.clone(),
                    queue: spec.queue.clone(),
                })
                .await;
        }
        first = false;
        let no_ack = spec.ack == AckMode::Auto;
        let mut health = tokio::time::interval(HEALTH_CHECK);
        let end = loop {
            let next = tokio::select! {
                // A stopped consumer takes no further delivery, even one that is already waiting.
                biased;
                () = stop.cancelled() => break End::Stopped,
                next = stream.next() => next,
                // A stream on a connection that died does not always end: look as well.
                _ = health.tick() => {
                    if connection.status().connected() && channel.status().connected() {
                        continue;
                    }
                    break End::Broken(say::CONNECTION_LOST.to_owned());
                }
            };
            let delivery = match next {
                Some(Ok(delivery)) => delivery,
                Some(Err(error)) => break broken(error),
                None if connection.status().connected() && channel.status().connected() => {
                    break End::CancelledByBroker;
                }
                None => break End::Broken(say::CONNECTION_CLOSED.to_owned()),
            };
            received += 1;
            actors.touch(emitter.now_ms());
            if let Err(error) = handle(spec, &connection, &delivery, received, no_ack, emitter).await {
                break broken(error);
            }
            if spec.stop_after.is_some_and(|n| received >= n) {
                break End::Finished(received);
            }
        };
        match end {
            End::Stopped => {
                close(&channel, &spec.name).await;
                return Ok(say::STOPPED.to_owned());
            }
            End::Finished(n) => {
                close(&channel, &spec.name).await;
                return Ok(say!(say::FINISHED_AFTER, n));
            }
            End::CancelledByBroker => {
                emitter
                    .emit(EventKind::ConsumerCancelled {
                        consumer: spec.name.clone(),
                        queue: spec.queue.clone(),
                    })
                    .await;
                let _ = channel.close(200, "consumer cancelled".into()).await;
                if pause(stop).await {
                    return Ok(say::STOPPED.to_owned());
                }
            }
            End::ClosedByBroker(error) => return Err(error),
            End::Broken(reason) => match link.recover(&connection, reason, stop).await {
                Some(recovered) => connection = recovered,
                None => return Ok(say::STOPPED.to_owned()),
            },
        }
    }
}

/// How a subscription ends on `error`: RabbitMQ closing the channel ends the consumer, anything
/// else is a connection to recover.
fn broken(error: lapin::Error) -> End {
    if error.is_amqp_soft_error() {
        End::ClosedByBroker(error)
    } else {
        End::Broken(amqp::describe(&error))
    }
}

/// Wait [`RESUBSCRIBE_DELAY`]; returns `true` when stopped meanwhile.
async fn pause(stop: &CancellationToken) -> bool {
    tokio::select! {
        () = stop.cancelled() => true,
        () = tokio::time::sleep(RESUBSCRIBE_DELAY) => false,
    }
}

/// A channel with this consumer's prefetch, consuming its queue.
async fn subscribe(spec: &Consumer, connection: &Connection) -> lapin::Result<(Channel, lapin::Consumer)> {
    let channel = connection.create_channel().await?;
    if spec.prefetch > 0 {
        channel.basic_qos(spec.prefetch, BasicQosOptions::default()).await?;
    }
    let stream = channel
        .basic_consume(
            amqp::short(&spec.queue),
            amqp::short(&spec.name),
            BasicConsumeOptions {
                no_ack: spec.ack == AckMode::Auto,
                ..BasicConsumeOptions::default()
            },
            amqp::field_table(&spec.arguments),
        )
        .await?;
    Ok((channel, stream))
}

async fn handle(
    spec: &Consumer,
    connection: &Connection,
    delivery: &Delivery,
    nth: u64,
    no_ack: bool,
    emitter: &Emitter,
) -> lapin::Result<()> {
    let id = warren_id(delivery);
    let priority = *delivery.properties.priority();
    emitter
        .emit(EventKind::Delivered {
            consumer: spec.name.clone(),
            queue: spec.queue.clone(),
            id: id.clone(),
            redelivered: delivery.redelivered,
            priority,
            exchange: delivery.exchange.as_str().to_owned(),
            routing_key: delivery.routing_key.as_str().to_owned(),
        })
        .await;
    if let Some((from_queue, reason)) = delivery.properties.headers().as_ref().and_then(amqp::first_death) {
        emitter
            .emit(EventKind::DeadLettered {
                id: id.clone(),
                from_queue,
                reason,
                seen_in: spec.queue.clone(),
            })
            .await;
    }
    if spec.processing_ms > 0 {
        tokio::time::sleep(Duration::from_millis(spec.processing_ms)).await;
    }
    if no_ack {
        return Ok(());
    }
    let rule = spec.rule_for(nth, priority, delivery.redelivered);
    let (action, requeue) = match rule {
        None => {
            unless_lost(connection, delivery.ack(BasicAckOptions::default())).await?;
            (Settlement::Ack, false)
        }
        Some(rule) if rule.action == RuleAction::Nack => {
            let nack = delivery.nack(BasicNackOptions {
                multiple: false,
                requeue: rule.requeue,
            });
            unless_lost(connection, nack).await?;
            (Settlement::Nack, rule.requeue)
        }
        Some(rule) => {
            unless_lost(
                connection,
                delivery.reject(BasicRejectOptions { requeue: rule.requeue }),
            )
            .await?;
            (Settlement::Reject, rule.requeue)
        }
    };
    emitter
        .emit(EventKind::Settled {
            consumer: spec.name.clone(),
            queue: spec.queue.clone(),
            id,
            action,
            requeue,
        })
        .await;
    Ok(())
}

/// The Warren id of a delivery: `message_id`, else the id header, else a marker naming the tag.
pub fn warren_id(delivery: &Delivery) -> String {
    if let Some(id) = delivery.properties.message_id() {
        return id.as_str().to_owned();
    }
    delivery
        .properties
        .headers()
        .as_ref()
        .and_then(|h| h.inner().get(ID_HEADER).and_then(amqp::as_text))
        .unwrap_or_else(|| format!("unknown (delivery tag {})", delivery.delivery_tag))
}

async fn close(channel: &Channel, tag: &str) {
    let _ = channel
        .basic_cancel(amqp::short(tag), BasicCancelOptions::default())
        .await;
    // Closing the channel hands unacknowledged messages back to the queue.
    let _ = channel.close(200, "consumer done".into()).await;
}
