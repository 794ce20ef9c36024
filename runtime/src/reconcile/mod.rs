//! Reconciling backends with the stack: one read per backend, a pure plan, one revision-checked
//! write, and a bounded re-read and re-plan when someone else wrote first. Works the same on
//! every [`Backend`].

pub(crate) mod retry;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ory_actions_core::Scope;
use tokio::sync::Mutex;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::action::Action;
use crate::backend::{Backend, State};
use crate::error::Error;
use crate::export::{FoundHook, web_hooks};
use crate::hooks::{HookLists, Secrets};
use crate::payload::Samples;
use crate::plan::{
    Change, ChangeKind, FetchedBodies, Mode, PlanInput, ProjectPlan, Resend, Warning,
    bodies_to_fetch, plan_project,
};
use crate::stack::Prune;
use crate::trace::Trace;
use retry::{Policy, Tries};

/// How many times a write is tried when the backend changed in between (Ory answered 409, the
/// file changed on disk): enough for a dozen writers landing on one project at once, each
/// backing off at random.
pub(crate) const MAX_ATTEMPTS: u32 = 16;

/// A backend and the actions that go there.
#[derive(Debug)]
pub(crate) struct Unit<T> {
    /// The project or file.
    pub(crate) backend: T,
    /// Its actions, in declaration order.
    pub(crate) actions: Vec<Action>,
}

/// Bodies stored elsewhere (at URLs, or in files beside a configuration), read at most once
/// per run.
#[derive(Clone, Default)]
struct BodyCache {
    fetched: Arc<Mutex<FetchedBodies>>,
}

