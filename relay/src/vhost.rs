//! Run ids and the vhosts named after them.
//!
//! Every run happens in a vhost of its own, `warren-run-<run id>`; the run id starts with the time
//! it was made, so a relay starting up can tell a vhost an earlier relay left behind when it crashed
//! from one a run is still using. Both [`crate::run`], which makes the vhosts, and
//! [`crate::connect`], which sweeps up the leftovers, read the names from here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Prefix of every vhost Warren creates; anything else on the broker is never touched.
pub const PREFIX: &str = "warren-run-";

/// A new run id: time-ordered, unique within this process and very likely across relays.
///
/// It reads `<milliseconds since 1970>-<process id>-<counter>`; [`created_ms`] reads the time back.
pub fn new_run_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{millis}-{}-{n}", std::process::id())
}

/// The vhost of the run `run_id`.
pub fn for_run(run_id: &str) -> String {
    format!("{PREFIX}{run_id}")
}

/// When a Warren vhost was created, read from its name; `None` for any other vhost.
pub fn created_ms(vhost: &str) -> Option<u128> {
    vhost.strip_prefix(PREFIX)?.split('-').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_are_unique_and_vhosts_carry_their_creation_time() {
        let a = new_run_id();
        let b = new_run_id();
        assert_ne!(a, b);
        let created = created_ms(&for_run(&a)).expect("time in name");
        assert!(created > 1_700_000_000_000);
        assert_eq!(created_ms("other-vhost"), None);
        assert_eq!(created_ms("warren-run-x-1-2"), None);
    }
}
