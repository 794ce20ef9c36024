//! [`ReadError`]: what goes wrong reading the values an action takes from its surroundings when
//! the program runs (secrets and project ids from environment variables and files).

use std::path::PathBuf;

use ory_actions_core::NameError;

/// A value an action reads when the program runs could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// An environment variable a secret or project id is read from is not set.
    #[error("environment variable `{var}` is not set; it holds {what}")]
    MissingEnv {
        /// The variable.
        var: String,
        /// What it was to hold, such as "the api key value of registration after password".
        what: String,
    },
    /// An environment variable is set but is not valid Unicode or is empty.
    #[error("environment variable `{var}` is empty or not valid UTF-8; it holds {what}")]
    InvalidEnv {
        /// The variable.
        var: String,
        /// What it was to hold.
        what: String,
    },
    /// An environment variable that a project id is read from holds something else.
    #[error("environment variable `{var}` does not hold a project id: {problem}")]
    NotProjectId {
        /// The variable.
        var: String,
        /// What is wrong with its value.
        problem: NameError,
    },
    /// A secret file could not be read.
    #[error("cannot read the secret file `{}` ({what})", path.display())]
    SecretFile {
        /// The file.
        path: PathBuf,
        /// What it was to hold.
        what: String,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// A secret file is empty.
    #[error("the secret file `{}` is empty ({what})", path.display())]
    EmptySecretFile {
        /// The file.
        path: PathBuf,
        /// What it was to hold.
        what: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn the_runtime_error_shows_the_read_error_as_it_is() {
        let problem = ory_actions_core::names::check_project_id("a/b").unwrap_err();
        let read = ReadError::NotProjectId {
            var: "ORY_PROJECT_ID".into(),
            problem,
        };
        let expected = "environment variable `ORY_PROJECT_ID` does not hold a project id: `a/b` \
                        is not an Ory project id: expected a UUID such as \
                        `550e8400-e29b-41d4-a716-446655440000` or a project slug (letters, \
                        digits, `-`)";
        assert_eq!(read.to_string(), expected);
        assert_eq!(Error::from(read).to_string(), expected);
        let missing = Error::from(ReadError::MissingEnv {
            var: "KEY".into(),
            what: "a project id".into(),
        });
        assert_eq!(
            missing.to_string(),
            "environment variable `KEY` is not set; it holds a project id"
        );
        assert!(matches!(missing, Error::Read(ReadError::MissingEnv { .. })));
    }
}
