//! One node of the managed cluster: its name, ports and folder, and whether its management API says
//! it runs.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use warren_shared::event::BrokerInfo;

use super::{BASE_AMQP_PORT, BASE_DIST_PORT, BASE_MANAGEMENT_PORT, MAX_NODES, ManagedError, NODE_NAME_PREFIX};
use crate::broker::NodeEndpoint;
use crate::broker::management::Management;

/// How long a probe of a node's management API may take: a node that is up answers in
/// milliseconds.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// One node of the managed broker: its name, ports and files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedNode {
    /// Position in the cluster, from 1; ports are derived from it.
    pub index: u16,
    /// Erlang node name, e.g. `warren-1@localhost`.
    pub name: String,
    /// AMQP port on 127.0.0.1.
    pub amqp_port: u16,
    /// Management HTTP port on 127.0.0.1.
    pub management_port: u16,
    /// Erlang distribution port.
    pub dist_port: u16,
    /// Folder holding the node's configuration, data and logs.
    pub dir: PathBuf,
}

impl ManagedNode {
    /// Node `index` (from 1) of the cluster kept under `data_dir`.
    pub(super) fn new(data_dir: &Path, index: u16) -> Self {
        Self {
            index,
            name: format!("{NODE_NAME_PREFIX}-{index}@localhost"),
            amqp_port: BASE_AMQP_PORT + index,
            management_port: BASE_MANAGEMENT_PORT + index,
            dist_port: BASE_DIST_PORT + index,
            dir: data_dir.join(format!("node-{index}")),
        }
    }

    /// AMQP URL (guest credentials, no vhost).
    pub fn amqp_url(&self) -> String {
        format!("amqp://guest:guest@127.0.0.1:{}", self.amqp_port)
    }

    /// Management API URL (guest credentials).
    pub fn management_url(&self) -> String {
        format!("http://guest:guest@127.0.0.1:{}", self.management_port)
    }

    /// Where this node is reached.
    pub fn endpoint(&self) -> NodeEndpoint {
        NodeEndpoint {
            name: self.name.clone(),
            amqp_url: self.amqp_url(),
            management_url: self.management_url(),
        }
    }

    /// Whether the node's folder exists, i.e. it was started at least once.
    pub fn is_created(&self) -> bool {
        self.dir.is_dir()
    }

    /// Folder of the node's logs.
    pub fn log_dir(&self) -> PathBuf {
        self.dir.join("log")
    }

    /// File the node writes its OS process id to.
    pub fn pid_file(&self) -> PathBuf {
        self.dir.join("rabbitmq.pid")
    }

    /// A client for this node's management API; a URL it cannot use fails the start.
    pub(super) fn management(&self) -> Result<Management, ManagedError> {
        Management::new(&self.management_url()).map_err(|e| ManagedError::StartFailed {
            node: self.name.clone(),
            detail: e.to_string(),
            log_dir: self.log_dir(),
            first_error: None,
            log_tail: None,
        })
    }

    /// What the node's management API says when it lists this node as running (its `nodes` are the
    /// node's cluster), `Ok(None)` when nothing listens or the node is not running, an error when
    /// another RabbitMQ answers on its port.
    pub(in crate::broker) async fn probe(&self) -> Result<Option<BrokerInfo>, ManagedError> {
        match self.management()?.with_timeout(PROBE_TIMEOUT).overview().await {
            Ok(info) if info.nodes.iter().any(|n| n.name == self.name && n.running) => Ok(Some(info)),
            Ok(info) if info.nodes.iter().any(|n| n.name == self.name) => Ok(None),
            Ok(info) => Err(ManagedError::PortTaken {
                node: self.name.clone(),
                port: self.management_port,
                user: format!(
                    "another RabbitMQ (nodes {})",
                    info.nodes
                        .iter()
                        .map(|n| n.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
            Err(_) => Ok(None),
        }
    }
}

/// The node numbers whose folders (`node-<i>`, `i` in 1..=[`MAX_NODES`]) exist under `data_dir`.
pub fn nodes_on_disk(data_dir: &Path) -> Vec<u16> {
    let Ok(entries) = fs::read_dir(data_dir) else {
        return Vec::new();
    };
    let mut found: Vec<u16> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| node_index_of_dir(&entry.file_name().to_string_lossy()))
        .collect();
    found.sort_unstable();
    found
}

/// `i` for a node folder named `node-<i>`, `i` in 1..=[`MAX_NODES`].
fn node_index_of_dir(name: &str) -> Option<u16> {
    let index: u16 = name.strip_prefix("node-")?.parse().ok()?;
    // `node-01` would be another folder for node 1.
    (name == format!("node-{index}") && (1..=MAX_NODES).contains(&index)).then_some(index)
}

/// `i` for Warren's node name `warren-<i>@localhost`, `i` in 1..=[`MAX_NODES`].
pub fn node_index_of_name(name: &str) -> Option<u16> {
    let index: u16 = name
        .strip_prefix(NODE_NAME_PREFIX)?
        .strip_prefix('-')?
        .strip_suffix("@localhost")?
        .parse()
        .ok()?;
    (name == ManagedNode::new(Path::new(""), index).name && (1..=MAX_NODES).contains(&index)).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::managed::ManagedBroker;

    #[test]
    fn node_one_has_its_own_ports_and_files() {
        let nodes = ManagedBroker::new(PathBuf::from("/var/lib/warren")).nodes();
        assert_eq!(nodes.len(), 3);
        assert_eq!(
            nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
            ["warren-1@localhost", "warren-2@localhost", "warren-3@localhost"]
        );
        let node = &nodes[0];
        assert_eq!(node.name, "warren-1@localhost");
        assert_eq!(
            (node.amqp_port, node.management_port, node.dist_port),
            (5701, 15701, 25701)
        );
        assert_eq!(node.dir, Path::new("/var/lib/warren/node-1"));
        assert_eq!(node.pid_file(), Path::new("/var/lib/warren/node-1/rabbitmq.pid"));
        assert_eq!(node.log_dir(), Path::new("/var/lib/warren/node-1/log"));
        let third = ManagedNode::new(Path::new("/d"), 3);
        assert_eq!(third.name, "warren-3@localhost");
        assert_eq!(
            (third.amqp_port, third.management_port, third.dist_port),
            (5703, 15703, 25703)
        );
    }

    #[test]
    fn ports_stay_clear_of_a_system_rabbitmq() {
        for index in 1..=9 {
            let node = ManagedNode::new(Path::new("/d"), index);
            for port in [node.amqp_port, node.management_port, node.dist_port] {
                assert!(![4369, 5672, 15672, 25672, 35672].contains(&port));
            }
        }
    }

    #[test]
    fn recognises_only_warrens_own_node_names_and_folders() {
        assert_eq!(node_index_of_name("warren-1@localhost"), Some(1));
        assert_eq!(node_index_of_name("warren-9@localhost"), Some(9));
        for name in [
            "warren-0@localhost",
            "warren-10@localhost",
            "warren-01@localhost",
            "warren-1@vm",
            "rabbit@localhost",
            "warren-x@localhost",
            "warren1@localhost",
            "xwarren-1@localhost",
        ] {
            assert_eq!(node_index_of_name(name), None, "{name}");
        }
        assert_eq!(node_index_of_dir("node-3"), Some(3));
        for name in ["node-0", "node-03", "node-10", "node-", "nodes-1", "log"] {
            assert_eq!(node_index_of_dir(name), None, "{name}");
        }
    }
}
