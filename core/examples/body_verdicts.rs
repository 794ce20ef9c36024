//! What `check_body` makes of templates, one JSON line per template: the verdicts
//! `fuzz/differential.py` compares with go-jsonnet's.
//!
//! ```text
//! cargo run --example body_verdicts < templates.jsonl
//! ```
//!
//! Each line of standard input is a template as a JSON string; each line of standard output is
//! `{"verdict": "ok" | "static" | "kratos", "line": …, "column": …, "message": …}`:
//!
//! - `ok`: `check_body` accepts the template (`line`, `column` and `message` are `null`);
//! - `static`: refused as go-jsonnet refuses before evaluating (a syntax error, an unknown
//!   escape, an unknown variable, …), at `line` and `column` (characters, from 1);
//! - `kratos`: refused for a reason of Kratos's own (imports, `std.extVar`, a function of no
//!   `ctx`, a template too large, …); `line` and `column` when the reason has a place.
//!
//! A line that is not a JSON string gets `{"verdict": "input", "message": …}`. Each answer is
//! flushed at once, so that the fuzzer can tell which template a crash or a hang was on.

use std::io::{BufRead, Write};

use ory_actions_core::jsonnet::{BodyError, check_body};
use serde_json::{Value, json};

/// The verdict of `check_body` on `source`, as a JSON value.
pub(crate) fn verdict(source: &str) -> Value {
    match check_body(source) {
        Ok(_) => json!({"verdict": "ok", "line": null, "column": null, "message": null}),
        Err(
            error @ (BodyError::Syntax { line, column, .. }
            | BodyError::Static { line, column, .. }),
        ) => json!({
            "verdict": "static",
            "line": line,
            "column": column,
            "message": error.to_string(),
        }),
        Err(error) => {
            let (line, column) = error.place().unzip();
            json!({
                "verdict": "kratos",
                "line": line,
                "column": column,
                "message": error.to_string(),
            })
        }
    }
}

fn main() {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lines() {
        let Ok(line) = line else {
            break;
        };
        let answer = match serde_json::from_str::<String>(&line) {
            Ok(source) => verdict(&source),
            Err(e) => json!({"verdict": "input", "message": e.to_string()}),
        };
        if writeln!(stdout, "{answer}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            break;
        }
    }
}
