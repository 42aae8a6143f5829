//! `cargo xtask fuzz`: run the fuzz targets of `fuzz/` one after the other and report, for each,
//! executions, executions per second, crashes and corpus size.
//!
//! The route is cargo-fuzz (libFuzzer) on the stable toolchain with `--sanitizer none`. Warren's
//! crates forbid `unsafe`, so AddressSanitizer would find little that a panic does not, at about
//! half the speed; without it the build uses only stable compiler flags (`-C passes=sancov-module`
//! and LLVM arguments), so it needs neither a nightly toolchain nor `RUSTC_BOOTSTRAP`. Overflow
//! checks and debug assertions stay on (cargo-fuzz's default): an overflow is a crash too.
//!
//! Each target grows its own corpus in `fuzz/corpus/<target>/` (kept between runs, not
//! committed) from read-only seeds ([`Target::seeds`]). A crash ends its target's run and leaves
//! the input in `fuzz/artifacts/<target>/`; the other targets still run, and the command fails.
//! libFuzzer's own output goes to `target/fuzz/logs/<target>.log`.

use crate::cmd::{self, Error, Result};
use crate::plan;
use crate::workspace::Workspace;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// A fuzz target of `fuzz/fuzz_targets/` (what it checks: `fuzz/src/lib.rs`).
#[derive(Debug)]
pub struct Target {
    /// Its name, as cargo-fuzz knows it.
    pub name: &'static str,
    /// Read-only corpus folders it starts from, relative to the repository.
    pub seeds: &'static [&'static str],
}

/// Every target, in the order they run.
pub const TARGETS: [Target; 5] = [
    Target {
        name: "scenario",
        seeds: &["examples"],
    },
    Target {
        name: "share_link",
        seeds: &["fuzz/seeds/share_link"],
    },
    Target {
        name: "inflate",
        seeds: &["fuzz/seeds/inflate"],
    },
    Target {
        name: "deflate",
        seeds: &["examples"],
    },
    Target {
        name: "ws_message",
        seeds: &["fuzz/seeds/ws_message"],
    },
];

/// How long each target runs: until the first limit given is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// At most this many seconds.
    pub seconds: Option<u64>,
    /// At most this many executions.
    pub runs: Option<u64>,
}

impl Budget {
    /// The default: a minute per target.
    pub const DEFAULT: Self = Self {
        seconds: Some(60),
        runs: None,
    };

    fn libfuzzer_args(self) -> Vec<String> {
        let seconds = self.seconds.map(|s| format!("-max_total_time={s}"));
        let runs = self.runs.map(|r| format!("-runs={r}"));
        seconds.into_iter().chain(runs).collect()
    }
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.seconds, self.runs) {
            (Some(seconds), Some(runs)) => write!(f, "{seconds} s or {} runs, whichever comes first", grouped(runs)),
            (Some(seconds), None) => write!(f, "{seconds} s"),
            (None, Some(runs)) => write!(f, "{} runs", grouped(runs)),
            (None, None) => f.write_str("until stopped"),
        }
    }
}

/// What `cargo xtask fuzz` was asked for.
#[derive(Debug)]
pub struct Options {
    /// Per target.
    pub budget: Budget,
    /// The targets to run, in order.
    pub targets: Vec<&'static Target>,
}

impl Options {
    /// Read `[--seconds N] [--runs N] [TARGET...]`.
    pub fn parse(args: &[String]) -> Result<Self> {
        let (mut seconds, mut runs) = (None, None);
        let mut targets = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag, Some(value.to_owned())),
                None => (arg.as_str(), None),
            };
            match flag {
                "--seconds" | "--runs" => {
                    let value = inline
                        .or_else(|| args.next().cloned())
                        .ok_or_else(|| Error::new(format!("`{flag}` needs a number")))?;
                    let n: u64 = value
                        .parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or_else(|| Error::new(format!("`{flag}` needs a positive number, not `{value}`")))?;
                    let slot = if flag == "--seconds" { &mut seconds } else { &mut runs };
                    if slot.replace(n).is_some() {
                        return Err(Error::new(format!("`{flag}` is given twice")));
                    }
                }
                name => {
                    let target = TARGETS.iter().find(|t| t.name == name).ok_or_else(|| {
                        let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
                        Error::new(format!(
                            "there is no fuzz target `{name}` (there are {})",
                            names.join(", ")
                        ))
                    })?;
                    targets.push(target);
                }
            }
        }
        if targets.is_empty() {
            targets = TARGETS.iter().collect();
        }
        let budget = if seconds.is_none() && runs.is_none() {
            Budget::DEFAULT
        } else {
            Budget { seconds, runs }
        };
        Ok(Self { budget, targets })
    }
}

