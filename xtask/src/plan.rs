//! A task as named, timed steps, with a summary and one clear final line.

use crate::cmd::{Error, Result};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The steps of one `cargo xtask` command, in the order they ran.
pub struct Plan {
    task: &'static str,
    started: Instant,
    done: Vec<(String, Duration, bool)>,
}

impl Plan {
    /// A plan for `cargo xtask {task}`.
    pub fn new(task: &'static str) -> Self {
        Self {
            task,
            started: Instant::now(),
            done: Vec::new(),
        }
    }

    /// Run one step, printing its name before and its time after.
    pub fn step<T>(&mut self, name: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = body().map_err(|e| Error::new(format!("{name}: {e}")));
        let took = started.elapsed();
        let verdict = if result.is_ok() { "done" } else { "FAILED" };
        println!("<== {name}: {verdict} in {}", human(took));
        self.done.push((name.to_owned(), took, result.is_ok()));
        result
    }

    /// Print every step's time and the final line; the exit code says whether all went well.
    pub fn finish(self, result: Result<()>) -> ExitCode {
        if self.done.len() > 1 {
            println!("\nxtask {}: steps", self.task);
            let width = self.done.iter().map(|(name, ..)| name.len()).max().unwrap_or(0);
            for (name, took, ok) in &self.done {
                let verdict = if *ok { "ok" } else { "FAILED" };
                println!("  {name:<width$}  {:>8}  {verdict}", human(*took));
            }
        }
        let total = human(self.started.elapsed());
        match result {
            Ok(()) => {
                println!("\nxtask {}: OK in {total}", self.task);
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("\nxtask {}: FAILED after {total}: {error}", self.task);
                ExitCode::FAILURE
            }
        }
    }
}

/// `12.3s` or `3m 04s`.
pub fn human(took: Duration) -> String {
    let secs = took.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = took.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(human(Duration::from_millis(12_340)), "12.3s");
        assert_eq!(human(Duration::from_secs(184)), "3m 04s");
    }
}
