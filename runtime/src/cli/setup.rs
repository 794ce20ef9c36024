//! From the environment and the options to the backends of a run: one Ory Network project per
//! project the actions name, or one Kratos configuration file.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ory_actions_core::scope::one_of;
use ory_actions_core::suggest::did_you_mean;
use ory_actions_core::{Flow, Platform, Scope};

use super::args::{Args, Command, Options};
use super::text::Style;
use super::{EXIT_ERROR, Io};
use crate::action::Action;
use crate::backend::console::{ApiKey, ConsoleClient, ConsoleProject};
use crate::backend::kratos_file::{KratosFile, KratosPaths, PathMap};
use crate::error::Error;
use crate::plan::{Mode, Resend};
use crate::reconcile::{Reconciler, Unit, retry};
use crate::stack::Stack;
use crate::trace::Trace;

/// The console API used when neither `--console-url` nor the environment names one.
const DEFAULT_CONSOLE_URL: &str = "https://api.console.ory.sh";

/// How long one request to Ory may take, unless `--request-timeout` says otherwise.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where a run goes.
pub(super) enum Backends {
    /// Ory Network projects, each with its actions.
    Console {
        client: Arc<ConsoleClient>,
        units: Vec<Arc<Unit<ConsoleProject>>>,
    },
    /// One Kratos configuration file with every action.
    Kratos(Arc<Unit<KratosFile>>),
}

/// A run, ready to go.
pub(super) struct Setup {
    pub(super) reconciler: Reconciler,
    pub(super) backends: Backends,
}

impl Setup {
    /// Reads the environment (through `env`) and the options, and finds the backends.
    pub(super) fn new(
        stack: Stack,
        args: &Args,
        env: &dyn Fn(&str) -> Option<String>,
        trace: &Trace,
    ) -> Result<Self, Error> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let options = &args.options;
        let mode = match args.command {
            Command::Destroy { .. } => Mode::Destroy,
            _ => Mode::Apply,
        };
        let reconciler = Reconciler::new(stack.get_prune().clone(), mode)
            .traced(trace.clone())
            .parallelism(parallelism(options, &var)?)
            .only(target_scopes(&stack, &options.targeted)?)
            .resend(resend(&stack, options)?)
            .samples(stack.get_samples().clone())
            .deadline(
                options
                    .deadline
                    .map_or(retry::DEFAULT_DEADLINE, Duration::from_secs),
            );
        let backends = match options.config.clone().or_else(|| var("ORY_KRATOS_CONFIG")) {
            Some(path) => Backends::Kratos(Arc::new(kratos_file(stack, options, path, &var)?)),
            None => console(stack, args, &var, trace)?,
        };
        Ok(Setup {
            reconciler,
            backends,
        })
    }

    /// Runs `command` on the backends.
    pub(super) async fn run(self, command: &Command, style: Style, io: Io<'_>) -> u8 {
        let Setup {
            reconciler,
            backends,
        } = self;
        match (command, backends) {
            (Command::Export, Backends::Console { units, .. }) => {
                let backends: Vec<&ConsoleProject> = units.iter().map(|u| &u.backend).collect();
                super::export::run(&reconciler, &backends, io).await
            }
            (Command::Export, Backends::Kratos(unit)) => {
                super::export::run(&reconciler, &[&unit.backend], io).await
            }
            (Command::Import { id }, Backends::Console { client, .. }) => {
                super::import::run(
                    &reconciler,
                    id,
                    |project| ConsoleProject::new(Arc::clone(&client), project),
                    io,
                )
                .await
            }
            (Command::Import { id }, Backends::Kratos(unit)) => {
                super::import::run(&reconciler, id, |_| unit.backend.clone(), io).await
            }
            (Command::Probe { dry_run, targeted }, Backends::Console { units, .. }) => {
                let actions: Vec<&Action> = units
                    .iter()
                    .flat_map(|u| &u.actions)
                    .filter(|a| probed(a, targeted))
                    .collect();
                super::probe::run(&reconciler, &actions, Platform::OryNetwork, *dry_run, io).await
            }
            (Command::Probe { dry_run, targeted }, Backends::Kratos(unit)) => {
                let actions: Vec<&Action> = unit
                    .actions
                    .iter()
                    .filter(|a| probed(a, targeted))
                    .collect();
                super::probe::run(&reconciler, &actions, Platform::Kratos, *dry_run, io).await
            }
            (Command::Explain { json, flow }, Backends::Console { units, .. }) => {
                let units: Vec<&Unit<ConsoleProject>> = units.iter().map(|u| &**u).collect();
                super::explain::run(&reconciler, &units, *json, *flow, io).await
            }
            (Command::Explain { json, flow }, Backends::Kratos(unit)) => {
                super::explain::run(&reconciler, &[&*unit], *json, *flow, io).await
            }
            (command, Backends::Console { units, .. }) => {
                super::plan::run(&reconciler, &units, command, style, io).await
            }
            (command, Backends::Kratos(unit)) => {
                super::plan::run(&reconciler, &[unit], command, style, io).await
            }
        }
    }
}

