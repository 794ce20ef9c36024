//! `explain`: the chain Kratos runs per flow and method once the stack is applied, for the seed
//! and quickstart stacks against a configuration with flow-wide and per-method lists; one read,
//! nothing written.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ory_actions::Stack;
use serde_json::Value;

#[path = "../examples/quickstart.rs"]
#[allow(dead_code)]
mod quickstart;

/// A copy of `tests/explain/kratos.yaml` in a directory of its own.
fn config_copy(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ory-actions-explain-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kratos.yaml");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/explain/kratos.yaml"),
        &path,
    )
    .unwrap();
    path
}

fn explain_file(stack: Stack, path: &Path, extra: &[&str]) -> ory_actions::testkit::Run {
    let before = std::fs::read(path).unwrap();
    let config = path.to_str().unwrap();
    let mut args = vec!["explain", "--config", config];
    args.extend(extra);
    let run = ory_actions::testkit::run_env(stack, &args, &BTreeMap::new());
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "explain writes nothing"
    );
    run
}

#[test]
fn the_quickstart_explained_on_a_kratos_file() {
    let path = config_copy("quickstart");
    let run = explain_file(Stack::new().actions(quickstart::actions()), &path, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    let out = run.out.replace(path.to_str().unwrap(), "kratos.yaml");
    insta::assert_snapshot!("quickstart_explained", out);
}

#[test]
fn the_seed_explained_on_a_kratos_file_as_json() {
    let path = config_copy("seed");
    let run = explain_file(common::seed_stack(), &path, &["--json"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let json: Value = serde_json::from_str(&run.out).unwrap();
    insta::assert_snapshot!(
        "seed_explained_json",
        serde_json::to_string_pretty(&json).unwrap()
    );
    // Every chain has the documented keys, and `why` only where the step does not run.
    for chain in json.as_array().unwrap() {
        let keys: Vec<&str> = chain
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["auth_method", "chain", "flow", "timing"]);
        for step in chain["chain"].as_array().unwrap() {
            assert_eq!(step.get("why").is_some(), step["runs"] == false, "{step}");
            assert_eq!(
                step.get("url").is_some(),
                step["hook"] == "web_hook",
                "{step}"
            );
        }
    }
}

#[test]
fn one_flow_and_bad_flows() {
    let path = config_copy("flow");
    let run = explain_file(common::seed_stack(), &path, &["--flow", "recovery"]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.contains("recovery after"), "{}", run.out);
    assert!(!run.out.contains("login"), "{}", run.out);
    let run = explain_file(common::seed_stack(), &path, &["--flow", "registraton"]);
    assert_eq!(run.code, 1);
    assert!(
        run.err.contains("unknown flow `registraton` for `--flow`")
            && run.err.contains("did you mean `registration`?"),
        "{}",
        run.err
    );
}

#[test]
fn the_seed_explained_on_a_project_reads_once_and_writes_nothing() {
    let kit = common::testkit(ory_actions::testkit::Options::default());
    let mut config = common::sample_config();
    config["selfservice"]["flows"]["registration"]["after"]["hooks"] = serde_json::json!([
        {"hook": "web_hook", "config": {"url": "https://crm.example.com/signups", "method": "POST", "body": "base64://e30="}}
    ]);
    let project = kit.add_project(config);
    let before = kit.identity_config(&project);
    kit.clear_requests();
    let run = kit.run(
        &project,
        common::seed_stack(),
        &["explain", "--flow", "registration"],
    );
    assert_eq!(run.code, 0, "{}", run.err);
    assert_eq!((kit.count("GET"), kit.count("PATCH")), (1, 0));
    assert_eq!(kit.identity_config(&project), before);
    let out = run.out.replace(&project, "PROJECT");
    insta::assert_snapshot!("seed_explained_on_a_project", out);
}

/// Kratos's own example configuration (the reference copy of `driver/config/stub/.kratos.yaml`):
/// flow-wide and per-method lists of every flow, explained offline.
#[test]
fn kratos_own_example_configuration_explained() {
    let reference = common::reference();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ory-actions-explain-ref");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kratos.yaml");
    std::fs::copy(reference.join("kratos-config-example.yaml"), &path).unwrap();
    let run = explain_file(Stack::new(), &path, &["--json"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let json: Value = serde_json::from_str(&run.out).unwrap();
    let chain = |flow: &str, method: &str| -> Vec<(String, bool)> {
        json.as_array()
            .unwrap()
            .iter()
            .find(|c| c["flow"] == flow && c["timing"] == "after" && c["auth_method"] == method)
            .unwrap()["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let what = s["url"].as_str().unwrap_or(s["hook"].as_str().unwrap());
                (what.to_owned(), s["runs"].as_bool().unwrap())
            })
            .collect()
    };
    // Login with a password runs its own list; the flow-wide hook runs for the others.
    let password = chain("login", "password");
    assert!(
        password.contains(&("revoke_active_sessions".into(), true)),
        "{password:?}"
    );
    assert!(
        password.contains(&(
            "https://test.kratos.ory.sh/after_login_global_hook".into(),
            false
        )),
        "{password:?}"
    );
    assert!(chain("login", "totp").contains(&(
        "https://test.kratos.ory.sh/after_login_global_hook".into(),
        true
    )));
    let settings = chain("settings", "password");
    assert!(
        settings.contains(&(
            "https://test.kratos.ory.sh/after_settings_password_hook".into(),
            true
        )),
        "{settings:?}"
    );
}
