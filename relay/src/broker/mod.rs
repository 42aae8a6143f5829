//! The RabbitMQ broker a relay runs scenarios on.
//!
//! # Layout
//! - [`BrokerEndpoints`]: where a broker is reached (AMQP and management URLs), whichever broker it is.
//! - [`address`]: reading those URLs, showing them without their password, and pointing them at a
//!   vhost, host or port.
//! - [`management`]: a small client for the management HTTP API: broker facts, vhosts, policies and
//!   queue snapshots.
//! - [`managed`]: the broker Warren starts and stops itself when the user configured none: a cluster of
//!   nodes on this machine.
//! - [`faults`]: stopping, crashing and restarting the managed cluster's nodes.

pub mod address;
pub mod faults;
pub mod managed;
pub mod management;

use address::BrokerUrl;

/// Where a broker is reached.
///
/// Both URLs carry their credentials, because that is how users pass them on the command line.
/// Never log them as they are: show them through [`address::redact`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerEndpoints {
    /// AMQP URL without a vhost path, e.g. `amqp://guest:guest@127.0.0.1:5701`; each run connects to
    /// its own vhost through [`BrokerEndpoints::amqp_url_for_vhost`]. For the managed cluster, its
    /// first node.
    pub amqp_url: String,
    /// Management HTTP API base URL, e.g. `http://guest:guest@127.0.0.1:15701`. For the managed
    /// cluster, its first node.
    pub management_url: String,
    /// Every node of the broker, first node first, when Warren knows them (the managed cluster);
    /// empty for a broker given only by its URLs.
    pub nodes: Vec<NodeEndpoint>,
}

/// Where one node of a cluster is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeEndpoint {
    /// Erlang node name, e.g. `warren-2@localhost`, as the management API and queue leaders name it.
    pub name: String,
    /// AMQP URL of this node without a vhost path, e.g. `amqp://guest:guest@127.0.0.1:5702`.
    pub amqp_url: String,
    /// Management HTTP API base URL of this node, e.g. `http://guest:guest@127.0.0.1:15702`.
    pub management_url: String,
}

impl BrokerEndpoints {
    /// The AMQP URL that opens a connection on `vhost`.
    ///
    /// The vhost is percent-encoded into the path (the default vhost `/` becomes `%2F`); any vhost path
    /// the configured URL carried is replaced, while scheme, credentials, host, port and query
    /// (e.g. `?heartbeat=10`) are kept as they were.
    pub fn amqp_url_for_vhost(&self, vhost: &str) -> String {
        with_vhost(&self.amqp_url, vhost)
    }
}

impl NodeEndpoint {
    /// The AMQP URL that opens a connection to this node on `vhost`, built as
    /// [`BrokerEndpoints::amqp_url_for_vhost`] does.
    pub fn amqp_url_for_vhost(&self, vhost: &str) -> String {
        with_vhost(&self.amqp_url, vhost)
    }
}

/// `url` with its vhost path replaced by `vhost` (see [`BrokerUrl::with_vhost`]); a text that is
/// not a URL is left as it is, for the AMQP client to refuse with its own message.
fn with_vhost(url: &str, vhost: &str) -> String {
    BrokerUrl::parse(url).map_or_else(|_| url.to_owned(), |parsed| parsed.with_vhost(vhost))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints(amqp_url: &str) -> BrokerEndpoints {
        BrokerEndpoints {
            amqp_url: amqp_url.to_owned(),
            management_url: "http://guest:guest@127.0.0.1:15701".to_owned(),
            nodes: vec![],
        }
    }

    #[test]
    fn node_urls_get_the_vhost_the_same_way() {
        let node = NodeEndpoint {
            name: "warren-2@localhost".into(),
            amqp_url: "amqp://guest:guest@127.0.0.1:5702/old?heartbeat=5".into(),
            management_url: "http://guest:guest@127.0.0.1:15702".into(),
        };
        assert_eq!(
            node.amqp_url_for_vhost("a b/c"),
            "amqp://guest:guest@127.0.0.1:5702/a%20b%2Fc?heartbeat=5"
        );
        let e = endpoints(&node.amqp_url);
        assert_eq!(e.amqp_url_for_vhost("a b/c"), node.amqp_url_for_vhost("a b/c"));
    }

    #[test]
    fn leaves_a_url_without_scheme_as_it_is() {
        let e = endpoints("localhost:5672");
        assert_eq!(e.amqp_url_for_vhost("v"), "localhost:5672");
    }
}
