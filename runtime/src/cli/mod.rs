//! The command line of a program that declares a [`Stack`]: `plan`, `apply`, `destroy`,
//! `render`, `export` and `import`.
//!
//! ```no_run
//! use ory_actions::{Stack, cli};
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
//! | console API (`https`; plain `http` on loopback only) | `--console-url URL` | `ORY_CONSOLE_API_URL`, or `ORY_CONSOLE_URL`; default `https://api.console.ory.sh` |
//! | a Kratos configuration file instead of a project | `--config PATH` | `ORY_KRATOS_CONFIG` |
//! | the Kratos schema every write to that file must pass | `--schema PATH` | `ORY_KRATOS_SCHEMA` |
//! | Kratos's working directory here, for relative `file://` bodies | `--kratos-dir DIR` | `ORY_ACTIONS_KRATOS_DIR` |
//! | where Kratos's absolute paths are here (repeatable; longest prefix wins) | `--path-map KRATOS_PATH=LOCAL_PATH` | `ORY_ACTIONS_PATH_MAP` (maps separated by `,`) |
//! | colour | `--no-color` | `NO_COLOR` |
//!
//! Exit codes: 0 success (or no changes), 1 error, 2 changes present (`plan
//! --detailed-exitcode`), 3 someone else kept writing the backend and nothing of this run was
//! written there, 4 changes present with `--expect-no-changes` (a drift check; nothing is
//! written).

mod args;
mod explain;
mod export;
mod import;
mod json;
mod output;
mod plan;
mod probe;
mod render;
mod settings;
mod setup;
mod text;

use std::ffi::OsString;
use std::future::Future;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use crate::error::InvalidAction;
use crate::payload::Samples;
use crate::plan::Mode;
use crate::reconcile::Reconciler;
use crate::stack::Stack;
use crate::trace::Trace;
use args::{Args, Command, Options, PlanFormat};
use output::fail;
pub use output::{EXIT_CHANGES, EXIT_CONFLICT, EXIT_DRIFT, EXIT_ERROR, EXIT_OK, Io};
use setup::Backends;
use text::Style;

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
    let code = run_inner(
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
        true,
    );
    ExitCode::from(code)
}

/// Runs the command line `args` for `stack`, reading configuration through `env`; returns the
/// exit code. [`run`] calls this with the real process; tests call it with their own.
///
/// With `-v`, the lines about each request are written to `io.err` when the run ends (the
/// process's own command line, [`run`], writes them to standard error as they happen).
pub fn run_with(
    stack: Stack,
    args: impl IntoIterator<Item = impl Into<OsString>>,
    env: &dyn Fn(&str) -> Option<String>,
    io: Io<'_>,
) -> u8 {
    run_inner(stack, args, env, io, false)
}

