//! The command line of a program that declares a [`Stack`]: `plan`, `apply`, `destroy` and
//! `render`.
//!
//! ```no_run
//! use ory_actions_runtime::{Stack, cli};
//!
//! fn main() -> std::process::ExitCode {
//!     cli::run(Stack::new())
//! }
//! ```
//!
//! Configuration comes from the environment, with the names Ory's own tools use, and flags
//! override it:
//!
//! | what | flag | environment |
//! |---|---|---|
//! | workspace API key (bearer) | — (never on the command line) | `ORY_WORKSPACE_API_KEY` |
//! | project | `--project ID` | `ORY_PROJECT_ID`, or `ORY_PROJECT` |
//! | console API | `--console-url URL` | `ORY_CONSOLE_API_URL`, or `ORY_CONSOLE_URL`; default `https://api.console.ory.sh` |
//! | a Kratos configuration file instead of a project | `--config PATH` | `ORY_KRATOS_CONFIG` |
//! | the Kratos schema every write to that file must pass | `--schema PATH` | `ORY_KRATOS_SCHEMA` |
//! | colour | `--no-color` | `NO_COLOR` |
//!
//! Exit codes: 0 success (or no changes), 1 error, 2 changes present (`plan
//! --detailed-exitcode`), 3 a revision conflict that retries could not resolve, 4 changes present
//! with `--expect-no-changes` (a drift check; nothing is written).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use ory_actions_core::scope::one_of;
use ory_actions_core::suggest::did_you_mean;
use ory_actions_core::{Flow, Scope};
use serde_json::json;

use crate::action::Action;
use crate::client::{ApiKey, ConsoleClient};
use crate::config_file::ConfigFile;
use crate::engine::{Applied, ProjectActions, ProjectDefaults, Runner, Target, group_by_project};
use crate::error::Error;
use crate::export::{Exported, ImportId, find_for_import};
use crate::output::{Style, Summary, plan_json, plan_markdown, plan_text};
use crate::plan::{Mode, ProjectPlan, TargetKind};
use crate::render::Secrets;
use crate::stack::Stack;

/// Success, or nothing to change.
pub const EXIT_OK: u8 = 0;
/// An error.
pub const EXIT_ERROR: u8 = 1;
/// `plan --detailed-exitcode` found changes.
pub const EXIT_CHANGES: u8 = 2;
/// Someone else kept writing the project; nothing of this run was written there.
pub const EXIT_CONFLICT: u8 = 3;
/// `--expect-no-changes` found changes (drift); nothing was written.
pub const EXIT_DRIFT: u8 = 4;

/// The console API used when neither `--console-url` nor the environment names one.
pub const DEFAULT_CONSOLE_URL: &str = "https://api.console.ory.sh";

/// How long one request to Ory may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const USAGE: &str = "\
Usage: <program> <command> [options]

Commands:
  plan [--json | --markdown] [--detailed-exitcode] [--expect-no-changes]
                      show what apply would change
  apply [--yes] [--expect-no-changes]
                      make Ory match the stack
  destroy [--yes]     remove the hooks the stack owns
  render [--json]     print the hook entries, without contacting Ory
  export              print `action!` code for every web hook the project has
  import ID           print `action!` code for the hook a Terraform import ID names
                      (project:flow:after:auth_method[:METHOD]:url, project:flow:before[:METHOD]:url)

