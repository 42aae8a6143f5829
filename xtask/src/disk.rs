//! Free disk space where the build writes: reported before `test`, named in a failure when it ran
//! short, and (on CI) won back from the page's build once `frontend/dist/` holds its result.
//!
//! A full disk shows up far from its cause: the compiler fails to write, and RabbitMQ, below its
//! `disk_free_limit` (50 MB by default), blocks every publisher, so runs stall instead of failing.

use crate::workspace::Workspace;
use std::path::Path;
use std::process::Command;

/// About what a cold `cargo xtask test` writes under `target/` (measured: 2.7 GB for the host's
/// debug build, 0.7 GB for the page's wasm tests, 0.5 GB for its release build, 0.1 GB of tools).
pub const COLD_TEST_BYTES: u64 = 4_000_000_000;

/// Below this much free space a failure is blamed on the disk as well.
const SHORT_BYTES: u64 = 1_000_000_000;

/// Free bytes on the file system holding `path` (or its nearest existing parent), from `df`.
pub fn free_bytes(path: &Path) -> Option<u64> {
    let existing = path.ancestors().find(|p| p.exists())?;
    let out = Command::new("df").arg("-Pk").arg(existing).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // "Filesystem 1024-blocks Used Available Capacity Mounted on", then one line.
    let available_kib: u64 = text.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()?;
    Some(available_kib * 1024)
}

/// Print the free space for `target/`, with a warning when a cold run may not fit.
pub fn report(ws: &Workspace) {
    let Some(free) = free_bytes(&ws.target) else {
        return;
    };
    println!("    disk: {} free for {}", gigabytes(free), ws.target.display());
    if free < COLD_TEST_BYTES {
        println!(
            "    warning: a cold run writes about {} under target/; with less free, builds fail and RabbitMQ blocks publishers (its disk alarm) once under 50 MB is left",
            gigabytes(COLD_TEST_BYTES)
        );
    }
}

/// `error`, with the disk named when it is nearly full.
pub fn explain(ws: &Workspace, error: crate::cmd::Error) -> crate::cmd::Error {
    match free_bytes(&ws.target) {
        Some(free) if free < SHORT_BYTES => crate::cmd::Error::new(format!(
            "{error} (the disk holding {} has only {} free: compilers fail to write and RabbitMQ blocks publishers under 50 MB; free some space and run again)",
            ws.target.display(),
            gigabytes(free)
        )),
        _ => error,
    }
}

/// On CI, delete the page's release build once `frontend/dist/` holds its result: nothing later in
/// the run reads it, and it is about 0.5 GB.
pub fn drop_page_build_on_ci(ws: &Workspace, profile: &str, target: &str) {
    if std::env::var_os("CI").is_none() {
        return;
    }
    for dir in [ws.target.join(target).join(profile), ws.target.join(profile)] {
        if dir.is_dir() {
            match std::fs::remove_dir_all(&dir) {
                Ok(()) => println!("    removed {} (CI: the page is built)", dir.display()),
                Err(e) => println!("    could not remove {}: {e}", dir.display()),
            }
        }
    }
}

/// `3.2 GB`, or `120 MB` below one gigabyte.
fn gigabytes(bytes: u64) -> String {
    if bytes >= 1_000_000_000 {
        format!("{:.1} GB", bytes as f64 / 1e9)
    } else {
        format!("{} MB", bytes / 1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(gigabytes(4_000_000_000), "4.0 GB");
        assert_eq!(gigabytes(287_000_000), "287 MB");
    }

    #[test]
    fn the_root_has_some_free_space() {
        assert!(free_bytes(Path::new("/")).is_some());
        assert!(free_bytes(Path::new("/no/such/folder/here")).is_some());
    }
}
