//! # Chapter 3: Bodies
//!
//! Kratos builds the request body of a web hook from a [Jsonnet](https://jsonnet.org) template.
//! It evaluates the template with the flow's context as the argument `ctx`, and sends the
//! result. This chapter covers the ways to give a body, the rules the compiler holds it to, and
//! what `ctx` holds.
//!
//! **Give every web hook a body.** A web hook without one is valid in the Kratos schema, and
//! `action!` compiles it, but self-hosted Kratos fails every call of it ("got empty template
//! path for request with body"). Whether Ory Network adds a default body instead is not
//! confirmed. Plans warn about a web hook without a body, on either target.
//!
//! ## Ways to give a body
//!
//! | `body:` | read | checked | evaluated by ory-actions | in the entry |
//! |---|---|---|---|---|
//! | `"function(ctx) { … }"` (a string literal; raw strings too) | at compile time | at compile time | yes | `base64://…` |
//! | `file("templates/welcome.jsonnet")` | at compile time, relative to your crate's `Cargo.toml` | at compile time | yes | `base64://…` |
//! | an expression (a `String`, `&str` or `Cow<str>`) | when the program runs | when the program runs ([`Action::check`](crate::Action::check)) | yes | `base64://…` |
//! | `url("https://…")` | by Kratos, when it runs the hook | the URL, at compile time | no | the URL |
//! | `kratos_file("/path")` | by Kratos, from its own disk | the path, at compile time | no | `file://` and the path |
//!
//! "Evaluated by ory-actions" means that `render --payloads`, `plan`, `probe` and
//! [`Stack::snapshot`](crate::Stack::snapshot) compute what the body sends
//! ([chapter 6](crate::guide::payloads)).
//!
//! ### Templates in the program
//!
//! A template written inline, read with `file("…")` or computed is carried in the entry as
//! `base64://…`. An inline template loses the indentation of the code around it: leading blank
//! lines, the white space at its end and the indentation common to all lines. A template may be
//! at most 64 KiB.
//!
//! `file("…")` reads the template when your crate is built, relative to the directory of its
//! `Cargo.toml`, and the crate is rebuilt when the file changes. The file is checked like an
//! inline template; a file that cannot be read is a compile error:
//!
//! ```text
//! error: the body template `templates/welcome.jsonnet` (paths are relative to the directory of this crate's Cargo.toml) cannot be read: No such file or directory (os error 2)
//! ```
//!
//! The builder takes a template with [`ActionBuilder::body`](crate::ActionBuilder::body), or a
//! [`Body`](crate::Body) with
//! [`ActionBuilder::body_template`](crate::ActionBuilder::body_template).
//!
//! ### Templates Kratos resolves itself
//!
//! `url("…")` names a template Kratos fetches over `http` or `https` (it caches it for an
//! hour). `kratos_file("…")` names one Kratos reads from its own disk, or its container's. The
//! entry carries the reference as written:
//!
//! ```
//! use ory_actions::{Secrets, action};
//!
//! let welcome = action! {
//!     flow: registration,
//!     timing: after,
//!     auth_method: password,
//!     url: "https://api.example.com/webhooks/welcome",
//!     body: kratos_file("/etc/config/kratos/welcome.jsonnet"),
//! };
//! let entry = welcome.render(Secrets::Redacted)?[0].entry().clone();
//! assert_eq!(entry["config"]["body"], "file:///etc/config/kratos/welcome.jsonnet");
//! # Ok::<(), ory_actions::Error>(())
//! ```
//!
//! Kratos reads a relative path from **its working directory**, not from the directory of its
//! configuration file: `kratos_file("templates/x.jsonnet")` becomes `file://templates/x.jsonnet`.
//!
//! The compiler checks that a `url(…)` is an absolute `http`/`https` URL without credentials,
//! and that a `kratos_file(…)` path is not empty and has no scheme. Either may be an
//! expression, checked when the program runs. The builder has
//! [`body_url`](crate::ActionBuilder::body_url) and
//! [`body_kratos_file`](crate::ActionBuilder::body_kratos_file).
//!
//! ory-actions does not evaluate these templates. If the hook as stored names the same
//! template (`file://x` and a bare `x` are the same file to Kratos), a plan compares the two
//! references and does not read the template, so the template can change without a new apply.
//! If the stored hook names a template but the action declares another body, a plan reads the
//! stored template, to show what the declared body replaces ([chapter
//! 4](crate::guide::targets#where-kratoss-files-are) says where it looks for a file that a
//! configuration file names). `render` shows the reference, `render --payloads` and
//! [`Action::payloads`](crate::Action::payloads) give no payload for it, and `probe` skips the
//! hook.
//!
//! ## The rules of go-jsonnet
//!
//! Kratos evaluates bodies with go-jsonnet. The compiler holds a template to go-jsonnet's rules,
//! not to those of other Jsonnet implementations, and reports each error with its line and
//! column inside the template. Where a template has several errors, it reports the one
//! go-jsonnet reports first.
//!
//! - **Its lexer.** For example, `"\x41"` is an unknown escape in go-jsonnet, and `1==-1` does
//!   not parse: go-jsonnet's lexer cuts `==-` into `=`, `=` and `-`, and then refuses the first
//!   `=` ("Not a binary operator: =").
//! - **Its grammar and static checks**: an unknown variable, and `self`, `super` or `$` outside
//!   an object, are errors.
//! - **Nesting**: at most 500 levels, each link of a chain (`.a`, `[0]`, `(x)`, an operator)
//!   counting as one. go-jsonnet's evaluation fails at 500 nested arrays or objects.
//!
//! ```compile_fail
//! let _ = ory_actions::action! {
//!     flow: login,
//!     timing: before,
//!     url: "https://api.example.com/webhooks/login",
//!     body: r#"function(ctx) { greeting: "\x41" }"#,
//! };
//! ```
//!
//! ```text
//! error: the Jsonnet body cannot run: line 1, column 27: unknown escape `\x` in a string: the escapes are `\"`, `\'`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX`
//!          |
//!        1 | function(ctx) { greeting: "\x41" }
//!          |                           ^
//!  --> src/main.rs:6:15
//!   |
//! 6 |         body: r#"function(ctx) { greeting: "\x41" }"#,
//!   |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
//! ```
//!
//! rustc cannot point inside a string literal, so the message shows the line of the template
//! with a caret under the column.
//!
//! ## The rules of Kratos
//!
//! Kratos adds its own limits, and the compiler holds a body to them too:
//!
//! - **`ctx`.** A template that is a function must have a parameter named `ctx`; other
//!   parameters need defaults. A template that is not a function is a constant payload. A
//!   function of `ctx` that returns a function fails, since a function cannot be sent as JSON.
//! - **No imports.** Kratos's Jsonnet VM refuses `import`, `importstr` and `importbin`, and has
//!   no external variables (`std.extVar`) or native functions (`std.native`). A body using them
//!   would fail on every call. Put what it needs in the template itself.
//! - **`Content-Type`.** Kratos sends a body as `application/json` (the default) or, when the
//!   `Content-Type` header says so, as `application/x-www-form-urlencoded`. Any other
//!   `Content-Type` fails every call, so it does not compile. A form body must evaluate to a flat
//!   object of strings.
//!
//! ```compile_fail
//! let _ = ory_actions::action! {
//!     flow: login,
//!     timing: before,
//!     url: "https://api.example.com/webhooks/login",
//!     body: r#"local lib = import "lib.libsonnet"; function(ctx) lib.payload(ctx)"#,
//! };
//! ```
//!
//! ```text
//! error: the Jsonnet body uses `import` at line 1, column 13, which Kratos's Jsonnet VM does not offer (it refuses imports and has no external variables or native functions): every call of this web hook would fail; put what it needs in the template itself
//! ```
//!
//! **Cancelling.** In a JSON body, `error "cancel"` makes Kratos skip the hook without an
//! error; a template can use it to skip some calls. In a form body it fails the call. A plan
//! notes a body that is the constant `error "cancel"`, which Kratos skips on every call.
//!
//! ## What `ctx` holds
//!
//! Kratos passes the same top-level fields to every hook, and `identity` and `session` only
//! where the phase has them:
//!
//! | hook | `flow`, `request_headers`, `request_method`, `request_url`, `request_cookies` | `identity` | `session` |
//! |---|---|---|---|
//! | login, registration, recovery, verification `before` | yes | no | no |
//! | settings `before` | yes | no | yes |
//! | login `after` | yes | yes | yes |
//! | registration `after` | yes | yes | no |
//! | settings `after` | yes | yes | yes |
//! | recovery and verification `after` | yes | yes | no |
//!
//! `request_headers` holds only the headers Kratos's `clients.web_hook.header_allowlist` lets
//! through. `ctx.flow` is the flow object (`id`, `type`, `request_url`, `active`, `ui`, `state`,
//! `transient_payload`, …; its keys differ a little per flow). `ctx.identity` has `id`,
//! `schema_id`, `traits`, `verifiable_addresses`, `recovery_addresses`, `metadata_public`,
//! `state`, timestamps and a few more; never `credentials` or `metadata_admin`, which Kratos
//! removes. What the identity of a pre-persist hook ([chapter
//! 2](crate::guide::hook_lists#what-kratos-runs)) holds is in [chapter
//! 6](crate::guide::payloads#sample-contexts-and-phases).
//!
//! The sample contexts of [chapter 6](crate::guide::payloads) have exactly these fields:
//!
//! ```
//! use ory_actions::Scope;
//! use ory_actions::payload::{Phase, Samples};
//!
//! let fields = |scope: Scope, phase| -> Vec<String> {
//!     let ctx = Samples::new().context(scope, phase);
//!     ctx.as_object().unwrap().keys().cloned().collect()
//! };
//! let registration = Scope::lookup("registration", "after", Some("password")).unwrap();
//! assert_eq!(
//!     fields(registration, Phase::PostPersist),
//!     ["flow", "identity", "request_cookies", "request_headers", "request_method", "request_url"]
//! );
//! let settings_before = Scope::lookup("settings", "before", None).unwrap();
//! assert!(fields(settings_before, Phase::Before).contains(&"session".to_owned()));
//! ```
//!
//! Where a field is missing, the key is absent, not `null`: `ctx.session` fails with "field does
//! not exist". The compiler finds such reads, and misspelt fields, and refuses them:
//!
//! ```compile_fail
//! let _ = ory_actions::action! {
//!     flow: registration,
//!     timing: after,
//!     auth_method: password,
//!     url: "https://api.example.com/webhooks/welcome",
//!     body: "function(ctx) { session: ctx.session.id }",
//! };
//! ```
//!
//! ```text
//! error: the Jsonnet body reads `ctx.session` at line 1, column 26, which registration after hooks do not get: `ctx.session` is only passed to login after, settings before and settings after hooks, so every call of this web hook would fail ("field does not exist"); guard the read with `if 'session' in ctx then … else …` or use `std.get(ctx, 'session', null)`
//! ```
//!
//! ```compile_fail
//! let _ = ory_actions::action! {
//!     flow: registration,
//!     timing: after,
//!     auth_method: password,
//!     url: "https://api.example.com/webhooks/welcome",
//!     body: "function(ctx) { email: ctx.identty.traits.email }",
//! };
//! ```
//!
//! ```text
//! error: the Jsonnet body reads `ctx.identty` at line 1, column 24, but Kratos's `ctx` has no field `identty`: did you mean `identity`?
//! ```
//!
//! The check looks at `ctx.X` and `ctx.X.Y` for `identity`, `session` and `flow`. Deeper
//! levels, such as `ctx.identity.traits.name`, are your own data: the compiler knows them once
//! your `Cargo.toml` names your identity schemas
//! ([chapter 12](crate::guide::identity_schemas)). Where it cannot follow `ctx` (an alias, a computed key, a guard it does not
//! understand), it stays silent: it never refuses a body Kratos would run. A body reading a
//! trait your identities lack fails when it is evaluated, which `render --payloads` and `plan`
//! show ([chapter 6](crate::guide::payloads)).
//!
//! A template whose top level is a function only through a `local` binding (`local f(ctx) = …;
//! f`) is taken for a constant, and its reads of `ctx` are not checked.
//!
//! Next: [chapter 4, targets](crate::guide::targets).
