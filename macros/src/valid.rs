//! Stage two: what the fields of `action! { … }` mean, and every rule they must follow.
//!
//! Each problem is reported at the smallest offending token, in rustc's voice, with what is
//! allowed; every problem of one invocation is collected before anything is reported.

use std::collections::BTreeMap;
use std::path::Path;

use ory_actions_core::address::check_url;
use ory_actions_core::ctx::CtxShape;
use ory_actions_core::fields::{
    self, AUTH, BODY, CAN_INTERRUPT, EMIT_ANALYTICS_EVENT, FlagValues, HEADERS, ID, METHOD,
    RESPONSE_IGNORE, RESPONSE_PARSE, URL,
};
use ory_actions_core::identity::Schemas;
use ory_actions_core::jsonnet::{BodyShape, check_body, check_ctx_with, excerpt};
use ory_actions_core::names::{
    check_basic_user, check_env_var, check_not_empty, check_project_id, check_token,
    is_credential_header,
};
use ory_actions_core::reference::{check_body_url, check_kratos_path};
use ory_actions_core::rules::{
    AuthMethodLists, AuthMethodPart, HeaderPart, HeaderValueKind, WrittenAuthMethod,
    check_auth_methods, check_flags, check_headers,
};
use ory_actions_core::scope::one_of;
use ory_actions_core::suggest::did_you_mean;
use ory_actions_core::{ApiKeyIn, Flow, HttpMethod, ScopeError, Timing};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens as _;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token};

use crate::ast::{Field, Input, MapEntry, MapKey, Value};
use crate::ctxt::Errors;
use crate::model;

/// The keys of `action!`, those of the Terraform `ory_action` resource first: where the hook
/// goes, and the fields of its entry ([`ory_actions_core::fields::FIELDS`]) with the action's
/// project and name.
pub(crate) const KEYS: [&str; 15] = [
    "flow",
    "timing",
    "auth_method",
    URL.key,
    METHOD.key,
    BODY.key,
    CAN_INTERRUPT.key,
    RESPONSE_IGNORE.key,
    RESPONSE_PARSE.key,
    "project_id",
    AUTH.key,
    "name",
    HEADERS.key,
    EMIT_ANALYTICS_EVENT.key,
    ID.key,
];

/// Checks an invocation; `None` when anything is wrong, with every problem in `errors`.
pub(crate) fn validate(input: &Input, errors: &mut Errors) -> Option<model::Action> {
    let declared = match crate::schemas::declared(&manifest_dir()) {
        Ok(declared) => declared,
        Err(problem) => {
            errors.at(proc_macro2::Span::call_site(), problem);
            None
        }
    };
    validate_with(input, declared, errors)
}

/// [`validate`], with the identity schemas the crate declares.
pub(crate) fn validate_with(
    input: &Input,
    declared: Option<std::sync::Arc<crate::schemas::Declared>>,
    errors: &mut Errors,
) -> Option<model::Action> {
    let traits = declared.as_ref().map(|d| &d.schemas);
    let fields = fields_by_key(&input.fields, &KEYS, "`action!`", errors);
    let get = |key: &str| fields.get(key).copied();

    let flow = required(get("flow"), "flow", errors).and_then(|f| flow(&f.value, errors));
    let timing = required(get("timing"), "timing", errors).and_then(|f| timing(&f.value, errors));
    let lists = match (flow, timing) {
        (Some(flow), Some(timing)) => auth_method(flow, timing, get("auth_method"), errors),
        _ => None,
    };
    let url = required(get(URL.key), URL.key, errors).and_then(|f| url(&f.value, errors));
    let method = get(METHOD.key).map_or(Some(HttpMethod::default()), |f| {
        http_method(&f.value, errors)
    });
    let shape = flow
        .zip(timing)
        .map(|(flow, timing)| CtxShape::of(flow, timing));
    let body = get(BODY.key).map(|f| body(&f.value, shape, traits, errors));
    let mut flags = FlagValues::default();
    for field in fields::flags() {
        if let Some(f) = get(field.key) {
            flags.set(field, boolean(field.key, &f.value, errors));
        }
    }
    let scopes = lists.as_ref().map(|l| l.scopes.as_slice());
    for problem in check_flags(scopes.unwrap_or_default(), flags.rules()) {
        let field = get(problem.field()).expect("a flag that is set was written");
        errors.spanned(field, problem);
    }
    let auth = get(AUTH.key).map(|f| auth(&f.value, errors));
    let project_id = get("project_id").map(|f| project_id(&f.value, errors));
    let name = get("name").map(|f| name(&f.value, errors));
    let headers = get(HEADERS.key).map(|f| headers(&f.value, errors));
    let id = get(ID.key).map(|f| hook_id(&f.value, errors));

    if !errors.is_empty() {
        return None;
    }
    Some(model::Action {
        name: name.flatten(),
        flow: flow?,
        timing: timing?,
        lists: lists?,
        url: url?,
        method: method?,
        body: body.flatten(),
        flags,
        auth: auth.flatten(),
        project_id: project_id.flatten(),
        headers: headers.flatten().unwrap_or_default(),
        id: id.flatten(),
        identity_schemas: declared,
    })
}

