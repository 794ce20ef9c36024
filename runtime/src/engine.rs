//! Runs plans against Ory Network: one read per project, one revision-checked write, and a
//! bounded re-read and re-plan when someone else wrote first.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ory_actions_core::Scope;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

use crate::action::Action;
use crate::client::ConsoleClient;
use crate::config_file::ConfigFile;
use crate::error::Error;
use crate::plan::{
    Change, ChangeKind, FetchedBodies, ListWrite, Mode, PlanInput, ProjectPlan, TargetKind,
    Warning, bodies_to_fetch, plan_project,
};
use crate::render::Secrets;
use crate::retry::{self, Policy};
use crate::stack::{Prune, Stack};

/// How many times a write is tried when Ory answers 409 (someone else wrote first): enough for
/// a dozen writers landing on one project at once, each backing off at random.
pub const MAX_ATTEMPTS: u32 = 16;

/// The actions of one project.
#[derive(Clone, Debug)]
pub struct ProjectActions {
    /// The project.
    pub project_id: String,
    /// Its actions, in declaration order.
    pub actions: Vec<Action>,
}

/// Where the project of actions that name none comes from, most specific first.
#[derive(Clone, Debug, Default)]
pub struct ProjectDefaults {
    /// `--project`.
    pub flag: Option<String>,
    /// `ORY_PROJECT_ID` or `ORY_PROJECT`.
    pub env: Option<String>,
}

/// Splits a stack by project: an action's own `project_id`, else `--project`, else the stack's
/// project, else the environment. Projects keep the order in which they first appear.
pub fn group_by_project(
    stack: &Stack,
    defaults: &ProjectDefaults,
) -> Result<Vec<ProjectActions>, Error> {
    let fallback = match (&defaults.flag, stack.project_id()) {
        (Some(flag), _) => Some(flag.clone()),
        (None, Some(project)) => Some(project.resolve()?),
        (None, None) => defaults.env.clone(),
    };
    let mut groups: Vec<ProjectActions> = Vec::new();
    for action in stack.actions() {
        let project_id = match action.project_id() {
            Some(id) => id.resolve()?,
            None => fallback.clone().ok_or_else(|| {
                Error::Config(format!(
                    "no project for {action}: set ORY_PROJECT_ID, pass --project, or give the \
                     stack or the action a project_id"
                ))
            })?,
        };
        match groups.iter_mut().find(|g| g.project_id == project_id) {
            Some(group) => group.actions.push(action.clone()),
            None => groups.push(ProjectActions {
                project_id,
                actions: vec![action.clone()],
            }),
        }
    }
    if groups.is_empty()
        && let Some(project_id) = fallback
    {
        // An empty stack still owns what its prune policy says, so it is planned too.
        groups.push(ProjectActions {
            project_id,
            actions: Vec::new(),
        });
    }
    Ok(groups)
}

/// Where the hooks live: an Ory Network project, or a self-hosted Kratos configuration file.
#[derive(Clone, Debug)]
pub enum Target {
    /// Projects of Ory Network, through the console API.
    Console(ConsoleClient),
    /// One Kratos configuration file.
    File(ConfigFile),
}

impl Target {
    /// Whether the target keeps `headers`, `emit_analytics_event` and `id` (Kratos does; Ory
    /// Network's stored hook has no place for them).
    pub fn stores_extras(&self) -> bool {
        matches!(self, Target::File(_))
    }

    /// What plans call the target.
    pub fn kind(&self) -> TargetKind {
        match self {
            Target::Console(_) => TargetKind::Project,
            Target::File(_) => TargetKind::ConfigFile,
        }
    }

    async fn read(&self, project_id: &str) -> Result<Value, Error> {
        match self {
            Target::Console(client) => client.get_project(project_id).await,
            Target::File(file) => Ok(file.read()?.document),
        }
    }

    /// Writes the lists; the document as it is afterwards and Ory's warnings.
    async fn write(
        &self,
        project_id: &str,
        revision_id: &str,
        writes: &[ListWrite],
    ) -> Result<(Value, Vec<(String, String)>), Error> {
        match self {
            Target::Console(client) => {
                let operations: Vec<Value> = writes
                    .iter()
                    .map(
                        |w| json!({"op": "replace", "path": w.scope.pointer(), "value": w.entries}),
                    )
                    .collect();
                let outcome = client
                    .patch_project(project_id, revision_id, &operations)
                    .await?;
                Ok((outcome.project, outcome.warnings))
            }
            Target::File(file) => Ok((file.write(revision_id, writes)?.document, Vec::new())),
        }
    }

    async fn fetch_body(&self, reference: &str) -> Result<String, String> {
        match self {
            Target::Console(client) if reference.starts_with("http") => {
                client.fetch_body(reference).await
            }
            Target::Console(_) => Err("the body is a file on the Kratos host".into()),
            Target::File(_) if reference.starts_with("http") => {
                Err("bodies stored at URLs are not read for configuration files".into())
            }
            Target::File(file) => file.read_body(reference),
        }
    }
}

