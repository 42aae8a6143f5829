//! The RabbitMQ Warren runs itself when the user configured no broker.
//!
//! Warren starts the locally installed `rabbitmq-server` as its own cluster of nodes (three unless told
//! otherwise), on ports of its own so that a system RabbitMQ (5672, 15672, 25672) keeps running
//! undisturbed. Everything a node keeps is under the data folder:
//!
//! ```text
//! <data_dir>/node-1/rabbitmq.conf       listeners, management port, statistics interval, cluster name
//!                   enabled_plugins     [rabbitmq_management].
//!                   rabbitmq-env.conf   empty: keeps /etc/rabbitmq/rabbitmq-env.conf out
//!                   mnesia/             the node's database and message store
//!                   log/                the node's logs and Warren's record of the start command
//!                   rabbitmq.pid        the Erlang VM's process id
//! ```
//!
//! Node `i` (from 1) is `warren-i@localhost` in `<data_dir>/node-i`, with AMQP port `5700 + i`,
//! management port `15700 + i` and distribution port `25700 + i`.
//!
//! # The cluster
//! Node 1 is the seed; nodes 2..n join it (`rabbitmqctl stop_app`, `join_cluster warren-1@localhost`,
//! `start_app`) the first time they run. Afterwards each node's database remembers the cluster, and a
//! node that restarts rejoins by itself. But a node that was not the last of its cluster to stop waits
//! at boot (up to five minutes) for a peer that has the newest data, so Warren always starts every node
//! that is down at once, never one after the other. [`ManagedBroker::ensure_running`] also repairs:
//! it starts nodes that are down, joins nodes that are in no cluster or another one, adds nodes when
//! more are wanted than exist, and removes (stops, forgets and deletes) nodes beyond the wanted count.
//!
//! As root, the `rabbitmq-server` and `rabbitmqctl` scripts re-run themselves as the `rabbitmq` user,
//! so every node folder is handed to that user and the data folder must be reachable by it.
//!
//! # Layout
//! - this file: the names, ports, paths and time limits every part shares, and [`ManagedBroker`]: its
//!   data folder, its nodes and where it is reached.
//! - `node`: [`ManagedNode`], one node's name, ports and folder, and the probe of its management API;
//!   which node names and folders are Warren's.
//! - `config`: the files a node is started with (`rabbitmq.conf`, plugins, environment).
//! - `process`: starting, waiting for, stopping and killing a node's Erlang VM; `rabbitmqctl`.
//! - `cluster`: forming the cluster, joining and removing nodes, stopping it.
//! - `status`: [`ManagedStatus`], what `warren broker status` prints.
//! - `owner`: who may start the nodes and who owns their files (`/etc/passwd`, `chown`).
//! - `logs`: what a node's logs say when it fails to start.
//! - `lock`: the cluster lock between Warren processes, and one lock per node.
//! - `error`: [`ManagedError`].

mod cluster;
mod config;
mod error;
#[cfg(test)]
mod live_tests;
mod lock;
mod logs;
mod node;
mod owner;
mod process;
mod status;

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::BrokerEndpoints;
use owner::current_uid;

pub use error::ManagedError;
pub(super) use lock::ClusterLock;
pub use node::{ManagedNode, node_index_of_name, nodes_on_disk};
pub(super) use process::{start_together, wait_for_exit};
pub use status::{ManagedNodeStatus, ManagedStatus};

/// AMQP port of node `i` is `BASE_AMQP_PORT + i` (5701 for the first node).
pub const BASE_AMQP_PORT: u16 = 5700;
/// Management HTTP port of node `i` is `BASE_MANAGEMENT_PORT + i` (15701 for the first node).
pub const BASE_MANAGEMENT_PORT: u16 = 15700;
/// Erlang distribution port of node `i` is `BASE_DIST_PORT + i` (25701 for the first node).
pub const BASE_DIST_PORT: u16 = 25700;
/// Node names are `NODE_NAME_PREFIX-i@localhost`.
pub const NODE_NAME_PREFIX: &str = "warren";
/// How many nodes Warren starts unless told otherwise.
pub const DEFAULT_NODES: u16 = 3;
/// Most nodes the managed cluster may have (ports up to 5709, 15709 and 25709).
pub const MAX_NODES: u16 = 9;
/// The server script Warren starts.
pub const RABBITMQ_SERVER: &str = "/usr/sbin/rabbitmq-server";
/// The control script Warren waits for and stops nodes with.
pub const RABBITMQCTL: &str = "/usr/sbin/rabbitmqctl";
/// The user the RabbitMQ scripts run as.
pub const RABBITMQ_USER: &str = "rabbitmq";
/// Data folder when running as root (root's home is not reachable by the `rabbitmq` user).
pub const ROOT_DATA_DIR: &str = "/var/lib/warren";
/// Environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "WARREN_DATA_DIR";
/// How long `rabbitmqctl wait` may wait for a node to boot.
pub const BOOT_TIMEOUT: Duration = Duration::from_secs(90);
/// How long the management API may take to answer once the node has booted.
pub const MANAGEMENT_READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Loopback port Warren processes hold while they change the cluster (no node uses it: node ports
/// start at `BASE_DIST_PORT + 1`).
pub const LOCK_PORT: u16 = BASE_DIST_PORT;
/// Pause between two management API probes while a node starts.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// The RabbitMQ broker Warren starts and stops itself: a cluster of nodes on this machine,
/// [`DEFAULT_NODES`] unless told otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedBroker {
    data_dir: PathBuf,
    nodes: u16,
}

