//! Compile-time behaviour of `action!` that needs rustc: one program of what compiles
//! (`ui/pass`), and in `ui/fail` the spans as rustc renders them for a representative few, type
//! errors of computed values, the placeholder that keeps an error the only one, and a body nested
//! too deep for the compiler's stack. Every rule of the macro, with its message, is a unit test
//! of its validation (`macros/src/valid/tests.rs`). Regenerate `.stderr` files with
//! `TRYBUILD=overwrite cargo test --test ui` and review them as diffs.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/what_compiles.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