/// Indexes fields by key, reporting unknown and repeated keys.
fn fields_by_key<'a>(
    fields: impl IntoIterator<Item = &'a Field>,
    keys: &[&'static str],
    what: &str,
    errors: &mut Errors,
) -> BTreeMap<&'static str, &'a Field> {
    let mut found = BTreeMap::new();
    for field in fields {
        let key = field.key.unraw().to_string();
        match keys.iter().find(|k| **k == key) {
            None => errors.at(
                field.key.span(),
                format!(
                    "unknown key `{key}` in {what}: expected {}{}",
                    one_of(keys.iter().copied()),
                    did_you_mean_suffix(&key, keys.iter().copied())
                ),
            ),
            Some(known) if found.contains_key(known) => errors.at(
                field.key.span(),
                format!("`{key}` is given twice: each key may appear once"),
            ),
            Some(known) => {
                found.insert(*known, field);
            }
        }
    }
    found
}

fn did_you_mean_suffix<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(name, candidates)
        .map_or_else(String::new, |near| format!("; did you mean `{near}`?"))
}

/// Reports a missing required key at the call site.
fn required<'a>(field: Option<&'a Field>, key: &str, errors: &mut Errors) -> Option<&'a Field> {
    if field.is_none() {
        let what = match key {
            "flow" => format!("the flow to hook into: {}", one_of(Flow::names())),
            "timing" => "when the hook runs: `before` or `after`".to_owned(),
            _ => "the URL Ory calls, such as `url: \"https://api.example.com/hook\"`".to_owned(),
        };
        errors.at(Span::call_site(), format!("missing `{key}`: {what}"));
    }
    field
}

/// A bare name, such as `registration`; reports quotes and other kinds of value.
fn ident<'a>(key: &str, value: &'a Value, example: &str, errors: &mut Errors) -> Option<&'a Ident> {
    match value {
        Value::Ident(ident) => Some(ident),
        Value::Str(lit) if syn::parse_str::<Ident>(&lit.value()).is_ok() => {
            errors.at(
                lit.span(),
                format!(
                    "`{key}` takes a bare name: write `{}` without quotes",
                    lit.value()
                ),
            );
            None
        }
        other => {
            wrong_kind(
                key,
                other,
                &format!("a name such as `{key}: {example}`"),
                errors,
            );
            None
        }
    }
}

fn wrong_kind(key: &str, value: &Value, expected: &str, errors: &mut Errors) {
    errors.spanned(
        value,
        format!("`{key}` takes {expected}, found {}", value.kind()),
    );
}

fn flow(value: &Value, errors: &mut Errors) -> Option<Flow> {
    let ident = ident("flow", value, "registration", errors)?;
    let name = ident.unraw().to_string();
    Flow::from_name(&name).or_else(|| {
        let problem = if name == "logout" {
            ScopeError::NoHooks { flow: "logout" }
        } else {
            ScopeError::UnknownFlow { name }
        };
        errors.at(ident.span(), problem);
        None
    })
}

fn timing(value: &Value, errors: &mut Errors) -> Option<Timing> {
    let ident = ident("timing", value, "after", errors)?;
    let name = ident.unraw().to_string();
    Timing::from_name(&name).or_else(|| {
        errors.at(ident.span(), ScopeError::UnknownTiming { name });
        None
    })
}

