// Exported by ory-actions from project SOURCE.
// Secrets are read from the environment when the program runs; set these first:
//   WEBHOOK_1_API_KEY: the api key of POST https://hooks.example.com/guard in login before

use ory_actions::{Action, action};

/// The web hooks of project SOURCE.
pub fn actions() -> Vec<Action> {
    vec![
        action! {
            flow: login,
            timing: before,
            url: "https://hooks.example.com/guard",
            body: "function(ctx) { url: ctx.request_url }",
            auth: api_key { name: "X-Key", value: env("WEBHOOK_1_API_KEY"), in: cookie },
            can_interrupt: true,
        },
        action! {
            flow: registration,
            timing: after,
            auth_method: [password, oidc],
            url: "https://hooks.example.com/welcome",
            body: r#"
                function(ctx) {
                  email: ctx.identity.traits.email,
                }
            "#,
            response_parse: true,
        },
        // Not exported: TRACE https://hooks.example.com/verified in verification after: the HTTP method `TRACE` is not one `action!` takes.
    ]
}
