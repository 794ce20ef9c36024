//! # Chapter 2: Hook lists and auth methods
//!
//! Kratos keeps web hooks in *hook lists*, under `selfservice.flows.<flow>.<timing>` of its
//! configuration. Which list a hook is in decides whether, when and for whom Kratos runs it.
//! This chapter says which lists exist, how `auth_method` picks them, and what Kratos really
//! runs. [Chapter 7](crate::guide::explain_and_probe) shows the `explain` command, which
//! prints it for your own project.
//!
//! The facts about Kratos come from its source (at commit `b86338da`) and its configuration
//! schema; those about Ory Network, from Ory's documentation and the Terraform provider. Where
//! a fact is read from the code, or inferred, and not confirmed by a test or on a live project,
//! this chapter says so.
//!
//! ## Which lists exist
//!
//! | flow | `before` | `after` |
//! |---|---|---|
//! | login | one list | a flow-wide list, and one list per method: `password`, `oidc`, `code`, `webauthn`, `passkey`, `totp`, `lookup_secret`, and `saml` on Ory Network |
//! | registration | one list | a flow-wide list, and one per method: `password`, `oidc`, `code`, `webauthn`, `passkey`, and `saml` on Ory Network |
//! | settings | one list | a flow-wide list, and one per method: `password`, `oidc`, `webauthn`, `passkey`, `totp`, `lookup_secret`, `profile`, and `saml` on Ory Network |
//! | recovery | one list | one list |
//! | verification | one list | one list |
//!
//! `logout` has no hooks. That makes 29 lists in self-hosted Kratos, and 32 on Ory Network.
//! The library holds the same table; this runs against it:
//!
//! ```
//! use ory_actions::{Flow, Platform, Timing};
//!
//! let methods = |flow: Flow, platform| -> Vec<&str> {
//!     flow.after_methods_on(platform).iter().map(|m| m.as_str()).collect()
//! };
//! assert_eq!(
//!     methods(Flow::Registration, Platform::Kratos),
//!     ["password", "oidc", "code", "webauthn", "passkey"]
//! );
//! assert_eq!(
//!     methods(Flow::Settings, Platform::OryNetwork),
//!     ["password", "oidc", "webauthn", "passkey", "totp", "lookup_secret", "profile", "saml"]
//! );
//! assert!(methods(Flow::Verification, Platform::OryNetwork).is_empty());
//! assert!(!Flow::Recovery.needs_auth_method(Timing::After));
//! ```
//!
//! ## Choosing lists with `auth_method`
//!
//! `auth_method` is required for `after` hooks of login, registration and settings, the flows
//! with per-method lists. Elsewhere there is one list, and `auth_method` is refused. It takes:
//!
//! - one method, `password`: the hook goes into that method's list;
//! - a list, `[password, oidc]`: one entry in each of those lists;
//! - `all`: one entry in every per-method list the flow has where the plan runs (on Ory
//!   Network that includes `saml`; in a Kratos configuration file it does not);
//! - `fallback`: the flow-wide `after.hooks` list (see below for when Kratos runs it).
//!
//! The Terraform provider defaults `auth_method` to `password`, so a hook declared without one
//! runs for no other method. Here a missing `auth_method` is a compile error:
//!
//! ```compile_fail
//! let _ = ory_actions::action! {
//!     flow: login,
//!     timing: after,
//!     url: "https://api.example.com/webhooks/login",
//! };
//! ```
//!
//! ```text
//! error: `auth_method` is required for `after` hooks of login: use `password`, `oidc`, `code`, `webauthn`, `passkey`, `totp`, `lookup_secret`, `saml` (Ory Network only), a list of them, `all` (every per-method list) or `fallback` (the flow-wide list)
//! ```
//!
//! So is a method the flow has no list for:
//!
//! ```compile_fail
//! let _ = ory_actions::action! {
//!     flow: registration,
//!     timing: after,
//!     auth_method: totp,
//!     url: "https://api.example.com/webhooks/welcome",
//! };
//! ```
//!
//! ```text
//! error: registration has no `totp` hook list: registration after accepts `password`, `oidc`, `code`, `webauthn`, `passkey`, `saml` (Ory Network only), a list of them, `all` (every per-method list) or `fallback` (the flow-wide list)
//!  --> src/main.rs:5:22
//!   |
//! 5 |         auth_method: totp,
//!   |                      ^^^^
//! ```
//!
//! `before` hooks, and `after` hooks of recovery and verification, take no `auth_method`: the
//! error says "run from one list for every method: remove `auth_method`".
//!
//! ## What Kratos runs
//!
//! **Registration and settings run `after` hooks in two phases.** A web hook with
//! `response_parse` or `can_interrupt` (this guide calls it a *parse hook*) runs *before the
//! identity is saved* (pre-persist): it can stop the flow with messages for the user, and with
//! `response_parse` change the identity before it is stored. Every other `after` hook runs once
//! the identity is saved (post-persist). Login, recovery and verification have one phase. The
//! pre-persist phase reads only the per-method lists, never the flow-wide one. Kratos accepts a
//! parse hook in the flow-wide list and then never runs it, so it does not compile:
//!
//! ```compile_fail
//! let _ = ory_actions::action! {
//!     flow: registration,
//!     timing: after,
//!     auth_method: fallback,
//!     url: "https://api.example.com/webhooks/check",
//!     body: "function(ctx) { email: ctx.identity.traits.email }",
//!     response_parse: true,
//! };
//! ```
//!
//! ```text
//! error: Kratos never runs a web hook with `response_parse` from the flow-wide `after` list of registration: such hooks run before the identity is saved, which only per-method lists do; name the methods in `auth_method` (or use `all`)
//!  --> src/main.rs:8:9
//!   |
//! 8 |         response_parse: true,
//!   |         ^^^^^^^^^^^^^^^^^^^^
//! ```
//!
//! Kratos keeps the identity changes of a parse hook only there, in the per-method lists of
//! registration and settings. After login, recovery and verification a parse hook can still stop
//! the flow with messages, but nothing saves the identity after it, so its changes are lost.
//! That last point is read from Kratos's code, not confirmed by a test.
//!
//! **A per-method list replaces the flow-wide list; the two are never merged.** After a login,
//! registration or settings change, Kratos takes the list of the method that was used. Only
//! when that list has no hook for the phase being run does it take the flow-wide list instead.
//! An absent list, an empty one and a method without `hooks` all count as empty.
//!
//! Two consequences surprise people:
//!
//! - The first hook you put into an empty per-method list switches the flow-wide list off for
//!   that method. Plans warn when a change does this to a flow-wide list that holds hooks.
//! - Ory Network projects hold `{"hook": "session"}`, which signs the user in after sign-up, in
//!   the per-method lists of registration (a new project: in `password`, `oidc` and
//!   `webauthn`). So a hook in the flow-wide registration list never runs for those methods.
//!   Ory's documentation calls the Console's "Fallback" option legacy and deprecated: a
//!   fallback web hook only runs when no method-specific hook exists.
//!
//! Here is `fallback` planned against a new Ory Network project. The example uses the
//! *testkit*, an in-process stand-in for Ory's console API that the crate feature `testkit`
//! adds ([chapter 6](crate::guide::payloads#end-to-end-tests)); its `new_project_config()` holds
//! the hook lists of a new project:
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
//! let plan = kit.run(&project, stack, &["plan"]);
//! assert_eq!(plan.code, 0);
//! assert!(plan.out.contains("do not run for password, oidc, webauthn"));
//! assert!(plan.out.contains("uses `auth_method: fallback`, which Ory's documentation calls legacy"));
//! # Ok::<(), String>(())
//! ```
//!
//! The plan says:
//!
//! ```text
//! Project 550e8400-0000-4000-8000-000000000001 (revision 7e715100-0000-4000-8000-000000000002):
//!
//!   + crm_signup: POST https://crm.example.com/signups
//!       in registration after (fallback)
//!       + body:
//!           function(ctx) { id: ctx.identity.id }
//!
//!   Warning: crm_signup (registration after (fallback): POST https://crm.example.com/signups) uses `auth_method: fallback`, which Ory's documentation calls legacy: "a fallback webhook only runs when no method-specific hook (built-in or webhook) exists"; to run it for the methods you mean, use `auth_method: all` or a list such as `[password, oidc]`
//!   Warning: hooks in registration after (fallback) do not run for password, oidc, webauthn because those methods have hooks of their own (Kratos runs the flow-wide list only for methods whose list is empty)
//!
//! Plan: 1 to create, 0 to update, 0 to delete.
//! ```
//!
//! Against Ory Network, every plan of a `fallback` action says the first warning; a Kratos
//! configuration file keeps its flow-wide lists without it.
//!
//! **A hook for every method.** To run for every method, a hook has to be in the list of each
//! method that has hooks of its own, and in the flow-wide list for the methods that have none.
//! `auth_method: all` puts one entry in every per-method list, the empty ones included, which
//! switches the flow-wide list off for the methods whose list was empty (the plan warns when
//! the flow-wide list holds hooks). A method that has no list of its own at all runs only the
//! flow-wide list: Kratos's lookup implies this, but it has not been observed. SAML on Ory
//! Network may be such a method, although Ory Network keeps `saml` lists
//! ([below](#saml-ory-network-only)). To reach such methods too, declare a second action with
//! the same URL and `auth_method: fallback`.
//!
//! **Order.** Hooks run in the order of their list, except that `session` always runs last. When
//! verification is enabled, Kratos runs its own verification step first in the post-persist
//! phase of registration and settings. Plans put new hooks before `session` and keep every
//! other entry where it is ([chapter 5](crate::guide::plan_and_apply#where-entries-go)).
//!
//! **Which method is "the method".** Login uses the method the user signed in with.
//! Registration uses the method that completed it. Settings uses what was changed: `profile`
//! for traits, `password` for the password, and so on.
//!
//! **`before` lists** run in order, and the first error stops the flow. A `before` hook has no
//! identity ([chapter 3](crate::guide::bodies#what-ctx-holds)), so a parse hook there should
//! answer 204, or 200 without an `identity`: Kratos's code would apply such an `identity` to
//! an identity the flow does not have. That is read from the code, not confirmed by a test.
//!
//! **Hooks that are not web hooks.** A list may hold Kratos's own hooks (`session`,
//! `revoke_active_sessions`, `require_verified_address`, `verification`,
//! `show_verification_ui`, …). ory-actions never changes them. `b2b_sso` and `organization`
//! hooks have no executor in self-hosted Kratos, which logs a warning and skips them; Kratos's
//! code leaves room for a host to add one, so Ory Network presumably runs them, which is not
//! confirmed.
//!
//! ## `saml`: Ory Network only
//!
//! Ory Network has a `saml` list after login, registration and settings: the Console offers
//! SAML as a method, and the console API keeps and returns a web hook written there (the
//! Terraform provider checked this against the live API). Self-hosted Kratos has no `saml`
//! list; its schema refuses one. So an action that names `saml` compiles, and a plan against a
//! Kratos configuration file refuses it, writing nothing:
//!
//! ```
//! use ory_actions::testkit::run_env;
//! use ory_actions::{Stack, action};
//! use std::collections::BTreeMap;
//!
//! let stack = Stack::new().action(action! {
//!     name: "sso_audit",
//!     flow: login,
//!     timing: after,
//!     auth_method: [password, saml],
//!     url: "https://hooks.example.com/sso",
//!     body: "function(ctx) { id: ctx.identity.id }",
//! });
//! let plan = run_env(stack, &["plan", "--config", "examples/kratos/kratos.yaml"], &BTreeMap::new());
//! assert_eq!(plan.code, 1);
//! assert!(plan.err.contains("self-hosted Kratos has no `saml` hook list"));
//! ```
//!
//! `auth_method: all` leaves the `saml` lists out in a configuration file, and includes them on
//! Ory Network.
//!
//! Not confirmed: which list Ory Network runs for a SAML sign-in (Kratos's open-source lookup
//! suggests that a method without a key of its own would use the flow-wide list, which has not
//! been observed), and that Ory Network's own configuration schema has the same lists as the
//! open-source one, apart from `saml`.
//!
//! Next: [chapter 3, bodies](crate::guide::bodies).
