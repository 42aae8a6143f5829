//! Running one scenario on the broker, from its own vhost to its summary.
//!
//! # Layout
//! - [`emitter`]: the run clock and the event channel every actor writes to.
//! - [`actors`]: start gates, phases and stop tokens of publishers and consumers.
//! - [`topology`]: declaring policies, exchanges, queues and bindings.
//! - [`publisher`], [`consumer`]: the actors.
//! - [`timeline`]: steps at fixed times.
//! - [`depths`]: queue depths read over AMQP as they change, merged with [`snapshots`]: queue
//!   state from the management API.
//! - [`drain`]: what was left in the queues at the end.
//! - [`link`]: the run's connection and its recovery; [`proxy`]: the TCP proxy that lets a step
//!   cut it.
//! - [`closes`]: RabbitMQ's reply code and text when it closed a channel or the connection.
//! - [`amqp`]: conversions between scenario values and AMQP.
//! - [`version`]: warnings for features this broker version ignores.
//!
//! A run always happens in a vhost of its own (named by [`crate::vhost`]), never shared and never
//! used again, and deleted on every path (completed, refused, stopped, failed, or the client
//! gone), so runs never see each other. [`execute`] creates and deletes it; a serving relay hands
//! [`execute_in`] one its pool made ready and deletes it in the background.

pub mod actors;
pub mod amqp;
pub mod closes;
pub mod consumer;
pub mod depths;
pub mod drain;
pub mod emitter;
pub mod link;
pub mod proxy;
pub mod publisher;
pub mod snapshots;
pub mod timeline;
pub mod topology;
pub mod version;

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use warren_shared::say;
use warren_shared::sentences::relay as say;
use warren_shared::{BrokerInfo, Event, EventKind, Outcome, Scenario, Step, Summary, SummaryBuilder};

use crate::broker::address::{BrokerUrl, DEFAULT_AMQP_PORT, redact};
use crate::broker::management::ManagementError;
use crate::connect::Broker;
use crate::vhost::{self, pool::ReadyVhost};
use actors::{Actors, Phase};
use emitter::Emitter;
use link::Link;
use proxy::Proxy;

/// Capacity of the channel from actors to the collector.
const EVENT_BUFFER: usize = 4096;
/// How often the run checks whether it is over.
const END_CHECK: Duration = Duration::from_millis(50);
/// How long actors get to wind down once the run is over.
const WIND_DOWN: Duration = Duration::from_secs(10);
/// How long past its time limit a run may still wait for the broker (winding down, draining,
/// restarting stopped nodes) before it is abandoned.
const STUCK_GRACE: Duration = Duration::from_secs(120);
/// How long a stopped run may take to wind down before it is abandoned.
const STOP_GRACE: Duration = Duration::from_secs(30);

/// Why a run could not start. Once it has started, problems become events instead.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The run's vhost could not be created.
    #[error("{}", say!(say::VHOST_FAILED, error = .0))]
    Vhost(#[source] ManagementError),
    /// The AMQP connection could not be opened.
    #[error("{}", say!(say::CONNECT_FAILED, url = .url, reason = .reason))]
    Connect {
        /// The URL without credentials.
        url: String,
        /// The client's error.
        reason: String,
    },
}

/// Run a validated scenario in a vhost of its own ([`vhost::for_run`]), created first and deleted
/// last: declare, run the actors and the timeline, take snapshots, and stream every event to
/// `out`; returns the summary. `cancel` stops the run early (its vhost is still deleted). If
/// `out` closes, the run goes on to clean up. A serving relay instead takes a ready vhost and
/// deletes it in the background ([`execute_in`]).
pub async fn execute(
    scenario: &Scenario,
    broker: &Broker,
    run_id: &str,
    out: mpsc::Sender<Event>,
    cancel: CancellationToken,
) -> Result<Summary, RunError> {
    execute_as(scenario, broker, run_id, None, out, cancel).await
}

