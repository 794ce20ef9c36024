//! Runs plans against Ory Network: one read per project, one revision-checked write, and a
//! bounded re-read and re-plan when someone else wrote first.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

use crate::action::Action;
use crate::client::ConsoleClient;
use crate::error::Error;
use crate::plan::{
    ChangeKind, FetchedBodies, Mode, PlanInput, ProjectPlan, Warning, bodies_to_fetch, plan_project,
};
use crate::remote::{Entry, HookLists};
use crate::render::Secrets;
use crate::stack::{Prune, Stack};

/// How many times a write is tried when Ory answers 409 (someone else wrote first).
pub const MAX_ATTEMPTS: u32 = 3;

/// The actions of one project.
#[derive(Clone, Debug)]
pub struct ProjectActions {
    /// The project.
    pub project_id: String,
    /// Its actions, in declaration order.
    pub actions: Vec<Action>,
}

/// Splits a stack by project: an action's own `project_id`, else the stack's project, else
/// `default_project` (from `--project` or the environment). Projects keep the order in which
/// they first appear.
pub fn group_by_project(
    stack: &Stack,
    default_project: Option<&str>,
) -> Result<Vec<ProjectActions>, Error> {
    let stack_project = stack.project_id().map(|p| p.resolve()).transpose()?;
    let fallback = stack_project.as_deref().or(default_project);
    let mut groups: Vec<ProjectActions> = Vec::new();
    for action in stack.actions() {
        let project_id = match action.project_id() {
            Some(id) => id.resolve()?,
            None => fallback
                .ok_or_else(|| {
                    Error::Config(format!(
                        "no project for {action}: set ORY_PROJECT_ID, pass --project, or give the \
                         stack or the action a project_id"
                    ))
                })?
                .to_owned(),
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
            project_id: project_id.to_owned(),
            actions: Vec::new(),
        });
    }
    Ok(groups)
}

/// Bodies stored at URLs, fetched at most once per run.
#[derive(Clone, Default)]
pub struct BodyCache {
    fetched: Arc<Mutex<FetchedBodies>>,
}

