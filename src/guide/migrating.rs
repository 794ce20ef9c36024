//! # Chapter 8: Leaving the Console or Terraform
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
//! $ cargo run --example quickstart -- export --config /tmp/guide-run/kratos.yaml
//! // Exported by ory-actions from Kratos config /tmp/guide-run/kratos.yaml.
//! // Secrets are read from the environment when the program runs; set these first:
//! //   WEBHOOK_1_API_KEY: the api key of POST https://hooks.example.com/guard in login before
//!
//! use ory_actions::{Action, action};
//!
//! /// The web hooks of Kratos config /tmp/guide-run/kratos.yaml.
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
//! it names. The forms are `project:flow:after:auth_method:url`,
//! `project:flow:after:auth_method:METHOD:url`, `project:flow:before:url` and
//! `project:flow:before:METHOD:url`; URLs may hold colons and ports. `fallback` as the
//! `auth_method` names the flow-wide list. With `--config`, the project part is ignored.
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
//! error: no web hook matches: nothing calls https://api.example.com/webhooks/welcome/ in registration after password; registration after password holds:
//!   POST https://api.example.com/webhooks/welcome
//! nearest match: POST https://api.example.com/webhooks/welcome (a trailing slash differs)
//! ```
//!
//! ## From `ory_action` to `action!`
//!
//! Each attribute you set on a Terraform `ory_action` resource has a key of the same name, so
//! a resource translates line by line:
//!
//! | `ory_action` attribute | `action!` key | what changes |
//! |---|---|---|
//! | the resource name (`resource "ory_action" "welcome_email"`) | `name: "welcome_email"` | optional; shown in plans, never stored in Ory |
//! | `flow` (required) | `flow` | a bare word: `flow: registration` |
//! | `timing` (required) | `timing` | a bare word: `timing: after` |
//! | `url` (required) | `url` | checked at compile time (absolute `http`/`https`, no credentials); may be an expression |
//! | `auth_method` (default `password`) | `auth_method` | no default: required for `after` hooks of login, registration and settings, refused elsewhere; also takes a list, `all`, `fallback`, `profile` and `saml` ([chapter 2](crate::guide::hook_lists)) |
//! | `method` (default `POST`) | `method` | a bare word, `GET`, `POST`, `PUT`, `PATCH` or `DELETE`; default `POST` |
//! | `body` | `body` | checked Jsonnet; a heredoc becomes a raw string `r#"…"#`; `file("…")`, `url("…")` and `kratos_file("…")` too ([chapter 3](crate::guide::bodies)) |
//! | `can_interrupt` (default false) | `can_interrupt` | `true` or `false`, without quotes; refused, as `response_parse` is, in the flow-wide list of registration and settings |
//! | `response_ignore` (default false) | `response_ignore` | may not be combined with `response_parse` or `can_interrupt` |
//! | `response_parse` (default false) | `response_parse` | refused in the flow-wide list of registration and settings, where Kratos never runs it |
//! | `project_id` (default: the provider's) | `project_id` | default: the stack's project, `--project` or `ORY_PROJECT_ID` ([chapter 4](crate::guide::targets)) |
//! | `id` (read-only: the resource ID) | none | a hook is identified by its list, method and URL ([chapter 5](crate::guide::plan_and_apply#how-a-hook-is-identified)). The `id` key of `action!` is something else: the label of Kratos's logs for the hook |
//! | none | `auth`, `headers`, `emit_analytics_event` | the provider never sets them |
//!
//! The documentation's own `sync_verified` example names `auth_method = "code"` for the
//! verification flow. Verification has one `after` list, so Ory does not keep that hook; here
//! it does not compile, and the translation drops `auth_method`. The repository's
//! `examples/seed.rs` holds all four examples of the documentation, translated.
//!
//! The provider also omits `body` unless given, which makes Kratos fail every call; a plan
//! warns about each hook without one.
//!
//! Once `plan` shows no changes, stop managing the hooks with Terraform without destroying them:
//! remove each `ory_action` from Terraform's state (`terraform state rm ory_action.NAME`) and
//! delete its block. Running `terraform destroy` instead would delete the hooks.
//!
//! Next: [chapter 9, running it in CI](crate::guide::ci).
