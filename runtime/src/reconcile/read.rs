//! Reading a backend, for every command that reads one (plan, apply and its check, `explain`,
//! `export`, `import`): the read, tried again on transient failures within the run's deadline,
//! and the bodies the backend keeps elsewhere, each fetched at most once per run.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use super::retry::{self, Policy, Tries};
use crate::backend::{Backend, State};
use crate::error::Error;
use crate::plan::FetchedBodies;
use crate::trace::Trace;

/// How a run reads its backends.
#[derive(Clone)]
pub(crate) struct Reader {
    policy: Policy,
    trace: Trace,
    bodies: Arc<Mutex<FetchedBodies>>,
}

impl Reader {
    /// Retries transient failures for at most `budget` from now, saying on `trace` (`-v`) why
    /// each retry happens.
    pub(crate) fn new(budget: Duration, trace: Trace) -> Self {
        Reader {
            policy: Policy::within(budget),
            trace,
            bodies: Arc::default(),
        }
    }

    /// The run's retry budget, which writes share.
    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Where retries are told (`-v`).
    pub(crate) fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Reads `backend`, trying again on transient failures until the deadline.
    pub(crate) async fn read<T: Backend>(&self, backend: &T) -> Result<State, Error> {
        let mut tries = Tries::of("read").traced(&self.trace);
        loop {
            match backend.read().await {
                Err(error) if retry::is_transient(&error) => {
                    let wait = tries
                        .failed(&self.policy, tries.count() + 1, &error, || backend.label())?;
                    tokio::time::sleep(wait).await;
                }
                result => return result,
            }
        }
    }

    /// The bodies `backend` keeps at `references` (URLs, files beside a configuration), each
    /// fetched at most once per run.
    pub(crate) async fn bodies<T: Backend>(
        &self,
        backend: &T,
        references: Vec<String>,
    ) -> FetchedBodies {
        let mut out = FetchedBodies::new();
        for reference in references {
            let known = self.bodies.lock().await.get(&reference).cloned();
            let content = match known {
                Some(content) => content,
                None => {
                    let content = backend.fetch_body(&reference).await;
                    self.bodies
                        .lock()
                        .await
                        .insert(reference.clone(), content.clone());
                    content
                }
            };
            out.insert(reference, content);
        }
        out
    }
}
