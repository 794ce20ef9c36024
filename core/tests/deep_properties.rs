//! Any template of nested and chained constructs, up to the size limit, gets an answer from
//! `check_body` and `check_ctx` on a 2 MiB stack (a test thread's, a tokio worker's) in a
//! debug build: an error with its place, or a verdict; never a crash.

use ory_actions_core::ctx::CtxShape;
use ory_actions_core::jsonnet::{BodyError, MAX_BODY_BYTES, MAX_DEPTH, check_body, check_ctx};
use ory_actions_core::{Flow, Timing};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The ways to put an expression `X` inside another: the text before and after it.
const WRAPPERS: [(&str, &str); 34] = [
    ("[", "]"),
    ("{a: ", "}"),
    ("(", ")"),
    ("-", ""),
    ("!", ""),
    ("~", ""),
    ("1 + ", ""),
    ("", " + 1"),
    ("", " * 2 - 1"),
    ("true && ", ""),
    ("", " || false"),
    ("", ".a"),
    ("", "[0]"),
    ("", "(0)"),
    ("", " {}"),
    ("", "[1:2]"),
    ("f(", ")"),
    ("f(x = ", ")"),
    ("x[", "]"),
    ("local a = 1; ", ""),
    ("local a = ", "; a"),
    ("if true then ", " else 1"),
    ("if ", " then 1"),
    ("function(x) ", ""),
    ("function(x = ", ") 1"),
    ("assert true; ", ""),
    ("assert ", " : 'm'; 1"),
    ("error ", ""),
    ("[", " for x in [1]]"),
    ("[1 for x in ", "]"),
    ("{[x]: ", " for x in ['a']}"),
    ("'a' in ", ""),
    ("{a: 'a' in super && ", "}"),
    ("if 'session' in ctx then ", " else ctx.session.id"),
];

/// What is innermost.
const CORES: [&str; 8] = [
    "1",
    "ctx",
    "ctx.identity.traits.email",
    "ctx.session.id",
    "std.length",
    "'s'",
    "self",
    "$",
];

/// A template: `layers` of (wrapper, times) around a core, as much as fits in the size
/// limit, inside `function(ctx)` or not, and maybe cut short at some point.
fn template() -> impl Strategy<Value = String> {
    (
        prop::sample::select(CORES.to_vec()),
        prop::collection::vec(
            (
                0..WRAPPERS.len(),
                prop_oneof![1..30usize, 1..300usize, 1..3_000usize],
            ),
            1..8,
        ),
        prop::bool::ANY,
        prop::option::weighted(0.2, 0.0..1.0f64),
    )
        .prop_map(|(core, layers, function, cut)| {
            let head = if function { "function(ctx) " } else { "" };
            let mut before: Vec<&str> = Vec::new();
            let mut after: Vec<&str> = Vec::new();
            let mut size = head.len() + core.len();
            'layers: for (wrapper, times) in layers {
                let (open, close) = WRAPPERS[wrapper];
                for _ in 0..times {
                    if size + open.len() + close.len() > MAX_BODY_BYTES {
                        break 'layers;
                    }
                    size += open.len() + close.len();
                    before.push(open);
                    after.push(close);
                }
            }
            let mut source = String::with_capacity(size);
            source.push_str(head);
            before.iter().rev().for_each(|open| source.push_str(open));
            source.push_str(core);
            after.iter().for_each(|close| source.push_str(close));
            if let Some(cut) = cut {
                source.truncate((source.len() as f64 * cut) as usize);
            }
            source
        })
}

#[test]
fn any_nesting_up_to_the_size_limit_is_answered_on_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut runner = TestRunner::new(Config {
                cases: 256,
                failure_persistence: None,
                ..Config::default()
            });
            let shape = CtxShape::of(Flow::Login, Timing::Before);
            runner
                .run(&template(), |source| {
                    prop_assert!(source.len() <= MAX_BODY_BYTES);
                    let checked = check_body(&source);
                    if let Err(BodyError::TooDeep { limit, .. }) = &checked {
                        prop_assert_eq!(*limit, MAX_DEPTH);
                    }
                    // Every error in the template's text has its place.
                    let in_the_text = matches!(
                        checked,
                        Err(BodyError::Syntax { .. }
                            | BodyError::Static { .. }
                            | BodyError::Unavailable { .. }
                            | BodyError::TooDeep { .. })
                    );
                    let placed = checked.as_ref().err().and_then(BodyError::place);
                    prop_assert_eq!(in_the_text, placed.is_some(), "{:?}", checked);
                    check_ctx(&source, shape);
                    Ok(())
                })
                .unwrap();
        })
        .unwrap()
        .join()
        .unwrap();
}
