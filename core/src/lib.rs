//! The rules of Ory Actions, shared by the `action!` macro and the runtime: an implementation
//! detail of [ory-actions](https://docs.rs/ory-actions), with no semver promises of its own.
//! Depend on `ory-actions`, which offers what users need of this crate.
//!
//! Everything here is a fact about Ory Kratos or Ory Network that ory-actions enforces twice: once
//! at compile time, where the macro turns a broken declaration into a compile error, and once at
//! run time, where the builder turns it into a typed error. Keeping the facts in one small crate
//! means the two can never disagree.
//!
//! - [`scope`]: the 32 hook lists Ory has (29 on self-hosted Kratos, and three `saml` lists on
//!   Ory Network only), which flow, timing and authentication method each belongs to, and where
//!   it lives in the project document.
//! - [`fields`]: the fields of a web hook entry, in the order they are written: each one's
//!   name, the key `action!` sets it with, its default, whether Ory Network stores it and whether
//!   it holds a secret.
//! - [`rules`]: the rules that involve several values: which lists `auth_method` names, the
//!   request headers together, and the flags (`response.ignore` against `response.parse` and
//!   `can_interrupt`, and flags that make a hook never run). Each problem carries its place in
//!   the input, which the macro maps to a span and the builder to a field name.
//! - [`address`], [`jsonnet`], [`names`], [`reference`](mod@reference): checks of single values (a body
//!   reference is a template Kratos fetches or reads itself).
//! - [`identity`]: identity schemas as a body sees them, the traits a read of
//!   `ctx.identity.traits` can reach.
//! - [`suggest`]: "did you mean" for near misses.

pub mod address;
pub mod ctx;
pub mod fields;
pub mod file;
pub mod identity;
pub mod jsonnet;
pub mod names;
pub mod reference;
pub mod rules;
pub mod scope;
pub mod suggest;

pub use address::UrlError;
pub use jsonnet::{BodyError, BodyShape};
pub use names::NameError;
pub use reference::ReferenceError;
pub use rules::{FlagError, Flags};
pub use scope::{
    ApiKeyIn, AuthMethod, AuthMethods, Flow, HttpMethod, Platform, Scope, ScopeError, Timing,
};