/// What one target's run came to.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    /// Inputs executed.
    pub executions: u64,
    /// libFuzzer's average executions per second.
    pub per_second: u64,
    /// Inputs in the corpus at the end (seeds included).
    pub corpus: u64,
    /// The input that crashed, timed out or ran out of memory, if one did.
    pub crash: Option<PathBuf>,
}

/// The cargo-fuzz command line common to building and running, up to the target's name.
fn cargo_fuzz_command(ws: &Workspace, cargo_fuzz: &Path, action: &str) -> Command {
    let mut command = Command::new(cargo_fuzz);
    command
        .current_dir(&ws.root)
        .args(["fuzz", action, "--sanitizer", "none", "--target-dir"])
        .arg(ws.target.join("fuzz"));
    command
}

/// Build every target (instrumented, release, with overflow checks).
pub fn build(ws: &Workspace, cargo_fuzz: &Path) -> Result<()> {
    cmd::run(&mut cargo_fuzz_command(ws, cargo_fuzz, "build"))
}

/// Run one target for `budget`; its output goes to a log file, read afterwards.
pub fn run(ws: &Workspace, cargo_fuzz: &Path, target: &Target, budget: Budget) -> Result<Outcome> {
    let corpus = ws.root.join("fuzz/corpus").join(target.name);
    let logs = ws.target.join("fuzz/logs");
    for dir in [&corpus, &logs] {
        fs::create_dir_all(dir).map_err(|e| Error::new(format!("could not create {}: {e}", dir.display())))?;
    }
    let log_path = logs.join(format!("{}.log", target.name));
    let log =
        File::create(&log_path).map_err(|e| Error::new(format!("could not create {}: {e}", log_path.display())))?;
    let log_too = log
        .try_clone()
        .map_err(|e| Error::new(format!("could not write {}: {e}", log_path.display())))?;

    let mut command = cargo_fuzz_command(ws, cargo_fuzz, "run");
    command.arg(target.name).arg(&corpus);
    command.args(target.seeds.iter().map(|seeds| ws.root.join(seeds)));
    // A single input slower than 10 s counts as a crash (a hang), as does one past 2 GiB.
    command.arg("--").args(budget.libfuzzer_args());
    command.args(["-print_final_stats=1", "-timeout=10", "-rss_limit_mb=2048"]);
    let line = cmd::display(&command);
    println!("    $ {line}");
    println!("    for {budget} (log: {})", log_path.display());
    let started = Instant::now();
    let status = command
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_too)
        .status()
        .map_err(|e| Error::new(format!("could not start `{line}`: {e}")))?;
    let text = fs::read(&log_path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| Error::new(format!("could not read {}: {e}", log_path.display())))?;
    let outcome = read_log(&text);
    if let Some(crash) = &outcome.crash {
        println!(
            "    CRASH after {}: {}",
            plan::human(started.elapsed()),
            crash.display()
        );
        // The panic message and backtrace, or libFuzzer's report of a hang or a leak.
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        let from = lines
            .iter()
            .position(|l| l.contains("panicked at") || l.contains("ERROR: libFuzzer"))
            .unwrap_or(lines.len().saturating_sub(30));
        for line in lines[from..].iter().take(40) {
            println!("    | {line}");
        }
    } else if !status.success() || outcome.executions == 0 {
        return Err(Error::new(format!(
            "could not run the fuzz target {} ({status}); see {}",
            target.name,
            log_path.display()
        )));
    }
    Ok(outcome)
}

/// The figures of a libFuzzer run from its output (`-print_final_stats=1`).
fn read_log(text: &str) -> Outcome {
    let stat = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Status lines read `#123 NEW cov: 1 ft: 2 corp: 40/2Kb ...`; the last one is the end.
    let corpus = text
        .lines()
        .rev()
        .find_map(|line| {
            let (_, rest) = line.split_once(" corp: ")?;
            rest.split('/').next()?.parse().ok()
        })
        .unwrap_or(0);
    let crash = text.lines().find_map(|line| {
        line.split_once("Test unit written to ")
            .map(|(_, path)| PathBuf::from(path.trim()))
    });
    Outcome {
        executions: stat("stat::number_of_executed_units:"),
        per_second: stat("stat::average_exec_per_sec:"),
        corpus,
        crash,
    }
}