/// Bodies stored elsewhere (at URLs, or in files beside a configuration), read at most once
/// per run.
#[derive(Clone, Default)]
pub struct BodyCache {
    fetched: Arc<Mutex<FetchedBodies>>,
}

impl BodyCache {
    async fn fetch(&self, target: &Target, urls: Vec<String>) -> FetchedBodies {
        let mut out = FetchedBodies::new();
        for url in urls {
            let known = self.fetched.lock().await.get(&url).cloned();
            let content = match known {
                Some(content) => content,
                None => {
                    let content = target.fetch_body(&url).await;
                    self.fetched
                        .lock()
                        .await
                        .insert(url.clone(), content.clone());
                    content
                }
            };
            out.insert(url, content);
        }
        out
    }
}

/// Everything one run shares.
#[derive(Clone)]
pub struct Runner {
    target: Target,
    prune: Prune,
    mode: Mode,
    bodies: BodyCache,
    only: Option<BTreeSet<Scope>>,
    policy: Policy,
}

/// What happened to one project in an apply.
#[derive(Debug)]
pub struct Applied {
    /// The plan that was written (after any re-plan).
    pub plan: ProjectPlan,
    /// How many writes were tried (1 unless Ory answered 409).
    pub attempts: u32,
    /// The revision after the write; the plan's revision when nothing was written.
    pub revision_id: String,
}

impl Runner {
    /// A runner for `mode` with the stack's prune policy.
    pub fn new(target: Target, prune: Prune, mode: Mode) -> Self {
        Runner {
            target,
            prune,
            mode,
            bodies: BodyCache::default(),
            only: None,
            policy: Policy::within(retry::DEFAULT_DEADLINE),
        }
    }

    /// Retries transient failures for at most `budget` from now (default two minutes).
    pub fn deadline(mut self, budget: std::time::Duration) -> Self {
        self.policy = Policy::within(budget);
        self
    }

    /// Limits the run to these hook lists (`--target`): no other list is planned or written.
    pub fn only(mut self, scopes: Option<BTreeSet<Scope>>) -> Self {
        self.only = scopes;
        self
    }

    /// Reads one project and plans it.
    pub async fn plan(&self, project: &ProjectActions) -> Result<ProjectPlan, Error> {
        let document = self.read(&project.project_id).await?;
        self.plan_document(project, &document).await
    }

    /// Reads a project, trying again on transient failures until the deadline.
    async fn read(&self, project_id: &str) -> Result<Value, Error> {
        let mut failures = Vec::new();
        loop {
            match self.target.read(project_id).await {
                Err(error) if retry::is_transient(&error) => {
                    failures.push(retry::describe(&error));
                    let attempt = u32::try_from(failures.len()).unwrap_or(u32::MAX);
                    match self.policy.wait(attempt, retry::retry_after(&error)) {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None => {
                            return Err(Error::GaveUp {
                                project_id: project_id.to_owned(),
                                operation: "read",
                                tries: failures,
                            });
                        }
                    }
                }
                result => return result,
            }
        }
    }

    async fn plan_document(
        &self,
        project: &ProjectActions,
        document: &Value,
    ) -> Result<ProjectPlan, Error> {
        let actions: Vec<&Action> = project.actions.iter().collect();
        let secrets = match self.mode {
            Mode::Apply => Secrets::Resolved,
            Mode::Destroy => Secrets::Redacted,
        };
        let bodies = match self.mode {
            Mode::Apply => {
                let urls = bodies_to_fetch(document, &actions)?;
                self.bodies.fetch(&self.target, urls).await
            }
            Mode::Destroy => FetchedBodies::new(),
        };
        plan_project(PlanInput {
            project_id: &project.project_id,
            document,
            actions: &actions,
            prune: &self.prune,
            mode: self.mode,
            bodies: &bodies,
            secrets,
            stores_extras: self.target.stores_extras(),
            kind: self.target.kind(),
            only: self.only.as_ref(),
        })
    }

    /// Reads one project for `export` and `import`: its web hooks, and the bodies they keep
    /// elsewhere.
    pub async fn read_hooks(
        &self,
        project: &ProjectActions,
    ) -> Result<(Vec<crate::export::FoundHook>, FetchedBodies), Error> {
        let document = self.read(&project.project_id).await?;
        let hooks = crate::export::web_hooks(&document)?;
        let references = hooks
            .iter()
            .filter_map(|h| match &h.hook.body {
                crate::remote::StoredBody::Url(r) | crate::remote::StoredBody::Opaque(r) => {
                    Some(r.clone())
                }
                _ => None,
            })
            .collect();
        let bodies = self.bodies.fetch(&self.target, references).await;
        Ok((hooks, bodies))
    }

