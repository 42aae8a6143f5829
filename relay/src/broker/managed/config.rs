//! The files a node is started with: its folders, `rabbitmq.conf`, `enabled_plugins`, an empty
//! `rabbitmq-env.conf`, and the environment that points `rabbitmq-server` at them.

use std::fs;
use std::path::PathBuf;

use super::error::io_error;
use super::owner::chown_recursive;
use super::{ManagedError, ManagedNode, NODE_NAME_PREFIX};

impl ManagedNode {
    fn mnesia_dir(&self) -> PathBuf {
        self.dir.join("mnesia")
    }

    /// `RABBITMQ_CONFIG_FILE` is this path without `.conf`.
    fn config_base(&self) -> PathBuf {
        self.dir.join("rabbitmq")
    }

    fn enabled_plugins_file(&self) -> PathBuf {
        self.dir.join("enabled_plugins")
    }

    fn env_file(&self) -> PathBuf {
        self.dir.join("rabbitmq-env.conf")
    }

    fn advanced_config_file(&self) -> PathBuf {
        self.dir.join("advanced.config")
    }

    /// Where the output of `rabbitmq-server -detached` goes.
    pub(super) fn startup_output_file(&self) -> PathBuf {
        self.log_dir().join("warren-start.log")
    }

    /// The node's `rabbitmq.conf`.
    pub fn rabbitmq_conf(&self) -> String {
        format!(
            "# Written by Warren for node {name}; rewritten at every start.\n\
             listeners.tcp.default = 127.0.0.1:{amqp}\n\
             management.tcp.port = {management}\n\
             management.tcp.ip = 127.0.0.1\n\
             loopback_users = none\n\
             collect_statistics_interval = 1000\n\
             cluster_name = {NODE_NAME_PREFIX}\n",
            name = self.name,
            amqp = self.amqp_port,
            management = self.management_port,
        )
    }

    /// The environment that makes `rabbitmq-server` run this node and nothing else: every path and
    /// port, so that `/etc/rabbitmq` and a system node are left alone.
    pub(super) fn environment(&self) -> Vec<(&'static str, String)> {
        let path = |p: PathBuf| p.display().to_string();
        vec![
            ("RABBITMQ_NODENAME", self.name.clone()),
            ("RABBITMQ_NODE_PORT", self.amqp_port.to_string()),
            ("RABBITMQ_DIST_PORT", self.dist_port.to_string()),
            ("RABBITMQ_CONFIG_FILE", path(self.config_base())),
            ("RABBITMQ_ADVANCED_CONFIG_FILE", path(self.advanced_config_file())),
            ("RABBITMQ_CONF_ENV_FILE", path(self.env_file())),
            ("RABBITMQ_ENABLED_PLUGINS_FILE", path(self.enabled_plugins_file())),
            ("RABBITMQ_MNESIA_BASE", path(self.mnesia_dir())),
            ("RABBITMQ_LOG_BASE", path(self.log_dir())),
            ("RABBITMQ_PID_FILE", path(self.pid_file())),
            // Erlang distribution on loopback only: a playground's nodes have no business on the
            // network.
            (
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
                "-kernel inet_dist_use_interface {127,0,0,1}".to_owned(),
            ),
        ]
    }

    /// Writes the node's folders and configuration (again), owned by `owner` when given.
    pub(super) fn prepare_files(&self, owner: Option<&str>) -> Result<(), ManagedError> {
        for dir in [self.dir.clone(), self.mnesia_dir(), self.log_dir()] {
            fs::create_dir_all(&dir).map_err(|e| io_error(format!("create {}", dir.display()), e))?;
        }
        let files = [
            (self.config_base().with_extension("conf"), self.rabbitmq_conf()),
            (self.enabled_plugins_file(), "[rabbitmq_management].\n".to_owned()),
            (
                self.env_file(),
                "# Written by Warren: the node's settings are in its environment.\n".to_owned(),
            ),
            // Created here so that it belongs to the node's owner like the rest.
            (self.startup_output_file(), String::new()),
        ];
        for (path, text) in files {
            fs::write(&path, text).map_err(|e| io_error(format!("write {}", path.display()), e))?;
        }
        if let Some(owner) = owner {
            chown_recursive(&self.dir, owner)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::managed::ManagedBroker;

    #[test]
    fn renders_the_node_configuration() {
        let node = &ManagedBroker::new(PathBuf::from("/var/lib/warren")).nodes()[0];
        assert_eq!(
            node.rabbitmq_conf(),
            "# Written by Warren for node warren-1@localhost; rewritten at every start.\n\
             listeners.tcp.default = 127.0.0.1:5701\n\
             management.tcp.port = 15701\n\
             management.tcp.ip = 127.0.0.1\n\
             loopback_users = none\n\
             collect_statistics_interval = 1000\n\
             cluster_name = warren\n"
        );
        let env = node.environment();
        let get = |key: &str| {
            env.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        assert_eq!(get("RABBITMQ_NODENAME"), "warren-1@localhost");
        assert_eq!(get("RABBITMQ_NODE_PORT"), "5701");
        assert_eq!(get("RABBITMQ_DIST_PORT"), "25701");
        assert_eq!(get("RABBITMQ_CONFIG_FILE"), "/var/lib/warren/node-1/rabbitmq");
        assert_eq!(
            get("RABBITMQ_ENABLED_PLUGINS_FILE"),
            "/var/lib/warren/node-1/enabled_plugins"
        );
        assert_eq!(get("RABBITMQ_MNESIA_BASE"), "/var/lib/warren/node-1/mnesia");
        assert_eq!(get("RABBITMQ_LOG_BASE"), "/var/lib/warren/node-1/log");
        assert_eq!(get("RABBITMQ_PID_FILE"), "/var/lib/warren/node-1/rabbitmq.pid");
    }

    #[test]
    fn writes_the_node_files() {
        let dir = std::env::temp_dir().join(format!("warren-managed-test-{}", std::process::id()));
        let broker = ManagedBroker::new(dir.clone());
        let node = &broker.nodes()[0];
        node.prepare_files(None).expect("files written");
        assert_eq!(
            fs::read_to_string(node.dir.join("enabled_plugins")).expect("plugins"),
            "[rabbitmq_management].\n"
        );
        assert_eq!(
            fs::read_to_string(node.dir.join("rabbitmq.conf")).expect("config"),
            node.rabbitmq_conf()
        );
        assert!(node.mnesia_dir().is_dir() && node.log_dir().is_dir());
        fs::remove_dir_all(&dir).expect("cleaned up");
    }
}
