//! `export` and `import` round trips: the code `export` prints, compiled into this test (the
//! files under `tests/exported/`) and planned against the same project, changes nothing.
//!
//! When `export`'s output changes on purpose, regenerate the files with
//! `ORY_ACTIONS_UPDATE_EXPORTED=1 cargo test --test export`, review the diff, and run again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ory_actions::Stack;
use ory_actions::testkit::{Options, TestKit};
use serde_json::json;

#[allow(dead_code, unreachable_pub)]
#[path = "exported/from_file.rs"]
mod from_file;

#[allow(dead_code, unreachable_pub)]
#[path = "exported/from_project.rs"]
mod from_project;

#[allow(dead_code, unreachable_pub)]
#[path = "exported/from_kratos_stub.rs"]
mod from_kratos_stub;

mod common;

use ory_actions::testkit::{Run, run_env};

fn run(env: &BTreeMap<&str, String>, stack: Stack, args: &[&str]) -> Run {
    run_env(stack, args, env)
}

/// Compares `exported` with the checked-in file, the source line aside; rewrites the file when
/// asked to.
fn assert_golden(name: &str, exported: &str, source: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/exported")
        .join(name);
    let normalised = exported.replace(source, "SOURCE");
    if std::env::var_os("ORY_ACTIONS_UPDATE_EXPORTED").is_some() {
        std::fs::write(&path, &normalised).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        golden,
        normalised,
        "export printed other code than {}; regenerate with ORY_ACTIONS_UPDATE_EXPORTED=1",
        path.display()
    );
}

