// Exported by ory-actions from Kratos config SOURCE.
// Secrets are read from the environment when the program runs; set these first:
//   WEBHOOK_2_PASSWORD: the basic auth password of PUT https://hooks.example.com/audit in settings after password

use ory_actions::{Action, action};

/// The web hooks of Kratos config SOURCE.
pub fn actions() -> Vec<Action> {
    vec![
        action! {
            flow: login,
            timing: before,
            url: "https://guard.example/check",
            body: r#"
                function(ctx) {
                  url: ctx.request_url,
                  flow: ctx.flow.id,
                }
            "#,
            headers: { "X-Custom-Header": "test" },
        },
        action! {
            flow: settings,
            timing: after,
            auth_method: password,
            url: "https://hooks.example.com/audit",
            method: PUT,
            body: "{ event: 'password' }",
            auth: basic_auth { user: "ory", password: env("WEBHOOK_2_PASSWORD") },
            response_ignore: true,
            emit_analytics_event: false,
            id: "audit",
        },
    ]
}
