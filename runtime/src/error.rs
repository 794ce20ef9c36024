//! The error type of the runtime.

use std::path::PathBuf;

use crate::action::InvalidAction;

/// Everything that can go wrong in the runtime.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An action breaks one of the rules of Ory Actions.
    #[error(transparent)]
    InvalidAction(#[from] InvalidAction),
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
    /// The project document does not have the shape of an Ory project.
    #[error(
        "the project document is not what Ory returns: at `{pointer}`, {problem}; nothing was written"
    )]
    RemoteDocument {
        /// Where in the document.
        pointer: String,
        /// What is wrong there.
        problem: String,
    },
    /// Two actions declare the same hook (the same list, HTTP method and URL).
    #[error(
        "two actions declare {hook}: `{first}` and `{second}`; a hook is identified by its list, method and URL, so declare it once"
    )]
    DuplicateHook {
        /// The hook.
        hook: String,
        /// The first declaration.
        first: String,
        /// The second declaration.
        second: String,
    },
}
