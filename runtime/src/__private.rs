//! What the expansion of `action!` builds with. Not a public API: it may change in any release.

pub use core::option::Option;
pub use core::{concat, env, include_str};
pub use std::borrow::Cow;
pub use std::vec;

pub use ory_actions_core::{ApiKeyIn, AuthMethods, Flags, Flow, HttpMethod, Method, Timing};

use crate::action::{Action, Extras, Parts};
pub use crate::action::{Auth, Secret};
pub use crate::action::{Body, HeaderValue, ProjectId};

/// The checked fields of one `action!` invocation.
pub struct ActionParts {
    /// `name`.
    pub name: Option<&'static str>,
    /// `flow`.
    pub flow: Flow,
    /// `timing`.
    pub timing: Timing,
    /// `auth_method`, when given.
    pub auth_method: Option<AuthMethods>,
    /// `url`.
    pub url: &'static str,
    /// `method`.
    pub method: HttpMethod,
    /// `body`.
    pub body: Option<Body>,
    /// `can_interrupt`, `response_ignore`, `response_parse`.
    pub flags: Flags,
    /// `auth`.
    pub auth: Option<Auth>,
    /// `project_id`.
    pub project_id: Option<ProjectId>,
    /// `headers`.
    pub headers: Vec<(&'static str, HeaderValue)>,
    /// `emit_analytics_event`.
    pub emit_analytics_event: Option<bool>,
    /// `id`.
    pub id: Option<&'static str>,
}

/// Builds the action of an `action!` invocation.
///
/// The macro has checked every rule at compile time with the same functions the runtime uses;
/// they are checked once more here so that nothing that bypasses the macro can make an invalid
/// action.
///
/// # Panics
///
/// When the parts break a rule, which the expansion of `action!` never does.
pub fn action(parts: ActionParts) -> Action {
    let parts = Parts {
        name: parts.name.map(Cow::Borrowed),
        flow: parts.flow,
        timing: parts.timing,
        auth_method: parts.auth_method,
        url: Cow::Borrowed(parts.url),
        method: parts.method,
        body: parts.body,
        flags: parts.flags,
        auth: parts.auth,
        project_id: parts.project_id,
        extras: Extras {
            headers: parts
                .headers
                .into_iter()
                .map(|(name, value)| (Cow::Borrowed(name), value))
                .collect(),
            emit_analytics_event: parts.emit_analytics_event,
            id: parts.id.map(Cow::Borrowed),
        },
    };
    match Action::checked(parts) {
        Ok(action) => action,
        Err(invalid) => panic!("action! produced an {invalid}; please report this as a bug"),
    }
}

/// Stands in for the action of an `action!` invocation that has compile errors, so that the
/// user sees those errors and no others. Never runs: the program does not compile.
pub fn placeholder() -> Action {
    unreachable!("action! reported compile errors")
}
