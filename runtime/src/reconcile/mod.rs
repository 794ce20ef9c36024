//! Reconciling backends with the stack: one read per backend, a pure plan, one revision-checked
//! write, and a bounded re-read and re-plan when someone else wrote first. Works the same on
//! every [`Backend`].

mod read;
pub(crate) mod retry;

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::action::Action;
use crate::backend::{Backend, State};
use crate::error::Error;
use crate::plan::{
    Change, ChangeKind, FetchedBodies, Mode, Planner, ProjectPlan, Resend, Warning, bodies_to_fetch,
};
pub(crate) use read::Reader;
use retry::Tries;

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

/// Everything one run of plan, apply or destroy shares: how it reads, how it plans, and how
/// many backends it works on at once.
#[derive(Clone)]
pub(crate) struct Reconciler {
    reader: Reader,
    planner: Planner,
    /// The planner that checks a write: secrets sent again were written, so it asks only
    /// whether anything still differs.
    checker: Planner,
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

/// How the target's identity schemas differ from those the unit's actions were checked against;
/// nothing (and no request) when the crate declares none.
async fn identity_drift<T: Backend>(unit: &Unit<T>) -> Vec<Warning> {
    let Some(declared) = unit
        .actions
        .iter()
        .map(Action::identity_schemas)
        .find(|declared| !declared.files.is_empty())
    else {
        return Vec::new();
    };
    match unit.backend.identity_schemas().await {
        Ok(target) => crate::plan::identity::drift(declared, &target),
        Err(e) => vec![Warning::SchemaUnreadable {
            id: None,
            reason: e.to_string(),
        }],
    }
}

impl Reconciler {
    /// A run that reads with `reader`, plans with `planner`, and works on at most `parallelism`
    /// backends at once (at least one).
    pub(crate) fn new(reader: Reader, planner: Planner, parallelism: usize) -> Self {
        Reconciler {
            checker: planner.clone().resend(Resend::None),
            reader,
            planner,
            parallelism: parallelism.max(1),
        }
    }

    /// How the run reads.
    pub(crate) fn reader(&self) -> &Reader {
        &self.reader
    }

    /// How the run plans.
    pub(crate) fn planner(&self) -> &Planner {
        &self.planner
    }

    /// Reads one backend and plans it.
    pub(crate) async fn plan<T: Backend>(&self, unit: &Unit<T>) -> Result<ProjectPlan, Error> {
        let state = self.reader.read(&unit.backend).await?;
        let mut plan = self.plan_state(&self.planner, unit, &state).await?;
        plan.warnings.extend(identity_drift(unit).await);
        Ok(plan)
    }

    /// Plans `unit` against `state` with `planner`, fetching first the bodies the backend
    /// keeps elsewhere that a plan to apply compares.
    async fn plan_state<T: Backend>(
        &self,
        planner: &Planner,
        unit: &Unit<T>,
        state: &State,
    ) -> Result<ProjectPlan, Error> {
        let actions: Vec<&Action> = unit.actions.iter().collect();
        let bodies = match planner.mode() {
            Mode::Apply => {
                let references = bodies_to_fetch(&state.lists, &actions, unit.backend.platform());
                self.reader.bodies(&unit.backend, references).await
            }
            Mode::Destroy => FetchedBodies::new(),
        };
        planner.plan(
            unit.backend.name(),
            unit.backend.platform(),
            &state.revision,
            &state.lists,
            &actions,
            &bodies,
        )
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
    /// [`MAX_ATTEMPTS`] writes). A write refused for the rate limit (429) was not carried out:
    /// it is sent again as it was, its revision still guarding it. When a write fails on the
    /// way (5xx, a timeout, a broken connection) it may still have landed, so the backend is
    /// read again before anything is written again. Then checks that what the backend holds
    /// afterwards matches the stack.
    pub(crate) async fn apply<T: Backend>(
        &self,
        unit: &Unit<T>,
        confirmed: ProjectPlan,
    ) -> Result<Applied, Error> {
        let confirmed_intent = intent(&confirmed);
        let mut plan = confirmed;
        let mut attempts = 0;
        let mut conflicts = 0;
        let mut tries = Tries::of("update").traced(self.reader.trace());
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
                    self.reader.policy().conflict_wait(conflicts)
                }
                Err(error) if retry::is_transient(&error) => {
                    let wait = tries.failed(self.reader.policy(), attempts, &error, || {
                        unit.backend.label()
                    })?;
                    if retry::is_rate_limited(&error) {
                        // Refused before it was carried out: nothing to read again. Should it
                        // have landed all the same, its revision is stale now, and the 409
                        // leads to a read.
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    Some(wait)
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
        let check = self.plan_state(&self.checker, unit, after).await?;
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
                    let fields: Vec<&str> = change.fields.iter().map(|f| &*f.field).collect();
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
