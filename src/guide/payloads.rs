//! # Chapter 6: Payloads and snapshot tests
//!
//! The compiler checks that a body is a template Kratos can run ([chapter
//! 3](crate::guide::bodies)). It cannot know what the template does with your data: a trait
//! your identities lack, an `error` it raises. Kratos finds out when it calls the hook, and
//! fails the user's flow. ory-actions finds out earlier: it evaluates each body, as Kratos
//! does, for a *sample context* of the shape Kratos sends. This chapter shows where that
//! happens, how to give samples that look like your identities, and how to put a whole stack
//! under snapshot tests.
//!
//! ## What a body sends
//!
//! `render --payloads` prints the payload of every body, for each of its hook lists, without
//! contacting anything:
//!
//! ```text
//! $ cargo run --example quickstart -- render --payloads
//! # welcome (registration after [password, code]: POST https://hooks.example.com/welcome)
//! registration after password (post-persist):
//! {
//!   "email": "jane.doe@example.com",
//!   "identity_id": "9f425a8d-7efc-4768-8f23-7647a74fdf13",
//!   "method": "password"
//! }
//! registration after code (post-persist):
//! {
//!   "email": "jane.doe@example.com",
//!   "identity_id": "9f425a8d-7efc-4768-8f23-7647a74fdf13",
//!   "method": "code"
//! }
//! …
//! ```
//!
//! In code, [`Action::payloads`](crate::Action::payloads) gives the same, one
//! [`SamplePayload`](crate::payload::SamplePayload) per hook list: the list, the
//! [`Phase`](crate::payload::Phase), the sample context and the result.
//!
//! ```
//! use ory_actions::action;
//! use ory_actions::payload::{Payload, Phase, Samples};
//! use serde_json::json;
//!
//! let welcome = action! {
//!     flow: registration,
//!     timing: after,
//!     auth_method: [password, code],
//!     url: "https://hooks.example.com/welcome",
//!     body: "function(ctx) { email: ctx.identity.traits.email, method: ctx.flow.active }",
//! };
//! let payloads = welcome.payloads(&Samples::new());
//! assert_eq!(payloads.len(), 2);
//! assert_eq!(payloads[1].phase, Phase::PostPersist);
//! let Ok(Payload::Json(sent)) = &payloads[1].result else { panic!("{:?}", payloads[1].result) };
//! assert_eq!(sent, &json!({"email": "jane.doe@example.com", "method": "code"}));
//! ```
//!
//! A result is [`Payload::Json`](crate::payload::Payload::Json), a
//! [`Payload::Form`](crate::payload::Payload::Form) for a form-encoded body, or
//! [`Payload::Cancelled`](crate::payload::Payload::Cancelled) when the template raised
//! `error "cancel"`; or a [`PayloadError`](crate::payload::PayloadError) saying why Kratos
//! would fail the call. A body Kratos resolves itself (`url(…)`, `kratos_file(…)`) has no
//! payload here.
//!
//! ## When a body fails
//!
//! `plan` evaluates every declared body too, and warns where Kratos would fail the call. This
//! action's body reads a trait that the default sample identity lacks:
//!
//! ```
//! use ory_actions::action;
//! use ory_actions::payload::Samples;
//!
//! let greet = action! {
//!     name: "greet",
//!     flow: registration,
//!     timing: after,
//!     auth_method: password,
//!     url: "https://hooks.example.com/greet",
//!     body: "function(ctx) { hello: ctx.identity.traits.name }",
//! };
//! assert!(greet.payloads(&Samples::new())[0].result.is_err());
//! ```
//!
//! A plan of a stack that holds it warns:
//!
//! ```text
//!   Warning: the body of greet (registration after password: POST https://hooks.example.com/greet) fails for the sample context of registration after password (post-persist): line 1, column 24: field does not exist: name (in `ctx.identity.traits.name`); Kratos fails the call for identities without it (set the sample traits with `--identity-schema` or `Stack::samples`, or guard the read with `std.get(…)`; see `render --payloads`)
//! ```
//!
//! `render --payloads` prints the failure in place of the payload and exits with code 1:
//!
//! ```text
//! # greet (registration after password: POST https://hooks.example.com/greet)
//! registration after password (post-persist): the body fails: line 1, column 24: field does not exist: name (in `ctx.identity.traits.name`)
//! …
//! error: 1 payload(s) fail for their sample context: Kratos would fail those calls
//! ```
//!
//! Two fixes: make the body robust (`std.get(ctx.identity.traits, 'name', null)`), or, if every
//! identity has the trait, give samples that have it.
//!
//! ## Samples like your identities
//!
//! The default sample identity has the traits `{"email": "jane.doe@example.com"}`.
//! [`Samples`](crate::payload::Samples) sets others: traits, a whole identity, or traits made
//! from your identity JSON schema (an `email` format gets an address, an `enum` its first
//! value, a `default` itself). Give them to the stack with
//! [`Stack::samples`](crate::Stack::samples); `render --payloads`, the checks of `plan`,
//! `probe` and [`Stack::snapshot`](crate::Stack::snapshot) then use them.
//!
//! ```
//! use ory_actions::Stack;
//! use ory_actions::payload::Samples;
//! use serde_json::json;
//!
//! let schema = json!({
//!     "type": "object",
//!     "properties": {"traits": {"type": "object", "properties": {
//!         "email": {"type": "string", "format": "email"},
//!         "plan": {"type": "string", "enum": ["free", "pro"]},
//!         "newsletter": {"type": "boolean", "default": true}
//!     }}}
//! });
//! let samples = Samples::new().identity_schema(&schema)?;
//! assert_eq!(
//!     samples.identity_value()["traits"],
//!     json!({"email": "jane.doe@example.com", "plan": "free", "newsletter": true})
//! );
//!
//! // Or the traits themselves, and the file of the schema:
//! let stack = Stack::new().samples(Samples::new().traits(json!({
//!     "email": "ada@example.com",
//!     "name": { "first": "Ada", "last": "Lovelace" },
//! })));
//! // Samples::new().identity_schema_file("identity.schema.json")?
//! # let _ = stack;
//! # Ok::<(), ory_actions::Error>(())
//! ```
//!
//! On the command line, `--identity-schema FILE` does the same for `plan`, `apply`, `render`
//! and `probe`.
//!
//! ## Sample contexts and phases
//!
//! A sample context has exactly the fields Kratos passes to that hook ([chapter
//! 3](crate::guide::bodies#what-ctx-holds)), with fixed ids and times, so that payloads are
//! stable. What it holds depends on the list and on the [`Phase`](crate::payload::Phase): a
//! registration or settings hook with `response_parse` or `can_interrupt` runs before the
//! identity is saved ([chapter 2](crate::guide::hook_lists#what-kratos-runs)). Its sample
//! identity has Go's zero time for timestamps, and addresses without ids: the samples' picture
//! of an identity that registration has not saved yet, not confirmed against Kratos. The
//! samples do the same for settings, although there Kratos changes an identity it saved
//! before. [`Phase::of`](crate::payload::Phase::of) gives the phase of a hook, and
//! [`Samples::context`](crate::payload::Samples::context) the context:
//!
//! ```
//! use ory_actions::{Flags, Scope};
//! use ory_actions::payload::{Phase, Samples};
//!
//! let scope = Scope::lookup("registration", "after", Some("password")).unwrap();
//! let parse = Flags { response_parse: true, ..Flags::default() };
//! assert_eq!(Phase::of(scope, parse), Phase::PrePersist);
//! assert_eq!(Phase::of(scope, Flags::default()), Phase::PostPersist);
//!
//! let ctx = Samples::new().context(scope, Phase::PrePersist);
//! assert_eq!(ctx["identity"]["created_at"], "0001-01-01T00:00:00Z");
//! ```
//!
//! [`payload::evaluate`](crate::payload::evaluate) evaluates any template against a context you
//! build.
//!
//! ## How close to Kratos
//!
//! A template first passes go-jsonnet's syntax and static rules (the compiler's checks). A plain
//! template, a JSON document of literals and reads of `ctx` such as
//! `function(ctx) { id: ctx.identity.id, email: ctx.identity.traits.email }`, is then computed
//! straight from the context, which costs microseconds even for ten thousand bodies. Any other
//! is evaluated by jrsonnet, a Rust implementation of Jsonnet, the way Kratos evaluates it:
//! `ctx` as the top-level argument, no imports, `error "cancel"` skipping the hook, form bodies
//! as flat objects of strings. Evaluation stops where go-jsonnet's does, at 500 stack frames;
//! ory-actions also stops a template after 10 seconds, a limit of its own for each template, so
//! one that runs away is reported and the others are still evaluated. The repository's
//! `tests/payloads.rs` holds 51 templates whose payloads, cancellations and failures equal
//! go-jsonnet's, and a property test holds the plain path to the evaluator's answers. One difference is known: a whole number of 2^64 or more is written by
//! go-jsonnet with every digit of the double (`99999999999999991611392`) and here as `1e+23`,
//! the same number.
//!
//! ## Snapshot tests
//!
//! [`Stack::snapshot`](crate::Stack::snapshot) gives the whole stack as one stable, readable
//! document: every hook list as it would be after applying the stack to an empty Ory Network
//! project, each entry with its body decoded and its payload for the sample context, secrets
//! redacted. It reads no secret and contacts nothing.
//!
//! ```
//! use ory_actions::{Action, Stack, action};
//!
//! fn my_actions() -> Vec<Action> {
//!     vec![action! {
//!         name: "welcome",
//!         flow: registration,
//!         timing: after,
//!         auth_method: password,
//!         url: "https://hooks.example.com/welcome",
//!         body: "function(ctx) { email: ctx.identity.traits.email }",
//!         auth: api_key { name: "X-Api-Key", value: env("WELCOME_KEY"), in: header },
//!     }]
//! }
//!
//! let document = Stack::new().actions(my_actions()).snapshot()?;
//! assert!(document.starts_with("=== registration after password"));
//! assert!(document.contains(r#""value": "(sensitive)""#));
//! # Ok::<(), ory_actions::Error>(())
//! ```
//!
//! The document of that stack:
//!
//! ```text
//! === registration after password (/selfservice/flows/registration/after/password/hooks)
//!
//! --- [0] welcome
//! {
//!   "config": {
//!     "auth": {
//!       "config": {
//!         "in": "header",
//!         "name": "X-Api-Key",
//!         "value": "(sensitive)"
//!       },
//!       "type": "api_key"
//!     },
//!     "body": "base64://… (decoded below)",
//!     …
//!     "url": "https://hooks.example.com/welcome"
//!   },
//!   "hook": "web_hook"
//! }
//! body:
//!     function(ctx) { email: ctx.identity.traits.email }
//! payload (post-persist sample context):
//!     {
//!       "email": "jane.doe@example.com"
//!     }
//! ```
//!
//! Put it under [insta](https://insta.rs), and a change to any action, body or payload shows up
//! as a diff to review:
//!
//! ```no_run
//! # use ory_actions::{Action, Stack};
//! # fn my_actions() -> Vec<Action> { Vec::new() }
//! #[test]
//! fn hooks_snapshot() {
//!     insta::assert_snapshot!(Stack::new().actions(my_actions()).snapshot().unwrap());
//! }
//! ```
//!
//! [`Stack::snapshot_on`](crate::Stack::snapshot_on) with
//! [`Platform::Kratos`](crate::Platform::Kratos) gives the self-hosted form: no `saml` lists,
//! and only the fields a configuration file gets.
//!
//! ## End-to-end tests
//!
//! The crate feature `testkit` adds `ory_actions::testkit`: an in-process stand-in for the Ory
//! console API on loopback, and a harness that runs the command line in-process. Enable it for
//! tests only:
//!
//! ```toml
//! [dev-dependencies]
//! ory-actions = { version = "0.1", features = ["testkit"] }
//! ```
//!
//! The stand-in has bearer authentication, revision ids and 409, Ory's JSON-patch rules, the
//! normalisation Ory Network applies to stored hooks, a request log, and faults to inject; the
//! documentation of the `ory_actions::testkit` module lists them (it is built with the
//! feature). The examples of chapters 2, 4, 5, 7 and 8 use it. A test of your own stack:
//!
//! ```
//! use ory_actions::testkit::{Options, TestKit, new_project_config};
//! use ory_actions::{Stack, action};
//!
//! let stack = || Stack::new().action(action! {
//!     flow: verification,
//!     timing: after,
//!     url: "https://hooks.example.com/verified",
//!     body: "function(ctx) { id: ctx.identity.id }",
//! });
//! let kit = TestKit::start(Options::default())?;
//! let project = kit.add_project(new_project_config());
//! let applied = kit.run(&project, stack(), &["apply", "--yes"]);
//! assert_eq!(applied.code, 0, "{}", applied.err);
//! let again = kit.run(&project, stack(), &["plan", "--detailed-exitcode"]);
//! assert_eq!(again.code, 0, "a second plan has no changes: {}", again.out);
//! # Ok::<(), String>(())
//! ```
//!
//! `TestKit::run` runs the command line with the stand-in's URL, key and project as its whole
//! configuration, and `testkit::run_env` with an environment you give. Neither reads the
//! process's configuration variables; secrets named with `env("…")` are still read from the
//! process's environment, so tests give secrets with `secret_file` or `Secret::file`. For
//! streams and a confirmation of your own, use [`cli::run_with`](crate::cli::run_with).
//!
//! Next: [chapter 7, `explain` and `probe`](crate::guide::explain_and_probe).