Options:
  --project ID        the project of actions that name none (else ORY_PROJECT_ID)
  --console-url URL   the Ory console API (else ORY_CONSOLE_API_URL, default https://api.console.ory.sh)
  --config PATH       a self-hosted Kratos configuration file (YAML or JSON) to edit instead
                      of an Ory Network project (else ORY_KRATOS_CONFIG)
  --schema PATH       with --config: the Kratos configuration schema to validate every write
                      against (else ORY_KRATOS_SCHEMA)
  --target NAME       limit the run to a flow (login, registration, …) or a named action;
                      may be given several times
  --deadline SECONDS  how long to keep retrying rate limits, Ory failures and broken
                      connections (default 120)
  --request-timeout SECONDS
                      how long one request to Ory may take (default 30)
  --no-color          no colours (also NO_COLOR)
  -h, --help          this text

The workspace API key is read from ORY_WORKSPACE_API_KEY (not needed with --config).
Exit codes: 0 ok, 1 error, 2 changes present (plan --detailed-exitcode), 3 revision conflict,
4 changes present with --expect-no-changes (nothing written).
";

/// Runs the command line of the current process for `stack` and returns its exit code.
pub fn run(stack: Stack) -> ExitCode {
    run_args(stack, std::env::args_os().skip(1).collect())
}

/// Runs the command line `args` (without the program name) for `stack`, with the process's
/// environment, terminal and standard streams; returns the exit code.
pub fn run_args(stack: Stack, args: Vec<OsString>) -> ExitCode {
    let stdout = io::stdout();
    let color = stdout.is_terminal();
    let mut stdin = io::stdin().lock();
    let interactive = io::stdin().is_terminal() && stdout.is_terminal();
    let mut confirm = |question: &str| -> bool {
        let mut out = io::stdout();
        let _ = write!(out, "{question}");
        let _ = out.flush();
        let mut answer = String::new();
        stdin.read_line(&mut answer).is_ok() && answer.trim() == "yes"
    };
    let code = run_with(
        stack,
        args,
        &|name| std::env::var(name).ok(),
        Io {
            out: &mut io::stdout(),
            err: &mut io::stderr(),
            confirm: if interactive {
                Some(&mut confirm)
            } else {
                None
            },
            color,
        },
    );
    ExitCode::from(code)
}

/// Where a run writes and how it asks.
pub struct Io<'a> {
    /// Plans and results.
    pub out: &'a mut dyn Write,
    /// Errors.
    pub err: &'a mut dyn Write,
    /// Asks a yes/no question; `None` when nobody can answer (no terminal).
    pub confirm: Option<&'a mut dyn FnMut(&str) -> bool>,
    /// Whether colours may be used (a terminal); `NO_COLOR` and `--no-color` still win.
    pub color: bool,
}

/// What the command line asked for.
#[derive(Debug, Default)]
struct Args {
    command: Option<String>,
    json: bool,
    detailed_exitcode: bool,
    yes: bool,
    project: Option<String>,
    console_url: Option<String>,
    config: Option<String>,
    targets: Vec<String>,
    import_id: Option<String>,
    deadline: Option<u64>,
    request_timeout: Option<u64>,
    schema: Option<String>,
    markdown: bool,
    expect_no_changes: bool,
    no_color: bool,
    help: bool,
}

fn parse_args(args: Vec<OsString>) -> Result<Args, String> {
    use lexopt::prelude::*;
    let mut parsed = Args::default();
    let mut parser = lexopt::Parser::from_args(args);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("json") => parsed.json = true,
            Long("detailed-exitcode") => parsed.detailed_exitcode = true,
            Long("yes") | Short('y') | Long("auto-approve") => parsed.yes = true,
            Long("project") => parsed.project = Some(string(parser.value())?),
            Long("console-url") => parsed.console_url = Some(string(parser.value())?),
            Long("config") => parsed.config = Some(string(parser.value())?),
            Long("schema") => parsed.schema = Some(string(parser.value())?),
            Long("target") => parsed.targets.push(string(parser.value())?),
            Long("markdown") => parsed.markdown = true,
            Long("deadline") => parsed.deadline = Some(seconds(parser.value(), "--deadline")?),
            Long("request-timeout") => {
                parsed.request_timeout = Some(seconds(parser.value(), "--request-timeout")?);
            }
            Long("expect-no-changes") => parsed.expect_no_changes = true,
            Long("no-color") => parsed.no_color = true,
            Long("help") | Short('h') => parsed.help = true,
            Value(value) if parsed.command.is_none() => parsed.command = Some(string(Ok(value))?),
            Value(value)
                if parsed.command.as_deref() == Some("import") && parsed.import_id.is_none() =>
            {
                parsed.import_id = Some(string(Ok(value))?);
            }
            Value(value) => {
                return Err(format!("unexpected argument `{}`", value.to_string_lossy()));
            }
            other => return Err(other.unexpected().to_string()),
        }
    }
    let allowed: &[&str] = match parsed.command.as_deref() {
        Some("plan") => &[
            "json",
            "markdown",
            "detailed-exitcode",
            "expect-no-changes",
            "target",
        ],
        Some("apply") => &["yes", "expect-no-changes", "target"],
        Some("destroy") => &["yes", "target"],
        Some("render") => &["json", "target"],
        _ => &[],
    };
    if parsed.command.as_deref() == Some("import") && parsed.import_id.is_none() && !parsed.help {
        return Err("`import` needs an import ID, such as \
                    `PROJECT:registration:after:password:https://api.example.com/hook`"
            .into());
    }
    let given = [
        ("json", parsed.json),
        ("markdown", parsed.markdown),
        ("detailed-exitcode", parsed.detailed_exitcode),
        ("expect-no-changes", parsed.expect_no_changes),
        ("yes", parsed.yes),
        ("target", !parsed.targets.is_empty()),
    ];
    for (flag, set) in given {
        if set && !allowed.contains(&flag) && !parsed.help {
            return Err(format!(
                "`--{flag}` does not go with `{}`",
                parsed.command.as_deref().unwrap_or("no command")
            ));
        }
    }
    if parsed.json && parsed.markdown {
        return Err("`--json` and `--markdown` exclude each other".into());
    }
    Ok(parsed)
}