    /// Plans every project concurrently. Results come back in the order of `projects`;
    /// `done` hears of each project as it finishes (its index, and whether it succeeded).
    pub async fn plan_all(
        &self,
        projects: &[ProjectActions],
        done: &mut dyn FnMut(usize, bool),
    ) -> Vec<Result<ProjectPlan, Error>> {
        let mut tasks = JoinSet::new();
        for (index, project) in projects.iter().enumerate() {
            let runner = self.clone();
            let project = project.clone();
            tasks.spawn(async move { (index, runner.plan(&project).await) });
        }
        collect(tasks, projects.len(), done).await
    }

    /// Writes the confirmed `plan`. When someone else wrote first (409), reads and plans again
    /// and writes again only if the new plan makes the same changes (at most
    /// [`MAX_ATTEMPTS`] writes). When a write fails on the way (429, 5xx, a timeout, a broken
    /// connection) it may still have landed, so the project is read again before anything is
    /// written again. Then checks that the project Ory returns matches the stack.
    pub async fn apply(
        &self,
        project: &ProjectActions,
        confirmed: ProjectPlan,
    ) -> Result<Applied, Error> {
        let confirmed_intent = intent(&confirmed);
        let mut plan = confirmed;
        let mut attempts = 0;
        let mut conflicts = 0;
        let mut failures: Vec<String> = Vec::new();
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
            let written = self
                .target
                .write(&project.project_id, &plan.revision_id, &plan.writes)
                .await;
            let wait = match written {
                Ok((answer, warnings)) => {
                    let warnings: Vec<Warning> = warnings
                        .into_iter()
                        .map(|(code, message)| Warning::Ory { code, message })
                        .collect();
                    let revision_id = self.verify(project, &plan, &answer, &warnings).await?;
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
                            project_id: project.project_id.clone(),
                            attempts: conflicts,
                        });
                    }
                    // Writers that collide back off apart, so one of them gets through.
                    self.policy.conflict_wait(conflicts)
                }
                Err(error) if retry::is_transient(&error) => {
                    failures.push(retry::describe(&error));
                    match self.policy.wait(attempts, retry::retry_after(&error)) {
                        Some(wait) => Some(wait),
                        None => {
                            return Err(Error::GaveUp {
                                project_id: project.project_id.clone(),
                                operation: "update",
                                tries: failures,
                            });
                        }
                    }
                }
                Err(Error::RemoteDocument { problem, .. }) => {
                    return Err(Error::AnswerUnreadable {
                        project_id: project.project_id.clone(),
                        problem,
                    });
                }
                Err(mut error) => {
                    error.scrub(&plan.secrets.0);
                    return Err(error);
                }
            };
            if let Some(wait) = wait {
                tokio::time::sleep(wait).await;
            }
            // Read again before writing again: the failed write may have landed, or someone
            // else may have written. If the project now matches, the work is done.
            let again = self.plan(project).await?;
            if again.has_changes() && intent(&again) != confirmed_intent {
                return Err(Error::PlanChanged {
                    project_id: project.project_id.clone(),
                });
            }
            plan = again;
        }
    }

    /// Checks the project Ory returned after a write: a new revision, and a plan against it
    /// that changes nothing. Returns the new revision.
    async fn verify(
        &self,
        project: &ProjectActions,
        written: &ProjectPlan,
        answer: &Value,
        warnings: &[Warning],
    ) -> Result<String, Error> {
        let unreadable = |problem: String| Error::AnswerUnreadable {
            project_id: project.project_id.clone(),
            problem,
        };
        let revision_id = answer
            .get("revision_id")
            .and_then(Value::as_str)
            .ok_or_else(|| unreadable("it has no revision id".into()))?
            .to_owned();
        let mut problems = Vec::new();
        if revision_id == written.revision_id {
            problems.push(format!("the revision is still {revision_id}"));
        }
        let check = match self.plan_document(project, answer).await {
            Ok(check) => check,
            Err(Error::RemoteDocument { pointer, problem }) => {
                return Err(unreadable(format!("at `{pointer}`, {problem}")));
            }
            Err(other) => return Err(other),
        };
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
            Ok(revision_id)
        } else {
            Err(Error::NotApplied {
                project_id: project.project_id.clone(),
                problems,
                warnings: warnings.iter().map(ToString::to_string).collect(),
            })
        }
    }

    /// Applies every plan concurrently. Results come back in the order of `projects`.
    pub async fn apply_all(
        &self,
        projects: &[ProjectActions],
        plans: Vec<ProjectPlan>,
        done: &mut dyn FnMut(usize, bool),
    ) -> Vec<Result<Applied, Error>> {
        let mut tasks = JoinSet::new();
        for (index, (project, plan)) in projects.iter().zip(plans).enumerate() {
            let runner = self.clone();
            let project = project.clone();
            tasks.spawn(async move { (index, runner.apply(&project, plan).await) });
        }
        collect(tasks, projects.len(), done).await
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

/// What a plan changes, to tell whether a plan made after a 409 is the one confirmed.
fn intent(plan: &ProjectPlan) -> Vec<Change> {
    plan.changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Unchanged)
        .cloned()
        .collect()
}
