//! The instructor's token: given with `--instructor-token`, or made once and kept in the
//! workshop's folder (readable by its owner only), so that the instructor's link stays the same
//! across restarts.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::secret::{self, NoRandomness};

/// The file in the workshop's folder that keeps the token.
pub const TOKEN_FILE: &str = "instructor-token";
/// Fewest characters in a token given on the command line.
pub const MIN_TOKEN_CHARS: usize = 16;

/// Where the token came from, for the start-up message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--instructor-token` (or `WARREN_INSTRUCTOR_TOKEN`).
    Given,
    /// Read from the file, made by an earlier start.
    Kept(PathBuf),
    /// Made now and written to the file.
    Made(PathBuf),
}

/// Why there is no token. Each message is a whole start-up paragraph.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The given token is too short to be a secret.
    #[error(
        "the instructor token given with --instructor-token (or WARREN_INSTRUCTOR_TOKEN) has {0} characters; \
         give one of at least 16 (anyone who guesses it can run the workshop's rooms), or leave the option out \
         and Warren makes one"
    )]
    TooShort(usize),
    /// The kept token could not be read, or is empty.
    #[error(
        "could not read the instructor token kept in {path} ({detail}); delete the file to have Warren make a new \
         one (the old instructor link stops working), or give one with --instructor-token"
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why not.
        detail: String,
    },
    /// A new token could not be written.
    #[error(
        "could not keep the instructor token in {path} ({detail}); give this user write access to the folder, \
         choose another with --workshop-dir, or give a token with --instructor-token"
    )]
    Unwritable {
        /// The file.
        path: PathBuf,
        /// Why not.
        detail: String,
    },
    /// No random bytes for a new token.
    #[error("could not make an instructor token: {0}")]
    Random(#[from] NoRandomness),
}

/// The instructor's token: `given`, or the one kept in `dir`, or a new one kept there.
pub fn instructor_token(dir: &Path, given: Option<&str>) -> Result<(String, Origin), TokenError> {
    if let Some(given) = given {
        let given = given.trim();
        let length = given.chars().count();
        if length < MIN_TOKEN_CHARS {
            return Err(TokenError::TooShort(length));
        }
        return Ok((given.to_owned(), Origin::Given));
    }
    let path = dir.join(TOKEN_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => return Ok((text.trim().to_owned(), Origin::Kept(path))),
        Ok(_) => {
            return Err(TokenError::Unreadable {
                path,
                detail: "the file is empty".into(),
            });
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(TokenError::Unreadable {
                path,
                detail: error.to_string(),
            });
        }
    }
    let token = secret::secret()?;
    write_private(&path, &token).map_err(|error| TokenError::Unwritable {
        path: path.clone(),
        detail: error.to_string(),
    })?;
    Ok((token, Origin::Made(path)))
}

/// Write `text` to a new file only its owner can read.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(format!("{text}\n").as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_made_once_and_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (made, origin) = instructor_token(dir.path(), None).expect("made");
        assert_eq!(origin, Origin::Made(dir.path().join(TOKEN_FILE)));
        assert_eq!(made.len(), 64);
        let (kept, origin) = instructor_token(dir.path(), None).expect("kept");
        assert_eq!((kept, origin), (made, Origin::Kept(dir.path().join(TOKEN_FILE))));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(TOKEN_FILE))
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_given_token_wins_and_must_be_long_enough() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (token, origin) = instructor_token(dir.path(), Some(" a-long-enough-token ")).expect("given");
        assert_eq!((token.as_str(), origin), ("a-long-enough-token", Origin::Given));
        assert!(matches!(
            instructor_token(dir.path(), Some("short")),
            Err(TokenError::TooShort(5))
        ));
        assert!(!dir.path().join(TOKEN_FILE).exists(), "nothing written");
    }
}
