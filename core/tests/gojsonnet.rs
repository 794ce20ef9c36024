//! `check_body` refuses exactly what go-jsonnet (the engine Kratos runs) refuses before
//! evaluating, at the same line and column. The expected values come from go-jsonnet itself:
//! see `tests/gojsonnet/README.md`.

use ory_actions_core::jsonnet::{BodyError, check_body};
use serde_json::Value;

#[test]
fn check_body_agrees_with_go_jsonnet() {
    let corpus: Vec<Value> =
        serde_json::from_str(include_str!("gojsonnet/expected.json")).expect("valid corpus");
    let mut disagreements = Vec::new();
    for entry in &corpus {
        let source = entry["source"].as_str().expect("a source");
        let verdict = entry["verdict"].as_str().expect("a verdict");
        let got = check_body(source);
        let refused_at = match &got {
            Err(
                BodyError::Syntax { line, column, .. } | BodyError::Static { line, column, .. },
            ) => Some((*line, *column)),
            _ => None,
        };
        let agrees = match verdict {
            "static" => {
                let want = (
                    entry["line"].as_u64().expect("a line") as usize,
                    entry["column"].as_u64().expect("a column") as usize,
                );
                refused_at == Some(want)
            }
            // Evaluated: nothing Kratos runs may be refused.
            "ok" => got.is_ok(),
            // Fails at run time with ctx = {}: never a syntax or static refusal, though the
            // Kratos-specific checks (no ctx, imports, …) may refuse it.
            _ => refused_at.is_none(),
        };
        if !agrees {
            disagreements.push(format!(
                "{source:?}: go-jsonnet {verdict} {} / check_body {got:?}",
                entry.get("gojsonnet").and_then(Value::as_str).unwrap_or("")
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        disagreements.len(),
        corpus.len(),
        disagreements.join("\n")
    );
}
