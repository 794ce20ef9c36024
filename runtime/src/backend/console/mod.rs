//! The Ory Network backend: one project, read with `GET /projects/{id}` and written with one
//! revision-checked JSON Patch (`PATCH /projects/{id}/revision/{revision_id}`) that replaces
//! only the hook lists that change.

pub(crate) mod client;
mod pacer;
mod rate_limit;

use std::sync::Arc;

use ory_actions_core::Platform;
use ory_actions_core::scope::IDENTITY_CONFIG_POINTER;

use super::schemas::{self, TargetSchema};
use serde_json::{Value, json};

use crate::backend::{Backend, BackendName, State, Written};
use crate::error::Error;
use crate::hooks::{
    EntryEdit, HookLists, JsonError, ListWrite, read_json, verification_enabled, wipe,
};
pub(crate) use client::{ApiKey, ConsoleClient};

/// One Ory Network project.
#[derive(Clone, Debug)]
pub(crate) struct ConsoleProject {
    client: Arc<ConsoleClient>,
    project_id: String,
    /// The document the last read got, kept for [`Backend::identity_schemas`] when the stack
    /// declares identity schemas ([`ConsoleProject::keeping_reads`]): a plan compares them
    /// without a second request.
    last_read: Option<Arc<std::sync::Mutex<Option<Vec<u8>>>>>,
}

impl ConsoleProject {
    /// The project `project_id`, reached through `client`.
    pub(crate) fn new(client: Arc<ConsoleClient>, project_id: impl Into<String>) -> Self {
        ConsoleProject {
            client,
            project_id: project_id.into(),
            last_read: None,
        }
    }

    /// Keeps the document each read gets until the identity schemas are asked for.
    pub(crate) fn keeping_reads(mut self) -> Self {
        self.last_read = Some(Arc::default());
        self
    }
}

impl Backend for ConsoleProject {
    fn name(&self) -> BackendName {
        BackendName::Project(self.project_id.clone())
    }

    fn platform(&self) -> Platform {
        Platform::OryNetwork
    }