/// [`run_with`]; `live_stderr` when `io.err` is the process's standard error, so that `-v`
/// lines go there as they happen. The one place that says which command does what.
fn run_inner(
    stack: Stack,
    args: impl IntoIterator<Item = impl Into<OsString>>,
    env: &dyn Fn(&str) -> Option<String>,
    mut io: Io<'_>,
    live_stderr: bool,
) -> u8 {
    let Args { command, options } = match args::parse(args.into_iter().map(Into::into).collect()) {
        Ok(args) => args,
        Err(problem) => {
            let _ = writeln!(io.err, "error: {problem}\n\n{}", usage());
            return EXIT_ERROR;
        }
    };
    let style =
        Style::new(io.color && !options.no_color && env("NO_COLOR").is_none_or(|v| v.is_empty()));
    // `-v`: live on the process's standard error; kept and written at the end for a caller's
    // own streams.
    let kept = Arc::new(Mutex::new(Vec::new()));
    let trace = match (options.verbose, live_stderr) {
        (false, _) => Trace::default(),
        (true, true) => Trace::stderr(),
        (true, false) => Trace::collected(Arc::clone(&kept)),
    };
    let remote = Remote {
        stack,
        options: &options,
        env,
        trace: &trace,
    };
    let code = match command {
        Command::Help => {
            let _ = write!(io.out, "{}", usage());
            EXIT_OK
        }
        Command::Render { json, payloads } => match checked(remote.stack, &options, io.err) {
            Ok(stack) if payloads => render::payloads(&stack, &options, json, io.reborrow()),
            Ok(stack) => render::render(&stack, &options, json, io.reborrow()),
            Err(code) => code,
        },
        Command::Plan {
            format,
            detailed_exitcode,
            expect_no_changes,
        } => plans(
            remote,
            plan::Job {
                mode: Mode::Apply,
                format,
                expect_no_changes,
                then: plan::Then::Show { detailed_exitcode },
            },
            style,
            &mut io,
        ),
        Command::Apply {
            yes,
            expect_no_changes,
        } => plans(
            remote,
            plan::Job {
                mode: Mode::Apply,
                format: PlanFormat::Text,
                expect_no_changes,
                then: plan::Then::Write { yes },
            },
            style,
            &mut io,
        ),
        Command::Destroy { yes } => plans(
            remote,
            plan::Job {
                mode: Mode::Destroy,
                format: PlanFormat::Text,
                expect_no_changes: false,
                then: plan::Then::Write { yes },
            },
            style,
            &mut io,
        ),
        Command::Export => remote.run(Mode::Apply, false, &mut io, |run, io| async move {
            export::run(run.reconciler.reader(), &run.backends.units, io).await
        }),
        Command::Import { id } => remote.run(Mode::Apply, true, &mut io, |run, io| async move {
            import::run(
                run.reconciler.reader(),
                &id,
                |project| run.backends.of_project(project),
                io,
            )
            .await
        }),
        Command::Probe { dry_run, targeted } => {
            remote.run(Mode::Apply, false, &mut io, move |run, io| async move {
                probe::run(&run.samples, &run.backends, &targeted, dry_run, io).await
            })
        }
        Command::Explain { json, flow } => {
            remote.run(Mode::Apply, false, &mut io, move |run, io| async move {
                let planner = run.reconciler.planner().to_show();
                explain::run(
                    run.reconciler.reader(),
                    &planner,
                    &run.backends.units,
                    json,
                    flow,
                    io,
                )
                .await
            })
        }
    };
    if let Ok(lines) = kept.lock() {
        for line in lines.iter() {
            let _ = writeln!(io.err, "{line}");
        }
    }
    code
}

/// The stack, once the values the program computed are checked (before anything is read,
/// written or shown) and the samples of `--identity-schema` are in; else the exit code.
fn checked(stack: Stack, options: &Options, err: &mut dyn Write) -> Result<Stack, u8> {
    let invalid: Vec<InvalidAction> = stack
        .get_actions()
        .iter()
        .filter_map(|action| action.check().err())
        .collect();
    if !invalid.is_empty() {
        for line in invalid.iter().flat_map(InvalidAction::lines) {
            let _ = writeln!(err, "error: {line}");
        }
        let _ = writeln!(
            err,
            "error: {} action(s) have invalid computed values; nothing was read or written",
            invalid.len()
        );
        return Err(EXIT_ERROR);
    }
    match &options.identity_schema {
        Some(path) => match stack.get_samples().clone().identity_schema_file(path) {
            Ok(samples) => Ok(stack.samples(samples)),
            Err(e) => Err(fail(err, e)),
        },
        None => Ok(stack),
    }
}

/// `plan`, `apply` and `destroy`: `job` on the backends of `remote`.
fn plans(remote: Remote<'_>, job: plan::Job, style: Style, io: &mut Io<'_>) -> u8 {
    remote.run(job.mode, false, io, move |run, io| async move {
        plan::run(&run.reconciler, &run.backends.units, job, style, io).await
    })
}

/// What a command that reads (and maybe writes) backends starts from.
struct Remote<'r> {
    stack: Stack,
    options: &'r Options,
    env: &'r dyn Fn(&str) -> Option<String>,
    trace: &'r Trace,
}

/// A command's backends, and how it reads, plans and writes them.
struct Run {
    reconciler: Reconciler,
    backends: Backends,
    /// The sample contexts bodies are evaluated with.
    samples: Samples,
}

