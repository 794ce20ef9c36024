//! How Ory authenticates to a web hook, and where the secret comes from.

use std::fmt;
use std::path::{Path, PathBuf};

use ory_actions_core::ApiKeyIn;

use crate::error::ReadError;
use crate::hooks::REDACTED;

/// Where a secret is read from when the program runs, or a secret the program computed.
///
/// `Debug` and `Display` show the source (`env("WEBHOOK_KEY")`), never the value; a computed
/// value shows as `(sensitive)`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Secret {
    /// An environment variable.
    Env(String),
    /// A file; a relative path is taken from the working directory of the program. One
    /// trailing line break is dropped.
    File(PathBuf),
    /// A value the program computed (read from a secret manager, say); see [`Secret::value`].
    Value(SecretValue),
}

/// A secret's value held by the program: never shown, overwritten in memory when dropped.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretValue(String);

impl Drop for SecretValue {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Secret {
    /// A secret read from the environment variable `var`.
    pub fn env(var: impl Into<String>) -> Self {
        Secret::Env(var.into())
    }

    /// A secret read from the file at `path`.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Secret::File(path.into())
    }

    /// A secret the program computed, for example one read from a secret manager:
    ///
    /// ```
    /// use ory_actions::Secret;
    ///
    /// let from_vault = String::from("s3cr3t"); // what a secret manager returned
    /// let secret = Secret::value(from_vault);
    /// assert_eq!(format!("{secret} {secret:?}"), "(sensitive) (sensitive)");
    /// ```
    pub fn value(value: impl Into<String>) -> Self {
        Secret::Value(SecretValue(value.into()))
    }

    /// Reads the secret. `what` says what it is for, in errors.
    pub(crate) fn resolve(&self, what: &str) -> Result<String, ReadError> {
        match self {
            Secret::Env(var) => read_env(var, what),
            Secret::File(path) => read_file(path, what),
            Secret::Value(value) => Ok(value.0.clone()),
        }
    }

    /// Whether the secret is a computed value that is empty.
    pub(crate) fn is_empty_value(&self) -> bool {
        matches!(self, Secret::Value(value) if value.0.is_empty())
    }
}

pub(crate) fn read_env(var: &str, what: &str) -> Result<String, ReadError> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Ok(value),
        Ok(_) | Err(std::env::VarError::NotUnicode(_)) => Err(ReadError::InvalidEnv {
            var: var.into(),
            what: what.into(),
        }),
        Err(std::env::VarError::NotPresent) => Err(ReadError::MissingEnv {
            var: var.into(),
            what: what.into(),
        }),
    }
}

/// The most a secret file may hold.
const SECRET_FILE_LIMIT: u64 = 64 * 1024;

fn read_file(path: &Path, what: &str) -> Result<String, ReadError> {
    let mut value = read_regular(path).map_err(|source| ReadError::SecretFile {
        path: path.into(),
        what: what.into(),
        source,
    })?;
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    if value.is_empty() {
        return Err(ReadError::EmptySecretFile {
            path: path.into(),
            what: what.into(),
        });
    }
    Ok(value)
}

/// The text of a regular file of at most [`SECRET_FILE_LIMIT`] bytes: a FIFO or a device (which
/// would block or never end) is refused before it is opened, and the read stops past the limit.
fn read_regular(path: &Path) -> std::io::Result<String> {
    ory_actions_core::file::read_text(path, SECRET_FILE_LIMIT)
        .map_err(|why| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("it {why}")))
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Env(var) => write!(f, "env({var:?})"),
            Secret::File(path) => write!(f, "secret_file({:?})", path.display().to_string()),
            Secret::Value(_) => f.write_str(REDACTED),
        }
    }
}

/// How Ory authenticates to the web hook (`config.auth`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Auth {
    /// An API key sent as a header or cookie.
    ApiKey {
        /// The header or cookie name.
        name: String,
        /// Where the key comes from.
        value: Secret,
        /// Header or cookie.
        location: ApiKeyIn,
    },
    /// HTTP basic authentication.
    BasicAuth {
        /// The user name.
        user: String,
        /// Where the password comes from.
        password: Secret,
    },
}

impl Auth {
    /// An API key sent in the header or cookie `name`.
    pub fn api_key(name: impl Into<String>, value: Secret, location: ApiKeyIn) -> Self {
        Auth::ApiKey {
            name: name.into(),
            value,
            location,
        }
    }

    /// HTTP basic authentication as `user`.
    pub fn basic_auth(user: impl Into<String>, password: Secret) -> Self {
        Auth::BasicAuth {
            user: user.into(),
            password,
        }
    }

    /// The secret this authentication needs.
    pub fn secret(&self) -> &Secret {
        match self {
            Auth::ApiKey { value, .. } => value,
            Auth::BasicAuth { password, .. } => password,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_source_only() {
        let auth = Auth::api_key("X-Api-Key", Secret::env("KEY"), ApiKeyIn::Header);
        assert_eq!(
            format!("{auth:?}"),
            r#"ApiKey { name: "X-Api-Key", value: env("KEY"), location: Header }"#
        );
        assert_eq!(
            Secret::file("/run/secrets/hook").to_string(),
            r#"secret_file("/run/secrets/hook")"#
        );
    }

    #[test]
    fn secret_files_lose_one_trailing_line_break() {
        let dir = std::env::temp_dir().join(format!("ory-actions-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key");
        std::fs::write(&path, "s3cr3t\r\n").unwrap();
        assert_eq!(Secret::file(&path).resolve("test").unwrap(), "s3cr3t");
        std::fs::remove_dir_all(&dir).unwrap();
        let err = Secret::file(&path).resolve("the test key").unwrap_err();
        assert!(err.to_string().contains("the test key"), "{err}");
    }

    /// A FIFO would block the read forever and a device never end: both are refused at once,
    /// as are a directory and a file over 64 KiB.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_secret_file_is_a_small_regular_file() {
        use std::error::Error as _;
        let dir =
            std::env::temp_dir().join(format!("ory-actions-secret-kinds-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let large = dir.join("large");
        std::fs::write(&large, "x".repeat(64 * 1024 + 1)).unwrap();
        for (path, why) in [
            (
                fifo.as_path(),
                "it is a FIFO (named pipe), not a regular file",
            ),
            (
                Path::new("/dev/zero"),
                "it is a character device, not a regular file",
            ),
            (dir.as_path(), "it is a directory, not a regular file"),
            (
                large.as_path(),
                "it is larger than 64 KiB, so it is not read",
            ),
        ] {
            let err = Secret::file(path).resolve("the key").unwrap_err();
            let source = err.source().map(ToString::to_string).unwrap_or_default();
            assert!(source.starts_with(why), "{}: {source}", path.display());
        }
    }
}
