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

/// Runs the command line `args` of `stack` in-process with `env` as its whole environment
/// (nothing of the process's own), no terminal to confirm on, and no colour.
pub fn run_env(stack: Stack, args: &[&str], env: &BTreeMap<&str, String>) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with(
        stack,
        args.iter().copied(),
        &|name| env.get(name).cloned(),
        Io {
            out: &mut out,
            err: &mut err,
            confirm: None,
            color: false,
        },
    );
    Run {
        code,
        out: String::from_utf8_lossy(&out).into_owned(),
        err: String::from_utf8_lossy(&err).into_owned(),
    }
}
