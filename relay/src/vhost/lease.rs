//! A relay's proof of life on the broker: an exclusive, auto-delete queue named after its
//! [`RelayId`] (`warren.relay.<id>`) on the default vhost `/`, declared on an AMQP connection the
//! relay keeps open. RabbitMQ deletes an exclusive queue the moment its connection closes, so the
//! queue exists exactly as long as the relay process does, SIGKILL included: another relay that
//! finds a vhost named after a relay whose queue is gone knows nobody will delete it but itself.
//!
//! A task watches the connection; when it is lost (its node stopped, say) the task declares the
//! queue again on any node that answers. While the lease is lost, another relay may delete this
//! relay's idle pool vhosts (never a vhost a run is connected to).

use lapin::Connection;
use lapin::options::QueueDeclareOptions;
use lapin::types::FieldTable;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::RelayId;
use crate::broker::BrokerEndpoints;
use crate::broker::address::redact;
use crate::run::{amqp, link};

/// How often the lease's connection is looked at.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// How long a lost lease waits between attempts to take it again.
const RETAKE_EVERY: Duration = Duration::from_secs(2);

/// Why the lease could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    /// No node took an AMQP connection on the default vhost.
    #[error("could not open an AMQP connection on the default vhost `/` at {url}: {reason}")]
    Connect {
        /// The URL tried last, without credentials.
        url: String,
        /// The client's error.
        reason: String,
    },
    /// The broker refused the queue (no permission on `/`, for one).
    #[error("could not declare the relay's lease queue {queue} on the default vhost `/`: {reason}")]
    Declare {
        /// The queue's name.
        queue: String,
        /// The client's error.
        reason: String,
    },
}

/// A lease held; [`Lease::release`] gives it back (dropping it leaves it to the process's end).
#[derive(Debug)]
pub struct Lease {
    relay: RelayId,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl Lease {
    /// Take the lease of `relay` on the broker at `endpoints` (its first node, else the others).
    pub async fn take(endpoints: &BrokerEndpoints, relay: &RelayId) -> Result<Self, LeaseError> {
        let urls = urls(endpoints);
        let connection = hold(&urls, relay).await?;
        let stop = CancellationToken::new();
        let task = tokio::spawn(keep(connection, urls, relay.clone(), stop.clone()));
        Ok(Self {
            relay: relay.clone(),
            stop,
            task,
        })
    }

    /// The relay the lease is for.
    pub fn relay(&self) -> &RelayId {
        &self.relay
    }

    /// Close the lease's connection: the queue goes with it.
    pub async fn release(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

/// The AMQP URLs of the default vhost, first node first.
fn urls(endpoints: &BrokerEndpoints) -> Vec<String> {
    let mut urls = vec![endpoints.amqp_url_for_vhost("/")];
    for node in &endpoints.nodes {
        let url = node.amqp_url_for_vhost("/");
        if !urls.contains(&url) {
            urls.push(url);
        }
    }
    urls
}

/// A connection holding the lease queue, on the first of `urls` that takes it.
async fn hold(urls: &[String], relay: &RelayId) -> Result<Connection, LeaseError> {
    let mut last = None;
    for url in urls {
        match declare(url, relay).await {
            Ok(connection) => return Ok(connection),
            Err(error @ LeaseError::Declare { .. }) => return Err(error),
            Err(error) => last = Some(error),
        }
    }
    Err(last.unwrap_or_else(|| LeaseError::Connect {
        url: String::new(),
        reason: "no AMQP URL is configured".to_owned(),
    }))
}

async fn declare(url: &str, relay: &RelayId) -> Result<Connection, LeaseError> {
    let name = format!("warren relay {relay} (lease)");
    let connection = link::connect(url, &name).await.map_err(|error| LeaseError::Connect {
        url: redact(url),
        reason: amqp::describe(&error),
    })?;
    let queue = relay.lease_queue();
    let refused = |error: lapin::Error| LeaseError::Declare {
        queue: queue.clone(),
        reason: amqp::describe(&error),
    };
    let channel = connection.create_channel().await.map_err(refused)?;
    let options = QueueDeclareOptions {
        exclusive: true,
        auto_delete: true,
        ..QueueDeclareOptions::default()
    };
    channel
        .queue_declare(amqp::short(&queue), options, FieldTable::default())
        .await
        .map_err(refused)?;
    Ok(connection)
}

/// Watch the lease's connection until `stop`; take the lease again when it is lost.
async fn keep(mut connection: Connection, urls: Vec<String>, relay: RelayId, stop: CancellationToken) {
    let mut check = tokio::time::interval(CHECK_EVERY);
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            _ = check.tick() => {}
        }
        if connection.status().connected() {
            continue;
        }
        tracing::warn!(%relay, "lost the relay's lease on the broker; taking it again");
        loop {
            match hold(&urls, &relay).await {
                Ok(again) => {
                    connection = again;
                    tracing::info!(%relay, "took the relay's lease on the broker again");
                    break;
                }
                Err(error) => tracing::warn!(%relay, %error, "could not take the relay's lease again"),
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(RETAKE_EVERY) => {}
            }
        }
    }
    let closing = connection.close(200, "relay stopped".into());
    let _ = tokio::time::timeout(link::CONNECT_TIMEOUT, closing).await;
}
