//! # Chapter 5: Plan and apply
//!
//! ory-actions works as Terraform and Pulumi do: `plan` shows what would change, `apply` makes
//! the change, and a second `plan` shows nothing. There is no state file. Each run reads the
//! target, compares it with the stack, and writes only the difference. This chapter explains
//! how a plan is made, how to read it, and what `apply` does and does not touch.
//!
//! ## The loop
//!
//! - `plan` reads each target once and prints the changes. It writes nothing.
//! - `apply` plans, shows the plan, asks for `yes`, and writes each target once (again only
//!   after a [conflict](#conflicts)). On a terminal it asks; elsewhere (in CI) it needs `--yes`,
//!   or it stops with an error before writing.
//! - `destroy` removes the hooks the stack declares, and those the prune policy owns. Nothing
//!   else.
//!
//! `--target NAME` limits a run to the hook lists of a flow (`--target login`) or of the
//! actions named `NAME`, and may be given several times. Nothing else is planned or written,
//! the prune policy included.
//!
//! Against the testkit's new project ([chapter 4](crate::guide::targets#without-an-account)),
//! the seed example goes through the loop like this:
//!
//! ```text
//! $ cargo run --example seed -- apply --yes
//! Project 550e8400-0000-4000-8000-000000000001 (revision 7e715100-0000-4000-8000-000000000002):
//!
//!   + validate_login: POST https://api.example.com/webhooks/validate
//!       in login before
//!       + can_interrupt: true
//! …
//! Plan: 4 to create, 0 to update, 0 to delete.
//! Applied: project 550e8400-0000-4000-8000-000000000001: 4 created, 0 updated, 0 deleted (revision 7e715100-0000-4000-8000-000000000002 -> 7e715100-0000-4000-8000-000000000003).
//! $ cargo run --example seed -- plan
//! …
//! No changes. The hooks match the stack (4 unchanged).
//! ```
//!
//! ## How a hook is identified
//!
//! A declared hook is identified by its hook list, its HTTP method and its URL, as the
//! Terraform provider matches hooks and names them in its import IDs ([chapter
//! 8](crate::guide::migrating#import)). Names are not stored in Ory, and nothing is stored
//! anywhere else.
//!
//! So a change of any of the three is a new hook. If you change an action's URL, the plan
//! creates a hook with the new URL, and the old one becomes a hook the stack does not manage.
//! It stays, unless the prune policy owns it ([below](#pruning)). The examples of this chapter
//! run against the testkit's stand-in for Ory's console API, which needs the `testkit` feature
//! ([chapter 6](crate::guide::payloads#end-to-end-tests)):
//!
//! ```
//! use ory_actions::testkit::{Options, TestKit, new_project_config};
//! use ory_actions::{Stack, action};
//!
//! let kit = TestKit::start(Options::default())?;
//! let project = kit.add_project(new_project_config());
//! let guard = |url: &'static str| Stack::new().action(action! {
//!     flow: login,
//!     timing: before,
//!     url: url,
//!     body: "function(ctx) { url: ctx.request_url }",
//! });
//! assert_eq!(kit.run(&project, guard("https://hooks.example.com/v1/guard"), &["apply", "--yes"]).code, 0);
//!
//! let plan = kit.run(&project, guard("https://hooks.example.com/v2/guard"), &["plan"]);
//! assert!(plan.out.contains("+ POST https://hooks.example.com/v2/guard"));
//! assert!(plan.out.contains("Web hooks the stack does not manage (left alone):"));
//! assert!(plan.out.contains("login before POST https://hooks.example.com/v1/guard"));
//! # Ok::<(), String>(())
//! ```
//!
//! Two actions that declare the same hook (the same list, method and URL) compile, but make
//! every plan fail with an error that names both.
//!
//! ## Reading a plan
//!
//! Here a project holds two web hooks after login and one after settings, and the stack
//! updates one, adds one and, through its prune policy, deletes one:
//!
//! ```
//! use ory_actions::testkit::{Options, TestKit, new_project_config};
//! use ory_actions::{Prune, Stack, action};
//! use serde_json::json;
//!
//! let kit = TestKit::start(Options::default())?;
//! let project = kit.add_project(new_project_config());
//! // What the project holds: two web hooks after login, one after settings.
//! kit.edit(&project, |config| {
//!     let flows = &mut config["selfservice"]["flows"];
//!     flows["login"]["after"]["hooks"] = json!([
//!         {"hook": "web_hook", "config": {"url": "https://hooks.example.com/old",
//!             "method": "POST", "body": "base64://e30="}},
//!         {"hook": "web_hook", "config": {"url": "https://partner.example/keep",
//!             "method": "PUT", "body": "base64://e30="}},
//!     ]);
//!     flows["settings"]["after"]["password"]["hooks"] = json!([
//!         {"hook": "web_hook", "config": {"url": "https://hooks.example.com/audit",
//!             "method": "POST", "body": "base64://ZnVuY3Rpb24oY3R4KSB7IGlkOiBjdHguaWRlbnRpdHkuaWQgfQ=="}},
//!         {"hook": "revoke_active_sessions"},
//!     ]);
//! });
//! let stack = || {
//!     Stack::new()
//!         .prune(Prune::UrlPrefix("https://hooks.example.com/".into()))
//!         .action(action! {
//!             name: "audit",
//!             flow: settings,
//!             timing: after,
//!             auth_method: password,
//!             url: "https://hooks.example.com/audit",
//!             body: "function(ctx) { id: ctx.identity.id, at: ctx.flow.issued_at }",
//!             response_ignore: true,
//!         })
//!         .action(action! {
//!             name: "login_totp",
//!             flow: login,
//!             timing: after,
//!             auth_method: totp,
//!             url: "https://hooks.example.com/totp",
//!             body: "function(ctx) { id: ctx.identity.id }",
//!         })
//! };
//! let plan = kit.run(&project, stack(), &["plan"]);
//! assert!(plan.out.ends_with("Plan: 1 to create, 1 to update, 1 to delete.\n"));
//!
//! let applied = kit.run(&project, stack(), &["apply", "--yes"]);
//! assert_eq!(applied.code, 0, "{}", applied.err);
//! let config = kit.identity_config(&project).unwrap();
//! let settings = &config["selfservice"]["flows"]["settings"]["after"]["password"]["hooks"];
//! assert_eq!(settings[1]["hook"], "revoke_active_sessions"); // kept in its place
//! assert_eq!((kit.count("GET"), kit.count("PATCH")), (2, 1));
//! # Ok::<(), String>(())
//! ```
//!
//! The plan it prints:
//!
//! ```text
//! Project 550e8400-0000-4000-8000-000000000001 (revision 7e715100-0000-4000-8000-000000000003):
//!
//!   - POST https://hooks.example.com/old (not declared; owned by the prune policy)
//!       in login after (fallback)
//!
//!   + login_totp: POST https://hooks.example.com/totp
//!       in login after totp
//!       + body:
//!           function(ctx) { id: ctx.identity.id }
//!
//!   ~ audit: POST https://hooks.example.com/audit
//!       in settings after password
//!       ~ body:
//!           - function(ctx) { id: ctx.identity.id }
//!           + function(ctx) { id: ctx.identity.id, at: ctx.flow.issued_at }
//!       ~ response.ignore: false -> true
//!
//!   Web hooks the stack does not manage (left alone):
//!     login after (fallback) PUT https://partner.example/keep
//!
//!   Warning: the first hook in login after totp switches the flow-wide list off for totp: Kratos runs a per-method list instead of the flow-wide one, so the hook of login after (fallback) will no longer run for that method
//!
//! Plan: 1 to create, 1 to update, 1 to delete.
//! ```
//!
//! - `+` creates a hook, `~` updates one field by field, `-` deletes one. A body shows as its
//!   Jsonnet text, and a changed body as a line diff. A secret shows as `(sensitive)`.
//! - "Web hooks the stack does not manage" are left alone.
//! - Warnings say what Kratos will do with the result: here, that a per-method list replaces
//!   the flow-wide one ([chapter 2](crate::guide::hook_lists#what-kratos-runs)). Plans also warn
//!   about a hook without a body ([chapter 3](crate::guide::bodies)), a body that fails for its
//!   sample context ([chapter 6](crate::guide::payloads)), and fields Ory Network is not expected
//!   to store ([chapter 4](crate::guide::targets#a-self-hosted-kratos-configuration-file)).
//!
//! Fields are compared by meaning: an absent field equals its default, and a body is compared
//! by content, even when Ory returns it as a link to the stored template. So a plan made right
//! after an apply is empty.
//!
//! `plan --json` and `plan --markdown` print the same plan for programs and for pull-request
//! comments; the [`cli`](crate::cli) module describes both.
//!
//! ## Where entries go
//!
//! Entries that are not web hooks (`session`, `revoke_active_sessions`, …) and web hooks the
//! stack does not own keep their place and their order, since list order is the order Kratos
//! runs them in. A new hook goes in before `session`. An updated hook stays where it is.
//!
//! ## Pruning
//!
//! By default a stack owns only the hooks it declares. A web hook it does not declare is listed
//! as unmanaged and kept. [`Stack::prune`](crate::Stack::prune) widens that, as `kubectl apply
//! --prune` does:
//!
//! - [`Prune::None`](crate::Prune::None), the default: own the declared hooks only;
//! - [`Prune::UrlPrefix`](crate::Prune::UrlPrefix): also own, and so delete, the undeclared web
//!   hooks whose URL starts with the prefix, such as your own API's;
//! - [`Prune::All`](crate::Prune::All): own every web hook of the target; the stack is the whole
//!   truth.
//!
//! Entries that are not web hooks are never owned, whatever the policy. A prune policy also
//! decides what `destroy` removes.
//!
//! ## How `apply` writes
//!
//! An apply to an Ory Network project is one `GET` of the project and one `PATCH` of its
//! revision, whatever the number of actions (a project with nothing to change gets no
//! `PATCH`; retries and conflicts add requests). The patch touches only the entries that
//! change: an entry that stays is never sent back. Ory's answer is then planned against again.
//! If Ory dropped, kept or stored anything otherwise than asked, the run fails and names it,
//! with Ory's own warnings.
//!
//! An apply to a Kratos configuration file writes the file once, atomically
//! ([chapter 4](crate::guide::targets#a-self-hosted-kratos-configuration-file)).
//!
//! Rate limits (429), Ory's failures (5xx other than 501), timeouts and broken connections are
//! retried with backoff, within a deadline for the run (`--deadline`, default 120 seconds). `-v`
//! prints a line per request and per retry on standard error, without secrets or header values.
//!
//! ## Rate limits
//!
//! Ory's API announces its rate limit on every answer: `x-ratelimit-limit` (such as
//! `10, 10;w=1, 300;w=60`: 10 requests a second and 300 a minute), `x-ratelimit-remaining`
//! and `x-ratelimit-reset` (seconds until the window resets), and answers 429 beyond it. A run
//! paces itself by these headers rather than running into 429s. Every project and task of a
//! run shares one budget (one per key and console URL):
//!
//! - the first request goes alone, and its answer says what is left;
//! - requests go while the answers say some is left, counting every request still on the way;
//! - when none is left, every request waits until the window resets, and then one goes alone
//!   to learn the new budget. No wait is longer than the reset Ory announced, nor goes past
//!   `--deadline`: a budget that resets only after the deadline is not waited for, and a
//!   request Ory then refuses makes the run give up on that project, as any failure that
//!   outlasts the deadline does;
//! - a 429 holds back every request of the run, for its `Retry-After` or reset, whichever is
//!   later, and its own request is sent again then. A write refused with 429 was not carried
//!   out, so it is sent again as it was, without reading the project first: a project still
//!   costs at most three requests, and is never half-written.
//!
//! Ory's API description puts reading a project and changing one in different rate-limit
//! buckets; whether they share a budget is not documented. Reads and writes are therefore paced
//! by their own answers, and writes heed the budget reads used up until they hear their own.
//! Without these headers, as against a proxy that drops them, requests go as fast as
//! `--parallelism` allows, and 429s are retried, each holding the others back as above.
//!
//! `-v` says when and why the run waits:
//!
//! ```text
//! verbose: rate limit: reads used up their budget (10 per 1 s and 300 per 60 s); waiting 0.62 s, until it resets
//! ```
//!
//! With Ory's documented 300 requests a minute, an apply to a thousand projects (two requests
//! each) takes about seven minutes: give it a `--deadline` to match. Against the testkit with a
//! rate limit (`Options::rate_limit`), which announces it as Ory does, no request is refused:
//!
//! ```
//! use ory_actions::testkit::{Options, TestKit, new_project_config, run_env};
//! use ory_actions::{Action, Flow, ProjectId, Stack, Timing};
//!
//! // Four requests a second, eight projects: sixteen requests, four windows.
//! let kit = TestKit::start(Options::default().rate_limit(4))?;
//! let mut stack = Stack::new();
//! for _ in 0..8 {
//!     let project = kit.add_project(new_project_config());
//!     stack = stack.action(
//!         Action::builder(Flow::Login, Timing::Before, format!("https://hooks.example.com/{project}"))
//!             .project_id(ProjectId::Literal(project.into()))
//!             .build()?,
//!     );
//! }
//! let applied = run_env(stack, &["apply", "--yes"], &kit.env());
//! assert_eq!(applied.code, 0, "{}", applied.err);
//! assert_eq!(kit.count("GET") + kit.count("PATCH"), 16);
//! assert!(kit.requests().iter().all(|request| request.status != 429));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Conflicts
//!
//! Someone may change the target between this run's read and its write: another pipeline, or a
//! person in the Console. The write names the revision it was planned against, so it cannot
//! overwrite their change: Ory answers 409 instead. (Ory's API description lists 409 for this
//! endpoint without saying why; a stale revision is the reading ory-actions acts on.)
//!
//! After a 409 the run reads again and plans again, and writes only if the new plan makes the
//! same changes as the one shown. It tries up to 16 writes, backing off at random. If the new
//! plan differs, or every write meets another conflict, it stops, writes nothing, and exits
//! with code 3:
//!
//! ```
//! use ory_actions::testkit::{Fault, Options, TestKit, new_project_config};
//! use ory_actions::{Prune, Stack, action};
//! use serde_json::json;
//!
//! let kit = TestKit::start(Options::default())?;
//! let project = kit.add_project(new_project_config());
//! // Between this run's read and its write, someone adds a hook the stack's prune policy owns.
//! kit.inject(Fault::ConcurrentEdit(Box::new(|config| {
//!     config["selfservice"]["flows"]["login"]["before"]["hooks"] = json!([{"hook": "web_hook",
//!         "config": {"url": "https://hooks.example.com/new", "method": "POST", "body": "base64://e30="}}]);
//! })));
//! let stack = Stack::new()
//!     .prune(Prune::UrlPrefix("https://hooks.example.com/".into()))
//!     .action(action! {
//!         flow: verification,
//!         timing: after,
//!         url: "https://hooks.example.com/verified",
//!         body: "function(ctx) { id: ctx.identity.id }",
//!     });
//! let applied = kit.run(&project, stack, &["apply", "--yes"]);
//! assert_eq!(applied.code, 3);
//! # Ok::<(), String>(())
//! ```
//!
//! ```text
//! error: project 550e8400-0000-4000-8000-000000000001 was changed by someone else after the plan was confirmed, and the plan is no longer the same; nothing of this run was written there: run `plan` again to review it
//! ```
//!
//! Deleting the new hook is a change nobody confirmed, so nothing was written. Run `plan`
//! again, review it, and apply. A Kratos configuration file is handled the same way: a file
//! that changed on disk since it was read is read and planned again, and written only if the
//! plan is the same.
//!
//! ## Secrets Ory does not return
//!
//! Ory Network may leave a web hook's secret (the api key value, the basic auth password) out of
//! the project it returns, as the Terraform provider notes. Such a secret cannot be compared. The
//! plan says so on that field, and counts the hook unchanged when everything else matches:
//!
//! ```text
//! Project 550e8400-0000-4000-8000-000000000001 (revision 7e715100-0000-4000-8000-000000000003):
//!   no changes
//!
//!     guard: POST https://hooks.example.com/guard
//!       in login before
//!       ? auth.value: (sensitive) (not returned by Ory, cannot be compared)
//!
//! No changes. The hooks match the stack (1 unchanged).
//! ```
//!
//! An entry whose secret Ory left out is never written back without it, so an apply that
//! changes other hooks keeps it. To rotate such a secret, send it again on purpose:
//! `apply --resend-secrets` sends every action's, and `apply --resend-secrets=NAME` the secrets
//! of the action named `NAME` (repeatable). `plan` takes the same flag to show what would be
//! sent:
//!
//! ```
//! use ory_actions::testkit::{Options, TestKit, new_project_config};
//! use ory_actions::{Secret, Stack, action};
//!
//! // A stand-in that keeps web hook secrets to itself, as Ory Network may.
//! let kit = TestKit::start(Options::default().return_secrets(false))?;
//! let project = kit.add_project(new_project_config());
//! let key = std::env::temp_dir().join(format!("ory-actions-guide-{}.key", std::process::id()));
//! std::fs::write(&key, "first key").map_err(|e| e.to_string())?;
//! let stack = || Stack::new().action(action! {
//!     name: "guard",
//!     flow: login,
//!     timing: before,
//!     url: "https://hooks.example.com/guard",
//!     body: "function(ctx) { url: ctx.request_url }",
//!     auth: api_key { name: "X-Api-Key", value: Secret::file(&key), in: header },
//! });
//! assert_eq!(kit.run(&project, stack(), &["apply", "--yes"]).code, 0);
//!
//! // The key is rotated. The plan cannot tell; --resend-secrets sends it again.
//! std::fs::write(&key, "second key").map_err(|e| e.to_string())?;
//! let plan = kit.run(&project, stack(), &["plan"]);
//! assert!(plan.out.contains("(not returned by Ory, cannot be compared)"));
//! assert!(plan.out.contains("No changes."));
//! let resent = kit.run(&project, stack(), &["apply", "--yes", "--resend-secrets=guard"]);
//! assert!(resent.out.contains("~ auth.value: (sensitive) (sent again (--resend-secrets))"));
//! assert!(resent.out.contains("0 created, 1 updated, 0 deleted"));
//! # std::fs::remove_file(&key).map_err(|e| e.to_string())?;
//! # Ok::<(), String>(())
//! ```
//!
//! A Kratos configuration file always holds its secrets, so there a changed secret is an
//! ordinary change, shown as `auth.value: (sensitive) (changed)`.
//!
//! ## Drift
//!
//! Someone may also change hooks in the Console after your last apply. `plan
//! --expect-no-changes` turns any change into exit code 4, writing nothing: a drift check for
//! CI. `plan --detailed-exitcode` exits 2 when there are changes. [Chapter 10](crate::guide::ci)
//! puts both to work.
//!
//! Next: [chapter 6, payloads and snapshot tests](crate::guide::payloads).
