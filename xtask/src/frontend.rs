//! `cargo xtask build-frontend` and the frontend's browser tests.
//!
//! The build is the plain route: cargo (profile `wasm-release`) → `wasm-bindgen --target web`
//! → npm's `wasm-opt` ([`WASM_OPT_FLAGS`]) → `frontend/dist/` with `index.html` and `style.css`.
//! The bindgen and wasm-opt stages are skipped when the compiled wasm has not changed since the
//! last build.

use crate::cmd::{self, Error, Result, find_program};
use crate::setup::{WASM_TARGET, WasmTools};
use crate::workspace::Workspace;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::UNIX_EPOCH;

/// The frontend's package and binary name.
const PACKAGE: &str = "warren-frontend";
/// The Cargo profile for the shipped wasm (opt-level "z", LTO, one codegen unit, abort on panic).
const PROFILE: &str = "wasm-release";
/// Base name of the generated files, as `index.html` imports them.
const OUT_NAME: &str = "warren_frontend";
/// Static files copied from `frontend/` into `dist/` as they are.
const STATIC_FILES: [&str; 2] = ["index.html", "style.css"];
/// How wasm-opt shrinks the page. Rust's wasm keeps its data at 1 MiB with the stack below it
/// and never uses the first KiB, so wasm-opt may fold pointer arithmetic into load and store
/// offsets (`--low-memory-unused`: 2.9 KB less gzipped); the toolchain's notes on producers and
/// target features are of no use to a browser.
const WASM_OPT_FLAGS: [&str; 4] = [
    "-Oz",
    "--low-memory-unused",
    "--strip-producers",
    "--strip-target-features",
];
/// Records, under `target/tools/`, which compiled wasm `dist/` was made from.
const STAMP: &str = "frontend.stamp";

/// Build the page into `frontend/dist/`.
pub fn build(ws: &Workspace, tools: &WasmTools) -> Result<()> {
    cmd::run(
        cmd::cargo()
            .current_dir(&ws.root)
            .args(["build", "--package", PACKAGE, "--bin", PACKAGE])
            .args(["--target", WASM_TARGET, "--profile", PROFILE]),
    )?;
    let compiled = ws
        .target
        .join(WASM_TARGET)
        .join(PROFILE)
        .join(format!("{PACKAGE}.wasm"));
    let dist = ws.dist();
    let wasm = dist.join(format!("{OUT_NAME}_bg.wasm"));
    let stamp = stamp_of(&compiled, tools)?;
    let up_to_date = fs::read_to_string(ws.tools().join(STAMP)).is_ok_and(|old| old == stamp)
        && wasm.is_file()
        && dist.join(format!("{OUT_NAME}.js")).is_file();

    if up_to_date {
        println!("    {} is up to date with the compiled wasm", dist.display());
    } else {
        bindgen_and_optimise(ws, tools, &compiled)?;
    }
    for file in STATIC_FILES {
        copy(&ws.frontend().join(file), &dist.join(file))?;
    }
    if !up_to_date {
        write(&ws.tools().join(STAMP), &stamp)?;
    }
    report_size(&wasm, &dist.join(format!("{OUT_NAME}.js")));
    Ok(())
}

/// On CI, delete the compiled release wasm and its host build once `dist/` holds the page.
pub fn drop_release_build_on_ci(ws: &Workspace) {
    crate::disk::drop_page_build_on_ci(ws, PROFILE, WASM_TARGET);
}

/// wasm-bindgen and wasm-opt into a staging folder, then a fresh `dist/`: `dist/` never holds a
/// half-built page.
fn bindgen_and_optimise(ws: &Workspace, tools: &WasmTools, compiled: &Path) -> Result<()> {
    let staging = ws.tools().join("frontend-staging");
    recreate(&staging)?;
    cmd::run(
        Command::new(&tools.wasm_bindgen)
            .arg(compiled)
            .args(["--target", "web", "--no-typescript", "--out-name", OUT_NAME])
            .arg("--out-dir")
            .arg(&staging),
    )?;
    let bound = staging.join(format!("{OUT_NAME}_bg.wasm"));
    let optimised = staging.join(format!("{OUT_NAME}_bg.opt.wasm"));
    cmd::run(
        Command::new(&tools.wasm_opt)
            .args(WASM_OPT_FLAGS)
            .arg(&bound)
            .arg("-o")
            .arg(&optimised),
    )?;

    let dist = ws.dist();
    recreate(&dist)?;
    copy(&optimised, &dist.join(format!("{OUT_NAME}_bg.wasm")))?;
    copy(
        &staging.join(format!("{OUT_NAME}.js")),
        &dist.join(format!("{OUT_NAME}.js")),
    )
}

