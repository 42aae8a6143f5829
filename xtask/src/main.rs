//! `cargo xtask <command>`: Warren's developer commands, in Rust so they need nothing but Cargo.
//!
//! Commands (`cargo xtask help` prints them):
//! - `setup`: install what is missing (apt packages, the wasm target, wasm-bindgen, wasm-opt).
//! - `build-frontend`: compile the page into `frontend/dist/`.
//! - `run [ARGS]`: setup, build the page, then `warren serve ARGS`.
//! - `test`: setup, build the page, start the managed broker, run every test.
//! - `bench [ARGS]`: the relay's benchmark.
//! - `lint`: `cargo fmt --check` and clippy (host and wasm32) with warnings as errors.
//! - `budgets`: the page's performance figures against their budgets (measures, never fails on
//!   a figure).
//! - `load [ARGS]`: the release relay's memory, threads, CPU and run times with many runs at once;
//!   `load --room [ARGS]`: a workshop room of learners who press Check at once, with the
//!   instructor's grid (both measure, never fail on a figure).
//! - `soak [ARGS]`: many runs in sequence and in bursts, some abandoned, the relay killed and
//!   restarted once; vhosts left and the relay's memory.
//! - `fuzz [--seconds N] [--runs N] [TARGET...]`: the fuzz targets of `fuzz/`, with a report.
//!
//! # Layout
//! - `cmd`: running programs, finding them, the error type; `disk`: free space for the build.
//! - `plan`: named, timed steps and the final line.
//! - `setup`: installing tools; `frontend`: building and browser-testing the page; `fuzz`: the
//!   fuzz targets.
//! - `workspace`: paths.

mod cmd;
mod disk;
mod frontend;
mod fuzz;
mod plan;
mod setup;
mod workspace;

use cmd::{Error, Result};
use plan::Plan;
use std::process::ExitCode;
use workspace::Workspace;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  setup            install what is missing: apt packages (rabbitmq-server, chromium,
                   chromium-driver, npm), the wasm32 target, wasm-bindgen 0.2.130 and
                   wasm-opt (npm binaryen@132.0.0, under target/tools)
  build-frontend   compile the page into frontend/dist/
  run [ARGS]       setup, build-frontend, then `warren serve ARGS` (release build)
  test             setup, build-frontend, start the managed broker, run the workspace's
                   tests, then the page's tests in headless Chromium
  bench [ARGS]     run the relay's benchmark (release build)
  lint             cargo fmt --check (the fuzz targets too), then clippy -D warnings
                   (host, wasm32, and wasm32 as the release page)
  budgets          build the page, then measure it against its budgets: gzipped wasm size,
                   first paint and frame times in headless Chromium (prints PASS/OVER,
                   exits 0 when it could measure)
  load [ARGS]      build the release relay, start it against the managed cluster, run one
                   scenario alone, then N sessions at once (--sessions N, default 60;
                   --scenario FILE, default examples/priority.json; --settle SECS before
                   the memory is read again, default 15; `-- ARGS` go to `warren serve`);
                   prints runs completed, per-run time against the lone run, run to first
                   broker event, relay memory (idle, peak, after), threads and CPU
  load --room [ARGS]
                   the same relay serving a workshop: a room of one course exercise
                   (--exercise ID, default confirms), a lone learner's runs (the median
                   of 3), then N learners (--learners N, default 60) who press Check
                   within 2 s, every 4th with the exercise's start, while the instructor
                   watches the grid; prints runs recorded, verdicts, run time against the
                   lone run, the grid's lag, relay memory, threads and CPU, and each
                   goal PASS/MISS
  soak [ARGS]      build the release relay, then 1 000 small runs (--runs N) in sequence and
                   in parallel bursts, a tenth abandoned mid-run, the relay SIGKILLed and
                   restarted half-way; prints runs completed, run vhosts left on the broker
                   and the relay's memory at start, peak and end
  fuzz [--seconds N] [--runs N] [TARGET...]
                   fuzz the readers of untrusted input with cargo-fuzz 0.13.2 (installed
                   under target/tools) on the stable toolchain, one target after the
                   other: scenario, share_link, inflate, deflate, ws_message (default:
                   all); each for N seconds (default 60) or N runs, whichever comes first;
                   prints executions, exec/s, crashes and corpus size per target and
                   fails if one crashed (the input is kept in fuzz/artifacts/)
  help             this text";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_else(|| "help".to_owned());
    let rest: Vec<String> = args.collect();
    let ws = Workspace::locate();
    match command.as_str() {
        "setup" => no_args(&command, &rest).map_or_else(usage_error, |()| setup(&ws)),
        "build-frontend" => no_args(&command, &rest).map_or_else(usage_error, |()| build(&ws)),
        "run" => run(&ws, &rest),
        "test" => no_args(&command, &rest).map_or_else(usage_error, |()| test(&ws)),
        "bench" => bench(&ws, &rest),
        "lint" => no_args(&command, &rest).map_or_else(usage_error, |()| lint(&ws)),
        "budgets" => no_args(&command, &rest).map_or_else(usage_error, |()| budgets(&ws)),
        "load" => match room_load(&rest) {
            Some(rest) => measure_relay(&ws, "room_load", &rest),
            None => measure_relay(&ws, "load", &rest),
        },
        "soak" => measure_relay(&ws, "soak", &rest),
        "fuzz" => fuzz::Options::parse(&rest).map_or_else(usage_error, |options| fuzz(&ws, &options)),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => usage_error(Error::new(format!("unknown command `{other}`"))),
    }
}

