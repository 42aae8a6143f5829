//! Who may start the nodes and who owns their files: this process's user, the `rabbitmq` user from
//! `/etc/passwd`, handing node folders to it, and checking it can reach the data folder.

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use super::error::io_error;
use super::process::last_lines;
use super::{ManagedBroker, ManagedError, RABBITMQ_SERVER, RABBITMQ_USER};

impl ManagedBroker {
    /// Checks that a node can be started from here; returns the user that must own the node folders
    /// (`Some` when running as root).
    pub(in crate::broker) fn check_can_start(&self) -> Result<Option<&'static str>, ManagedError> {
        if !Path::new(RABBITMQ_SERVER).exists() {
            return Err(ManagedError::NotInstalled {
                tried: PathBuf::from(RABBITMQ_SERVER),
            });
        }
        let uid = current_uid();
        let rabbitmq = passwd_entry(|e| e.name == RABBITMQ_USER);
        if uid == Some(0) {
            if let Some(rabbitmq) = &rabbitmq {
                self.check_reachable(rabbitmq)?;
            }
            return Ok(Some(RABBITMQ_USER));
        }
        if uid.is_some() && uid == rabbitmq.as_ref().map(|r| r.uid) {
            return Ok(None);
        }
        let user = match uid {
            Some(uid) => match passwd_entry(|e| e.uid == uid) {
                Some(entry) => format!("{} (uid {uid})", entry.name),
                None => format!("uid {uid}"),
            },
            None => "an unknown user".to_owned(),
        };
        Err(ManagedError::WrongUser { user })
    }

    /// The `rabbitmq` user must be able to enter every folder above the node folders.
    fn check_reachable(&self, rabbitmq: &PasswdEntry) -> Result<(), ManagedError> {
        for dir in self.data_dir.ancestors() {
            // Folders still to be created will be created by root, open to everyone.
            let Ok(meta) = fs::metadata(dir) else {
                continue;
            };
            let mode = meta.mode();
            let enters = if meta.uid() == rabbitmq.uid {
                mode & 0o100 != 0
            } else if meta.gid() == rabbitmq.gid {
                mode & 0o010 != 0
            } else {
                mode & 0o001 != 0
            };
            if !enters {
                return Err(ManagedError::DataDirUnreachable {
                    dir: self.data_dir.clone(),
                    blocked: dir.to_path_buf(),
                });
            }
        }
        Ok(())
    }
}

/// `chown -R owner:owner dir`.
pub(super) fn chown_recursive(dir: &Path, owner: &str) -> Result<(), ManagedError> {
    let what = format!("give {} to the {owner} user", dir.display());
    let output = std::process::Command::new("chown")
        .arg("-R")
        .arg(format!("{owner}:{owner}"))
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| io_error(what.clone(), e))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(io_error(
            what,
            io::Error::other(format!("chown failed: {}", last_lines(&output, 3))),
        ))
    }
}

/// The effective user id of this process (the owner of `/proc/self`).
pub(super) fn current_uid() -> Option<u32> {
    fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// A line of `/etc/passwd`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PasswdEntry {
    /// Login name.
    pub(super) name: String,
    /// User id.
    pub(super) uid: u32,
    /// Primary group id.
    pub(super) gid: u32,
    /// Home folder.
    pub(super) home: PathBuf,
}

/// The first entry of `/etc/passwd` that `matches`.
pub(super) fn passwd_entry(matches: impl Fn(&PasswdEntry) -> bool) -> Option<PasswdEntry> {
    let text = fs::read_to_string("/etc/passwd").ok()?;
    parse_passwd(&text).into_iter().find(|e| matches(e))
}

fn parse_passwd(text: &str) -> Vec<PasswdEntry> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let _password = fields.next()?;
            let uid = fields.next()?.parse().ok()?;
            let gid = fields.next()?.parse().ok()?;
            let _gecos = fields.next()?;
            let home = PathBuf::from(fields.next()?);
            Some(PasswdEntry {
                name: name.to_owned(),
                uid,
                gid,
                home,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_passwd() {
        let entries = parse_passwd(
            "root:x:0:0:root:/root:/bin/bash\n\
             # comment\n\
             rabbitmq:x:104:112:RabbitMQ messaging server,,,:/var/lib/rabbitmq:/usr/sbin/nologin\n",
        );
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[1],
            PasswdEntry {
                name: "rabbitmq".into(),
                uid: 104,
                gid: 112,
                home: PathBuf::from("/var/lib/rabbitmq"),
            }
        );
    }
}
