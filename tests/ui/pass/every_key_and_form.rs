//! Every key, every form a value may take, keys in any order, with and without a trailing comma.

use ory_actions::{ApiKeyIn, Auth, Flow, HeaderValue, HttpMethod, ProjectId, Secret, Timing, action};

fn main() {
    let full = action! {
        response_parse: false,
        project_id: env("ORY_PROJECT_ID"),
        auth: api_key { r#in: header, value: secret_file("/run/secrets/key"), name: "X-Api-Key" },
        name: "everything",
        body: r#"local who = "ory"; function(ctx, greeting = "hi") { who: who, url: "https:\/\/x" }"#,
        can_interrupt: true,
        method: PATCH,
        url: "https://api.example.com:8443/hooks/everything?x=1",
        auth_method: [passkey, password],
        timing: after,
        headers: { "X-Tenant": "acme", "Authorization": env("HOOK_TOKEN") },
        emit_analytics_event: false,
        id: "everything",
        flow: registration
    };
    assert_eq!(full.name(), Some("everything"));
    assert_eq!((full.flow(), full.timing()), (Flow::Registration, Timing::After));
    assert_eq!(full.method(), HttpMethod::Patch);
    assert!(full.flags().can_interrupt && !full.flags().response_parse);
    assert_eq!(
        full.auth(),
        Some(&Auth::api_key("X-Api-Key", Secret::file("/run/secrets/key"), ApiKeyIn::Header))
    );
    assert_eq!(full.project_id(), Some(&ProjectId::Env("ORY_PROJECT_ID".into())));
    let headers: Vec<(&str, &HeaderValue)> = full.headers().collect();
    assert_eq!(
        headers,
        [
            ("X-Tenant", &HeaderValue::Plain("acme".into())),
            ("Authorization", &HeaderValue::Secret(Secret::env("HOOK_TOKEN"))),
        ]
    );
    assert_eq!((full.emit_analytics_event(), full.id()), (Some(false), Some("everything")));

    let minimal = action! {
        flow: verification,
        timing: before,
        url: "http://localhost/hook",
        method: DELETE,
        body: "{ constant: true }",
        auth: basic_auth { password: env("HOOK_PASSWORD"), user: "ory" },
        project_id: "550e8400-e29b-41d4-a716-446655440000",
        response_ignore: true,
    };
    assert_eq!(minimal.method(), HttpMethod::Delete);
    assert_eq!(
        minimal.auth(),
        Some(&Auth::basic_auth("ory", Secret::env("HOOK_PASSWORD")))
    );

    let all = action! { flow: login, timing: after, auth_method: all, url: "https://h.example" };
    assert_eq!(all.scopes().len(), 8);
}