fn seconds(value: Result<OsString, lexopt::Error>, flag: &str) -> Result<u64, String> {
    let text = string(value)?;
    match text.parse::<u64>() {
        Ok(seconds) if seconds > 0 => Ok(seconds),
        _ => Err(format!(
            "`{flag}` takes a whole number of seconds, not `{text}`"
        )),
    }
}

fn string(value: Result<OsString, lexopt::Error>) -> Result<String, String> {
    value
        .map_err(|e| e.to_string())?
        .into_string()
        .map_err(|v| format!("`{}` is not valid UTF-8", v.to_string_lossy()))
}

/// Runs the command line `args` for `stack`, reading configuration through `env`; returns the
/// exit code. [`run`] calls this with the real process; tests call it with their own.
pub fn run_with(
    stack: Stack,
    args: impl IntoIterator<Item = impl Into<OsString>>,
    env: &dyn Fn(&str) -> Option<String>,
    io: Io<'_>,
) -> u8 {
    let args = match parse_args(args.into_iter().map(Into::into).collect()) {
        Ok(args) => args,
        Err(problem) => {
            let _ = writeln!(io.err, "error: {problem}\n\n{USAGE}");
            return EXIT_ERROR;
        }
    };
    let style =
        Style::new(io.color && !args.no_color && env("NO_COLOR").is_none_or(|v| v.is_empty()));
    let mode = match args.command.as_deref() {
        _ if args.help => {
            let _ = write!(io.out, "{USAGE}");
            return EXIT_OK;
        }
        Some("render") => return render(&stack, &args.targets, args.json, io),
        Some("plan") | Some("apply") | Some("export") | Some("import") => Mode::Apply,
        Some("destroy") => Mode::Destroy,
        Some(other) => {
            let _ = writeln!(
                io.err,
                "error: unknown command `{other}`: expected `plan`, `apply`, `destroy`, `render`, \
                 `export` or `import`\n\n{USAGE}"
            );
            return EXIT_ERROR;
        }
        None => {
            let _ = writeln!(io.err, "error: no command given\n\n{USAGE}");
            return EXIT_ERROR;
        }
    };
    if tokio::runtime::Handle::try_current().is_ok() {
        let _ = writeln!(
            io.err,
            "error: the command line runs its own async runtime and cannot be called from inside \
             one; call it from synchronous code (for example in `tokio::task::spawn_blocking`)"
        );
        return EXIT_ERROR;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = writeln!(io.err, "error: cannot start the async runtime: {e}");
            return EXIT_ERROR;
        }
    };
    let command = Command {
        args: &args,
        mode,
        style,
        file_from_env: env("ORY_KRATOS_CONFIG").is_some_and(|v| !v.trim().is_empty()),
    };
    runtime.block_on(command.run(&stack, env, io))
}

/// A line on `err` as each of several projects finishes: `[2/3] <project>: planned`.
fn progress<'a>(
    err: &'a mut dyn Write,
    projects: &'a [ProjectActions],
    done: &'static str,
) -> impl FnMut(usize, bool) + 'a {
    let mut finished = 0;
    move |index, ok| {
        finished += 1;
        if projects.len() > 1 {
            let _ = writeln!(
                err,
                "[{finished}/{}] {}: {}",
                projects.len(),
                projects[index].project_id,
                if ok { done } else { "failed" }
            );
        }
    }
}