impl Remote<'_> {
    /// Checks the stack, starts the async runtime, sets up the backends (of any project the
    /// command names, for `import`) and runs `job` on them in `mode`.
    fn run<'io, F: Future<Output = u8>>(
        self,
        mode: Mode,
        any_project: bool,
        io: &'io mut Io<'_>,
        job: impl FnOnce(Run, Io<'io>) -> F,
    ) -> u8 {
        let stack = match checked(self.stack, self.options, io.err) {
            Ok(stack) => stack,
            Err(code) => return code,
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            return fail(
                io.err,
                "the command line runs its own async runtime and cannot be called from inside \
                 one; call it from synchronous code (for example in `tokio::task::spawn_blocking`)",
            );
        }
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => return fail(io.err, format!("cannot start the async runtime: {e}")),
        };
        let set_up = settings::reconciler(&stack, self.options, self.env, self.trace, mode)
            .and_then(|reconciler| {
                let samples = stack.get_samples().clone();
                let backends =
                    Backends::new(stack, self.options, self.env, self.trace, any_project)?;
                Ok(Run {
                    reconciler,
                    backends,
                    samples,
                })
            });
        match set_up {
            Ok(run) => runtime.block_on(job(run, io.reborrow())),
            Err(e) => fail(io.err, e),
        }
    }
}

/// The program's name, as it was started.
fn program() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .map(std::path::Path::new)
        .and_then(|path| path.file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "ory-actions".to_owned())
}

fn usage() -> String {
    format!(
        "\
Usage: {} <command> [options]

Commands:
  plan [--json | --markdown] [--detailed-exitcode] [--expect-no-changes]
       [--resend-secrets[=NAME]]
                      show what apply would change
  apply [--yes] [--expect-no-changes] [--resend-secrets[=NAME]]
                      make the project (or file) match the stack; --resend-secrets
                      sends secrets again (of every action, or of the action NAME) for
                      rotation, where Ory does not return them to compare
  destroy [--yes]     remove the hooks the stack owns
  render [--json] [--payloads]
                      print the hook entries, without reading or writing anything;
                      --payloads prints what each body sends, for its sample context
  explain [--flow F] [--json]
                      the chain of hooks Kratos will run for each flow and method once the
                      stack is applied: which list each comes from, the phase, what never
                      runs and why (one read; nothing is written)
  probe [--target NAME] [--dry-run]
                      send each declared hook's request as Kratos would (its body evaluated
                      for the sample context, secrets read) and check each reply against
                      what Kratos needs; --target keeps a flow or a named action;
                      --dry-run prints the requests, secrets redacted
  export              print `action!` code for every web hook the project (or file) has
  import ID           print `action!` code for the hook a Terraform import ID names
                      (project:flow:after:auth_method[:METHOD]:url, project:flow:before[:METHOD]:url)

Options:
  --project ID        the project of actions that name none (else ORY_PROJECT_ID)
  --console-url URL   the Ory console API (else ORY_CONSOLE_API_URL, default https://api.console.ory.sh)
  --config PATH       a self-hosted Kratos configuration file (YAML or JSON) to edit instead
                      of an Ory Network project (else ORY_KRATOS_CONFIG)
  --schema PATH       with --config: the Kratos configuration schema to validate every write
                      against (else ORY_KRATOS_SCHEMA)
  --kratos-dir DIR    with --config: Kratos's working directory on this machine, which
                      relative `file://` body paths are read from (else ORY_ACTIONS_KRATOS_DIR;
                      default the current directory)
  --path-map KRATOS_PATH=LOCAL_PATH
                      with --config: the files Kratos reads under KRATOS_PATH (in its
                      container, say) are under LOCAL_PATH here; may be given several times,
                      the longest prefix wins (else ORY_ACTIONS_PATH_MAP, maps separated by `,`)
  --target NAME       limit the run to a flow (login, registration, …) or a named action;
                      may be given several times
  --deadline SECONDS  how long to keep retrying rate limits, Ory failures and broken
                      connections (default 120)
  --request-timeout SECONDS
                      how long one request to Ory may take (default 30)
  --identity-schema FILE
                      plan, apply, render: sample traits from this identity JSON schema
                      for evaluating bodies
  --parallelism N     how many projects are read or written at once (default 10, else
                      ORY_ACTIONS_PARALLELISM)
  -v, --verbose       a line per request to Ory (method, path, status, time) and per
                      retry (why), on standard error; never a secret or a header value
  --no-color          no colours (also NO_COLOR)
  -h, --help          this text

The workspace API key is read from ORY_WORKSPACE_API_KEY (not needed with --config).
Exit codes: 0 ok, 1 error, 2 changes present (plan --detailed-exitcode), 3 revision conflict,
4 changes present with --expect-no-changes (nothing written).
",
        program()
    )
}
