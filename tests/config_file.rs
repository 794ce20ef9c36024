//! End to end against a self-hosted Kratos configuration file: the command line edits the file
//! in place, and nothing outside the changed hook lists moves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ory_actions::{Action, AuthMethod, Flow, Stack, Timing};
use serde_json::Value;

#[allow(dead_code)]
#[path = "../examples/quickstart.rs"]
mod quickstart;

mod common;

use ory_actions::testkit::{Run, run_confirming, run_env};

/// Runs the command line against `config`, validating every write against the Kratos schema.
fn run(config: &Path, stack: Stack, args: &[&str]) -> Run {
    let env: BTreeMap<&str, String> = BTreeMap::from([
        ("ORY_KRATOS_CONFIG", config.display().to_string()),
        (
            "ORY_KRATOS_SCHEMA",
            common::kratos_schema().display().to_string(),
        ),
    ]);
    run_env(stack, args, &env)
}

fn copy_to_temp(source: &Path, name: &str) -> PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ory-actions-file-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(source.file_name().unwrap());
    std::fs::copy(source, &path).unwrap();
    path
}

/// Every line of `before` that is not inside one of the changed lists is in `after`, in order.
fn assert_untouched_outside(before: &str, after: &str, changed_lists: &[&str]) {
    let mut skipping: Option<usize> = None;
    let mut kept = Vec::new();
    for line in before.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(list_indent) = skipping {
            if line.trim().is_empty()
                || indent > list_indent
                || line.trim_start().starts_with('-') && indent >= list_indent
            {
                continue;
            }
            skipping = None;
        }
        if changed_lists.iter().any(|key| line.trim_start() == *key) {
            skipping = Some(indent);
        }
        kept.push(line);
    }
    let mut after_lines = after.lines();
    for line in kept {
        assert!(
            after_lines.any(|l| l == line),
            "line {line:?} was lost or moved:\n{after}"
        );
    }
}

fn schema_problems(config: &Value) -> Vec<String> {
    ory_actions::testkit::kratos_config_problems(&common::kratos_schema(), config).unwrap()
}

