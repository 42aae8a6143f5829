//! Node faults for the managed cluster: stop a node's application, crash its Erlang VM, bring it
//! back.
//!
//! Only Warren's own nodes can be touched: [`NodeFaults`] knows the nodes `warren-<i>@localhost`
//! kept under one data folder, and refuses any other name. A controlled stop is
//! `rabbitmqctl stop_app` (the VM keeps running, clients are disconnected, queue leaders move); a
//! crash is `kill -9` of the VM whose pid the node's pid file names. Starting a node again handles
//! both: `start_app` when the VM is alive, else a fresh start with the node's own environment. A
//! restarted node rejoins its cluster by itself, because its database remembers it.
//!
//! Each fault holds the broker's cluster lock (see [`ManagedBroker::ensure_running`]) while it acts,
//! so it waits for a start of the cluster in progress in this or another Warren process.

use std::path::PathBuf;
use std::time::Duration;
use warren_shared::say;
use warren_shared::sentences::relay as say;

use futures_util::future::join_all;
use tokio::process::Command;

use super::managed::{
    ClusterLock, ManagedBroker, ManagedError, ManagedNode, node_index_of_name, start_together, wait_for_exit,
};

/// How long a killed VM may take to disappear.
const KILL_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a node fault could not be applied or undone. Every message names the node.
#[derive(Debug, thiserror::Error)]
pub enum FaultError {
    /// The name is not one of the nodes this [`NodeFaults`] may touch.
    #[error("{}", say!(say::UNKNOWN_NODE, action = .action, node = .node, known = .known))]
    UnknownNode {
        /// `stop`, `start` or `kill`.
        action: &'static str,
        /// The name given.
        node: String,
        /// The nodes that may be touched, comma-separated.
        known: String,
    },
    /// The fault could not be applied.
    #[error("{}", say!(say::FAULT_FAILED, action = .action, node = .node, error = .detail))]
    Failed {
        /// `stop`, `start` or `kill`.
        action: &'static str,
        /// The node.
        node: String,
        /// What went wrong.
        detail: String,
    },
    /// The node could not be started again; the message names it.
    #[error(transparent)]
    Start(#[from] ManagedError),
}

/// Stops, crashes and restarts the nodes of Warren's managed cluster. Cheap to clone.
#[derive(Debug, Clone)]
pub struct NodeFaults {
    broker: ManagedBroker,
    nodes: Vec<ManagedNode>,
}

impl NodeFaults {
    /// Faults for the nodes of `broker`.
    pub fn new(broker: &ManagedBroker) -> Self {
        Self {
            broker: broker.clone(),
            nodes: broker.nodes(),
        }
    }

    /// Faults for the nodes named `names` (each `warren-<i>@localhost`) of the cluster kept under
    /// `data_dir`; any other name is refused.
    pub fn from_names<S: AsRef<str>>(data_dir: PathBuf, names: &[S]) -> Result<Self, FaultError> {
        let mut indexes = Vec::with_capacity(names.len());
        for name in names {
            let name = name.as_ref();
            match node_index_of_name(name) {
                Some(index) => indexes.push(index),
                None => {
                    return Err(FaultError::UnknownNode {
                        action: "use",
                        node: name.to_owned(),
                        known: "warren-1@localhost, warren-2@localhost, …".to_owned(),
                    });
                }
            }
        }
        let broker = ManagedBroker::with_nodes(data_dir, indexes.iter().copied().max().unwrap_or(1));
        let all = broker.nodes();
        let nodes = all.into_iter().filter(|n| indexes.contains(&n.index)).collect();
        Ok(Self { broker, nodes })
    }

    /// The names of the nodes that may be touched, first node first.
    pub fn node_names(&self) -> Vec<String> {
        self.nodes.iter().map(|n| n.name.clone()).collect()
    }

    /// Controlled stop: `rabbitmqctl -n NAME stop_app`. The VM keeps running; clients of the node
    /// are disconnected. Stopping a stopped application is fine.
    pub async fn stop_node(&self, name: &str) -> Result<(), FaultError> {
        let node = self.node(name, say::STOP)?;
        let failed = |detail: String| FaultError::Failed {
            action: say::STOP,
            node: node.name.clone(),
            detail,
        };
        let _lock = ClusterLock::acquire().await?;
        if node.live_pid().is_none() {
            return Err(failed(say::NOT_RUNNING.to_owned()));
        }
        node.ctl_ok(&["stop_app"]).await.map_err(failed)?;
        tracing::info!(node = %node.name, "RabbitMQ node's application stopped");
        Ok(())
    }

    /// Brings the node back: `start_app` when its VM is alive (after [`NodeFaults::stop_node`]), else
    /// a start of the VM with the same environment as the broker's own start (after
    /// [`NodeFaults::kill_node`]); then waits until its management API lists it as running. A
    /// running node is left as it is.
    pub async fn start_node(&self, name: &str) -> Result<(), FaultError> {
        let node = self.node(name, say::START)?;
        let _lock = ClusterLock::acquire().await?;
        if let Ok(Some(_)) = node.probe().await {
            return Ok(());
        }
        let owner = self.broker.check_can_start()?;
        node.start(owner).await?;
        Ok(())
    }

    /// Crash: `kill -9` of the Erlang VM the node's pid file names, and a check that it is gone.
    pub async fn kill_node(&self, name: &str) -> Result<(), FaultError> {
        let node = self.node(name, say::KILL)?;
        let failed = |detail: String| FaultError::Failed {
            action: say::KILL,
            node: node.name.clone(),
            detail,
        };
        let _lock = ClusterLock::acquire().await?;
        let Some(pid) = node.live_pid() else {
            return Err(failed(say!(say::NO_LIVE_PID, file = node.pid_file().display())));
        };
        let status = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .await
            .map_err(|error| failed(say!(say::KILL_NOT_RUN, error)))?;
        if !status.success() {
            return Err(failed(say!(say::KILL_FAILED, pid, status)));
        }
        if !wait_for_exit(pid, KILL_TIMEOUT).await {
            return Err(failed(say!(say::STILL_ALIVE, pid, s = KILL_TIMEOUT.as_secs())));
        }
        tracing::info!(node = %node.name, pid, "RabbitMQ node killed");
        Ok(())
    }

    /// Brings every node back to running, all at once (a node restarted alone may wait for peers
    /// that stopped after it). Returns the first failure after trying them all.
    pub async fn restore_all(&self) -> Result<(), FaultError> {
        let _lock = ClusterLock::acquire().await?;
        let probes = join_all(self.nodes.iter().map(ManagedNode::probe)).await;
        let down: Vec<&ManagedNode> = self
            .nodes
            .iter()
            .zip(probes)
            .filter(|(_, probe)| !matches!(probe, Ok(Some(_))))
            .map(|(node, _)| node)
            .collect();
        if down.is_empty() {
            return Ok(());
        }
        let owner = self.broker.check_can_start()?;
        let outcomes = start_together(&down, owner).await;
        let mut first_error = None;
        for (node, outcome) in down.iter().zip(outcomes) {
            if let Err(error) = outcome {
                tracing::warn!(node = %node.name, %error, "RabbitMQ node could not be brought back");
                first_error.get_or_insert(FaultError::from(error));
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    fn node(&self, name: &str, action: &'static str) -> Result<&ManagedNode, FaultError> {
        self.nodes
            .iter()
            .find(|n| n.name == name)
            .ok_or_else(|| FaultError::UnknownNode {
                action,
                node: name.to_owned(),
                known: self.node_names().join(", "),
            })
    }
}
