//! The runtime of [ory-actions](https://docs.rs/ory-actions): an implementation detail of it,
//! with no semver promises of its own. Depend on `ory-actions`, which re-exports what users need
//! of this crate; the examples here use those paths.
//!
//! It holds typed descriptors of Ory Actions, the hook entries Kratos expects for them, and the
//! command line that reconciles a [`Stack`] with an Ory Network project or a self-hosted Kratos
//! configuration file. Users write `action! { … }` through `ory-actions`; this crate holds
//! what that expansion builds ([`Action`]) and the plain-Rust [`ActionBuilder`] for actions made
//! at run time. Both apply the same rules, from `ory-actions-core`. How the pieces fit is told
//! in `ARCHITECTURE.md` at the repository's root.

mod action;
mod backend;
pub mod cli;
mod error;
mod explain;
mod export;
mod hooks;
pub mod payload;
mod plan;
mod probe;
#[cfg(feature = "axum")]
pub mod receive;
mod reconcile;
pub mod reply;
mod snapshot;
mod stack;
#[cfg(feature = "testkit")]
pub mod testkit;
mod trace;

#[doc(hidden)]
pub mod __private;

pub use action::{Action, ActionBuilder, Auth, Body, HeaderValue, ProjectId, Secret, SecretValue};
pub use error::{ApiFailure, Error, InvalidAction, Problem, ReadError};
pub use hooks::{REDACTED, RenderedHook, Secrets};
pub use ory_actions_core::{
    ApiKeyIn, AuthMethod, AuthMethods, BodyError, FlagError, Flags, Flow, HttpMethod, NameError,
    Platform, ReferenceError, Scope, ScopeError, Timing, UrlError,
};
pub use stack::{Prune, Stack};
