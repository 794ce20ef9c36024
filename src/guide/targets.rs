//! # Chapter 4: Targets
//!
//! A *target* is where the hooks live: an Ory Network project, reached through the Ory console
//! API, or the configuration file of a self-hosted Kratos. Every command works on both; where
//! they differ (the `saml` lists, the fields that are stored, the files Kratos reads), this
//! chapter says so. It also says how to point the program at each, and how one program serves
//! several environments or projects. The [`cli`](crate::cli) module lists every flag and
//! environment variable named here.
//!
//! ## An Ory Network project
//!
//! Two things are needed: a key and a project.
//!
//! - **The key.** Create a workspace API key in the Ory Console (Workspace settings → API keys)
//!   and export it as `ORY_WORKSPACE_API_KEY`. There is no flag for the key. A project API key
//!   will not do: the Terraform provider's maintainers report that Ory answers 403 when one
//!   changes a project's configuration.
//! - **The project.** Its id is in the Console under Project settings → General. Give it with
//!   `--project ID`, or export `ORY_PROJECT_ID` (or `ORY_PROJECT`).
//!
//! ```sh
//! export ORY_WORKSPACE_API_KEY=ory_wak_…
//! export ORY_PROJECT_ID=…
//! cargo run -- plan
//! ```
//!
//! The program may name the project itself, with [`Stack::project`](crate::Stack::project) or
//! [`Stack::project_from_env`](crate::Stack::project_from_env), and each action may name its
//! own with `project_id`. The most specific wins: an action's `project_id`, then `--project`,
//! then the stack's project, then the environment.
//!
//! The console API is `https://api.console.ory.sh` unless `--console-url` (or
//! `ORY_CONSOLE_API_URL`) says otherwise. Since the key goes with every request, that URL must
//! be `https`; the [`cli`](crate::cli) module says what else it accepts.
//!
//! ### Without an account
//!
//! The repository's testkit serves a stand-in for the console API on loopback, with one new
//! project. Start it in one terminal:
//!
//! ```text
//! $ cargo run --features testkit --example testkit_server
//! export ORY_CONSOLE_API_URL=http://127.0.0.1:40095
//! export ORY_WORKSPACE_API_KEY=…
//! export ORY_PROJECT_ID=550e8400-0000-4000-8000-000000000001
//! serving; stop with Ctrl-C or by closing standard input
//! ```
//!
//! and export the three lines it prints in another. Then `cargo run --example seed -- plan`
//! plans the four examples of the Terraform documentation against it. Your own tests can use
//! the same stand-in in-process ([chapter 6](crate::guide::payloads#end-to-end-tests)).
//!
//! ## A self-hosted Kratos configuration file
//!
//! With `--config PATH` (or `ORY_KRATOS_CONFIG`), the target is a Kratos configuration file,
//! YAML or JSON. No key is needed, and `--project` and `--console-url` are refused with it: a
//! run has one kind of target.
//!
//! `apply` edits the file in place. Only the hook list entries that change are written:
//! comments, key order, quoting and everything else stay byte for byte. In a YAML list the
//! entries that stay keep their text and comments; a JSON list that changes is written whole,
//! in the file's own indentation. New entries come out as a person writes them (`hook:` first,
//! then `config:` with `url`, `method`, `body`, …), without fields that hold Kratos's defaults.
//!
//! ```
//! use ory_actions::testkit::run_env;
//! use ory_actions::{Stack, action};
//! use std::collections::BTreeMap;
//!
//! // A copy of the quickstart's file, to write to.
//! let dir = std::env::temp_dir().join(format!("ory-actions-guide-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let config = dir.join("kratos.yaml");
//! std::fs::copy("examples/kratos/kratos.yaml", &config)?;
//!
//! let stack = || Stack::new().action(action! {
//!     name: "crm_verified",
//!     flow: verification,
//!     timing: after,
//!     url: "https://hooks.example.com/verified",
//!     body: "function(ctx) { id: ctx.identity.id }",
//! });
//! let env = BTreeMap::from([("ORY_KRATOS_CONFIG", config.display().to_string())]);
//! let applied = run_env(stack(), &["apply", "--yes"], &env);
//! assert_eq!(applied.code, 0, "{}", applied.err);
//!
//! let text = std::fs::read_to_string(&config)?;
//! assert!(text.contains("url: https://hooks.example.com/verified"));
//! assert!(text.contains("- hook: session   # sign the new user in")); // untouched
//!
//! let again = run_env(stack(), &["plan"], &env);
//! assert!(again.out.contains("No changes. The hooks match the stack (1 unchanged)."));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The file is replaced atomically (a temporary file beside it, then a rename), keeps its owner
//! and mode, and a symbolic link stays a link. A file that changed between the plan and the
//! write is not overwritten ([chapter 5](crate::guide::plan_and_apply#conflicts)). An edit that
//! would change anything besides the planned lists, such as a list shared through a YAML
//! anchor, is refused.
//!
//! Only a regular file of at most 16 MiB is read, and it must be valid YAML 1.2 (one document,
//! no duplicate keys) or JSON; otherwise every command refuses it with the line and column
//! ([chapter 11](crate::guide::troubleshooting#reading-the-target)).
//!
//! With `--schema PATH` (or `ORY_KRATOS_SCHEMA`) pointing at Kratos's `config.schema.json`,
//! every write is validated against it first, and refused if the hook lists would not be
//! valid. This needs the crate feature `schema`, which is on by default.
//!
//! Two differences from Ory Network:
//!
//! - Kratos has no `saml` lists ([chapter 2](crate::guide::hook_lists#saml-ory-network-only)).
//! - Kratos keeps every field of a web hook. Ory Network's model of a stored web hook (in its
//!   API description) has no place for `headers`, `emit_analytics_event` or `id`, so expect
//!   Ory Network to drop them. This is inferred from the model, not seen on a live project.
//!   Against a project, ory-actions sends them but does not compare them, and plans warn about
//!   them.
//!
//! Kratos lets environment variables override a hook list entry by its index, such as
//! `SELFSERVICE_FLOWS_REGISTRATION_AFTER_PASSWORD_HOOKS_0_CONFIG_URL`. When a plan moves an
//! entry of a configuration file to another index, it warns and names each move, so that you
//! can update such variables. Here the prune policy ([chapter
//! 5](crate::guide::plan_and_apply#pruning)) deletes the first of two web hooks, and the second
//! moves up:
//!
//! ```text
//!   Warning: entries of registration after password move to other indexes: the web hook POST https://audit.example.com/signups from [1] to [0]; environment variables that override an entry by its index (`SELFSERVICE_FLOWS_REGISTRATION_AFTER_PASSWORD_HOOKS_<index>_CONFIG_…`) reach another entry after this change
//! ```
//!
//! ### Where Kratos's files are
//!
//! A hook in a configuration file may name its body by path: `file://X`, or a bare path, which
//! Kratos prefixes with `file://`. To compare such a body (and to [export](crate::guide::migrating)
//! it), ory-actions reads the file where Kratos would:
//!
//! - a relative path from Kratos's working directory
//!   ([chapter 3](crate::guide::bodies#templates-kratos-resolves-itself)), which ory-actions
//!   takes to be the current directory unless `--kratos-dir DIR` (or `ORY_ACTIONS_KRATOS_DIR`)
//!   says otherwise;
//! - an absolute path as it is, unless `--path-map KRATOS_PATH=LOCAL_PATH` says where that part
//!   of Kratos's machine or container is here. `--path-map /etc/config/kratos=./kratos` reads
//!   `file:///etc/config/kratos/welcome.jsonnet` from `./kratos/welcome.jsonnet`. The flag may
//!   be given several times, and the longest matching prefix wins. `ORY_ACTIONS_PATH_MAP` holds
//!   several maps separated by commas.
//!
//! Both go with `--config` only. A template that is not found makes a plan warn, naming the
//! flag that would find it, and show the body as a change. A body file is read only if it is a
//! regular file of at most 1 MiB, and its content is shown only if it is a Jsonnet template (a
//! function of `ctx`, or any Jsonnet in a `*.jsonnet` or `*.libsonnet` file). Anything else is
//! reported as "not a Jsonnet template, so it is not shown", so that a configuration cannot make
//! a plan print a key file.
//!
//! ## Several environments
//!
//! One program can serve staging and production. What differs between them is plain Rust data:
//! the target, the host the hooks call, the tenants. The repository's
//! `examples/environments.rs` keeps it in a `struct Environment` and picks one with a variable
//! of its own, `ORY_ACTIONS_ENV` (the example reads it; the library does not). Each environment
//! plans against its own Kratos file unless `--config` or `--project` says otherwise:
//!
//! ```text
//! $ ORY_ACTIONS_ENV=production cargo run --example environments
//! Kratos config …/examples/environments/production.yaml:
//!
//!   + login_guard: POST https://hooks.example.com/guard
//!       in login before
//!       + body:
//!           function(ctx) { request_url: ctx.request_url }
//!       + can_interrupt: true
//!
//!   + welcome-acme: POST https://hooks.example.com/welcome/acme
//!       in registration after password
//!       + body:
//!           function(ctx) { email: ctx.identity.traits.email }
//!       + headers.X-Tenant: "acme"
//!       + response.ignore: true
//! …
//! Plan: 7 to create, 0 to update, 0 to delete.
//! ```
//!
//! With Ory Network, the same pattern gives each environment its project: in the data, with
//! [`Stack::project`](crate::Stack::project), or from the environment, with `ORY_PROJECT_ID`
//! set per CI environment ([chapter 10](crate::guide::ci)).
//!
//! ## Several projects
//!
//! A stack may span projects: each action with a `project_id` of its own goes there, and the
//! others go to the default project. Each project is planned and applied on its own, as
//! [chapter 5](crate::guide::plan_and_apply#the-loop) describes (one read and at most one
//! write, unless a conflict makes the run read and write again), up to ten at a time
//! (`--parallelism N`). With more than one project, a line per project reports on standard
//! error as each finishes. The projects share the key's rate limit, which the run paces itself
//! by ([chapter 5](crate::guide::plan_and_apply#rate-limits)).
//!
//! ```
//! use ory_actions::testkit::{Options, TestKit, new_project_config, run_env};
//! use ory_actions::{Stack, action};
//!
//! let kit = TestKit::start(Options::default())?;
//! let main = kit.add_project(new_project_config());
//! let partner = kit.add_project(new_project_config());
//!
//! let stack = Stack::new()
//!     .project(main.clone())
//!     .action(action! {
//!         flow: login,
//!         timing: before,
//!         url: "https://hooks.example.com/guard",
//!         body: "function(ctx) { request_url: ctx.request_url }",
//!     })
//!     .action(action! {
//!         project_id: partner.clone(),
//!         flow: verification,
//!         timing: after,
//!         url: "https://partner.example.com/verified",
//!         body: "function(ctx) { id: ctx.identity.id }",
//!     });
//! // The key and the console URL only: the projects come from the code.
//! let plan = run_env(stack, &["plan"], &kit.env());
//! assert_eq!(plan.code, 0, "{}", plan.err);
//! assert!(plan.out.contains(&format!("Project {main}")));
//! assert!(plan.out.contains(&format!("Project {partner}")));
//! assert_eq!(kit.count("GET"), 2);
//! # Ok::<(), String>(())
//! ```
//!
//! ## Allowed projects
//!
//! A pipeline that holds a key for several projects should touch only its own. Name them, and a
//! run that would read or write any other project stops before its first request, naming the
//! project and where it came from (an action's `project_id`, `--project`, the stack, the
//! environment or an import ID):
//!
//! - in the code, [`Stack::allowed_projects`](crate::Stack::allowed_projects);
//! - in the pipeline, `ORY_ACTIONS_ALLOWED_PROJECTS` (ids separated by `,`), or
//!   `--allowed-projects IDS`, which wins over the variable.
//!
//! When the code and the pipeline both give a list, a project must be in each.
//!
//! ```
//! use ory_actions::testkit::{Options, TestKit, new_project_config, run_env};
//! use ory_actions::{Stack, action};
//!
//! let kit = TestKit::start(Options::default())?;
//! let staging = kit.add_project(new_project_config());
//! let production = kit.add_project(new_project_config());
//! let stack = Stack::new()
//!     .project(production.clone())
//!     .action(action! { flow: login, timing: before, url: "https://hooks.example.com/guard" });
//!
//! let mut env = kit.env();
//! env.insert("ORY_ACTIONS_ALLOWED_PROJECTS", staging.clone());
//! let plan = run_env(stack, &["plan"], &env);
//! assert_eq!(plan.code, 1);
//! assert!(plan.err.contains(&format!("project {production} (the stack's project) is not allowed")));
//! assert!(kit.requests().is_empty());
//! # Ok::<(), String>(())
//! ```
//!
//! Next: [chapter 5, plan and apply](crate::guide::plan_and_apply).
