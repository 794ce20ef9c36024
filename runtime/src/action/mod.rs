//! [`Action`]: one declared web hook, checked against every rule of Ory Actions, and
//! [`ActionBuilder`] for actions made at run time.

mod auth;
mod read;

pub(crate) use auth::read_env;
pub use auth::{Auth, REDACTED, Secret, SecretValue};
pub use read::ReadError;

use std::borrow::Cow;
use std::fmt;

use ory_actions_core::address::check_url;
use ory_actions_core::fields;
use ory_actions_core::jsonnet::{BodyShape, CtxError, CtxShape, check_body, check_ctx, dedent};
use ory_actions_core::names::{
    check_basic_user, check_env_var, check_not_empty, check_project_id, check_token,
};
use ory_actions_core::reference::{FILE_SCHEME, check_body_url, check_kratos_path};
use ory_actions_core::rules::{
    AuthMethodLists, HeaderValueKind, check_flags, check_headers, resolve,
};
use ory_actions_core::{
    AuthMethods, BodyError, FlagError, Flags, Flow, HttpMethod, NameError, Platform,
    ReferenceError, Scope, ScopeError, Timing, UrlError,
};

/// The request body: a Jsonnet template written in the program (checked for syntax and for its
/// `ctx` parameter), or a reference to one that Kratos resolves itself — a URL it fetches
/// ([`Body::url`]) or a file it reads from its own disk ([`Body::kratos_file`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Body {
    kind: BodyKind,
}

