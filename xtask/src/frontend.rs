//! `cargo xtask build-frontend` and the frontend's browser tests.
//!
//! The build: cargo (profile `wasm-release`, feature [`SPLIT_FEATURE`], linked with relocations)
//! → `wasm-split-cli`, which moves the code only the page's `#[lazy]` functions reach into wasm
//! files of their own (`split_*.wasm`, fetched by `__wasm_split.js` on first use) → `wasm-bindgen
//! --target web` on the rest → npm's `wasm-opt` ([`WASM_OPT_FLAGS`]) on every wasm file →
//! `frontend/dist/` with `index.html`, `style.css`, the Chinese texts (`zh.json`, written by
//! the frontend's `zh-catalogue` example), the words of a workshop room's pages (`room-words.json`,
//! by its `room-words` example) and the course (`exercises/`: the exercise files and
//! their index, written by the `course-index` example). The split, bindgen and wasm-opt stages are skipped
//! when the compiled wasm has not changed since the last build.

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
/// The frontend's feature for the release page: rarely used parts and the Chinese texts loaded on
/// demand.
const SPLIT_FEATURE: &str = "split";
/// The loader `wasm-split-cli` writes for the parts; the page's JS imports it by this name.
const SPLIT_LOADER: &str = "__wasm_split.js";
/// The Chinese texts, as the page fetches them.
const ZH_CATALOGUE: &str = "zh.json";
/// The words of a workshop room's pages, as the page fetches them.
const ROOM_WORDS: &str = "room-words.json";
/// The course's folder, in `examples/` and beside the page.
const COURSE: &str = "exercises";
/// The course's index in that folder, as the page fetches it.
const COURSE_INDEX: &str = "index.json";
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
            .args([
                "rustc",
                "--package",
                PACKAGE,
                "--bin",
                PACKAGE,
                "--features",
                SPLIT_FEATURE,
            ])
            .args(["--target", WASM_TARGET, "--profile", PROFILE])
            // wasm-split reads the linker's relocations to cut the module apart.
            .args(["--", "-Clink-args=--emit-relocs"]),
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
        split_bind_and_optimise(ws, tools, &compiled)?;
    }
    for file in STATIC_FILES {
        copy(&ws.frontend().join(file), &dist.join(file))?;
    }
    let catalogue = cmd::output_of(cmd::cargo().current_dir(&ws.root).args([
        "run",
        "--quiet",
        "--package",
        PACKAGE,
        "--example",
        "zh-catalogue",
    ]))?;
    write(&dist.join(ZH_CATALOGUE), &catalogue)?;
    let room_words = cmd::output_of(cmd::cargo().current_dir(&ws.root).args([
        "run",
        "--quiet",
        "--package",
        PACKAGE,
        "--example",
        "room-words",
    ]))?;
    write(&dist.join(ROOM_WORDS), &room_words)?;
    copy_course(ws)?;
    if !up_to_date {
        write(&ws.tools().join(STAMP), &stamp)?;
    }
    report_size(&wasm, &dist.join(format!("{OUT_NAME}.js")));
    Ok(())
}

/// The course beside the page: every `examples/exercises/*.json` in `dist/exercises/`, with the
/// index the page fetches first (written by the frontend's `course-index` example from the same
/// files).
fn copy_course(ws: &Workspace) -> Result<()> {
    let from = ws.root.join("examples").join(COURSE);
    let to = ws.dist().join(COURSE);
    recreate(&to)?;
    let entries = fs::read_dir(&from).map_err(|e| Error::new(format!("could not read {}: {e}", from.display())))?;
    for entry in entries {
        let path = entry
            .map_err(|e| Error::new(format!("could not read {}: {e}", from.display())))?
            .path();
        if path.extension().is_some_and(|ext| ext == "json")
            && let Some(name) = path.file_name()
        {
            copy(&path, &to.join(name))?;
        }
    }
    let index = cmd::output_of(cmd::cargo().current_dir(&ws.root).args([
        "run",
        "--quiet",
        "--package",
        PACKAGE,
        "--example",
        "course-index",
    ]))?;
    write(&to.join(COURSE_INDEX), &index)
}

/// On CI, delete the compiled release wasm and its host build once `dist/` holds the page.
pub fn drop_release_build_on_ci(ws: &Workspace) {
    crate::disk::drop_page_build_on_ci(ws, PROFILE, WASM_TARGET);
}

/// wasm-split, wasm-bindgen and wasm-opt into a staging folder, then a fresh `dist/`: `dist/`
/// never holds a half-built page.
fn split_bind_and_optimise(ws: &Workspace, tools: &WasmTools, compiled: &Path) -> Result<()> {
    let staging = ws.tools().join("frontend-staging");
    recreate(&staging)?;
    let split = staging.join("split");
    cmd::run(Command::new(&tools.wasm_split).arg(compiled).arg(&split).args([
        "--target",
        "web",
        "--out-name",
        OUT_NAME,
    ]))?;
    // The parts call into the main module by its linker names: keep them, unmangled.
    cmd::run(
        Command::new(&tools.wasm_bindgen)
            .arg(split.join(format!("{OUT_NAME}.wasm")))
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--keep-lld-exports",
                "--no-demangle",
            ])
            .args(["--out-name", OUT_NAME])
            .arg("--out-dir")
            .arg(&staging),
    )?;
    let optimised = staging.join("optimised");
    fs::create_dir_all(&optimised).map_err(|e| Error::new(format!("could not create {}: {e}", optimised.display())))?;
    let mut wasm_files = vec![(
        staging.join(format!("{OUT_NAME}_bg.wasm")),
        format!("{OUT_NAME}_bg.wasm"),
    )];
    for part in parts_in(&split)? {
        wasm_files.push((split.join(&part), part));
    }
    for (file, name) in &wasm_files {
        cmd::run(
            Command::new(&tools.wasm_opt)
                .args(WASM_OPT_FLAGS)
                .arg(file)
                .arg("-o")
                .arg(optimised.join(name)),
        )?;
    }

    let dist = ws.dist();
    recreate(&dist)?;
    for (_, name) in &wasm_files {
        copy(&optimised.join(name), &dist.join(name))?;
    }
    copy(&split.join(SPLIT_LOADER), &dist.join(SPLIT_LOADER))?;
    copy(
        &staging.join(format!("{OUT_NAME}.js")),
        &dist.join(format!("{OUT_NAME}.js")),
    )
}

/// The file names of the parts wasm-split wrote into `dir` (`split_*.wasm` for each on-demand
/// function, `chunk_*.wasm` for code several of them share), sorted.
fn parts_in(dir: &Path) -> Result<Vec<String>> {
    let entries = fs::read_dir(dir).map_err(|e| Error::new(format!("could not read {}: {e}", dir.display())))?;
    let mut parts: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| (name.starts_with("split_") || name.starts_with("chunk_")) && name.ends_with(".wasm"))
        .collect();
    parts.sort();
    Ok(parts)
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
        "{} {} {modified}\n{} {}\n{}\n{} {}\n",
        compiled.display(),
        meta.len(),
        tools.wasm_split.display(),
        crate::setup::WASM_SPLIT_VERSION,
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
