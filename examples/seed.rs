//! The four examples of the Terraform `ory_action` documentation, declared with `action!`, and
//! the command line that plans and applies them:
//!
//! ```sh
//! cargo run --example seed -- render        # the hook entries, without contacting Ory
//! cargo run --example seed -- plan          # what apply would change in ORY_PROJECT_ID
//! cargo run --example seed -- apply         # make it so
//! ```
//!
//! The documentation's `sync_verified` names `auth_method = "code"` for the verification flow,
//! which has no per-method hook lists: Ory refuses that. Here it is written the way Kratos
//! accepts it, with no `auth_method`; the documentation's form is kept, refused, in the macro's
//! unit test `verification_has_no_method_lists` (`macros/src/valid/tests.rs`).

use std::process::ExitCode;

use ory_actions::{Action, Stack, action, cli};

/// The actions of the seed stack.
pub(crate) fn actions() -> Vec<Action> {
    vec![
        // Post-registration web hook.
        action! {
            name: "welcome_email",
            flow: registration,
            timing: after,
            auth_method: password,
            url: "https://api.example.com/webhooks/welcome",
            method: POST,
            body: r#"
                function(ctx) {
                  email: ctx.identity.traits.email,
                  name: std.get(ctx.identity.traits, 'name', null),
                  created_at: ctx.identity.created_at
                }
            "#,
        },
        // Pre-login validation.
        action! {
            name: "validate_login",
            flow: login,
            timing: before,
            url: "https://api.example.com/webhooks/validate",
            method: POST,
            can_interrupt: true, // Allow the web hook to block login.
        },
        // Async audit log (fire and forget).
        action! {
            name: "audit_log",
            flow: settings,
            timing: after,
            auth_method: password,
            url: "https://api.example.com/webhooks/audit",
            method: POST,
            response_ignore: true,
        },
        // Post-verification sync.
        action! {
            name: "sync_verified",
            flow: verification,
            timing: after,
            url: "https://api.example.com/webhooks/user-verified",
            method: POST,
        },
    ]
}

fn main() -> ExitCode {
    cli::run(Stack::new().actions(actions()))
}
