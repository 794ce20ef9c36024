//! [`Action`]: one declared web hook, checked against every rule of Ory Actions.
//!
//! Its parts have a file each: the request [`Body`] (`body.rs`), the [`ProjectId`]
//! (`project_id.rs`), how Ory authenticates ([`Auth`], [`Secret`]: `auth.rs`) and the fields of
//! its web hook entry ([`HookFields`]: `hook_fields.rs`). The rules checked over the parts
//! before an action is made are in `check.rs` (what breaks them, [`Problem`] and
//! [`InvalidAction`], are errors: `error/invalid.rs`), and [`ActionBuilder`], for actions made
//! at run time, in `builder.rs`.
//!
//! What an action gives: its entries in `render.rs` ([`Action::render`]), made with the codec
//! of `hooks`, and the payloads of its body in `payloads.rs` ([`Action::payloads`]), evaluated
//! by `payload`.

mod auth;
mod body;
mod builder;
mod check;
mod hook_fields;
mod payloads;
mod project_id;
mod render;

pub(crate) use auth::read_env;
pub use auth::{Auth, Secret, SecretValue};
pub use body::Body;
pub use builder::ActionBuilder;
pub use check::{DeclaredSchema, DeclaredSchemas, Parts};
pub use hook_fields::{HeaderValue, HookFields};
pub use project_id::ProjectId;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use ory_actions_core::fields;
use ory_actions_core::jsonnet::Plain;
use ory_actions_core::rules::AuthMethodLists;
use ory_actions_core::{AuthMethods, Flags, Flow, HttpMethod, Platform, Scope, ScopeError, Timing};

use crate::error::{InvalidAction, Location, Problem};
pub(crate) use check::identity_schemas;
use check::{Found, check};

/// One Ory Action: a web hook in one or more hook lists of one flow and timing.
///
/// Made by `action! { … }` or by [`Action::builder`]; either way every rule has been checked,
/// so a value of this type is a hook Ory accepts and runs.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Action {
    name: Option<Cow<'static, str>>,
    /// The lists on Ory Network, which has every list.
    scopes: Vec<Scope>,
    /// Whether `auth_method` said `all`, which means fewer lists where there are fewer.
    auth_method_all: bool,
    project_id: Option<ProjectId>,
    /// The fields of its entry.
    hook: HookFields,
    /// Where `action!` declared it, when it did.
    declared_at: Option<Location>,
    /// The problems of values `action!` computed when the program ran; empty when valid.
    deferred: Deferred,
    /// The body as a plain template, when it is one.
    plain: PlainBody,
    /// The identity schemas the crate that declared it names, which its body was checked
    /// against.
    identity_schemas: DeclaredSchemas,
}

impl fmt::Debug for Action {
    /// The fields as declared, in the order of the table of fields; the problems of computed
    /// values when there are any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hook = &self.hook;
        let mut debug = f.debug_struct("Action");
        debug
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .field("auth_method_all", &self.auth_method_all)
            .field("url", &hook.url)
            .field("method", &hook.method)
            .field("body", &hook.body)
            .field("auth", &hook.auth)
            .field("headers", &hook.headers)
            .field("flags", &hook.flags)
            .field("id", &hook.id)
            .field("project_id", &self.project_id);
        if !self.deferred.0.is_empty() {
            debug.field("problems", &self.deferred.0);
        }
        debug.finish()
    }
}

/// Problems found in computed values, kept until the action is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Deferred(Vec<Problem>);

/// An action's body as a plain template, worked out when the action is made: its payloads are
/// computed without an evaluator. It follows from the body, so it plays no part in comparing
/// actions.
#[derive(Clone, Debug, Default)]
struct PlainBody(Option<Arc<Plain>>);

impl PartialEq for PlainBody {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for PlainBody {}

impl std::hash::Hash for PlainBody {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl std::hash::Hash for Deferred {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for problem in &self.0 {
            problem.to_string().hash(state);
        }
    }
}

impl Action {
    /// This action cannot go where it was planned, because of `problem`.
    pub(crate) fn invalid(&self, problem: Problem) -> InvalidAction {
        InvalidAction::planned(self.to_string(), self.declared_at, problem)
    }

