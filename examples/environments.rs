//! One program for every environment. `staging` and `production` run the same actions: one
//! welcome hook per tenant and a login guard. They differ in data, kept in code in the spirit
//! of Pulumi's stack configuration: the Kratos configuration file (or Ory Network project), the
//! host the hooks call, and the tenants.
//!
//! The environment comes from the variable `ORY_ACTIONS_ENV` (`staging` when unset):
//!
//! ```sh
//! cargo run --example environments                                 # plan staging
//! ORY_ACTIONS_ENV=production cargo run --example environments      # plan production
//! ORY_ACTIONS_ENV=production cargo run --example environments -- apply --yes
//! ```
//!
//! Each environment plans against its own file in `examples/environments/`; `--config`
//! (or `ORY_KRATOS_CONFIG`) names another file, and `--project` (or `ORY_PROJECT_ID`, with
//! `ORY_WORKSPACE_API_KEY`) an Ory Network project instead. With no command it plans.

use std::ffi::OsString;
use std::process::ExitCode;

use ory_actions::{Action, Stack, action, cli};

/// What differs between environments.
pub(crate) struct Environment {
    /// The name `ORY_ACTIONS_ENV` gives.
    pub(crate) name: &'static str,
    /// Its Kratos configuration file, relative to the repository's root.
    config: &'static str,
    /// The host its hooks call.
    pub(crate) hooks_host: &'static str,
    /// One welcome hook each.
    tenants: &'static [&'static str],
}

pub(crate) const ENVIRONMENTS: [Environment; 2] = [
    Environment {
        name: "staging",
        config: "examples/environments/staging.yaml",
        hooks_host: "hooks.staging.example.com",
        tenants: &["acme", "test"],
    },
    Environment {
        name: "production",
        config: "examples/environments/production.yaml",
        hooks_host: "hooks.example.com",
        tenants: &["acme", "globex", "initech"],
    },
];

/// The actions of `environment`: the same code everywhere, values from its data.
pub(crate) fn actions(environment: &Environment) -> Vec<Action> {
    let host = environment.hooks_host;
    let mut actions: Vec<Action> = environment
        .tenants
        .iter()
        .map(|tenant| {
            action! {
                name: format!("welcome-{tenant}"),
                flow: registration,
                timing: after,
                auth_method: [password, code],
                url: format!("https://{host}/welcome/{tenant}"),
                body: "function(ctx) { email: ctx.identity.traits.email }",
                headers: { "X-Tenant": tenant },
                response_ignore: true,
            }
        })
        .collect();
    actions.push(action! {
        name: "login_guard",
        flow: login,
        timing: before,
        url: format!("https://{host}/guard"),
        body: "function(ctx) { request_url: ctx.request_url }",
        can_interrupt: true,
    });
    actions
}

fn main() -> ExitCode {
    let name = std::env::var("ORY_ACTIONS_ENV").unwrap_or_else(|_| "staging".to_owned());
    let Some(environment) = ENVIRONMENTS.iter().find(|e| e.name == name) else {
        eprintln!(
            "error: unknown environment `{name}` in ORY_ACTIONS_ENV: expected `staging` or \
             `production`"
        );
        return ExitCode::FAILURE;
    };
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let elsewhere = args.iter().any(|a| {
        let a = a.to_string_lossy();
        a.starts_with("--config") || a.starts_with("--project")
    }) || ["ORY_KRATOS_CONFIG", "ORY_PROJECT_ID", "ORY_PROJECT"]
        .iter()
        .any(|var| std::env::var_os(var).is_some());
    if !elsewhere {
        args.push("--config".into());
        args.push(format!("{}/{}", env!("CARGO_MANIFEST_DIR"), environment.config).into());
    }
    if args
        .first()
        .is_none_or(|a| a.to_string_lossy().starts_with('-'))
    {
        args.insert(0, "plan".into());
    }
    cli::run_args(Stack::new().actions(actions(environment)), args)
}