impl fmt::Debug for Body {
    /// `Body { source: "…", file: … }` for a template; `Body { url: "…" }` or
    /// `Body { kratos_file: "…" }` for a reference.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Body");
        match &self.kind {
            BodyKind::Template { source, file } => out.field("source", source).field("file", file),
            BodyKind::Url(url) => out.field("url", url),
            BodyKind::KratosFile(path) => out.field("kratos_file", path),
        };
        out.finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum BodyKind {
    /// The Jsonnet source, and the file it was read from, if it was (kept for messages).
    Template {
        source: Cow<'static, str>,
        file: Option<Cow<'static, str>>,
    },
    /// `http(s)://…`, fetched by Kratos.
    Url(Cow<'static, str>),
    /// A path Kratos reads, written as `file://` and the path.
    KratosFile(Cow<'static, str>),
}

impl Body {
    /// A body written inline. The indentation it has from the surrounding code is removed
    /// (leading blank lines, trailing white space and the indentation common to all lines).
    pub fn inline(source: impl Into<Cow<'static, str>>) -> Self {
        let source = source.into();
        let dedented = dedent(&source);
        Body {
            kind: BodyKind::Template {
                source: if dedented == *source {
                    source
                } else {
                    Cow::Owned(dedented)
                },
                file: None,
            },
        }
    }

    /// A body read from `file` (kept for messages; `source` is its content).
    pub fn from_file(
        file: impl Into<Cow<'static, str>>,
        source: impl Into<Cow<'static, str>>,
    ) -> Self {
        Body {
            kind: BodyKind::Template {
                source: source.into(),
                file: Some(file.into()),
            },
        }
    }

    /// A template Kratos fetches from this `http`/`https` URL each time it runs the hook (it
    /// caches it for an hour). The entry carries the URL as written.
    pub fn url(url: impl Into<Cow<'static, str>>) -> Self {
        Body {
            kind: BodyKind::Url(url.into()),
        }
    }

    /// A template Kratos reads from this path on its own machine (or in its container): the
    /// entry carries `file://` and the path. A relative path is relative to Kratos's working
    /// directory, as Kratos reads it.
    pub fn kratos_file(path: impl Into<Cow<'static, str>>) -> Self {
        Body {
            kind: BodyKind::KratosFile(path.into()),
        }
    }

    /// The Jsonnet source, when the template is written in the program (inline or read from a
    /// file at build time); `None` for a body Kratos resolves itself.
    pub fn source(&self) -> Option<&str> {
        match &self.kind {
            BodyKind::Template { source, .. } => Some(source),
            BodyKind::Url(_) | BodyKind::KratosFile(_) => None,
        }
    }

    /// The file the template was read from, if it was.
    pub fn file(&self) -> Option<&str> {
        match &self.kind {
            BodyKind::Template { file, .. } => file.as_deref(),
            BodyKind::Url(_) | BodyKind::KratosFile(_) => None,
        }
    }

    /// What the entry's `body` holds for a body Kratos resolves itself: the URL, or `file://`
    /// and the path; `None` for a template written in the program.
    pub fn reference(&self) -> Option<String> {
        match &self.kind {
            BodyKind::Template { .. } => None,
            BodyKind::Url(url) => Some(url.to_string()),
            BodyKind::KratosFile(path) => Some(format!("{FILE_SCHEME}{path}")),
        }
    }

    /// What is wrong with it: a template Kratos cannot run, or a reference it cannot resolve.
    fn problem(&self) -> Option<Problem> {
        match &self.kind {
            BodyKind::Template { source, .. } => check_body(source).err().map(Problem::Body),
            BodyKind::Url(url) => check_body_url(url).err().map(Problem::BodyReference),
            BodyKind::KratosFile(path) => check_kratos_path(path).err().map(Problem::BodyReference),
        }
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
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Action {
    name: Option<Cow<'static, str>>,
    /// The lists on Ory Network, which has every list.
    scopes: Vec<Scope>,
    /// Whether `auth_method` said `all`, which means fewer lists where there are fewer.
    auth_method_all: bool,
    url: Cow<'static, str>,
    method: HttpMethod,
    body: Option<Body>,
    flags: Flags,
    auth: Option<Auth>,
    project_id: Option<ProjectId>,
    extras: Extras,
    /// Where `action!` declared it, when it did.
    declared_at: Option<Location>,
    /// The problems of values `action!` computed when the program ran; empty when valid.
    deferred: Deferred,
}

impl fmt::Debug for Action {
    /// The fields as declared; the problems of computed values when there are any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Action");
        debug
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .field("auth_method_all", &self.auth_method_all)
            .field("url", &self.url)
            .field("method", &self.method)
            .field("body", &self.body)
            .field("flags", &self.flags)
            .field("auth", &self.auth)
            .field("project_id", &self.project_id)
            .field("extras", &self.extras);
        if !self.deferred.0.is_empty() {
            debug.field("problems", &self.deferred.0);
        }
        debug.finish()
    }
}

/// A place in the user's source: where an `action!` was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    file: &'static str,
    line: u32,
    column: u32,
}

impl Location {
    /// `file:line:column`, as `file!()`, `line!()` and `column!()` give them.
    pub const fn new(file: &'static str, line: u32, column: u32) -> Self {
        Location { file, line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Problems found in computed values, kept until the action is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Deferred(Vec<Problem>);

impl std::hash::Hash for Deferred {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for problem in &self.0 {
            problem.to_string().hash(state);
        }
    }
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
    /// The names of the fields that are set, as in the hook's `config`, in the order of the
    /// table of fields.
    pub(crate) fn set_fields(&self) -> Vec<&'static str> {
        fields::not_stored_on(Platform::OryNetwork)
            .filter(|field| match **field {
                fields::HEADERS => !self.headers.is_empty(),
                fields::EMIT_ANALYTICS_EVENT => self.emit_analytics_event.is_some(),
                fields::ID => self.id.is_some(),
                _ => false,
            })
            .map(|field| field.name)
            .collect()
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
    /// use ory_actions_runtime::{Action, AuthMethods, Flow, AuthMethod, Timing};
    /// use ory_actions_core::Platform;
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
    /// # Ok::<(), ory_actions_runtime::InvalidAction>(())
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

    /// Builds an action from its parts, checking every rule with [`check`]; used by the
    /// builder.
    pub(crate) fn checked(parts: Parts) -> Result<Action, InvalidAction> {
        match check(&parts) {
            (Some(lists), problems) if problems.is_empty() => {
                Ok(Action::assemble(parts, lists, None, Vec::new()))
            }
            (_, problems) => Err(InvalidAction {
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
            (Some(lists), problems)
                if !problems
                    .iter()
                    .any(|p| matches!(p, Problem::Scope(_) | Problem::Flags(_))) =>
            {
                Action::assemble(parts, lists, Some(location), problems)
            }
            (_, problems) => panic!(
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
    ) -> Action {
        Action {
            name: parts.name,
            scopes: lists.scopes,
            auth_method_all: lists.auth_method == Some(AuthMethods::All),
            url: parts.url,
            method: parts.method,
            body: parts.body,
            flags: parts.flags,
            auth: parts.auth,
            project_id: parts.project_id,
            extras: parts.extras,
            declared_at,
            deferred: Deferred(problems),
        }
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
    pub(crate) flow: Flow,
    pub(crate) timing: Timing,
    pub(crate) auth_method: Option<AuthMethods>,
    pub(crate) url: Cow<'static, str>,
    pub(crate) method: HttpMethod,
    pub(crate) body: Option<Body>,
    pub(crate) flags: Flags,
    pub(crate) auth: Option<Auth>,
    pub(crate) project_id: Option<ProjectId>,
    pub(crate) extras: Extras,
}

/// Every rule of an action that is not already in its types, with the functions of
/// `ory-actions-core` that `action!` calls at compile time: the hook lists, when `auth_method`
/// names some, and every problem found.
fn check(parts: &Parts) -> (Option<AuthMethodLists>, Vec<Problem>) {
    let mut problems = Vec::new();
    let lists = match resolve(parts.flow, parts.timing, parts.auth_method.as_ref()) {
        Ok(lists) => Some(lists),
        Err(found) => {
            problems.extend(found.into_iter().map(|(_, e)| Problem::Scope(e)));
            None
        }
    };
    let scopes = lists.as_ref().map(|l| l.scopes.as_slice());
    problems.extend(
        check_flags(scopes.unwrap_or_default(), parts.flags)
            .into_iter()
            .map(Problem::Flags),
    );
    if let Err(e) = check_url(&parts.url) {
        problems.push(Problem::Url(e));
    }
    if let Some(body) = &parts.body {
        match body.problem() {
            Some(problem) => problems.push(problem),
            None => {
                if let Some(source) = body.source()
                    && check_body(source) == Ok(BodyShape::Function)
                {
                    let shape = CtxShape::of(parts.flow, parts.timing);
                    problems.extend(check_ctx(source, shape).into_iter().map(|error| {
                        Problem::Ctx {
                            file: body.file().map(str::to_owned),
                            error,
                        }
                    }));
                }
            }
        }
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
            problems.extend(check_secret(value).map(Problem::Name));
        }
        Some(Auth::BasicAuth { user, password }) => {
            if let Err(e) = check_basic_user(user) {
                problems.push(Problem::Name(e));
            }
            problems.extend(check_secret(password).map(Problem::Name));
        }
        None => {}
    }
    problems.extend(check_header_list(&parts.extras.headers));
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
    (lists, problems)
}

/// The problems of the request headers, each named by its place: the rules of
/// `ory-actions-core` for the headers together, then where each secret value comes from.
fn check_header_list(headers: &[(Cow<'static, str>, HeaderValue)]) -> Vec<Problem> {
    let written: Vec<(&str, HeaderValueKind<'_>)> = headers
        .iter()
        .map(|(name, value)| {
            let kind = match value {
                HeaderValue::Plain(value) => HeaderValueKind::Literal(value),
                HeaderValue::Secret(_) => HeaderValueKind::Secret,
            };
            (name.as_ref(), kind)
        })
        .collect();
    let found = check_headers(&written);
    let mut problems = Vec::new();
    for (index, (name, value)) in headers.iter().enumerate() {
        let problem = match (found.iter().find(|(i, _, _)| *i == index), value) {
            (Some((_, _, problem)), _) => Some(problem.clone()),
            (None, HeaderValue::Secret(secret)) => check_secret(secret),
            (None, HeaderValue::Plain(_)) => None,
        };
        problems.extend(problem.map(|problem| Problem::Header {
            position: index + 1,
            name: name.to_string(),
            problem,
        }));
    }
    problems
}

/// Where a secret comes from: a portable environment variable name, or a file path.
fn check_secret(secret: &Secret) -> Option<NameError> {
    match secret {
        Secret::Env(var) => check_env_var(var).err(),
        Secret::File(path) if path.as_os_str().is_empty() => Some(NameError::Empty {
            what: "a secret file path",
        }),
        Secret::File(_) => None,
        Secret::Value(_) if secret.is_empty_value() => Some(NameError::Empty {
            what: "a computed secret",
        }),
        Secret::Value(_) => None,
    }
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
    /// The body reads a field of `ctx` that the hook's context lacks, so every call fails.
    Ctx {
        /// The file the template was read from, if it was.
        file: Option<String>,
        /// The read and what is wrong with it.
        error: CtxError,
    },
    /// The body is a reference (`url(..)`, `kratos_file(..)`) Kratos cannot resolve.
    BodyReference(ReferenceError),
    /// A name, id or environment variable is malformed.
    Name(NameError),
    /// A request header breaks a rule: its name, its value, or where its secret comes from.
    Header {
        /// Its place among the headers, counting from 1.
        position: usize,
        /// Its name, as given.
        name: String,
        /// What is wrong.
        problem: NameError,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Scope(e) => e.fmt(f),
            Problem::Flags(e) => e.fmt(f),
            Problem::Url(e) => e.fmt(f),
            Problem::Body(e) => e.fmt(f),
            Problem::Ctx {
                file: Some(file),
                error,
            } => write!(f, "in `{file}`: {error}"),
            Problem::Ctx { file: None, error } => error.fmt(f),
            Problem::BodyReference(e) => e.fmt(f),
            Problem::Name(e) => e.fmt(f),
            Problem::Header {
                position,
                name,
                problem,
            } => write!(f, "header {position} (`{name}`): {problem}"),
        }
    }
}

/// An action that breaks rules of Ory Actions, or of the platform it is planned for; lists every
/// problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidAction {
    /// The action, when it was made and then refused where it was planned or checked.
    action: Option<String>,
    /// Where `action!` declared it, when it did.
    location: Option<Location>,
    problems: Vec<Problem>,
}

impl InvalidAction {
    /// `action` cannot go where it was planned, because of `problem`.
    pub(crate) fn planned(action: &Action, problem: Problem) -> Self {
        InvalidAction {
            action: Some(action.to_string()),
            location: action.declared_at,
            problems: vec![problem],
        }
    }

    /// Every problem, in the order the rules were checked.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// One line per problem: `src/main.rs:42:9: action `welcome`: …`.
    pub fn lines(&self) -> Vec<String> {
        let mut prefix = String::new();
        if let Some(location) = self.location {
            prefix.push_str(&format!("{location}: "));
        }
        if let Some(action) = &self.action {
            prefix.push_str(&format!("action `{action}`: "));
        }
        self.problems
            .iter()
            .map(|problem| format!("{prefix}{problem}"))
            .collect()
    }
}

impl fmt::Display for InvalidAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = self.location {
            write!(f, "{location}: ")?;
        }
        match &self.action {
            Some(action) => write!(f, "invalid action `{action}`: ")?,
            None => f.write_str("invalid action: ")?,
        }
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
/// use ory_actions_runtime::{Action, Flow, AuthMethod, Timing};
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
        Action::checked(Parts {
            name: self.name,
            flow: self.flow,
            timing: self.timing,
            auth_method: self.auth_method,
            url: self.url,
            method: self.method,
            body: self.body,
            flags: self.flags,
            auth: self.auth,
            project_id: self.project_id,
            extras: self.extras,
        })
    }
}

#[cfg(test)]
mod tests {
    use ory_actions_core::{ApiKeyIn, AuthMethod};

    use super::*;

    fn kind(problem: &Problem) -> &'static str {
        match problem {
            Problem::Scope(_) => "scope",
            Problem::Flags(_) => "flags",
            Problem::Url(_) => "url",
            Problem::Body(_) | Problem::BodyReference(_) => "body",
            Problem::Ctx { .. } => "ctx",
            Problem::Name(_) => "name",
            Problem::Header { .. } => "header",
        }
    }

    #[test]
    fn any_body_up_to_the_size_limit_is_answered_on_a_small_stack() {
        use ory_actions_core::jsonnet::{BodyError, MAX_BODY_BYTES, MAX_DEPTH};
        // A test thread's stack, as a tokio worker's: these chains used to overflow it.
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let build = |body: String| {
                    Action::builder(Flow::Registration, Timing::After, "https://x.example/h")
                        .auth_method(AuthMethod::Password)
                        .body(body)
                        .build()
                };
                for (head, link) in [
                    ("std.length", ".b"),
                    ("x", "[0]"),
                    ("f", "(0)"),
                    ("function(ctx) ctx.identity.traits", ".a"),
                    ("function(ctx) ", "["),
                    ("function(ctx) ", "-"),
                    ("function(ctx) ", "{a: "),
                    ("function(ctx) ", "local a = 1; "),
                ] {
                    let body = format!(
                        "{head}{}",
                        link.repeat((MAX_BODY_BYTES - head.len()) / link.len())
                    );
                    let err = build(body).unwrap_err();
                    assert!(
                        matches!(
                            err.problems(),
                            [Problem::Body(BodyError::TooDeep {
                                limit: MAX_DEPTH,
                                ..
                            })]
                        ),
                        "{head}{link}…: {err}"
                    );
                }
                // Below the limit, the reads of `ctx` are checked as ever.
                let reads = format!("function(ctx) ctx.identity.traits{}", ".a".repeat(400));
                assert!(build(reads).is_ok());
                let err =
                    build(format!("function(ctx) ctx.identty{}", "[0]".repeat(400))).unwrap_err();
                assert!(matches!(err.problems(), [Problem::Ctx { .. }]), "{err}");
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn the_builder_collects_every_problem() {
        let err = Action::builder(Flow::Registration, Timing::After, "ftp://x")
            .auth_method([AuthMethod::Totp, AuthMethod::Password, AuthMethod::Password])
            .response_ignore(true)
            .response_parse(true)
            .body("function(context) {}")
            .auth(Auth::api_key(
                "X Key",
                Secret::env("1KEY"),
                ApiKeyIn::Header,
            ))
            .header("Authorization", "Bearer abc")
            .secret_header("X-Key", Secret::env("1KEY"))
            .build()
            .unwrap_err();
        let kinds: Vec<&str> = err.problems().iter().map(kind).collect();
        assert_eq!(
            kinds,
            [
                "scope", "scope", "flags", "url", "body", "name", "name", "header", "header"
            ]
        );
    }

    #[test]
    fn body_references_are_checked_and_kept_as_written() {
        let build = |body: Body| {
            Action::builder(Flow::Login, Timing::Before, "https://h.example/x")
                .body_template(body)
                .build()
        };
        let action = build(Body::kratos_file("templates/x.jsonnet")).unwrap();
        let body = action.body().unwrap();
        assert_eq!(body.source(), None);
        assert_eq!(
            body.reference().as_deref(),
            Some("file://templates/x.jsonnet")
        );
        let action = build(Body::url("https://example.com/body.jsonnet")).unwrap();
        assert_eq!(
            action.body().unwrap().reference().as_deref(),
            Some("https://example.com/body.jsonnet")
        );
        for bad in [
            Body::url("ftp://example.com/x"),
            Body::url("/relative"),
            Body::kratos_file(""),
            Body::kratos_file("file:///etc/x"),
        ] {
            let err = build(bad).unwrap_err();
            assert!(
                matches!(err.problems(), [Problem::BodyReference(_)]),
                "{err}"
            );
        }
    }

    #[test]
    fn header_problems_are_named_by_their_place() {
        let err = Action::builder(Flow::Login, Timing::Before, "https://h.example/x")
            .header("X-Tenant", "acme")
            .secret_header("x-tenant", Secret::env("TENANT"))
            .secret_header("X-Key", Secret::env("1KEY"))
            .header("Content-Type", "text/plain")
            .build()
            .unwrap_err();
        let shown: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "header 2 (`x-tenant`): header `x-tenant` is given twice (header names are \
                 case-insensitive)",
                "header 3 (`X-Key`): `1KEY` is not an environment variable name: use letters, \
                 digits and `_`, not starting with a digit",
                "header 4 (`Content-Type`): Kratos sends web hook bodies as `application/json` \
                 or `application/x-www-form-urlencoded` only; a `Content-Type` of `text/plain` \
                 fails every call",
            ]
        );
    }

    #[test]
    fn auth_method_problems_read_as_before() {
        let err = Action::builder(Flow::Verification, Timing::After, "https://h.example/x")
            .auth_method(AuthMethod::Code)
            .response_parse(true)
            .build()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid action: `after` hooks of verification run from one list for every method: \
             remove `auth_method`"
        );
        let err = Action::builder(Flow::Settings, Timing::After, "https://h.example/x")
            .build()
            .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "invalid action: `auth_method` is required for `after` hooks of settings"
            ),
            "{err}"
        );
    }

    #[test]
    fn all_means_the_lists_of_the_platform_and_a_named_method_must_exist_there() {
        let all = Action::builder(Flow::Registration, Timing::After, "https://h.example/x")
            .auth_method(AuthMethods::All)
            .build()
            .unwrap();
        assert_eq!(all.scopes(), Flow::Registration.after_method_scopes());
        assert_eq!(
            all.scopes_on(Platform::OryNetwork).unwrap(),
            Flow::Registration.after_method_scopes()
        );
        assert_eq!(
            all.scopes_on(Platform::Kratos).unwrap(),
            Flow::Registration.after_method_scopes_on(Platform::Kratos)
        );
        assert!(
            !all.scopes_on(Platform::Kratos)
                .unwrap()
                .contains(&Scope::RegistrationAfterSaml)
        );
        assert_eq!(
            all.to_string(),
            "registration after all: POST https://h.example/x"
        );

        let listed = Action::builder(Flow::Registration, Timing::After, "https://h.example/x")
            .auth_method(Flow::Registration.after_methods())
            .build()
            .unwrap();
        assert_eq!(listed.scopes(), all.scopes());
        assert_eq!(
            listed.scopes_on(Platform::Kratos),
            Err(ScopeError::NotOnPlatform {
                scope: Scope::RegistrationAfterSaml,
                platform: Platform::Kratos
            })
        );
        let password = Action::builder(Flow::Settings, Timing::After, "https://h.example/x")
            .auth_method(AuthMethod::Password)
            .build()
            .unwrap();
        for platform in Platform::ALL {
            assert_eq!(
                password.scopes_on(*platform).unwrap(),
                [Scope::SettingsAfterPassword]
            );
        }
    }

    #[test]
    fn display_names_the_lists() {
        let action = Action::builder(Flow::Login, Timing::After, "https://h.example/x")
            .auth_method([AuthMethod::Password, AuthMethod::Oidc])
            .name("audit")
            .method(HttpMethod::Put)
            .build()
            .unwrap();
        assert_eq!(
            action.to_string(),
            "audit (login after [password, oidc]: PUT https://h.example/x)"
        );
    }

    #[test]
    fn the_builder_refuses_reads_of_ctx_the_hook_lacks() {
        let err = Action::builder(Flow::Registration, Timing::After, "https://h.example/x")
            .auth_method(AuthMethod::Password)
            .body("\n    function(ctx) {\n      sid: ctx.session.id,\n    }\n")
            .build()
            .unwrap_err();
        let kinds: Vec<&str> = err.problems().iter().map(kind).collect();
        assert_eq!(kinds, ["ctx"]);
        // Lines and columns are those of the template as sent, without the indentation.
        assert!(
            err.problems()[0]
                .to_string()
                .starts_with("the Jsonnet body reads `ctx.session` at line 2, column 8"),
            "{}",
            err.problems()[0]
        );
        let err = Action::builder(Flow::Login, Timing::Before, "https://h.example/x")
            .body_template(Body::from_file(
                "templates/audit.jsonnet",
                "function(ctx) { id: ctx.identity.id }",
            ))
            .build()
            .unwrap_err();
        assert!(
            err.problems()[0]
                .to_string()
                .starts_with("in `templates/audit.jsonnet`: the Jsonnet body reads `ctx.identity`"),
            "{}",
            err.problems()[0]
        );
        for body in [
            "function(ctx) { sid: if 'session' in ctx then ctx.session.id }",
            "{ constant: true }",
        ] {
            Action::builder(Flow::Registration, Timing::After, "https://h.example/x")
                .auth_method(AuthMethod::Password)
                .body(body)
                .build()
                .unwrap();
        }
    }
}
