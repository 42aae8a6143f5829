//! Run ids, the vhosts runs happen in, and keeping the broker free of the ones left behind.
//!
//! Every run happens in a vhost of its own, named `warren-run-<created ms>-<maker>-<n>`: the
//! time it was created, who made it, and a counter. The maker is the serving relay's
//! [`RelayId`] (`r` and hex digits) when that relay holds a [`lease::Lease`] on the broker, else
//! the process id (`warren run`, the library, a relay without a lease). From the name alone a
//! sweep can tell whose a vhost is and whether that maker is still alive.
//!
//! # Layout
//! - this file: run ids, relay ids, and the names of run vhosts (made and read back).
//! - [`registry`]: the vhosts a relay made and has not deleted yet; creation, and deletion in the
//!   background with a bounded number at a time.
//! - [`pool`]: vhosts made ready ahead of demand, so that a run starts without waiting for one.
//! - [`lease`]: the relay's proof of life on the broker, an exclusive queue that dies with it.
//! - [`sweep`]: which leftover vhosts to delete, at start-up and while the relay runs.

pub mod lease;
pub mod pool;
pub mod registry;
pub mod sweep;

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Prefix of every vhost Warren creates; anything else on the broker is never touched.
pub const PREFIX: &str = "warren-run-";

/// Prefix of a relay's lease queue on the default vhost, followed by its [`RelayId`].
pub const LEASE_QUEUE_PREFIX: &str = "warren.relay.";

/// Hex digits in a [`RelayId`] after its `r`.
const RELAY_ID_DIGITS: usize = 10;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// A new run id: time-ordered, unique within this process and very likely across relays.
///
/// It reads `<milliseconds since 1970>-<process id>-<counter>`. A run served by a relay is told
/// apart by this id; the vhost it runs in has a name of its own (see [`new_vhost`]), given in the
/// run's `run_started` event. A run through the library or `warren run` uses [`for_run`].
pub fn new_run_id() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{}-{}-{n}", now_ms(), std::process::id())
}

/// The vhost of the run `run_id` when the run makes its own (`warren run`, the library): a
/// process-made name, which sweeps judge by its age.
pub fn for_run(run_id: &str) -> String {
    format!("{PREFIX}{run_id}")
}

/// A new vhost name made by `relay`, or by this process when there is no relay (or it holds no
/// lease).
pub fn new_vhost(relay: Option<&RelayId>) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let maker = relay.map_or_else(|| std::process::id().to_string(), |id| id.0.clone());
    format!("{PREFIX}{}-{maker}-{n}", now_ms())
}

/// What a run vhost's name says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunVhost {
    /// When it was created, in milliseconds since 1970.
    pub created_ms: u128,
    /// The relay that made it, when a relay holding a lease did; `None` for a process-made name.
    pub relay: Option<RelayId>,
}

/// Read a Warren vhost's name; `None` for any other vhost.
pub fn parse(vhost: &str) -> Option<RunVhost> {
    let mut parts = vhost.strip_prefix(PREFIX)?.split('-');
    let created_ms = parts.next()?.parse().ok()?;
    let relay = parts.next().and_then(RelayId::parse);
    Some(RunVhost { created_ms, relay })
}

/// The id of one serving relay: `r` and ten hex digits, random. Its vhosts carry it, and its
/// lease queue is named after it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RelayId(String);

impl RelayId {
    /// A new random id (from the standard library's per-process random hash keys, the time and a
    /// counter: distinct relays on one broker do not meet the same one).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u128(now_ms());
        hasher.write_u32(std::process::id());
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        let digits = format!("{:016x}", hasher.finish());
        Self(format!("r{}", &digits[..RELAY_ID_DIGITS]))
    }

    /// The id in `text`, when it is one.
    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.strip_prefix('r')?;
        let ok = digits.len() == RELAY_ID_DIGITS && digits.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then(|| Self(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name of this relay's lease queue on the default vhost.
    pub fn lease_queue(&self) -> String {
        format!("{LEASE_QUEUE_PREFIX}{}", self.0)
    }
}

impl fmt::Display for RelayId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_are_unique_and_their_vhosts_carry_their_creation_time() {
        let a = new_run_id();
        let b = new_run_id();
        assert_ne!(a, b);
        let vhost = parse(&for_run(&a)).expect("a Warren vhost");
        assert!(vhost.created_ms > 1_700_000_000_000);
        assert_eq!(vhost.relay, None, "a run's own vhost is process-made");
        assert_eq!(parse("other-vhost"), None);
        assert_eq!(parse("warren-run-x-1-2"), None);
    }

    #[test]
    fn a_relays_vhosts_name_it_and_process_made_ones_do_not() {
        let relay = RelayId::new();
        assert_ne!(relay, RelayId::new());
        assert_eq!(relay.as_str().len(), 1 + RELAY_ID_DIGITS);
        assert_eq!(RelayId::parse(relay.as_str()), Some(relay.clone()));
        let made = new_vhost(Some(&relay));
        assert_ne!(made, new_vhost(Some(&relay)));
        let read = parse(&made).expect("a Warren vhost");
        assert_eq!(read.relay, Some(relay.clone()));
        assert!(read.created_ms > 1_700_000_000_000);
        assert_eq!(parse(&new_vhost(None)).expect("a Warren vhost").relay, None);
        assert_eq!(relay.lease_queue(), format!("warren.relay.{relay}"));
        for not_an_id in ["1234", "r12", "rXYZ0123456", "r0123456789a"] {
            assert_eq!(RelayId::parse(not_an_id), None, "{not_an_id}");
        }
    }
}