/// What `dist/` depends on besides the static files: the compiled wasm and the tools.
fn stamp_of(compiled: &Path, tools: &WasmTools) -> Result<String> {
    let meta = fs::metadata(compiled).map_err(|e| Error::new(format!("could not read {}: {e}", compiled.display())))?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    Ok(format!(
        "{} {} {modified}\n{}\n{} {}\n",
        compiled.display(),
        meta.len(),
        tools.wasm_bindgen.display(),
        tools.wasm_opt.display(),
        WASM_OPT_FLAGS.join(" ")
    ))
}

fn report_size(wasm: &Path, js: &Path) {
    let size = |path: &Path| fs::metadata(path).map_or(0, |m| m.len());
    let gzipped = gzip_len(wasm).map_or_else(String::new, |n| format!(", {} gzipped", kib(n)));
    println!(
        "    {}: {}{gzipped}; {}: {}",
        wasm.display(),
        kib(size(wasm)),
        js.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        kib(size(js))
    );
}

/// The size of `dist/`'s wasm after `gzip -9`, in bytes.
pub fn wasm_gzipped(ws: &Workspace) -> Result<u64> {
    let wasm = ws.dist().join(format!("{OUT_NAME}_bg.wasm"));
    let gzipped = gzip_len(&wasm).ok_or_else(|| Error::new(format!("could not gzip {}", wasm.display())))?;
    println!("    {}: {} gzipped", wasm.display(), kib(gzipped));
    Ok(gzipped)
}

/// Bytes of `gzip -9` output: what a compressing server would send.
fn gzip_len(path: &Path) -> Option<u64> {
    let out = Command::new("gzip").args(["-9", "-c"]).arg(path).output().ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn recreate(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| Error::new(format!("could not empty {}: {e}", dir.display())))?;
    }
    fs::create_dir_all(dir).map_err(|e| Error::new(format!("could not create {}: {e}", dir.display())))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::new(format!("could not create {}: {e}", parent.display())))?;
    }
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| Error::new(format!("could not copy {} to {}: {e}", from.display(), to.display())))
}

fn write(path: &Path, contents: &str) -> Result<()> {
    fs::write(path, contents).map_err(|e| Error::new(format!("could not write {}: {e}", path.display())))
}

/// Extra Chromium flags for the test runner (it adds `headless`, `no-sandbox` and
/// `disable-dev-shm-usage` itself); they keep a root, offline, GPU-less CI machine quiet.
const CHROME_ARGS: [&str; 6] = [
    "disable-gpu",
    "disable-quic",
    "no-first-run",
    "disable-background-networking",
    "disable-component-update",
    "disable-sync",
];

/// The frontend's `wasm-bindgen-test`s in headless Chromium.
pub fn browser_tests(ws: &Workspace, tools: &WasmTools) -> Result<()> {
    let chromedriver = std::env::var_os("CHROMEDRIVER")
        .map(Into::into)
        .or_else(|| find_program("chromedriver"))
        .ok_or_else(|| Error::new("could not find chromedriver (`cargo xtask setup` installs it)"))?;
    let args = CHROME_ARGS.map(|arg| format!("\"{arg}\"")).join(", ");
    let capabilities = ws.tools().join("webdriver.json");
    fs::create_dir_all(ws.tools())
        .map_err(|e| Error::new(format!("could not create {}: {e}", ws.tools().display())))?;
    write(
        &capabilities,
        &format!("{{\"goog:chromeOptions\": {{\"args\": [{args}]}}}}\n"),
    )?;
    // chromedriver makes a Chromium profile (~130 MB) in the temporary folder for each test
    // file and leaves it behind when the runner ends it: give it a folder of its own and empty it.
    let profiles = ws.target.join("tmp").join("wasm-test-profiles");
    fs::create_dir_all(&profiles).map_err(|e| Error::new(format!("could not create {}: {e}", profiles.display())))?;
    let outcome = cmd::run(
        cmd::cargo()
            .current_dir(&ws.root)
            .args(["test", "--package", PACKAGE, "--target", WASM_TARGET, "--tests"])
            .env("CHROMEDRIVER", chromedriver)
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", &tools.test_runner)
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", capabilities)
            .env("TMPDIR", &profiles),
    );
    let _ = fs::remove_dir_all(&profiles);
    outcome
}
