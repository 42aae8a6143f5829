//! `cargo xtask setup`: install what building and testing need, skipping what is there.
//!
//! System packages come from apt (Debian/Ubuntu), as root or through `sudo`. The wasm tools are
//! pinned: wasm-bindgen must equal the `wasm-bindgen` crate (`=0.2.130`), and wasm-opt comes from
//! npm's `binaryen@132.0.0` in a project-local folder, because Debian's wasm-opt 108 breaks
//! wasm-bindgen 0.2.130 output (a blank page); `wasm-split-cli` (pinned) cuts the page into the
//! wasm loaded first and the parts loaded on demand. `cargo xtask fuzz` alone needs cargo-fuzz (pinned,
//! also under `target/tools`) and a C++ compiler for libFuzzer; `setup` installs neither.

use crate::cmd::{self, Error, Result, find_program, output};
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The wasm-bindgen CLI version; must equal the `wasm-bindgen` crate pinned in `Cargo.toml`.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// The npm package that provides wasm-opt.
pub const BINARYEN: &str = "binaryen@132.0.0";
/// The version `wasm-opt --version` reports for [`BINARYEN`].
const WASM_OPT_VERSION: &str = "version 132";
/// The Rust target the page compiles to.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The crate whose `wasm-split-cli` cuts the page's rarely used parts into wasm files of their
/// own (the split points are Leptos's `#[lazy]` functions), and its version.
pub const WASM_SPLIT_CRATE: &str = "wasm_split_cli_support";
/// See [`WASM_SPLIT_CRATE`].
pub const WASM_SPLIT_VERSION: &str = "0.2.4";
/// The cargo-fuzz version `cargo xtask fuzz` runs.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// A system package, present when one of its programs is found or dpkg says it is installed.
struct Package {
    name: &'static str,
    programs: &'static [&'static str],
    why: &'static str,
}

const PACKAGES: [Package; 6] = [
    Package {
        name: "rabbitmq-server",
        programs: &["rabbitmq-server"],
        why: "the managed broker",
    },
    Package {
        name: "chromium",
        programs: &["chromium"],
        why: "browser tests",
    },
    Package {
        name: "chromium-driver",
        programs: &["chromedriver"],
        why: "browser tests",
    },
    Package {
        name: "npm",
        programs: &["npm"],
        why: "installing wasm-opt",
    },
    Package {
        name: "make",
        programs: &["make"],
        why: "building the relay's memory allocator (jemalloc)",
    },
    Package {
        name: "fonts-wqy-microhei",
        programs: &[],
        why: "readable Chinese in browser screenshots",
    },
];

/// The pinned wasm tools, by absolute path.
pub struct WasmTools {
    /// `wasm-bindgen`.
    pub wasm_bindgen: PathBuf,
    /// `wasm-bindgen-test-runner`, installed with it.
    pub test_runner: PathBuf,
    /// npm's `wasm-opt`.
    pub wasm_opt: PathBuf,
    /// `wasm-split-cli`.
    pub wasm_split: PathBuf,
}

/// Everything: system packages, then the wasm tools.
pub fn all(ws: &Workspace) -> Result<WasmTools> {
    system_packages()?;
    wasm_tools(ws)
}

/// apt packages: one `apt-get update`, then one `apt-get install` of what is missing.
pub fn system_packages() -> Result<()> {
    install_packages(&PACKAGES)
}

/// A C++ compiler, which libfuzzer-sys needs to build libFuzzer: `$CXX` when set, else `c++`
/// (Debian's `g++` package), installed with apt when missing.
pub fn cpp_compiler() -> Result<()> {
    if let Some(cxx) = std::env::var_os("CXX") {
        println!("    C++ compiler: $CXX = {}", cxx.to_string_lossy());
        return Ok(());
    }
    install_packages(&[Package {
        name: "g++",
        programs: &["c++"],
        why: "building libFuzzer",
    }])
}

