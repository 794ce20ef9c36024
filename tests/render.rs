//! Snapshots of the hook entries and pointers that declarations render to.

use base64::Engine as _;
use ory_actions::{Action, Secrets, action};

#[allow(dead_code)]
#[path = "../examples/seed.rs"]
mod seed;

/// Each hook list and entry of `actions`, secrets redacted, with the body decoded below it.
fn rendered(actions: &[Action]) -> String {
    let mut out = String::new();
    for action in actions {
        out.push_str(&format!("# {action}\n"));
        for hook in action.render(Secrets::Redacted).unwrap() {
            out.push_str(&format!("{hook}\n"));
            if let Some(body) = hook.entry()["config"]["body"].as_str() {
                let encoded = body.strip_prefix("base64://").expect("a base64 body");
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .unwrap();
                out.push_str("body:\n");
                out.push_str(std::str::from_utf8(&decoded).unwrap());
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out
}

#[test]
fn seed_stack() {
    insta::assert_snapshot!("seed_stack", rendered(&seed::actions()));
}

#[test]
fn a_list_valued_auth_method_renders_one_entry_per_list() {
    let action = action! {
        flow: registration,
        timing: after,
        auth_method: [password, oidc, passkey],
        url: "https://api.example.com/webhooks/signup",
        body: "function(ctx) { id: ctx.identity.id }",
        response_parse: true,
    };
    let hooks = action.render(Secrets::Redacted).unwrap();
    assert_eq!(hooks.len(), 3);
    assert!(hooks.windows(2).all(|w| w[0].entry() == w[1].entry()));
    insta::assert_snapshot!("auth_method_list", rendered(&[action]));
}

#[test]
fn file_bodies_auth_and_project() {
    let actions = [
        action! {
            name: "settings_audit",
            flow: settings,
            timing: after,
            auth_method: all,
            url: "https://api.example.com/webhooks/audit",
            method: PUT,
            body: file("tests/templates/audit.jsonnet"),
            response_ignore: true,
            auth: api_key { name: "X-Api-Key", value: env("ORY_ACTIONS_TEST_AUDIT_KEY"), in: cookie },
            project_id: "550e8400-e29b-41d4-a716-446655440000",
        },
        action! {
            flow: recovery,
            timing: after,
            url: "http://localhost:4000/recovered",
            body: r#"{ constant: "payload" }"#,
            auth: basic_auth { user: "ory", password: secret_file("/run/secrets/hook") },
            project_id: env("ORY_PROJECT_ID"),
        },
    ];
    assert_eq!(
        actions[0].body().unwrap().file(),
        Some("tests/templates/audit.jsonnet")
    );
    assert_eq!(
        actions[0].body().unwrap().source(),
        Some(include_str!("templates/audit.jsonnet"))
    );
    insta::assert_snapshot!("file_bodies_auth_and_project", rendered(&actions));
    insta::assert_debug_snapshot!("debug_of_an_action_with_auth", actions[1]);
}
