//! Templates on which the differential fuzzer (`fuzz/differential.py`) found `check_body`
//! disagreeing with go-jsonnet, minimised, with go-jsonnet's verdict as the expected value
//! (`fuzz_regressions/templates.json`; `fuzz/README.md` says how a finding gets there).
//!
//! Some of them once overflowed the stack, which aborts the whole process: so each case runs in
//! a child process, this test binary started again with `FUZZ_REGRESSION_CASE` naming the case
//! (the test `child` then checks that one template and prints its verdict). A child that dies,
//! by a signal or a panic, or that gives no answer within a minute, fails its case.

use serde_json::Value;

#[allow(dead_code)]
#[path = "../examples/body_verdicts.rs"]
mod body_verdicts;

#[path = "support/in_child.rs"]
mod in_child;

const CASE: &str = "FUZZ_REGRESSION_CASE";

fn corpus() -> Vec<Value> {
    serde_json::from_str(include_str!("fuzz_regressions/templates.json")).expect("valid corpus")
}

/// In a child process: the verdict of `check_body` on the case named by `FUZZ_REGRESSION_CASE`.
#[test]
fn child() {
    let Ok(name) = std::env::var(CASE) else {
        return;
    };
    let corpus = corpus();
    let case = corpus
        .iter()
        .find(|c| c["name"] == name.as_str())
        .expect("a case of that name");
    let verdict = body_verdicts::verdict(case["source"].as_str().expect("a source"));
    in_child::answer(&verdict);
}

/// Whether `ours` (a `body_verdicts` verdict) agrees with the expected go-jsonnet verdict.
fn agrees(expected: &Value, ours: &Value) -> bool {
    let place = |v: &Value| (v["line"].as_u64(), v["column"].as_u64());
    let source = expected["source"].as_str().unwrap_or("");
    // The documented depth bound (a deliberate difference, fuzz/README.md): a long template
    // refused with a message that says it is too deep.
    let message = ours["message"].as_str().unwrap_or("").to_lowercase();
    let depth_bound = ours["verdict"] != "ok"
        && source.len() >= 200
        && ["deep", "nest", "depth", "levels"]
            .iter()
            .any(|w| message.contains(w));
    if depth_bound {
        return true;
    }
    match expected["verdict"].as_str() {
        Some("static") => ours["verdict"] == "static" && place(ours) == place(expected),
        Some("ok") => ours["verdict"] == "ok",
        // Fails only while evaluating: never refused as a syntax or static error.
        _ => ours["verdict"] != "static",
    }
}

#[test]
fn check_body_agrees_with_go_jsonnet_on_what_the_fuzzer_found() {
    let corpus = corpus();
    assert!(!corpus.is_empty());
    let mut failures = Vec::new();
    for case in &corpus {
        let name = case["name"].as_str().expect("a name");
        match in_child::verdict(CASE, name) {
            Ok(ours) if agrees(case, &ours) => {}
            Ok(ours) => failures.push(format!(
                "{name}: go-jsonnet {} {:?}:{:?} ({}) / check_body {ours}",
                case["verdict"], case["line"], case["column"], case["gojsonnet"]
            )),
            Err(why) => failures.push(format!("{name}: {why}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases disagree:\n{}",
        failures.len(),
        corpus.len(),
        failures.join("\n")
    );
}