fn no_args(command: &str, rest: &[String]) -> Result<()> {
    match rest.first() {
        None => Ok(()),
        Some(arg) => Err(Error::new(format!("`{command}` takes no arguments (got `{arg}`)"))),
    }
}

fn usage_error(error: Error) -> ExitCode {
    eprintln!("xtask: {error}\n\n{USAGE}");
    ExitCode::from(2)
}

fn setup(ws: &Workspace) -> ExitCode {
    let mut plan = Plan::new("setup");
    let result = plan.step("setup", || setup::all(ws)).map(drop);
    plan.finish(result)
}

fn build(ws: &Workspace) -> ExitCode {
    let mut plan = Plan::new("build-frontend");
    let result = (|| {
        let tools = plan.step("wasm tools", || setup::wasm_tools(ws))?;
        plan.step("build-frontend", || frontend::build(ws, &tools))
    })();
    plan.finish(result)
}

/// Prepare, then become `warren serve`: Ctrl-C goes straight to the relay.
fn run(ws: &Workspace, args: &[String]) -> ExitCode {
    let mut plan = Plan::new("run");
    let result = (|| {
        let tools = plan.step("setup", || setup::all(ws))?;
        plan.step("build-frontend", || frontend::build(ws, &tools))
    })();
    if result.is_err() {
        return plan.finish(result);
    }
    println!("\n==> warren serve");
    let error = cmd::exec(
        cmd::cargo()
            .current_dir(&ws.root)
            .args(["run", "--release", "--package", "warren-relay", "--bin", "warren"])
            .args(["--", "serve"])
            .args(args),
    );
    plan.finish(Err(error))
}

fn test(ws: &Workspace) -> ExitCode {
    let mut plan = Plan::new("test");
    disk::report(ws);
    let result = (|| {
        let tools = plan.step("setup", || setup::all(ws))?;
        plan.step("build-frontend", || frontend::build(ws, &tools))?;
        frontend::drop_release_build_on_ci(ws);
        plan.step("managed broker up", || broker_up(ws))?;
        // The two test runs are independent: run both, report both. The first includes the
        // end-to-end tests of the built page in headless Chromium (`tests/tests/browser.rs`).
        let host = plan.step("cargo test --workspace", || {
            let mut command = cmd::cargo();
            command.current_dir(&ws.root).args(["test", "--workspace"]);
            with_chromedriver(&mut command);
            cmd::run(&mut command)
        });
        let browser = plan.step("frontend tests in headless Chromium", || {
            frontend::browser_tests(ws, &tools)
        });
        match (host, browser) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(e), Ok(())) | (Ok(()), Err(e)) => Err(e),
            (Err(host), Err(browser)) => Err(Error::new(format!("{host}; {browser}"))),
        }
    })()
    .map_err(|error| disk::explain(ws, error));
    if result.is_ok() {
        println!(
            "\nThe managed broker keeps running; `cargo run -p warren-relay --bin warren -- broker down` stops it."
        );
    }
    plan.finish(result)
}

/// Start the managed broker, or find it running.
fn broker_up(ws: &Workspace) -> Result<()> {
    cmd::run(
        cmd::cargo()
            .current_dir(&ws.root)
            .args(["run", "--package", "warren-relay", "--bin", "warren"])
            .args(["--", "broker", "up"]),
    )
}

/// Tell the browser tests where chromedriver is, unless the environment already does.
fn with_chromedriver(command: &mut std::process::Command) {
    if std::env::var_os("CHROMEDRIVER").is_none()
        && let Some(driver) = cmd::find_program("chromedriver")
    {
        command.env("CHROMEDRIVER", driver);
    }
}

/// The page's figures against its budgets: the gzipped wasm here, the rest measured in headless
/// Chromium by `tests/examples/budgets.rs` against a relay on the real broker.
fn budgets(ws: &Workspace) -> ExitCode {
    let mut plan = Plan::new("budgets");
    let result = (|| {
        let tools = plan.step("setup", || setup::all(ws))?;
        plan.step("build-frontend", || frontend::build(ws, &tools))?;
        let gzipped = plan.step("wasm size", || frontend::wasm_gzipped(ws))?;
        plan.step("managed broker up", || broker_up(ws))?;
        plan.step("measure in headless Chromium", || {
            println!("\nbudgets:");
            let verdict = if gzipped <= WASM_BUDGET_BYTES { "PASS" } else { "OVER" };
            println!(
                "release wasm, gzipped    {:.1} kB = {:.1} KiB ({gzipped} bytes)   budget ≤ 400 kB (400 000 bytes)   {verdict}",
                gzipped as f64 / 1000.0,
                gzipped as f64 / 1024.0,
            );
            let mut command = cmd::cargo();
            command
                .current_dir(&ws.root)
                .args(["run", "--quiet", "--package", "warren-tests", "--example", "budgets"]);
            with_chromedriver(&mut command);
            cmd::run(&mut command)
        })
    })();
    plan.finish(result)
}

