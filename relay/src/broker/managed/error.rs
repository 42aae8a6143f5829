//! Why Warren's own broker could not be started, stopped or inspected.

use std::io;
use std::path::PathBuf;

use super::ROOT_DATA_DIR;

/// Why Warren's own broker could not be started, stopped or inspected.
#[derive(Debug, thiserror::Error)]
pub enum ManagedError {
    /// `rabbitmq-server` is not installed.
    #[error(
        "could not start a RabbitMQ broker: no broker was configured and none could be started, \
         because {tried} does not exist. Install RabbitMQ (apt-get install rabbitmq-server) and \
         start Warren again, or run a broker yourself (e.g. docker run -p 5672:5672 -p 15672:15672 \
         rabbitmq:3-management) and pass --amqp-url and --management-url (or set WARREN_AMQP_URL \
         and WARREN_MANAGEMENT_URL)"
    )]
    NotInstalled {
        /// The server script that was looked for.
        tried: PathBuf,
    },
    /// Warren runs as a user the RabbitMQ scripts refuse.
    #[error(
        "could not start a RabbitMQ broker: rabbitmq-server must run as root or as the rabbitmq \
         user, and Warren runs as {user}. Start Warren with sudo, or run a broker yourself and pass \
         --amqp-url and --management-url (or set WARREN_AMQP_URL and WARREN_MANAGEMENT_URL)"
    )]
    WrongUser {
        /// Who Warren runs as.
        user: String,
    },
    /// The `rabbitmq` user cannot reach the data folder.
    #[error(
        "could not use {dir} as Warren's RabbitMQ data folder: the rabbitmq user cannot enter \
         {blocked}. Choose a folder it can reach by setting WARREN_DATA_DIR, e.g. \
         WARREN_DATA_DIR={ROOT_DATA_DIR}"
    )]
    DataDirUnreachable {
        /// The data folder.
        dir: PathBuf,
        /// The folder on its path that the `rabbitmq` user may not enter.
        blocked: PathBuf,
    },
    /// A file operation or a command failed to run at all.
    #[error("could not {what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A node did not come up.
    #[error(
        "could not start RabbitMQ node {node}: {detail}. Its logs are in {}{}{}",
        log_dir.display(),
        quote_first_error(first_error),
        quote_tail(log_tail)
    )]
    StartFailed {
        /// The node's name.
        node: String,
        /// What went wrong.
        detail: String,
        /// The node's log folder.
        log_dir: PathBuf,
        /// The first error the node logged during this start, when there is one.
        first_error: Option<String>,
        /// The last lines of its newest log, when readable.
        log_tail: Option<String>,
    },
    /// Another RabbitMQ answers on a port Warren's node needs.
    #[error(
        "could not start RabbitMQ node {node}: port {port} is already in use by {user}; stop it, \
         or run Warren against a broker of your own with --amqp-url and --management-url"
    )]
    PortTaken {
        /// The node that needed the port.
        node: String,
        /// The port.
        port: u16,
        /// Who uses it, e.g. `another RabbitMQ (nodes rabbit@host)` or `another program`.
        user: String,
    },
    /// A node would not stop.
    #[error("could not stop RabbitMQ node {node}: {detail}")]
    StopFailed {
        /// The node's name.
        node: String,
        /// What went wrong.
        detail: String,
    },
    /// A node could not be made a member of the first node's cluster.
    #[error("could not join RabbitMQ node {node} to the cluster of {seed}: {detail}. Its logs are in {}", log_dir.display())]
    JoinFailed {
        /// The node that was to join.
        node: String,
        /// The first node, whose cluster it was to join.
        seed: String,
        /// What went wrong.
        detail: String,
        /// The joining node's log folder.
        log_dir: PathBuf,
    },
    /// A node beyond the wanted count could not be taken out of the cluster.
    #[error("could not remove RabbitMQ node {node} from Warren's cluster: {detail}")]
    RemoveFailed {
        /// The node to remove.
        node: String,
        /// What went wrong.
        detail: String,
    },
    /// Every node runs, but the first node does not list them all as running members.
    #[error("could not form Warren's RabbitMQ cluster: {detail}")]
    NotClustered {
        /// What the first node reports.
        detail: String,
    },
}

fn quote_first_error(error: &Option<String>) -> String {
    match error {
        Some(error) => format!("; the first error it logged: {error}"),
        None => String::new(),
    }
}

fn quote_tail(tail: &Option<String>) -> String {
    match tail {
        Some(tail) if !tail.trim().is_empty() => format!("; the log ends with:\n{tail}"),
        _ => String::new(),
    }
}

/// [`ManagedError::Io`]: `what` could not be done because of `source`.
pub(super) fn io_error(what: String, source: io::Error) -> ManagedError {
    ManagedError::Io { what, source }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::managed::RABBITMQ_SERVER;

    #[test]
    fn messages_say_what_to_do() {
        let e = ManagedError::NotInstalled {
            tried: PathBuf::from(RABBITMQ_SERVER),
        };
        let text = e.to_string();
        assert!(text.starts_with("could not start a RabbitMQ broker"));
        for needle in [
            "/usr/sbin/rabbitmq-server",
            "apt-get install rabbitmq-server",
            "--amqp-url",
            "WARREN_MANAGEMENT_URL",
        ] {
            assert!(text.contains(needle), "{needle} missing from: {text}");
        }
        let e = ManagedError::StartFailed {
            node: "warren-1@localhost".into(),
            detail: "it did not finish booting within 90 s".into(),
            log_dir: PathBuf::from("/var/lib/warren/node-1/log"),
            first_error: Some("Failed to start Ranch listener".into()),
            log_tail: Some("line 1\nline 2".into()),
        };
        assert_eq!(
            e.to_string(),
            "could not start RabbitMQ node warren-1@localhost: it did not finish booting within 90 \
             s. Its logs are in /var/lib/warren/node-1/log; the first error it logged: Failed to \
             start Ranch listener; the log ends with:\nline 1\nline 2"
        );
    }
}
