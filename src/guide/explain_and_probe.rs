//! # Chapter 7: `explain` and `probe`
//!
//! A plan says what will be written. Two more commands answer what happens next: `explain`
//! says which hooks Kratos will run, and `probe` calls each hook to see whether it answers the
//! way Kratos needs.
//!
//! ## `explain`: what Kratos will run
//!
//! [Chapter 2](crate::guide::hook_lists#what-kratos-runs) describes how Kratos picks hooks: a
//! per-method list replaces the flow-wide one, parse hooks run before the identity is saved,
//! `session` runs last. `explain` applies those rules to your target. It reads the target once,
//! applies the stack to what it read in memory, and prints, for every flow and method, the
//! chain of hooks Kratos runs. Nothing is written. With `--config`, it reads the file, so it
//! works offline.
//!
//! ```text
//! $ cargo run --example quickstart -- explain --flow registration
//! Kratos config …/examples/kratos/kratos.yaml once the stack is applied (verification is enabled):
//!
//! registration before
//!   (no hooks)
//!
//! registration after password
//!   post-persist:
//!     verification — Kratos's own step (verification is enabled)
//!     web_hook POST https://hooks.example.com/welcome (welcome) [async: Kratos does not wait for it] — registration after password [0]
//!     session — registration after password [1]
//!
//! registration after oidc
//!   post-persist:
//!     verification — Kratos's own step (verification is enabled)
//!
//! registration after code
//!   post-persist:
//!     verification — Kratos's own step (verification is enabled)
//!     web_hook POST https://hooks.example.com/welcome (welcome) [async: Kratos does not wait for it] — registration after code [0]
//! …
//! ```
//!
//! Each line is one hook, in the order Kratos runs it. After the dash come the list it is taken
//! from and its index there; `(fallback)` marks the flow-wide list. Registration and settings
//! show their two phases. `[async: …]` marks a hook with `response_ignore`, which Kratos does
//! not wait for. A hook that never runs gets a line `never runs:` and the reason: a flow-wide
//! hook that a non-empty per-method list shadows, a parse hook in a flow-wide list, a hook kind
//! the platform does not have. The fallback hook of [chapter 2](crate::guide::hook_lists),
//! applied to a new Ory Network project (the testkit's, which has verification enabled, as a
//! new project on Ory Network has), is explained so:
//!
//! ```text
//! project 550e8400-0000-4000-8000-000000000001 once the stack is applied (verification is enabled):
//!
//! registration before
//!   (no hooks)
//!
//! registration after password
//!   post-persist:
//!     verification — Kratos's own step (verification is enabled)
//!     session — registration after password [0]
//!   never runs: web_hook POST https://crm.example.com/signups (crm_signup) — registration after (fallback) [0]
//!     registration after password is not empty, so Kratos runs it instead of registration after (fallback)
//! …
//! registration after code
//!   post-persist:
//!     verification — Kratos's own step (verification is enabled)
//!     web_hook POST https://crm.example.com/signups (crm_signup) — registration after (fallback) [0]
//! …
//! ```
//!
//! ```
//! use ory_actions::testkit::{Options, TestKit, new_project_config};
//! use ory_actions::{Stack, action};
//!
//! let kit = TestKit::start(Options::default())?;
//! let project = kit.add_project(new_project_config());
//! let stack = Stack::new().action(action! {
//!     name: "crm_signup",
//!     flow: registration,
//!     timing: after,
//!     auth_method: fallback,
//!     url: "https://crm.example.com/signups",
//!     body: "function(ctx) { id: ctx.identity.id }",
//! });
//! let explained = kit.run(&project, stack, &["explain", "--flow", "registration"]);
//! assert_eq!(explained.code, 0, "{}", explained.err);
//! assert!(explained.out.contains(
//!     "never runs: web_hook POST https://crm.example.com/signups (crm_signup) — registration after (fallback) [0]"
//! ));
//! assert_eq!((kit.count("GET"), kit.count("PATCH")), (1, 0)); // one read, no write
//! # Ok::<(), String>(())
//! ```
//!
//! `--flow F` keeps one flow; `--json` prints the chains for programs (the [`cli`](crate::cli)
//! module describes the form).
//!
//! ## `probe`: does each hook answer as Kratos needs?
//!
//! `probe` sends each declared hook's request the way Kratos does: its method and URL, its
//! headers with `Content-Type`, its auth with the secrets read, and its body evaluated for the
//! sample context of each of its lists ([chapter 6](crate::guide::payloads)). It then judges the
//! reply as Kratos would, one line per hook:
//!
//! - a 2xx is fine;
//! - a `response_parse` hook's 200 must be JSON, and an `identity` in it must be one Kratos
//!   accepts (the line names the fields it replaces). In a `before` list, where there is no
//!   identity, `probe` fails such an `identity`; after login, recovery and verification it fails
//!   too, as Kratos does not save it. From a hook without `response_parse`, an `identity` fails:
//!   Kratos does not read it. Both verdicts follow Kratos's code; neither is
//!   confirmed by a test ([chapter 2](crate::guide::hook_lists#what-kratos-runs));
//! - a `response_parse` or `can_interrupt` hook's 4xx (other than 429) shows the messages a
//!   person would see, or says that their shape is wrong;
//! - a 429 or 5xx is retried as Kratos retries it, and then fails the flow without messages;
//! - a hook with `response_ignore` is called and reported, though Kratos does not wait for it;
//! - a hook without a body ([chapter 3](crate::guide::bodies)), or with a `Content-Type` Kratos
//!   cannot send, fails.
//!
//! A stack of three hooks, probed against a local server that answers `/welcome` with 204,
//! `/invite` with a 400 and a message for the email field, and `/guard` with a 500. `welcome` is
//! a plain hook; `invite_only` and `login_guard` have `can_interrupt: true`, so a 4xx with
//! messages is how they stop a flow on purpose, and `invite_only`'s 400 counts as ok:
//!
//! ```text
//! $ cargo run -- probe --config kratos.yaml
//! ok   welcome (registration after password: POST http://127.0.0.1:8000/welcome): 204 (0 ms)
//! ok   invite_only (registration after password: POST http://127.0.0.1:8000/invite): 400: the flow stops and the user sees: traits/email: This address is not invited (error) (0 ms)
//! FAIL login_guard (login before: POST http://127.0.0.1:8000/guard): 500: Kratos retries and then fails the flow without reading messages (use a 4xx other than 429 to show messages) (3005 ms, 3 attempts)
//! error: 1 hook(s) do not answer as Kratos needs: login_guard (login before: POST http://127.0.0.1:8000/guard)
//! ```
//!
//! A hook that fails does not stop the others from being probed. When any fails, the exit code
//! is 1. Each try has 30 seconds; connection errors, 429 and 5xx (but 501) are tried twice more,
//! as Kratos does; a reply is read up to 5 MiB.
//!
//! Only declared URLs are called, and only those of the flows and actions `--target` names, if
//! any. A body Kratos resolves itself (`url(…)`, `kratos_file(…)`) cannot be evaluated here, so
//! its hook is skipped. `probe` needs the target set up as for `plan` (`--config`, or the key
//! and the project), since the platform decides which lists an action goes into; it reads
//! nothing from the target.
//!
//! `--dry-run` prints the requests and sends nothing. Secrets show as `(sensitive)`:
//!
//! ```text
//! $ cargo run --example quickstart -- probe --dry-run
//! …
//! --- login_guard (login before: POST https://hooks.example.com/guard)
//! POST https://hooks.example.com/guard
//! Content-Type: application/json
//! X-Api-Key: (sensitive)
//!
//! {"request_url":"https://auth.example.com/self-service/login/browser"}
//! …
//! ```
//!
//! Next: [chapter 8, the receiving end](crate::guide::receiving).
