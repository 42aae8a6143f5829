//! The `warren` binary: parses the command line and hands over to the library.

use clap::Parser;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("WARREN_LOG").unwrap_or_else(|_| EnvFilter::new("warn,lapin=off")))
        .with_writer(std::io::stderr)
        .init();
    warren_relay::cli::main(warren_relay::cli::Cli::parse()).await
}

/// jemalloc rather than glibc's allocator: its background threads give freed memory back to the
/// system, where glibc kept most of what sixty runs at once had used (about 30 MB after the runs
/// at 16 KiB frames, in two fragmented arenas with under 3 MB in use). See README, "Load and soak".
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
