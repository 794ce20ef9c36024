//! [`Action`]: one declared web hook, checked against every rule of Ory Actions, and
//! [`ActionBuilder`] for actions made at run time.

mod auth;
mod read;

pub(crate) use auth::read_env;
pub use auth::{Auth, Secret};
// Public because `Error::Read` holds it; `lib.rs` does not re-export it yet (outside this
// change), which is what this allow is for.
#[allow(unreachable_pub)]
pub use read::ReadError;

use std::borrow::Cow;
use std::fmt;

use ory_actions_core::address::check_url;
use ory_actions_core::jsonnet::{check_body, dedent};
use ory_actions_core::names::{
    check_basic_user, check_env_var, check_header_value, check_not_empty, check_project_id,
    check_token, is_credential_header,
};
use ory_actions_core::rules::check_flags;
use ory_actions_core::scope::resolve;
use ory_actions_core::{
    AuthMethods, BodyError, FlagError, Flags, Flow, HttpMethod, NameError, Scope, ScopeError,
    Timing, UrlError,
};

/// A Jsonnet template for the request body, checked for syntax and for its `ctx` parameter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Body {
    source: Cow<'static, str>,
    file: Option<Cow<'static, str>>,
}

impl Body {
    /// A body written inline. The indentation it has from the surrounding code is removed
    /// (leading blank lines, trailing white space and the indentation common to all lines).
    pub fn inline(source: impl Into<Cow<'static, str>>) -> Self {
        let source = source.into();
        let dedented = dedent(&source);
        Body {
            source: if dedented == *source {
                source
            } else {
                Cow::Owned(dedented)
            },
            file: None,
        }
    }

    /// A body read from `file` (kept for messages; `source` is its content).
    pub fn from_file(
        file: impl Into<Cow<'static, str>>,
        source: impl Into<Cow<'static, str>>,
    ) -> Self {
        Body {
            source: source.into(),
            file: Some(file.into()),
        }
    }

    /// The Jsonnet source.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The file the template was read from, if it was.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }
}

/// The Ory Network project an action belongs to, when it is not the stack's.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ProjectId {
    /// A project id written in the program.
    Literal(Cow<'static, str>),
    /// A project id read from an environment variable when the program runs.
    Env(Cow<'static, str>),
}

impl ProjectId {
    /// The project id, reading the environment if it comes from there.
    pub fn resolve(&self) -> Result<String, ReadError> {
        match self {
            ProjectId::Literal(id) => Ok(id.to_string()),
            ProjectId::Env(var) => {
                let id = read_env(var, "a project id")?;
                check_project_id(&id).map_err(|problem| ReadError::NotProjectId {
                    var: var.to_string(),
                    problem,
                })?;
                Ok(id)
            }
        }
    }
}

/// One Ory Action: a web hook in one or more hook lists of one flow and timing.
///
/// Made by `action! { … }` or by [`Action::builder`]; either way every rule has been checked,
/// so a value of this type is a hook Ory accepts and runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Action {
    name: Option<Cow<'static, str>>,
    scopes: Vec<Scope>,
    url: Cow<'static, str>,
    method: HttpMethod,
    body: Option<Body>,
    flags: Flags,
    auth: Option<Auth>,
    project_id: Option<ProjectId>,
    extras: Extras,
}

/// A request header's value: written in the code, or a secret read when the program runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HeaderValue {
    /// A plain value.
    Plain(Cow<'static, str>),
    /// A secret; shown as `(sensitive)`.
    Secret(Secret),
}

/// The web hook fields that self-hosted Kratos keeps but Ory Network does not store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Extras {
    pub(crate) headers: Vec<(Cow<'static, str>, HeaderValue)>,
    pub(crate) emit_analytics_event: Option<bool>,
    pub(crate) id: Option<Cow<'static, str>>,
}

impl Extras {
    /// The names of the fields that are set, as in the hook's `config`.
    pub(crate) fn set_fields(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if !self.headers.is_empty() {
            fields.push("headers");
        }
        if self.emit_analytics_event.is_some() {
            fields.push("emit_analytics_event");
        }
        if self.id.is_some() {
            fields.push("id");
        }
        fields
    }
}

