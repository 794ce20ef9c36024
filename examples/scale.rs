//! A stack of many actions, for measuring what ory-actions costs locally (`bench/local-cost`).
//!
//! ```sh
//! cargo run --release --example scale -- 10000 render
//! cargo run --release --example scale -- 10000 plan --config /tmp/kratos.yaml
//! cargo run --release --example scale -- 10000 --shared-body plan --config /tmp/kratos.yaml
//! ```
//!
//! The first argument is how many actions; the rest is the command line. The actions are spread
//! over the per-method lists of registration, settings and login, each with its own URL and its
//! own body, as real stacks have them (the bodies differ in one number). With `--shared-body`
//! every action has the same body, which the evaluator computes once. The command `snapshot`
//! prints [`Stack::snapshot`] instead of running the command line.

use std::process::ExitCode;

use ory_actions::{Action, AuthMethod, Flow, Stack, Timing, cli};

fn actions(count: usize, shared_body: bool) -> Vec<Action> {
    let lists = [
        (Flow::Registration, AuthMethod::Password),
        (Flow::Registration, AuthMethod::Oidc),
        (Flow::Registration, AuthMethod::Code),
        (Flow::Settings, AuthMethod::Profile),
        (Flow::Settings, AuthMethod::Password),
        (Flow::Login, AuthMethod::Password),
    ];
    (0..count)
        .map(|n| {
            let (flow, method) = lists[n % lists.len()];
            Action::builder(
                flow,
                Timing::After,
                format!("https://hooks.example.com/h/{n}"),
            )
            .auth_method(method)
            .name(format!("hook_{n}"))
            .body(if shared_body {
                "function(ctx) { id: ctx.identity.id, email: ctx.identity.traits.email }".to_owned()
            } else {
                format!(
                    "function(ctx) {{ id: ctx.identity.id, email: ctx.identity.traits.email, \
                     hook: {n} }}"
                )
            })
            .response_ignore(true)
            .build()
            .expect("a valid action")
        })
        .collect()
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(count) = args
        .next()
        .and_then(|n| n.to_str().and_then(|n| n.parse::<usize>().ok()))
    else {
        eprintln!(
            "usage: scale COUNT [--shared-body] COMMAND [ARGS…]: COUNT is how many actions \
             (a whole number), COMMAND a command of the command line or `snapshot`"
        );
        return ExitCode::from(2);
    };
    let mut args: Vec<_> = args.collect();
    let shared_body = args.first().is_some_and(|arg| arg == "--shared-body");
    if shared_body {
        args.remove(0);
    }
    let stack = Stack::new().actions(actions(count, shared_body));
    if args.first().is_some_and(|arg| arg == "snapshot") {
        return match stack.snapshot() {
            Ok(document) => {
                println!("{document}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    cli::run_args(stack, args)
}