/// Resolves `auth_method` to hook lists with the rules of `ory-actions-core`, pointing each
/// problem at its token: a bad method at its name, an empty list at its brackets, a misplaced
/// `auth_method` at the whole field, a missing one at the call site.
fn auth_method(
    flow: Flow,
    timing: Timing,
    field: Option<&Field>,
    errors: &mut Errors,
) -> Option<AuthMethodLists> {
    let value = field.map(|f| &f.value);
    let items: Vec<&Value> = match value {
        Some(Value::List { items, .. }) => items.iter().collect(),
        Some(ident @ Value::Ident(_)) => vec![ident],
        _ => Vec::new(),
    };
    let names: Vec<Option<String>> = items
        .iter()
        .map(|item| match item {
            Value::Ident(ident) => Some(ident.unraw().to_string()),
            _ => None,
        })
        .collect();
    let names: Vec<Option<&str>> = names.iter().map(Option::as_deref).collect();
    let written = match (value, names.as_slice()) {
        (None, _) => WrittenAuthMethod::Absent,
        (Some(Value::Ident(_)), [Some(name)]) => WrittenAuthMethod::Name(name),
        (Some(Value::List { .. }), names) => WrittenAuthMethod::List(names),
        (Some(_), _) => WrittenAuthMethod::Unreadable,
    };
    let problems = match check_auth_methods(flow, timing, written) {
        Ok(lists) => return Some(lists),
        Err(problems) => problems,
    };
    // A problem with `auth_method` as a whole is the only one there is.
    let whole = problems
        .iter()
        .find(|(at, _)| !matches!(at, AuthMethodPart::Name(_)));
    if let Some((at, problem)) = whole {
        match (at, field) {
            (
                AuthMethodPart::Value,
                Some(Field {
                    value: Value::List { bracket, .. },
                    ..
                }),
            ) => {
                errors.at(bracket.span.join(), problem);
            }
            (_, Some(field)) => errors.spanned(field, problem),
            (_, None) => errors.at(Span::call_site(), problem),
        }
        return None;
    }
    if matches!(written, WrittenAuthMethod::Unreadable)
        && let Some(value) = value
    {
        wrong_kind(
            "auth_method",
            value,
            "a method such as `password`, a list `[password, oidc]`, `all` or `fallback`",
            errors,
        );
    }
    for (index, item) in items.iter().enumerate() {
        match item {
            Value::Ident(ident) => {
                let problem = problems
                    .iter()
                    .find(|(at, _)| *at == AuthMethodPart::Name(index));
                if let Some((_, problem)) = problem {
                    errors.at(ident.span(), problem);
                }
            }
            other => wrong_kind(
                "auth_method",
                other,
                "a list of method names such as `[password, oidc]`",
                errors,
            ),
        }
    }
    None
}

/// The tokens of a value the program computes: a variable, an expression, or a call of a
/// function that is not one of the macro's own `forms` nor a near miss of one (`evn("X")` is
/// reported as a misspelt `env`, not compiled as a call).
fn computed(value: &Value, forms: &[&str]) -> Option<TokenStream> {
    match value {
        Value::Ident(_) | Value::Expr(_) => Some(value.to_token_stream()),
        Value::Call { name, .. } => {
            let name = name.unraw().to_string();
            (!forms.contains(&name.as_str())
                && did_you_mean(&name, forms.iter().copied()).is_none())
            .then(|| value.to_token_stream())
        }
        _ => None,
    }
}

/// A text value: a string literal that passes `check`, or an expression checked when the
/// program runs; reports every other kind of value.
fn text<E: std::fmt::Display>(
    key: &str,
    value: &Value,
    example: &str,
    check: impl FnOnce(&str) -> Result<(), E>,
    errors: &mut Errors,
) -> Option<model::Text> {
    if let Some(tokens) = computed(value, &[]) {
        return Some(model::Text::Computed(tokens));
    }
    let lit = string(key, value, example, errors)?;
    errors.handle(lit.span(), check(&lit.value()))?;
    Some(model::Text::Literal(lit.clone()))
}

/// A string literal; reports every other kind of value.
fn string<'a>(
    key: &str,
    value: &'a Value,
    example: &str,
    errors: &mut Errors,
) -> Option<&'a LitStr> {
    match value {
        Value::Str(lit) => Some(lit),
        other => {
            wrong_kind(
                key,
                other,
                &format!("a string literal or an expression such as `{key}: {example}`"),
                errors,
            );
            None
        }
    }
}

