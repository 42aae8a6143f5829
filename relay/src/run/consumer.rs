//! A consumer actor: consumes one queue with its prefetch and ack mode, works on each message for
//! its processing time, then acks, nacks or rejects it by its rules.

use futures_util::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions, BasicRejectOptions,
};
use lapin::types::FieldTable;
use lapin::{Channel, Connection};
use std::sync::Arc;
use std::time::Duration;
use warren_shared::event::Settlement;
use warren_shared::{AckMode, Consumer, EventKind, RuleAction};

use super::actors::{self, Actors};
use super::amqp::{self, ID_HEADER};
use super::emitter::Emitter;

/// Run one consumer until it is stopped, reaches `stop_after`, or the broker cancels it.
pub async fn run(spec: Consumer, connection: Arc<Connection>, actors: Actors, emitter: Emitter) {
    actors::live(&spec.name, &spec.start, &actors, &emitter, || {
        consume(&spec, &connection, &actors, &emitter)
    })
    .await;
}

async fn consume(
    spec: &Consumer,
    connection: &Connection,
    actors: &Actors,
    emitter: &Emitter,
) -> lapin::Result<String> {
    let channel = connection.create_channel().await?;
    if spec.prefetch > 0 {
        channel.basic_qos(spec.prefetch, BasicQosOptions::default()).await?;
    }
    let no_ack = spec.ack == AckMode::Auto;
    let mut stream = channel
        .basic_consume(
            amqp::short(&spec.queue),
            amqp::short(&spec.name),
            BasicConsumeOptions {
                no_ack,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    let stop = actors.get(&spec.name).map(|c| c.stop.clone()).unwrap_or_default();
    let mut received = 0_u64;
    let reason = loop {
        let next = tokio::select! {
            () = stop.cancelled() => break "stopped".to_owned(),
            next = stream.next() => next,
        };
        let delivery = match next {
            Some(Ok(delivery)) => delivery,
            Some(Err(error)) => break format!("consumer error: {}", amqp::describe(&error)),
            None => break "cancelled by the broker".to_owned(),
        };
        received += 1;
        actors.touch(emitter.now_ms());
        handle(spec, &delivery, received, no_ack, emitter).await?;
        if spec.stop_after.is_some_and(|n| received >= n) {
            break format!("finished after {received} messages");
        }
    };
    close(&channel, &spec.name).await;
    Ok(reason)
}

async fn handle(spec: &Consumer, delivery: &Delivery, nth: u64, no_ack: bool, emitter: &Emitter) -> lapin::Result<()> {
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
            delivery.ack(BasicAckOptions::default()).await?;
            (Settlement::Ack, false)
        }
        Some(rule) if rule.action == RuleAction::Nack => {
            delivery
                .nack(BasicNackOptions {
                    multiple: false,
                    requeue: rule.requeue,
                })
                .await?;
            (Settlement::Nack, rule.requeue)
        }
        Some(rule) => {
            delivery.reject(BasicRejectOptions { requeue: rule.requeue }).await?;
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
