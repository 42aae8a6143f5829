//! Choosing the broker: the URLs the user gave, or the RabbitMQ Warren manages itself.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;
use warren_shared::BrokerInfo;

use crate::broker::address::{BrokerUrl, DEFAULT_AMQP_PORT, DEFAULT_MANAGEMENT_PORT, redact};
use crate::broker::faults::NodeFaults;
use crate::broker::managed::{DEFAULT_NODES, ManagedBroker, ManagedError};
use crate::broker::management::{Management, ManagementError};
use crate::broker::{BrokerEndpoints, NodeEndpoint};
use crate::vhost::sweep;

/// How long one reading of the broker's overview serves the runs that start and the pages that
/// open: a burst of them asks the management API once instead of once each (a serving relay
/// reads it afresh every [`OVERVIEW_REFRESH`], so that none of them waits for it).
pub const OVERVIEW_MAX_AGE: Duration = Duration::from_secs(5);
/// How often a serving relay reads the broker's overview ahead of need.
pub const OVERVIEW_REFRESH: Duration = Duration::from_secs(3);

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
    /// Per-node URL lists that do not pair up.
    #[error(
        "could not pair the broker's node URLs: {amqp} AMQP and {management} management URLs were given; \
         for a cluster give one of each per node, comma-separated, in the same order"
    )]
    NodeLists {
        /// AMQP URLs given.
        amqp: usize,
        /// Management URLs given.
        management: usize,
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
    /// The last overview read for [`Broker::recent_overview`], and when.
    recent: Arc<Mutex<Option<(Instant, BrokerInfo)>>>,
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
            (amqp, management) => (external_endpoints(amqp.as_deref(), management.as_deref()).await?, None),
        };
        let managed = faults.is_some();
        let others: Vec<String> = endpoints.nodes.iter().map(|n| n.management_url.clone()).collect();
        let management = Management::new(&endpoints.management_url)?.with_fallbacks(&others);
        match management.overview().await {
            Ok(info) => Ok(Self {
                endpoints,
                management,
                managed,
                faults,
                recent: Arc::new(Mutex::new(Some((Instant::now(), info)))),
            }),
            Err(error @ ManagementError::Unreachable { .. }) if !managed => Err(BrokerError::Unreachable {
                cause: format!("{error}."),
            }),
            Err(error) => Err(error.into()),
        }
    }

    /// The broker's overview as read at most [`OVERVIEW_MAX_AGE`] ago, else read now: callers
    /// at the same moment share one reading (the others wait for the one under way). Failures
    /// are not kept.
    pub async fn recent_overview(&self) -> Result<BrokerInfo, ManagementError> {
        let mut recent = self.recent.lock().await;
        if let Some((read, info)) = recent.as_ref()
            && read.elapsed() < OVERVIEW_MAX_AGE
        {
            return Ok(info.clone());
        }
        let info = self.management.overview().await?;
        *recent = Some((Instant::now(), info.clone()));
        Ok(info)
    }

    /// Read the broker's overview for [`Broker::recent_overview`] now, ahead of need.
    pub async fn refresh_overview(&self) -> Result<(), ManagementError> {
        let info = self.management.overview().await?;
        *self.recent.lock().await = Some((Instant::now(), info));
        Ok(())
    }

    /// The broker's RabbitMQ version, or an empty string when the API does not answer.
    pub async fn version(&self) -> String {
        self.recent_overview().await.map(|i| i.version).unwrap_or_default()
    }

    /// Delete the run vhosts nobody else will delete (see [`sweep`]: those of relays that are
    /// gone, and process-made ones older than a minute without connections), as a process
    /// without a lease of its own. Returns how many were deleted.
    pub async fn remove_leftover_vhosts(&self) -> Result<usize, ManagementError> {
        let mut removed = 0;
        for leftover in sweep::leftovers(&self.management, None, |_| false).await? {
            self.management.delete_vhost(&leftover.name).await?;
            tracing::info!(vhost = %leftover.name, reason = %leftover.reason, "deleted a leftover run vhost");
            removed += 1;
        }
        Ok(removed)
    }
}

/// An external broker: one URL of each kind, or one per node (comma-separated lists of equal
/// length, in the same node order). A missing kind is derived with RabbitMQ's default ports.
async fn external_endpoints(amqp: Option<&str>, management: Option<&str>) -> Result<BrokerEndpoints, BrokerError> {
    let split = |list: &str| {
        list.split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (amqp, management): (Vec<String>, Vec<String>) = match (amqp, management) {
        (Some(a), Some(m)) => (split(a), split(m)),
        (Some(a), None) => {
            let amqp: Vec<String> = split(a);
            let management = amqp.iter().map(|u| management_url_for(u)).collect::<Result<_, _>>()?;
            (amqp, management)
        }
        (None, Some(m)) => {
            let management: Vec<String> = split(m);
            (management.iter().map(|u| amqp_url_for(u)).collect(), management)
        }
        (None, None) => (Vec::new(), Vec::new()),
    };
    if amqp.is_empty() || amqp.len() != management.len() {
        return Err(BrokerError::NodeLists {
            amqp: amqp.len(),
            management: management.len(),
        });
    }
    let mut nodes = Vec::new();
    if amqp.len() > 1 {
        for (amqp_url, management_url) in amqp.iter().zip(&management) {
            let name = Management::new(management_url)?
                .answering_node()
                .await
                .map_err(|error| BrokerError::Unreachable {
                    cause: format!("{error}."),
                })?;
            nodes.push(NodeEndpoint {
                name,
                amqp_url: amqp_url.clone(),
                management_url: management_url.clone(),
            });
        }
    }
    Ok(BrokerEndpoints {
        amqp_url: amqp[0].clone(),
        management_url: management[0].clone(),
        nodes,
    })
}

/// The management URL RabbitMQ uses by default for an AMQP URL: same host and user, port 15672.
fn management_url_for(amqp: &str) -> Result<String, BrokerError> {
    let url = BrokerUrl::parse(amqp).map_err(|_| BrokerError::AmqpUrl { url: redact(amqp) })?;
    Ok(url.with_scheme_and_port("http", DEFAULT_MANAGEMENT_PORT))
}

/// The AMQP URL RabbitMQ uses by default for a management URL: same host and user, port 5672.
fn amqp_url_for(management: &str) -> String {
    match BrokerUrl::parse(management) {
        Ok(url) => url.with_scheme_and_port("amqp", DEFAULT_AMQP_PORT),
        Err(_) => format!("amqp://127.0.0.1:{DEFAULT_AMQP_PORT}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
