//! From the environment and the options to the backends of a run: one Ory Network project per
//! project the actions name, or one Kratos configuration file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ory_actions_core::Platform;

use super::args::Options;
use crate::action::Action;
use crate::backend::console::{ApiKey, ConsoleClient, ConsoleProject};
use crate::backend::kratos_file::{KratosFile, KratosPaths, PathMap};
use crate::backend::schemas::TargetSchema;
use crate::backend::{Backend, BackendName, State, Written};
use crate::error::Error;
use crate::hooks::ListWrite;
use crate::reconcile::Unit;
use crate::stack::Stack;
use crate::trace::Trace;

/// The console API used when neither `--console-url` nor the environment names one.
const DEFAULT_CONSOLE_URL: &str = "https://api.console.ory.sh";

/// How long one request to Ory may take, unless `--request-timeout` says otherwise.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The backend of a run: an Ory Network project or a Kratos configuration file, so that every
/// command is written once for both.
pub(super) enum AnyBackend {
    /// An Ory Network project.
    Console(ConsoleProject),
    /// A Kratos configuration file.
    Kratos(KratosFile),
}

impl Backend for AnyBackend {
    fn name(&self) -> BackendName {
        match self {
            AnyBackend::Console(project) => project.name(),
            AnyBackend::Kratos(file) => file.name(),
        }
    }

    fn platform(&self) -> Platform {
        match self {
            AnyBackend::Console(project) => project.platform(),
            AnyBackend::Kratos(file) => file.platform(),
        }
    }

    fn conflict_cause(&self) -> &'static str {
        match self {
            AnyBackend::Console(project) => project.conflict_cause(),
            AnyBackend::Kratos(file) => file.conflict_cause(),
        }
    }

    async fn read(&self) -> Result<State, Error> {
        match self {
            AnyBackend::Console(project) => project.read().await,
            AnyBackend::Kratos(file) => file.read().await,
        }
    }

    async fn write(&self, revision: &str, writes: &[ListWrite]) -> Result<Written, Error> {
        match self {
            AnyBackend::Console(project) => project.write(revision, writes).await,
            AnyBackend::Kratos(file) => file.write(revision, writes).await,
        }
    }

    async fn fetch_body(&self, reference: &str) -> Result<String, String> {
        match self {
            AnyBackend::Console(project) => project.fetch_body(reference).await,
            AnyBackend::Kratos(file) => file.fetch_body(reference).await,
        }
    }

    async fn identity_schemas(&self) -> Result<Vec<TargetSchema>, Error> {
        match self {
            AnyBackend::Console(project) => project.identity_schemas().await,
            AnyBackend::Kratos(file) => file.identity_schemas().await,
        }
    }
}

/// Where a run goes: the backends with their actions.
pub(super) struct Backends {
    /// Each backend and the actions that go there, in the order they first appear.
    pub(super) units: Vec<Arc<Unit<AnyBackend>>>,
    /// Which platform they are on.
    pub(super) platform: Platform,
    /// How any project of the console is reached, or the one file.
    source: Source,
    /// The projects the run may read or write.
    allowed: AllowedProjects,
}

/// The projects a run may read or write: `--allowed-projects` (else
/// `ORY_ACTIONS_ALLOWED_PROJECTS`) and the stack's list, each when given; a project must be in
/// every list given.
#[derive(Debug, Default)]
pub(super) struct AllowedProjects {
    /// Each list given, with where it comes from.
    lists: Vec<(&'static str, Vec<String>)>,
}

impl AllowedProjects {
    fn new(stack: &Stack, options: &Options, var: &dyn Fn(&str) -> Option<String>) -> Self {
        let split = |ids: &str| -> Vec<String> {
            ids.split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let mut lists = Vec::new();
        if let Some(ids) = &options.allowed_projects {
            lists.push(("--allowed-projects", split(ids)));
        } else if let Some(ids) = var("ORY_ACTIONS_ALLOWED_PROJECTS") {
            lists.push(("ORY_ACTIONS_ALLOWED_PROJECTS", split(&ids)));
        }
        if let Some(ids) = stack.get_allowed_projects() {
            lists.push((
                "Stack::allowed_projects",
                ids.iter().map(|id| id.to_string()).collect(),
            ));
        }
        AllowedProjects { lists }
    }

    /// Whether the run may read or write `project`, which comes `from` where it is said; why
    /// not, when it may not.
    fn check(&self, project: &str, from: &str) -> Result<(), Error> {
        for (given, ids) in &self.lists {
            if !ids.iter().any(|id| id == project) {
                let allowed = if ids.is_empty() {
                    "none".to_owned()
                } else {
                    ids.join(", ")
                };
                return Err(Error::Config(format!(
                    "project {project} ({from}) is not allowed: {given} names only {allowed}; \
                     nothing was read or written"
                )));
            }
        }
        Ok(())
    }
}

/// How [`Backends::of_project`] finds a backend.
enum Source {
    Console(Arc<ConsoleClient>),
    Kratos(KratosFile),
}

impl Backends {
    /// Reads the environment (through `env`) and the options, and finds the backends of
    /// `stack`, whose requests go on `trace` (`-v`) and wait for a rate limit no longer than
    /// the run's `deadline`. For `import` (`any_project`), no project is taken from the stack:
    /// the import ID names it.
    pub(super) fn new(
        stack: Stack,
        options: &Options,
        env: &dyn Fn(&str) -> Option<String>,
        (trace, deadline): (&Trace, Instant),
        any_project: bool,
    ) -> Result<Self, Error> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let allowed = AllowedProjects::new(&stack, options, &var);
        match options.config.clone().or_else(|| var("ORY_KRATOS_CONFIG")) {
            Some(path) => kratos_file(stack, options, path, &var),
            None => console(
                stack,
                options,
                &var,
                (trace, deadline),
                any_project,
                allowed,
            ),
        }
    }