/// [`execute`], in a vhost named after `relay` when the caller holds that relay's lease (as
/// `warren run` does), so that a sweep deletes it as soon as the process is gone.
pub async fn execute_as(
    scenario: &Scenario,
    broker: &Broker,
    run_id: &str,
    relay: Option<&vhost::RelayId>,
    out: mpsc::Sender<Event>,
    cancel: CancellationToken,
) -> Result<Summary, RunError> {
    let vhost = match relay {
        Some(relay) => vhost::new_vhost(Some(relay)),
        None => vhost::for_run(run_id),
    };
    let management = broker.management.clone();
    if let Err(error) = management
        .create_vhost(&vhost, &format!("Warren run {run_id}: deleted when the run ends"))
        .await
    {
        // RabbitMQ may have made the vhost before failing (a node down while it was set up on
        // every node, the permissions refused): take it away again, unless the API is out of reach.
        if !matches!(error, ManagementError::Unreachable { .. }) {
            let _ = management.delete_vhost(&vhost).await;
        }
        return Err(RunError::Vhost(error));
    }
    let ready = ReadyVhost {
        name: vhost.clone(),
        connection: None,
    };
    let result = execute_in(scenario, broker, run_id, ready, out, cancel).await;
    if let Err(error) = management.delete_vhost(&vhost).await {
        tracing::warn!(%vhost, %error, "could not delete a run's vhost; a later sweep removes it");
    }
    result
}

/// [`execute`] in `ready`, a vhost that exists and is empty, over the connection already open on
/// it when there is one (and it is still open); the caller deletes the vhost afterwards.
pub async fn execute_in(
    scenario: &Scenario,
    broker: &Broker,
    run_id: &str,
    ready: ReadyVhost,
    out: mpsc::Sender<Event>,
    cancel: CancellationToken,
) -> Result<Summary, RunError> {
    let vhost = ready.name.as_str();
    let connect_error = |reason: String| RunError::Connect {
        url: redact(&broker.endpoints.amqp_url),
        reason,
    };
    let mut url = broker.endpoints.amqp_url_for_vhost(vhost);
    // Only a run that cuts its connections goes through the proxy; the others talk to the broker
    // directly and pay nothing for it.
    let cuts = scenario
        .timeline
        .iter()
        .any(|step| matches!(step, Step::CutConnections { .. }));
    let proxy = if cuts {
        let target = BrokerUrl::parse(&url).map_err(|_| connect_error(say::NO_HOST.to_owned()))?;
        let proxy = Proxy::start(target.host_port(DEFAULT_AMQP_PORT))
            .await
            .map_err(|error| connect_error(say!(say::PROXY_FAILED, error)))?;
        url = target.with_address(proxy.addr());
        Some(proxy)
    } else {
        None
    };
    // A connection opened ahead serves unless the run's connection must go through the proxy.
    let opened = match ready.connection {
        Some(connection) if proxy.is_none() && connection.status().connected() => Some(connection),
        Some(connection) => {
            link::close_quietly(&connection, "the run connects through its own proxy").await;
            None
        }
        None => None,
    };
    let (tx, rx) = mpsc::channel(EVENT_BUFFER);
    let emitter = Emitter::new(tx);
    // The connection and the broker's overview are asked for together. A run that stops or
    // starts nodes reads the nodes afresh; the others share a recent reading.
    let reading = async {
        if scenario.timeline.iter().any(Step::is_node_fault) {
            broker.management.overview().await
        } else {
            broker.recent_overview().await
        }
    };
    let name = format!("warren run {run_id}");
    let opening = async {
        match opened {
            Some(connection) => Ok(Link::adopt(url, name, connection, emitter.clone())),
            None => Link::open(url, name, emitter.clone()).await,
        }
    };
    let (link, overview) = tokio::join!(opening, reading);
    let link = link.map_err(|error| connect_error(amqp::describe(&error)))?;
    let collector = tokio::spawn(collect(rx, out, SummaryBuilder::for_scenario(scenario)));
    let info = overview.unwrap_or_else(|error| BrokerInfo {
        version: format!("unknown ({error})"),
        erlang_version: String::new(),
        cluster_name: String::new(),
        nodes: Vec::new(),
    });
    let warnings = version::warnings(scenario, &info.version);
    emitter
        .emit(EventKind::RunStarted {
            run_id: run_id.to_owned(),
            vhost: vhost.to_owned(),
            broker: info,
        })
        .await;
    for warning in warnings {
        emitter.warn(warning).await;
    }

    let link = Arc::new(link);
    let (outcome, message) =
        drive_within_limits(scenario, broker, &link, proxy.as_ref(), vhost, &emitter, &cancel).await;
    emitter.emit(EventKind::RunFinished { outcome, message }).await;
    drop(emitter);
    // The run is over: its connection is closed in the background, so that the summary (and the
    // page's `finished`) never waits for it. Under load, lapin's close now and then never hears
    // back and gives up only after its timeout (15 s, once in a burst of 60 runs); deleting the
    // vhost afterwards closes the connection on the broker's side in any case.
    tokio::spawn(async move { link.close().await });
    Ok(collector.await.unwrap_or_default())
}

