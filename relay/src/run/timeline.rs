//! Executing the scenario's timeline steps at their times.

use crate::broker::faults::NodeFaults;
use lapin::options::QueuePurgeOptions;
use std::sync::Arc;
use warren_shared::event::{EntityKind, NodeAction};
use warren_shared::say;
use warren_shared::sentences::relay as say;
use warren_shared::{EventKind, Step};

use super::actors::{Actors, Phase};
use super::amqp;
use super::emitter::Emitter;
use super::link::Link;
use super::proxy::CutHandle;
use crate::broker::management::Management;
use std::time::Duration;

/// What a step needs to act on the run.
pub struct StepContext {
    /// The run's connection.
    pub link: Arc<Link>,
    /// Cuts the run's connections (present when the timeline has a cut).
    pub proxy: Option<CutHandle>,
    /// Stops, kills and starts nodes, when this relay may (validation refuses such steps otherwise).
    pub faults: Option<NodeFaults>,
    /// The management API.
    pub management: Management,
    /// The run's vhost.
    pub vhost: String,
    /// The run's actors.
    pub actors: Actors,
    /// Event output.
    pub emitter: Emitter,
}

/// Run every step at its time, in time order (steps at the same time in document order).
pub async fn run(steps: Vec<Step>, ctx: StepContext) {
    let mut order: Vec<(usize, Step)> = steps.into_iter().enumerate().collect();
    order.sort_by_key(|(index, step)| (step.at_ms(), *index));
    for (index, step) in order {
        tokio::time::sleep_until(ctx.emitter.at(step.at_ms())).await;
        execute(index, &step, &ctx).await;
        ctx.actors.touch(ctx.emitter.now_ms());
    }
}

async fn execute(index: usize, step: &Step, ctx: &StepContext) {
    let emitter = &ctx.emitter;
    let mut description = step.describe();
    match step {
        Step::Start { actor, .. } => match (ctx.actors.get(actor), ctx.actors.phase(actor)) {
            (Some(control), Some(Phase::Waiting)) => control.start_now.notify_one(),
            _ => description = say!(say::SKIPPED_STARTED, step = description),
        },
        Step::Stop { actor, .. } => match (ctx.actors.get(actor), ctx.actors.phase(actor)) {
            (Some(control), Some(Phase::Running | Phase::Waiting)) => control.stop.cancel(),
            _ => description = say!(say::SKIPPED_FINISHED, step = description),
        },
        Step::Purge { queue, .. } => {
            let purged = async {
                let channel = ctx.link.connection().await.create_channel().await?;
                let count = channel
                    .queue_purge(amqp::short(queue), QueuePurgeOptions::default())
                    .await?;
                let _ = channel.close(200, "purged".into()).await;
                Ok::<_, lapin::Error>(count)
            };
            match purged.await {
                Ok(messages) => {
                    emitter
                        .emit(EventKind::QueuePurged {
                            queue: queue.clone(),
                            messages,
                        })
                        .await;
                }
                Err(error) => {
                    // RabbitMQ's words, if it closed the channel, are in the warning: nobody
                    // else is to be given them.
                    let _ = ctx.link.channel_closed(&error);
                    emitter
                        .warn(say!(say::PURGE_FAILED, queue, error = amqp::describe(&error)))
                        .await;
                }
            }
        }
        Step::ApplyPolicy { policy, .. } => match ctx.management.set_policy(&ctx.vhost, policy).await {
            Ok(()) => {
                emitter
                    .emit(EventKind::Declared {
                        entity: EntityKind::Policy,
                        name: policy.name.clone(),
                    })
                    .await;
            }
            Err(error) => {
                emitter
                    .warn(say!(say::APPLY_POLICY_FAILED, name = policy.name, error))
                    .await
            }
        },
        Step::CutConnections { duration_ms, .. } => {
            if let Some(proxy) = &ctx.proxy {
                proxy.cut(Duration::from_millis(*duration_ms));
            }
            emitter
                .emit(EventKind::ConnectionsCut {
                    duration_ms: *duration_ms,
                })
                .await;
        }
        Step::StopNode { node, .. } | Step::KillNode { node, .. } | Step::StartNode { node, .. } => {
            // A node takes seconds to stop or start: the step is logged when it begins, the
            // node_fault event when it has taken effect.
            emitter.emit(EventKind::StepExecuted { index, description }).await;
            let action = match step {
                Step::StopNode { .. } => NodeAction::Stop,
                Step::KillNode { .. } => NodeAction::Kill,
                _ => NodeAction::Start,
            };
            node_fault(ctx, node, action).await;
            return;
        }
        Step::ClearPolicy { name, .. } => {
            if let Err(error) = ctx.management.clear_policy(&ctx.vhost, name).await {
                emitter.warn(say!(say::CLEAR_POLICY_FAILED, name, error)).await;
            }
        }
    }
    emitter.emit(EventKind::StepExecuted { index, description }).await;
}

/// Apply a node fault and report it; a refusal or failure is reported, never hidden.
async fn node_fault(ctx: &StepContext, node: &str, action: NodeAction) {
    let started = ctx.emitter.now_ms();
    let result = match &ctx.faults {
        None => Err(say::NO_FAULTS.to_owned()),
        Some(faults) => match action {
            NodeAction::Stop => faults.stop_node(node).await,
            NodeAction::Kill => faults.kill_node(node).await,
            NodeAction::Start => faults.start_node(node).await,
        }
        .map_err(|error| error.to_string()),
    };
    let took = ctx.emitter.now_ms().saturating_sub(started);
    let (ok, message) = match result {
        Ok(()) => (
            true,
            match action {
                NodeAction::Stop => say!(say::NODE_STOPPED, node, ms = took),
                NodeAction::Kill => say!(say::NODE_CRASHED, node),
                NodeAction::Start => say!(say::NODE_RUNNING_AGAIN, node, ms = took),
            },
        ),
        Err(error) => (false, error),
    };
    ctx.emitter
        .emit(EventKind::NodeFault {
            node: node.to_owned(),
            action,
            ok,
            message,
        })
        .await;
}
