//! # Chapter 9: Leaving the Console or Terraform
//!
//! Your project may already have web hooks, made in the Ory Console or with the Terraform
//! provider's `ory_action` resource. Two commands turn them into code: `export` writes an
//! `action!` for every web hook of a target, and `import` writes the one a Terraform import ID
//! names. This chapter shows both, and how each Terraform attribute translates.
//!
//! ## `export`
//!
//! `export` reads a project (or, with `--config`, a Kratos configuration file) and prints a Rust
//! module: a function `pub fn actions() -> Vec<Action>` with one `action!` per web hook.
//! Here it reads a copy of the quickstart's file after `apply`:
//!
//! ```text
//! $ cargo run --example quickstart -- export --config /tmp/demo-kratos/kratos.yaml
//! // Exported by ory-actions from Kratos config /tmp/demo-kratos/kratos.yaml.
//! // Secrets are read from the environment when the program runs; set these first:
//! //   WEBHOOK_1_API_KEY: the api key of POST https://hooks.example.com/guard in login before
//!
//! use ory_actions::{Action, action};
//!
//! /// The web hooks of Kratos config /tmp/demo-kratos/kratos.yaml.
//! pub fn actions() -> Vec<Action> {
//!     vec![
//!         action! {
//!             flow: login,
//!             timing: before,
//!             url: "https://hooks.example.com/guard",
//!             body: "function(ctx) { request_url: ctx.request_url }",
//!             auth: api_key { name: "X-Api-Key", value: env("WEBHOOK_1_API_KEY"), in: header },
//!             can_interrupt: true,
//!         },
//!         …
//!         action! {
//!             flow: registration,
//!             timing: after,
//!             auth_method: [password, code],
//!             url: "https://hooks.example.com/welcome",
//!             body: r#"
//!                 // The body of the welcome web hook: Kratos calls it with the flow's context as `ctx`.
//!                 function(ctx) {
//!                   identity_id: ctx.identity.id,
//!                   email: ctx.identity.traits.email,
//!                   method: ctx.flow.active,
//!                 }
//!             "#,
//!             headers: { "X-Source": "kratos" },
//!             response_ignore: true,
//!         },
//!         …
//!     ]
//! }
//! note: 1 secret(s) became env("…") placeholders; the comment at the top names them
//! ```
//!
//! - **Secrets never appear.** Each becomes an `env("WEBHOOK_1_API_KEY")`-style placeholder,
//!   and the comment at the top names them.
//! - **Bodies come out as Jsonnet text**, read from links or files where Ory or Kratos keeps
//!   them elsewhere. A body that cannot be read here stays a `url("…")` or `kratos_file("…")`
//!   reference, with a comment saying why and, for a file, how to point at it
//!   ([chapter 4](crate::guide::targets#where-kratoss-files-are)).
//! - **One hook in several lists** becomes one action with a list of methods, as `welcome`
//!   above.
//! - **A hook `action!` cannot express** (an HTTP method such as `TRACE`, a body it would
//!   refuse) is written as a comment saying why.
//!
//! Compiled and planned against the same target, the exported code shows no changes.
//!
//! To move a project over:
//!
//! 1. Write a program whose stack is empty, `cli::run(Stack::new())`, and set the key and the
//!    project ([chapter 4](crate::guide::targets)).
//! 2. `cargo run -- export > src/actions.rs`.
//! 3. Add `mod actions;`, hand `actions::actions()` to the stack, and set the variables the
//!    comment at the top names. Give the actions names if you like.
//! 4. `cargo run -- plan` says `No changes.`
//!
//! ```
//! use ory_actions::testkit::{Options, TestKit, new_project_config};
//! use ory_actions::Stack;
//! use serde_json::json;
//!
//! let kit = TestKit::start(Options::default())?;
//! let project = kit.add_project(new_project_config());
//! // A hook made in the Console.
//! kit.edit(&project, |config| {
//!     config["selfservice"]["flows"]["verification"]["after"]["hooks"] = json!([
//!         {"hook": "web_hook", "config": {"url": "https://crm.example.com/verified",
//!             "method": "POST", "body": "base64://ZnVuY3Rpb24oY3R4KSB7IGlkOiBjdHguaWRlbnRpdHkuaWQgfQ=="}},
//!     ]);
//! });
//! let exported = kit.run(&project, Stack::new(), &["export"]);
//! assert_eq!(exported.code, 0, "{}", exported.err);
//! assert!(exported.out.contains("pub fn actions() -> Vec<Action>"));
//! assert!(exported.out.contains(r#"url: "https://crm.example.com/verified","#));
//! assert!(exported.out.contains(r#"body: "function(ctx) { id: ctx.identity.id }","#));
//! # Ok::<(), String>(())
//! ```
//!
//! ## `import`
//!
//! `import ID` takes an import ID of the Terraform provider and prints the `action!` of the hook
//! it names. The forms are the provider's: `project:flow:after:auth_method:METHOD:url` and
//! `project:flow:before:METHOD:url`, where the HTTP method may be left out and then means
//! `POST`, as the provider reads it (its older documentation shows only the forms without a
//! method). URLs may hold colons and ports. ory-actions adds one thing of its own: `fallback`
//! as the `auth_method` names the flow-wide list. An ID of an `after` hook of recovery or
//! verification that names a method, as the provider's own `sync_verified` example does, is
//! accepted and names the flow's one `after` list. With `--config`, the project part is
//! ignored.
//!
//! ```text
//! $ cargo run --example seed -- import "$ORY_PROJECT_ID:registration:after:password:https://api.example.com/webhooks/welcome"
//! // Exported by ory-actions from project 550e8400-0000-4000-8000-000000000001.
//!
//! use ory_actions::{Action, action};
//!
//! /// The web hooks of project 550e8400-0000-4000-8000-000000000001.
//! pub fn actions() -> Vec<Action> {
//!     vec![
//!         action! {
//!             flow: registration,
//!             timing: after,
//!             auth_method: password,
//!             url: "https://api.example.com/webhooks/welcome",
//!             body: r#"
//!                 function(ctx) {
//!                   email: ctx.identity.traits.email,
//!                   name: std.get(ctx.identity.traits, 'name', null),
//!                   created_at: ctx.identity.created_at
//!                 }
//!             "#,
//!         },
//!     ]
//! }
//! ```
//!
//! When nothing matches, it lists the web hooks at that place and the nearest match (a trailing
//! slash, another HTTP method, another list), and exits with code 1:
//!
//! ```text
//! error: no web hook matches: nothing calls POST https://api.example.com/webhooks/welcome/ in registration after password; registration after password holds:
//!   POST https://api.example.com/webhooks/welcome
//! nearest match: POST https://api.example.com/webhooks/welcome (a trailing slash differs)
//! ```
//!
//! ## From `ory_action` to `action!`
//!
//! Each attribute you set on a Terraform `ory_action` resource has a key of the same name, so
//! a resource translates line by line. The table says what changes; the values and defaults of
//! each key are in the [key table of `action!`](crate::action!).
//!
//! | `ory_action` attribute | `action!` key | what changes |
//! |---|---|---|
//! | the resource name (`resource "ory_action" "welcome_email"`) | `name: "welcome_email"` | optional; shown in plans, never stored in Ory |
//! | `flow`, `timing` | `flow`, `timing` | bare words: `flow: registration`, `timing: after` |
//! | `url` | `url` | checked at compile time; may be an expression |
//! | `auth_method` | `auth_method` | no default: the provider's `password` default ([chapter 2](crate::guide::hook_lists#choosing-lists-with-auth_method)) does not carry over; refused where there is only one list; takes more values ([chapter 2](crate::guide::hook_lists)) |
//! | `method` | `method` | a bare word: `method: PUT` |
//! | `body` | `body` | checked Jsonnet; a heredoc becomes a raw string `r#"…"#` ([chapter 3](crate::guide::bodies)) |
//! | `can_interrupt`, `response_ignore`, `response_parse` | the same | `true` or `false`, without quotes; a combination or a list where Kratos would refuse or never run them does not compile ([chapter 2](crate::guide::hook_lists#what-kratos-runs)) |
//! | `project_id` | `project_id` | without it, the project comes from the command line, the stack or the environment ([chapter 4](crate::guide::targets#an-ory-network-project)) |
//! | `id` (read-only: the resource ID) | none | see [how a hook is identified](crate::guide::plan_and_apply#how-a-hook-is-identified). The `id` key of `action!` is something else: the label of Kratos's logs for the hook |
//! | none | `auth`, `headers`, `emit_analytics_event`, `id` | the provider never sets them |
//!
//! The documentation's own `sync_verified` example names `auth_method = "code"` for the
//! verification flow. Verification has one `after` list, so Ory does not keep that hook; here
//! it does not compile, and the translation drops `auth_method`. The repository's
//! `examples/seed.rs` holds all four examples of the documentation, translated.
//!
//! The provider also omits `body` unless given; a plan warns about each hook without one
//! ([chapter 3](crate::guide::bodies) says why).
//!
//! Once `plan` shows no changes, stop managing the hooks with Terraform without destroying them:
//! remove each `ory_action` from Terraform's state (`terraform state rm ory_action.NAME`) and
//! delete its block. Running `terraform destroy` instead would delete the hooks.
//!
//! Next: [chapter 10, running it in CI](crate::guide::ci).
