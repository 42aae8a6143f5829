//! Choosing the broker: the URLs the user gave, or the RabbitMQ Warren manages itself.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::broker::BrokerEndpoints;
use crate::broker::faults::NodeFaults;
use crate::broker::managed::{DEFAULT_NODES, ManagedBroker, ManagedError};
use crate::broker::management::{Management, ManagementError};
use crate::run::vhost_created_ms;

/// How old a run vhost without connections must be before start-up deletes it: a run creates
/// its vhost and connects within milliseconds, so an older empty one was left by a crash.
const LEFTOVER_AGE: Duration = Duration::from_secs(60);

/// Where the broker is, as configured.
#[derive(Debug, Clone, Default)]
pub struct BrokerConfig {
    /// AMQP URL of an existing broker.
    pub amqp_url: Option<String>,
    /// Management API URL of that broker.
    pub management_url: Option<String>,
}

/// Why no broker could be used.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    /// The managed broker could not be started.
    #[error(transparent)]
    Managed(#[from] ManagedError),
    /// The management API could not be used.
    #[error(transparent)]
    Management(#[from] ManagementError),
    /// The configured broker did not answer.
    #[error(
        "Warren could not use the RabbitMQ configured with --amqp-url/--management-url: {cause} \
         Or leave both URLs out so that Warren starts a \
         RabbitMQ of its own (that needs `apt-get install rabbitmq-server`), or run one in a container, e.g. \
         `docker run -d -p 5672:5672 -p 15672:15672 rabbitmq:3-management`, and point the URLs at it."
    )]
    Unreachable {
        /// What failed, from the management client.
        cause: String,
    },
    /// A URL could not be read.
    #[error("could not read the AMQP URL {url}: it must look like amqp://user:password@host:5672")]
    AmqpUrl {
        /// The URL without credentials.
        url: String,
    },
}

/// A broker the relay can run scenarios on.
#[derive(Debug, Clone)]
pub struct Broker {
    /// Where it is.
    pub endpoints: BrokerEndpoints,
    /// Its management API.
    pub management: Management,
    /// Whether Warren manages it (started it or found its own node running).
    pub managed: bool,
    /// Stops, kills and starts the managed cluster's nodes; `None` for an external broker.
    pub faults: Option<NodeFaults>,
}

impl Broker {
    /// Use the configured broker, or start (or reuse) the managed one of [`DEFAULT_NODES`] nodes when
    /// none is configured; then check that the management API answers.
    pub async fn resolve(config: &BrokerConfig) -> Result<Self, BrokerError> {
        Self::resolve_with_nodes(config, DEFAULT_NODES).await
    }

    /// [`Broker::resolve`], with a managed broker of `nodes` nodes when none is configured.
    pub async fn resolve_with_nodes(config: &BrokerConfig, nodes: u16) -> Result<Self, BrokerError> {
        let (endpoints, faults) = match (&config.amqp_url, &config.management_url) {
            (None, None) => {
                let cluster = ManagedBroker::with_nodes(ManagedBroker::default_data_dir(), nodes);
                (cluster.ensure_running().await?, Some(NodeFaults::new(&cluster)))
            }
            (Some(amqp), Some(management)) => (endpoints(amqp, management), None),
            (Some(amqp), None) => (endpoints(amqp, &management_url_for(amqp)?), None),
            (None, Some(management)) => (endpoints(&amqp_url_for(management), management), None),
        };
        let managed = faults.is_some();
        let others: Vec<String> = endpoints.nodes.iter().map(|n| n.management_url.clone()).collect();
        let management = Management::new(&endpoints.management_url)?.with_fallbacks(&others);
        match management.overview().await {
            Ok(_) => Ok(Self {
                endpoints,
                management,
                managed,
                faults,
            }),
            Err(error @ ManagementError::Unreachable { .. }) if !managed => Err(BrokerError::Unreachable {
                cause: format!("{error}."),
            }),
            Err(error) => Err(error.into()),
        }
    }

    /// Delete run vhosts an earlier relay left behind when it crashed: older than a minute and
    /// without connections. Returns how many were deleted.
    pub async fn remove_leftover_vhosts(&self) -> Result<usize, ManagementError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let mut removed = 0;
        for vhost in self.management.list_vhosts().await? {
            let Some(created) = vhost_created_ms(&vhost.name) else {
                continue;
            };
            if now.saturating_sub(created) < LEFTOVER_AGE.as_millis() {
                continue;
            }
            if self.management.vhost_connection_count(&vhost.name).await? == 0 {
                self.management.delete_vhost(&vhost.name).await?;
                tracing::info!(vhost = %vhost.name, "deleted a run vhost left behind by an earlier relay");
                removed += 1;
            }
        }
        Ok(removed)
    }
}

fn endpoints(amqp: &str, management: &str) -> BrokerEndpoints {
    BrokerEndpoints {
        amqp_url: amqp.to_owned(),
        management_url: management.to_owned(),
        nodes: vec![],
    }
}

/// Split `scheme://userinfo@host:port/path` into (userinfo, host without port).
fn authority(url: &str) -> Option<(Option<&str>, &str)> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let host = if hostport.starts_with('[') {
        hostport.split_inclusive(']').next()?
    } else {
        hostport.split(':').next()?
    };
    Some((userinfo, host))
}

/// The management URL RabbitMQ uses by default for an AMQP URL: same host and user, port 15672.
fn management_url_for(amqp: &str) -> Result<String, BrokerError> {
    let (userinfo, host) = authority(amqp).ok_or_else(|| BrokerError::AmqpUrl { url: redact(amqp) })?;
    Ok(match userinfo {
        Some(user) => format!("http://{user}@{host}:15672"),
        None => format!("http://{host}:15672"),
    })
}

/// The AMQP URL RabbitMQ uses by default for a management URL: same host and user, port 5672.
fn amqp_url_for(management: &str) -> String {
    match authority(management) {
        Some((Some(user), host)) => format!("amqp://{user}@{host}:5672"),
        Some((None, host)) => format!("amqp://{host}:5672"),
        None => "amqp://127.0.0.1:5672".to_owned(),
    }
}

/// A URL with its password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("amqp://guest:secret@host:5672/vh"),
            "amqp://guest:***@host:5672/vh"
        );
        assert_eq!(redact("http://host:15672"), "http://host:15672");
    }

    #[test]
    fn missing_urls_are_derived_with_default_ports() {
        assert_eq!(
            management_url_for("amqp://u:p@rabbit.local:5672/%2f").expect("url"),
            "http://u:p@rabbit.local:15672"
        );
        assert_eq!(amqp_url_for("http://u:p@10.0.0.1:15672"), "amqp://u:p@10.0.0.1:5672");
        assert!(management_url_for("not a url").is_err());
    }
}
