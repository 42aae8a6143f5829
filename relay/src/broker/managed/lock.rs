//! Locks against two changes of the cluster at once: one between Warren processes (a port), one
//! within this process, and one per node.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use super::error::io_error;
use super::{LOCK_PORT, ManagedError, POLL_INTERVAL};

/// How long to wait for another Warren process to finish changing the cluster.
const LOCK_TIMEOUT: Duration = Duration::from_secs(300);

/// Only one cluster formation at a time in this process. Taken before [`ClusterLock`] and any node's
/// lock.
pub(super) static START_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// One lock per node folder: two concurrent starts, joins or faults of one node would collide.
static NODE_LOCKS: std::sync::Mutex<Vec<(PathBuf, Arc<tokio::sync::Mutex<()>>)>> = std::sync::Mutex::new(Vec::new());

/// The lock of the node kept in `dir`.
pub(super) fn node_lock(dir: &Path) -> Arc<tokio::sync::Mutex<()>> {
    let mut locks = NODE_LOCKS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, lock)) = locks.iter().find(|(d, _)| d == dir) {
        return lock.clone();
    }
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    locks.push((dir.to_path_buf(), lock.clone()));
    lock
}

/// Held while this process changes the cluster (forms, stops or repairs it, or applies a node fault),
/// so that another Warren process (a second `warren run`, the tests) does not do so at the same time.
///
/// It is a listening socket on `127.0.0.1:`[`LOCK_PORT`]: only one process can hold it, and the
/// system releases it when the process dies, so a crash leaves no stale lock behind. The scope is
/// right too: the nodes' ports are this machine's, whatever the data folder. Taken before any node's
/// lock, and never twice by one task: it is not reentrant.
#[derive(Debug)]
pub(in crate::broker) struct ClusterLock {
    _socket: std::net::TcpListener,
}

impl ClusterLock {
    /// Waits (up to [`LOCK_TIMEOUT`]) until no other task or process changes the cluster.
    pub(in crate::broker) async fn acquire() -> Result<Self, ManagedError> {
        let began = Instant::now();
        let mut told = false;
        loop {
            match std::net::TcpListener::bind(("127.0.0.1", LOCK_PORT)) {
                Ok(socket) => return Ok(Self { _socket: socket }),
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                    if !told {
                        tracing::info!(
                            port = LOCK_PORT,
                            "waiting for another Warren process to finish changing the broker"
                        );
                        told = true;
                    }
                    if began.elapsed() >= LOCK_TIMEOUT {
                        return Err(io_error(
                            format!("take Warren's broker lock (port {LOCK_PORT} on 127.0.0.1)"),
                            io::Error::other(format!(
                                "another process has held it for {} s: another Warren changing the \
                                 broker, or a program using that port",
                                LOCK_TIMEOUT.as_secs()
                            )),
                        ));
                    }
                    tokio::time::sleep(POLL_INTERVAL).await;
                }
                Err(e) => {
                    return Err(io_error(
                        format!("take Warren's broker lock (port {LOCK_PORT} on 127.0.0.1)"),
                        e,
                    ));
                }
            }
        }
    }
}
