//! Forming the managed cluster: starting the nodes that are down, joining nodes to the first one,
//! removing nodes beyond the wanted count, and stopping every node.

use std::fs;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use warren_shared::event::BrokerInfo;

use super::lock::{START_LOCK, node_lock};
use super::process::{CTL_TIMEOUT, ctl, last_lines, start_together};
use super::{ClusterLock, ManagedBroker, ManagedError, ManagedNode, POLL_INTERVAL, node_index_of_name};
use crate::broker::BrokerEndpoints;

/// How long the first node may take to list every node as running once all have started and joined.
const CLUSTER_READY_TIMEOUT: Duration = Duration::from_secs(60);

impl ManagedNode {
    /// Makes this running node a member of `seed`'s cluster: `stop_app`, `join_cluster`, `start_app`.
    /// `join_cluster` resets the node first, so whatever it kept is lost. When it fails (e.g. the
    /// cluster still counts a node that lost its data as a member), the seed forgets the node, the node
    /// is reset, and the join is tried once more.
    async fn join(&self, seed: &ManagedNode) -> Result<BrokerInfo, ManagedError> {
        let lock = node_lock(&self.dir);
        let _guard = lock.lock().await;
        let began = Instant::now();
        let since = self.main_log_len();
        let failed = |detail: String| ManagedError::JoinFailed {
            node: self.name.clone(),
            seed: seed.name.clone(),
            detail,
            log_dir: self.log_dir(),
        };
        tracing::info!(node = %self.name, seed = %seed.name, "joining RabbitMQ node to the cluster");
        self.ctl_ok(&["stop_app"]).await.map_err(&failed)?;
        let joined = match self.ctl_ok(&["join_cluster", &seed.name]).await {
            Ok(()) => Ok(()),
            Err(first) => {
                tracing::warn!(
                    node = %self.name,
                    error = %first,
                    "join_cluster failed; making the cluster forget the node, resetting it and trying again"
                );
                // The cluster may still count this node as a member from before it lost its data
                // (`inconsistent_cluster`): the seed forgets it first, which fails harmlessly when
                // the seed does not know it.
                let _ = seed.ctl_ok(&["forget_cluster_node", &self.name]).await;
                match self.ctl_ok(&["reset"]).await {
                    Ok(()) => self.ctl_ok(&["join_cluster", &seed.name]).await,
                    Err(e) => Err(format!("{first}; then {e}")),
                }
            }
        };
        // Started again whatever happened, so that a failed join leaves a running node behind.
        let started = self.ctl_ok(&["start_app"]).await;
        joined.map_err(&failed)?;
        started.map_err(&failed)?;
        let info = self.wait_for_management(since).await?;
        if !info.nodes.iter().any(|n| n.name == seed.name) {
            return Err(failed(format!(
                "after joining, it lists only {}",
                node_names(&info).join(", ")
            )));
        }
        tracing::info!(node = %self.name, took = ?began.elapsed(), "RabbitMQ node joined the cluster");
        Ok(info)
    }

    /// Takes this stopped node out of `seed`'s cluster and deletes its folder. A node the seed does
    /// not know is fine.
    async fn remove(&self, seed: &ManagedNode) -> Result<(), ManagedError> {
        let lock = node_lock(&self.dir);
        let _guard = lock.lock().await;
        let failed = |detail: String| ManagedError::RemoveFailed {
            node: self.name.clone(),
            detail,
        };
        let output = ctl(&["-n", &seed.name, "forget_cluster_node", &self.name], CTL_TIMEOUT)
            .await
            .map_err(&failed)?;
        let said = last_lines(&output, 3);
        if !output.status.success() && !said.contains("not a member") && !said.contains("not_a_cluster_node") {
            return Err(failed(format!("rabbitmqctl forget_cluster_node failed: {said}")));
        }
        if self.is_created() {
            fs::remove_dir_all(&self.dir)
                .map_err(|e| failed(format!("could not delete {}: {e}", self.dir.display())))?;
        }
        tracing::info!(node = %self.name, "RabbitMQ node removed from the cluster and deleted");
        Ok(())
    }
}