/// Print the table of outcomes; an error names every crash and how to replay it.
pub fn report(ws: &Workspace, budget: Budget, outcomes: &[(&Target, Outcome)]) -> Result<()> {
    println!("\nfuzzing ({budget} per target):");
    println!(
        "  {:<12} {:>14} {:>10} {:>8} {:>8}",
        "target", "executions", "exec/s", "crashes", "corpus"
    );
    for (target, outcome) in outcomes {
        println!(
            "  {:<12} {:>14} {:>10} {:>8} {:>8}",
            target.name,
            grouped(outcome.executions),
            grouped(outcome.per_second),
            u8::from(outcome.crash.is_some()),
            grouped(outcome.corpus),
        );
    }
    let crashes: Vec<String> = outcomes
        .iter()
        .filter_map(|(target, outcome)| {
            let input = outcome.crash.as_ref()?;
            let input = input.strip_prefix(&ws.root).unwrap_or(input);
            let replay = binary(ws, target.name).map_or_else(
                || format!("cargo fuzz run --sanitizer none {} {}", target.name, input.display()),
                |binary| {
                    let binary = binary.strip_prefix(&ws.root).unwrap_or(&binary).to_path_buf();
                    format!("{} {}", binary.display(), input.display())
                },
            );
            Some(format!(
                "{} crashed on {} (replay: {replay})",
                target.name,
                input.display()
            ))
        })
        .collect();
    if crashes.is_empty() {
        Ok(())
    } else {
        for crash in &crashes {
            println!("  {crash}");
        }
        Err(Error::new(format!(
            "{} of {} targets crashed: {}",
            crashes.len(),
            outcomes.len(),
            crashes.join("; ")
        )))
    }
}

/// A built target: `target/fuzz/<host triple>/release/<name>`.
fn binary(ws: &Workspace, name: &str) -> Option<PathBuf> {
    fs::read_dir(ws.target.join("fuzz"))
        .ok()?
        .flatten()
        .map(|entry| entry.path().join("release").join(name))
        .find(|path| path.is_file())
}

/// `1234567` as `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    fn names(options: &Options) -> Vec<&str> {
        options.targets.iter().map(|t| t.name).collect()
    }

    #[test]
    fn options_name_a_budget_and_targets() {
        let all = Options::parse(&[]).expect("no arguments");
        assert_eq!(all.budget, Budget::DEFAULT);
        assert_eq!(
            names(&all),
            ["scenario", "share_link", "inflate", "deflate", "ws_message"]
        );
        assert_eq!(all.budget.libfuzzer_args(), ["-max_total_time=60"]);

        let some = Options::parse(&args("--seconds 600 deflate scenario")).expect("valid");
        assert_eq!(some.budget.libfuzzer_args(), ["-max_total_time=600"]);
        assert_eq!(names(&some), ["deflate", "scenario"]);
        let runs = Options::parse(&args("--runs=1000")).expect("valid").budget;
        assert_eq!(runs.libfuzzer_args(), ["-runs=1000"]);
        let both = Options::parse(&args("--runs 10000000 --seconds=600"))
            .expect("valid")
            .budget;
        assert_eq!(both.libfuzzer_args(), ["-max_total_time=600", "-runs=10000000"]);
        assert_eq!(both.to_string(), "600 s or 10,000,000 runs, whichever comes first");

        for wrong in [
            "--seconds",
            "--seconds 0",
            "--runs many",
            "--seconds 1 --seconds 2",
            "nothing",
        ] {
            assert!(Options::parse(&args(wrong)).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_libfuzzer_log_gives_its_figures() {
        let clean = "\
INFO: Seed: 1
#2\tINITED cov: 300 ft: 900 corp: 12/9Kb exec/s: 0 rss: 40Mb
#4096\tpulse  cov: 700 ft: 2500 corp: 397/323Kb lim: 2270 exec/s: 2048 rss: 70Mb
#26994\tDONE   cov: 755 ft: 2761 corp: 398/323Kb lim: 2270 exec/s: 870 rss: 70Mb
Done 26994 runs in 31 second(s)
stat::number_of_executed_units: 26994
stat::average_exec_per_sec:     870
stat::new_units_added:          267
";
        assert_eq!(
            read_log(clean),
            Outcome {
                executions: 26994,
                per_second: 870,
                corpus: 398,
                crash: None,
            }
        );
        let crashed = "\
#6321\tREDUCE cov: 709 ft: 2589 corp: 420/367Kb lim: 2270 exec/s: 702 rss: 69Mb L: 1337/2270
thread '<unnamed>' panicked at src/lib.rs:94:32:
==15183== ERROR: libFuzzer: deadly signal
artifact_prefix='/w/fuzz/artifacts/deflate/'; Test unit written to /w/fuzz/artifacts/deflate/crash-8f03
stat::number_of_executed_units: 6331
stat::average_exec_per_sec:     703
";
        let outcome = read_log(crashed);
        assert_eq!(
            outcome.crash,
            Some(PathBuf::from("/w/fuzz/artifacts/deflate/crash-8f03"))
        );
        assert_eq!((outcome.executions, outcome.corpus), (6331, 420));
    }

    #[test]
    fn large_numbers_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(10_000_000), "10,000,000");
    }
}