/// Whether `probe --target …` covers `action`: its flow or its name is a target, or there are
/// no targets. (Every target names a flow or an action: `target_scopes` checked that.)
fn probed(action: &Action, targeted: &[String]) -> bool {
    targeted.is_empty()
        || targeted
            .iter()
            .any(|t| action.name() == Some(t.as_str()) || action.flow().as_str() == t)
}

/// The Kratos configuration file at `path`, validated with `--schema` when given.
fn kratos_file(
    stack: Stack,
    options: &Options,
    path: String,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Unit<KratosFile>, Error> {
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
    Ok(Unit {
        backend: file,
        actions: stack.into_actions(),
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
/// `--parallelism`, else `ORY_ACTIONS_PARALLELISM`, else the default.
fn parallelism(options: &Options, var: &dyn Fn(&str) -> Option<String>) -> Result<usize, Error> {
    let given = match (options.parallelism, var("ORY_ACTIONS_PARALLELISM")) {
        (Some(count), _) => count,
        (None, Some(text)) => match text.trim().parse::<u64>() {
            Ok(count) if count > 0 => count,
            _ => {
                return Err(Error::Config(format!(
                    "ORY_ACTIONS_PARALLELISM must be a whole number of targets above 0, not \
                     `{text}`"
                )));
            }
        },
        (None, None) => return Ok(crate::reconcile::DEFAULT_PARALLELISM),
    };
    Ok(usize::try_from(given).unwrap_or(usize::MAX))
}

fn console(
    stack: Stack,
    args: &Args,
    var: &dyn Fn(&str) -> Option<String>,
    trace: &Trace,
) -> Result<Backends, Error> {
    let options = &args.options;
    if options.kratos_dir.is_some() || !options.path_maps.is_empty() {
        return Err(Error::Config(
            "--kratos-dir and --path-map say where a Kratos configuration file's body templates              are: they go with --config (or ORY_KRATOS_CONFIG)"
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
    let client = Arc::new(
        ConsoleClient::new(&console_url, ApiKey::new(key), timeout)?.traced(trace.clone()),
    );
    // `import` reads the project its ID names, whatever the stack declares.
    if matches!(args.command, Command::Import { .. }) {
        return Ok(Backends::Console {
            client,
            units: Vec::new(),
        });
    }
    let defaults = ProjectDefaults {
        flag: options.project.clone(),
        env: var("ORY_PROJECT_ID").or_else(|| var("ORY_PROJECT")),
    };
    let units: Vec<Arc<Unit<ConsoleProject>>> = group_by_project(stack, &defaults)?
        .into_iter()
        .map(|(project, actions)| {
            Arc::new(Unit {
                backend: ConsoleProject::new(Arc::clone(&client), project),
                actions,
            })
        })
        .collect();
    if units.is_empty() {
        return Err(Error::Config(
            "the stack declares no actions and names no project: nothing to do".into(),
        ));
    }
    Ok(Backends::Console { client, units })
}

/// Where the project of actions that name none comes from, most specific first.
#[derive(Clone, Debug, Default)]
struct ProjectDefaults {
    /// `--project`.
    flag: Option<String>,
    /// `ORY_PROJECT_ID` or `ORY_PROJECT`.
    env: Option<String>,
}

/// Splits a stack by project: an action's own `project_id`, else `--project`, else the stack's
/// project, else the environment. Projects keep the order in which they first appear.
fn group_by_project(
    stack: Stack,
    defaults: &ProjectDefaults,
) -> Result<Vec<(String, Vec<Action>)>, Error> {
    let fallback = match (&defaults.flag, stack.get_project()) {
        (Some(flag), _) => Some(flag.clone()),
        (None, Some(project)) => Some(project.resolve()?),
        (None, None) => defaults.env.clone(),
    };
    let actions = stack.into_actions();
    // Each action's project, then the actions moved into one group per project (in one piece
    // when they all share one, as most stacks do).
    let projects: Vec<String> = actions
        .iter()
        .map(|action| match action.project_id() {
            Some(id) => Ok(id.resolve()?),
            None => fallback.clone().ok_or_else(|| {
                Error::Config(format!(
                    "no project for {action}: set ORY_PROJECT_ID, pass --project, or give the \
                     stack or the action a project_id"
                ))
            }),
        })
        .collect::<Result<_, Error>>()?;
    let mut groups: Vec<(String, Vec<Action>)> = Vec::new();
    if let Some(first) = projects.first()
        && projects.iter().all(|p| p == first)
    {
        groups.push((first.clone(), actions));
    } else {
        // Where each project is in `groups`.
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (action, project_id) in actions.into_iter().zip(&projects) {
            match index.get(project_id.as_str()) {
                Some(&at) => groups[at].1.push(action),
                None => {
                    index.insert(project_id, groups.len());
                    groups.push((project_id.clone(), vec![action]));
                }
            }
        }
    }
    if groups.is_empty()
        && let Some(project_id) = fallback
    {
        // An empty stack still owns what its prune policy says, so it is planned too.
        groups.push((project_id, Vec::new()));
    }
    Ok(groups)
}

/// Whose secrets `--resend-secrets` sends again: every action's, or those of the actions named.
fn resend(stack: &Stack, options: &Options) -> Result<Resend, Error> {
    if options.resend_all {
        return Ok(Resend::All);
    }
    if options.resend.is_empty() {
        return Ok(Resend::None);
    }
    let names: Vec<&str> = stack
        .get_actions()
        .iter()
        .filter_map(|a| a.name())
        .collect();
    for wanted in &options.resend {
        if !names.contains(&wanted.as_str()) {
            let near = did_you_mean(wanted, names.iter().copied())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(Error::Config(format!(
                "`--resend-secrets={wanted}` names no action: the stack names {}{near}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    one_of(names.iter().copied())
                }
            )));
        }
    }
    Ok(Resend::Named(options.resend.iter().cloned().collect()))
}

/// The hook lists `--target` limits a run to: every list of a named flow, and the lists of the
/// actions with a given name. `None` without targets.
pub(super) fn target_scopes(
    stack: &Stack,
    targets: &[String],
) -> Result<Option<BTreeSet<Scope>>, Error> {
    if targets.is_empty() {
        return Ok(None);
    }
    let mut scopes = BTreeSet::new();
    for target in targets {
        if let Some(flow) = Flow::from_name(target) {
            scopes.extend(Scope::ALL.iter().filter(|s| s.flow() == flow));
            continue;
        }
        let named: Vec<&Action> = stack
            .get_actions()
            .iter()
            .filter(|a| a.name() == Some(target.as_str()))
            .collect();
        if named.is_empty() {
            let names: Vec<&str> = stack
                .get_actions()
                .iter()
                .filter_map(|a| a.name())
                .collect();
            let mut candidates: Vec<&str> = Flow::names().collect();
            candidates.extend(&names);
            let near = did_you_mean(target, candidates)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            let named = if names.is_empty() {
                "the stack names none".to_owned()
            } else {
                one_of(names.iter().copied())
            };
            return Err(Error::Config(format!(
                "unknown target `{target}`: expected a flow ({}) or the name of an action \
                 ({named}){near}",
                one_of(Flow::names()),
            )));
        }
        scopes.extend(named.iter().flat_map(|a| a.scopes().iter().copied()));
    }
    Ok(Some(scopes))
}

/// A line on `err` as each of several backends finishes: `[2/3] project …: planned`.
pub(super) fn progress<'a>(
    err: &'a mut dyn Write,
    labels: Vec<String>,
    done: &'static str,
) -> impl FnMut(usize, bool) + 'a {
    let mut finished = 0;
    move |index, ok| {
        finished += 1;
        if labels.len() > 1 {
            let _ = writeln!(
                err,
                "[{finished}/{}] {}: {}",
                labels.len(),
                labels[index],
                if ok { done } else { "failed" }
            );
        }
    }
}

/// Writes `error: …` and returns the exit code of an error.
pub(super) fn fail(err: &mut dyn Write, error: impl std::fmt::Display) -> u8 {
    let _ = writeln!(err, "error: {error}");
    EXIT_ERROR
}
