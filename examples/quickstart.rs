//! The whole loop with no account: a stack of actions planned and applied against a
//! self-hosted Kratos configuration checked into `examples/kratos/kratos.yaml`.
//!
//! ```sh
//! cargo run --example quickstart                 # plan
//! cargo run --example quickstart -- apply --yes  # write the file
//! cargo run --example quickstart -- destroy --yes
//! ```
//!
//! `--config PATH` (or `ORY_KRATOS_CONFIG`) points it at another file; without either it uses
//! the checked-in one. With no command it plans. Run it from the repository's root: the demo
//! API key is read from `examples/kratos/hook.key`.

use std::ffi::OsString;
use std::process::ExitCode;

use ory_actions::{Action, Stack, action, cli};

/// The quickstart's actions.
pub(crate) fn actions() -> Vec<Action> {
    vec![
        // Say welcome after every sign-up, whichever method was used.
        action! {
            name: "welcome",
            flow: registration,
            timing: after,
            auth_method: [password, code],
            url: "https://hooks.example.com/welcome",
            body: file("examples/templates/welcome.jsonnet"),
            response_ignore: true,
            headers: { "X-Source": "kratos" },
        },
        // Let a fraud check veto a login before it starts.
        action! {
            name: "login_guard",
            flow: login,
            timing: before,
            url: "https://hooks.example.com/guard",
            body: "function(ctx) { request_url: ctx.request_url }",
            can_interrupt: true,
            // A demo key in a file; a real one comes from `env("…")` or a mounted secret file.
            auth: api_key { name: "X-Api-Key", value: secret_file("examples/kratos/hook.key"), in: header },
        },
        // Tell the CRM when an address is verified.
        action! {
            name: "crm_verified",
            flow: verification,
            timing: after,
            url: "https://hooks.example.com/verified",
            body: "function(ctx) { id: ctx.identity.id }",
        },
    ]
}

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let named_config = args
        .iter()
        .any(|a| a == "--config" || a.to_string_lossy().starts_with("--config="));
    if !named_config && std::env::var_os("ORY_KRATOS_CONFIG").is_none() {
        args.push("--config".into());
        args.push(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/kratos/kratos.yaml").into());
    }
    if args
        .first()
        .is_none_or(|a| a.to_string_lossy().starts_with('-'))
    {
        args.insert(0, "plan".into());
    }
    cli::run_args(Stack::new().actions(actions()), args)
}
