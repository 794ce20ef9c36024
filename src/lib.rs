//! Ory Actions, the web hooks Ory calls before and after login, registration, recovery,
//! settings and verification, declared in Rust and checked by the compiler; a program that
//! declares them plans and applies exactly the needed change to an Ory Network project or a
//! self-hosted Kratos configuration file.
//!
//! ```no_run
//! use ory_actions::{Stack, action, cli};
//!
//! fn main() -> std::process::ExitCode {
//!     cli::run(Stack::new().action(action! {
//!         flow: registration,
//!         timing: after,
//!         auth_method: [password, oidc],
//!         url: "https://api.example.com/webhooks/welcome",
//!         body: "function(ctx) { email: ctx.identity.traits.email }",
//!         auth: api_key { name: "X-Api-Key", value: env("WEBHOOK_KEY"), in: header },
//!     }))
//! }
//! ```
//!
//! Start with the [`guide`]: it goes from a first `action!` to a CI pipeline, one chapter a
//! module. The reference is in two places: the keys of [`action!`], and the command line in
//! [`cli`]. The rest of this page is the API: [`Stack`] and [`Action`] (with
//! [`Action::builder`] for actions made at run time), [`payload`] for what bodies send,
//! [`reply`] for what the service that receives a hook answers, [`Error`] and its parts; with
//! the `axum` feature, `receive`, the routes that serve hooks and the in-process probe of a
//! service; and with the `testkit` feature, `testkit`, the in-process stand-in for Ory's
//! console API that your tests can run against.
//!
//! `ory-actions-core`, `ory-actions-macros` and `ory-actions-runtime` are implementation details
//! of this crate, without semver promises of their own: depend on `ory-actions` alone.

/// The user guide: from a first `action!` to a CI pipeline, one chapter per module.
pub mod guide;

/// The README's examples, compiled and run as doctests (the README is not this page).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Declares an Ory Action; every declaration Ory would refuse or never run is a compile error.
///
/// The keys are those of the Terraform `ory_action` resource (`flow`, `timing`, `auth_method`,
/// `url`, `method`, `body`, the three flags, `project_id`), and the other fields of a web hook
/// entry (`auth`, `headers`, `emit_analytics_event`, `id`) and a `name` for plans:
///
/// | key | value | default |
/// |---|---|---|
/// | `flow` | `login`, `registration`, `recovery`, `settings` or `verification` | required |
/// | `timing` | `before` or `after` | required |
/// | `auth_method` | a method, a list `[password, oidc]`, `all` or `fallback`; required for `after` on login, registration and settings, refused elsewhere | |
/// | `url` | an absolute `http`/`https` URL: a string literal or an expression | required |
/// | `method` | `GET`, `POST`, `PUT`, `PATCH` or `DELETE` | `POST` |
/// | `body` | Jsonnet: a string literal, `file("path")` relative to the crate's `Cargo.toml`, or an expression; or a template Kratos resolves itself: `url("https://…")`, `kratos_file("/path")` | none |
/// | `can_interrupt`, `response_ignore`, `response_parse` | `true` or `false` | `false` |
/// | `auth` | `api_key { name: "…", value: env("VAR"), in: header }` or `basic_auth { user: "…", password: env("VAR") }` | none |
/// | `project_id` | a string literal, `env("VAR")` or an expression | the stack's project |
/// | `name` | a string literal or an expression | none |
/// | `headers` | a map `{ "X-Tenant": "acme", "Authorization": env("VAR") }`; values are literals, expressions or secrets (credential headers only secrets) | none |
/// | `emit_analytics_event` | `true` or `false` | Kratos's default (true) |
/// | `id` | a string literal or an expression that labels Kratos's logs | none |
///
/// Ory Network's API has no place for `headers`, `emit_analytics_event` or `id`, so expect them
/// to be dropped there (inferred from the API, not observed): against a project they are sent
/// but not compared, and plans warn.
///
/// Secrets are `env("VAR")` or `secret_file("path")`, read when the program runs, or a
/// [`Secret`] the program computed (`Secret::value(…)`), never a bare string.
///
/// Where a value may be an expression (`url`, `body`, `name`, `id`, `project_id`, header
/// values and names (a variable or `(expression)`), the api key's `name` and the basic auth
/// `user`), anything that is not a literal or one
/// of the forms above is Rust, evaluated when the program runs: `format!("https://{host}/x")`,
/// a variable, a `String`, `&str` or `Cow<str>`. Literals are checked at compile time; computed
/// values by [`Action::check`], with the same rules, which the command line runs for every
/// action before it reads, writes or shows anything (exit 1, each problem with the place of its
/// `action!`). The structural keys (`flow`, `timing`, `auth_method`, `method`, the flags,
/// `emit_analytics_event`) are always literals. The expansion is an [`Action`]; declaring never
/// fails.
///
/// ```
/// use ory_actions::action;
///
/// let audit = action! {
///     flow: settings,
///     timing: after,
///     auth_method: all,
///     url: "https://api.example.com/webhooks/audit",
///     response_ignore: true,
///     body: "function(ctx) { id: ctx.identity.id }",
/// };
/// // Every per-method list of settings: the seven of self-hosted Kratos, and `saml` on Ory
/// // Network (a plan against a Kratos configuration file leaves that one out).
/// assert_eq!(audit.scopes().len(), 8);
/// ```
pub use ory_actions_macros::action;
#[doc(inline)]
pub use ory_actions_runtime::payload;
#[cfg(feature = "axum")]
pub use ory_actions_runtime::receive;
pub use ory_actions_runtime::reply;
pub use ory_actions_runtime::{
    Action, ActionBuilder, ApiFailure, ApiKeyIn, Auth, AuthMethod, AuthMethods, Body, BodyError,
    Error, FlagError, Flags, Flow, HeaderValue, HttpMethod, InvalidAction, NameError, Platform,
    Problem, ProjectId, Prune, REDACTED, ReadError, ReferenceError, RenderedHook, Scope,
    ScopeError, Secret, SecretValue, Secrets, Stack, Timing, UrlError, cli,
};

#[cfg(feature = "testkit")]
pub use ory_actions_runtime::testkit;

#[doc(hidden)]
pub use ory_actions_runtime::__private;