fn url(value: &Value, errors: &mut Errors) -> Option<model::Text> {
    text(
        URL.key,
        value,
        "\"https://api.example.com/hook\"",
        check_url,
        errors,
    )
}

fn http_method(value: &Value, errors: &mut Errors) -> Option<HttpMethod> {
    let ident = ident(METHOD.key, value, "POST", errors)?;
    let name = ident.unraw().to_string();
    HttpMethod::from_name(&name).or_else(|| {
        errors.at(
            ident.span(),
            format!(
                "unknown HTTP method `{name}`: expected {}{}",
                one_of(HttpMethod::names()),
                did_you_mean_suffix(&name, HttpMethod::names())
            ),
        );
        None
    })
}

fn boolean(key: &str, value: &Value, errors: &mut Errors) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(b.value),
        Value::Str(lit) if matches!(lit.value().as_str(), "true" | "false") => {
            errors.at(
                lit.span(),
                format!(
                    "`{key}` takes `true` or `false`: write `{}` without quotes",
                    lit.value()
                ),
            );
            None
        }
        other => {
            wrong_kind(key, other, "`true` or `false`", errors);
            None
        }
    }
}

/// The one string literal argument of `env("…")`, `file("…")` or `secret_file("…")`.
fn single_string_arg<'a>(
    name: &Ident,
    args: &'a Punctuated<Value, Token![,]>,
    example: &str,
    errors: &mut Errors,
) -> Option<&'a LitStr> {
    match args.first() {
        Some(Value::Str(lit)) if args.len() == 1 => Some(lit),
        _ => {
            errors.at(
                name.span(),
                format!("`{name}` takes one string literal: `{name}(\"{example}\")`"),
            );
            None
        }
    }
}

/// The reads of `ctx` a body that Kratos can call makes and the hook's context lacks, one
/// error each on the body's literal; `false` when there are any.
fn body_ctx(
    source: &str,
    checked: BodyShape,
    shape: Option<CtxShape>,
    traits: Option<&Schemas>,
    lit: &LitStr,
    file: Option<&str>,
    errors: &mut Errors,
) -> bool {
    let Some(shape) = shape.filter(|_| checked == BodyShape::Function) else {
        return true;
    };
    let problems = check_ctx_with(source, shape, traits);
    for problem in &problems {
        let message = shown_at(
            source,
            problem.to_string(),
            Some((problem.line, problem.column)),
        );
        match file {
            Some(file) => errors.at(lit.span(), format!("in `{file}`: {message}")),
            None => errors.at(lit.span(), message),
        }
    }
    problems.is_empty()
}

/// `message`, followed by the line of the template it is about with a caret under the column
/// (rustc cannot point inside a string literal, so the message shows the place itself).
fn shown_at(source: &str, message: String, place: Option<(usize, usize)>) -> String {
    match place.and_then(|(line, column)| excerpt(source, line, column)) {
        Some(excerpt) => format!("{message}\n{excerpt}"),
        None => message,
    }
}

/// [`check_body`] with the place of a problem shown in its message.
fn checked_body(source: &str) -> Result<BodyShape, String> {
    check_body(source).map_err(|problem| shown_at(source, problem.to_string(), problem.place()))
}

fn body(
    value: &Value,
    shape: Option<CtxShape>,
    traits: Option<&Schemas>,
    errors: &mut Errors,
) -> Option<model::Body> {
    match value {
        Value::Str(lit) => {
            let source = lit.value();
            let checked = errors.handle(lit.span(), checked_body(&source))?;
            body_ctx(&source, checked, shape, traits, lit, None, errors)
                .then(|| model::Body::Inline(lit.clone()))
        }
        Value::Call { name, args, .. } if name == "file" => {
            let lit = single_string_arg(name, args, "templates/body.jsonnet", errors)?;
            let relative = lit.value();
            let path = manifest_dir().join(&relative);
            let source = match read_template(&path) {
                Ok(source) => source,
                Err(e) => {
                    errors.at(
                        lit.span(),
                        format!(
                            "the body template `{relative}` (paths are relative to the \
                             directory of this crate's Cargo.toml) {e}"
                        ),
                    );
                    return None;
                }
            };
            let checked =
                checked_body(&source).map_err(|problem| format!("in `{relative}`: {problem}"));
            let checked = errors.handle(lit.span(), checked)?;
            body_ctx(
                &source,
                checked,
                shape,
                traits,
                lit,
                Some(&relative),
                errors,
            )
            .then(|| model::Body::File(lit.clone()))
        }
        Value::Call { name, args, .. } if name == "url" || name == "kratos_file" => {
            body_reference(name, args, errors)
        }
        other if computed(other, BODY_FORMS).is_some() => {
            computed(other, BODY_FORMS).map(model::Body::Computed)
        }
        Value::Call { name, .. } => {
            errors.at(
                name.span(),
                format!(
                    "unknown function `{name}` for `body`: expected a string literal, {BODY_CALLS}{}",
                    did_you_mean_suffix(&name.unraw().to_string(), BODY_FORMS.iter().copied())
                ),
            );
            None
        }
        other => {
            wrong_kind(
                BODY.key,
                other,
                &format!("a Jsonnet string literal, {BODY_CALLS}"),
                errors,
            );
            None
        }
    }
}

