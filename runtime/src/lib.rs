//! The runtime of [ory-actions](https://docs.rs/ory-actions): typed descriptors of Ory Actions
//! and the hook entries Kratos expects for them.
//!
//! Users normally depend on the `ory-actions` facade and write `action! { … }`; this crate holds
//! what that expansion builds ([`Action`]) and the plain-Rust [`ActionBuilder`] for actions made
//! at run time. Both apply the same rules, from `ory-actions-core`.

mod action;
mod auth;
pub mod cli;
pub mod client;
mod config_file;
pub mod engine;
mod error;
pub mod export;
pub mod output;
pub mod plan;
mod remote;
mod render;
pub mod retry;
#[cfg(feature = "schema")]
pub mod schema;
mod stack;
#[cfg(feature = "testkit")]
pub mod testkit;

#[doc(hidden)]
pub mod __private;

pub use action::{Action, ActionBuilder, Body, HeaderValue, InvalidAction, Problem, ProjectId};
pub use auth::{Auth, Secret};
pub use config_file::ConfigFile;
pub use error::{ApiFailure, Error};
pub use ory_actions_core::{
    ApiKeyIn, AuthMethods, BodyError, FlagError, Flow, HttpMethod, Method, NameError, Scope,
    ScopeError, Timing, UrlError,
};
pub use render::{REDACTED, RenderedHook, Secrets};
pub use stack::{Prune, Stack};
