//! The RabbitMQ broker a relay runs scenarios on.
//!
//! # Layout
//! - [`BrokerEndpoints`]: where a broker is reached (AMQP and management URLs), whichever broker it is.
//! - [`management`]: a small client for the management HTTP API: broker facts, vhosts, policies and
//!   queue snapshots.
//! - [`managed`]: the broker Warren starts and stops itself when the user configured none: a cluster of
//!   nodes on this machine.
//! - [`faults`]: stopping, crashing and restarting the managed cluster's nodes.

pub mod faults;
pub mod managed;
pub mod management;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters escaped in one URL path segment: everything except RFC 3986's unreserved characters,
/// so that a vhost or queue named `/`, `a b` or `x?y` stays one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes `value` as one URL path segment (`/` becomes `%2F`).
fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// Where a broker is reached.
///
/// Both URLs carry their credentials, because that is how users pass them on the command line.
/// Never log them as they are; [`management::Management`] strips the password before naming a URL
/// in an error.
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
        amqp_url_with_vhost(&self.amqp_url, vhost)
    }
}

impl NodeEndpoint {
    /// The AMQP URL that opens a connection to this node on `vhost`, built as
    /// [`BrokerEndpoints::amqp_url_for_vhost`] does.
    pub fn amqp_url_for_vhost(&self, vhost: &str) -> String {
        amqp_url_with_vhost(&self.amqp_url, vhost)
    }
}

/// `url` with its vhost path replaced by `vhost`, percent-encoded; see
/// [`BrokerEndpoints::amqp_url_for_vhost`].
fn amqp_url_with_vhost(url: &str, vhost: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    // The authority ends at the first `/`, `?` or `#`; credentials with such characters are
    // percent-encoded in a valid URL.
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let after = &rest[authority_end..];
    let query = after
        .find('?')
        .map(|at| {
            let query = &after[at..];
            // A fragment means nothing to an AMQP client; drop it.
            query.split('#').next().unwrap_or(query)
        })
        .unwrap_or("");
    format!("{scheme}{authority}/{}{query}", encode_segment(vhost))
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
    fn adds_the_vhost_as_a_path() {
        let e = endpoints("amqp://guest:guest@127.0.0.1:5701");
        assert_eq!(
            e.amqp_url_for_vhost("warren-run-1"),
            "amqp://guest:guest@127.0.0.1:5701/warren-run-1"
        );
    }

    #[test]
    fn encodes_the_default_vhost_and_special_characters() {
        let e = endpoints("amqp://guest:guest@127.0.0.1:5701");
        assert_eq!(e.amqp_url_for_vhost("/"), "amqp://guest:guest@127.0.0.1:5701/%2F");
        assert_eq!(
            e.amqp_url_for_vhost("a b/c?d#e%f"),
            "amqp://guest:guest@127.0.0.1:5701/a%20b%2Fc%3Fd%23e%25f"
        );
        assert_eq!(
            e.amqp_url_for_vhost("run.1_x~y-z"),
            "amqp://guest:guest@127.0.0.1:5701/run.1_x~y-z"
        );
        assert_eq!(
            e.amqp_url_for_vhost("lapin-ü"),
            "amqp://guest:guest@127.0.0.1:5701/lapin-%C3%BC"
        );
    }

    #[test]
    fn replaces_a_configured_vhost_and_keeps_the_query() {
        let e = endpoints("amqps://u%40x:p%2Fw@broker.example:5671/%2F?heartbeat=10&frame_max=0");
        assert_eq!(
            e.amqp_url_for_vhost("run"),
            "amqps://u%40x:p%2Fw@broker.example:5671/run?heartbeat=10&frame_max=0"
        );
        let e = endpoints("amqp://localhost/some/vhost#frag");
        assert_eq!(e.amqp_url_for_vhost("run"), "amqp://localhost/run");
        let e = endpoints("amqp://localhost/");
        assert_eq!(e.amqp_url_for_vhost("run"), "amqp://localhost/run");
        let e = endpoints("amqp://localhost?heartbeat=5#x");
        assert_eq!(e.amqp_url_for_vhost("run"), "amqp://localhost/run?heartbeat=5");
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
    fn tolerates_a_url_without_scheme() {
        let e = endpoints("localhost:5672");
        assert_eq!(e.amqp_url_for_vhost("v"), "localhost:5672/v");
    }
}