    /// The backend of `project`, named by an import ID (a configuration file has one set of
    /// lists whatever it is); refused when the run may not read it.
    pub(super) fn of_project(&self, project: &str) -> Result<AnyBackend, Error> {
        Ok(match &self.source {
            Source::Console(client) => {
                self.allowed.check(project, "from the import ID")?;
                AnyBackend::Console(ConsoleProject::new(Arc::clone(client), project))
            }
            Source::Kratos(file) => AnyBackend::Kratos(file.clone()),
        })
    }
}

/// The Kratos configuration file at `path`, validated with `--schema` when given.
fn kratos_file(
    stack: Stack,
    options: &Options,
    path: String,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Backends, Error> {
    if options.project.is_some() || options.console_url.is_some() {
        return Err(Error::Config(
            "a Kratos configuration file (--config or ORY_KRATOS_CONFIG) is one target; \
             --project and --console-url are for Ory Network: give one or the other"
                .into(),
        ));
    }
    let file = KratosFile::new(path).with_paths(kratos_paths(options, var)?);
    let file = match options.schema.clone().or_else(|| var("ORY_KRATOS_SCHEMA")) {
        None => file,
        #[cfg(feature = "schema")]
        Some(schema) => file.validate_with(
            crate::backend::kratos_file::schema::KratosSchema::load(std::path::Path::new(&schema))
                .map_err(Error::Config)?,
        ),
        #[cfg(not(feature = "schema"))]
        Some(_) => {
            return Err(Error::Config(
                "--schema needs ory-actions built with its `schema` feature".into(),
            ));
        }
    };
    // A configuration file holds one set of hook lists: every action goes there.
    Ok(Backends {
        units: vec![Arc::new(Unit {
            backend: AnyBackend::Kratos(file.clone()),
            actions: stack.into_actions(),
        })],
        platform: Platform::Kratos,
        source: Source::Kratos(file),
        // The allowed projects guard Ory Network projects; a file is not one.
        allowed: AllowedProjects::default(),
    })
}

/// Where Kratos's files are on this machine: `--kratos-dir` (or `ORY_ACTIONS_KRATOS_DIR`) and
/// every `--path-map` (or the comma-separated maps of `ORY_ACTIONS_PATH_MAP`); flags win.
fn kratos_paths(
    options: &Options,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<KratosPaths, Error> {
    let dir = options
        .kratos_dir
        .clone()
        .or_else(|| var("ORY_ACTIONS_KRATOS_DIR"))
        .map(PathBuf::from);
    let (maps, source) = if options.path_maps.is_empty() {
        let maps = var("ORY_ACTIONS_PATH_MAP")
            .map(|maps| {
                maps.split(',')
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        (maps, "ORY_ACTIONS_PATH_MAP")
    } else {
        (options.path_maps.clone(), "--path-map")
    };
    let maps = maps
        .iter()
        .map(|map| PathMap::parse(map).map_err(|e| Error::Config(format!("{source}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(KratosPaths::new(dir, maps))
}

/// The Ory Network projects of the stack, through the console API.
fn console(
    stack: Stack,
    options: &Options,
    var: &dyn Fn(&str) -> Option<String>,
    (trace, deadline): (&Trace, Instant),
    any_project: bool,
    allowed: AllowedProjects,
) -> Result<Backends, Error> {
    if options.kratos_dir.is_some() || !options.path_maps.is_empty() {
        return Err(Error::Config(
            "--kratos-dir and --path-map say where a Kratos configuration file's body templates \
             are: they go with --config (or ORY_KRATOS_CONFIG)"
                .into(),
        ));
    }
    let key = var("ORY_WORKSPACE_API_KEY").ok_or_else(|| {
        Error::Config(
            "ORY_WORKSPACE_API_KEY is not set: create a workspace API key in the Ory Console \
             (Workspace settings -> API keys) and export it"
                .into(),
        )
    })?;
    let console_url = options
        .console_url
        .clone()
        .or_else(|| var("ORY_CONSOLE_API_URL"))
        .or_else(|| var("ORY_CONSOLE_URL"))
        .unwrap_or_else(|| DEFAULT_CONSOLE_URL.to_owned());
    let timeout = options
        .request_timeout
        .map_or(REQUEST_TIMEOUT, Duration::from_secs);
    // One client for every project: they share one rate limit, which it paces.
    let client = Arc::new(
        ConsoleClient::new(&console_url, ApiKey::new(key), timeout)?
            .traced(trace.clone())
            .until(deadline),
    );
    // `import` reads the project its ID names, whatever the stack declares.
    if any_project {
        return Ok(Backends {
            units: Vec::new(),
            platform: Platform::OryNetwork,
            source: Source::Console(client),
            allowed,
        });
    }
    let defaults = ProjectDefaults {
        flag: options.project.clone(),
        env: var("ORY_PROJECT_ID")
            .map(|id| (id, "ORY_PROJECT_ID"))
            .or_else(|| var("ORY_PROJECT").map(|id| (id, "ORY_PROJECT"))),
    };
    let groups = group_by_project(stack, &defaults)?;
    // Every project is checked before the first request to any.
    for (project, _, from) in &groups {
        allowed.check(project, from)?;
    }
    let units: Vec<Arc<Unit<AnyBackend>>> = groups
        .into_iter()
        .map(|(project, actions, _)| {
            let mut backend = ConsoleProject::new(Arc::clone(&client), project);
            // A plan compares the project's identity schemas with those the crate declares,
            // from the document it read.
            if actions
                .iter()
                .any(|action| !action.identity_schemas().files.is_empty())
            {
                backend = backend.keeping_reads();
            }
            Arc::new(Unit {
                backend: AnyBackend::Console(backend),
                actions,
            })
        })
        .collect();
    if units.is_empty() {
        return Err(Error::Config(
            "the stack declares no actions and names no project: nothing to do".into(),
        ));
    }
    Ok(Backends {
        units,
        platform: Platform::OryNetwork,
        source: Source::Console(client),
        allowed,
    })
}

/// Where the project of actions that name none comes from, most specific first.
#[derive(Clone, Debug, Default)]
struct ProjectDefaults {
    /// `--project`.
    flag: Option<String>,
    /// `ORY_PROJECT_ID` or `ORY_PROJECT`, with the variable's name.
    env: Option<(String, &'static str)>,
}

/// Splits a stack by project: an action's own `project_id`, else `--project`, else the stack's
/// project, else the environment. Projects keep the order in which they first appear; each
/// comes with where it was first said.
fn group_by_project(
    stack: Stack,
    defaults: &ProjectDefaults,
) -> Result<Vec<(String, Vec<Action>, String)>, Error> {
    let fallback: Option<(String, String)> = match (&defaults.flag, stack.get_project()) {
        (Some(flag), _) => Some((flag.clone(), "from --project".into())),
        (None, Some(project)) => Some((project.resolve()?, "the stack's project".into())),
        (None, None) => defaults
            .env
            .clone()
            .map(|(id, name)| (id, format!("from {name}"))),
    };
    let actions = stack.into_actions();
    // Each action's project, then the actions moved into one group per project (in one piece
    // when they all share one, as most stacks do).
    let projects: Vec<(String, String)> = actions
        .iter()
        .map(|action| match action.project_id() {
            Some(id) => Ok((id.resolve()?, format!("the project_id of {action}"))),
            None => fallback.clone().ok_or_else(|| {
                Error::Config(format!(
                    "no project for {action}: set ORY_PROJECT_ID, pass --project, or give the \
                     stack or the action a project_id"
                ))
            }),
        })
        .collect::<Result<_, Error>>()?;
    let mut groups: Vec<(String, Vec<Action>, String)> = Vec::new();
    if let Some(first) = projects.first()
        && projects.iter().all(|p| p.0 == first.0)
    {
        groups.push((first.0.clone(), actions, first.1.clone()));
    } else {
        // Where each project is in `groups`.
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (action, (project_id, from)) in actions.into_iter().zip(&projects) {
            match index.get(project_id.as_str()) {
                Some(&at) => groups[at].1.push(action),
                None => {
                    index.insert(project_id, groups.len());
                    groups.push((project_id.clone(), vec![action], from.clone()));
                }
            }
        }
    }
    if groups.is_empty()
        && let Some((project_id, from)) = fallback
    {
        // An empty stack still owns what its prune policy says, so it is planned too.
        groups.push((project_id, Vec::new(), from));
    }
    Ok(groups)
}
