//! One program for both ends of its hooks: it declares them with `action!`, plans and applies
//! them like any stack, and serves them with axum, each handler typed by the payload its body
//! makes and answering a [`Reply`]. Its test probes the service in process against the same
//! declarations ([`Stack::probe_service`]).
//!
//! ```sh
//! cargo run --features axum --example service -- plan     # against examples/kratos/kratos.yaml
//! cargo run --features axum --example service -- serve    # on 127.0.0.1:8080
//! cargo test --features axum --example service            # the in-process probe
//! ```
//!
//! The hooks call `HOOKS_URL` (default `http://127.0.0.1:8080`), where `serve` listens
//! (`--listen ADDR` to listen elsewhere). Run it from the repository's root: the demo API key is
//! read from `examples/kratos/hook.key`.

use std::ffi::OsString;
use std::process::ExitCode;

use axum::Router;
use ory_actions::receive::{self, Hook};
use ory_actions::reply::{Identity, Message, Reply};
use ory_actions::{Action, Stack, action, cli};
use serde::Deserialize;
use serde_json::json;

/// Where the hooks are served.
fn base() -> String {
    std::env::var("HOOKS_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into())
}

/// Welcomes every new identity; Kratos does not wait for it.
fn welcome() -> Action {
    action! {
        name: "welcome",
        flow: registration,
        timing: after,
        auth_method: [password, code],
        url: format!("{}/welcome", base()),
        body: "function(ctx) { id: ctx.identity.id, email: ctx.identity.traits.email }",
        response_ignore: true,
        auth: api_key { name: "X-Api-Key", value: secret_file("examples/kratos/hook.key"), in: header },
    }
}

/// Lets only invited addresses sign up with a password: it can stop the flow.
fn invite_only() -> Action {
    action! {
        name: "invite_only",
        flow: registration,
        timing: after,
        auth_method: password,
        url: format!("{}/invite", base()),
        body: "function(ctx) { email: ctx.identity.traits.email }",
        can_interrupt: true,
        auth: api_key { name: "X-Api-Key", value: secret_file("examples/kratos/hook.key"), in: header },
    }
}

/// Gives every new identity a plan before it is saved.
fn plan() -> Action {
    action! {
        name: "plan",
        flow: registration,
        timing: after,
        auth_method: password,
        url: format!("{}/plan", base()),
        body: "function(ctx) { email: ctx.identity.traits.email, metadata: ctx.identity.metadata_public }",
        response_parse: true,
        auth: api_key { name: "X-Api-Key", value: secret_file("examples/kratos/hook.key"), in: header },
    }
}

/// What `welcome`'s body sends.
#[derive(Deserialize)]
struct Welcome {
    id: String,
    email: String,
}

/// What `invite_only`'s body sends.
#[derive(Deserialize)]
struct SignUp {
    email: String,
}

/// What `plan`'s body sends: the metadata is `null` for a new identity.
#[derive(Deserialize)]
struct NewIdentity {
    email: String,
    metadata: Option<serde_json::Value>,
}

/// The stack: what `plan` and `apply` write.
fn stack() -> Stack {
    Stack::new().actions([welcome(), invite_only(), plan()])
}

/// The service: a route for each hook, at its URL's path and method, behind its auth.
fn service() -> Router {
    receive::route(&welcome(), |hook: Hook<Welcome>| async move {
        println!("welcome {} <{}>", hook.id, hook.email);
        Reply::ok()
    })
    .merge(receive::route(
        &invite_only(),
        |hook: Hook<SignUp>| async move {
            // Invitations are for example.org; a sign-up with any other address is stopped, with a
            // message on the email field.
            if hook.email.ends_with("@example.org") {
                Reply::ok()
            } else {
                Reply::interrupt([
                    Message::error(4000001, "Sign-up is by invitation only.").at("#/traits/email")
                ])
            }
        },
    ))
    .merge(receive::route(
        &plan(),
        |hook: Hook<NewIdentity>| async move {
            let plan = if hook.email.ends_with("@example.org") {
                "team"
            } else {
                "free"
            };
            let mut metadata = hook.into_payload().metadata.unwrap_or_else(|| json!({}));
            metadata["plan"] = json!(plan);
            Reply::identity(Identity::new().metadata_public(metadata))
        },
    ))
}

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|a| a == "serve") {
        let listen = match args.get(1..) {
            Some([flag, addr]) if flag == "--listen" => addr.to_string_lossy().into_owned(),
            Some([]) | None => "127.0.0.1:8080".into(),
            Some(_) => {
                eprintln!("usage: service serve [--listen ADDR]");
                return ExitCode::from(2);
            }
        };
        return serve(&listen);
    }
    // Like the quickstart: the checked-in Kratos file unless a target is named; `plan` unless a
    // command is.
    let named_target = args.iter().any(|a| {
        let a = a.to_string_lossy();
        a == "--config" || a.starts_with("--config=") || a == "--project"
    });
    if !named_target
        && std::env::var_os("ORY_KRATOS_CONFIG").is_none()
        && std::env::var_os("ORY_PROJECT_ID").is_none()
    {
        args.push("--config".into());
        args.push(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/kratos/kratos.yaml").into());
    }
    if args
        .first()
        .is_none_or(|a| a.to_string_lossy().starts_with('-'))
    {
        args.insert(0, "plan".into());
    }
    cli::run_args(stack(), args)
}

/// Serves the hooks on `listen` until the process is stopped.
fn serve(listen: &str) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(listen).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("error: cannot listen on {listen}: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "serving the hooks of {} actions on http://{listen}",
            stack().get_actions().len()
        );
        match axum::serve(listener, service()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hook the stack declares is answered as Kratos needs, and refused without its key.
    #[test]
    fn the_service_answers_every_hook_as_kratos_needs() {
        let report = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(stack().probe_service(service()));
        assert!(report.failed().is_empty(), "{report}");
        // The sample identity's address is at example.com: not invited, and on the free plan.
        let shown = report.to_string();
        assert!(
            shown.contains("traits/email: Sign-up is by invitation only. (error)"),
            "{shown}"
        );
        assert!(shown.contains("replaces `metadata_public`"), "{shown}");
        assert_eq!(report.lines().len(), 4, "{shown}");
    }
}