/// Sets the placeholders' variables for this process. This test binary runs one test at a
/// time on the variables it sets (each name is unique to its test), and nothing else in it
/// reads the environment concurrently.
fn set_env(pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        #[allow(unsafe_code)]
        // SAFETY: see above; the names are not read by any other thread of this binary.
        unsafe {
            std::env::set_var(name, value)
        };
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ory-actions-export-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_kratos_config_exports_to_code_that_plans_no_changes() {
    let dir = temp_dir("file");
    let template = "function(ctx) {\n  url: ctx.request_url,\n  flow: ctx.flow.id,\n}\n";
    std::fs::write(dir.join("template.jsonnet"), template).unwrap();
    let config = include_str!("../runtime/src/backend/kratos_file/kratos.yaml")
        .replace("file:///etc/kratos/guard.jsonnet", "template.jsonnet")
        + r#"
# Hooks of every shape for the export round trip.
hooks_note: none
"#;
    let config = config.replace(
        "    settings:\n      ui_url: http://127.0.0.1:4455/settings\n",
        r#"    settings:
      ui_url: http://127.0.0.1:4455/settings
      after:
        password:
          hooks:
            - hook: web_hook
              config:
                url: https://hooks.example.com/audit
                method: PUT
                body: base64://eyBldmVudDogJ3Bhc3N3b3JkJyB9
                response:
                  ignore: true
                auth:
                  type: basic_auth
                  config:
                    user: ory
                    password: s3cret-password
                id: audit
                emit_analytics_event: false
            - hook: revoke_active_sessions
"#,
    );
    let path = dir.join("kratos.yaml");
    std::fs::write(&path, &config).unwrap();
    // `template.jsonnet` is relative to Kratos's working directory, here the test's folder.
    let env = BTreeMap::from([
        ("ORY_KRATOS_CONFIG", path.display().to_string()),
        ("ORY_ACTIONS_KRATOS_DIR", dir.display().to_string()),
    ]);
    let exported = run(&env, Stack::new(), &["export"]);
    assert_eq!(exported.code, 0, "{}", exported.err);
    assert!(exported.err.contains("1 secret(s)"), "{}", exported.err);
    assert!(!exported.out.contains("s3cret-password"));
    assert_golden("from_file.rs", &exported.out, &path.display().to_string());

    set_env(&[("WEBHOOK_2_PASSWORD", "s3cret-password")]);
    let plan = run(
        &env,
        Stack::new().actions(from_file::actions()),
        &["plan", "--detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "{}{}", plan.out, plan.err);
    assert!(
        plan.out
            .contains("No changes. The hooks match the stack (2 unchanged)."),
        "{}",
        plan.out
    );
}

#[test]
fn an_ory_network_project_exports_to_code_that_plans_no_changes() {
    // Ory Network may store bodies as links to the templates: the export reads them.
    let kit = TestKit::start(Options::default().bodies_as_urls(true)).unwrap();
    let project = kit.add_project(json!({"selfservice": {"flows": {
        "login": {"before": {"hooks": [
            {"hook": "web_hook", "config": {"url": "https://hooks.example.com/guard", "method": "POST",
                "body": "base64://ZnVuY3Rpb24oY3R4KSB7IHVybDogY3R4LnJlcXVlc3RfdXJsIH0=",
                "can_interrupt": true,
                "auth": {"type": "api_key", "config": {"name": "X-Key", "value": "k3y-value", "in": "cookie"}}}}
        ]}},
        "registration": {"after": {"hooks": [], "password": {"hooks": [
            {"hook": "web_hook", "config": {"url": "https://hooks.example.com/welcome", "method": "POST",
                "body": "base64://ZnVuY3Rpb24oY3R4KSB7CiAgZW1haWw6IGN0eC5pZGVudGl0eS50cmFpdHMuZW1haWwsCn0K",
                "response": {"parse": true}}},
            {"hook": "session"}
        ]}, "oidc": {"hooks": [
            {"hook": "web_hook", "config": {"url": "https://hooks.example.com/welcome", "method": "POST",
                "body": "base64://ZnVuY3Rpb24oY3R4KSB7CiAgZW1haWw6IGN0eC5pZGVudGl0eS50cmFpdHMuZW1haWwsCn0K",
                "response": {"parse": true}}},
            {"hook": "session"}
        ]}}},
        "verification": {"after": {"hooks": [
            {"hook": "web_hook", "config": {"url": "https://hooks.example.com/verified", "method": "TRACE"}}
        ]}}
    }}}));
    let mut env = kit.env();
    env.insert("ORY_PROJECT_ID", project.clone());
    let exported = run(&env, Stack::new(), &["export"]);
    assert_eq!(exported.code, 0, "{}", exported.err);
    assert!(!exported.out.contains("k3y-value"));
    assert!(
        exported
            .out
            .contains("// Not exported: TRACE https://hooks.example.com/verified"),
        "{}",
        exported.out
    );
    assert_golden("from_project.rs", &exported.out, &project);

    set_env(&[("WEBHOOK_1_API_KEY", "k3y-value")]);
    let plan = run(
        &env,
        Stack::new().actions(from_project::actions()),
        &["plan", "--detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "{}{}", plan.out, plan.err);
    assert!(plan.out.contains("(3 unchanged)"), "{}", plan.out);
    assert!(
        plan.out
            .contains("verification after TRACE https://hooks.example.com/verified"),
        "the TRACE hook is left alone: {}",
        plan.out
    );
}

#[test]
fn import_prints_the_hook_an_id_names_or_what_is_near() {
    let kit = TestKit::start(Options::default()).unwrap();
    let project = kit.add_project(json!({"selfservice": {"flows": {"login": {"after": {"password": {"hooks": [
        {"hook": "web_hook", "config": {"url": "https://h.example:8443/social/", "method": "PUT", "body": "base64://e30="}}
    ]}}}}}}));
    let env = kit.env();
    let found = run(
        &env,
        Stack::new(),
        &[
            "import",
            &format!("{project}:login:after:password:PUT:https://h.example:8443/social/"),
        ],
    );
    assert_eq!(found.code, 0, "{}", found.err);
    assert!(
        found.out.contains("auth_method: password,"),
        "{}",
        found.out
    );
    assert!(found.out.contains("method: PUT,"), "{}", found.out);

    let near = run(
        &env,
        Stack::new(),
        &[
            "import",
            &format!("{project}:login:after:password:https://h.example:8443/social"),
        ],
    );
    assert_eq!(near.code, 1);
    assert!(
        near.err
            .contains("login after password holds:\n  PUT https://h.example:8443/social/"),
        "{}",
        near.err
    );
    assert!(
        near.err.contains(
            "nearest match: PUT https://h.example:8443/social/ (a trailing slash differs)"
        ),
        "{}",
        near.err
    );

    let elsewhere = run(
        &env,
        Stack::new(),
        &[
            "import",
            &format!("{project}:login:after:oidc:https://h.example:8443/social/"),
        ],
    );
    assert_eq!(elsewhere.code, 1);
    assert!(
        elsewhere.err.contains("(another list)"),
        "{}",
        elsewhere.err
    );
}

/// Kratos's own `driver/config/stub/.kratos.yaml` (its 13 web hooks, 11 of them with the body
/// `/path/to/template.jsonnet`, which is not on this machine), as it is.
const KRATOS_STUB: &str = include_str!("exported/kratos_stub.yaml");

#[test]
fn bodies_not_on_this_machine_are_exported_as_references_that_plan_no_changes() {
    let dir = temp_dir("stub");
    let path = dir.join(".kratos.yaml");
    std::fs::write(&path, KRATOS_STUB).unwrap();
    let env = BTreeMap::from([("ORY_KRATOS_CONFIG", path.display().to_string())]);
    let exported = run(&env, Stack::new(), &["export"]);
    assert_eq!(exported.code, 0, "{}", exported.err);
    assert_eq!(
        exported.out.matches("action! {").count(),
        13,
        "{}",
        exported.out
    );
    assert!(
        !exported.out.contains("// Not exported"),
        "{}",
        exported.out
    );
    assert_eq!(
        exported
            .out
            .matches("body: kratos_file(\"/path/to/template.jsonnet\"),")
            .count(),
        11,
        "{}",
        exported.out
    );
    assert!(exported.out.contains("--path-map"), "{}", exported.out);
    assert!(!exported.out.contains("super-secret"), "{}", exported.out);
    assert_golden(
        "from_kratos_stub.rs",
        &exported.out,
        &path.display().to_string(),
    );

    // Compiled into this test and planned against the same file: nothing changes, although
    // the template cannot be read here (the references are the same).
    set_env(&[
        ("WEBHOOK_3_PASSWORD", "super-secret"),
        ("WEBHOOK_6_API_KEY", "My-Key-Value"),
    ]);
    let plan = run(
        &env,
        Stack::new().actions(from_kratos_stub::actions()),
        &["plan", "--detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "{}{}", plan.out, plan.err);
    assert!(
        plan.out
            .contains("No changes. The hooks match the stack (13 unchanged)."),
        "{}",
        plan.out
    );
}
