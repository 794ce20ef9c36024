//! Kratos configuration files on which the differential fuzzer (`fuzz/differential.py`) found
//! the command line disagreeing with a YAML 1.2 parser or JSON, minimised, with the parser's
//! verdict as the expected value (`fuzz_regressions/expected.json`; `fuzz/README.md` says how a
//! finding gets there). A valid file refused for a declared limit has the fragment of the message
//! that names the limit as `refusal`: every command must refuse it with that message.
//!
//! Some of them once made a command panic or overflow its stack, which would end this test
//! process: so each file runs in a child process, this test binary started again with
//! `FUZZ_REGRESSION_FILE` naming the file (the test `child` then runs plan, explain, export and
//! apply on a copy of it, through `examples/config_verdicts.rs`, and prints what they did). A
//! child that dies or gives no answer within a minute fails its case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

#[allow(dead_code)]
#[path = "../examples/config_verdicts.rs"]
mod config_verdicts;

#[path = "../core/tests/support/in_child.rs"]
mod in_child;

const FILE: &str = "FUZZ_REGRESSION_FILE";
const HOOK_URL: &str = "https://fuzz.example.com/registered";
const OUR_LIST: &str = "/selfservice/flows/registration/after/password/hooks";

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions")
}

fn expected() -> Vec<Value> {
    serde_json::from_str(include_str!("fuzz_regressions/expected.json")).expect("valid cases")
}

/// In a child process: what the command line does with the file `FUZZ_REGRESSION_FILE` names,
/// run on a copy in a directory of its own.
#[test]
fn child() {
    let Ok(name) = std::env::var(FILE) else {
        return;
    };
    // One folder per child (children may run at once), removed when the child is done.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "ory-actions-fuzz-regression-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let copy = dir.join(&name);
    std::fs::copy(folder().join(&name), &copy).expect("the case file");
    let verdict = config_verdicts::verdicts(&copy, false);
    let _ = std::fs::remove_dir_all(&dir);
    in_child::answer(&verdict);
}

type Lists = BTreeMap<String, Vec<(String, Option<String>)>>;

/// The hook lists `explain --json` shows (as they will be after apply), without the stack's own
/// hook, each entry as its `hook` and `url`.
fn explained_lists(explain: &Value) -> (Lists, bool) {
    let mut lists: BTreeMap<String, BTreeMap<u64, (String, Option<String>)>> = BTreeMap::new();
    for chain in explain.as_array().into_iter().flatten() {
        for hook in chain["chain"].as_array().into_iter().flatten() {
            let Some(list) = hook["list"].as_str() else {
                continue;
            };
            let entry = (
                hook["hook"].as_str().unwrap_or("?").to_owned(),
                hook["url"].as_str().map(str::to_owned),
            );
            lists
                .entry(list.to_owned())
                .or_default()
                .insert(hook["index"].as_u64().unwrap_or(0), entry);
        }
    }
    let ours_planned = lists
        .get(OUR_LIST)
        .is_some_and(|l| l.values().any(|e| e.1.as_deref() == Some(HOOK_URL)));
    let lists = lists
        .into_iter()
        .map(|(k, v)| {
            let kept: Vec<_> = v
                .into_values()
                .filter(|e| e.1.as_deref() != Some(HOOK_URL))
                .collect();
            (k, kept)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    (lists, ours_planned)
}

fn expected_lists(case: &Value) -> Lists {
    case["lists"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let entries = v
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    (
                        e[0].as_str().unwrap_or("?").to_owned(),
                        e[1].as_str().map(str::to_owned),
                    )
                })
                .collect();
            (k.clone(), entries)
        })
        .filter(|(_, v): &(String, Vec<_>)| !v.is_empty())
        .collect()
}

/// What is wrong with the command line's verdicts `ours` on `case`, if anything.
fn problem(case: &Value, ours: &Value) -> Option<String> {
    let code = |cmd: &str| ours[cmd]["code"].as_u64();
    let refused = |cmd: &str| code(cmd) == Some(1);
    for cmd in ["plan", "explain", "export", "apply"] {
        if !matches!(code(cmd), Some(0..=2)) {
            return Some(format!("{cmd} exited {:?}", code(cmd)));
        }
        if refused(cmd)
            && !ours[cmd]["error"]
                .as_str()
                .is_some_and(|e| e.starts_with("error"))
        {
            return Some(format!("{cmd} refused without an error"));
        }
    }
    for cmd in ["apply", "explain", "export"] {
        if refused(cmd) != refused("plan") {
            return Some(format!(
                "plan exited {:?} but {cmd} {:?}: {} / {}",
                code("plan"),
                code(cmd),
                ours["plan"]["error"],
                ours[cmd]["error"]
            ));
        }
    }
    let error = &ours["plan"]["error"];
    // A valid file refused for a declared limit (`fuzz/differential.py`'s LIMITS: nesting
    // deeper than 127 levels, a JSON number beyond a 64-bit float, YAML the editor that writes
    // the file cannot read): every command refuses it, saying which limit.
    if let Some(fragment) = case["refusal"].as_str() {
        for cmd in ["plan", "explain", "export", "apply"] {
            let message = ours[cmd]["error"].as_str().unwrap_or("");
            if !refused(cmd) || !message.contains(fragment) {
                return Some(format!(
                    "{cmd} must refuse the file for a declared limit (a message with \
                     `{fragment}`), but exited {:?}: {message}",
                    code(cmd)
                ));
            }
        }
        return None;
    }
    match case["oracle"].as_str() {
        Some("refuse") if !refused("plan") => Some(format!(
            "the file is not valid ({}) but plan read it",
            case["reason"]
        )),
        Some("accept") if refused("plan") && case["refusal_allowed"] != true => {
            Some(format!("the file is valid but plan refused it: {error}"))
        }
        Some("accept") if !refused("plan") => {
            let (lists, ours_planned) = explained_lists(&ours["explain_json"]);
            if lists != expected_lists(case) {
                return Some(format!(
                    "lists read {lists:?}, the parser finds {:?}",
                    expected_lists(case)
                ));
            }
            if !ours_planned {
                return Some("the stack's hook is not in registration after password".into());
            }
            if case["json"] == true {
                let applied = ours["applied"].as_str().unwrap_or("");
                let written: Result<Value, _> = serde_json::from_str(applied);
                match written {
                    Err(e) => return Some(format!("apply wrote invalid JSON: {e}")),
                    Ok(doc) => {
                        let has_ours = doc
                            .pointer(OUR_LIST)
                            .and_then(Value::as_array)
                            .is_some_and(|l| l.iter().any(|e| e["config"]["url"] == HOOK_URL));
                        if !has_ours {
                            return Some("apply did not write the stack's hook".into());
                        }
                    }
                }
            }
            None
        }
        _ => None,
    }
}

#[test]
fn the_command_line_agrees_with_the_parsers_on_what_the_fuzzer_found() {
    let cases = expected();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["file"].as_str().expect("a file name");
        assert!(folder().join(name).exists(), "{name} is missing");
        match in_child::verdict(FILE, name) {
            Ok(ours) => {
                if let Some(problem) = problem(case, &ours) {
                    failures.push(format!("{name}: {problem}"));
                }
            }
            Err(why) => failures.push(format!("{name}: {why}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
