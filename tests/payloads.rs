//! Payloads equal go-jsonnet's: every template of `tests/payloads/cases.json`, evaluated against
//! its sample context, gives what go-jsonnet (the engine Kratos runs) gave for the same
//! template and context (`tests/payloads/gojsonnet.json`, made by `tests/payloads/gojsonnet.py`).
//! The sample contexts themselves are pinned in `tests/payloads/contexts.json`.

use std::collections::BTreeMap;

use ory_actions::payload::{self, Encoding, Payload, PayloadError};
use ory_actions::{Flags, Phase, Samples, Scope};
use serde_json::Value;

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    flow: String,
    timing: String,
    auth_method: Option<String>,
    flags: BTreeMap<String, bool>,
    encoding: String,
    template: String,
}

fn cases() -> Vec<Case> {
    serde_json::from_str(include_str!("payloads/cases.json")).unwrap()
}

fn context_of(case: &Case) -> Value {
    let scope = Scope::lookup(&case.flow, &case.timing, case.auth_method.as_deref())
        .unwrap_or_else(|| panic!("{}: no such list", case.name));
    let flag = |name: &str| case.flags.get(name).copied().unwrap_or(false);
    let flags = Flags {
        can_interrupt: flag("can_interrupt"),
        response_ignore: flag("response_ignore"),
        response_parse: flag("response_parse"),
    };
    Samples::new().context(scope, Phase::of(scope, flags))
}

fn encoding_of(case: &Case) -> Encoding {
    match case.encoding.as_str() {
        "form" => Encoding::Form,
        _ => Encoding::Json,
    }
}

#[test]
fn sample_contexts_are_pinned() {
    let contexts: BTreeMap<String, Value> = cases()
        .iter()
        .map(|case| (case.name.clone(), context_of(case)))
        .collect();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/payloads/contexts.json");
    if std::env::var_os("ORY_ACTIONS_WRITE_CONTEXTS").is_some() {
        let text = serde_json::to_string_pretty(&contexts).unwrap() + "\n";
        std::fs::write(path, text).unwrap();
    }
    let pinned: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        contexts, pinned,
        "the sample contexts changed: write them again (ORY_ACTIONS_WRITE_CONTEXTS=1) and run \
         tests/payloads/gojsonnet.py"
    );
}

#[test]
fn payloads_equal_go_jsonnet_s() {
    let expected: BTreeMap<String, Value> =
        serde_json::from_str(include_str!("payloads/gojsonnet.json")).unwrap();
    let cases = cases();
    assert_eq!(expected.len(), cases.len(), "gojsonnet.json is not up to date");
    for case in &cases {
        let want = &expected[&case.name];
        let got = payload::evaluate(&case.template, &context_of(case), encoding_of(case));
        let name = &case.name;
        if let Some(payload) = want.get("payload") {
            match got {
                Ok(Payload::Json(json)) => assert_eq!(&json, payload, "{name}"),
                Ok(form @ Payload::Form(_)) => assert_eq!(&form.to_json(), payload, "{name}"),
                other => panic!("{name}: go-jsonnet gives {payload}, ory-actions {other:?}"),
            }
        } else if want.get("cancelled").is_some() {
            assert_eq!(got, Ok(Payload::Cancelled), "{name}");
        } else {
            let Err(error) = got else {
                panic!("{name}: go-jsonnet fails ({want}), ory-actions gives {got:?}");
            };
            if let (Some(line), PayloadError::Fails { line: ours, .. }) =
                (want["line"].as_u64(), &error)
            {
                assert_eq!(
                    *ours,
                    Some(line as usize),
                    "{name}: go-jsonnet fails at line {line}: {error}"
                );
            }
        }
    }
}

#[test]
fn failures_say_where_and_what() {
    let ctx = serde_json::json!({ "flow": { "id": "f" } });
    let error = payload::evaluate(
        "function(ctx) {\n  sid: ctx.session.id,\n}",
        &ctx,
        Encoding::Json,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 2, column 8: field does not exist: session (in `ctx.session`)"
    );
    let form = payload::evaluate("function(ctx) { n: 1 }", &ctx, Encoding::Form).unwrap_err();
    assert_eq!(
        form.to_string(),
        "a form-encoded body must be a flat object of strings, but `n` is a number (wrap it in \
         std.toString(…))"
    );
    assert!(matches!(
        payload::evaluate("local x = import 'x.libsonnet'; x", &ctx, Encoding::Json),
        Err(PayloadError::Invalid(_))
    ));
}
