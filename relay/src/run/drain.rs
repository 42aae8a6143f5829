//! After the run: read what is still in each queue, so that messages waiting in a queue are
//! told apart from messages that were really lost.

use futures_util::StreamExt;
use lapin::Connection;
use lapin::options::BasicConsumeOptions;
use lapin::types::FieldTable;
use std::time::Duration;
use warren_shared::EventKind;
use warren_shared::say;
use warren_shared::sentences::relay as say;

use super::amqp;
use super::consumer::warren_id;
use super::emitter::Emitter;

/// Longest wait for the next message while draining one queue.
const NEXT_MESSAGE_TIMEOUT: Duration = Duration::from_secs(2);

/// Drain every listed queue and emit `left_in_queue` for each one that held messages.
pub async fn drain_all(connection: &Connection, queues: &[String], emitter: &Emitter) {
    for queue in queues {
        match drain(connection, queue).await {
            Ok(ids) if ids.is_empty() => {}
            Ok(ids) => {
                emitter
                    .emit(EventKind::LeftInQueue {
                        queue: queue.clone(),
                        ids,
                    })
                    .await
            }
            Err(error) if amqp::broker_refusal(&error).is_some_and(|(code, _)| code == 404) => {
                emitter.warn(say!(say::QUEUE_GONE_AT_END, queue)).await;
            }
            Err(error) => {
                emitter
                    .warn(say!(say::LEFT_UNREADABLE, queue, error = amqp::describe(&error)))
                    .await;
            }
        }
    }
}

async fn drain(connection: &Connection, queue: &str) -> lapin::Result<Vec<String>> {
    let channel = connection.create_channel().await?;
    let count = amqp::ready_count(&channel, queue).await? as usize;
    let mut ids = Vec::with_capacity(count);
    if count > 0 {
        let mut stream = channel
            .basic_consume(
                amqp::short(queue),
                "warren-drain".into(),
                BasicConsumeOptions {
                    no_ack: true,
                    ..BasicConsumeOptions::default()
                },
                FieldTable::default(),
            )
            .await?;
        while ids.len() < count {
            match tokio::time::timeout(NEXT_MESSAGE_TIMEOUT, stream.next()).await {
                Ok(Some(Ok(delivery))) => ids.push(warren_id(&delivery)),
                Ok(Some(Err(error))) => return Err(error),
                Ok(None) | Err(_) => break,
            }
        }
    }
    let _ = channel.close(200, "drained".into()).await;
    Ok(ids)
}
