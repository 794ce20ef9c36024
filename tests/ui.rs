//! Compile-time behaviour of `action!`: what compiles (`ui/pass`) and the exact errors of what
//! does not (`ui/fail`, one rule per file). Regenerate `.stderr` files with
//! `TRYBUILD=overwrite cargo test --test ui` and review them as diffs.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