/// Folds events into the summary and forwards them; ends after `run_finished`.
async fn collect(mut rx: mpsc::Receiver<Event>, out: mpsc::Sender<Event>, mut builder: SummaryBuilder) -> Summary {
    let mut forwarding = true;
    while let Some(event) = rx.recv().await {
        builder.apply(&event);
        let last = matches!(event.kind, EventKind::RunFinished { .. });
        if forwarding && out.send(event).await.is_err() {
            forwarding = false;
        }
        if last {
            break;
        }
    }
    builder.finish()
}

/// [`drive`], abandoned when the broker stops answering: [`STUCK_GRACE`] after the run's time
/// limit, or [`STOP_GRACE`] after a stop, whatever it was waiting for (a declaration, a channel,
/// the final drain). The run then ends as failed with a warning that says so.
async fn drive_within_limits(
    scenario: &Scenario,
    broker: &Broker,
    link: &Arc<Link>,
    proxy: Option<&Proxy>,
    vhost: &str,
    emitter: &Emitter,
    cancel: &CancellationToken,
) -> (Outcome, Option<String>) {
    let driving = async {
        tokio::select! {
            ended = drive(scenario, broker, link, proxy, vhost, emitter, cancel) => ended,
            never = link.report_blocking() => match never {},
        }
    };
    tokio::pin!(driving);
    let limit = tokio::time::sleep(Duration::from_millis(scenario.settings.max_duration_ms) + STUCK_GRACE);
    let waited = tokio::select! {
        ended = &mut driving => return ended,
        () = limit => say!(say::AFTER_TIME_LIMIT, s = STUCK_GRACE.as_secs()),
        () = cancel.cancelled() => match tokio::time::timeout(STOP_GRACE, &mut driving).await {
            Ok(ended) => return ended,
            Err(_) => say!(say::AFTER_STOP, s = STOP_GRACE.as_secs()),
        },
    };
    let text = say!(say::STUCK, waited);
    emitter.warn(text.clone()).await;
    (Outcome::Failed, Some(text))
}

