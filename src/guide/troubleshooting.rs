//! # Chapter 11: Troubleshooting
//!
//! Errors come at four moments: when the program is compiled, when it starts, when it reads
//! the target, and when it writes. This chapter goes through them in that order, says what
//! each kind means, and what to do. The message itself usually says what to do; the sections
//! below say where the rule behind it is explained.
//!
//! Every error of the command line is a line on standard error starting with `error:`. The exit
//! code says what kind of failure it was: 1 for an error, 3 when someone else kept writing the
//! target ([below](#conflicts-exit-code-3)), 4 when `--expect-no-changes` found changes; the
//! [`cli`](crate::cli) module lists them all.
//!
//! ## Compile errors of `action!`
//!
//! `action!` refuses, at compile time, the declarations that Ory would refuse or accept and
//! never run, as far as the compiler can know ([chapter
//! 1](crate::guide::declaring#a-first-action) names what it leaves to the run). Each error
//! points at the smallest offending token, names what is allowed, and suggests the nearest
//! spelling. All errors of one declaration are reported together, and a declaration with errors
//! still has the type [`Action`](crate::Action), so the code around it reports nothing more.
//!
//! | the message is about | what it means | see |
//! |---|---|---|
//! | an unknown, repeated or missing key; a value of the wrong kind | the key table of `action!` | [`action!`](crate::action!) |
//! | `auth_method`, or a flow that "has no … hook list" | the list does not exist, or the flow needs `auth_method` | [chapter 2](crate::guide::hook_lists#choosing-lists-with-auth_method) |
//! | `response_ignore`, `response_parse`, `can_interrupt` | a combination Kratos refuses, or a hook in a list where Kratos never runs it | [chapter 2](crate::guide::hook_lists#what-kratos-runs) |
//! | "the Jsonnet body …", "the body template …" | the template breaks go-jsonnet's rules or Kratos's, or reads a field `ctx` lacks | [chapter 3](crate::guide::bodies) |
//! | "secrets are read when the program runs", a credential header | a secret written as a literal | [chapter 1](crate::guide::declaring#secrets) |
//! | `url`, a header name, a project id, a variable name | a malformed value | the message says what is allowed |
//!
//! A computed value of the wrong type is a type error (E0277) at the expression: a computed
//! value must be text (`String`, `&str`, `Cow<str>`), a computed secret a
//! [`Secret`](crate::Secret) ([chapter 1](crate::guide::declaring#computed-values)).
//!
//! When a template given with `file("…")` cannot be read, check its path against where
//! `file("…")` looks ([chapter 3](crate::guide::bodies#templates-in-the-program)).
//!
//! ## When the program starts
//!
//! Errors that name the place of an `action!` (`` error: src/main.rs:7:9: action `…`: … ``), and
//! end with `nothing was read or written`, come from the check of the values the program
//! computed, which the command line runs before anything else ([chapter
//! 1](crate::guide::declaring#computed-values) shows it).
//!
//! Fix the data the values are computed from. [`Action::check`](crate::Action::check) runs the
//! same check, so a test can catch such a value before a run does:
//!
//! ```
//! use ory_actions::{Stack, action};
//!
//! fn my_stack(host: &str) -> Stack {
//!     Stack::new().action(action! {
//!         flow: login,
//!         timing: before,
//!         url: format!("https://{host}/guard"),
//!         body: "function(ctx) { url: ctx.request_url }",
//!     })
//! }
//!
//! for action in my_stack("hooks.example.com").get_actions() {
//!     action.check().unwrap_or_else(|e| panic!("{e}"));
//! }
//! assert!(my_stack("hooks example").get_actions()[0].check().is_err());
//! ```
//!
//! An unknown command, or a flag that does not go with the command (`` `--json` does not go
//! with `apply` ``), is reported with the usage text. A `--target` or `--resend-secrets=NAME`
//! that names no flow or action is reported with the names that exist.
//!
//! ## Configuration and credentials
//!
//! | message | what to do |
//! |---|---|
//! | `ORY_WORKSPACE_API_KEY is not set: …` | export a workspace API key, or give `--config` for a Kratos file ([chapter 4](crate::guide::targets)) |
//! | `no project for <action>: set ORY_PROJECT_ID, pass --project, or give the stack or the action a project_id` | say which project ([chapter 4](crate::guide::targets#an-ory-network-project)) |
//! | ``environment variable `X` is not set; it holds the api key of <action>`` | export the secret the action reads with `env("X")` ([chapter 1](crate::guide::declaring#secrets)) |
//! | ``the console API URL `…` is not https: …`` | use an `https` URL (the [`cli`](crate::cli) module says what is accepted) |
//! | `a Kratos configuration file (--config or ORY_KRATOS_CONFIG) is one target; --project and --console-url are for Ory Network: give one or the other` | a run has one kind of target; check the environment for a stray `ORY_KRATOS_CONFIG` |
//! | ``apply writes to … and there is no terminal to confirm on: run `apply --yes` …`` | add `--yes` in scripts and CI ([chapter 5](crate::guide::plan_and_apply#the-loop)) |
//!
//! ## Reading the target
//!
//! When a target cannot be planned, the plan says `Plan incomplete: … could not be planned (see
//! the errors)`, the other targets are still planned, and the run exits with code 1.
//!
//! **Ory's answers.** The message explains the status:
//!
//! - 401, "Ory refused the API key (401) … the key is invalid or expired …": set
//!   `ORY_WORKSPACE_API_KEY` to a workspace API key that is still valid.
//! - 403 on a read, "Ory refused to show project … (403): no project has this id, or the key's
//!   workspace does not own it …": Ory answers 403 for a project id it does not know, as for one
//!   the key cannot see (as the Terraform provider's maintainers report). Check the project id
//!   first (from `--project`, `ORY_PROJECT_ID`, or a `project_id` in the code; [chapter
//!   4](crate::guide::targets#an-ory-network-project)), then that the key belongs to the
//!   workspace that owns the project.
//! - 403 on a write, "the API key may read project … but not change its configuration (403) …":
//!   the key is a project API key (`ory_pat_…`), which may read a project but not change its
//!   configuration; use a workspace API key (`ory_wak_…`).
//! - 404, "project … was not found (404) …": Ory's API description lists 404 for an unknown
//!   project, though Ory is reported to answer 403; either way, check the project id.
//! - 400 on a write: Ory refused the new configuration as invalid; Ory's own message follows.
//!
//! A project deleted in the Console may still be read: Ory answers 200, with
//! `"state": "deleted"` in the project (the same report). ory-actions refuses it: every command
//! that reads it stops with "project … is deleted …", and nothing is written.
//!
//! A project that is not in the allowed projects ([chapter
//! 4](crate::guide::targets#allowed-projects)) stops the run before its first request:
//! "project … (from ORY_PROJECT_ID) is not allowed: ORY_ACTIONS_ALLOWED_PROJECTS names only …".
//! Check where the project came from, as the message says, and the list.
//!
//! **Transient failures.** Rate limits, Ory's failures, timeouts and broken connections are
//! retried until the run's deadline ([chapter 5](crate::guide::plan_and_apply#how-apply-writes));
//! a run waits for Ory's rate limit to reset, within the same deadline
//! ([chapter 5](crate::guide::plan_and_apply#rate-limits)).
//! Then the run gives up and lists what each try got:
//!
//! ```text
//! error: gave up trying to read project 550e8400-0000-4000-8000-000000000001 after 6 tries (could not connect (Connection refused (os error 111)), …); nothing of this run is left half-written; run again later or with a longer --deadline
//! ```
//!
//! `-v` shows each request and each retry as it happens:
//!
//! ```text
//! verbose: GET /projects/550e8400-0000-4000-8000-000000000001 → 503 in 0 ms
//! verbose: read of project 550e8400-0000-4000-8000-000000000001 failed (503); trying again in 0.1 s
//! verbose: GET /projects/550e8400-0000-4000-8000-000000000001 → 200 in 0 ms
//! ```
//!
//! **Configuration files.** Every command gives the same verdict on a file, with the line and
//! column where it applies:
//!
//! ```text
//! error: Kratos configuration /tmp/demo-kratos/bad.yaml: it is not valid YAML: at line 5, column 16: block sequence entries are not allowed in this context
//! ```
//!
//! A file is refused when it is not a regular file (a directory, a device, a FIFO), is larger
//! than 16 MiB, nests deeper than 127 levels, is not valid YAML 1.2 or JSON, has more than one
//! YAML document, duplicate keys, custom tags, or aliases that expand too far. An `apply` that
//! would have to change a list shared through a YAML anchor is refused too. An action that
//! names `saml` is refused against a file
//! ([chapter 2](crate::guide::hook_lists#saml-ory-network-only)).
//!
//! A body template that a hook of the file names by path, and that is not found where
//! ory-actions looks, is a warning, not an error: point at it with `--kratos-dir` or
//! `--path-map` ([chapter 4](crate::guide::targets#where-kratoss-files-are)).
//!
//! ## Writing
//!
//! ### Conflicts (exit code 3)
//!
//! Someone else wrote the target between this run's read and its write, and the run could not
//! make the change it showed ([chapter 5](crate::guide::plan_and_apply#conflicts) says how it
//! tries). The message is one of:
//!
//! - ``… was changed by someone else after the plan was confirmed, and the plan is no longer the
//!   same; nothing of this run was written there: run `plan` again to review it``
//! - `… kept changing while this run tried to update it (… attempts, …); nothing of this run was
//!   written; run again`
//!
//! Nothing of the run was written to that target. Run `plan` again, review, and apply.
//!
//! ### A write that did not hold
//!
//! After a write, the run plans against what Ory returned. If Ory accepted the write but kept
//! something otherwise, the run fails, naming what Ory dropped, kept or stored otherwise, with
//! Ory's own warnings:
//!
//! ```text
//! error: the update of project 550e8400-0000-4000-8000-000000000001 was accepted but did not apply all of it: the revision is still 7e715100-0000-4000-8000-000000000002; it dropped POST https://hooks.example.com/guard in login before
//! ```
//!
//! Run `plan` to see the project as it is now. If Ory's answer could not be read at all, the
//! message says so and asks for the same.
//!
//! With `--schema`, a write to a configuration file whose hook lists Kratos's schema would
//! refuse is not made.
//!
//! ## Warnings worth acting on
//!
//! Warnings do not change the exit code, but most mean a hook will not do what you expect:
//!
//! | warning | meaning | see |
//! |---|---|---|
//! | "… has no body: self-hosted Kratos fails every call of a web hook without one …" | add `body` | [chapter 3](crate::guide::bodies) |
//! | "the body of … fails for the sample context …" | the body fails for identities like the sample | [chapter 6](crate::guide::payloads#when-a-body-fails) |
//! | "hooks in … (fallback) do not run for …" | a per-method list shadows the flow-wide one | [chapter 2](crate::guide::hook_lists#what-kratos-runs) |
//! | "the first hook in … switches the flow-wide list off for …" | the same, caused by this change | [chapter 2](crate::guide::hook_lists#what-kratos-runs) |
//! | "Ory Network's API has no place for `headers` …" (or `emit_analytics_event`, `id`) | expect the hook to run without that field on Ory Network | [chapter 4](crate::guide::targets#a-self-hosted-kratos-configuration-file) |
//! | "entries of … move to other indexes" | entries of a configuration file move to another index | [chapter 4](crate::guide::targets#a-self-hosted-kratos-configuration-file) |
//!
//! `explain` ([chapter 7](crate::guide::explain_and_probe)) shows the result of all of these on
//! the chain Kratos runs; `probe` shows whether each endpoint answers as Kratos needs.
//!
//! Back to the [guide's contents](crate::guide).
