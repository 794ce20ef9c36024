//!
//! This guide takes you from a first `action!` to a pipeline that applies it. Read it in order
//! the first time: each chapter builds on the ones before and ends with a link to the next.
//!
//! An Ory Action is a web hook that Ory Kratos calls before or after a self-service flow: a
//! login, a registration, a recovery, a settings change or a verification. Kratos keeps these
//! hooks in its configuration, on Ory Network or in a self-hosted configuration file. With
//! ory-actions, you declare them in Rust; the compiler refuses the ones Kratos would refuse or
//! never run, as far as it can know (the rest is caught when the program runs or plans); and a
//! small command line plans and applies the change, as Terraform and Pulumi do.
//!
//! To see the whole loop before reading, run `cargo run --example quickstart` in the
//! repository: it needs no account. The examples in this guide compile and most of them run;
//! many use the testkit, an in-process stand-in for the Ory console API that the crate feature
//! `testkit` adds ([chapter 6](crate::guide::payloads#end-to-end-tests)).
//!
//! ## Chapters
//!
//! 1. [Declaring actions](crate::guide::declaring): the `action!` macro, computed values, the
//!    builder, the stack and the program's `main`.
//! 2. [Hook lists and auth methods](crate::guide::hook_lists): which lists Kratos has, how
//!    `auth_method` picks them, and which hooks Kratos really runs.
//! 3. [Bodies](crate::guide::bodies): Jsonnet templates, the rules the compiler holds them to,
//!    and what `ctx` holds in each flow and phase.
//! 4. [Targets](crate::guide::targets): an Ory Network project or a Kratos configuration file,
//!    and one program for several environments or projects.
//! 5. [Plan and apply](crate::guide::plan_and_apply): how a plan is made and read, conflicts,
//!    secrets Ory does not return, and pruning.
//! 6. [Payloads and snapshot tests](crate::guide::payloads): what each body sends, sample
//!    contexts, and tests of a whole stack.
//! 7. [`explain` and `probe`](crate::guide::explain_and_probe): the hooks Kratos will run, and
//!    whether each endpoint answers as Kratos needs.
//! 8. [The receiving end](crate::guide::receiving): typed replies, routes that check the
//!    hook's auth and decode its payload, and a test that probes the service in process.
//! 9. [Leaving the Console or Terraform](crate::guide::migrating): `export`, `import`, and the
//!    Terraform `ory_action` resource translated key by key.
//! 10. [Running it in CI](crate::guide::ci): a GitHub Actions workflow that plans pull requests,
//!     checks for drift and applies the main branch.
//! 11. [Troubleshooting](crate::guide::troubleshooting): each kind of error, what it means and
//!     what to do.
//! 12. [Traits and identity schemas](crate::guide::identity_schemas): bodies' reads of traits
//!     checked at compile time against the schemas your `Cargo.toml` names.
//!
//! ## Reference
//!
//! The guide explains; two places hold the reference, and the guide links to them rather than
//! repeat them:
//!
//! - the key table of [`action!`](crate::action!): every key, its values and its default;
//! - the [`cli`](crate::cli) module: every command, flag, environment variable, exit code and
//!   JSON output form.

pub mod bodies;
pub mod ci;
pub mod declaring;
pub mod explain_and_probe;
pub mod hook_lists;
pub mod identity_schemas;
pub mod migrating;
pub mod payloads;
pub mod plan_and_apply;
pub mod receiving;
pub mod targets;
pub mod troubleshooting;
