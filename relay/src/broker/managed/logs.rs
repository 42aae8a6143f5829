//! What a node's logs say when it fails to start: the first error this start logged and the end of
//! its newest log.

use std::fs;
use std::path::{Path, PathBuf};

use super::{ManagedError, ManagedNode};

/// Lines of the node's log quoted when it fails to start.
pub(super) const LOG_TAIL_LINES: usize = 10;
/// Longest error line quoted from the node's log.
const ERROR_LINE_LIMIT: usize = 600;

impl ManagedNode {
    /// The node's main log, named after it.
    fn main_log(&self) -> PathBuf {
        self.log_dir().join(format!("{}.log", self.name))
    }

    /// How long the main log is: where this start's lines begin.
    pub(super) fn main_log_len(&self) -> u64 {
        fs::metadata(self.main_log()).map_or(0, |m| m.len())
    }

    /// A start failure, quoting the first error logged after byte `since` of the main log.
    pub(super) fn start_failed(&self, detail: impl Into<String>, since: u64) -> ManagedError {
        ManagedError::StartFailed {
            node: self.name.clone(),
            detail: detail.into(),
            log_dir: self.log_dir(),
            first_error: first_logged_error(&self.main_log(), since),
            log_tail: newest_log_tail(&self.log_dir()),
        }
    }
}

/// The last [`LOG_TAIL_LINES`] lines of the most recently written, non-empty `.log` file in `dir`.
fn newest_log_tail(dir: &Path) -> Option<String> {
    let newest = fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            let path = entry.path();
            // Not erl_crash.dump: its end is Erlang internals.
            let is_log = path.extension().is_some_and(|e| e == "log");
            (is_log && meta.is_file() && meta.len() > 0).then(|| (meta.modified().ok(), path))
        })
        .max_by_key(|(modified, _)| *modified)?
        .1;
    let bytes = fs::read(&newest).ok()?;
    let text = tail(&String::from_utf8_lossy(&bytes), LOG_TAIL_LINES);
    Some(format!("({})\n{text}", newest.display()))
}

/// The message of the first `[error]` line in `log` after byte `since`, without its timestamp.
fn first_logged_error(log: &Path, since: u64) -> Option<String> {
    let bytes = fs::read(log).ok()?;
    let start = usize::try_from(since).ok().filter(|&s| s <= bytes.len()).unwrap_or(0);
    let text = String::from_utf8_lossy(&bytes[start..]);
    first_error_in(&text)
}

fn first_error_in(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        // `2026-11-26 03:00:29.507277+00:00 [error] <0.695.0> Failed to start ...`
        let (_, after) = line.split_once(" [error] ")?;
        let message = after.split_once("> ").map_or(after, |(_, message)| message).trim();
        if message.is_empty() {
            return None;
        }
        let shortened: String = message.chars().take(ERROR_LINE_LIMIT).collect();
        Some(if shortened.len() < message.len() {
            format!("{shortened}…")
        } else {
            shortened
        })
    })
}

/// The last `lines` lines of `text`, trailing white space left out.
pub(super) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.trim_end().lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_logged_error() {
        let log = "2026-11-26 03:00:29.4+00:00 [info] <0.1.0> Starting\n\
                   2026-11-26 03:00:29.5+00:00 [error] <0.695.0> Failed to start Ranch listener \
                   for reason eaddrinuse (address already in use)\n\
                   2026-11-26 03:00:29.5+00:00 [error] <0.695.0> \n\
                   2026-11-26 03:00:29.6+00:00 [error] <0.692.0>     supervisor: x\n";
        assert_eq!(
            first_error_in(log).as_deref(),
            Some("Failed to start Ranch listener for reason eaddrinuse (address already in use)")
        );
        assert_eq!(first_error_in("2026 [info] <0.1.0> fine\n"), None);
    }

    #[test]
    fn tails_keep_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        assert_eq!(tail("", 5), "");
    }
}
