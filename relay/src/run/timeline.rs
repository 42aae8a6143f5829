//! Executing the scenario's timeline steps at their times.

use lapin::Connection;
use lapin::options::QueuePurgeOptions;
use std::sync::Arc;
use warren_shared::event::EntityKind;
use warren_shared::{EventKind, Step};

use super::actors::{Actors, Phase};
use super::amqp;
use super::emitter::Emitter;
use crate::broker::management::Management;

/// What a step needs to act on the run.
pub struct StepContext {
    /// The run's connection.
    pub connection: Arc<Connection>,
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
            _ => description.push_str(" (skipped: it had already started or finished)"),
        },
        Step::Stop { actor, .. } => match (ctx.actors.get(actor), ctx.actors.phase(actor)) {
            (Some(control), Some(Phase::Running | Phase::Waiting)) => control.stop.cancel(),
            _ => description.push_str(" (skipped: it had already finished)"),
        },
        Step::Purge { queue, .. } => {
            let purged = async {
                let channel = ctx.connection.create_channel().await?;
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
                    emitter
                        .warn(format!("could not purge {queue}: {}", amqp::describe(&error)))
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
                    .warn(format!("could not apply policy {}: {error}", policy.name))
                    .await
            }
        },
        Step::ClearPolicy { name, .. } => {
            if let Err(error) = ctx.management.clear_policy(&ctx.vhost, name).await {
                emitter.warn(format!("could not clear policy {name}: {error}")).await;
            }
        }
    }
    emitter.emit(EventKind::StepExecuted { index, description }).await;
}
