//! Every rule of an action that is not already in its types, checked over its parts before the
//! action is made.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ory_actions_core::address::check_url;
use ory_actions_core::ctx::CtxShape;
use ory_actions_core::identity::Schemas;
use ory_actions_core::jsonnet::{Plain, check_template_with};
use ory_actions_core::names::{
    check_basic_user, check_env_var, check_not_empty, check_project_id, check_token,
};
use ory_actions_core::rules::{
    AuthMethodLists, HeaderValueKind, check_flags, check_headers, resolve,
};
use ory_actions_core::{AuthMethods, Flow, NameError, Timing};

use super::{Auth, HeaderValue, HookFields, ProjectId, Secret};
use crate::error::Problem;

/// The parts of an action before they are checked: what `action!` and [`ActionBuilder`]
/// collect.
///
/// [`ActionBuilder`]: super::ActionBuilder
#[derive(Clone, Debug)]
pub struct Parts {
    /// `name`.
    pub name: Option<Cow<'static, str>>,
    /// `flow`.
    pub flow: Flow,
    /// `timing`.
    pub timing: Timing,
    /// `auth_method`, when given.
    pub auth_method: Option<AuthMethods>,
    /// `project_id`.
    pub project_id: Option<ProjectId>,
    /// The fields of its entry.
    pub hook: HookFields,
    /// The identity schemas the crate declares (`[package.metadata.ory-actions]`), included by
    /// `action!`: reads of traits in computed bodies are checked against them, `plan` compares
    /// them with the target's, and `identity-schemas pull` writes them.
    pub identity_schemas: DeclaredSchemas,
}

/// The identity schemas a crate declares, as `action!` includes them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DeclaredSchemas {
    /// The crate's directory when it was compiled: the paths are relative to it.
    pub dir: &'static str,
    /// Each schema, in the order declared.
    pub files: &'static [DeclaredSchema],
}

/// One identity schema a crate declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeclaredSchema {
    /// Its path, as the metadata gives it.
    pub path: &'static str,
    /// The id of the schema in the target's `identity.schemas` (the metadata's `id`, or the
    /// file's name without `.schema.json` or `.json`).
    pub id: &'static str,
    /// Its text when the crate was compiled.
    pub text: &'static str,
}

impl DeclaredSchemas {
    /// `(path, text)` of each, as [`Schemas::read`] takes them.
    pub(crate) fn texts(&self) -> impl Iterator<Item = (&'static str, &'static str)> + Clone {
        self.files.iter().map(|file| (file.path, file.text))
    }
}

/// What [`check`] finds: the hook lists, when `auth_method` names some; every problem; and the
/// body as a plain template, when it is one (its payloads are then computed without an
/// evaluator).
pub(super) struct Found {
    pub(super) lists: Option<AuthMethodLists>,
    pub(super) problems: Vec<Problem>,
    pub(super) plain: Option<Arc<Plain>>,
}

/// The identity schemas `declared`, read once for every action that includes the same ones;
/// `None` when there are none. (`action!` refuses schemas it cannot read at compile time, so
/// the texts it includes always read.)
pub(crate) fn identity_schemas(declared: DeclaredSchemas) -> Option<Arc<Schemas>> {
    // By where the texts are (each `action!` includes them), and by what they say.
    type ByPlace = HashMap<Vec<(usize, usize)>, Arc<Schemas>>;
    type ByPrint = HashMap<u64, Arc<Schemas>>;
    static READ: Mutex<Option<(ByPlace, ByPrint)>> = Mutex::new(None);
    if declared.files.is_empty() {
        return None;
    }
    let place: Vec<(usize, usize)> = declared
        .files
        .iter()
        .map(|file| (file.text.as_ptr() as usize, file.text.len()))
        .collect();
    let mut read = READ
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (by_place, by_print) = read.get_or_insert_with(Default::default);
    if let Some(schemas) = by_place.get(&place) {
        return Some(Arc::clone(schemas));
    }
    let print = Schemas::fingerprint_of(declared.texts());
    let schemas = match by_print.get(&print) {
        Some(schemas) => Arc::clone(schemas),
        None => {
            let schemas = Arc::new(Schemas::read(declared.texts()).ok()?);
            by_print.insert(print, Arc::clone(&schemas));
            schemas
        }
    };
    by_place.insert(place, Arc::clone(&schemas));
    Some(schemas)
}

/// Every rule of an action that is not already in its types, with the functions of
/// `ory-actions-core` that `action!` calls at compile time.
pub(super) fn check(parts: &Parts) -> Found {
    let hook = &parts.hook;
    let mut problems = Vec::new();
    let mut plain = None;
    let lists = match resolve(parts.flow, parts.timing, parts.auth_method.as_ref()) {
        Ok(lists) => Some(lists),
        Err(found) => {
            problems.extend(found.into_iter().map(|(_, e)| Problem::Scope(e)));
            None
        }
    };
    let scopes = lists.as_ref().map(|l| l.scopes.as_slice());
    problems.extend(
        check_flags(scopes.unwrap_or_default(), hook.flags.rules())
            .into_iter()
            .map(Problem::Flags),
    );
    if let Err(e) = check_url(&hook.url) {
        problems.push(Problem::Url(e));
    }
    if let Some(body) = &hook.body {
        match body.source() {
            // A template, read once for both checks.
            Some(source) => match check_template_with(
                source,
                CtxShape::of(parts.flow, parts.timing),
                identity_schemas(parts.identity_schemas).as_deref(),
            ) {
                Err(e) => problems.push(Problem::Body(e)),
                Ok(checked) => {
                    problems.extend(checked.ctx_errors.into_iter().map(|error| Problem::Ctx {
                        file: body.file().map(str::to_owned),
                        error,
                    }));
                    plain = checked.plain;
                }
            },
            None => problems.extend(body.problem()),
        }
    }
    if let Some(name) = &parts.name
        && let Err(e) = check_not_empty("`name`", name)
    {
        problems.push(Problem::Name(e));
    }
    match &hook.auth {
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
    problems.extend(check_header_list(&hook.headers));
    if let Some(id) = &hook.id
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
    Found {
        lists,
        problems,
        plain,
    }
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