/// The budget for the release wasm, gzipped: "at most 400 KB", read the strict way (decimal).
const WASM_BUDGET_BYTES: u64 = 400_000;

/// `load`'s arguments without `--room` when they ask for the workshop room's load (the flag
/// counts before `--` only: what follows goes to `warren serve`).
fn room_load(args: &[String]) -> Option<Vec<String>> {
    let ours = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let at = args[..ours].iter().position(|a| a == "--room")?;
    let mut rest = args.to_vec();
    rest.remove(at);
    Some(rest)
}

/// Build the release relay, start the managed broker, then run the measurement `example`
/// (`tests/examples/load.rs`, `room_load.rs` or `soak.rs`) against that relay with `args`.
fn measure_relay(ws: &Workspace, example: &'static str, args: &[String]) -> ExitCode {
    let mut plan = Plan::new(example);
    let result = (|| {
        plan.step("build the release relay", || {
            cmd::run(cmd::cargo().current_dir(&ws.root).args([
                "build",
                "--release",
                "--package",
                "warren-relay",
                "--bin",
                "warren",
            ]))
        })?;
        let relay = ws.target.join("release").join("warren");
        // The release binary just built, rather than `broker_up`'s debug build.
        plan.step("managed broker up", || {
            cmd::run(std::process::Command::new(&relay).args(["broker", "up"]))
        })?;
        plan.step(example, || {
            cmd::run(
                cmd::cargo()
                    .current_dir(&ws.root)
                    .args([
                        "run",
                        "--quiet",
                        "--release",
                        "--package",
                        "warren-tests",
                        "--example",
                        example,
                    ])
                    .arg("--")
                    .arg("--relay")
                    .arg(&relay)
                    .args(args),
            )
        })
    })();
    plan.finish(result)
}

/// Each fuzz target in turn, then one table; fails if any crashed.
fn fuzz(ws: &Workspace, options: &fuzz::Options) -> ExitCode {
    let mut plan = Plan::new("fuzz");
    let result = (|| {
        let cargo_fuzz = plan.step("cargo-fuzz", || {
            setup::cpp_compiler()?;
            setup::cargo_fuzz(ws)
        })?;
        plan.step("build the fuzz targets", || fuzz::build(ws, &cargo_fuzz))?;
        let mut outcomes = Vec::new();
        for &target in &options.targets {
            let outcome = plan.step(&format!("fuzz {}", target.name), || {
                fuzz::run(ws, &cargo_fuzz, target, options.budget)
            })?;
            outcomes.push((target, outcome));
        }
        fuzz::report(ws, options.budget, &outcomes)
    })();
    plan.finish(result)
}

/// Become the relay's benchmark.
fn bench(ws: &Workspace, args: &[String]) -> ExitCode {
    let error = cmd::exec(
        cmd::cargo()
            .current_dir(&ws.root)
            .args(["run", "--release", "--package", "warren-relay", "--example", "bench"])
            .arg("--")
            .args(args),
    );
    Plan::new("bench").finish(Err(error))
}

fn lint(ws: &Workspace) -> ExitCode {
    let mut plan = Plan::new("lint");
    let cargo = |args: &[&str]| {
        let mut command = cmd::cargo();
        command.current_dir(&ws.root).args(args);
        command
    };
    let result = (|| {
        plan.step("cargo fmt --check", || {
            cmd::run(&mut cargo(&["fmt", "--all", "--check"]))?;
            // The fuzz targets are a workspace of their own (formatting them builds nothing).
            cmd::run(&mut cargo(&["fmt", "--manifest-path", "fuzz/Cargo.toml", "--check"]))
        })?;
        plan.step("clippy (host)", || {
            cmd::run(&mut cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        })?;
        plan.step("clippy (wasm32 frontend)", || {
            cmd::run(&mut cargo(&[
                "clippy",
                "--package",
                "warren-frontend",
                "--target",
                setup::WASM_TARGET,
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        })?;
        // The release page's code: the parts loaded on demand (see xtask/src/frontend.rs).
        plan.step("clippy (wasm32 release page)", || {
            cmd::run(&mut cargo(&[
                "clippy",
                "--package",
                "warren-frontend",
                "--target",
                setup::WASM_TARGET,
                "--features",
                "split",
                "--",
                "-D",
                "warnings",
            ]))
        })
    })();
    plan.finish(result)
}

#[cfg(test)]
mod tests {
    use super::room_load;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn room_is_read_before_the_relays_arguments_only() {
        assert_eq!(
            room_load(&args(&["--learners", "10", "--room", "--", "--max-runs", "4"])),
            Some(args(&["--learners", "10", "--", "--max-runs", "4"]))
        );
        assert_eq!(room_load(&args(&["--sessions", "10", "--", "--room"])), None);
        assert_eq!(room_load(&[]), None);
    }
}