impl ManagedBroker {
    /// Warren's broker of [`DEFAULT_NODES`] nodes with its data under `data_dir` (made absolute
    /// against the current folder, because the RabbitMQ scripts change folder before starting).
    pub fn new(data_dir: PathBuf) -> Self {
        Self::with_nodes(data_dir, DEFAULT_NODES)
    }

    /// Warren's broker of `nodes` nodes (held to 1..=[`MAX_NODES`]) with its data under `data_dir`.
    pub fn with_nodes(data_dir: PathBuf, nodes: u16) -> Self {
        Self {
            data_dir: absolute(data_dir),
            nodes: nodes.clamp(1, MAX_NODES),
        }
    }

    /// `$WARREN_DATA_DIR`, else [`ROOT_DATA_DIR`] when running as root (the `rabbitmq` user cannot
    /// enter root's home), else `$HOME/.local/share/warren`.
    pub fn default_data_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        if current_uid() == Some(0) {
            return PathBuf::from(ROOT_DATA_DIR);
        }
        match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            Some(home) => PathBuf::from(home).join(".local/share/warren"),
            None => PathBuf::from(".warren"),
        }
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// How many nodes are wanted.
    pub fn node_count(&self) -> u16 {
        self.nodes
    }

    /// The wanted nodes, first node (the seed) first.
    pub fn nodes(&self) -> Vec<ManagedNode> {
        (1..=self.nodes)
            .map(|index| ManagedNode::new(&self.data_dir, index))
            .collect()
    }

    /// Nodes found in the data folder beyond the wanted ones.
    fn extra_nodes(&self) -> Vec<ManagedNode> {
        nodes_on_disk(&self.data_dir)
            .into_iter()
            .filter(|&index| index > self.nodes)
            .map(|index| ManagedNode::new(&self.data_dir, index))
            .collect()
    }

    /// The wanted nodes and then any other found in the data folder.
    fn all_nodes(&self) -> Vec<ManagedNode> {
        let mut nodes = self.nodes();
        nodes.extend(self.extra_nodes());
        nodes
    }

    /// Where the broker is reached: the first node, with the `guest` user, and every wanted node.
    pub fn endpoints(&self) -> BrokerEndpoints {
        let first = ManagedNode::new(&self.data_dir, 1);
        BrokerEndpoints {
            amqp_url: first.amqp_url(),
            management_url: first.management_url(),
            nodes: self.nodes().iter().map(ManagedNode::endpoint).collect(),
        }
    }
}

/// Absolute `dir`, against the current folder: the RabbitMQ scripts change folder before starting.
fn absolute(dir: PathBuf) -> PathBuf {
    if dir.is_absolute() {
        dir
    } else {
        std::env::current_dir().map(|cwd| cwd.join(&dir)).unwrap_or(dir)
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::broker::NodeEndpoint;

    fn broker() -> ManagedBroker {
        ManagedBroker::new(PathBuf::from("/var/lib/warren"))
    }

    #[test]
    fn endpoints_point_at_the_first_node_and_list_every_node() {
        let node = |i: u16| NodeEndpoint {
            name: format!("warren-{i}@localhost"),
            amqp_url: format!("amqp://guest:guest@127.0.0.1:{}", 5700 + i),
            management_url: format!("http://guest:guest@127.0.0.1:{}", 15700 + i),
        };
        assert_eq!(
            broker().endpoints(),
            BrokerEndpoints {
                amqp_url: "amqp://guest:guest@127.0.0.1:5701".into(),
                management_url: "http://guest:guest@127.0.0.1:15701".into(),
                nodes: vec![node(1), node(2), node(3)],
            }
        );
        let single = ManagedBroker::with_nodes(PathBuf::from("/d"), 1).endpoints();
        assert_eq!(single.nodes, vec![node(1)]);
    }

    #[test]
    fn node_counts_are_held_in_range() {
        assert_eq!(ManagedBroker::new(PathBuf::from("/d")).node_count(), DEFAULT_NODES);
        assert_eq!(ManagedBroker::with_nodes(PathBuf::from("/d"), 0).node_count(), 1);
        assert_eq!(ManagedBroker::with_nodes(PathBuf::from("/d"), 2).node_count(), 2);
        assert_eq!(
            ManagedBroker::with_nodes(PathBuf::from("/d"), 40).node_count(),
            MAX_NODES
        );
    }

    #[test]
    fn finds_the_nodes_on_disk_and_the_extra_ones() {
        let dir = std::env::temp_dir().join(format!("warren-managed-disk-{}", std::process::id()));
        assert_eq!(nodes_on_disk(&dir), Vec::<u16>::new());
        for name in ["node-1", "node-2", "node-5", "node-07", "other"] {
            fs::create_dir_all(dir.join(name)).expect("folder");
        }
        fs::write(dir.join("node-4"), "a file, not a node").expect("file");
        assert_eq!(nodes_on_disk(&dir), vec![1, 2, 5]);
        let broker = ManagedBroker::with_nodes(dir.clone(), 3);
        let extra: Vec<u16> = broker.extra_nodes().iter().map(|n| n.index).collect();
        assert_eq!(extra, vec![5]);
        let all: Vec<u16> = broker.all_nodes().iter().map(|n| n.index).collect();
        assert_eq!(all, vec![1, 2, 3, 5]);
        assert!(broker.nodes()[1].is_created() && !broker.nodes()[2].is_created());
        fs::remove_dir_all(&dir).expect("cleaned up");
    }

    #[test]
    fn relative_data_dirs_become_absolute() {
        assert!(ManagedBroker::new(PathBuf::from("data")).data_dir().is_absolute());
    }
}