impl Action {
    /// Starts an action for `flow` and `timing` that calls `url`.
    pub fn builder(flow: Flow, timing: Timing, url: impl Into<Cow<'static, str>>) -> ActionBuilder {
        ActionBuilder {
            flow,
            timing,
            url: url.into(),
            auth_method: None,
            name: None,
            method: HttpMethod::default(),
            body: None,
            flags: Flags::default(),
            auth: None,
            project_id: None,
            extras: Extras::default(),
        }
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

    /// The hook lists the action goes into, one entry each; never empty.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// The URL Ory calls.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The HTTP method of the call.
    pub fn method(&self) -> HttpMethod {
        self.method
    }

    /// The body template, if any.
    pub fn body(&self) -> Option<&Body> {
        self.body.as_ref()
    }

    /// `can_interrupt`, `response.ignore` and `response.parse`.
    pub fn flags(&self) -> Flags {
        self.flags
    }

    /// How Ory authenticates to the hook, if at all.
    pub fn auth(&self) -> Option<&Auth> {
        self.auth.as_ref()
    }

    /// The project of this action, when it is not the stack's.
    pub fn project_id(&self) -> Option<&ProjectId> {
        self.project_id.as_ref()
    }

    /// The request headers, in the order declared (Ory Network does not store them).
    pub fn headers(&self) -> impl Iterator<Item = (&str, &HeaderValue)> {
        self.extras.headers.iter().map(|(n, v)| (n.as_ref(), v))
    }

    /// `emit_analytics_event`, when set (Kratos's default is true; Ory Network does not store it).
    pub fn emit_analytics_event(&self) -> Option<bool> {
        self.extras.emit_analytics_event
    }

    /// The `id` Kratos labels the hook's logs with, when set (Ory Network does not store it).
    pub fn id(&self) -> Option<&str> {
        self.extras.id.as_deref()
    }

    pub(crate) fn extras(&self) -> &Extras {
        &self.extras
    }

    /// Builds an action from parts that went through [`check`]; used by the builder and by the
    /// expansion of `action!`.
    pub(crate) fn checked(parts: Parts) -> Result<Action, InvalidAction> {
        let problems = check(&parts);
        if !problems.is_empty() {
            return Err(InvalidAction { problems });
        }
        Ok(Action {
            name: parts.name,
            scopes: parts.scopes,
            url: parts.url,
            method: parts.method,
            body: parts.body,
            flags: parts.flags,
            auth: parts.auth,
            project_id: parts.project_id,
            extras: parts.extras,
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
        write!(f, ": {} {}", self.method, self.url)?;
        if self.name.is_some() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// The parts of an action before they are checked.
pub(crate) struct Parts {
    pub(crate) name: Option<Cow<'static, str>>,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) url: Cow<'static, str>,
    pub(crate) method: HttpMethod,
    pub(crate) body: Option<Body>,
    pub(crate) flags: Flags,
    pub(crate) auth: Option<Auth>,
    pub(crate) project_id: Option<ProjectId>,
    pub(crate) extras: Extras,
}

/// Every rule of an action that is not already in its types; the same rules `action!` checks.
fn check(parts: &Parts) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Err(e) = check_scope_set(&parts.scopes) {
        problems.push(Problem::Scope(e));
    }
    problems.extend(
        check_flags(&parts.scopes, parts.flags)
            .into_iter()
            .map(Problem::Flags),
    );
    if let Err(e) = check_url(&parts.url) {
        problems.push(Problem::Url(e));
    }
    if let Some(body) = &parts.body
        && let Err(e) = check_body(body.source())
    {
        problems.push(Problem::Body(e));
    }
    if let Some(name) = &parts.name
        && let Err(e) = check_not_empty("`name`", name)
    {
        problems.push(Problem::Name(e));
    }
    match &parts.auth {
        Some(Auth::ApiKey { name, value, .. }) => {
            if let Err(e) = check_token("api key name", name) {
                problems.push(Problem::Name(e));
            }
            problems.extend(check_secret(value));
        }
        Some(Auth::BasicAuth { user, password }) => {
            if let Err(e) = check_basic_user(user) {
                problems.push(Problem::Name(e));
            }
            problems.extend(check_secret(password));
        }
        None => {}
    }
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in &parts.extras.headers {
        let problem = check_token("header name", name).err().or_else(|| {
            if seen.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                return Some(NameError::DuplicateHeader {
                    name: name.to_string(),
                });
            }
            match value {
                HeaderValue::Plain(_) if is_credential_header(name) => {
                    Some(NameError::CredentialHeader {
                        name: name.to_string(),
                    })
                }
                HeaderValue::Plain(value) => check_header_value(name, value).err(),
                HeaderValue::Secret(secret) => match check_secret(secret) {
                    Some(Problem::Name(e)) => Some(e),
                    _ => None,
                },
            }
        });
        problems.extend(problem.map(Problem::Name));
        seen.push(name);
    }
    if let Some(id) = &parts.extras.id
        && let Err(e) = check_not_empty("`id`", id)
    {
        problems.push(Problem::Name(e));
    }
    match &parts.project_id {
        Some(ProjectId::Literal(id)) => {
            if let Err(e) = check_project_id(id) {
                problems.push(Problem::Name(e));
            }
        }
        Some(ProjectId::Env(var)) => {
            if let Err(e) = check_env_var(var) {
                problems.push(Problem::Name(e));
            }
        }
        None => {}
    }
    problems
}

fn check_secret(secret: &Secret) -> Option<Problem> {
    match secret {
        Secret::Env(var) => check_env_var(var).err().map(Problem::Name),
        Secret::File(path) if path.as_os_str().is_empty() => {
            Some(Problem::Name(NameError::Empty {
                what: "a secret file path",
            }))
        }
        Secret::File(_) => None,
    }
}

/// Checks that a set of hook lists is one `auth_method` could name: one flow and timing, no list
/// twice, and a flow-wide list only on its own.
fn check_scope_set(scopes: &[Scope]) -> Result<(), ScopeError> {
    let Some(first) = scopes.first() else {
        return Err(ScopeError::EmptyList);
    };
    let flow = first.flow();
    let timing = first.timing();
    for (i, scope) in scopes.iter().enumerate() {
        let method = scope.method();
        if scope.flow() != flow || scope.timing() != timing {
            return Err(ScopeError::NoSuchList {
                flow,
                method: scope.to_string(),
            });
        }
        if scopes[..i].contains(scope) {
            return Err(match method {
                Some(method) => ScopeError::DuplicateMethod { method },
                None => ScopeError::AuthMethodNotAllowed { flow, timing },
            });
        }
        if method.is_none() && scopes.len() > 1 {
            return Err(ScopeError::AuthMethodNotAllowed { flow, timing });
        }
    }
    Ok(())
}

/// One broken rule of an action.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The flow, timing and `auth_method` name no hook list.
    Scope(ScopeError),
    /// The flags conflict or make the hook never run.
    Flags(FlagError),
    /// The URL is not one Ory can call.
    Url(UrlError),
    /// The body is not a template Kratos can evaluate.
    Body(BodyError),
    /// A name, id or environment variable is malformed.
    Name(NameError),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Scope(e) => e.fmt(f),
            Problem::Flags(e) => e.fmt(f),
            Problem::Url(e) => e.fmt(f),
            Problem::Body(e) => e.fmt(f),
            Problem::Name(e) => e.fmt(f),
        }
    }
}

