//! # Chapter 12: Traits and identity schemas
//!
//! The commonest mistake in a body is a trait that does not exist: `ctx.identity.traits.emial`,
//! `ctx.identity.traits.name.frist`, or `ctx.identity.traits.phone` where only one of two
//! schemas has a phone. Kratos fails every such call ("field does not exist"), in production.
//! The compiler can refuse them, as it refuses `ctx` fields Kratos never sends
//! ([chapter 3](crate::guide::bodies)), once it knows your identity schemas.
//!
//! ## Declaring the schemas
//!
//! Keep the schemas in your crate, and name them in its `Cargo.toml`:
//!
//! ```toml
//! [package.metadata.ory-actions]
//! identity-schemas = ["identity/customer.schema.json", "identity/staff.schema.json"]
//! ```
//!
//! Paths are relative to the directory of the `Cargo.toml`. `action!` reads them when it
//! compiles (Kratos's dialect: JSON Schema with the `ory.sh/kratos` extensions, the traits under
//! `properties.traits`, local `$ref`s such as `#/definitions/traits` followed), and every body
//! is checked against them. The crate is rebuilt when a schema file or the metadata changes, so
//! a schema edit alone rechecks every body. Without the key nothing changes: traits are not
//! checked.
//!
//! ## What is checked
//!
//! Every read of `ctx.identity.traits.…` and `ctx.session.identity.traits.…`, with dots or
//! brackets (`['name']`), through nested objects and array items (`emails[0].value`):
//!
//! - **A trait no schema declares** is a compile error at the template's line and column, with
//!   the nearest path and the schemas named:
//!
//!   ```text
//!   error: the Jsonnet body reads `ctx.identity.traits.emial` at line 1, column 24, but no
//!          identity schema declares the trait `emial` (read against
//!          `identity/customer.schema.json` and `identity/staff.schema.json`), so Kratos fails
//!          the call for every identity without it ("field does not exist"): did you mean
//!          `ctx.identity.traits.email`?
//!   ```
//!
//!   A test for one (`'emial' in ctx.identity.traits`, `std.objectHas(…)`, `std.get(…)`) is
//!   refused too: it is a typo, not an optional trait.
//! - **A trait only some schemas declare** must be read under a guard, since Kratos fails the
//!   call for identities of the others. The error names them:
//!
//!   ```text
//!   error: … but only `identity/staff.schema.json` declares the trait `phone`: identities of
//!          `identity/customer.schema.json` have no such trait, and Kratos fails the call for
//!          them ("field does not exist"); guard the read with `if 'phone' in
//!          ctx.identity.traits then … else …` or use `std.get(ctx.identity.traits, 'phone', null)`
//!   ```
//!
//!   These guards are understood: `if 'phone' in ctx.identity.traits then …`,
//!   `std.objectHas(ctx.identity.traits, 'phone')`, `std.get(ctx.identity.traits, 'phone',
//!   null)`, `'phone' in ctx.identity.traits && …`, an object's `assert`, and a field named
//!   `[if 'phone' in ctx.identity.traits then 'phone']`.
//!
//! A key computed by the template (`ctx.identity.traits[k]`) or a trait read through a local
//! (`local t = ctx.identity.traits; t.x`) is not followed: the check never refuses a body it
//! cannot be sure of. A part of a schema that declares no shape (no `type`, `properties` or
//! `items`, a `$ref` to another document, `additionalProperties` other than `false`,
//! `patternProperties`) admits any path below it; an object with `properties` and no
//! `additionalProperties` admits only the properties it names, as the Console and Ory's presets
//! write them. `allOf`, `anyOf` and `oneOf` admit what any branch declares.
//!
//! **Computed bodies** (a `String` the program builds) are checked against the same schemas
//! when the program runs: `action!` includes the files, and
//! [`Action::check`](crate::Action::check) reports the same errors.
//!
//! Bad declarations are compile errors that say what is wrong: a path that does not exist or is
//! not a file, a file that is not JSON (with its line and column), a schema without
//! `properties.traits`, a `$ref` to nowhere or a cycle of them, an unknown key in
//! `[package.metadata.ory-actions]` (with the one you likely meant).
//!
//! Each schema has an id, the one the target's `identity.schemas` gives it (and the
//! `schema_id` of its identities): by default the file's name without `.schema.json` or
//! `.json` (`identity/customer.schema.json` is `customer`). Give another with a table:
//!
//! ```toml
//! [package.metadata.ory-actions]
//! identity-schemas = [
//!     "identity/customer.schema.json",
//!     { path = "identity/email.schema.json", id = "preset://email" },
//! ]
//! ```
//!
//! ## Pulling the schemas from the target
//!
//! The files live in your crate, and builds stay offline, as `cargo sqlx prepare` keeps what
//! sqlx learned in `.sqlx/`. To fetch them, run your program's command line:
//!
//! ```text
//! $ cargo run -- identity-schemas pull
//! wrote identity/customer.schema.json (identity schema `customer` of project 550e…)
//! identity/staff.schema.json is up to date (identity schema `staff` of project 550e…)
//! wrote identity/preset-email.schema.json (identity schema `preset://email` of project 550e…)
//!
//! The crate does not declare 1 of them yet: name every schema in Cargo.toml, …
//! ```
//!
//! It reads each target's `identity.schemas` (a project's, or with `--config` a Kratos
//! configuration file's), decodes `base64://` URLs, fetches a project's `https://` links, reads
//! a file's `file://` paths where Kratos reads them (`--kratos-dir`, `--path-map`), and writes
//! each schema to the file declared for its id, or to `identity/ID.schema.json` with the lines
//! to add to `Cargo.toml`. A schema it cannot read (Ory Network keeps a custom schema made in the
//! Console outside the project's configuration) is named, with where to download it, and the
//! exit code is 1. Build again afterwards: the bodies are checked against what you pulled.
//!
//! ## When the target's schemas change
//!
//! A schema edited in the Console can break hooks that compiled. When a crate declares schemas,
//! `plan` (and `apply`) read the target's schemas too and warn, by schema id, about what
//! changed:
//!
//! ```text
//! Warning: the target's identity schema `staff` is not the one in identity/staff.schema.json,
//!   which the bodies were checked against: trait `phone` renamed `mobile`; run
//!   `identity-schemas pull` and build again to check the bodies against it
//! ```
//!
//! It also names a declared schema the target lacks, a schema the target has and the crate does
//! not declare (its identities' traits are not checked), and a schema it cannot read. A
//! project's schemas come from the document the plan reads anyway (no second request); a crate
//! that declares no schemas skips the comparison.
//!
//! ## Payloads from the same schemas
//!
//! When a crate declares schemas (and the stack is given no [`Samples`](crate::payload::Samples)
//! and no `--identity-schema`), the sample contexts that `render --payloads`, `probe`, plan's
//! body checks and [`Stack::snapshot`](crate::Stack::snapshot) evaluate bodies with hold a sample
//! identity per schema: traits made from it, `schema_id` its id. A payload that is the same for
//! every schema is shown once; one that differs is shown per schema, named:
//!
//! ```text
//! registration after password (post-persist, identity schema `customer`):
//! { "phone": null }
//! registration after password (post-persist, identity schema `staff`):
//! { "phone": "+15555550100" }
//! ```
//!
//! [`Samples::identity_schemas`](crate::payload::Samples::identity_schemas) does the same for a
//! stack you give samples to.
//!
//! Next: [Troubleshooting](crate::guide::troubleshooting) lists every kind of error.