    /// The name given to the action, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The flow.
    pub fn flow(&self) -> Flow {
        self.scopes[0].flow()
    }

    /// The timing.
    pub fn timing(&self) -> Timing {
        self.scopes[0].timing()
    }

    /// The hook lists the action goes into on Ory Network, one entry each; never empty.
    ///
    /// Ory Network has every list ([`Scope::ALL`]); for the lists of a platform, which may be
    /// fewer, see [`Action::scopes_on`].
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// The hook lists the action goes into on `platform`, one entry each; never empty.
    ///
    /// `auth_method: all` stands for every per-method list the platform has, so on self-hosted
    /// Kratos it leaves out the `saml` lists only Ory Network has; a method named explicitly
    /// whose list the platform lacks is an error.
    ///
    /// ```
    /// use ory_actions::{Action, AuthMethod, AuthMethods, Flow, Platform, Timing};
    ///
    /// let all = Action::builder(Flow::Login, Timing::After, "https://h.example/all")
    ///     .auth_method(AuthMethods::All)
    ///     .build()?;
    /// assert_eq!(all.scopes_on(Platform::OryNetwork).unwrap().len(), 8);
    /// assert_eq!(all.scopes_on(Platform::Kratos).unwrap().len(), 7);
    ///
    /// let saml = Action::builder(Flow::Login, Timing::After, "https://h.example/saml")
    ///     .auth_method([AuthMethod::Password, AuthMethod::Saml])
    ///     .build()?;
    /// assert_eq!(saml.scopes_on(Platform::OryNetwork).unwrap().len(), 2);
    /// assert!(saml.scopes_on(Platform::Kratos).unwrap_err().to_string()
    ///     .starts_with("self-hosted Kratos has no `saml` hook list"));
    /// # Ok::<(), ory_actions::InvalidAction>(())
    /// ```
    pub fn scopes_on(&self, platform: Platform) -> Result<Vec<Scope>, ScopeError> {
        let mut scopes = Vec::with_capacity(self.scopes.len());
        for &scope in &self.scopes {
            if scope.exists_on(platform) {
                scopes.push(scope);
            } else if !self.auth_method_all {
                return Err(ScopeError::NotOnPlatform { scope, platform });
            }
        }
        Ok(scopes)
    }

    /// The URL Ory calls.
    pub fn url(&self) -> &str {
        &self.hook.url
    }

    /// The HTTP method of the call.
    pub fn method(&self) -> HttpMethod {
        self.hook.method
    }

    /// The body template, if any.
    pub fn body(&self) -> Option<&Body> {
        self.hook.body.as_ref()
    }

    /// `can_interrupt`, `response.ignore` and `response.parse`, defaults filled in.
    pub fn flags(&self) -> Flags {
        self.hook.flags.rules()
    }

    /// The value given to the flag whose key is `key` (`response_ignore`, `can_interrupt`, …);
    /// `None` when it is not given, which means its default, or when `key` is not a flag.
    pub fn flag(&self, key: &str) -> Option<bool> {
        fields::flags()
            .find(|field| field.key == key)
            .and_then(|field| self.hook.flags.given(field))
    }

    /// How Ory authenticates to the hook, if at all.
    pub fn auth(&self) -> Option<&Auth> {
        self.hook.auth.as_ref()
    }

    /// The project of this action, when it is not the stack's.
    pub fn project_id(&self) -> Option<&ProjectId> {
        self.project_id.as_ref()
    }

    /// The request headers, in the order declared (Ory Network is not expected to keep them).
    pub fn headers(&self) -> impl Iterator<Item = (&str, &HeaderValue)> {
        self.hook.headers.iter().map(|(n, v)| (n.as_ref(), v))
    }

