//! Payloads equal go-jsonnet's: every template of `tests/payloads/cases.json` (ours, and the
//! patterns of Kratos's and Ory's documentation templates), evaluated against
//! its sample context, gives what go-jsonnet (the engine Kratos runs) gave for the same
//! template and context (`tests/payloads/gojsonnet.json`, made by `tests/payloads/gojsonnet.py`).
//! The sample contexts themselves are pinned in `tests/payloads/contexts.json`.

use std::collections::BTreeMap;

use ory_actions::payload::{self, Encoding, Payload, PayloadError, Phase, Samples};
use ory_actions::{Flags, Scope};
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
    /// The sample identity's traits, when not the default.
    #[serde(default)]
    traits: Option<Value>,
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
    let samples = match &case.traits {
        Some(traits) => Samples::new().traits(traits.clone()),
        None => Samples::new(),
    };
    samples.context(scope, Phase::of(scope, flags))
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
    assert_eq!(
        expected.len(),
        cases.len(),
        "gojsonnet.json is not up to date"
    );
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
            if let Some(message) = want["error"]
                .as_str()
                .and_then(|m| m.strip_prefix("RUNTIME ERROR: "))
            {
                assert!(
                    error
                        .to_string()
                        .to_lowercase()
                        .contains(&message.to_lowercase()),
                    "{name}: go-jsonnet says `{message}`, ory-actions `{error}`"
                );
            }
            if let (
                Some(line),
                Some(column),
                PayloadError::Fails {
                    line: l, column: c, ..
                },
            ) = (want["line"].as_u64(), want["column"].as_u64(), &error)
            {
                assert_eq!(
                    (*l, *c),
                    (Some(line as usize), Some(column as usize)),
                    "{name}: go-jsonnet fails at {line}:{column}: {error}"
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

#[allow(dead_code)]
#[path = "../examples/quickstart.rs"]
mod quickstart;

mod common;

fn run(
    stack: ory_actions::Stack,
    args: &[&str],
    env: &[(&str, String)],
) -> ory_actions::testkit::Run {
    ory_actions::testkit::run_env(stack, args, &env.iter().cloned().collect())
}

#[test]
fn the_seed_and_quickstart_stacks_snapshot() {
    // The seed's welcome body reads `traits.name`: its identities have a name.
    let seed = common::seed_stack().samples(Samples::new().traits(serde_json::json!({
        "email": "jane.doe@example.com",
        "name": { "first": "Jane", "last": "Doe" },
    })));
    insta::assert_snapshot!("seed_stack_document", seed.snapshot().unwrap());
    let quickstart = ory_actions::Stack::new().actions(quickstart::actions());
    insta::assert_snapshot!(
        "quickstart_stack_document",
        quickstart
            .snapshot_on(ory_actions::Platform::Kratos)
            .unwrap()
    );
}

#[test]
fn render_payloads_prints_each_entry_s_payload_and_context() {
    let stack = ory_actions::Stack::new().actions(quickstart::actions());
    let text = run(stack.clone(), &["render", "--payloads"], &[]);
    assert_eq!(text.code, 0, "{}", text.err);
    assert!(
        text.out.contains(
            "registration after password (post-persist):\n{\n  \"email\": \"jane.doe@example.com\""
        ),
        "{}",
        text.out
    );
    let json = run(stack, &["render", "--payloads", "--json"], &[]);
    assert_eq!(json.code, 0, "{}", json.err);
    let entries: Vec<Value> = serde_json::from_str(&json.out).unwrap();
    // welcome in two lists, login_guard, crm_verified.
    assert_eq!(entries.len(), 4);
    let first = &entries[0];
    assert_eq!(first["name"], "welcome");
    assert_eq!(first["flow"], "registration");
    assert_eq!(first["timing"], "after");
    assert_eq!(first["auth_method"], "password");
    assert_eq!(
        first["context"]["identity"]["traits"]["email"],
        "jane.doe@example.com"
    );
    assert_eq!(first["payload"]["method"], "password");
    assert_eq!(entries[2]["auth_method"], Value::Null);
    assert!(entries[2]["context"].get("identity").is_none());
}

#[test]
fn render_payloads_takes_traits_from_an_identity_schema() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ory-actions-schema");
    std::fs::create_dir_all(&dir).unwrap();
    let schema = dir.join("identity.schema.json");
    std::fs::write(
        &schema,
        r#"{"properties":{"traits":{"type":"object","properties":{
            "email":{"type":"string","format":"email"},
            "name":{"type":"object","properties":{"first":{"type":"string","default":"Ada"}}}}}}}"#,
    )
    .unwrap();
    let stack = ory_actions::Stack::new().action(ory_actions::action! {
        flow: login,
        timing: after,
        auth_method: password,
        url: "https://api.example.com/login",
        body: "function(ctx) { first: ctx.identity.traits.name.first }",
    });
    let schema = schema.display().to_string();
    let run = run(
        stack,
        &["render", "--payloads", "--identity-schema", &schema],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.contains("\"first\": \"Ada\""), "{}", run.out);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failing_body_is_an_error_of_render_payloads_and_a_warning_of_plan() {
    // A computed body: the macro cannot see it, so only evaluating it finds the typo.
    let template = String::from("function(ctx) {\n  email: ctx.identity.traits.emial,\n}");
    let stack = ory_actions::Stack::new().action(ory_actions::action! {
        name: "typo",
        flow: registration,
        timing: after,
        auth_method: password,
        url: "https://api.example.com/welcome",
        body: template,
    });
    let rendered = run(stack.clone(), &["render", "--payloads"], &[]);
    assert_eq!(rendered.code, 1);
    assert!(
        rendered.out.contains(
            "registration after password (post-persist): the body fails: line 2, column 10: \
             field does not exist: emial (in `ctx.identity.traits.emial`)"
        ),
        "{}",
        rendered.out
    );
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ory-actions-body-fails");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("kratos.yaml");
    std::fs::write(&config, "selfservice:\n  flows: {}\n").unwrap();
    let env = [("ORY_KRATOS_CONFIG", config.display().to_string())];
    let plan = run(stack, &["plan", "--json"], &env);
    assert_eq!(plan.code, 0, "{}", plan.err);
    let json: Value = serde_json::from_str(&plan.out).unwrap();
    let warnings = json
        .pointer("/targets/0/warnings")
        .or_else(|| json.pointer("/warnings"));
    let text = warnings
        .map(Value::to_string)
        .unwrap_or_else(|| plan.out.clone());
    assert!(text.contains("body_fails"), "{}", plan.out);
    assert!(text.contains("emial"), "{}", plan.out);

    let cancels = ory_actions::Stack::new().action(ory_actions::action! {
        flow: recovery,
        timing: after,
        url: "https://api.example.com/never",
        body: "error \"cancel\"",
    });
    let plan = run(cancels, &["plan"], &env);
    assert_eq!(plan.code, 0, "{}", plan.err);
    assert!(
        plan.out
            .contains("is `error \"cancel\"`, so Kratos skips this hook on every call"),
        "{}",
        plan.out
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_runaway_template_is_an_error_not_a_crash() {
    let ctx = serde_json::json!({});
    // Endless recursion: the evaluator's own limit on stack frames stops it.
    let endless = payload::evaluate(
        "local f(x) = f(x + 1) + 1; function(ctx) { n: f(1) }",
        &ctx,
        Encoding::Json,
    );
    assert!(
        matches!(endless, Err(PayloadError::Fails { .. })),
        "{endless:?}"
    );
    // Nesting deeper than go-jsonnet's 500 frames fails there too: refused before it is
    // evaluated, an error, not a crash.
    let deep = format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000));
    let deep = payload::evaluate(&deep, &ctx, Encoding::Json);
    assert!(
        matches!(
            deep,
            Err(PayloadError::Invalid(
                ory_actions::BodyError::TooDeep { .. }
            ))
        ),
        "{deep:?}"
    );
    // 499 nested arrays, as deep as go-jsonnet evaluates, are evaluated.
    let deepest = format!("{}1{}", "[".repeat(499), "]".repeat(499));
    let deepest = payload::evaluate(&deepest, &ctx, Encoding::Json);
    assert!(matches!(deepest, Ok(Payload::Json(_))), "{deepest:?}");
}