impl BodyCache {
    async fn fetch(&self, client: &ConsoleClient, urls: Vec<String>) -> FetchedBodies {
        let mut out = FetchedBodies::new();
        for url in urls {
            let known = self.fetched.lock().await.get(&url).cloned();
            let content = match known {
                Some(content) => content,
                None => {
                    let content = client.fetch_body(&url).await;
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
    client: ConsoleClient,
    prune: Prune,
    mode: Mode,
    bodies: BodyCache,
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
    pub fn new(client: ConsoleClient, prune: Prune, mode: Mode) -> Self {
        Runner {
            client,
            prune,
            mode,
            bodies: BodyCache::default(),
        }
    }

    /// Reads one project and plans it.
    pub async fn plan(&self, project: &ProjectActions) -> Result<ProjectPlan, Error> {
        let document = self.client.get_project(&project.project_id).await?;
        self.plan_document(project, &document).await
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
                self.bodies.fetch(&self.client, urls).await
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
            // Ory Network keeps no `headers`, `emit_analytics_event` or `id`.
            stores_extras: false,
        })
    }

    /// Plans every project concurrently. Results come back in the order of `projects`.
    pub async fn plan_all(&self, projects: &[ProjectActions]) -> Vec<Result<ProjectPlan, Error>> {
        let mut tasks = JoinSet::new();
        for (index, project) in projects.iter().enumerate() {
            let runner = self.clone();
            let project = project.clone();
            tasks.spawn(async move { (index, runner.plan(&project).await) });
        }
        collect(tasks, projects.len()).await
    }

    /// Writes `plan`, re-reading and re-planning when someone else wrote first (at most
    /// [`MAX_ATTEMPTS`] writes), then checks that Ory kept every declared hook.
    pub async fn apply(
        &self,
        project: &ProjectActions,
        plan: ProjectPlan,
    ) -> Result<Applied, Error> {
        let mut plan = plan;
        let mut attempts = 0;
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
            let operations: Vec<Value> = plan
                .writes
                .iter()
                .map(|w| json!({"op": "replace", "path": w.scope.pointer(), "value": w.entries}))
                .collect();
            match self
                .client
                .patch_project(&project.project_id, &plan.revision_id, &operations)
                .await
            {
                Ok(outcome) => {
                    verify(&plan, &outcome.project)?;
                    plan.warnings.extend(
                        outcome
                            .warnings
                            .into_iter()
                            .map(|(code, message)| Warning::Ory { code, message }),
                    );
                    let revision_id = outcome
                        .project
                        .get("revision_id")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    return Ok(Applied {
                        plan,
                        attempts,
                        revision_id,
                    });
                }
                Err(Error::Api(failure)) if failure.status == 409 => {
                    if attempts >= MAX_ATTEMPTS {
                        return Err(Error::Conflict {
                            project_id: project.project_id.clone(),
                            attempts,
                        });
                    }
                    plan = self.plan(project).await?;
                }
                Err(mut error) => {
                    error.scrub(&secrets_of(&plan));
                    return Err(error);
                }
            }
        }
    }

    /// Applies every plan concurrently. Results come back in the order of `projects`.
    pub async fn apply_all(
        &self,
        projects: &[ProjectActions],
        plans: Vec<ProjectPlan>,
    ) -> Vec<Result<Applied, Error>> {
        let mut tasks = JoinSet::new();
        for (index, (project, plan)) in projects.iter().zip(plans).enumerate() {
            let runner = self.clone();
            let project = project.clone();
            tasks.spawn(async move { (index, runner.apply(&project, plan).await) });
        }
        collect(tasks, projects.len()).await
    }
}

async fn collect<T: 'static>(
    mut tasks: JoinSet<(usize, Result<T, Error>)>,
    n: usize,
) -> Vec<Result<T, Error>> {
    let mut slots: BTreeMap<usize, Result<T, Error>> = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, result)) => {
                slots.insert(index, result);
            }
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    (0..n)
        .map(|i| slots.remove(&i).expect("every task reports"))
        .collect()
}

/// The secret values a plan writes, to keep them out of error messages.
fn secrets_of(plan: &ProjectPlan) -> Vec<String> {
    plan.writes
        .iter()
        .flat_map(|w| &w.entries)
        .filter_map(|e| e.pointer("/config/auth/config"))
        .flat_map(|c| ["value", "password"].map(|k| c.get(k).and_then(Value::as_str)))
        .flatten()
        .filter(|s| *s != crate::render::REDACTED && !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Checks that the project Ory returned after the write holds every hook the plan created or
/// kept, and none it deleted.
fn verify(plan: &ProjectPlan, project: &Value) -> Result<(), Error> {
    let lists = HookLists::read(project)?;
    let present = |change: &crate::plan::Change| {
        lists.get(change.scope).into_iter().flatten().any(|entry| {
            matches!(Entry::read(entry), Entry::WebHook(hook)
                if hook.key(change.scope).method == change.method && hook.url == change.url)
        })
    };
    let mut dropped = Vec::new();
    let mut kept = Vec::new();
    for change in &plan.changes {
        let described = format!("{} {} in {}", change.method, change.url, change.scope);
        match change.kind {
            ChangeKind::Create | ChangeKind::Update | ChangeKind::Unchanged if !present(change) => {
                dropped.push(described);
            }
            ChangeKind::Delete
                if present(change)
                    && !plan.changes.iter().any(|c| {
                        c.kind != ChangeKind::Delete
                            && c.scope == change.scope
                            && c.method == change.method
                            && c.url == change.url
                    }) =>
            {
                kept.push(described)
            }
            _ => {}
        }
    }
    if dropped.is_empty() && kept.is_empty() {
        Ok(())
    } else {
        Err(Error::NotApplied {
            project_id: plan.project_id.clone(),
            dropped,
            kept,
        })
    }
}