    fn conflict_cause(&self) -> &'static str {
        "each answered 409"
    }

    async fn read(&self) -> Result<State, Error> {
        let text = self.client.get_project(&self.project_id).await?;
        let state = read_project(&text, &self.project_id)?;
        if let Some(Ok(mut kept)) = self.last_read.as_ref().map(|kept| kept.lock()) {
            *kept = Some(text);
        }
        Ok(state)
    }

    async fn write(&self, revision: &str, writes: &[ListWrite]) -> Result<Written, Error> {
        let mut operations: Vec<Value> = writes.iter().flat_map(operations).collect();
        let outcome = self
            .client
            .patch_project(&self.project_id, revision, &operations)
            .await;
        // The operations carry the secrets of the entries they write.
        for value in operations.iter_mut().filter_map(|op| op.get_mut("value")) {
            match value {
                Value::Array(entries) => entries.iter_mut().for_each(wipe),
                entry => wipe(entry),
            }
        }
        let outcome = outcome?;
        let state = state(outcome.project).map_err(|e| match e {
            Error::RemoteDocument { pointer, problem } => Error::AnswerUnreadable {
                backend: self.label(),
                problem: if pointer.is_empty() {
                    problem
                } else {
                    format!("at `{pointer}`, {problem}")
                },
            },
            other => other,
        })?;
        Ok(Written {
            state,
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

    async fn identity_schemas(&self) -> Result<Vec<TargetSchema>, Error> {
        let kept = self
            .last_read
            .as_ref()
            .and_then(|kept| kept.lock().ok()?.take());
        let text = match kept {
            Some(text) => text,
            None => self.client.get_project(&self.project_id).await?,
        };
        let document: Value = serde_json::from_slice(&text).map_err(|_| Error::RemoteDocument {
            pointer: String::new(),
            problem: "the answer is not JSON".into(),
        })?;
        let config = document
            .pointer(IDENTITY_CONFIG_POINTER)
            .unwrap_or(&Value::Null);
        let mut schemas = Vec::new();
        for (id, url) in schemas::listed(config, IDENTITY_CONFIG_POINTER)? {
            let text = match url.as_deref() {
                None => Err(
                    "Ory Network keeps it outside the project's configuration (no \
                             `url`): download it from the Console (Identity schema)"
                        .to_owned(),
                ),
                Some(url) => match schemas::base64_text(url) {
                    Some(text) => text,
                    None if url.starts_with("preset://") => Err(format!(
                        "`{url}` names one of Ory's preset schemas, whose text the project's \
                         configuration does not hold: download it from the Console (Identity \
                         schema)"
                    )),
                    None => self.client.fetch_body(url).await,
                },
            };
            schemas.push(TargetSchema { id, text });
        }
        Ok(schemas)
    }
}

/// The JSON Patch operations that turn a list as read into the list to be: only the entries
/// that differ are removed, replaced or added, so an entry that stays is never sent back, and
/// nothing Ory left out of what it returned (a secret it does not return) is lost. A list the
/// project does not have is added whole (`replace` creates its parents).
fn operations(write: &ListWrite) -> Vec<Value> {
    let path = write.scope.pointer();
    if !write.existed() {
        return vec![json!({"op": "replace", "path": path, "value": write.values().to_vec()})];
    }
    let mut operations = Vec::new();
    for EntryEdit { at, removed, added } in write.edits() {
        let replaced = removed.min(added.len());
        for offset in (replaced..removed).rev() {
            operations.push(json!({"op": "remove", "path": format!("{path}/{}", at + offset)}));
        }
        for (offset, index) in added.enumerate() {
            let op = if offset < replaced { "replace" } else { "add" };
            operations.push(json!({
                "op": op,
                "path": format!("{path}/{}", at + offset),
                "value": write.entry(index),
            }));
        }
    }
    operations
}

/// The hook lists and revision of the text of the document of project `project_id` as the
/// console API returns it, read without building the rest of the document; a soft-deleted
/// project (`"state": "deleted"`) is refused.
pub(crate) fn read_project(text: &[u8], project_id: &str) -> Result<State, Error> {
    let not_json = || Error::RemoteDocument {
        pointer: String::new(),
        problem: "the answer is not JSON".into(),
    };
    let text = std::str::from_utf8(text).map_err(|_| not_json())?;
    let document = read_json(text, IDENTITY_CONFIG_POINTER).map_err(|e| match e {
        JsonError::Syntax(_) => not_json(),
        JsonError::Shape(Error::RemoteDocument { pointer, problem }) if pointer.is_empty() => {
            Error::RemoteDocument {
                problem: match problem.strip_prefix("expected an object, found ") {
                    Some(kind) => format!("the project is {kind}, not an object"),
                    None => problem,
                },
                pointer,
            }
        }
        JsonError::Shape(other) => other,
    })?;
    if document.state.as_deref() == Some("deleted") {
        return Err(Error::ProjectDeleted {
            project_id: project_id.to_owned(),
        });
    }
    Ok(State {
        revision: document.revision.ok_or_else(no_revision)?,
        lists: document.lists,
        verification: document.verification,
    })
}

fn no_revision() -> Error {
    Error::RemoteDocument {
        pointer: "/revision_id".into(),
        problem: "the project has no revision id".into(),
    }
}

/// The hook lists and revision of a project document as the console API returns it.
fn state(document: Value) -> Result<State, Error> {
    let revision = document
        .get("revision_id")
        .and_then(Value::as_str)
        .ok_or_else(no_revision)?
        .to_owned();
    let verification = verification_enabled(&document, IDENTITY_CONFIG_POINTER);
    Ok(State {
        revision,
        lists: HookLists::take(document, IDENTITY_CONFIG_POINTER)?,
        verification,
    })
}

#[cfg(test)]
mod tests {
    use ory_actions_core::Scope;
    use proptest::prelude::*;

    use super::*;

    /// Applies the operations as JSON Patch does, to the list alone.
    fn apply(list: &mut Vec<Value>, operations: &[Value]) {
        let prefix = format!("{}/", Scope::LoginBefore.pointer());
        for op in operations {
            let index: usize = op["path"]
                .as_str()
                .unwrap()
                .strip_prefix(&prefix)
                .unwrap()
                .parse()
                .unwrap();
            match op["op"].as_str().unwrap() {
                "remove" => {
                    list.remove(index);
                }
                "replace" => list[index] = op["value"].clone(),
                "add" => list.insert(index, op["value"].clone()),
                other => panic!("unexpected op {other}"),
            }
        }
    }

    fn write(before: Option<Vec<Value>>, entries: Vec<Value>) -> ListWrite {
        ListWrite::of_values(Scope::LoginBefore, before, entries)
    }

    #[test]
    fn only_entries_that_differ_are_sent() {
        let (a, b, c, d) = (
            json!({"hook": "a"}),
            json!({"hook": "b"}),
            json!({"hook": "c"}),
            json!({"hook": "d"}),
        );
        let ops = operations(&write(
            Some(vec![a.clone(), b.clone(), c.clone()]),
            vec![a.clone(), d.clone(), c.clone()],
        ));
        assert_eq!(
            ops,
            vec![
                json!({"op": "replace", "path": format!("{}/1", Scope::LoginBefore.pointer()), "value": d})
            ]
        );
        assert!(operations(&write(Some(vec![a.clone()]), vec![a.clone()])).is_empty());
        let whole = operations(&write(None, vec![b.clone()]));
        assert_eq!(
            whole,
            vec![json!({"op": "replace", "path": Scope::LoginBefore.pointer(), "value": [b]})]
        );
    }

    proptest! {
        #[test]
        fn the_operations_turn_the_old_list_into_the_new(
            old in proptest::collection::vec(0u8..6, 0..8),
            new in proptest::collection::vec(0u8..6, 0..8),
        ) {
            let entry = |n: &u8| json!({"hook": "web_hook", "config": {"url": format!("https://h/{n}")}});
            let old: Vec<Value> = old.iter().map(entry).collect();
            let new: Vec<Value> = new.iter().map(entry).collect();
            let ops = operations(&write(Some(old.clone()), new.clone()));
            let mut list = old;
            apply(&mut list, &ops);
            prop_assert_eq!(list, new);
        }
    }
}