/// Declare, run, wind down; returns how the run ended.
async fn drive(
    scenario: &Scenario,
    broker: &Broker,
    link: &Arc<Link>,
    proxy: Option<&Proxy>,
    vhost: &str,
    emitter: &Emitter,
    cancel: &CancellationToken,
) -> (Outcome, Option<String>) {
    let management = &broker.management;
    let nodes = &broker.endpoints.nodes;
    let control = match link.connection().await.create_channel().await {
        Ok(channel) => channel,
        Err(error) => {
            return (
                Outcome::Failed,
                Some(say!(say::NO_CHANNEL, error = amqp::describe(&error))),
            );
        }
    };
    if topology::declare(scenario, &control, management, nodes, vhost, emitter)
        .await
        .is_err()
    {
        return (Outcome::Refused, Some(say::TOPOLOGY_REFUSED.to_owned()));
    }

    let actor_token = CancellationToken::new();
    let actors = Actors::new(scenario, &actor_token);
    let mut tasks = JoinSet::new();
    for spec in &scenario.publishers {
        tasks.spawn(publisher::run(
            spec.clone(),
            Arc::clone(link),
            actors.clone(),
            emitter.clone(),
        ));
    }
    for spec in &scenario.consumers {
        tasks.spawn(consumer::run(
            spec.clone(),
            Arc::clone(link),
            actors.clone(),
            emitter.clone(),
        ));
    }
    let steps = tokio::spawn(timeline::run(
        scenario.timeline.clone(),
        timeline::StepContext {
            link: Arc::clone(link),
            proxy: proxy.map(Proxy::handle),
            faults: broker.faults.clone(),
            management: management.clone(),
            vhost: vhost.to_owned(),
            actors: actors.clone(),
            emitter: emitter.clone(),
        },
    ));
    let snapshot_stop = CancellationToken::new();
    let queues: Vec<String> = scenario.queues.iter().map(|q| q.name.clone()).collect();
    // One reading of the management API waits while the depth task is busy; it is never behind
    // by more than that.
    let (statistics_tx, statistics_rx) = mpsc::channel(1);
    let statistics = tokio::spawn(snapshots::periodic(
        management.clone(),
        vhost.to_owned(),
        Duration::from_millis(scenario.settings.snapshot_interval_ms),
        scenario.timeline.iter().any(Step::is_node_fault),
        statistics_tx,
        emitter.clone(),
        snapshot_stop.clone(),
    ));
    let depths = tokio::spawn(depths::watch(
        depths::Probe::new(Arc::clone(link), queues.clone()),
        actors.clone(),
        statistics_rx,
        emitter.clone(),
        snapshot_stop.clone(),
    ));

    let deadline = emitter.at(scenario.settings.max_duration_ms);
    let mut check = tokio::time::interval(END_CHECK);
    let (outcome, message) = loop {
        tokio::select! {
            () = cancel.cancelled() => break (Outcome::Stopped, Some(say::STOPPED_EARLY.to_owned())),
            () = tokio::time::sleep_until(deadline) => {
                let text = say!(say::TIME_LIMIT, ms = scenario.settings.max_duration_ms);
                emitter.warn(text.clone()).await;
                break (Outcome::TimeLimit, Some(text));
            }
            _ = check.tick() => {
                // Not settled while an actor is reconnecting: it has more to do once it is back.
                if !link.recovering() && is_over(scenario, &actors, steps.is_finished(), emitter) {
                    break (Outcome::Completed, None);
                }
            }
        }
    };

    actor_token.cancel();
    if tokio::time::timeout(WIND_DOWN, async { while tasks.join_next().await.is_some() {} })
        .await
        .is_err()
    {
        emitter.warn(say::ACTORS_ABANDONED).await;
        tasks.abort_all();
    }
    if !steps.is_finished() {
        steps.abort();
        emitter.warn(say::STEPS_LEFT).await;
    }
    snapshot_stop.cancel();
    let _ = tokio::join!(statistics, depths);
    // The control channel may have died with a cut connection: end on a fresh one.
    let connection = link.connection().await;
    match connection.create_channel().await {
        Ok(channel) => {
            snapshots::settled(management, vhost, &connection, channel, &queues, emitter).await;
            drain::drain_all(&connection, &queues, emitter).await;
        }
        Err(error) => {
            emitter
                .warn(say!(say::NO_FINAL_SNAPSHOT, error = amqp::describe(&error)))
                .await;
        }
    }
    if scenario.timeline.iter().any(Step::is_node_fault) {
        restart_stopped_nodes(broker, emitter).await;
    }
    (outcome, message)
}

/// A run that stopped or killed nodes and left them down hands the cluster back whole, so the
/// next run starts from three running nodes; each restart is reported.
async fn restart_stopped_nodes(broker: &Broker, emitter: &Emitter) {
    let (Some(faults), Ok(info)) = (&broker.faults, broker.management.overview().await) else {
        return;
    };
    let down: Vec<String> = info.nodes.into_iter().filter(|n| !n.running).map(|n| n.name).collect();
    if down.is_empty() {
        return;
    }
    let result = faults.restore_all().await;
    for node in down {
        let (ok, message) = match &result {
            Ok(()) => (true, say!(say::RESTARTED, node)),
            Err(error) => (false, say!(say::NOT_RESTARTED, node, error)),
        };
        let action = warren_shared::event::NodeAction::Start;
        emitter
            .emit(EventKind::NodeFault {
                node,
                action,
                ok,
                message,
            })
            .await;
    }
}

/// Every publisher is done, the timeline has run, and the consumers are done or idle.
fn is_over(scenario: &Scenario, actors: &Actors, steps_done: bool, emitter: &Emitter) -> bool {
    let done = |name: &str| actors.phase(name) == Some(Phase::Done);
    if !steps_done || !scenario.publishers.iter().all(|p| done(&p.name)) {
        return false;
    }
    if scenario.consumers.iter().all(|c| done(&c.name)) {
        return true;
    }
    let now = emitter.now_ms();
    let starts_later = |name: &str, start: &warren_shared::Start| {
        actors.phase(name) == Some(Phase::Waiting) && matches!(start, warren_shared::Start::AtMs(at) if *at > now)
    };
    if scenario.consumers.iter().any(|c| starts_later(&c.name, &c.start)) {
        return false;
    }
    emitter.now_ms().saturating_sub(actors.last_activity_ms()) >= scenario.settings.settle_ms
}