impl BodyCache {
    async fn fetch<T: Backend>(&self, backend: &T, references: Vec<String>) -> FetchedBodies {
        let mut out = FetchedBodies::new();
        for reference in references {
            let known = self.fetched.lock().await.get(&reference).cloned();
            let content = match known {
                Some(content) => content,
                None => {
                    let content = backend.fetch_body(&reference).await;
                    self.fetched
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

/// Everything one run shares.
#[derive(Clone)]
pub(crate) struct Reconciler {
    prune: Prune,
    mode: Mode,
    bodies: BodyCache,
    only: Option<BTreeSet<Scope>>,
    resend: Resend,
    policy: Policy,
    samples: Samples,
    trace: Trace,
    parallelism: usize,
}

/// How many backends are read or written at once unless told otherwise (Terraform's default).
pub(crate) const DEFAULT_PARALLELISM: usize = 10;

/// What happened to one backend in an apply.
#[derive(Debug)]
pub(crate) struct Applied {
    /// The plan that was written (after any re-plan).
    pub(crate) plan: ProjectPlan,
    /// How many writes were tried (1 unless someone else wrote in between).
    pub(crate) attempts: u32,
    /// The revision after the write; the plan's revision when nothing was written.
    pub(crate) revision_id: String,
}

impl Reconciler {
    /// A run in `mode` with the stack's prune policy.
    pub(crate) fn new(prune: Prune, mode: Mode) -> Self {
        Reconciler {
            prune,
            mode,
            bodies: BodyCache::default(),
            only: None,
            resend: Resend::None,
            policy: Policy::within(retry::DEFAULT_DEADLINE),
            samples: Samples::default(),
            trace: Trace::default(),
            parallelism: DEFAULT_PARALLELISM,
        }
    }

    /// At most `count` backends in flight at once (`--parallelism`); at least one.
    pub(crate) fn parallelism(mut self, count: usize) -> Self {
        self.parallelism = count.max(1);
        self
    }

    /// Says on `trace` (`-v`) why each retry happens.
    pub(crate) fn traced(mut self, trace: Trace) -> Self {
        self.trace = trace;
        self
    }

    /// Evaluates declared bodies with these sample contexts, and warns about those that fail.
    /// The sample contexts bodies are evaluated with.
    pub(crate) fn sample_contexts(&self) -> &Samples {
        &self.samples
    }

    pub(crate) fn samples(mut self, samples: Samples) -> Self {
        self.samples = samples;
        self
    }

    /// Retries transient failures for at most `budget` from now (default two minutes).
    pub(crate) fn deadline(mut self, budget: std::time::Duration) -> Self {
        self.policy = Policy::within(budget);
        self
    }

    /// Limits the run to these hook lists (`--target`): no other list is planned or written.
    pub(crate) fn only(mut self, scopes: Option<BTreeSet<Scope>>) -> Self {
        self.only = scopes;
        self
    }

    /// Sends these actions' secrets again whatever the comparison says (`--resend-secrets`).
    pub(crate) fn resend(mut self, resend: Resend) -> Self {
        self.resend = resend;
        self
    }

    /// Reads a backend, trying again on transient failures until the deadline.
    async fn read<T: Backend>(&self, backend: &T) -> Result<State, Error> {
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

    /// Reads one backend and plans it.
    pub(crate) async fn plan<T: Backend>(&self, unit: &Unit<T>) -> Result<ProjectPlan, Error> {
        let snapshot = self.read(&unit.backend).await?;
        self.plan_snapshot(unit, &snapshot, &self.resend).await
    }

    /// Plans `unit` against `snapshot`, sending again the secrets `resend` names.
    async fn plan_snapshot<T: Backend>(
        &self,
        unit: &Unit<T>,
        snapshot: &State,
        resend: &Resend,
    ) -> Result<ProjectPlan, Error> {
        let actions: Vec<&Action> = unit.actions.iter().collect();
        let (secrets, bodies) = match self.mode {
            Mode::Apply => {
                let references =
                    bodies_to_fetch(&snapshot.lists, &actions, unit.backend.platform());
                let bodies = self.bodies.fetch(&unit.backend, references).await;
                (Secrets::Resolved, bodies)
            }
            Mode::Destroy => (Secrets::Redacted, FetchedBodies::new()),
        };
        plan_project(PlanInput {
            backend: unit.backend.name(),
            platform: unit.backend.platform(),
            revision_id: &snapshot.revision,
            lists: &snapshot.lists,
            actions: &actions,
            prune: &self.prune,
            mode: self.mode,
            bodies: &bodies,
            secrets,
            only: self.only.as_ref(),
            resend,
            samples: Some(&self.samples),
        })
    }

    /// Reads one backend for `explain`: its hook lists as they will be once the stack is
    /// applied (secrets are not read), and whether it enables verification.
    pub(crate) async fn lists_after_apply<T: Backend>(
        &self,
        unit: &Unit<T>,
    ) -> Result<(HookLists, bool), Error> {
        let snapshot = self.read(&unit.backend).await?;
        let actions: Vec<&Action> = unit.actions.iter().collect();
        let plan = plan_project(PlanInput {
            backend: unit.backend.name(),
            platform: unit.backend.platform(),
            revision_id: &snapshot.revision,
            lists: &snapshot.lists,
            actions: &actions,
            prune: &self.prune,
            mode: Mode::Apply,
            bodies: &FetchedBodies::new(),
            secrets: Secrets::Redacted,
            only: None,
            resend: &Resend::None,
            samples: None,
        })?;
        let mut lists = snapshot.lists;
        for write in &plan.writes {
            lists.set(
                write.scope,
                (0..write.len()).map(|i| write.stored(i)).collect(),
            );
        }
        Ok((lists, snapshot.verification))
    }

    /// Reads one backend for `export` and `import`: its web hooks, and the bodies they keep
    /// elsewhere.
    pub(crate) async fn read_hooks<T: Backend>(
        &self,
        backend: &T,
    ) -> Result<(Vec<FoundHook>, FetchedBodies), Error> {
        let snapshot = self.read(backend).await?;
        let hooks = web_hooks(&snapshot.lists);
        let references = hooks
            .iter()
            .filter_map(|h| h.hook.body.reference().map(str::to_owned))
            .collect();
        let bodies = self.bodies.fetch(backend, references).await;
        Ok((hooks, bodies))
    }

    /// Plans every backend concurrently, at most `parallelism` at once. Results come back in the order of `units`; `done`
    /// hears of each backend as it finishes (its index, and whether it succeeded).
    pub(crate) async fn plan_all<T: Backend>(
        &self,
        units: &[Arc<Unit<T>>],
        done: &mut dyn FnMut(usize, bool),
    ) -> Vec<Result<ProjectPlan, Error>> {
        let mut tasks = JoinSet::new();
        let slots = Arc::new(Semaphore::new(self.parallelism));
        for (index, unit) in units.iter().enumerate() {
            let this = self.clone();
            let unit = Arc::clone(unit);
            let slots = Arc::clone(&slots);
            tasks.spawn(async move {
                let _slot = slots.acquire_owned().await;
                (index, this.plan(&unit).await)
            });
        }
        collect(tasks, units.len(), done).await
    }

    /// Writes the confirmed `plan`. When someone else wrote first (a conflict), reads and plans
    /// again and writes again only if the new plan makes the same changes (at most
    /// [`MAX_ATTEMPTS`] writes). When a write fails on the way (429, 5xx, a timeout, a broken
    /// connection) it may still have landed, so the backend is read again before anything is
    /// written again. Then checks that what the backend holds afterwards matches the stack.
    pub(crate) async fn apply<T: Backend>(
        &self,
        unit: &Unit<T>,
        confirmed: ProjectPlan,
    ) -> Result<Applied, Error> {
        let confirmed_intent = intent(&confirmed);
        let mut plan = confirmed;
        let mut attempts = 0;
        let mut conflicts = 0;
        let mut tries = Tries::of("update").traced(&self.trace);
        loop {
            if !plan.has_changes() {
                let revision_id = plan.revision_id.clone();
                return Ok(Applied {
                    plan,
                    attempts,
                    revision_id,
                });
            }
            attempts += 1;
            let wait = match unit.backend.write(&plan.revision_id, &plan.writes).await {
                Ok(written) => {
                    let warnings: Vec<Warning> = written
                        .warnings
                        .into_iter()
                        .map(|(code, message)| Warning::Ory { code, message })
                        .collect();
                    let revision_id = self.verify(unit, &plan, &written.state, &warnings).await?;
                    plan.warnings.extend(warnings);
                    return Ok(Applied {
                        plan,
                        attempts,
                        revision_id,
                    });
                }
                Err(conflict) if conflict.is_conflict() => {
                    conflicts += 1;
                    if conflicts >= MAX_ATTEMPTS {
                        return Err(Error::Conflict {
                            backend: unit.backend.label(),
                            attempts: conflicts,
                            cause: unit.backend.conflict_cause(),
                        });
                    }
                    // Writers that collide back off apart, so one of them gets through.
                    self.policy.conflict_wait(conflicts)
                }
                Err(error) if retry::is_transient(&error) => {
                    Some(tries.failed(&self.policy, attempts, &error, || unit.backend.label())?)
                }
                Err(mut error) => {
                    scrub(&mut error, &plan.secrets.0);
                    return Err(error);
                }
            };
            if let Some(wait) = wait {
                tokio::time::sleep(wait).await;
            }
            // Read again before writing again: the failed write may have landed, or someone
            // else may have written. If the backend now matches, the work is done.
            let again = self.plan(unit).await?;
            if again.has_changes() && intent(&again) != confirmed_intent {
                return Err(Error::PlanChanged {
                    backend: unit.backend.label(),
                });
            }
            plan = again;
        }
    }

    /// Checks what a backend holds after a write: a new revision, and a plan against it that
    /// changes nothing. Returns the new revision.
    async fn verify<T: Backend>(
        &self,
        unit: &Unit<T>,
        written: &ProjectPlan,
        after: &State,
        warnings: &[Warning],
    ) -> Result<String, Error> {
        let mut problems = Vec::new();
        if after.revision == written.revision_id {
            problems.push(format!("the revision is still {}", after.revision));
        }
        // Secrets sent again were written; checking asks only whether anything still differs.
        let check = self.plan_snapshot(unit, after, &Resend::None).await?;
        for change in check
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Unchanged)
        {
            let hook = format!("{} {} in {}", change.method, change.url, change.scope);
            problems.push(match change.kind {
                ChangeKind::Create => format!("it dropped {hook}"),
                ChangeKind::Delete => format!("it kept {hook}, although deleted"),
                _ => {
                    let fields: Vec<&str> =
                        change.fields.iter().map(|f| f.field.as_str()).collect();
                    format!("it stored {hook} with other {}", fields.join(", "))
                }
            });
        }
        if problems.is_empty() {
            Ok(after.revision.clone())
        } else {
            Err(Error::NotApplied {
                backend: unit.backend.label(),
                problems,
                warnings: warnings.iter().map(ToString::to_string).collect(),
            })
        }
    }

    /// Applies every plan concurrently, at most `parallelism` at once. Results come back in the order of `units`.
    pub(crate) async fn apply_all<T: Backend>(
        &self,
        units: &[Arc<Unit<T>>],
        plans: Vec<ProjectPlan>,
        done: &mut dyn FnMut(usize, bool),
    ) -> Vec<Result<Applied, Error>> {
        let mut tasks = JoinSet::new();
        let slots = Arc::new(Semaphore::new(self.parallelism));
        for (index, (unit, plan)) in units.iter().zip(plans).enumerate() {
            let this = self.clone();
            let unit = Arc::clone(unit);
            let slots = Arc::clone(&slots);
            tasks.spawn(async move {
                let _slot = slots.acquire_owned().await;
                (index, this.apply(&unit, plan).await)
            });
        }
        collect(tasks, units.len(), done).await
    }
}

async fn collect<T: 'static>(
    mut tasks: JoinSet<(usize, Result<T, Error>)>,
    n: usize,
    done: &mut dyn FnMut(usize, bool),
) -> Vec<Result<T, Error>> {
    let mut slots: BTreeMap<usize, Result<T, Error>> = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, result)) => {
                done(index, result.is_ok());
                slots.insert(index, result);
            }
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    (0..n)
        .map(|i| slots.remove(&i).expect("every task reports"))
        .collect()
}

/// Replaces every occurrence of the given secret values in a message that came from Ory (a
/// validation error may quote what was sent).
fn scrub(error: &mut Error, secrets: &[String]) {
    if let Error::Api(crate::error::ApiFailure {
        message: Some(message),
        ..
    }) = error
    {
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            *message = message.replace(secret.as_str(), crate::hooks::REDACTED);
        }
    }
}

/// What a plan changes, to tell whether a plan made after a conflict is the one confirmed.
fn intent(plan: &ProjectPlan) -> Vec<Change> {
    plan.changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Unchanged)
        .cloned()
        .collect()
}