/// The functions `body` takes.
const BODY_FORMS: &[&str] = &["file", "url", "kratos_file"];

/// How they are written, for messages.
const BODY_CALLS: &str = "`file(\"path/to/template.jsonnet\")` (read when this crate is \
                          built), `url(\"https://…\")` (fetched by Kratos) or \
                          `kratos_file(\"/path/on/kratos\")` (read by Kratos)";

/// `url("https://…")` or `kratos_file("/path")`: a body Kratos resolves itself, passed through
/// as written. A literal is checked here; an expression when the program runs.
fn body_reference(
    name: &Ident,
    args: &Punctuated<Value, Token![,]>,
    errors: &mut Errors,
) -> Option<model::Body> {
    let is_url = name == "url";
    let example = if is_url {
        "https://example.com/body.jsonnet"
    } else {
        "/etc/config/kratos/body.jsonnet"
    };
    let text = match args.first() {
        Some(arg) if args.len() == 1 => match arg {
            Value::Str(lit) => {
                let checked = if is_url {
                    check_body_url(&lit.value())
                } else {
                    check_kratos_path(&lit.value())
                };
                errors.handle(lit.span(), checked)?;
                model::Text::Literal(lit.clone())
            }
            other => match computed(other, &[]) {
                Some(tokens) => model::Text::Computed(tokens),
                None => {
                    errors.at(
                        name.span(),
                        format!(
                            "`{name}` takes one string literal or expression: \
                             `{name}(\"{example}\")`"
                        ),
                    );
                    return None;
                }
            },
        },
        _ => {
            errors.at(
                name.span(),
                format!("`{name}` takes one string literal or expression: `{name}(\"{example}\")`"),
            );
            return None;
        }
    };
    Some(if is_url {
        model::Body::Url(text)
    } else {
        model::Body::KratosFile(text)
    })
}

/// Reads a body template: a regular file of at most the body size limit (a FIFO or a device
/// would hang or exhaust the compiler), or why not, as a phrase ("cannot be read: …").
fn read_template(path: &Path) -> Result<String, String> {
    ory_actions_core::file::read_text(path, ory_actions_core::jsonnet::MAX_BODY_BYTES as u64)
}

/// The directory of the calling crate's `Cargo.toml`, which `file("…")` paths are relative to.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| Path::new(".").to_path_buf(), Into::into)
}

fn secret(key: &str, value: &Value, errors: &mut Errors) -> Option<model::Secret> {
    match value {
        Value::Str(lit) => {
            errors.at(
                lit.span(),
                format!(
                    "secrets are read when the program runs, never written in the code: write \
                     `{key}: env(\"VAR\")` or `{key}: secret_file(\"path\")`"
                ),
            );
            None
        }
        Value::Call { name, args, .. } if name == "env" => {
            let lit = single_string_arg(name, args, "VAR", errors)?;
            errors.handle(lit.span(), check_env_var(&lit.value()))?;
            Some(model::Secret::Env(lit.clone()))
        }
        Value::Call { name, args, .. } if name == "secret_file" => {
            let lit = single_string_arg(name, args, "/run/secrets/hook", errors)?;
            errors.handle(
                lit.span(),
                check_not_empty("the secret file path", &lit.value()),
            )?;
            Some(model::Secret::File(lit.clone()))
        }
        other if computed(other, &["env", "secret_file"]).is_some() => {
            computed(other, &["env", "secret_file"]).map(model::Secret::Computed)
        }
        Value::Call { name, .. } => {
            let name_text = name.to_string();
            errors.at(
                name.span(),
                format!(
                    "unknown function `{name}` for `{key}`: expected `env(\"VAR\")` or \
                     `secret_file(\"path\")`{}",
                    did_you_mean_suffix(&name_text, ["env", "secret_file"])
                ),
            );
            None
        }
        other => {
            wrong_kind(
                key,
                other,
                "`env(\"VAR\")` or `secret_file(\"path\")`",
                errors,
            );
            None
        }
    }
}

