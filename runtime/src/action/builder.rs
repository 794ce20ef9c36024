//! [`ActionBuilder`]: an action made at run time, with the rules `action!` checks at compile
//! time.

use std::borrow::Cow;

use ory_actions_core::fields::{
    CAN_INTERRUPT, EMIT_ANALYTICS_EVENT, Field, FlagValues, RESPONSE_IGNORE, RESPONSE_PARSE,
};
use ory_actions_core::{AuthMethods, Flow, HttpMethod, Timing};

use super::{
    Action, Auth, Body, DeclaredSchemas, HeaderValue, HookFields, Parts, ProjectId, Secret,
};
use crate::error::InvalidAction;

impl Action {
    /// Starts an action for `flow` and `timing` that calls `url`.
    pub fn builder(flow: Flow, timing: Timing, url: impl Into<Cow<'static, str>>) -> ActionBuilder {
        ActionBuilder {
            parts: Parts {
                name: None,
                flow,
                timing,
                auth_method: None,
                project_id: None,
                hook: HookFields {
                    url: url.into(),
                    ..HookFields::default()
                },
                identity_schemas: DeclaredSchemas::default(),
            },
        }
    }
}

/// Builds an [`Action`] at run time, with the rules `action!` checks at compile time.
///
/// ```
/// use ory_actions::{Action, Flow, AuthMethod, Timing};
///
/// let action = Action::builder(Flow::Registration, Timing::After, "https://api.example.com/welcome")
///     .auth_method(AuthMethod::Password)
///     .body("function(ctx) { email: ctx.identity.traits.email }")
///     .build()?;
/// assert_eq!(action.to_string(), "registration after password: POST https://api.example.com/welcome");
///
/// let err = Action::builder(Flow::Verification, Timing::After, "https://api.example.com/verified")
///     .auth_method(AuthMethod::Code)
///     .build()
///     .unwrap_err();
/// assert!(err.to_string().contains("remove `auth_method`"));
/// # Ok::<(), ory_actions::InvalidAction>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "an ActionBuilder does nothing until `build` is called"]
pub struct ActionBuilder {
    parts: Parts,
}

impl ActionBuilder {
    /// Which `after` lists of login, registration or settings the hook goes into: a method, a
    /// list of methods, [`AuthMethods::All`] or [`AuthMethods::Fallback`].
    pub fn auth_method(mut self, auth_method: impl Into<AuthMethods>) -> Self {
        self.parts.auth_method = Some(auth_method.into());
        self
    }

    /// A name for the action, shown in plans.
    pub fn name(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.parts.name = Some(name.into());
        self
    }

    /// The HTTP method (default `POST`).
    pub fn method(mut self, method: HttpMethod) -> Self {
        self.parts.hook.method = method;
        self
    }

    /// The Jsonnet template of the request body.
    pub fn body(mut self, source: impl Into<Cow<'static, str>>) -> Self {
        self.parts.hook.body = Some(Body::inline(source));
        self
    }

    /// The request body, as a [`Body`] (for example one read from a file).
    pub fn body_template(mut self, body: Body) -> Self {
        self.parts.hook.body = Some(body);
        self
    }

    /// A body template Kratos fetches from this `http`/`https` URL ([`Body::url`]).
    pub fn body_url(self, url: impl Into<Cow<'static, str>>) -> Self {
        self.body_template(Body::url(url))
    }

    /// A body template Kratos reads from this path on its own machine ([`Body::kratos_file`]);
    /// a relative path is relative to Kratos's working directory.
    pub fn body_kratos_file(self, path: impl Into<Cow<'static, str>>) -> Self {
        self.body_template(Body::kratos_file(path))
    }

    /// Lets the hook stop the flow with field messages (default false).
    pub fn can_interrupt(self, yes: bool) -> Self {
        self.flag(&CAN_INTERRUPT, yes)
    }

    /// Runs the call in the background and ignores its answer (default false).
    pub fn response_ignore(self, yes: bool) -> Self {
        self.flag(&RESPONSE_IGNORE, yes)
    }

    /// Parses the answer, which may then stop the flow or change the identity (default false).
    pub fn response_parse(self, yes: bool) -> Self {
        self.flag(&RESPONSE_PARSE, yes)
    }

    /// Gives the flag `field` as `yes`.
    fn flag(mut self, field: &Field, yes: bool) -> Self {
        self.parts.hook.flags.set(field, Some(yes));
        self
    }

    /// Gives every flag `flags` gives, as it gives it.
    pub(crate) fn flags(mut self, flags: FlagValues) -> Self {
        for (field, yes) in flags.given_flags() {
            self.parts.hook.flags.set(field, Some(yes));
        }
        self
    }

    /// How Ory authenticates to the hook.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.parts.hook.auth = Some(auth);
        self
    }

    /// The project of this action, when it is not the stack's.
    pub fn project_id(mut self, project_id: ProjectId) -> Self {
        self.parts.project_id = Some(project_id);
        self
    }

    /// A request header with a plain value (Ory Network is not expected to keep headers: its API has no place for them).
    pub fn header(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.parts
            .hook
            .headers
            .push((name.into(), HeaderValue::Plain(value.into())));
        self
    }

    /// A request header whose value is a secret read when the program runs.
    pub fn secret_header(mut self, name: impl Into<Cow<'static, str>>, value: Secret) -> Self {
        self.parts
            .hook
            .headers
            .push((name.into(), HeaderValue::Secret(value)));
        self
    }

    /// Whether Kratos emits analytics events and request-id headers for the hook (Kratos's
    /// default: true; Ory Network is not expected to keep it).
    pub fn emit_analytics_event(self, yes: bool) -> Self {
        self.flag(&EMIT_ANALYTICS_EVENT, yes)
    }

    /// The `id` Kratos labels the hook's logs with (Ory Network is not expected to keep it).
    pub fn id(mut self, id: impl Into<Cow<'static, str>>) -> Self {
        self.parts.hook.id = Some(id.into());
        self
    }

    /// Checks every rule and returns the action, or every problem found.
    pub fn build(self) -> Result<Action, InvalidAction> {
        Action::checked(self.parts)
    }
}
