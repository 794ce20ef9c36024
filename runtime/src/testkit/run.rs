//! The one harness that runs the command line in-process for tests and examples: its exit
//! code and what it printed.

use std::collections::BTreeMap;

use crate::cli::{Io, run_with};
use crate::stack::Stack;

/// What one run of the command line did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The exit code.
    pub code: u8,
    /// What it printed on standard output.
    pub out: String,
    /// What it printed on standard error.
    pub err: String,
}

/// Runs the command line `args` of `stack` in-process, with no terminal to confirm on and no
/// colour; `env` stands in for the environment of the command line's own settings.
///
/// Every variable the command line reads for itself (`ORY_WORKSPACE_API_KEY`, `ORY_PROJECT_ID`,
/// `ORY_KRATOS_CONFIG`, `NO_COLOR`, …: the [`cli`](crate::cli) reference lists them) comes from
/// `env` only, never from the process. What the stack reads itself does not: secrets given as
/// `env("…")`, a `project_id: env("…")` and [`Stack::project_from_env`] are read from the
/// process's environment, and `secret_file("…")` from the file system, as in a real run.
pub fn run_env(stack: Stack, args: &[&str], env: &BTreeMap<&str, String>) -> Run {
    run_answering(stack, args, env, None)
}

/// [`run_env`] with a terminal on which `confirm` answers each question (`apply` without
/// `--yes` asks before it writes).
pub fn run_confirming(
    stack: Stack,
    args: &[&str],
    env: &BTreeMap<&str, String>,
    confirm: &mut dyn FnMut(&str) -> bool,
) -> Run {
    run_answering(stack, args, env, Some(confirm))
}

fn run_answering(
    stack: Stack,
    args: &[&str],
    env: &BTreeMap<&str, String>,
    mut confirm: Option<&mut dyn FnMut(&str) -> bool>,
) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with(
        stack,
        args.iter().copied(),
        &|name| env.get(name).cloned(),
        Io {
            out: &mut out,
            err: &mut err,
            confirm: match &mut confirm {
                Some(confirm) => Some(&mut **confirm),
                None => None,
            },
            color: false,
        },
    );
    Run {
        code,
        out: String::from_utf8_lossy(&out).into_owned(),
        err: String::from_utf8_lossy(&err).into_owned(),
    }
}