const API_KEY_EXAMPLE: &str = "api_key { name: \"X-Api-Key\", value: env(\"VAR\"), in: header }";
const BASIC_AUTH_EXAMPLE: &str = "basic_auth { user: \"ory\", password: env(\"VAR\") }";

fn auth(value: &Value, errors: &mut Errors) -> Option<model::Auth> {
    let Value::Struct {
        name: kind,
        brace,
        fields,
    } = value
    else {
        wrong_kind(
            AUTH.key,
            value,
            &format!("`{API_KEY_EXAMPLE}` or `{BASIC_AUTH_EXAMPLE}`"),
            errors,
        );
        return None;
    };
    let missing = |key: &str, example: &str, errors: &mut Errors| {
        errors.at(
            brace.span.join(),
            format!("missing `{key}` in `{kind}`: write `{example}`"),
        );
    };
    match kind.unraw().to_string().as_str() {
        "api_key" => {
            let what = "`api_key`";
            let fields = fields_by_key(fields, &["name", "value", "in"], what, errors);
            let name = match fields.get("name") {
                Some(f) => text(
                    "name",
                    &f.value,
                    "\"X-Api-Key\"",
                    |name| check_token("api key name", name),
                    errors,
                ),
                None => {
                    missing("name", API_KEY_EXAMPLE, errors);
                    None
                }
            };
            let secret = match fields.get("value") {
                Some(f) => secret("value", &f.value, errors),
                None => {
                    missing("value", API_KEY_EXAMPLE, errors);
                    None
                }
            };
            let location = match fields.get("in") {
                None => Some(ApiKeyIn::default()),
                Some(f) => ident("in", &f.value, "header", errors).and_then(|ident| {
                    let text = ident.unraw().to_string();
                    ApiKeyIn::from_name(&text).or_else(|| {
                        errors.at(
                            ident.span(),
                            format!(
                                "unknown api key location `{text}`: expected `header` or \
                                 `cookie`{}",
                                did_you_mean_suffix(&text, ApiKeyIn::names())
                            ),
                        );
                        None
                    })
                }),
            };
            Some(model::Auth::ApiKey {
                name: name?,
                value: secret?,
                location: location?,
            })
        }
        "basic_auth" => {
            let what = "`basic_auth`";
            let fields = fields_by_key(fields, &["user", "password"], what, errors);
            let user = match fields.get("user") {
                Some(f) => text("user", &f.value, "\"ory\"", check_basic_user, errors),
                None => {
                    missing("user", BASIC_AUTH_EXAMPLE, errors);
                    None
                }
            };
            let password = match fields.get("password") {
                Some(f) => secret("password", &f.value, errors),
                None => {
                    missing("password", BASIC_AUTH_EXAMPLE, errors);
                    None
                }
            };
            Some(model::Auth::BasicAuth {
                user: user?,
                password: password?,
            })
        }
        other => {
            errors.at(
                kind.span(),
                format!(
                    "unknown auth type `{other}`: expected `{API_KEY_EXAMPLE}` or \
                     `{BASIC_AUTH_EXAMPLE}`{}",
                    did_you_mean_suffix(other, ["api_key", "basic_auth"])
                ),
            );
            None
        }
    }
}

fn project_id(value: &Value, errors: &mut Errors) -> Option<model::ProjectId> {
    match value {
        Value::Str(lit) => {
            errors.handle(lit.span(), check_project_id(&lit.value()))?;
            Some(model::ProjectId::Literal(lit.clone()))
        }
        Value::Call { name, args, .. } if name == "env" => {
            let lit = single_string_arg(name, args, "ORY_PROJECT_ID", errors)?;
            errors.handle(lit.span(), check_env_var(&lit.value()))?;
            Some(model::ProjectId::Env(lit.clone()))
        }
        other if computed(other, &["env"]).is_some() => {
            computed(other, &["env"]).map(model::ProjectId::Computed)
        }
        other => {
            wrong_kind(
                "project_id",
                other,
                "a string literal, `env(\"VAR\")` or an expression",
                errors,
            );
            None
        }
    }
}

