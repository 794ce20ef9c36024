//! # Chapter 1: Declaring actions
//!
//! An *action* is one web hook that Ory calls at one point of one self-service flow: before or
//! after a login, a registration, a recovery, a settings change or a verification. You declare
//! it with [`action!`](crate::action!), collect your actions in a [`Stack`](crate::Stack), and
//! hand the stack to a small command line that plans and applies it. This chapter covers those
//! three steps.
//!
//! ## Adding the crate
//!
//! A program that manages actions is a binary crate of its own, or a binary in one you have:
//!
//! ```sh
//! cargo add ory-actions
//! ```
//!
//! The tests of [chapter 6](crate::guide::payloads#end-to-end-tests), and the examples of this
//! guide that run against a stand-in for Ory, use the `testkit` feature, which belongs in the
//! development dependencies: `cargo add --dev ory-actions --features testkit`. Examples that
//! build JSON values use [`serde_json`](https://docs.rs/serde_json) (`cargo add serde_json`),
//! and the snapshot tests of chapter 6 use [insta](https://insta.rs) (`cargo add --dev insta`).
//!
//! ## A first action
//!
//! ```
//! use ory_actions::action;
//!
//! let welcome = action! {
//!     name: "welcome",
//!     flow: registration,
//!     timing: after,
//!     auth_method: [password, oidc],
//!     url: "https://api.example.com/webhooks/welcome",
//!     body: "function(ctx) { email: ctx.identity.traits.email }",
//! };
//! assert_eq!(
//!     welcome.to_string(),
//!     "welcome (registration after [password, oidc]: POST https://api.example.com/webhooks/welcome)"
//! );
//! // One entry in the password list, one in the oidc list.
//! assert_eq!(welcome.scopes().len(), 2);
//! ```
//!
//! `action!` expands to an [`Action`](crate::Action). Keys come in any order, and a trailing
//! comma is fine. Three keys are required: `flow`, `timing` and `url`. For `after` hooks of
//! login, registration and settings, `auth_method` is required too: it says which hook lists
//! the hook goes into ([chapter 2](crate::guide::hook_lists)).
//!
//! Every key, its values and its default are in the [key table of
//! `action!`](crate::action!). The keys mirror the Terraform `ory_action` resource
//! ([chapter 9](crate::guide::migrating) maps one to the other). A few more set what the
//! resource cannot: `name`, `auth`, `headers`, `emit_analytics_event`, and `id` (the label of
//! Kratos's logs for the hook, not Terraform's resource id).
//!
//! The compiler checks each declaration. A declaration that Ory would refuse, or accept and then
//! never run, does not compile, as far as the compiler can know: computed values are checked
//! when the program runs ([below](#computed-values)), and a missing `body` or a `saml` list for
//! a Kratos configuration file are caught by `plan` ([chapter 3](crate::guide::bodies),
//! [chapter 2](crate::guide::hook_lists#saml-ory-network-only)). The error points at the
//! offending token, says what is allowed, and suggests the nearest spelling:
//!
//! ```compile_fail
//! let _ = ory_actions::action! {
//!     flow: registration,
//!     timing: after,
//!     auth_methd: password,
//!     url: "https://api.example.com/webhooks/welcome",
//! };
//! ```
//!
//! ```text
//! error: unknown key `auth_methd` in `action!`: expected `flow`, `timing`, `auth_method`, `url`, `method`, `body`, `can_interrupt`, `response_ignore`, `response_parse`, `project_id`, `auth`, `name`, `headers`, `emit_analytics_event` or `id`; did you mean `auth_method`?
//!  --> src/main.rs:5:9
//!   |
//! 5 |         auth_methd: password,
//!   |         ^^^^^^^^^^
//!
//! error: `auth_method` is required for `after` hooks of registration: use `password`, `oidc`, `code`, `webauthn`, `passkey`, `saml` (Ory Network only), a list of them, `all` (every per-method list) or `fallback` (the flow-wide list)
//!  --> src/main.rs:2:13
//! …
//! ```
//!
//! The second error follows from the first: the misspelt key does not count, so `auth_method`
//! is missing. The body, a Jsonnet template, is checked too: [chapter 3](crate::guide::bodies)
//! shows how.
//!
//! ## Names
//!
//! `name` is optional. Plans, `explain` and `probe` show it, and two flags of the command line
//! select actions by it: `--target NAME` and `--resend-secrets=NAME`. Ory does not store it, so
//! it never identifies a hook ([chapter 5](crate::guide::plan_and_apply#how-a-hook-is-identified)
//! says what does).
//!
//! ## Secrets
//!
//! A secret is never a literal in the code. `auth` and credential headers (`Authorization`,
//! `Cookie`, `X-Api-Key`, …) take one of these:
//!
//! - `env("VAR")`: read from an environment variable when the program runs;
//! - `secret_file("path")`: read from a file when the program runs (relative to the working
//!   directory; one trailing line break is dropped);
//! - an expression of type [`Secret`](crate::Secret), such as `Secret::value(token)` for a
//!   secret the program fetched from a secret manager.
//!
//! ```
//! use ory_actions::{Secret, action};
//!
//! let from_vault = String::from("from-the-vault"); // what your secret manager returned
//! let guard = action! {
//!     flow: login,
//!     timing: before,
//!     url: "https://api.example.com/webhooks/guard",
//!     body: "function(ctx) { url: ctx.request_url }",
//!     auth: api_key { name: "X-Api-Key", value: env("GUARD_KEY"), in: header },
//!     headers: { "X-Signature": Secret::value(from_vault) },
//! };
//! // `Debug` shows where a secret comes from, never its value.
//! let shown = format!("{guard:?}");
//! assert!(shown.contains(r#"env("GUARD_KEY")"#));
//! assert!(!shown.contains("from-the-vault"));
//! ```
//!
//! `plan` and `apply` read secrets to compare them with what Ory holds, and `probe` reads them
//! to call the hooks (`probe --dry-run` too, to build the requests it prints). `render`,
//! `explain`, `destroy`, `export` and `import` never read them. A secret a command reads must
//! be there: a variable that is not set, or a file that cannot be read, is an error. No output
//! shows a secret's value: `(sensitive)` stands in for it. A literal secret does not compile:
//!
//! ```compile_fail
//! let _ = ory_actions::action! {
//!     flow: login,
//!     timing: before,
//!     url: "https://api.example.com/webhooks/login",
//!     body: "function(ctx) { url: ctx.request_url }",
//!     auth: api_key { name: "X-Api-Key", value: "s3cr3t", in: header },
//! };
//! ```
//!
//! ```text
//! error: secrets are read when the program runs, never written in the code: write `value: env("VAR")` or `value: secret_file("path")`
//!  --> src/main.rs:7:51
//!   |
//! 7 |         auth: api_key { name: "X-Api-Key", value: "s3cr3t", in: header },
//!   |                                                   ^^^^^^^^
//! ```
//!
//! A computed secret must have the type `Secret`. A `String` does not compile, so that it cannot
//! be shown by mistake:
//!
//! ```compile_fail,E0277
//! let token = String::from("t0ken");
//! let _ = ory_actions::action! {
//!     flow: login,
//!     timing: before,
//!     url: "https://api.example.com/webhooks/login",
//!     body: "function(ctx) { url: ctx.request_url }",
//!     auth: api_key { name: "X-Api-Key", value: token, in: header },
//! };
//! ```
//!
//! ```text
//! error[E0277]: a computed secret must be a `Secret`, not `String`
//!   --> src/main.rs:8:51
//!    |
//!  8 |         auth: api_key { name: "X-Api-Key", value: token, in: header },
//!    |                                                   ^^^^^ write `Secret::value(…)` around it, so that it is never shown and is wiped from memory
//! …
//! ```
//!
//! ## Computed values
//!
//! Where a literal goes, most keys take a Rust expression instead: the [key table of
//! `action!`](crate::action!) says which. This is how one program declares one hook per tenant,
//! or calls another host in each environment
//! ([chapter 4](crate::guide::targets#several-environments)):
//!
//! ```
//! use ory_actions::{Action, action};
//!
//! let host = "hooks.example.com";
//! let actions: Vec<Action> = ["acme", "globex"]
//!     .iter()
//!     .map(|tenant| action! {
//!         name: format!("welcome-{tenant}"),
//!         flow: registration,
//!         timing: after,
//!         auth_method: password,
//!         url: format!("https://{host}/welcome/{tenant}"),
//!         body: "function(ctx) { email: ctx.identity.traits.email }",
//!         headers: { "X-Tenant": tenant },
//!     })
//!     .collect();
//! assert_eq!(actions[1].url(), "https://hooks.example.com/welcome/globex");
//! ```
//!
//! A computed value must be text: a `String`, a `&str` or a `Cow<str>`. Another type is a type
//! error at the expression ("a computed value of `action!` must be text"). A computed header
//! value is text, or a `Secret`; a credential header's value must be a `Secret`.
//!
//! The compiler cannot check what a program computes. The same rules run when the program
//! runs, in [`Action::check`](crate::Action::check). Declaring an action never fails; `check`
//! reports the problems:
//!
//! ```
//! use ory_actions::action;
//!
//! let host = "hooks.example.com"; // no scheme
//! let welcome = action! {
//!     name: "welcome-acme",
//!     flow: registration,
//!     timing: after,
//!     auth_method: password,
//!     url: format!("{host}/welcome/acme"),
//!     body: "function(ctx) { email: ctx.identity.traits.email }",
//! };
//! let err = welcome.check().unwrap_err();
//! assert!(err.to_string().contains("`url` must be an absolute http or https URL"));
//! ```
//!
//! The command line runs this check for every action before it reads, writes or shows
//! anything. Each problem gets one line, with the place of its `action!`, and the run exits
//! with code 1. Here `cargo run -- plan` runs a program that declares the per-tenant hooks of
//! the first example of this section, with the URL of the example just above, which lacks the
//! scheme:
//!
//! ```text
//! error: src/main.rs:7:9: action `welcome-acme`: `url` must be an absolute http or https URL such as `https://api.example.com/hook`: it has no scheme
//! error: src/main.rs:7:9: action `welcome-globex`: `url` must be an absolute http or https URL such as `https://api.example.com/hook`: it has no scheme
//! error: 2 action(s) have invalid computed values; nothing was read or written
//! ```
//!
//! Two details of the syntax:
//!
//! - A computed value runs to the next comma. Put an expression with a comma of its own
//!   outside brackets in parentheses: `url: (f::<A, B>())`.
//! - A computed header name is a variable or an expression in parentheses:
//!   `headers: { (format!("X-{tenant}-Id")): "1" }`.
//!
//! The keys that say where and how a hook runs (`flow`, `timing`, `auth_method`, `method`, the
//! flags; the key table names them all) are always literals. When those come from data, use
//! the builder.
//!
//! ## The builder
//!
//! [`Action::builder`](crate::Action::builder) makes an action from values known only at run
//! time. It applies the same rules as `action!`. [`build`](crate::ActionBuilder::build) returns
//! an [`InvalidAction`](crate::InvalidAction) that lists every problem found:
//!
//! ```
//! use ory_actions::{Action, AuthMethod, Flow, Secret, Timing, Auth, ApiKeyIn};
//!
//! let welcome = Action::builder(Flow::Registration, Timing::After, "https://api.example.com/welcome")
//!     .name("welcome")
//!     .auth_method([AuthMethod::Password, AuthMethod::Code])
//!     .body("function(ctx) { email: ctx.identity.traits.email }")
//!     .auth(Auth::api_key("X-Api-Key", Secret::env("WELCOME_KEY"), ApiKeyIn::Header))
//!     .response_ignore(true)
//!     .build()?;
//! assert_eq!(welcome.scopes().len(), 2);
//!
//! let err = Action::builder(Flow::Registration, Timing::After, "api.example.com/x")
//!     .auth_method(AuthMethod::Totp)
//!     .build()
//!     .unwrap_err();
//! assert_eq!(err.problems().len(), 2); // no `totp` list in registration, and no scheme
//! # Ok::<(), ory_actions::InvalidAction>(())
//! ```
//!
//! ## The stack
//!
//! A [`Stack`](crate::Stack) holds the actions of a program. It also holds the default project
//! ([chapter 4](crate::guide::targets)), the prune policy ([chapter
//! 5](crate::guide::plan_and_apply#pruning)) and the sample contexts bodies are evaluated with
//! ([chapter 6](crate::guide::payloads)). Each setter takes the stack and returns it:
//!
//! ```
//! use ory_actions::{Action, Stack, action};
//!
//! fn actions() -> Vec<Action> {
//!     vec![action! {
//!         name: "crm_verified",
//!         flow: verification,
//!         timing: after,
//!         url: "https://hooks.example.com/verified",
//!         body: "function(ctx) { id: ctx.identity.id }",
//!     }]
//! }
//!
//! let stack = Stack::new()
//!     .actions(actions())
//!     .action(action! {
//!         name: "login_guard",
//!         flow: login,
//!         timing: before,
//!         url: "https://hooks.example.com/guard",
//!         body: "function(ctx) { request_url: ctx.request_url }",
//!         can_interrupt: true,
//!     });
//! assert_eq!(stack.get_actions().len(), 2);
//! ```
//!
//! A function that returns `Vec<Action>` is a convenient unit: it is what
//! [`export`](crate::guide::migrating) writes, and what tests call.
//!
//! ## The program
//!
//! A program that manages actions is a binary whose `main` hands its stack to
//! [`cli::run`](crate::cli::run). `run` reads the command line and the environment, and
//! returns the exit code:
//!
//! ```no_run
//! use ory_actions::{Stack, action, cli};
//!
//! fn main() -> std::process::ExitCode {
//!     cli::run(Stack::new().action(action! {
//!         name: "login_guard",
//!         flow: login,
//!         timing: before,
//!         url: "https://hooks.example.com/guard",
//!         body: "function(ctx) { request_url: ctx.request_url }",
//!         can_interrupt: true,
//!     }))
//! }
//! ```
//!
//! With a target set ([chapter 4](crate::guide::targets): a key and a project, or `--config
//! kratos.yaml`), `cargo run -- plan` shows what would change, and `cargo run -- apply` changes
//! it. The commands are `plan`, `apply` and `destroy` ([chapter
//! 5](crate::guide::plan_and_apply)), `render` ([chapter 6](crate::guide::payloads)), `explain`
//! and `probe` ([chapter 7](crate::guide::explain_and_probe)), and `export` and `import`
//! ([chapter 9](crate::guide::migrating)). `--help` prints them all; the [`cli`](crate::cli)
//! module documents every flag and environment variable.
//!
//! To give the command line defaults of your own, build the arguments and call
//! [`cli::run_args`](crate::cli::run_args). The repository's `examples/quickstart.rs` does this:
//! it plans when no command is given, and adds `--config` with its own Kratos file.
//!
//! Next: [chapter 2, hook lists and auth methods](crate::guide::hook_lists).
