//! Running programs: echo each command, check its status, find programs, and the one error type.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A failed task, as one sentence for the user ("could not …").
#[derive(Debug)]
pub struct Error(String);

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The result of every task.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `cargo`, the same one that runs this xtask when there is one.
/// On CI (`CI` set) incremental compilation is off: a fresh clone gains nothing from it and its
/// caches would double the target directory's size.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    if std::env::var_os("CI").is_some() {
        command.env("CARGO_INCREMENTAL", "0");
    }
    command
}

/// The command line as the user would type it.
pub fn display(command: &Command) -> String {
    let mut words = vec![quote(command.get_program())];
    words.extend(command.get_args().map(quote));
    words.join(" ")
}

fn quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,".contains(c))
    {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Echo and run `command` with no stdin (CI has none), failing unless it exits with 0.
pub fn run(command: &mut Command) -> Result<()> {
    run_with_stdin(command, Stdio::null())
}

/// Like [`run`] but the command may read the terminal (for `sudo`'s password prompt).
pub fn run_interactive(command: &mut Command) -> Result<()> {
    run_with_stdin(command, Stdio::inherit())
}

fn run_with_stdin(command: &mut Command, stdin: Stdio) -> Result<()> {
    let line = display(command);
    println!("    $ {line}");
    let status = command
        .stdin(stdin)
        .status()
        .map_err(|e| Error::new(format!("could not start `{line}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!("`{line}` failed ({status})")))
    }
}

/// Echo and run `command`, failing unless it exits with 0; its standard output (its errors go to
/// the terminal).
pub fn output_of(command: &mut Command) -> Result<String> {
    let line = display(command);
    println!("    $ {line}");
    let out = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::new(format!("could not start `{line}`: {e}")))?;
    if out.status.success() {
        String::from_utf8(out.stdout).map_err(|_| Error::new(format!("`{line}` wrote something that is not UTF-8")))
    } else {
        Err(Error::new(format!("`{line}` failed ({})", out.status)))
    }
}

/// Standard output of a quiet check such as `tool --version`, or `None` if it failed.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Replace this process with `command` (Ctrl-C then reaches it alone); returns only on error.
#[cfg(unix)]
pub fn exec(command: &mut Command) -> Error {
    use std::os::unix::process::CommandExt;
    let line = display(command);
    println!("    $ {line}");
    let error = command.exec();
    Error::new(format!("could not start `{line}`: {error}"))
}

/// Run `command` to its end and exit with its status.
#[cfg(not(unix))]
pub fn exec(command: &mut Command) -> Error {
    match run_interactive(command) {
        Ok(()) => std::process::exit(0),
        Err(error) => error,
    }
}

/// Where `name` is: on `PATH`, in the system folders a non-root `PATH` may lack, or in Cargo's
/// `bin` folder (which a fresh shell may not have on `PATH` yet).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .chain(cargo_home().map(|home| home.join("bin")))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// `$CARGO_HOME`, else `~/.cargo`.
pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_are_quoted_only_where_needed() {
        let mut command = Command::new("cargo");
        command.args(["install", "--version", "=0.2.130", "two words", "it's"]);
        assert_eq!(
            display(&command),
            r"cargo install --version =0.2.130 'two words' 'it'\''s'"
        );
    }
}
