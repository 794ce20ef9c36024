//! The one test suite every [`Backend`] passes: reads give the lists last written, a write
//! against a stale revision is a conflict that changes nothing, a list the backend lacks can be
//! written, entries that are not the stack's come back as they were.

use ory_actions_core::Scope;
use serde_json::{Value, json};

use super::Backend;
use crate::hooks::ListWrite;

/// The identity configuration every backend starts from.
pub(super) fn initial_config() -> Value {
    json!({"selfservice": {"flows": {
        "login": {"before": {"hooks": [web_hook("https://hooks.example/first")]}},
        "registration": {"after": {"password": {"hooks": [{"hook": "session"}]}}},
    }}})
}

fn web_hook(url: &str) -> Value {
    json!({"hook": "web_hook", "config": {"url": url, "method": "POST", "body": "base64://e30=",
        "can_interrupt": false, "response": {"ignore": false, "parse": false}}})
}

/// Runs the suite on `backend`, which holds [`initial_config`].
pub(super) async fn check<T: Backend>(backend: T) {
    let label = backend.label();
    assert_eq!(label, backend.name().to_string());
    assert!(label.contains(backend.name().id()), "{label}");

    let first = backend.read().await.expect("the first read");
    assert_eq!(
        first.lists.values(Scope::LoginBefore),
        [web_hook("https://hooks.example/first")]
    );
    assert_eq!(
        first.lists.values(Scope::RegistrationAfterPassword),
        [json!({"hook": "session"})]
    );
    assert!(first.lists.get(Scope::SettingsBefore).is_none());

    // A write of a list that exists and of one that does not.
    let login = vec![
        web_hook("https://hooks.example/first"),
        web_hook("https://hooks.example/second"),
    ];
    let settings = vec![web_hook("https://hooks.example/settings")];
    let writes = [
        ListWrite::of_values(
            Scope::LoginBefore,
            Some(first.lists.values(Scope::LoginBefore)),
            login.clone(),
        ),
        ListWrite::of_values(Scope::SettingsBefore, None, settings.clone()),
    ];
    let written = backend
        .write(&first.revision, &writes)
        .await
        .expect("a write against the current revision");
    assert_ne!(written.state.revision, first.revision);
    let again = backend.read().await.expect("a read after the write");
    assert_eq!(again.revision, written.state.revision);
    for state in [&written.state, &again] {
        let entries = |scope| {
            state
                .lists
                .values(scope)
                .iter()
                .map(|e| e["config"]["url"].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            entries(Scope::LoginBefore),
            [
                "https://hooks.example/first",
                "https://hooks.example/second"
            ]
        );
        assert_eq!(
            entries(Scope::SettingsBefore),
            ["https://hooks.example/settings"]
        );
        assert_eq!(
            state.lists.values(Scope::RegistrationAfterPassword),
            [json!({"hook": "session"})]
        );
    }

    // A write against the revision read before: a conflict, and nothing changes.
    let stale = backend
        .write(
            &first.revision,
            &[ListWrite::of_values(
                Scope::LoginBefore,
                Some(first.lists.values(Scope::LoginBefore)),
                Vec::new(),
            )],
        )
        .await
        .expect_err("a write against a stale revision");
    assert!(stale.is_conflict(), "{stale}");
    let after = backend.read().await.expect("a read after the conflict");
    assert_eq!(after.revision, again.revision);
    assert_eq!(after.lists, again.lists);

    // A body reference the backend cannot read is a reason, not a failure of the run.
    assert!(
        backend
            .fetch_body("no-such-template.jsonnet")
            .await
            .is_err()
    );
}

fn run(future: impl std::future::Future<Output = ()>) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(future);
}

#[test]
fn a_kratos_configuration_file_conforms() {
    let mut config = initial_config();
    config["dsn"] = "memory".into();
    // YAML is a superset of JSON: the YAML file starts as one line of JSON, which the writes
    // then edit as YAML.
    for (name, text) in [
        ("kratos.yaml", serde_json::to_string(&config).unwrap()),
        (
            "kratos.json",
            serde_json::to_string_pretty(&config).unwrap(),
        ),
    ] {
        let dir = std::env::temp_dir().join(format!(
            "ory-actions-conformance-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        run(check(super::kratos_file::KratosFile::new(&path)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(feature = "testkit")]
#[test]
fn an_ory_network_project_conforms() {
    use crate::testkit::{Options, TestKit};
    let kit = TestKit::start(Options::default()).expect("the testkit starts");
    let project = kit.add_project(initial_config());
    let client = super::console::ConsoleClient::new(
        kit.url(),
        super::console::ApiKey::new(kit.api_key()),
        std::time::Duration::from_secs(10),
    )
    .expect("a client");
    run(check(super::console::ConsoleProject::new(
        std::sync::Arc::new(client),
        project,
    )));
}
