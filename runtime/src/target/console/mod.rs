//! The Ory Network target: one project, read with `GET /projects/{id}` and written with one
//! revision-checked JSON Patch (`PATCH /projects/{id}/revision/{revision_id}`) that replaces
//! only the hook lists that change.

pub(crate) mod client;

use std::sync::Arc;

use ory_actions_core::Platform;
use ory_actions_core::scope::IDENTITY_CONFIG_POINTER;
use serde_json::{Value, json};

use crate::error::Error;
use crate::hooks::{HookLists, ListWrite};
use crate::target::{Snapshot, Target, TargetName, Written};
pub(crate) use client::{ApiKey, ConsoleClient};

/// One Ory Network project.
#[derive(Clone, Debug)]
pub(crate) struct ConsoleProject {
    client: Arc<ConsoleClient>,
    project_id: String,
}

impl ConsoleProject {
    /// The project `project_id`, reached through `client`.
    pub(crate) fn new(client: Arc<ConsoleClient>, project_id: impl Into<String>) -> Self {
        ConsoleProject {
            client,
            project_id: project_id.into(),
        }
    }
}

impl Target for ConsoleProject {
    fn name(&self) -> TargetName {
        TargetName::Project(self.project_id.clone())
    }

    fn platform(&self) -> Platform {
        Platform::OryNetwork
    }

    fn conflict_cause(&self) -> &'static str {
        "each answered 409"
    }

    async fn read(&self) -> Result<Snapshot, Error> {
        let document = self.client.get_project(&self.project_id).await?;
        snapshot(&document)
    }

    async fn write(&self, revision: &str, writes: &[ListWrite]) -> Result<Written, Error> {
        let operations: Vec<Value> = writes
            .iter()
            .map(|w| json!({"op": "replace", "path": w.scope.pointer(), "value": w.entries}))
            .collect();
        let outcome = self
            .client
            .patch_project(&self.project_id, revision, &operations)
            .await?;
        let snapshot = snapshot(&outcome.project).map_err(|e| match e {
            Error::RemoteDocument { pointer, problem } => Error::AnswerUnreadable {
                target: self.label(),
                problem: if pointer.is_empty() {
                    problem
                } else {
                    format!("at `{pointer}`, {problem}")
                },
            },
            other => other,
        })?;
        Ok(Written {
            snapshot,
            warnings: outcome.warnings,
        })
    }

    async fn fetch_body(&self, reference: &str) -> Result<String, String> {
        if reference.starts_with("https://") || reference.starts_with("http://") {
            self.client.fetch_body(reference).await
        } else {
            Err("the body is a file on the Kratos host".into())
        }
    }
}

/// The hook lists and revision of a project document as the console API returns it.
fn snapshot(document: &Value) -> Result<Snapshot, Error> {
    let revision = document
        .get("revision_id")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::RemoteDocument {
            pointer: "/revision_id".into(),
            problem: "the project has no revision id".into(),
        })?
        .to_owned();
    Ok(Snapshot {
        revision,
        lists: HookLists::read(document, IDENTITY_CONFIG_POINTER)?,
    })
}
