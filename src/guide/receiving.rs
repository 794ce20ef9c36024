//! # Chapter 8: The receiving end
//!
//! Everything so far checks a hook up to the moment Kratos calls it. The service that answers
//! is yours to write, and three of its parts are where hooks most often go wrong: the type the
//! payload is read into, guessed from the Jsonnet body; the check of the key Kratos sends; and
//! the reply, which Kratos reads only in one shape and only from some hooks. The declaration
//! already knows all three, so with the crate feature `axum` the same program can serve its
//! hooks, and a test can check both ends against each other.
//!
//! ```toml
//! [dependencies]
//! ory-actions = { version = "0.1", features = ["axum"] }
//! axum = "0.8"
//! ```
//!
//! ## Replies
//!
//! [`Reply`](crate::reply::Reply) is what a handler answers, written exactly as Kratos's
//! `web_hook.go` parses it (the [`reply`](crate::reply) module has the whole contract):
//!
//! - [`Reply::ok()`](crate::reply::Reply::ok): nothing to say, the flow goes on (204);
//! - [`Reply::interrupt(messages)`](crate::reply::Reply::interrupt): the flow stops and the user
//!   sees the messages (400), each [`Message::error`](crate::reply::Message::error) or
//!   [`Message::info`](crate::reply::Message::info), on a field with `.at("#/traits/email")` or
//!   on the whole form. Kratos reads them only from a hook with `can_interrupt` or
//!   `response_parse`;
//! - [`Reply::identity(identity)`](crate::reply::Reply::identity): fields of the identity to
//!   replace (200 with `{"identity": {…}}`), which Kratos reads only from a `response_parse`
//!   hook and saves only in a registration or settings per-method `after` list
//!   ([chapter 2](crate::guide::hook_lists#what-kratos-runs)).
//!
//! Whether a reply means anything for a given action is answered in one place,
//! [`Reply::verdict`](crate::reply::Reply::verdict), with the rules `probe` judges replies by:
//!
//! ```
//! use ory_actions::reply::{Message, Reply};
//! use ory_actions::{Scope, action};
//!
//! let welcome = action! {
//!     flow: registration, timing: after, auth_method: password,
//!     url: "https://hooks.example.com/welcome",
//!     body: "function(ctx) { email: ctx.identity.traits.email }",
//! };
//! let stop = Reply::interrupt([Message::error(4000001, "Not invited.").at("#/traits/email")]);
//! let verdict = stop.verdict(&welcome, Scope::RegistrationAfterPassword);
//! // Without `can_interrupt` or `response_parse`, Kratos shows a generic error instead.
//! assert!(!verdict.is_ok());
//! assert!(verdict.says().contains("Kratos does not read its messages"), "{verdict}");
//! ```
//!
//! ## Routes
//!
//! [`receive::route(&action, handler)`](crate::receive::route) gives an `axum::Router` that
//! serves `handler` at the path and HTTP method of the action's URL. Before the handler runs,
//! the route checks every credential the action declares (its `auth`, and each header whose
//! value is a secret) against the same secrets, in constant time, and answers 401 without
//! saying why; it answers 415 to a `Content-Type` the action does not send, 413 to a payload
//! over 5 MiB, and 400 to one that is not JSON or does not fit the handler's type, naming the
//! field. The handler gets a [`Hook<T>`](crate::receive::Hook): the payload decoded into `T`
//! (JSON, or a form when the action sends one), and the request's headers.
//!
//! ```
//! use ory_actions::receive::{self, Hook};
//! use ory_actions::reply::{Message, Reply};
//! use ory_actions::{Secret, action};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct SignUp {
//!     email: String,
//! }
//!
//! let invite_only = action! {
//!     flow: registration, timing: after, auth_method: password,
//!     url: "https://hooks.example.com/invite",
//!     body: "function(ctx) { email: ctx.identity.traits.email }",
//!     can_interrupt: true,
//!     auth: api_key { name: "X-Api-Key", value: Secret::value("demo-key"), in: header },
//! };
//! let app: axum::Router = receive::route(&invite_only, |hook: Hook<SignUp>| async move {
//!     if hook.email.ends_with("@example.org") {
//!         Reply::ok()
//!     } else {
//!         Reply::interrupt([Message::error(4000001, "Sign-up is by invitation only.")
//!             .at("#/traits/email")])
//!     }
//! });
//! # let _ = app;
//! ```
//!
//! Routes of several actions merge into one router (`Router::merge`), and a router serves with
//! `axum::serve` as any other.
//!
//! ## Both ends in one test
//!
//! [`Stack::probe_service(service)`](crate::Stack::probe_service) is `probe`
//! ([chapter 7](crate::guide::explain_and_probe#probe-does-each-hook-answer-as-kratos-needs))
//! without a socket: each declared hook's request, built exactly as `probe` builds it (headers,
//! auth with the secrets read, the payload for the sample context of each of its lists), goes
//! to the service in the same process, and each reply is judged as `probe` judges it. A hook
//! with credentials is sent a second time without them, and must be refused. The
//! [`ProbeReport`](crate::receive::ProbeReport) prints `probe`'s lines, and
//! [`failed()`](crate::receive::ProbeReport::failed) names the hooks that do not answer as
//! Kratos needs. It catches a handler whose type does not fit the payload the body makes
//! (the route answers 400, and Kratos fails the flow), a route that forgot the auth, an
//! interrupt in a shape Kratos cannot read, and an identity Kratos ignores:
//!
//! ```
//! use ory_actions::receive::{self, Hook};
//! use ory_actions::reply::{Identity, Reply};
//! use ory_actions::{Stack, action};
//! use serde_json::json;
//!
//! let after_login = action! {
//!     flow: login, timing: after, auth_method: password,
//!     url: "https://hooks.example.com/last-seen",
//!     body: "function(ctx) { id: ctx.identity.id }",
//!     response_parse: true,
//! };
//! let service = receive::route(&after_login, |_: Hook<serde_json::Value>| async {
//!     Reply::identity(Identity::new().metadata_public(json!({"last_seen": "today"})))
//! });
//! let report = tokio::runtime::Runtime::new()
//!     .unwrap()
//!     .block_on(Stack::new().action(after_login).probe_service(service));
//! // Kratos does not save an identity changed after login.
//! assert_eq!(report.failed().len(), 1);
//! assert!(report.to_string().contains("does not save"), "{report}");
//! ```
//!
//! ## One program for both ends
//!
//! `examples/service.rs` in the repository declares three hooks (a welcome Kratos does not
//! wait for, an invitation check that can stop a sign-up, and a parse hook that gives every new
//! identity a plan), serves them, and plans and applies them, all from the same declarations:
//!
//! ```text
//! $ cargo run --features axum --example service -- plan     # or apply, as any stack
//! $ cargo run --features axum --example service -- serve    # on 127.0.0.1:8080
//! $ cargo test --features axum --example service            # both ends, in process
//! ```
//!
//! Its test is the whole check, and would be yours:
//!
//! ```text
//! let report = runtime.block_on(stack().probe_service(service()));
//! assert!(report.failed().is_empty(), "{report}");
//! ```
//!
//! Next: [chapter 9, leaving the Console or Terraform](crate::guide::migrating).