fn install_packages(packages: &[Package]) -> Result<()> {
    let mut missing = Vec::new();
    for package in packages {
        let present = package.programs.iter().find_map(|p| find_program(p));
        match present {
            Some(path) => println!("    {}: found {}", package.name, path.display()),
            None if dpkg_installed(package.name) => println!("    {}: installed", package.name),
            None => {
                println!("    {}: missing (needed for {})", package.name, package.why);
                missing.push(package.name);
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.join(" ");
    if find_program("apt-get").is_none() {
        return Err(Error::new(format!(
            "could not install {list}: there is no apt-get here; install them with your package manager"
        )));
    }
    let root = output(Command::new("id").arg("-u")).as_deref() == Some("0");
    let sudo = !root && find_program("sudo").is_some();
    if !root && !sudo {
        return Err(Error::new(format!(
            "could not install {list}: not root and no sudo; as root run `apt-get update && apt-get install -y {list}`"
        )));
    }
    let apt = |args: &[&str]| {
        let mut command = if root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.args(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
            sudo
        };
        command.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        command
    };
    // `sudo` may ask for a password: let it read the terminal.
    let run = if root { cmd::run } else { cmd::run_interactive };
    run(&mut apt(&["update"]))?;
    let mut install = apt(&["install", "-y"]);
    install.args(&missing);
    run(&mut install)
}

fn dpkg_installed(package: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_some_and(|status| status.ends_with("install ok installed"))
}

/// The wasm target, wasm-bindgen and wasm-opt; installs what is missing (no root needed).
pub fn wasm_tools(ws: &Workspace) -> Result<WasmTools> {
    wasm_target()?;
    let (wasm_bindgen, test_runner) = wasm_bindgen(ws)?;
    let wasm_opt = wasm_opt(ws)?;
    let wasm_split = wasm_split(ws)?;
    Ok(WasmTools {
        wasm_bindgen,
        test_runner,
        wasm_opt,
        wasm_split,
    })
}

fn wasm_target() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))
        .map_or_else(sysroot_has_target, |list| {
            list.lines().any(|line| line.trim() == WASM_TARGET)
        });
    if installed {
        println!("    rust target {WASM_TARGET}: installed");
        return Ok(());
    }
    if find_program("rustup").is_none() {
        return Err(Error::new(format!(
            "could not find the {WASM_TARGET} target and there is no rustup to add it; install Rust with rustup"
        )));
    }
    cmd::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Without rustup (a distribution's Rust), the target is a folder of the sysroot.
fn sysroot_has_target() -> bool {
    output(Command::new("rustc").args(["--print", "sysroot"]))
        .is_some_and(|sysroot| Path::new(&sysroot).join("lib/rustlib").join(WASM_TARGET).is_dir())
}

/// A `wasm-bindgen` of exactly [`WASM_BINDGEN_VERSION`] with its test runner beside it: one under
/// `target/tools`, on `PATH` or in Cargo's bin folder if it fits, else one installed under
/// `target/tools`, so a different global version stays untouched.
fn wasm_bindgen(ws: &Workspace) -> Result<(PathBuf, PathBuf)> {
    let local = ws.tools().join("bin").join("wasm-bindgen");
    let fitting = |bindgen: &Path| {
        let runner = bindgen.with_file_name("wasm-bindgen-test-runner");
        let version = output(Command::new(bindgen).arg("--version"))?;
        (version.split_whitespace().nth(1) == Some(WASM_BINDGEN_VERSION) && runner.is_file())
            .then_some((bindgen.to_path_buf(), runner))
    };
    let cargo_bin = cmd::cargo_home().map(|home| home.join("bin").join("wasm-bindgen"));
    let found = [Some(local.clone()), find_program("wasm-bindgen"), cargo_bin]
        .into_iter()
        .flatten()
        .find_map(|candidate| fitting(&candidate));
    if let Some((bindgen, runner)) = found {
        println!("    wasm-bindgen {WASM_BINDGEN_VERSION}: {}", bindgen.display());
        return Ok((bindgen, runner));
    }
    println!("    wasm-bindgen {WASM_BINDGEN_VERSION}: missing, installing (about 2 minutes)");
    // Not `--locked`: its lock file pins a crate version the registry no longer serves.
    let version = format!("={WASM_BINDGEN_VERSION}");
    cmd::run(
        cmd::cargo()
            .args(["install", "wasm-bindgen-cli", "--version", &version, "--root"])
            .arg(ws.tools()),
    )?;
    fitting(&local).ok_or_else(|| {
        Error::new(format!(
            "could not find wasm-bindgen {WASM_BINDGEN_VERSION} at {} after installing it",
            local.display()
        ))
    })
}

/// `wasm-split-cli` of [`WASM_SPLIT_VERSION`] under `target/tools` (it has no `--version`: cargo's
/// record of what it installed there says which), installed when missing.
fn wasm_split(ws: &Workspace) -> Result<PathBuf> {
    let program = ws.tools().join("bin").join("wasm-split-cli");
    let installed = format!("{WASM_SPLIT_CRATE} {WASM_SPLIT_VERSION} ");
    let fits = || {
        program.is_file()
            && std::fs::read_to_string(ws.tools().join(".crates.toml")).is_ok_and(|record| record.contains(&installed))
    };
    if fits() {
        println!("    wasm-split-cli {WASM_SPLIT_VERSION}: {}", program.display());
        return Ok(program);
    }
    println!("    wasm-split-cli {WASM_SPLIT_VERSION}: missing, installing (a few minutes)");
    let version = format!("={WASM_SPLIT_VERSION}");
    cmd::run(
        cmd::cargo()
            .args(["install", WASM_SPLIT_CRATE, "--locked", "--features", "build-binary"])
            .args(["--version", &version, "--root"])
            .arg(ws.tools()),
    )?;
    if fits() {
        Ok(program)
    } else {
        Err(Error::new(format!(
            "could not find wasm-split-cli {WASM_SPLIT_VERSION} at {} after installing it",
            program.display()
        )))
    }
}

/// A `cargo-fuzz` of exactly [`CARGO_FUZZ_VERSION`]: one under `target/tools`, on `PATH` or in
/// Cargo's bin folder if it fits, else one installed under `target/tools`.
pub fn cargo_fuzz(ws: &Workspace) -> Result<PathBuf> {
    let local = ws.tools().join("bin").join("cargo-fuzz");
    // A cargo subcommand is called with its own name first: `cargo-fuzz fuzz --version`.
    let fits = |program: &Path| {
        output(Command::new(program).args(["fuzz", "--version"]))
            .is_some_and(|version| version.split_whitespace().nth(1) == Some(CARGO_FUZZ_VERSION))
    };
    let cargo_bin = cmd::cargo_home().map(|home| home.join("bin").join("cargo-fuzz"));
    let found = [Some(local.clone()), find_program("cargo-fuzz"), cargo_bin]
        .into_iter()
        .flatten()
        .find(|candidate| fits(candidate));
    if let Some(program) = found {
        println!("    cargo-fuzz {CARGO_FUZZ_VERSION}: {}", program.display());
        return Ok(program);
    }
    println!("    cargo-fuzz {CARGO_FUZZ_VERSION}: missing, installing (a few minutes)");
    let version = format!("={CARGO_FUZZ_VERSION}");
    cmd::run(
        cmd::cargo()
            .args(["install", "cargo-fuzz", "--locked", "--version", &version, "--root"])
            .arg(ws.tools()),
    )?;
    if fits(&local) {
        Ok(local)
    } else {
        Err(Error::new(format!(
            "could not find cargo-fuzz {CARGO_FUZZ_VERSION} at {} after installing it",
            local.display()
        )))
    }
}

/// npm's `wasm-opt` under `target/tools/node_modules`.
fn wasm_opt(ws: &Workspace) -> Result<PathBuf> {
    let wasm_opt = ws.tools().join("node_modules/.bin/wasm-opt");
    let fits = || output(Command::new(&wasm_opt).arg("--version")).is_some_and(|v| v.contains(WASM_OPT_VERSION));
    if fits() {
        println!("    wasm-opt ({BINARYEN}): {}", wasm_opt.display());
        return Ok(wasm_opt);
    }
    let npm = find_program("npm").ok_or_else(|| {
        Error::new(format!(
            "could not install {BINARYEN}: npm is missing (`cargo xtask setup` installs it)"
        ))
    })?;
    println!("    wasm-opt ({BINARYEN}): missing, installing with npm");
    std::fs::create_dir_all(ws.tools())
        .map_err(|e| Error::new(format!("could not create {}: {e}", ws.tools().display())))?;
    cmd::run(
        Command::new(npm)
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(ws.tools())
            .arg(BINARYEN),
    )?;
    if fits() {
        Ok(wasm_opt)
    } else {
        Err(Error::new(format!(
            "could not run {} after installing {BINARYEN}",
            wasm_opt.display()
        )))
    }
}