#[test]
fn the_quickstart_applies_to_its_config_and_leaves_the_rest_byte_for_byte() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kratos/kratos.yaml");
    let before = std::fs::read_to_string(&source).unwrap();
    let path = copy_to_temp(&source, "quickstart");
    let stack = || Stack::new().actions(quickstart::actions());

    let plan = run(&path, stack(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}{}", plan.out, plan.err);
    assert!(
        plan.out
            .contains("Plan: 4 to create, 0 to update, 0 to delete."),
        "{}",
        plan.out
    );
    assert!(
        plan.out
            .contains("login after password POST https://audit.example.com/logins"),
        "{}",
        plan.out
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        before,
        "plan writes nothing"
    );

    let applied = run(&path, stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    let after = std::fs::read_to_string(&path).unwrap();
    // Only registration's password list held something that changed; the other lists are new.
    assert_untouched_outside(&before, &after, &["hooks:"]);
    for line in before.lines().filter(|l| l.trim_start().starts_with('#')) {
        assert!(after.contains(line), "comment {line:?} lost");
    }
    assert!(
        after.contains("url: \"https://audit.example.com/logins\""),
        "{after}"
    );
    assert!(after.contains("privileged_session_max_age: 15m"));
    // Entries look hand-written: `hook` first, `url` and `method` leading the config, and what
    // holds Kratos's defaults left out.
    assert!(
        after.contains(
            "          - hook: web_hook\n            config:\n              url: https://hooks.example.com/guard\n              method: POST\n"
        ),
        "{after}"
    );
    assert!(
        after.contains("                response:\n                  ignore: true\n"),
        "{after}"
    );
    for default in ["can_interrupt: false", "parse: false", "ignore: false"] {
        assert!(!after.contains(default), "{default} in {after}");
    }

    let again = run(&path, stack(), &["plan", "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}{}", again.out, again.err);
    assert!(again.out.contains("No changes."), "{}", again.out);

    // The written file, as the planner reads it, validates against the Kratos schema.
    assert_eq!(schema_problems(&planner_view(&path)), Vec::<String>::new());

    let destroyed = run(&path, stack(), &["destroy", "--yes"]);
    assert_eq!(destroyed.code, 0, "{}{}", destroyed.out, destroyed.err);
    let after_destroy = std::fs::read_to_string(&path).unwrap();
    assert!(after_destroy.contains("https://audit.example.com/logins"));
    assert!(!after_destroy.contains("hooks.example.com"));
}

/// The configuration as the runtime reads it.
fn planner_view(path: &Path) -> Value {
    ory_actions::testkit::read_kratos_config(path).unwrap()
}

#[test]
fn the_reference_example_config_keeps_its_hooks_and_quirks() {
    let source = common::reference().join("kratos-config-example.yaml");
    let before = std::fs::read_to_string(&source).unwrap();
    let path = copy_to_temp(&source, "reference");
    let guard = Action::builder(
        Flow::Recovery,
        Timing::Before,
        "https://hooks.example.com/guard",
    )
    .body("function(ctx) { url: ctx.request_url }")
    .header("X-Custom-Header", "test")
    .build()
    .unwrap();
    let audit = Action::builder(
        Flow::Settings,
        Timing::After,
        "https://hooks.example.com/audit",
    )
    .auth_method(AuthMethod::Totp)
    .body("{}")
    .id("settings-audit")
    .emit_analytics_event(false)
    .build()
    .unwrap();
    let stack = || Stack::new().action(guard.clone()).action(audit.clone());
    let plan = run(&path, stack(), &["plan"]);
    assert_eq!(plan.code, 0, "{}{}", plan.out, plan.err);
    assert!(plan.out.contains("Plan: 2 to create"), "{}", plan.out);
    assert!(
        plan.out.contains(
            "login after password POST https://test.kratos.ory.sh/after_login_password_hook"
        ),
        "{}",
        plan.out
    );
    assert!(
        !plan.out.contains("does not store"),
        "a Kratos file keeps headers and ids: {}",
        plan.out
    );

    let applied = run(&path, stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    let after = std::fs::read_to_string(&path).unwrap();
    // Both lists are new: every original line is still there, in order, with its quirks (a
    // trailing space after `headers:`, comments, the secrets).
    assert_untouched_outside(&before, &after, &[]);
    assert!(
        after.contains("              headers: \n"),
        "the trailing space stays"
    );
    assert!(after.contains("id: settings-audit"), "{after}");

    let again = run(&path, stack(), &["plan", "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.out);
    assert_eq!(schema_problems(&planner_view(&path)), Vec::<String>::new());
}

#[test]
fn a_json_config_is_edited_and_stays_json() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ory-actions-file-json");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kratos.json");
    std::fs::write(
        &path,
        "{\n  \"dsn\": \"memory\",\n  \"selfservice\": {\n    \"default_browser_return_url\": \"http://127.0.0.1:4455/\",\n    \"flows\": {\n      \"registration\": {\n        \"after\": {\n          \"password\": {\n            \"hooks\": [{\"hook\": \"session\"}]\n          }\n        }\n      }\n    }\n  }\n}\n",
    )
    .unwrap();
    let stack = || Stack::new().actions(quickstart::actions());
    let applied = run(&path, stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    assert_eq!(parsed["dsn"], "memory");
    let list = &parsed["selfservice"]["flows"]["registration"]["after"]["password"]["hooks"];
    assert_eq!(
        list[0]["config"]["url"],
        "https://hooks.example.com/welcome"
    );
    assert_eq!(list[1]["hook"], "session");
    let again = run(&path, stack(), &["plan", "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.out);
}

#[test]
fn secrets_in_a_config_file_stay_in_the_file() {
    let secret = "planted-file-s3cret";
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ory-actions-file-secret");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("key"), secret).unwrap();
    let path = dir.join("kratos.yaml");
    std::fs::write(
        &path,
        format!(
            "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n          - hook: web_hook\n            config:\n              url: https://theirs.example/hook\n              method: POST\n              body: base64://e30=\n              auth:\n                type: basic_auth\n                config:\n                  user: them\n                  password: {secret}\n"
        ),
    )
    .unwrap();
    let ours = Action::builder(
        Flow::Login,
        Timing::Before,
        "https://hooks.example.com/guard",
    )
    .body("{}")
    .auth(ory_actions::Auth::basic_auth(
        "ory",
        ory_actions::Secret::file(dir.join("key")),
    ))
    .build()
    .unwrap();
    let mut seen = String::new();
    for args in [
        &["plan"][..],
        &["plan", "--json"],
        &["apply", "--yes"],
        &["plan"],
        &["export"],
        &["render"],
    ] {
        let run = run(&path, Stack::new().action(ours.clone()), args);
        assert_eq!(run.code, 0, "{args:?}: {}{}", run.out, run.err);
        seen.push_str(&run.out);
        seen.push_str(&run.err);
    }
    assert!(!seen.contains(secret), "{seen}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text.matches(secret).count(),
        2,
        "theirs and ours, in the file only"
    );
}

#[test]
fn a_write_the_kratos_schema_refuses_is_not_made() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ory-actions-file-schema");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kratos.yaml");
    // Somebody else's entry that Kratos does not accept in this list; the planner keeps it, so
    // the rewritten list would be refused by Kratos at its next start.
    let text = "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n          - hook: session\n";
    std::fs::write(&path, text).unwrap();
    let guard = Action::builder(
        Flow::Login,
        Timing::Before,
        "https://hooks.example.com/guard",
    )
    .body("{}")
    .build()
    .unwrap();
    let applied = run(&path, Stack::new().action(guard), &["apply", "--yes"]);
    assert_eq!(applied.code, 1, "{}", applied.out);
    assert!(
        applied
            .err
            .contains("would not be valid for Kratos, so nothing was written"),
        "{}",
        applied.err
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

/// Runs `apply` against `config`, with `edit` run on the file where the user confirms the plan.
fn apply_with_edit_at_confirmation(config: &Path, edit: impl Fn(&Path)) -> Run {
    let env = BTreeMap::from([("ORY_KRATOS_CONFIG", config.display().to_string())]);
    let mut confirm = |_: &str| {
        edit(config);
        true
    };
    run_confirming(
        Stack::new().actions(quickstart::actions()),
        &["apply"],
        &env,
        &mut confirm,
    )
}

#[test]
fn a_file_changed_on_disk_after_the_plan_is_read_again_and_never_overwritten() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kratos/kratos.yaml");

    // Someone else's edit that leaves the plan as it was: read again, planned again, written.
    let path = copy_to_temp(&source, "changed-same-plan");
    let applied = apply_with_edit_at_confirmation(&path, |config| {
        let text = std::fs::read_to_string(config).unwrap();
        std::fs::write(config, format!("{text}# edited while the plan was shown\n")).unwrap();
    });
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    assert!(
        applied
            .out
            .contains("4 created, 0 updated, 0 deleted, after 2 attempts"),
        "{}",
        applied.out
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("# edited while the plan was shown"),
        "{after}"
    );
    assert!(
        after.contains("https://hooks.example.com/verified"),
        "{after}"
    );

    // Someone else's edit that changes the plan: nothing is written, exit code 3, and the
    // message speaks of the file.
    let path = copy_to_temp(&source, "changed-other-plan");
    let refused = apply_with_edit_at_confirmation(&path, |config| {
        let text = std::fs::read_to_string(config).unwrap().replace(
            "      ui_url: http://127.0.0.1:4455/verification\n",
            "      ui_url: http://127.0.0.1:4455/verification\n      after:\n        hooks:\n          \
             - hook: web_hook\n            config:\n              url: https://hooks.example.com/verified\n              \
             method: POST\n",
        );
        std::fs::write(config, text).unwrap();
    });
    assert_eq!(refused.code, 3, "{}{}", refused.out, refused.err);
    assert!(
        refused.err.contains(&format!(
            "Kratos config {} was changed by someone else after the plan was confirmed",
            path.display()
        )),
        "{}",
        refused.err
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(!after.contains("hooks.example.com/welcome"), "{after}");
}

#[test]
fn a_saml_list_is_refused_for_a_kratos_file_and_all_leaves_it_out() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kratos/kratos.yaml");
    let path = copy_to_temp(&source, "saml");
    let before = std::fs::read_to_string(&path).unwrap();
    let sso = Action::builder(Flow::Login, Timing::After, "https://hooks.example.com/sso")
        .name("sso")
        .auth_method([AuthMethod::Password, AuthMethod::Saml])
        .body("{}")
        .build()
        .unwrap();
    for args in [&["plan"][..], &["apply", "--yes"]] {
        let refused = run(&path, Stack::new().action(sso.clone()), args);
        assert_eq!(refused.code, 1, "{}{}", refused.out, refused.err);
        assert!(
            refused
                .err
                .contains("self-hosted Kratos has no `saml` hook list"),
            "{}",
            refused.err
        );
        assert!(
            refused.out.contains(&format!(
                "Plan incomplete: Kratos config {} could not be planned (see the errors).",
                path.display()
            )),
            "{}",
            refused.out
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }
    let everywhere = Action::builder(Flow::Settings, Timing::After, "https://hooks.example.com/s")
        .auth_method(ory_actions::AuthMethods::All)
        .body("{}")
        .build()
        .unwrap();
    let applied = run(&path, Stack::new().action(everywhere), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    assert!(applied.out.contains("7 created"), "{}", applied.out);
    assert!(!std::fs::read_to_string(&path).unwrap().contains("saml"));
}

/// A configuration whose hooks name their bodies by path, as Kratos reads them: a path relative
/// to Kratos's working directory, a path inside Kratos's container, and a file that is not a
/// template. Returns the folder and the configuration's path.
fn config_with_body_paths(name: &str) -> (PathBuf, PathBuf) {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ory-actions-file-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["workdir/templates", "container"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let template = "function(ctx) { id: ctx.identity.id }\n";
    std::fs::write(dir.join("workdir/templates/welcome.jsonnet"), template).unwrap();
    std::fs::write(dir.join("container/welcome.jsonnet"), template).unwrap();
    std::fs::write(dir.join("key.json"), "{\"private_key\": \"s3cret-key\"}\n").unwrap();
    let hook = |url: &str, body: &str| {
        format!(
            "            - hook: web_hook\n              config:\n                url: {url}\n                method: POST\n                body: {body}\n"
        )
    };
    let config = format!(
        "selfservice:\n  flows:\n    registration:\n      after:\n        password:\n          hooks:\n{}{}{}{}",
        hook(
            "https://h.example/relative",
            "file://templates/welcome.jsonnet"
        ),
        hook(
            "https://h.example/container",
            "file:///etc/config/kratos/welcome.jsonnet"
        ),
        hook(
            "https://h.example/key",
            &format!("file://{}", dir.join("key.json").display())
        ),
        hook("https://h.example/bare", "templates/welcome.jsonnet"),
    );
    let path = dir.join("kratos.yaml");
    std::fs::write(&path, config).unwrap();
    (dir, path)
}

/// The actions of [`config_with_body_paths`], each with the template inline, and one that
/// names the bare path as a reference.
fn body_path_stack() -> Stack {
    let inline = |url: &str| {
        Action::builder(Flow::Registration, Timing::After, url.to_owned())
            .auth_method(AuthMethod::Password)
            .body("function(ctx) { id: ctx.identity.id }")
            .build()
            .unwrap()
    };
    Stack::new()
        .action(inline("https://h.example/relative"))
        .action(inline("https://h.example/container"))
        .action(inline("https://h.example/key"))
        .action(
            Action::builder(Flow::Registration, Timing::After, "https://h.example/bare")
                .auth_method(AuthMethod::Password)
                .body_kratos_file("templates/welcome.jsonnet")
                .build()
                .unwrap(),
        )
}

#[test]
fn body_paths_are_read_where_kratos_reads_them() {
    let (dir, path) = config_with_body_paths("kratos-dir");
    let workdir = dir.join("workdir").display().to_string();
    let container = format!("/etc/config/kratos={}", dir.join("container").display());

    // Without --kratos-dir a relative path is read from the current directory, as Kratos reads
    // it from its own; this test's current directory has no `templates/`.
    let plain = run(&path, body_path_stack(), &["plan"]);
    assert_eq!(plain.code, 0, "{}", plain.err);
    assert!(
        plain.out.contains("Plan: 0 to create, 3 to update"),
        "{}",
        plain.out
    );
    assert!(plain.out.contains("--kratos-dir"), "{}", plain.out);
    assert!(plain.out.contains("--path-map"), "{}", plain.out);

    // With them, both templates are found; the declared reference matches the bare path
    // without reading anything; the key file is read but never shown.
    let flags = run(
        &path,
        body_path_stack(),
        &["plan", "--kratos-dir", &workdir, "--path-map", &container],
    );
    assert_eq!(flags.code, 0, "{}", flags.err);
    assert!(
        flags.out.contains("Plan: 0 to create, 1 to update"),
        "{}",
        flags.out
    );
    assert!(
        flags
            .out
            .contains("is not a Jsonnet template, so it is not shown"),
        "{}",
        flags.out
    );
    assert!(!flags.out.contains("s3cret"), "{}", flags.out);

    // The same from the environment, maps separated by commas (the longest prefix wins).
    let env = BTreeMap::from([
        ("ORY_KRATOS_CONFIG", path.display().to_string()),
        ("ORY_ACTIONS_KRATOS_DIR", workdir.clone()),
        (
            "ORY_ACTIONS_PATH_MAP",
            format!("/etc=/nowhere, {container}"),
        ),
    ]);
    let from_env = run_env(body_path_stack(), &["plan"], &env);
    assert_eq!(from_env.code, 0, "{}", from_env.err);
    assert_eq!(from_env.out, flags.out);

    // A flag wins over the variable.
    let overridden = run_env(
        body_path_stack(),
        &["plan", "--kratos-dir", "/nowhere"],
        &env,
    );
    assert!(
        overridden.out.contains("Plan: 0 to create, 2 to update"),
        "{}",
        overridden.out
    );

    let bad = run(&path, body_path_stack(), &["plan", "--path-map", "etc=./x"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.err
            .contains("--path-map: a path map starts with an absolute path"),
        "{}",
        bad.err
    );
}
