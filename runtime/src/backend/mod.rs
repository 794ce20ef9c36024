//! Where hook lists live, behind one small interface: an Ory Network project ([`console`]) or a
//! self-hosted Kratos configuration file ([`kratos_file`]).
//!
//! A [`Backend`] reads its hook lists with a revision, writes changed lists back only if that
//! revision is still current, fetches a body it refers to, and names itself in messages. The
//! reconcile loop and the planner know nothing else about it: no console document, no file path.

pub(crate) mod console;
pub(crate) mod kratos_file;
pub(crate) mod schemas;

#[cfg(test)]
mod conformance;

use std::fmt;
use std::future::Future;

use ory_actions_core::Platform;

use crate::error::Error;
use crate::hooks::{HookLists, ListWrite};
use schemas::TargetSchema;

/// A backend's hook lists at one moment.
#[derive(Clone, Debug)]
pub(crate) struct State {
    /// The revision (a project's revision id, a file's content fingerprint) the lists belong
    /// to; a write is made against it.
    pub(crate) revision: String,
    /// Every hook list there is.
    pub(crate) lists: HookLists,
    /// Whether verification is enabled (`selfservice.flows.verification.enabled`, false when
    /// absent, as in Kratos): Kratos then adds a verification step to registration and settings.
    pub(crate) verification: bool,
}

/// What a write left: the backend as it is afterwards, and what it said about the write.
#[derive(Debug)]
pub(crate) struct Written {
    /// The lists after the write.
    pub(crate) state: State,
    /// Warnings the backend returned, as `(code, message)` (Ory's `warnings`).
    pub(crate) warnings: Vec<(String, String)>,
}

/// What a backend is, as plans and messages name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BackendName {
    /// An Ory Network project, by id.
    Project(String),
    /// A Kratos configuration file, by path.
    KratosConfig(String),
}

impl BackendName {
    /// The project id, or the file's path.
    pub(crate) fn id(&self) -> &str {
        match self {
            BackendName::Project(id) | BackendName::KratosConfig(id) => id,
        }
    }
}

impl fmt::Display for BackendName {
    /// `project 550e…`, `Kratos config ./kratos.yaml`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendName::Project(id) => write!(f, "project {id}"),
            BackendName::KratosConfig(path) => write!(f, "Kratos config {path}"),
        }
    }
}

/// One place whose hook lists a run reconciles.
pub(crate) trait Backend: Send + Sync + 'static {
    /// What it is.
    fn name(&self) -> BackendName;

    /// How messages name it: `project 550e…`, `Kratos config ./kratos.yaml`.
    fn label(&self) -> String {
        self.name().to_string()
    }

    /// Which hook lists exist there, and which web hook fields it keeps.
    fn platform(&self) -> Platform;

    /// Why a write failed each time it was retried, for the error after the last one.
    fn conflict_cause(&self) -> &'static str;

    /// Reads every hook list, with the revision they belong to.
    fn read(&self) -> impl Future<Output = Result<State, Error>> + Send;

    /// Replaces the lists of `writes` if `revision` is still current; a conflict (see
    /// [`Error::is_conflict`]) when someone else wrote since.
    fn write(
        &self,
        revision: &str,
        writes: &[ListWrite],
    ) -> impl Future<Output = Result<Written, Error>> + Send;

    /// The Jsonnet text of a body the backend keeps elsewhere (a link Ory returns, a file
    /// beside the configuration), or why it cannot be read.
    fn fetch_body(&self, reference: &str) -> impl Future<Output = Result<String, String>> + Send;

    /// The identity schemas the target lists, each with its text where it can be read from
    /// here. Asked only when a crate declares schemas; a project kept from its last read
    /// ([`console::ConsoleProject::keeping_reads`]) needs no request.
    fn identity_schemas(&self) -> impl Future<Output = Result<Vec<TargetSchema>, Error>> + Send;
}