/// An action that breaks rules of Ory Actions; lists every problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidAction {
    problems: Vec<Problem>,
}

impl InvalidAction {
    /// Every problem, in the order the rules were checked.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for InvalidAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid action: ")?;
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            problem.fmt(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidAction {}

/// Builds an [`Action`] at run time, with the rules `action!` checks at compile time.
///
/// ```
/// use ory_actions_runtime::{Action, Flow, Method, Timing};
///
/// let action = Action::builder(Flow::Registration, Timing::After, "https://api.example.com/welcome")
///     .auth_method(Method::Password)
///     .body("function(ctx) { email: ctx.identity.traits.email }")
///     .build()?;
/// assert_eq!(action.to_string(), "registration after password: POST https://api.example.com/welcome");
///
/// let err = Action::builder(Flow::Verification, Timing::After, "https://api.example.com/verified")
///     .auth_method(Method::Code)
///     .build()
///     .unwrap_err();
/// assert!(err.to_string().contains("remove `auth_method`"));
/// # Ok::<(), ory_actions_runtime::InvalidAction>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "an ActionBuilder does nothing until `build` is called"]
pub struct ActionBuilder {
    flow: Flow,
    timing: Timing,
    url: Cow<'static, str>,
    auth_method: Option<AuthMethods>,
    name: Option<Cow<'static, str>>,
    method: HttpMethod,
    body: Option<Body>,
    flags: Flags,
    auth: Option<Auth>,
    project_id: Option<ProjectId>,
    extras: Extras,
}

impl ActionBuilder {
    /// Which `after` lists of login, registration or settings the hook goes into: a method, a
    /// list of methods, [`AuthMethods::All`] or [`AuthMethods::Fallback`].
    pub fn auth_method(mut self, auth_method: impl Into<AuthMethods>) -> Self {
        self.auth_method = Some(auth_method.into());
        self
    }

    /// A name for the action, shown in plans.
    pub fn name(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The HTTP method (default `POST`).
    pub fn method(mut self, method: HttpMethod) -> Self {
        self.method = method;
        self
    }

    /// The Jsonnet template of the request body.
    pub fn body(mut self, source: impl Into<Cow<'static, str>>) -> Self {
        self.body = Some(Body::inline(source));
        self
    }

    /// The request body, as a [`Body`] (for example one read from a file).
    pub fn body_template(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    /// Lets the hook stop the flow with field messages (default false).
    pub fn can_interrupt(mut self, yes: bool) -> Self {
        self.flags.can_interrupt = yes;
        self
    }

    /// Runs the call in the background and ignores its answer (default false).
    pub fn response_ignore(mut self, yes: bool) -> Self {
        self.flags.response_ignore = yes;
        self
    }

    /// Parses the answer, which may then stop the flow or change the identity (default false).
    pub fn response_parse(mut self, yes: bool) -> Self {
        self.flags.response_parse = yes;
        self
    }

    /// How Ory authenticates to the hook.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The project of this action, when it is not the stack's.
    pub fn project_id(mut self, project_id: ProjectId) -> Self {
        self.project_id = Some(project_id);
        self
    }

    /// A request header with a plain value (Ory Network does not store headers).
    pub fn header(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.extras
            .headers
            .push((name.into(), HeaderValue::Plain(value.into())));
        self
    }

    /// A request header whose value is a secret read when the program runs.
    pub fn secret_header(mut self, name: impl Into<Cow<'static, str>>, value: Secret) -> Self {
        self.extras
            .headers
            .push((name.into(), HeaderValue::Secret(value)));
        self
    }

    /// Whether Kratos emits analytics events and request-id headers for the hook (Kratos's
    /// default: true; Ory Network does not store it).
    pub fn emit_analytics_event(mut self, yes: bool) -> Self {
        self.extras.emit_analytics_event = Some(yes);
        self
    }

    /// The `id` Kratos labels the hook's logs with (Ory Network does not store it).
    pub fn id(mut self, id: impl Into<Cow<'static, str>>) -> Self {
        self.extras.id = Some(id.into());
        self
    }

    /// Checks every rule and returns the action, or every problem found.
    pub fn build(self) -> Result<Action, InvalidAction> {
        let scopes = match resolve(self.flow, self.timing, self.auth_method.as_ref()) {
            Ok(scopes) => scopes,
            Err(e) => {
                // Report the other problems too, checked as if the hook went into one list.
                let mut invalid = Action::checked(Parts {
                    scopes: vec![
                        Scope::find(self.flow, self.timing, None)
                            .expect("every flow has a `before` list and a flow-wide `after` list"),
                    ],
                    ..self.into_parts(Vec::new())
                })
                .err()
                .unwrap_or(InvalidAction {
                    problems: Vec::new(),
                });
                invalid
                    .problems
                    .retain(|p| !matches!(p, Problem::Flags(FlagError::NeverRuns { .. })));
                invalid.problems.insert(0, Problem::Scope(e));
                return Err(invalid);
            }
        };
        Action::checked(self.into_parts(scopes))
    }

    fn into_parts(self, scopes: Vec<Scope>) -> Parts {
        Parts {
            name: self.name,
            scopes,
            url: self.url,
            method: self.method,
            body: self.body,
            flags: self.flags,
            auth: self.auth,
            project_id: self.project_id,
            extras: self.extras,
        }
    }
}

#[cfg(test)]
mod tests {
    use ory_actions_core::{ApiKeyIn, Method};

    use super::*;

    #[test]
    fn the_builder_collects_every_problem() {
        let err = Action::builder(Flow::Registration, Timing::After, "ftp://x")
            .auth_method(Method::Totp)
            .response_ignore(true)
            .response_parse(true)
            .body("function(context) {}")
            .auth(Auth::api_key(
                "X Key",
                Secret::env("1KEY"),
                ApiKeyIn::Header,
            ))
            .build()
            .unwrap_err();
        let kinds: Vec<&str> = err
            .problems()
            .iter()
            .map(|p| match p {
                Problem::Scope(_) => "scope",
                Problem::Flags(_) => "flags",
                Problem::Url(_) => "url",
                Problem::Body(_) => "body",
                Problem::Name(_) => "name",
            })
            .collect();
        assert_eq!(kinds, ["scope", "flags", "url", "body", "name", "name"]);
    }

    #[test]
    fn scope_sets_must_be_one_auth_method() {
        use Scope::*;
        assert!(check_scope_set(&[LoginAfterPassword, LoginAfterOidc]).is_ok());
        assert!(check_scope_set(&[LoginAfter]).is_ok());
        assert!(check_scope_set(&[]).is_err());
        assert!(check_scope_set(&[LoginAfter, LoginAfterOidc]).is_err());
        assert!(check_scope_set(&[LoginAfterOidc, LoginAfterOidc]).is_err());
        assert!(check_scope_set(&[LoginAfterOidc, RegistrationAfterOidc]).is_err());
        assert!(check_scope_set(&[LoginBefore, LoginAfter]).is_err());
    }

    #[test]
    fn display_names_the_lists() {
        let action = Action::builder(Flow::Login, Timing::After, "https://h.example/x")
            .auth_method([Method::Password, Method::Oidc])
            .name("audit")
            .method(HttpMethod::Put)
            .build()
            .unwrap();
        assert_eq!(
            action.to_string(),
            "audit (login after [password, oidc]: PUT https://h.example/x)"
        );
    }
}
