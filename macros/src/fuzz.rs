//! Fuzzing the macro on stable Rust: random token streams, from token soup to near-valid
//! declarations, go through parse, validation and expansion, which must never panic.

use std::str::FromStr;

use proc_macro2::TokenStream;
use proptest::prelude::*;

/// Words the macro does not take as keys, flows or methods, and some it does not know at all.
const OTHER_WORDS: &[&str] = &[
    "before",
    "after",
    "all",
    "fallback",
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "TRACE",
    "env",
    "file",
    "secret_file",
    "api_key",
    "basic_auth",
    "in",
    "header",
    "cookie",
    "value",
    "user",
    "true",
    "false",
    "r#in",
    "_",
    "x",
];

/// Words the macro knows, and some it does not.
fn words() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = crate::valid::KEYS.to_vec();
    words.extend(ory_actions_core::scope::CANDIDATE_FLOWS);
    words.extend(ory_actions_core::scope::CANDIDATE_METHODS);
    words.extend(OTHER_WORDS);
    words
}

/// Strings that reach the deeper checks: URLs, Jsonnet, names, paths.
const STRINGS: &[&str] = &[
    "https://api.example.com/hook",
    "http://localhost:4455/x?y=1",
    "/relative",
    "ftp://x",
    "https://u:p@h.example/",
    "https://h.example/%zz",
    "",
    " ",
    "function(ctx) { a: ctx.flow }",
    "function(context) {}",
    "function(ctx, x) {}",
    "{ a: }",
    "error \"cancel\"",
    "[[[[[",
    "local f = 1; f",
    "|||\n  text\n|||",
    "X-Api-Key",
    "Authorization",
    "Content-Type",
    "application/json",
    "text/plain",
    "KEY",
    "1KEY",
    "tests/templates/audit.jsonnet",
    "does/not/exist",
    "550e8400-e29b-41d4-a716-446655440000",
    "a b",
    "\u{0}",
    "é",
];

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(words()).prop_map(str::to_owned),
        3 => proptest::sample::select(STRINGS).prop_map(|s| format!("{s:?}")),
        2 => proptest::sample::select(&[":", ",", ":", ",", "-", "#", ".", "=", "!", ";"][..]).prop_map(str::to_owned),
        1 => proptest::sample::select(&["0", "1", "-1", "1.5", "'c'", "b\"x\"", "r#\"raw\"#"][..]).prop_map(str::to_owned),
    ]
}

fn soup() -> impl Strategy<Value = String> {
    let leaf = prop::collection::vec(atom(), 0..6).prop_map(|atoms| atoms.join(" "));
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop::collection::vec(
            prop_oneof![
                inner.clone(),
                inner.clone().prop_map(|s| format!("[{s}]")),
                inner.clone().prop_map(|s| format!("{{{s}}}")),
                inner.prop_map(|s| format!("({s})")),
            ],
            1..5,
        )
        .prop_map(|parts| parts.join(" "))
    })
}

/// `key: value, …` with keys and values drawn from what the macro knows.
fn declaration() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        proptest::sample::select(words()).prop_map(str::to_owned),
        proptest::sample::select(STRINGS).prop_map(|s| format!("{s:?}")),
        prop::collection::vec(proptest::sample::select(words()), 0..4)
            .prop_map(|w| format!("[{}]", w.join(", "))),
        proptest::sample::select(STRINGS).prop_map(|s| format!("env({s:?})")),
        proptest::sample::select(STRINGS).prop_map(|s| format!("file({s:?})")),
        (
            proptest::sample::select(STRINGS),
            proptest::sample::select(STRINGS)
        )
            .prop_map(|(a, b)| format!("api_key {{ name: {a:?}, value: env({b:?}), in: header }}")),
        (
            proptest::sample::select(STRINGS),
            proptest::sample::select(STRINGS)
        )
            .prop_map(|(a, b)| format!("{{ {a:?}: {b:?} }}")),
    ];
    prop::collection::vec((proptest::sample::select(words()), value), 0..10).prop_map(|fields| {
        fields
            .into_iter()
            .map(|(key, value)| format!("{key}: {value}"))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

fn survives(source: &str) {
    if let Ok(tokens) = TokenStream::from_str(source) {
        // Parse, validate and expand; errors are fine, panics are not.
        let _ = crate::action_impl(tokens);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_panics(source in soup()) {
        survives(&source);
    }

    #[test]
    fn near_valid_declarations_never_panic(source in declaration()) {
        survives(&source);
    }

    #[test]
    fn valid_declarations_with_random_extras_never_panic(extra in declaration()) {
        survives(&format!("flow: login, timing: before, url: \"https://h.example/x\", {extra}"));
        survives(&format!("flow: registration, timing: after, auth_method: all, url: \"https://h.example/\", {extra}"));
    }
}
