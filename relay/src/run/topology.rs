//! Declaring a scenario's policies, exchanges, queues and bindings in the run's vhost.

use lapin::ExchangeKind;
use lapin::options::{ExchangeBindOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{Channel, Connection, ConnectionProperties};
use warren_shared::event::EntityKind;
use warren_shared::say;
use warren_shared::scenario::{DestinationType, ExchangeType, QueueType};
use warren_shared::sentences::relay as say;
use warren_shared::{EventKind, Scenario};

use super::amqp;
use super::emitter::Emitter;
use super::link;
use crate::broker::NodeEndpoint;
use crate::broker::management::{Management, ManagementError};

/// The broker refused a declaration; the run must end without starting actors.
#[derive(Debug)]
pub struct Refusal;

/// Declare everything, emitting `declared` for each entity, or `refused` for the first one the
/// broker refuses (after which the channel is closed by the broker and nothing more is tried).
pub async fn declare(
    scenario: &Scenario,
    channel: &Channel,
    management: &Management,
    nodes: &[NodeEndpoint],
    vhost: &str,
    emitter: &Emitter,
) -> Result<(), Refusal> {
    for policy in &scenario.policies {
        match management.set_policy(vhost, policy).await {
            Ok(()) => declared(emitter, EntityKind::Policy, &policy.name).await,
            Err(error) => {
                let (code, text) = match &error {
                    ManagementError::Status { status, body, .. } => (*status, body.clone()),
                    other => (0, other.to_string()),
                };
                return refused(emitter, EntityKind::Policy, &policy.name, code, text).await;
            }
        }
    }
    for exchange in &scenario.exchanges {
        let options = ExchangeDeclareOptions {
            passive: false,
            durable: exchange.durable,
            auto_delete: exchange.auto_delete,
            internal: exchange.internal,
            nowait: false,
        };
        let result = channel
            .exchange_declare(
                amqp::short(&exchange.name),
                exchange_kind(exchange.kind),
                options,
                amqp::field_table(&exchange.arguments),
            )
            .await;
        check(result, emitter, EntityKind::Exchange, &exchange.name).await?;
    }
    for queue in &scenario.queues {
        let mut arguments = amqp::field_table(&queue.arguments);
        if queue.kind == QueueType::Quorum {
            arguments.insert("x-queue-type".into(), AMQPValue::LongString(LongString::from("quorum")));
        }
        let options = QueueDeclareOptions {
            passive: false,
            durable: queue.durable,
            exclusive: queue.exclusive,
            auto_delete: queue.auto_delete,
            nowait: false,
        };
        let name = amqp::short(&queue.name);
        let result = match queue.node.as_deref().map(|n| (n, nodes.iter().find(|e| e.name == n))) {
            None => channel.queue_declare(name, options, arguments).await.map(|_| ()),
            Some((_, Some(node))) => declare_on_node(node, vhost, name, options, arguments).await,
            Some((node, None)) => {
                emitter.warn(say!(say::UNKNOWN_ADDRESS, queue = queue.name, node)).await;
                channel.queue_declare(name, options, arguments).await.map(|_| ())
            }
        };
        check(result, emitter, EntityKind::Queue, &queue.name).await?;
    }
    for binding in &scenario.bindings {
        let arguments = amqp::field_table(&binding.arguments);
        let result = match binding.destination_type {
            DestinationType::Queue => {
                channel
                    .queue_bind(
                        amqp::short(&binding.destination),
                        amqp::short(&binding.source),
                        amqp::short(&binding.routing_key),
                        QueueBindOptions::default(),
                        arguments,
                    )
                    .await
            }
            DestinationType::Exchange => {
                channel
                    .exchange_bind(
                        amqp::short(&binding.destination),
                        amqp::short(&binding.source),
                        amqp::short(&binding.routing_key),
                        ExchangeBindOptions::default(),
                        arguments,
                    )
                    .await
            }
        };
        check(result, emitter, EntityKind::Binding, &binding.label()).await?;
    }
    Ok(())
}

/// Declare a queue through a short connection to `node`: RabbitMQ puts a new queue's leader on
/// the node its declaring client is connected to.
async fn declare_on_node(
    node: &NodeEndpoint,
    vhost: &str,
    name: ShortString,
    options: QueueDeclareOptions,
    arguments: FieldTable,
) -> lapin::Result<()> {
    let url = link::client_url(&node.amqp_url_for_vhost(vhost));
    let connection = Connection::connect(&url, ConnectionProperties::default())
        .await
        .map_err(|error| match amqp::broker_refusal(&error) {
            Some(_) => error,
            None => lapin::Error::from(std::io::Error::other(format!(
                "could not connect to node {} to declare the queue there (is the node running?): {}",
                node.name,
                amqp::describe(&error)
            ))),
        })?;
    let result = async {
        let channel = connection.create_channel().await?;
        channel.queue_declare(name, options, arguments).await.map(|_| ())
    }
    .await;
    let _ = connection.close(200, "declared".into()).await;
    result
}

fn exchange_kind(kind: ExchangeType) -> ExchangeKind {
    match kind {
        ExchangeType::Direct => ExchangeKind::Direct,
        ExchangeType::Fanout => ExchangeKind::Fanout,
        ExchangeType::Topic => ExchangeKind::Topic,
        ExchangeType::Headers => ExchangeKind::Headers,
    }
}

async fn check(result: lapin::Result<()>, emitter: &Emitter, entity: EntityKind, name: &str) -> Result<(), Refusal> {
    match result {
        Ok(()) => {
            declared(emitter, entity, name).await;
            Ok(())
        }
        Err(error) => {
            let (code, text) = amqp::broker_refusal(&error).unwrap_or((0, error.to_string()));
            refused(emitter, entity, name, code, text).await
        }
    }
}

async fn declared(emitter: &Emitter, entity: EntityKind, name: &str) {
    emitter
        .emit(EventKind::Declared {
            entity,
            name: name.to_owned(),
        })
        .await;
}

async fn refused(emitter: &Emitter, entity: EntityKind, name: &str, code: u16, text: String) -> Result<(), Refusal> {
    emitter
        .emit(EventKind::Refused {
            entity,
            name: name.to_owned(),
            code,
            text,
        })
        .await;
    Err(Refusal)
}
