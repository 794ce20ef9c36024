//! Values computed when the program runs: checked before anything is read or written, with the
//! place of each declaration in the message; and actions made in a loop that converge.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ory_actions::{Stack, action};

mod common;

use ory_actions::testkit::run_env;

#[allow(dead_code)]
#[path = "../examples/environments.rs"]
mod environments;

fn copy_of(source: &str, name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ory-actions-computed-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kratos.yaml");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(source), &path).unwrap();
    path
}

#[test]
fn invalid_computed_values_stop_every_command_before_anything_is_read_or_written() {
    let path = copy_of("examples/environments/staging.yaml", "invalid");
    let before = std::fs::read_to_string(&path).unwrap();
    let host = "hooks.example.com/a b";
    let body = String::from("function(ctx) { id: ctx.identity.id, \" }");
    let line = line!() + 1;
    let broken = action! {
        name: format!("welcome-{}", "acme"),
        flow: registration,
        timing: after,
        auth_method: password,
        url: format!("https://{host}"),
        body: body,
    };
    let project = String::from("not a project id!");
    let header = format!("X-Tenant:{}", "acme");
    let line_of_second = line!() + 1;
    let second = action! {
        flow: login,
        timing: before,
        url: "https://hooks.example.com/guard",
        body: "{}",
        project_id: project,
        headers: { (header): "acme" },
    };
    let env = BTreeMap::from([("ORY_KRATOS_CONFIG", path.display().to_string())]);
    for args in [
        &["plan"][..],
        &["plan", "--json"],
        &["apply", "--yes"],
        &["destroy", "--yes"],
        &["render"],
    ] {
        let stack = Stack::new().action(broken.clone()).action(second.clone());
        let run = run_env(stack, args, &env);
        assert_eq!(run.code, 1, "{args:?}: {}{}", run.out, run.err);
        assert_eq!(run.out, "", "{args:?}: nothing is shown");
        let place = format!("error: tests/computed.rs:{line}:");
        let lines: Vec<&str> = run.err.lines().collect();
        assert!(
            lines[0].starts_with(&place)
                && lines[0].contains("action `welcome-acme`")
                && lines[0].contains("white space"),
            "{}",
            run.err
        );
        assert!(
            lines[1].starts_with(&place) && lines[1].contains("Jsonnet"),
            "{}",
            run.err
        );
        let second_place = format!("error: tests/computed.rs:{line_of_second}:");
        assert!(
            lines[2].starts_with(&second_place)
                && lines[2].contains("`X-Tenant:acme` is not a valid header name"),
            "{}",
            run.err
        );
        assert!(
            lines[3].starts_with(&second_place) && lines[3].contains("not an Ory project id"),
            "{}",
            run.err
        );
        assert!(
            lines[4].contains("2 action(s) have invalid computed values"),
            "{}",
            run.err
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before, "{args:?}");
    }
}

#[test]
fn actions_made_in_a_loop_plan_apply_and_converge() {
    for (environment, source, tenants) in [
        (
            &environments::ENVIRONMENTS[0],
            "examples/environments/staging.yaml",
            2,
        ),
        (
            &environments::ENVIRONMENTS[1],
            "examples/environments/production.yaml",
            3,
        ),
    ] {
        let path = copy_of(source, environment.name);
        let env = BTreeMap::from([("ORY_KRATOS_CONFIG", path.display().to_string())]);
        let stack = || Stack::new().actions(environments::actions(environment));
        let plan = run_env(stack(), &["plan"], &env);
        assert_eq!(plan.code, 0, "{}{}", plan.out, plan.err);
        // One welcome hook per tenant in two lists, and the guard.
        let creates = 2 * tenants + 1;
        assert!(
            plan.out.contains(&format!("Plan: {creates} to create")),
            "{}",
            plan.out
        );
        assert!(plan.out.contains(environment.hooks_host), "{}", plan.out);
        let applied = run_env(stack(), &["apply", "--yes"], &env);
        assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
        let again = run_env(stack(), &["plan", "--detailed-exitcode"], &env);
        assert_eq!(again.code, 0, "{}{}", again.out, again.err);
        assert!(again.out.contains("No changes."), "{}", again.out);
    }
}

#[test]
fn a_computed_body_that_reads_what_the_hook_lacks_is_refused_before_anything_is_written() {
    let path = copy_of("examples/environments/staging.yaml", "ctx");
    let before = std::fs::read_to_string(&path).unwrap();
    let field = "session";
    let body = format!("function(ctx) {{\n  id: ctx.identity.id,\n  sid: ctx.{field}.id,\n}}");
    let line = line!() + 1;
    let welcome = action! {
        name: "welcome",
        flow: registration,
        timing: after,
        auth_method: password,
        url: "https://hooks.example.com/welcome",
        body: body,
    };
    let problems: Vec<String> = welcome
        .check()
        .unwrap_err()
        .problems()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("the Jsonnet body reads `ctx.session` at line 3, column 8")
            && problems[0]
                .contains("only passed to login after, settings before and settings after hooks"),
        "{}",
        problems[0]
    );
    let env = BTreeMap::from([("ORY_KRATOS_CONFIG", path.display().to_string())]);
    let run = run_env(Stack::new().action(welcome), &["apply", "--yes"], &env);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(
        run.err
            .starts_with(&format!("error: tests/computed.rs:{line}:"))
            && run.err.contains("`ctx.session`"),
        "{}",
        run.err
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    // Guarded, the same read is fine.
    let guarded = action! {
        flow: registration,
        timing: after,
        auth_method: password,
        url: "https://hooks.example.com/welcome",
        body: format!("function(ctx) {{ sid: if '{field}' in ctx then ctx.{field}.id }}"),
    };
    guarded.check().unwrap();
}
