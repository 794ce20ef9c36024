//! Compile-time behaviour of `action!` that needs rustc to see: in `ui/fail` the spans as rustc
//! renders them for a representative few, type errors of computed values, the placeholder that
//! keeps an error the only one, and a body nested too deep for the compiler's stack. Every rule
//! of the macro, with its message, is a unit test of its validation
//! (`macros/src/valid/tests.rs`); what compiles is an ordinary test (`tests/what_compiles.rs`),
//! so that trybuild only checks its cases and never links a binary. Regenerate `.stderr` files with
//! `TRYBUILD=overwrite cargo test --test ui` and review them as diffs.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
}
