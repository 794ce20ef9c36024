#![doc = include_str!("../README.md")]

/// The user guide: from a first `action!` to a CI pipeline, one chapter per module.
pub mod guide;

/// Declares an Ory Action; every declaration Ory would refuse or never run is a compile error.
///
/// The keys are those of the Terraform `ory_action` resource, plus `auth` and `name`:
///
/// | key | value | default |
/// |---|---|---|
/// | `flow` | `login`, `registration`, `recovery`, `settings` or `verification` | required |
/// | `timing` | `before` or `after` | required |
/// | `auth_method` | a method, a list `[password, oidc]`, `all` or `fallback`; required for `after` on login, registration and settings, refused elsewhere | |
/// | `url` | an absolute `http`/`https` URL: a string literal or an expression | required |
/// | `method` | `GET`, `POST`, `PUT`, `PATCH` or `DELETE` | `POST` |
/// | `body` | Jsonnet: a string literal, `file("path")` relative to the crate's `Cargo.toml`, or an expression | none |
/// | `can_interrupt`, `response_ignore`, `response_parse` | `true` or `false` | `false` |
/// | `auth` | `api_key { name: "…", value: env("VAR"), in: header }` or `basic_auth { user: "…", password: env("VAR") }` | none |
/// | `project_id` | a string literal, `env("VAR")` or an expression | the stack's project |
/// | `name` | a string literal or an expression | none |
/// | `headers` | a map `{ "X-Tenant": "acme", "Authorization": env("VAR") }`; values are literals, expressions or secrets (credential headers only secrets) | none |
/// | `emit_analytics_event` | `true` or `false` | Kratos's default (true) |
/// | `id` | a string literal or an expression that labels Kratos's logs | none |
///
/// Ory Network does not store `headers`, `emit_analytics_event` or `id`; plans say so.
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
/// Payloads: bodies evaluated as Kratos evaluates them, for sample contexts of the shape Kratos
/// sends; see [`Stack::snapshot`] for snapshot tests.
pub use ory_actions_runtime::payload;
pub use ory_actions_runtime::{
    Action, ActionBuilder, ApiFailure, ApiKeyIn, Auth, AuthMethod, AuthMethods, Body, BodyError,
    Error, FlagError, Flags, Flow, HeaderValue, HttpMethod, InvalidAction, NameError, Platform,
    Problem, ProjectId, Prune, REDACTED, ReadError, ReferenceError, RenderedHook, Scope,
    ScopeError, Secret, SecretValue, Secrets, Stack, Timing, UrlError, cli,
};

/// The in-process stand-in for the Ory console API, for tests (feature `testkit`).
#[cfg(feature = "testkit")]
pub use ory_actions_runtime::testkit;

#[doc(hidden)]
pub use ory_actions_runtime::__private;
