//! Plain templates give, computed from the context, the payloads the evaluator gives: on
//! generated templates and contexts, every payload the plain path computes is compared with the
//! evaluator's for the same template and context.

use std::sync::Arc;

use ory_actions_core::jsonnet::{Unread, plain};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{Value, json};

use super::eval::{self, Job, encoded};
use super::{Encoding, Payload, PayloadError};

/// Keys both the templates and the contexts use, so that reads hit and miss.
const KEYS: [&str; 6] = ["a", "b", "id", "é", "a b", "q\"t"];

/// Numbers as a template writes them.
const NUMBERS: [&str; 12] = [
    "0",
    "1",
    "1.5",
    "1e3",
    "2.5E-3",
    "123456789012",
    "0.1",
    "1e21",
    "9007199254740993",
    "4.9e-324",
    "0.30000000000000004",
    "18446744073709551615",
];

/// Strings as a template writes them.
const STRINGS: [&str; 6] = [
    r#""plain""#,
    r"'single'",
    r#""a\nb\t\"c\"""#,
    r#""\u00e9\/x""#,
    r#""""#,
    r#""😀""#,
];

fn context() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|n| json!(n)),
        proptest::sample::select(vec![0.1, 1e-7, 1e300, -0.0, 2.5, 9007199254740993.0])
            .prop_map(|n| json!(n)),
        "[a-zé😀\"\\\\\n ]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(KEYS.to_vec()), inner), 0..4)
                .prop_map(|fields| Value::Object(
                    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )),
        ]
    })
}

/// A key as a template writes it: a fixed name where it can be one, else quoted.
fn key(name: &str, quote: bool) -> String {
    if !quote && name.chars().all(|c| c.is_ascii_alphanumeric()) {
        name.to_owned()
    } else {
        serde_json::to_string(name).unwrap_or_default()
    }
}

/// A read of `ctx`: `.name`, `["name"]` or `[index]` steps.
fn read() -> impl Strategy<Value = String> {
    let step = prop_oneof![
        proptest::sample::select(KEYS.to_vec()).prop_map(|k| {
            if k.chars().all(|c| c.is_ascii_alphanumeric()) {
                format!(".{k}")
            } else {
                format!("[{}]", key(k, true))
            }
        }),
        proptest::sample::select(KEYS.to_vec()).prop_map(|k| format!("[{}]", key(k, true))),
        (0usize..3).prop_map(|i| format!("[{i}]")),
    ];
    proptest::collection::vec(step, 0..4).prop_map(|steps| format!("ctx{}", steps.concat()))
}

fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        proptest::sample::select(vec!["null", "true", "false"]).prop_map(str::to_owned),
        proptest::sample::select(NUMBERS.to_vec()).prop_map(str::to_owned),
        proptest::sample::select(STRINGS.to_vec()).prop_map(str::to_owned),
        read(),
        read(),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            proptest::collection::vec(
                (
                    proptest::sample::select(KEYS.to_vec()),
                    any::<bool>(),
                    inner.clone()
                ),
                0..4
            )
            .prop_map(|fields| {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|(k, quote, value)| format!("{}: {value}", key(k, *quote)))
                    .collect();
                format!("{{ {} }}", fields.join(", "))
            }),
            inner.prop_map(|e| format!("({e})")),
        ]
    })
}

/// The evaluator's payloads for each template with its context, as JSON and as a form.
fn evaluated(cases: &[(String, Value)]) -> Vec<Vec<Result<Payload, PayloadError>>> {
    let jobs = cases
        .iter()
        .map(|(source, ctx)| {
            let text: Arc<str> = Arc::from(ctx.to_string());
            Job {
                source: source.clone(),
                calls: vec![(Arc::clone(&text), Encoding::Json), (text, Encoding::Form)],
            }
        })
        .collect();
    eval::evaluate(jobs)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn plain_payloads_are_the_evaluators(
        cases in proptest::collection::vec((expression(), context()), 16)
    ) {
        let cases: Vec<(String, Value)> = cases
            .into_iter()
            .map(|(e, ctx)| (format!("function(ctx) {e}"), ctx))
            .collect();
        let by_evaluator = evaluated(&cases);
        for ((source, ctx), results) in cases.iter().zip(&by_evaluator) {
            // What a plan asks (only whether the call succeeds) is what the payload says.
            if let Some(plain) = plain(source) {
                let payload = plain.payload(ctx);
                prop_assert_eq!(
                    plain.reads(ctx),
                    payload.as_ref().map(|_| ()).map_err(Clone::clone),
                    "{} with {}", source, ctx
                );
            }
            let payload = match plain(source).map(|plain| plain.payload(ctx)) {
                Some(Ok(payload)) => payload,
                // A read that fails fails there too, in the same words.
                Some(Err(Unread::Fails { message, .. })) => {
                    for result in results {
                        let failed = matches!(
                            result,
                            Err(PayloadError::Fails { message: m, .. }) if *m == message
                        );
                        prop_assert!(failed, "{} with {}: {} / {:?}", source, ctx, message, result);
                    }
                    continue;
                }
                Some(Err(Unread::Left)) | None => continue,
            };
            prop_assert_eq!(
                &results[0], &encoded(payload.clone(), Encoding::Json), "{} with {}", source, ctx
            );
            prop_assert_eq!(
                &results[1], &encoded(payload, Encoding::Form), "{} with {}", source, ctx
            );
        }
    }
}

#[test]
fn the_generated_templates_are_mostly_plain() {
    // The property above compares only what the plain path computes: it must compute much.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut computed, mut all) = (0, 0);
    for _ in 0..400 {
        let source = format!(
            "function(ctx) {}",
            expression().new_tree(&mut runner).unwrap().current()
        );
        let ctx = context().new_tree(&mut runner).unwrap().current();
        all += 1;
        if plain(&source).is_some_and(|p| p.payload(&ctx).is_ok()) {
            computed += 1;
        }
    }
    assert!(computed * 3 > all, "{computed} of {all}");
}

#[test]
fn a_stack_of_plain_bodies_is_computed_as_the_evaluator_would() {
    let ctx = json!({"identity": {"id": "i-1", "traits": {"email": "a@b.c"}}});
    let source = "function(ctx) { id: ctx.identity.id, email: ctx.identity.traits.email, n: 7 }";
    let expected = json!({"id": "i-1", "email": "a@b.c", "n": 7});
    assert_eq!(
        plain(source).map(|p| p.payload(&ctx)),
        Some(Ok(expected.clone()))
    );
    let by_evaluator = evaluated(&[(source.to_owned(), ctx)]);
    assert_eq!(by_evaluator[0][0], Ok(Payload::Json(expected)));
}

#[test]
fn numbers_of_seventeen_digits_come_back_exactly() {
    // Found by the property above: the evaluator path read the payload's text back with
    // serde_json's default float parser, which may miss the last bit; go-jsonnet writes
    // -913035.22098016413, the same double as the context's.
    let ctx = json!([-913_035.220_980_164_1, 0.300_000_000_000_000_04]);
    let by_evaluator = evaluated(&[("function(ctx) ctx".to_owned(), ctx.clone())]);
    assert_eq!(by_evaluator[0][0], Ok(Payload::Json(ctx)));
}
