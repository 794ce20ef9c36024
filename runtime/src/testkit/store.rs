//! What the stand-in holds: its projects and their revisions, the faults to come, the request
//! log and the bodies it serves.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;

use super::normalize::BodyStore;
use super::options::{Fault, LoggedRequest, Options};
use super::rate_limit::RateLimit;
use crate::backend::kratos_file::schema::KratosSchema;

/// A project: its document now, and before the last write (for stale reads).
pub(super) struct Project {
    pub(super) document: Value,
    pub(super) previous: Option<Value>,
}

/// Everything the stand-in holds.
pub(super) struct State {
    pub(super) api_key: String,
    pub(super) schema: Option<KratosSchema>,
    pub(super) bodies_as_urls: bool,
    pub(super) return_secrets: bool,
    pub(super) latency: Duration,
    /// The rate limit, if any, and the window it is counting.
    pub(super) rate_limit: Option<RateLimit>,
    pub(super) base_url: String,
    pub(super) projects: BTreeMap<String, Project>,
    pub(super) faults: Vec<Fault>,
    pub(super) log: Vec<LoggedRequest>,
    pub(super) bodies: BodyStore,
    pub(super) counter: u64,
}

impl State {
    /// A stand-in as `options` say, validating with `schema`, served at `base_url`.
    pub(super) fn new(options: Options, schema: Option<KratosSchema>, base_url: String) -> Self {
        State {
            api_key: options.api_key,
            schema,
            bodies_as_urls: options.bodies_as_urls,
            return_secrets: options.return_secrets,
            latency: options.latency,
            rate_limit: options
                .rate_limit
                .map(|limit| RateLimit::new(limit, options.rate_limit_headers)),
            base_url,
            projects: BTreeMap::new(),
            faults: Vec::new(),
            log: Vec::new(),
            bodies: BodyStore::default(),
            counter: 0,
        }
    }

    /// A new id, of the shape of Ory's; `kind` tells projects from revisions.
    pub(super) fn next_id(&mut self, kind: u32) -> String {
        self.counter += 1;
        format!("{kind:08x}-0000-4000-8000-{:012x}", self.counter)
    }
}

/// Changes a project's identity configuration as someone else would, at `revision`.
pub(super) fn external_edit(
    project: &mut Project,
    revision: String,
    edit: impl FnOnce(&mut Value),
) {
    project.previous = Some(project.document.clone());
    if let Some(config) = project.document.pointer_mut("/services/identity/config") {
        edit(config);
    }
    project.document["revision_id"] = revision.into();
}

/// The state, even after a panic elsewhere held it.
pub(super) fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
