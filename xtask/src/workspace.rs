//! Where things are in the repository.

use std::path::{Path, PathBuf};

/// Paths every task needs, all absolute.
pub struct Workspace {
    /// The repository root (the workspace `Cargo.toml`).
    pub root: PathBuf,
    /// Cargo's target folder (`$CARGO_TARGET_DIR` or `target/`).
    pub target: PathBuf,
}

impl Workspace {
    /// The workspace this xtask was built from.
    pub fn locate() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => root.join(dir),
            None => root.join("target"),
        };
        Self { root, target }
    }

    /// Project-local tools (wasm-bindgen if it had to be installed, npm's binaryen).
    pub fn tools(&self) -> PathBuf {
        self.target.join("tools")
    }

    /// The frontend crate.
    pub fn frontend(&self) -> PathBuf {
        self.root.join("frontend")
    }

    /// What the relay serves at `/`.
    pub fn dist(&self) -> PathBuf {
        self.frontend().join("dist")
    }
}
