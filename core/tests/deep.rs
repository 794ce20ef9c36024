//! Templates as deep and as long as the size limit allows are answered, never a crash: on a
//! 2 MiB stack (a test thread's, a tokio worker's), in a debug build.

use ory_actions_core::ctx::CtxShape;
use ory_actions_core::jsonnet::{
    BodyError, BodyShape, MAX_BODY_BYTES, MAX_DEPTH, check_body, check_ctx,
};
use ory_actions_core::{Flow, Timing};

/// A way to nest: `head`, `open` n times, `middle`, `close` n times.
struct Nesting {
    name: &'static str,
    head: &'static str,
    open: &'static str,
    middle: &'static str,
    close: &'static str,
}

impl Nesting {
    fn times(&self, n: usize) -> String {
        let Nesting {
            head,
            open,
            middle,
            close,
            ..
        } = self;
        format!("{head}{}{middle}{}", open.repeat(n), close.repeat(n))
    }

    /// As many times as fits in `bytes`.
    fn filling(&self, bytes: usize) -> String {
        let n =
            (bytes - self.head.len() - self.middle.len()) / (self.open.len() + self.close.len());
        self.times(n)
    }
}

const fn nesting(
    name: &'static str,
    head: &'static str,
    open: &'static str,
    middle: &'static str,
    close: &'static str,
) -> Nesting {
    Nesting {
        name,
        head,
        open,
        middle,
        close,
    }
}

/// Every kind of nesting and chain.
const EVERY_KIND: [Nesting; 30] = [
    nesting("brackets", "", "[", "1", "]"),
    nesting("braces", "", "{a:", "1", "}"),
    nesting("parentheses", "", "(", "1", ")"),
    nesting("function bodies", "", "function(x) (", "1", ")"),
    nesting("default arguments", "", "function(x = ", "1", ") 1"),
    nesting("negations", "", "-", "1", ""),
    nesting("nots", "", "!", "true", ""),
    nesting("sums", "1", "+1", "", ""),
    nesting("conjunctions", "true", "&&true", "", ""),
    nesting("field chain", "std.length", ".b", "", ""),
    nesting("index chain", "x", "[0]", "", ""),
    nesting("call chain", "f", "(0)", "", ""),
    nesting("brace chain", "{}", "{}", "", ""),
    nesting("slice chain", "[]", "[::]", "", ""),
    nesting(
        "ctx chain",
        "function(ctx) ctx.identity.traits",
        ".a",
        "",
        "",
    ),
    nesting("locals", "", "local a = 1;", "a", ""),
    nesting("ifs", "", "if true then ", "1", ""),
    nesting("if else", "", "if true then 1 else ", "1", ""),
    nesting("functions", "", "function(x) ", "1", ""),
    nesting("asserts", "", "assert true;", "1", ""),
    nesting("errors", "", "error ", "1", ""),
    nesting("array comprehension", "[1 ", "for x in [1] ", "]", ""),
    nesting("nested comprehensions", "", "[", "1", " for x in [1]]"),
    nesting(
        "object comprehension",
        "{[x]: 1 ",
        "for x in ['a'] ",
        "}",
        "",
    ),
    nesting(
        "guards",
        "function(ctx) ",
        "if 'session' in ctx then ",
        "ctx.session.id",
        "",
    ),
    nesting("in super", "{a: ", "'a' in super && ", "true}", ""),
    nesting("mixture", "", "{a: [f(x.b[0] + -", "1", ")]}"),
    nesting(
        "objects of chains",
        "",
        "{a: x.b.c.d.e.f.g.h + [",
        "1",
        "]}",
    ),
    nesting("unclosed brackets", "", "[", "", ""),
    nesting("unclosed calls", "f", "(", "", ""),
];

/// Runs `work` on a thread with a 2 MiB stack.
fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(work)
        .expect("a thread")
        .join()
        .expect("no panic")
}

#[test]
fn every_kind_of_nesting_as_large_as_allowed_is_answered_on_a_small_stack() {
    on_small_stack(|| {
        let shape = CtxShape::of(Flow::Login, Timing::Before);
        for kind in &EVERY_KIND {
            let source = kind.filling(MAX_BODY_BYTES);
            assert!(source.len() <= MAX_BODY_BYTES, "{}", kind.name);
            let checked = check_body(&source);
            match &checked {
                // Deeper than the limit: refused, with the place.
                Err(BodyError::TooDeep { limit, .. }) => assert_eq!(*limit, MAX_DEPTH),
                // Or the syntax error before it.
                Err(BodyError::Syntax { .. }) if kind.name.starts_with("unclosed") => {}
                other => panic!("{}: {other:?}", kind.name),
            }
            assert!(checked.unwrap_err().place().is_some(), "{}", kind.name);
            assert_eq!(check_ctx(&source, shape), [], "{}", kind.name);
        }
        // Long, but not deep: every other condition of a comprehension is beside the first.
        let conditions = nesting("conditions", "[1 for x in [1] ", "if true ", "]", "");
        assert_eq!(
            check_body(&conditions.filling(MAX_BODY_BYTES)),
            Ok(BodyShape::Constant)
        );
    });
}

#[test]
fn every_kind_of_nesting_below_the_limit_is_checked_on_a_small_stack() {
    on_small_stack(|| {
        for kind in &EVERY_KIND {
            // At most six levels a time: deeper than the caller's stack takes.
            let source = kind.times(MAX_DEPTH / 6);
            let checked = check_body(&source);
            assert!(
                !matches!(checked, Err(BodyError::TooDeep { .. })),
                "{}: {checked:?}",
                kind.name
            );
            // The same template again on the thread's own stack: shallow enough now.
            let shallow = kind.times(10);
            assert!(
                !matches!(check_body(&shallow), Err(BodyError::TooDeep { .. })),
                "{}",
                kind.name
            );
        }
        // The reads of `ctx` are still followed that deep.
        let session = format!("function(ctx) ctx.session.id{}", "[0]".repeat(450));
        let shape = CtxShape::of(Flow::Registration, Timing::Before);
        assert_eq!(check_ctx(&session, shape).len(), 1);
    });
}

#[test]
fn chains_that_used_to_overflow_the_stack_are_refused_with_their_place() {
    on_small_stack(|| {
        for (head, link) in [
            ("std.length", ".b"),
            ("x", "[0]"),
            ("f", "(0)"),
            ("function(ctx) ctx.identity.traits", ".a"),
        ] {
            let source = format!("{head}{}", link.repeat(1_000));
            let Err(BodyError::TooDeep {
                line,
                column,
                limit,
            }) = check_body(&source)
            else {
                panic!("{head}{link}…: {:?}", check_body(&source));
            };
            assert_eq!((line, limit), (1, MAX_DEPTH));
            // At the link that makes the chain one level too deep.
            let links_before = (column - 1 - head.chars().count()) / link.len();
            assert!(
                (MAX_DEPTH - 10..MAX_DEPTH).contains(&links_before),
                "{head}{link}…: column {column}"
            );
            let message = check_body(&source).unwrap_err().to_string();
            assert!(
                message.contains("deeper than 500 levels at line 1, column"),
                "{message}"
            );
            assert!(message.contains("go-jsonnet"), "{message}");
        }
    });
}
