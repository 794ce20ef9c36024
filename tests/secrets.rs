//! No secret ever shows: credentials planted in the URLs of hooks a target holds, and secrets in
//! every secret-bearing field (api key value, basic auth password, secret headers) of the
//! target's hooks and of the declared ones, on both targets, through every command and every
//! output form (text, JSON, Markdown, exports, errors, progress lines, `Debug`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ory_actions::testkit::Options;
use ory_actions::{Action, ApiKeyIn, Auth, AuthMethod, Flow, Prune, Secret, Stack, Timing};
use serde_json::{Value, json};

mod common;

use common::testkit;
use ory_actions::testkit::{Run, run_env};

/// Every value that must never be shown.
const PLANTED: [&str; 7] = [
    "hunter2",
    "remote-key-s3cret",
    "remote-password-s3cret",
    "remote-header-s3cret",
    "declared-key-s3cret",
    "declared-password-s3cret",
    "declared-header-s3cret",
];

/// The identity configuration of the target: hooks that hold secrets, one at a URL with
/// credentials, one the stack declares (with another secret than the stack's).
fn config_with_secrets() -> Value {
    let hook = |url: &str, auth: Value, headers: Value| {
        json!({"hook": "web_hook", "config": {"url": url, "method": "POST",
            "body": "base64://e30=", "auth": auth, "headers": headers}})
    };
    json!({"selfservice": {"flows": {
        "login": {"before": {"hooks": [
            hook(
                "https://admin:hunter2@old.example.com/hook",
                json!({"type": "basic_auth", "config": {"user": "admin", "password": "remote-password-s3cret"}}),
                json!({"X-Signature": "remote-header-s3cret"}),
            ),
            hook(
                "https://hooks.example.com/declared",
                json!({"type": "api_key", "config": {"name": "X-Api-Key", "value": "remote-key-s3cret", "in": "header"}}),
                json!({}),
            ),
        ]}},
        "registration": {"after": {"password": {"hooks": [{"hook": "session"}]}}},
    }}})
}

/// The stack: the declared hook with other secrets, a new one with basic auth and a secret
/// header, every other web hook owned (so the one at the credentialed URL is deleted).
fn stack(dir: &Path) -> Stack {
    let file = |name: &str, value: &str| {
        let path = dir.join(name);
        std::fs::write(&path, value).unwrap();
        Secret::file(path)
    };
    Stack::new().prune(Prune::All).actions([
        Action::builder(
            Flow::Login,
            Timing::Before,
            "https://hooks.example.com/declared",
        )
        .name("declared")
        .body("{}")
        .auth(Auth::api_key(
            "X-Api-Key",
            file("key", "declared-key-s3cret"),
            ApiKeyIn::Header,
        ))
        .build()
        .unwrap(),
        Action::builder(
            Flow::Registration,
            Timing::After,
            "https://hooks.example.com/new",
        )
        .name("new")
        .auth_method(AuthMethod::Password)
        .body("{}")
        .auth(Auth::basic_auth(
            "ory",
            file("password", "declared-password-s3cret"),
        ))
        .secret_header("X-Signature", file("header", "declared-header-s3cret"))
        .build()
        .unwrap(),
    ])
}

/// Every command, in an order that keeps the target holding the planted secrets where it can.
const COMMANDS: [&[&str]; 9] = [
    &["plan"],
    &["plan", "--json"],
    &["plan", "--markdown"],
    &["render"],
    &["render", "--json"],
    &["export"],
    &[
        "import",
        "PROJECT:login:before:https://admin:hunter2@old.example.com/hook",
    ],
    &["apply", "--yes"],
    &["destroy", "--yes"],
];

fn assert_clean(what: &str, output: &Run) {
    let shown = format!("{}\n{}", output.out, output.err);
    for secret in PLANTED {
        assert!(!shown.contains(secret), "{what} shows `{secret}`:\n{shown}");
    }
}

fn temp(name: &str) -> PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ory-actions-leak-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn no_secret_shows_for_an_ory_network_project() {
    let dir = temp("project");
    for returned in [true, false] {
        let kit = testkit(Options::default().return_secrets(returned));
        let project = kit.add_project(config_with_secrets());
        let mut codes = Vec::new();
        for args in COMMANDS {
            let args: Vec<String> = args
                .iter()
                .map(|a| a.replace("PROJECT", &project))
                .collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = kit.run(&project, stack(&dir), &args);
            assert_clean(&format!("{args:?} (secrets returned: {returned})"), &output);
            codes.push(output.code);
        }
        // Every command ran: errors would hide output worth scanning.
        assert_eq!(codes, [0; 9], "secrets returned: {returned}");
        // Ory's own messages are scrubbed of what was sent, and a second project makes progress
        // lines; neither shows a secret.
        let other = kit.add_project(config_with_secrets());
        kit.inject(ory_actions::testkit::Fault::EchoingRejection);
        let env = kit.env();
        let base = stack(&dir);
        let two: Vec<Action> = base
            .get_actions()
            .iter()
            .flat_map(|a| {
                [project.clone(), other.clone()].map(|p| {
                    Action::builder(a.flow(), a.timing(), a.url().to_owned())
                        .auth_method(
                            a.scopes()
                                .iter()
                                .filter_map(|s| s.method())
                                .collect::<Vec<_>>(),
                        )
                        .body("{}")
                        .auth(a.auth().unwrap().clone())
                        .project_id(ory_actions::ProjectId::Literal(p.into()))
                        .build()
                        .unwrap_or_else(|_| a.clone())
                })
            })
            .collect();
        let rejected = run_env(
            Stack::new().prune(Prune::All).actions(two),
            &["apply", "--yes"],
            &env,
        );
        assert_eq!(rejected.code, 1, "{}{}", rejected.out, rejected.err);
        assert_clean("a rejected write", &rejected);
    }
    let debug = format!("{:?}", stack(&dir));
    for secret in PLANTED {
        assert!(!debug.contains(secret), "{debug}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn no_secret_shows_for_a_kratos_config_file() {
    let dir = temp("file");
    let config = dir.join("kratos.json");
    std::fs::write(
        &config,
        serde_json::to_string_pretty(&config_with_secrets()).unwrap(),
    )
    .unwrap();
    let env = BTreeMap::from([("ORY_KRATOS_CONFIG", config.display().to_string())]);
    let mut codes = Vec::new();
    for args in COMMANDS {
        let output = run_env(stack(&dir), args, &env);
        assert_clean(&format!("{args:?}"), &output);
        codes.push(output.code);
        if args == ["apply", "--yes"] {
            // The secrets are where they belong: in the file.
            let written = std::fs::read_to_string(&config).unwrap();
            for secret in ["declared-key-s3cret", "declared-password-s3cret"] {
                assert!(written.contains(secret), "{written}");
            }
        }
    }
    assert_eq!(codes, [0; 9]);
    std::fs::remove_dir_all(&dir).unwrap();
}