/// The hook lists `--target` limits a run to: every list of a named flow, and the lists of the
/// actions with a given name. `None` without targets.
fn target_scopes(stack: &Stack, targets: &[String]) -> Result<Option<BTreeSet<Scope>>, Error> {
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
            .actions()
            .iter()
            .filter(|a| a.name() == Some(target.as_str()))
            .collect();
        if named.is_empty() {
            let names: Vec<&str> = stack.actions().iter().filter_map(|a| a.name()).collect();
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

/// `render`: every hook entry and its list, secrets redacted; no network.
fn render(stack: &Stack, targets: &[String], json: bool, io: Io<'_>) -> u8 {
    let only = match target_scopes(stack, targets) {
        Ok(only) => only,
        Err(e) => {
            let _ = writeln!(io.err, "error: {e}");
            return EXIT_ERROR;
        }
    };
    let mut entries = Vec::new();
    let mut text = String::new();
    let targeted = |action: &&Action| {
        only.as_ref()
            .is_none_or(|only| action.scopes().iter().any(|s| only.contains(s)))
    };
    for action in stack.actions().iter().filter(targeted) {
        let hooks = match action.render(Secrets::Redacted) {
            Ok(hooks) => hooks,
            Err(e) => {
                let _ = writeln!(io.err, "error: {e}");
                return EXIT_ERROR;
            }
        };
        text.push_str(&format!("# {action}\n"));
        for hook in hooks {
            text.push_str(&format!("{hook}\n"));
            entries.push(json!({
                "name": action.name(),
                "list": hook.pointer(),
                "entry": hook.redacted_entry(),
            }));
        }
        text.push('\n');
    }
    let written = if json {
        writeln!(
            io.out,
            "{}",
            serde_json::to_string_pretty(&entries).expect("JSON values serialise")
        )
    } else {
        write!(io.out, "{text}")
    };
    if written.is_err() {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

struct Command<'a> {
    args: &'a Args,
    mode: Mode,
    style: Style,
    /// Whether `ORY_KRATOS_CONFIG` names a configuration file.
    file_from_env: bool,
}

impl Command<'_> {
    async fn run(&self, stack: &Stack, env: &dyn Fn(&str) -> Option<String>, io: Io<'_>) -> u8 {
        let Io {
            out, err, confirm, ..
        } = io;
        let (runner, projects) = match self.setup(stack, env) {
            Ok(setup) => setup,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return EXIT_ERROR;
            }
        };
        match self.args.command.as_deref() {
            Some("export") => return self.export(&runner, &projects, out, err).await,
            Some("import") => return self.import(&runner, &projects, out, err).await,
            _ => {}
        }
        let mut plans = Vec::new();
        let mut failures = Vec::new();
        let results = runner
            .plan_all(&projects, &mut progress(&mut *err, &projects, "planned"))
            .await;
        for (project, result) in projects.iter().zip(results) {
            match result {
                Ok(plan) => plans.push((project.clone(), plan)),
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    failures.push((project.project_id.clone(), e.to_string()));
                }
            }
        }
        let only_plans: Vec<ProjectPlan> = plans.iter().map(|(_, p)| p.clone()).collect();
        let summary = Summary::of(&only_plans);
        let is_plan = self.args.command.as_deref() == Some("plan");
        if is_plan && self.args.json {
            let mut json = plan_json(&only_plans, self.mode);
            json["complete"] = (failures.is_empty()).into();
            json["errors"] = failures
                .iter()
                .map(|(project, message)| json!({"project_id": project, "message": message}))
                .collect();
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).expect("JSON values serialise")
            );
        } else if is_plan && self.args.markdown {
            let _ = write!(out, "{}", plan_markdown(&only_plans, failures.len()));
        } else {
            let _ = write!(
                out,
                "{}",
                plan_text(&only_plans, failures.len(), self.style)
            );
        }
        if !failures.is_empty() {
            return EXIT_ERROR;
        }
        if self.args.expect_no_changes && summary.has_changes() {
            let _ = writeln!(
                err,
                "error: changes were expected to be none, but the plan has {} to create, {} to \
                 update and {} to delete; nothing was written",
                summary.create, summary.update, summary.delete
            );
            return EXIT_DRIFT;
        }
        if is_plan {
            return if self.args.detailed_exitcode && summary.has_changes() {
                EXIT_CHANGES
            } else {
                EXIT_OK
            };
        }
        if !summary.has_changes() {
            return EXIT_OK;
        }
        let verb = match self.mode {
            Mode::Apply => "apply",
            Mode::Destroy => "destroy",
        };
        if !self.args.yes {
            let Some(confirm) = confirm else {
                let _ = writeln!(
                    err,
                    "error: {verb} changes Ory and there is no terminal to confirm on: run \
                     `{verb} --yes` to {verb} without asking"
                );
                return EXIT_ERROR;
            };
            let question =
                format!("\nDo you want to {verb} these changes? Only `yes` is accepted: ");
            if !confirm(&question) {
                let _ = writeln!(out, "Nothing was changed.");
                return EXIT_OK;
            }
        }
        let (projects, plans): (Vec<ProjectActions>, Vec<ProjectPlan>) = plans.into_iter().unzip();
        let mut code = EXIT_OK;
        let results = runner
            .apply_all(
                &projects,
                plans,
                &mut progress(&mut *err, &projects, "written"),
            )
            .await;
        for (project, result) in projects.iter().zip(results) {
            match result {
                Ok(applied) => self.report(out, &applied),
                Err(e) => {
                    code = code.max(
                        if matches!(e, Error::Conflict { .. } | Error::PlanChanged { .. }) {
                            EXIT_CONFLICT
                        } else {
                            EXIT_ERROR
                        },
                    );
                    let _ = writeln!(err, "error: project {}: {e}", project.project_id);
                }
            }
        }
        code
    }

    fn setup(
        &self,
        stack: &Stack,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(Runner, Vec<ProjectActions>), Error> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let prune = stack.prune_policy().clone();
        let only = target_scopes(stack, &self.args.targets)?;
        if let Some(path) = self
            .args
            .config
            .clone()
            .or_else(|| var("ORY_KRATOS_CONFIG"))
        {
            if self.args.project.is_some() || self.args.console_url.is_some() {
                return Err(Error::Config(
                    "a Kratos configuration file (--config or ORY_KRATOS_CONFIG) is one target; \
                     --project and --console-url are for Ory Network: give one or the other"
                        .into(),
                ));
            }
            // A configuration file holds one set of hook lists: every action goes there.
            let file = ConfigFile::new(path);
            let file = match self
                .args
                .schema
                .clone()
                .or_else(|| var("ORY_KRATOS_SCHEMA"))
            {
                None => file,
                #[cfg(feature = "schema")]
                Some(schema) => file.validate_with(
                    crate::schema::KratosSchema::load(std::path::Path::new(&schema))
                        .map_err(Error::Config)?,
                ),
                #[cfg(not(feature = "schema"))]
                Some(_) => {
                    return Err(Error::Config(
                        "--schema needs ory-actions built with its `schema` feature".into(),
                    ));
                }
            };
            let project = ProjectActions {
                project_id: file.display(),
                actions: stack.actions().to_vec(),
            };
            return Ok((
                Runner::new(Target::File(file), prune, self.mode)
                    .only(only)
                    .deadline(self.deadline()),
                vec![project],
            ));
        }
        let key = var("ORY_WORKSPACE_API_KEY").ok_or_else(|| {
            Error::Config(
                "ORY_WORKSPACE_API_KEY is not set: create a workspace API key in the Ory Console \
                 (Workspace settings -> API keys) and export it"
                    .into(),
            )
        })?;
        let console_url = self
            .args
            .console_url
            .clone()
            .or_else(|| var("ORY_CONSOLE_API_URL"))
            .or_else(|| var("ORY_CONSOLE_URL"))
            .unwrap_or_else(|| DEFAULT_CONSOLE_URL.to_owned());
        let defaults = ProjectDefaults {
            flag: self.args.project.clone(),
            env: var("ORY_PROJECT_ID").or_else(|| var("ORY_PROJECT")),
        };
        let timeout = self
            .args
            .request_timeout
            .map_or(REQUEST_TIMEOUT, Duration::from_secs);
        let client = ConsoleClient::new(&console_url, ApiKey::new(key), timeout)?;
        // `import` reads the project its ID names, whatever the stack declares.
        let projects = if self.args.command.as_deref() == Some("import") {
            Vec::new()
        } else {
            group_by_project(stack, &defaults)?
        };
        if projects.is_empty() && self.args.command.as_deref() != Some("import") {
            return Err(Error::Config(
                "the stack declares no actions and names no project: nothing to do".into(),
            ));
        }
        Ok((
            Runner::new(Target::Console(client), prune, self.mode)
                .only(only)
                .deadline(self.deadline()),
            projects,
        ))
    }

    /// `export`: a module of `action!` code per project.
    async fn export(
        &self,
        runner: &Runner,
        projects: &[ProjectActions],
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> u8 {
        let mut code = EXIT_OK;
        for (n, project) in projects.iter().enumerate() {
            match runner.read_hooks(project).await {
                Ok((hooks, bodies)) => {
                    let prefix = if projects.len() > 1 {
                        format!("WEBHOOK_P{}", n + 1)
                    } else {
                        "WEBHOOK".to_owned()
                    };
                    let exported = Exported::new(&hooks, &bodies, &prefix);
                    let _ = write!(out, "{}", exported.module(&self.source(project)));
                    if !exported.secrets.is_empty() {
                        let _ = writeln!(
                            err,
                            "note: {} secret(s) became env(\"…\") placeholders; the comment at the \
                             top names them",
                            exported.secrets.len()
                        );
                    }
                }
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    code = EXIT_ERROR;
                }
            }
        }
        code
    }

    /// `import ID`: the `action!` code of the hook a Terraform import ID names.
    async fn import(
        &self,
        runner: &Runner,
        projects: &[ProjectActions],
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> u8 {
        let raw = self.args.import_id.as_deref().unwrap_or_default();
        let id = match ImportId::parse(raw) {
            Ok(id) => id,
            Err(problem) => {
                let _ = writeln!(err, "error: {problem}");
                return EXIT_ERROR;
            }
        };
        // A configuration file has one set of hooks; a project ID names the project.
        let project = match projects.first() {
            Some(first) if self.is_file() => first.clone(),
            _ => ProjectActions {
                project_id: id.project_id.clone(),
                actions: Vec::new(),
            },
        };
        let (hooks, bodies) = match runner.read_hooks(&project).await {
            Ok(read) => read,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return EXIT_ERROR;
            }
        };
        match find_for_import(&id, &hooks) {
            Ok(found) => {
                let exported = Exported::new(&found, &bodies, "WEBHOOK");
                let _ = write!(out, "{}", exported.module(&self.source(&project)));
                EXIT_OK
            }
            Err(problem) => {
                let _ = writeln!(err, "error: {problem}");
                EXIT_ERROR
            }
        }
    }

    fn deadline(&self) -> Duration {
        self.args
            .deadline
            .map_or(crate::retry::DEFAULT_DEADLINE, Duration::from_secs)
    }

    fn is_file(&self) -> bool {
        self.args.config.is_some() || self.file_from_env
    }

    fn source(&self, project: &ProjectActions) -> String {
        if self.is_file() {
            format!("Kratos config {}", project.project_id)
        } else {
            format!("project {}", project.project_id)
        }
    }

    fn report(&self, out: &mut dyn Write, applied: &Applied) {
        let plan = &applied.plan;
        let (create, update, delete) = plan.counts();
        let retried = match applied.attempts {
            0 | 1 => String::new(),
            n => format!(", after {n} attempts: someone else wrote in between"),
        };
        let target = match plan.kind {
            TargetKind::Project => format!("project {}", plan.project_id),
            TargetKind::ConfigFile => format!("Kratos config {}", plan.project_id),
        };
        let revisions = match plan.kind {
            TargetKind::Project => format!(
                " (revision {} -> {})",
                plan.revision_id, applied.revision_id
            ),
            TargetKind::ConfigFile => String::new(),
        };
        let _ = if plan.has_changes() {
            writeln!(
                out,
                "{} {target}: {create} created, {update} updated, {delete} deleted{revisions}{retried}.",
                self.style.green("Applied:"),
            )
        } else {
            writeln!(
                out,
                "{} {target} already matched the stack when written.",
                self.style.green("Done:"),
            )
        };
        for warning in plan
            .warnings
            .iter()
            .filter(|w| matches!(w, crate::plan::Warning::Ory { .. }))
        {
            let _ = writeln!(out, "  {} {warning}", self.style.yellow("Warning:"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(OsString::from).collect())
    }

    #[test]
    fn flags_belong_to_their_commands() {
        let args = parse(&["plan", "--json", "--detailed-exitcode", "--project", "p"]).unwrap();
        assert!(args.json && args.detailed_exitcode);
        assert_eq!(args.project.as_deref(), Some("p"));
        assert!(parse(&["apply", "-y"]).unwrap().yes);
        assert_eq!(
            parse(&["apply", "--json"]).unwrap_err(),
            "`--json` does not go with `apply`"
        );
        assert!(
            parse(&["plan", "--frobnicate"])
                .unwrap_err()
                .contains("--frobnicate")
        );
        assert!(parse(&["plan", "extra"]).unwrap_err().contains("extra"));
    }
}
