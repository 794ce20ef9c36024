//! What the command line makes of Kratos configuration files, one JSON line per file: the
//! verdicts `fuzz/differential.py` compares with a YAML 1.2 parser and Python's `json`.
//!
//! ```text
//! cargo run --example config_verdicts -- FILE…
//! cargo run --example config_verdicts < paths   # one path a line
//! ```
//!
//! For each file, with a stack of one web hook in `registration.after.password`:
//! `plan --json --config FILE`, `explain --json --config FILE`, `export --config FILE`, and
//! `apply --yes --config COPY` on a copy of the file beside it (`apply-copy-NAME`, removed
//! afterwards unless `--keep` is given). It prints
//!
//! ```json
//! {"file": …, "plan": {"code": 0, "error": null}, "explain": {…}, "export": {…},
//!  "apply": {…}, "plan_json": {…}, "applied": "…text of the copy after apply, null unless it exited 0…"}
//! ```
//!
//! where `error` is the first line of what the command wrote to standard error (`null` when it
//! wrote nothing). Only the public command line (`ory_actions::cli::run_with`) is used, so that
//! the program keeps working whatever the readers inside do. A file that makes a command panic
//! aborts this program (the fuzzer runs it with a time limit, one file at a time on failure,
//! and counts a crash, a signal or a time-out as a finding).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use ory_actions::{Action, AuthMethod, Flow, Stack, Timing, cli};
use serde_json::{Value, json};

/// The URL of the one hook the stack declares: the fuzzer finds it in the applied file.
const HOOK_URL: &str = "https://fuzz.example.com/registered";

fn stack() -> Stack {
    let action = Action::builder(Flow::Registration, Timing::After, HOOK_URL)
        .auth_method(AuthMethod::Password)
        .body("function(ctx) { id: ctx.identity.id }")
        .build()
        .expect("a valid action");
    Stack::new().action(action)
}

struct Run {
    code: u8,
    out: String,
    err: String,
}

fn run(args: &[&str]) -> Run {
    let env: BTreeMap<&str, String> = BTreeMap::new();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = cli::run_with(
        stack(),
        args.iter().copied(),
        &|name| env.get(name).cloned(),
        cli::Io {
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

fn summary(run: &Run) -> Value {
    let error = run
        .err
        .lines()
        .find(|l| !l.trim().is_empty())
        .map(str::to_owned);
    json!({ "code": run.code, "error": error })
}

/// The verdicts of the command line on `file`.
pub(crate) fn verdicts(file: &Path, keep: bool) -> Value {
    let path = file.display().to_string();
    let plan = run(&["plan", "--json", "--no-color", "--config", &path]);
    let explain = run(&["explain", "--json", "--no-color", "--config", &path]);
    let export = run(&["export", "--no-color", "--config", &path]);
    // The copy keeps the file's name (and so its format, which the extension gives).
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let copy = file.with_file_name(format!("apply-copy-{name}"));
    let (apply, applied) = match std::fs::copy(file, &copy) {
        Ok(_) => {
            let copy_path = copy.display().to_string();
            let apply = run(&["apply", "--yes", "--no-color", "--config", &copy_path]);
            // What apply wrote, when it wrote (a refused file, however big, is not read back).
            let applied = match apply.code {
                0 => std::fs::read(&copy)
                    .map(|bytes| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
                    .unwrap_or(Value::Null),
                _ => Value::Null,
            };
            if !keep {
                let _ = std::fs::remove_file(&copy);
            }
            (summary(&apply), applied)
        }
        Err(e) => (
            json!({"code": null, "error": format!("cannot copy: {e}")}),
            Value::Null,
        ),
    };
    let plan_json = serde_json::from_str::<Value>(&plan.out).unwrap_or(Value::Null);
    let explain_json = serde_json::from_str::<Value>(&explain.out).unwrap_or(Value::Null);
    json!({
        "file": path,
        "plan": summary(&plan),
        "explain": summary(&explain),
        "export": summary(&export),
        "apply": apply,
        "plan_json": plan_json,
        "explain_json": explain_json,
        "export_out": export.out,
        "applied": applied,
    })
}

fn main() {
    let mut keep = false;
    let mut files = Vec::new();
    for arg in std::env::args_os().skip(1) {
        if arg == "--keep" {
            keep = true;
        } else {
            files.push(PathBuf::from(arg));
        }
    }
    if files.is_empty() {
        // One path a line on standard input, each answer flushed at once.
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else {
                break;
            };
            if line.is_empty() {
                continue;
            }
            let mut out = std::io::stdout().lock();
            if writeln!(out, "{}", verdicts(Path::new(&line), keep))
                .and_then(|()| out.flush())
                .is_err()
            {
                break;
            }
        }
    } else {
        for file in files {
            println!("{}", verdicts(&file, keep));
        }
    }
}