    /// The `id` Kratos labels the hook's logs with, when set (Ory Network is not expected to keep it).
    pub fn id(&self) -> Option<&str> {
        self.hook.id.as_deref()
    }

    /// The names of the fields it gives that `platform` does not store, in the order of the
    /// table of fields.
    pub(crate) fn fields_not_stored_on(&self, platform: Platform) -> Vec<&'static str> {
        fields::not_stored_on(platform)
            .filter(|field| self.hook.gives(field))
            .map(|field| field.name)
            .collect()
    }

    /// Builds an action from its parts, checking every rule with [`check()`](check::check); used
    /// by the builder.
    pub(crate) fn checked(parts: Parts) -> Result<Action, InvalidAction> {
        match check(&parts) {
            Found {
                lists: Some(lists),
                problems,
                plain,
            } if problems.is_empty() => Ok(Action::assemble(parts, lists, None, Vec::new(), plain)),
            Found { problems, .. } => Err(InvalidAction {
                action: None,
                location: None,
                problems,
            }),
        }
    }

    /// Builds the action of an `action!` invocation at `location`. The macro checked every
    /// literal value and every structural rule at compile time; the problems of values the
    /// program computed are kept, and reported by [`Action::check`].
    pub(crate) fn declared(parts: Parts, location: Location) -> Action {
        match check(&parts) {
            Found {
                lists: Some(lists),
                problems,
                plain,
            } if !problems
                .iter()
                .any(|p| matches!(p, Problem::Scope(_) | Problem::Flags(_))) =>
            {
                Action::assemble(parts, lists, Some(location), problems, plain)
            }
            Found { problems, .. } => panic!(
                "action! at {location} produced an {}; please report this as a bug",
                InvalidAction {
                    action: None,
                    location: None,
                    problems,
                }
            ),
        }
    }

    fn assemble(
        parts: Parts,
        lists: AuthMethodLists,
        declared_at: Option<Location>,
        problems: Vec<Problem>,
        plain: Option<Arc<Plain>>,
    ) -> Action {
        Action {
            name: parts.name,
            scopes: lists.scopes,
            auth_method_all: lists.auth_method == Some(AuthMethods::All),
            project_id: parts.project_id,
            hook: parts.hook,
            declared_at,
            deferred: Deferred(problems),
            plain: PlainBody(plain),
            identity_schemas: parts.identity_schemas,
        }
    }

    /// The identity schemas the crate that declared this action names (none for an action a
    /// builder made).
    pub(crate) fn identity_schemas(&self) -> DeclaredSchemas {
        self.identity_schemas
    }

    /// Checks the values the program computed for this action (a `format!`ed URL, a body read
    /// at run time, …) with the rules `action!` applies to literals at compile time. Declaring
    /// an action never fails; the command line runs this check for every action before it reads
    /// or writes anything, and [`Action::render`] fails with it.
    pub fn check(&self) -> Result<(), InvalidAction> {
        if self.deferred.0.is_empty() {
            return Ok(());
        }
        Err(InvalidAction {
            action: Some(match &self.name {
                Some(name) => name.to_string(),
                None => self.to_string(),
            }),
            location: self.declared_at,
            problems: self.deferred.0.clone(),
        })
    }
}

impl fmt::Display for Action {
    /// `registration after password: POST https://…` (with the name first when there is one).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.name {
            write!(f, "{name} (")?;
        }
        match self.scopes.as_slice() {
            [scope] => write!(f, "{scope}")?,
            _ if self.auth_method_all => write!(f, "{} {} all", self.flow(), self.timing())?,
            scopes => {
                let methods: Vec<&str> = scopes
                    .iter()
                    .filter_map(|s| s.method().map(|m| m.as_str()))
                    .collect();
                write!(
                    f,
                    "{} {} [{}]",
                    self.flow(),
                    self.timing(),
                    methods.join(", ")
                )?;
            }
        }
        write!(f, ": {} {}", self.hook.method, self.hook.url)?;
        if self.name.is_some() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
