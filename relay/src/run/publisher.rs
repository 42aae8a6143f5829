//! A publisher actor: sends its messages at its rate, in its confirm mode, and reports every
//! publish, confirm and return the broker sent back.

use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use lapin::options::{BasicPublishOptions, ConfirmSelectOptions};
use lapin::types::{AMQPValue, LongString};
use lapin::{BasicProperties, Channel, Connection};
use lapin::{Confirmation, PublisherConfirm};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use warren_shared::{ConfirmMode, EventKind, Publisher, message_id};

use super::actors::{self, Actors};
use super::amqp::{self, ID_HEADER};
use super::emitter::Emitter;

/// How long a stopped publisher still waits for confirms of what it already sent.
const CONFIRM_GRACE: Duration = Duration::from_secs(5);

type Pending = Pin<Box<dyn Future<Output = (String, lapin::Result<Confirmation>)> + Send>>;

/// Run one publisher to completion.
pub async fn run(spec: Publisher, connection: Arc<Connection>, actors: Actors, emitter: Emitter) {
    actors::live(&spec.name, &spec.start, &actors, &emitter, || {
        publish_all(&spec, &connection, &actors, &emitter)
    })
    .await;
}

async fn publish_all(
    spec: &Publisher,
    connection: &Connection,
    actors: &Actors,
    emitter: &Emitter,
) -> lapin::Result<String> {
    let channel = connection.create_channel().await?;
    let confirms = spec.confirm.enabled() || spec.mandatory;
    if confirms {
        channel.confirm_select(ConfirmSelectOptions::default()).await?;
    }
    if spec.mandatory && !spec.confirm.enabled() {
        emitter
            .warn(format!(
                "{}: Warren's AMQP client shows basic.return only on a confirm channel, so this \
                 mandatory publisher's channel is in confirm mode; it sends without waiting, and collects the confirms when it has sent everything.",
                spec.name
            ))
            .await;
    }
    let stop = actors.get(&spec.name).map(|c| c.stop.clone()).unwrap_or_default();
    let mut pending: FuturesUnordered<Pending> = FuturesUnordered::new();
    let started = tokio::time::Instant::now();
    let mut reason = "finished".to_owned();
    let mut failed = None;

    for seq in 1..=spec.count {
        if let Some(rate) = spec.rate_per_sec {
            let due = started + Duration::from_secs_f64((seq - 1) as f64 / rate);
            tokio::select! {
                () = stop.cancelled() => {}
                () = tokio::time::sleep_until(due) => {}
            }
        }
        if stop.is_cancelled() {
            reason = "stopped".to_owned();
            break;
        }
        let id = message_id(&spec.name, seq);
        match send(&channel, spec, seq, &id).await {
            Ok(confirm) => {
                emit_published(spec, seq, &id, emitter).await;
                if confirms {
                    pending.push(Box::pin(async move { (id, confirm.await) }));
                }
            }
            Err(error) => {
                emitter
                    .emit(EventKind::PublishFailed {
                        publisher: spec.name.clone(),
                        id,
                        error: amqp::describe(&error),
                    })
                    .await;
                failed = Some(error);
                break;
            }
        }
        // Report whatever has arrived, then wait as long as the confirm mode demands.
        while let Some(Some((id, result))) = pending.next().now_or_never() {
            report_confirm(spec, id, result, emitter).await;
        }
        let keep = in_flight_allowed(spec.confirm, seq, spec.count);
        while pending.len() > keep {
            match pending.next().await {
                Some((id, result)) => report_confirm(spec, id, result, emitter).await,
                None => break,
            }
        }
    }
    // Collect the confirms still in flight; a stopped publisher gets a grace period.
    let drain = async {
        while let Some((id, result)) = pending.next().await {
            report_confirm(spec, id, result, emitter).await;
        }
    };
    if stop.is_cancelled() {
        if tokio::time::timeout(CONFIRM_GRACE, drain).await.is_err() {
            emitter
                .warn(format!(
                    "{}: some confirms had not arrived {} s after it stopped",
                    spec.name,
                    CONFIRM_GRACE.as_secs()
                ))
                .await;
        }
    } else {
        drain.await;
    }
    let _ = channel.close(200, "publisher done".into()).await;
    match failed {
        Some(error) => Err(error),
        None => Ok(reason),
    }
}

async fn send(channel: &Channel, spec: &Publisher, seq: u64, id: &str) -> lapin::Result<PublisherConfirm> {
    let mut headers = amqp::field_table(&spec.headers);
    headers.insert(ID_HEADER.into(), AMQPValue::LongString(LongString::from(id)));
    let mut properties = BasicProperties::default()
        .with_message_id(id.into())
        .with_headers(headers);
    if spec.persistent {
        properties = properties.with_delivery_mode(2);
    }
    if let Some(priority) = spec.priority.priority_for(seq) {
        properties = properties.with_priority(priority);
    }
    let body = spec.render_body(seq);
    channel
        .basic_publish(
            amqp::short(&spec.exchange),
            amqp::short(&spec.routing_key),
            BasicPublishOptions {
                mandatory: spec.mandatory,
                immediate: false,
            },
            body.as_bytes(),
            properties,
        )
        .await
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

async fn emit_published(spec: &Publisher, seq: u64, id: &str, emitter: &Emitter) {
    emitter
        .emit(EventKind::Published {
            publisher: spec.name.clone(),
            id: id.to_owned(),
            exchange: spec.exchange.clone(),
            routing_key: spec.routing_key.clone(),
            priority: spec.priority.priority_for(seq),
            persistent: spec.persistent,
            mandatory: spec.mandatory,
        })
        .await;
}

async fn report_confirm(spec: &Publisher, id: String, result: lapin::Result<Confirmation>, emitter: &Emitter) {
    let confirmation = match result {
        Ok(confirmation) => confirmation,
        Err(error) => {
            emitter
                .warn(format!(
                    "{}: no confirm for {id}: {}",
                    spec.name,
                    amqp::describe(&error)
                ))
                .await;
            return;
        }
    };
    let ack = match &confirmation {
        Confirmation::Ack(_) => true,
        Confirmation::Nack(_) => false,
        Confirmation::NotRequested => return,
    };
    if let Some(returned) = confirmation.take_message() {
        emitter
            .emit(EventKind::Returned {
                publisher: spec.name.clone(),
                id: id.clone(),
                reply_code: returned.reply_code,
                reply_text: returned.reply_text.as_str().to_owned(),
                exchange: returned.delivery.exchange.as_str().to_owned(),
                routing_key: returned.delivery.routing_key.as_str().to_owned(),
            })
            .await;
    }
    if spec.confirm.enabled() {
        emitter
            .emit(EventKind::Confirmed {
                publisher: spec.name.clone(),
                id,
                ack,
            })
            .await;
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