fn name(value: &Value, errors: &mut Errors) -> Option<model::Text> {
    text(
        "name",
        value,
        "\"welcome_email\"",
        |name| check_not_empty("`name`", name),
        errors,
    )
}

fn headers(value: &Value, errors: &mut Errors) -> Option<Vec<model::Header>> {
    let Value::Map { entries, .. } = value else {
        wrong_kind(
            HEADERS.key,
            value,
            "a map such as `{ \"X-Tenant\": \"acme\", \"Authorization\": env(\"VAR\") }`",
            errors,
        );
        return None;
    };
    // Names the program computes are checked when it runs; the others here, together.
    let literal_names: Vec<(usize, &MapEntry, String)> = entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| match &entry.key {
            MapKey::Str(lit) => Some((index, entry, lit.value())),
            MapKey::Computed(_) => None,
        })
        .collect();
    let literals: Vec<Option<String>> = literal_names
        .iter()
        .map(|(_, e, _)| match &e.value {
            Value::Str(lit) => Some(lit.value()),
            _ => None,
        })
        .collect();
    let written: Vec<(&str, HeaderValueKind<'_>)> = literal_names
        .iter()
        .zip(&literals)
        .map(|((_, entry, name), literal)| {
            let kind = match (&entry.value, literal) {
                (_, Some(literal)) => HeaderValueKind::Literal(literal),
                (value, None) if computed(value, &["env", "secret_file"]).is_some() => {
                    HeaderValueKind::Unreadable
                }
                (Value::Call { .. }, None) => HeaderValueKind::Secret,
                (_, None) => HeaderValueKind::Unreadable,
            };
            (name.as_str(), kind)
        })
        .collect();
    let problems: Vec<(usize, HeaderPart, ory_actions_core::NameError)> = check_headers(&written)
        .into_iter()
        .map(|(i, part, problem)| (literal_names[i].0, part, problem))
        .collect();
    let mut ok = problems.is_empty();
    let mut headers: Vec<model::Header> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        if let Some((_, part, problem)) = problems.iter().find(|(i, _, _)| *i == index) {
            match (part, &entry.value) {
                (HeaderPart::Value, Value::Str(lit)) => errors.at(lit.span(), problem),
                (HeaderPart::Value, value) => errors.spanned(value, problem),
                (HeaderPart::Name, _) => errors.spanned(&entry.key, problem),
            }
            continue;
        }
        let (name, name_text) = match &entry.key {
            MapKey::Str(lit) => (model::Text::Literal(lit.clone()), lit.value()),
            MapKey::Computed(tokens) => (model::Text::Computed(tokens.clone()), String::new()),
        };
        let value = match &entry.value {
            Value::Str(lit) => Some(model::HeaderValue::Plain(lit.clone())),
            // A credential header's computed value must be a `Secret`; another header's may be
            // text or a `Secret`, as its type says (a computed name's, too: it is checked when
            // the program runs).
            other if computed(other, &["env", "secret_file"]).is_some() => {
                let tokens = computed(other, &["env", "secret_file"])?;
                Some(if is_credential_header(&name_text) {
                    model::HeaderValue::Secret(model::Secret::Computed(tokens))
                } else {
                    model::HeaderValue::Computed(tokens)
                })
            }
            other @ Value::Call { .. } => {
                secret(&name_text, other, errors).map(model::HeaderValue::Secret)
            }
            other => {
                wrong_kind(
                    &name_text,
                    other,
                    "a string literal, `env(\"VAR\")` or `secret_file(\"path\")`",
                    errors,
                );
                None
            }
        };
        match value {
            Some(value) => headers.push(model::Header { name, value }),
            None => ok = false,
        }
    }
    ok.then_some(headers)
}

fn hook_id(value: &Value, errors: &mut Errors) -> Option<model::Text> {
    text(
        ID.key,
        value,
        "\"welcome-email\"",
        |id| check_not_empty("`id`", id),
        errors,
    )
}

#[cfg(test)]
mod tests;
