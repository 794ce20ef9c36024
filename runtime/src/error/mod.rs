//! The errors of the runtime: [`Error`], and the errors of an action that [`Error`] holds,
//! which are the action's own (its [`Problem`]s with where it was declared, in `invalid.rs`;
//! what goes wrong reading its secrets and project id, in `read.rs`). They come before every
//! other module, so that each can say what went wrong with them.

mod invalid;
mod read;

use std::path::PathBuf;

pub use invalid::{InvalidAction, Location, Problem};
pub use read::ReadError;

/// Everything that can go wrong in the runtime.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An action breaks one of the rules of Ory Actions, or names a hook list the backend does
    /// not have (`saml` in a Kratos configuration file).
    #[error(transparent)]
    InvalidAction(#[from] InvalidAction),
    /// A secret or project id could not be read from the environment or a file.
    #[error(transparent)]
    Read(#[from] ReadError),
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
    /// The project is deleted: Ory still answers for it, with `"state": "deleted"`.
    #[error(
        "project {project_id} is deleted (Ory answers for it with \"state\": \"deleted\"): a \
         deleted project is neither planned nor changed, and nothing was written; restore it in \
         the Ory Console or name another project"
    )]
    ProjectDeleted {
        /// The project.
        project_id: String,
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
    /// The console API answered with an error status.
    #[error("{0}")]
    Api(ApiFailure),
    /// The console API could not be reached, or its answer could not be read.
    #[error("cannot reach the Ory console API at {url}: {reason}")]
    Unreachable {
        /// The API's base URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// Configuration is missing or wrong (environment, flags).
    #[error("{0}")]
    Config(String),
    /// Someone else kept writing the backend between this run's read and write.
    #[error(
        "{backend} kept changing while this run tried to update it ({attempts} attempts, \
         {cause}); nothing of this run was written; run again"
    )]
    Conflict {
        /// The backend: `project …` or `Kratos config …`.
        backend: String,
        /// How many writes were tried.
        attempts: u32,
        /// What each attempt met: `each answered 409`, or the file changing on disk.
        cause: &'static str,
    },
    /// The backend accepted the write but what it holds afterwards does not match the stack.
    #[error("{}", not_applied(backend, problems, warnings))]
    NotApplied {
        /// The backend: `project …` or `Kratos config …`.
        backend: String,
        /// What differs, one line each.
        problems: Vec<String>,
        /// What Ory said about the write.
        warnings: Vec<String>,
    },
    /// Ory accepted the write, but its answer could not be read.
    #[error(
        "Ory accepted the update of {backend}, but its answer could not be read ({problem}); \
         run `plan` to see the project as it is now"
    )]
    AnswerUnreadable {
        /// The backend: `project …`.
        backend: String,
        /// What is wrong with the answer.
        problem: String,
    },
    /// The Kratos configuration file cannot be read, parsed or written.
    #[error("Kratos configuration {}: {problem}", path.display())]
    ConfigFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        problem: String,
    },
    /// An identity JSON schema that sample traits cannot be made from.
    #[error("identity schema{}: {problem}", path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    IdentitySchema {
        /// The file, when it was read from one.
        path: Option<PathBuf>,
        /// What is wrong with it.
        problem: String,
    },
    /// The configuration file changed between the plan and the write.
    #[error("Kratos config {} changed on disk since it was read", path.display())]
    FileChanged {
        /// The file.
        path: PathBuf,
    },
    /// Transient failures (429, 5xx, timeouts, broken connections) went on until the deadline.
    #[error(
        "gave up trying to {operation} {backend} after {} tries ({}); nothing of this run is \
         left half-written; run again later or with a longer --deadline",
        tries.len(),
        tries.join(", ")
    )]
    GaveUp {
        /// The backend: `project …` or `Kratos config …`.
        backend: String,
        /// `read` or `update`.
        operation: &'static str,
        /// What each try got.
        tries: Vec<String>,
    },
    /// Someone else wrote the project after the plan was confirmed, and a plan made again
    /// changes other things than the confirmed one.
    #[error(
        "{backend} was changed by someone else after the plan was confirmed, and the plan is no \
         longer the same; nothing of this run was written there: run `plan` again to review it"
    )]
    PlanChanged {
        /// The backend: `project …` or `Kratos config …`.
        backend: String,
    },
}

fn not_applied(backend: &str, problems: &[String], warnings: &[String]) -> String {
    let mut text = format!(
        "the update of {backend} was accepted but did not apply all of it: {}",
        problems.join("; ")
    );
    if !warnings.is_empty() {
        text.push_str(&format!(". Ory said: {}", warnings.join("; ")));
    }
    text
}

impl Error {
    /// Whether someone else wrote the backend between this run's read and write.
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            Error::Api(ApiFailure { status: 409, .. }) | Error::FileChanged { .. }
        )
    }
}

/// An error status from the console API, explained.
#[derive(Debug)]
pub struct ApiFailure {
    /// `read` or `update`.
    pub operation: &'static str,
    /// The project.
    pub project_id: String,
    /// The HTTP status.
    pub status: u16,
    /// Ory's own message, if it sent one.
    pub message: Option<String>,
    /// How long Ory asked to wait (`Retry-After`), if it did.
    pub retry_after: Option<std::time::Duration>,
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ApiFailure {
            operation,
            project_id,
            status,
            ..
        } = self;
        match status {
            401 => write!(
                f,
                "Ory refused the API key (401) while trying to {operation} project {project_id}: \
                 the key is invalid or expired; set ORY_WORKSPACE_API_KEY to a workspace API key \
                 (Workspace settings -> API keys)"
            ),
            403 if *operation == "read" => write!(
                f,
                "Ory refused to show project {project_id} (403): no project has this id, or the \
                 key's workspace does not own it; check the project id (from --project, \
                 ORY_PROJECT_ID, or a project_id in the code; Project settings -> General -> \
                 Project ID) and the key"
            ),
            403 => write!(
                f,
                "the API key may read project {project_id} but not change its configuration \
                 (403): a project API key (`ory_pat_…`) cannot; set ORY_WORKSPACE_API_KEY to a \
                 workspace API key (`ory_wak_…`, Workspace settings -> API keys) of the \
                 workspace that owns the project"
            ),
            404 => write!(
                f,
                "project {project_id} was not found (404): check the project id (from --project, \
                 ORY_PROJECT_ID, or a project_id in the code; Project settings -> General -> \
                 Project ID), and that the key's workspace owns the project"
            ),
            409 => write!(
                f,
                "project {project_id} was changed by someone else while this run was updating it \
                 (409)"
            ),
            400 => write!(
                f,
                "Ory refused the change to project {project_id} (400): the new configuration is \
                 not valid"
            ),
            429 => write!(
                f,
                "Ory is rate limiting requests for project {project_id} (429): wait a little and \
                 run again"
            ),
            500..=599 => write!(
                f,
                "Ory failed to {operation} project {project_id} ({status}): a problem on Ory's \
                 side; run again later"
            ),
            _ => write!(
                f,
                "Ory answered {status} when asked to {operation} project {project_id}"
            ),
        }?;
        if let Some(message) = &self.message {
            write!(f, "; Ory says: {message}")?;
        }
        Ok(())
    }
}
