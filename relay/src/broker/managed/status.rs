//! The state of the managed broker, node by node, as `warren broker status` prints it.

use std::fmt;
use std::path::PathBuf;

use futures_util::future::join_all;

use super::{ManagedBroker, ManagedError, ManagedNode};

/// The state of Warren's broker, as `warren broker status` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedStatus {
    /// The data folder.
    pub data_dir: PathBuf,
    /// Each node: the wanted ones and any other found in the data folder.
    pub nodes: Vec<ManagedNodeStatus>,
}

/// One node of [`ManagedStatus`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedNodeStatus {
    /// Name, ports and folders.
    pub node: ManagedNode,
    /// Whether its folder exists (it was started at least once).
    pub created: bool,
    /// Whether its management API answers and lists it as running.
    pub running: bool,
    /// OS process id of its Erlang VM, when one runs.
    pub pid: Option<u32>,
    /// RabbitMQ version, when running.
    pub version: Option<String>,
    /// Cluster name, when running.
    pub cluster_name: Option<String>,
    /// The running members of its cluster (itself included), as it sees them, when running.
    pub running_members: Vec<String>,
    /// Members of its cluster that are not running, as it sees them.
    pub stopped_members: Vec<String>,
    /// Something worth knowing, e.g. another broker on its port.
    pub note: Option<String>,
}

impl fmt::Display for ManagedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Warren's RabbitMQ, data in {}", self.data_dir.display())?;
        for status in &self.nodes {
            let node = &status.node;
            let state = match (&status.running, &status.version, status.pid) {
                (true, Some(version), _) => format!("running RabbitMQ {version}"),
                (true, None, _) => "running".to_owned(),
                (false, _, Some(pid)) => format!("not answering (Erlang VM pid {pid} is alive)"),
                (false, _, None) if !status.created => "not created yet".to_owned(),
                (false, _, None) => "stopped".to_owned(),
            };
            writeln!(f, "  {}: {state}", node.name)?;
            if status.running {
                let mut cluster = format!(
                    "    cluster {}: running {}",
                    status.cluster_name.as_deref().unwrap_or("(unnamed)"),
                    status.running_members.join(", ")
                );
                if !status.stopped_members.is_empty() {
                    cluster.push_str(&format!("; not running {}", status.stopped_members.join(", ")));
                }
                writeln!(f, "{cluster}")?;
            }
            writeln!(
                f,
                "    amqp://127.0.0.1:{}  management http://127.0.0.1:{}  distribution port {}",
                node.amqp_port, node.management_port, node.dist_port
            )?;
            writeln!(f, "    logs in {}", node.log_dir().display())?;
            if let Some(note) = &status.note {
                writeln!(f, "    {note}")?;
            }
        }
        Ok(())
    }
}

impl ManagedBroker {
    /// Each node's name, ports, whether it runs and its cluster as it sees it: the wanted nodes and
    /// any other in the data folder.
    pub async fn status(&self) -> Result<ManagedStatus, ManagedError> {
        let nodes = self.all_nodes();
        let probes = join_all(nodes.iter().map(ManagedNode::probe)).await;
        let nodes = nodes
            .into_iter()
            .zip(probes)
            .map(|(node, probe)| {
                let mut status = ManagedNodeStatus {
                    created: node.is_created(),
                    running: false,
                    pid: node.live_pid(),
                    version: None,
                    cluster_name: None,
                    running_members: Vec::new(),
                    stopped_members: Vec::new(),
                    note: None,
                    node,
                };
                match probe {
                    Ok(Some(info)) => {
                        status.running = true;
                        let (running, stopped): (Vec<_>, Vec<_>) = info.nodes.iter().partition(|n| n.running);
                        status.running_members = running.into_iter().map(|n| n.name.clone()).collect();
                        status.stopped_members = stopped.into_iter().map(|n| n.name.clone()).collect();
                        status.version = Some(info.version);
                        status.cluster_name = Some(info.cluster_name);
                    }
                    Ok(None) => {}
                    Err(e) => status.note = Some(e.to_string()),
                }
                status
            })
            .collect();
        Ok(ManagedStatus {
            data_dir: self.data_dir.clone(),
            nodes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_reads_well() {
        let nodes = ManagedBroker::new(PathBuf::from("/var/lib/warren")).nodes();
        let status = ManagedStatus {
            data_dir: PathBuf::from("/var/lib/warren"),
            nodes: vec![
                ManagedNodeStatus {
                    node: nodes[0].clone(),
                    created: true,
                    running: true,
                    pid: Some(42),
                    version: Some("3.10.8".into()),
                    cluster_name: Some("warren".into()),
                    running_members: vec!["warren-1@localhost".into(), "warren-2@localhost".into()],
                    stopped_members: vec!["warren-3@localhost".into()],
                    note: None,
                },
                ManagedNodeStatus {
                    node: nodes[1].clone(),
                    created: true,
                    running: false,
                    pid: Some(43),
                    version: None,
                    cluster_name: None,
                    running_members: vec![],
                    stopped_members: vec![],
                    note: None,
                },
                ManagedNodeStatus {
                    node: nodes[2].clone(),
                    created: false,
                    running: false,
                    pid: None,
                    version: None,
                    cluster_name: None,
                    running_members: vec![],
                    stopped_members: vec![],
                    note: None,
                },
            ],
        };
        let text = status.to_string();
        println!("{text}");
        assert!(text.contains("warren-1@localhost: running RabbitMQ 3.10.8"), "{text}");
        assert!(
            text.contains(
                "cluster warren: running warren-1@localhost, warren-2@localhost; not running warren-3@localhost"
            ),
            "{text}"
        );
        assert!(
            text.contains("warren-2@localhost: not answering (Erlang VM pid 43 is alive)"),
            "{text}"
        );
        assert!(text.contains("warren-3@localhost: not created yet"), "{text}");
        assert!(text.contains("amqp://127.0.0.1:5701"), "{text}");
        assert!(text.contains("amqp://127.0.0.1:5703"), "{text}");
        assert!(text.contains("/var/lib/warren/node-1/log"), "{text}");
    }
}