impl ManagedBroker {
    /// Makes sure the wanted nodes run as one cluster, and returns where the broker is reached.
    ///
    /// Fast when the cluster is already up: one management API request to the first node. Otherwise
    /// every node that is down is started at once, nodes that are in no cluster or another one join
    /// the first node's, and nodes found beyond the wanted count are stopped, forgotten by the cluster
    /// and deleted.
    pub async fn ensure_running(&self) -> Result<BrokerEndpoints, ManagedError> {
        if self.is_formed().await? {
            return Ok(self.endpoints());
        }
        let _guard = START_LOCK.lock().await;
        let _lock = ClusterLock::acquire().await?;
        // Another caller may have formed it while this one waited for the lock.
        if self.is_formed().await? {
            return Ok(self.endpoints());
        }
        let began = Instant::now();
        let wanted = self.nodes();
        let seed = &wanted[0];
        let extra = self.extra_nodes();

        // 1. Start every node that is down, all at once (extra nodes too: a node may wait at boot
        //    for the one that stopped last).
        let all: Vec<&ManagedNode> = wanted.iter().chain(&extra).collect();
        let probes = join_all(all.iter().map(|node| node.probe())).await;
        let mut infos = Vec::with_capacity(all.len());
        let mut down = Vec::new();
        for (node, probe) in all.iter().zip(probes) {
            let info = probe?;
            if info.is_none() {
                down.push(*node);
            }
            infos.push(info);
        }
        if !down.is_empty() {
            // Checked only now: a broker that runs is used whoever Warren runs as.
            let owner = self.check_can_start()?;
            let started = start_together(&down, owner).await;
            let mut first_error = None;
            for (node, outcome) in down.iter().zip(started) {
                match outcome {
                    Ok(info) => {
                        if let Some(at) = all.iter().position(|n| n.index == node.index) {
                            infos[at] = Some(info);
                        }
                    }
                    Err(error) => {
                        tracing::warn!(node = %node.name, %error, "RabbitMQ node did not start");
                        first_error.get_or_insert(error);
                    }
                }
            }
            if let Some(error) = first_error {
                return Err(error);
            }
        }

        // 2. Join the nodes that are not in the seed's cluster. One at a time: each changes the
        //    cluster's schema.
        for (node, info) in wanted.iter().zip(&infos).skip(1) {
            let member = info
                .as_ref()
                .is_some_and(|info| info.nodes.iter().any(|n| n.name == seed.name));
            if !member {
                node.join(seed).await?;
            }
        }

        // 3. Remove the nodes beyond the wanted count: stop them all at once, then forget them one at a
        //    time.
        for stopped in join_all(extra.iter().map(ManagedNode::stop)).await {
            stopped?;
        }
        for node in &extra {
            node.remove(seed).await?;
        }
        // And members the seed remembers that have no folder any more.
        if let Some(info) = seed.probe().await? {
            for name in node_names(&info) {
                let known = all.iter().any(|n| n.name == name);
                if let (false, Some(index)) = (known, node_index_of_name(name)) {
                    ManagedNode::new(&self.data_dir, index).remove(seed).await?;
                }
            }
        }

        // 4. Wait until the seed lists every wanted node as running, and no other.
        let deadline = Instant::now() + CLUSTER_READY_TIMEOUT;
        loop {
            let shortfall = match seed.probe().await? {
                Some(info) => cluster_shortfall(&info, &wanted),
                None => Some(format!("{} does not answer", seed.name)),
            };
            let Some(shortfall) = shortfall else { break };
            if Instant::now() >= deadline {
                return Err(ManagedError::NotClustered {
                    detail: format!(
                        "{} s after every node started, {} reports: {shortfall}",
                        CLUSTER_READY_TIMEOUT.as_secs(),
                        seed.name
                    ),
                });
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
        tracing::info!(nodes = self.nodes, took = ?began.elapsed(), "Warren's RabbitMQ cluster is up");
        Ok(self.endpoints())
    }

    /// Whether the first node lists every wanted node as running and no node is found beyond them.
    async fn is_formed(&self) -> Result<bool, ManagedError> {
        if !self.extra_nodes().is_empty() {
            return Ok(false);
        }
        let wanted = self.nodes();
        Ok(match wanted[0].probe().await? {
            Some(info) => cluster_shortfall(&info, &wanted).is_none(),
            None => false,
        })
    }

    /// Stops every node, the wanted ones and any other in the data folder, all at once. Nodes that
    /// are not running are fine.
    pub async fn stop(&self) -> Result<(), ManagedError> {
        let _guard = START_LOCK.lock().await;
        let _lock = ClusterLock::acquire().await?;
        let nodes = self.all_nodes();
        let outcomes = join_all(nodes.iter().map(|node| async move {
            if node.live_pid().is_none() && !matches!(node.probe().await, Ok(Some(_))) {
                return Ok(());
            }
            node.stop().await?;
            tracing::info!(node = %node.name, "RabbitMQ node stopped");
            Ok(())
        }))
        .await;
        outcomes.into_iter().collect()
    }
}

/// The names of the nodes `info` lists.
fn node_names(info: &BrokerInfo) -> Vec<&str> {
    info.nodes.iter().map(|n| n.name.as_str()).collect()
}

/// What is missing for `info` (the first node's view) to show exactly `wanted` running, as a
/// sentence; `None` when nothing is.
fn cluster_shortfall(info: &BrokerInfo, wanted: &[ManagedNode]) -> Option<String> {
    let not_running: Vec<&str> = wanted
        .iter()
        .filter(|node| !info.nodes.iter().any(|n| n.name == node.name && n.running))
        .map(|node| node.name.as_str())
        .collect();
    let extra: Vec<&str> = info
        .nodes
        .iter()
        .filter(|n| !wanted.iter().any(|node| node.name == n.name))
        .map(|n| n.name.as_str())
        .collect();
    let mut problems = Vec::new();
    if !not_running.is_empty() {
        problems.push(format!("{} not running in it", not_running.join(", ")));
    }
    if !extra.is_empty() {
        problems.push(format!("it also counts {} as members", extra.join(", ")));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn judges_the_first_nodes_view_of_the_cluster() {
        use warren_shared::event::NodeStatus;
        let info = |nodes: &[(&str, bool)]| BrokerInfo {
            version: "3.10.8".into(),
            erlang_version: "25".into(),
            cluster_name: "warren".into(),
            nodes: nodes
                .iter()
                .map(|(name, running)| NodeStatus {
                    name: (*name).into(),
                    running: *running,
                })
                .collect(),
        };
        let wanted = ManagedBroker::new(PathBuf::from("/var/lib/warren")).nodes();
        let all_up = info(&[
            ("warren-1@localhost", true),
            ("warren-2@localhost", true),
            ("warren-3@localhost", true),
        ]);
        assert_eq!(cluster_shortfall(&all_up, &wanted), None);
        let one_down = info(&[
            ("warren-1@localhost", true),
            ("warren-2@localhost", false),
            ("warren-3@localhost", true),
        ]);
        assert_eq!(
            cluster_shortfall(&one_down, &wanted).as_deref(),
            Some("warren-2@localhost not running in it")
        );
        let alone = info(&[("warren-1@localhost", true)]);
        assert_eq!(
            cluster_shortfall(&alone, &wanted).as_deref(),
            Some("warren-2@localhost, warren-3@localhost not running in it")
        );
        let too_many = info(&[
            ("warren-1@localhost", true),
            ("warren-2@localhost", true),
            ("warren-3@localhost", true),
            ("warren-4@localhost", false),
        ]);
        assert_eq!(
            cluster_shortfall(&too_many, &wanted).as_deref(),
            Some("it also counts warren-4@localhost as members")
        );
        assert_eq!(
            cluster_shortfall(&too_many, &wanted[..1]).as_deref(),
            Some("it also counts warren-2@localhost, warren-3@localhost, warren-4@localhost as members")
        );
    }
}
