//! The JSON forms, `plan --json` and `render --json`, as typed structs. The format is stable:
//! `format_version` changes only when a field changes meaning or goes away; new fields may
//! appear in any version. Fields are declared in alphabetical order, the order they have
//! always been printed in.

use ory_actions_core::{Scope, Timing};
use serde::Serialize;
use serde_json::Value;

use super::text::Summary;
use crate::backend::BackendName;
use crate::hooks::REDACTED;
use crate::plan::{Mode, ProjectPlan, Shown};

/// The version of the JSON form.
const FORMAT_VERSION: u32 = 1;

/// `plan --json`.
#[derive(Serialize)]
pub(crate) struct PlanJson<'a> {
    /// False when some targets could not be planned; `errors` names them.
    complete: bool,
    errors: Vec<ErrorJson<'a>>,
    format_version: u32,
    mode: &'static str,
    projects: Vec<ProjectJson<'a>>,
    summary: SummaryJson,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    message: &'a str,
    project_id: &'a str,
}

#[derive(Serialize)]
struct ProjectJson<'a> {
    changes: Vec<ChangeJson<'a>>,
    project_id: &'a str,
    revision_id: &'a str,
    target: &'static str,
    unmanaged: Vec<UnmanagedJson<'a>>,
    warnings: Vec<WarningJson>,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    action: &'static str,
    auth_method: Option<&'static str>,
    fields: Vec<FieldJson<'a>>,
    flow: &'static str,
    list: &'static str,
    method: &'a str,
    name: Option<&'a str>,
    pruned: bool,
    timing: &'static str,
    url: String,
}

#[derive(Serialize)]
struct FieldJson<'a> {
    after: Value,
    before: Value,
    field: &'a str,
    /// Why the field is listed although it is not known to differ (a secret the target did not
    /// return, or one sent again); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
    sensitive: bool,
}

#[derive(Serialize)]
struct UnmanagedJson<'a> {
    auth_method: Option<&'static str>,
    flow: &'static str,
    list: &'static str,
    method: &'a str,
    timing: &'static str,
    url: String,
}

#[derive(Serialize)]
struct WarningJson {
    code: String,
    message: String,
}

#[derive(Serialize)]
struct SummaryJson {
    create: usize,
    delete: usize,
    has_changes: bool,
    unchanged: usize,
    update: usize,
}

impl<'a> PlanJson<'a> {
    /// The plans that were made, and `(target id, message)` for each that could not be.
    pub(crate) fn new(
        plans: &'a [ProjectPlan],
        mode: Mode,
        errors: &'a [(String, String)],
    ) -> Self {
        let summary = Summary::of(plans);
        PlanJson {
            complete: errors.is_empty(),
            errors: errors
                .iter()
                .map(|(project_id, message)| ErrorJson {
                    message,
                    project_id,
                })
                .collect(),
            format_version: FORMAT_VERSION,
            mode: match mode {
                Mode::Apply => "apply",
                Mode::Destroy => "destroy",
            },
            projects: plans.iter().map(project).collect(),
            summary: SummaryJson {
                create: summary.create,
                delete: summary.delete,
                has_changes: summary.has_changes(),
                unchanged: summary.unchanged,
                update: summary.update,
            },
        }
    }
}

fn project(plan: &ProjectPlan) -> ProjectJson<'_> {
    ProjectJson {
        changes: plan
            .changes
            .iter()
            .map(|change| ChangeJson {
                action: change.kind.as_str(),
                auth_method: auth_method(change.scope),
                fields: change
                    .fields
                    .iter()
                    .map(|field| FieldJson {
                        after: shown(&field.after),
                        before: shown(&field.before),
                        field: &field.field,
                        note: field.note,
                        sensitive: field.before == Shown::Sensitive
                            || field.after == Shown::Sensitive,
                    })
                    .collect(),
                flow: change.scope.flow().as_str(),
                list: change.scope.pointer(),
                method: &change.method,
                name: change.name.as_deref(),
                pruned: change.pruned,
                timing: change.scope.timing().as_str(),
                url: change.url.to_string(),
            })
            .collect(),
        project_id: plan.backend.id(),
        revision_id: &plan.revision_id,
        target: match plan.backend {
            BackendName::Project(_) => "project",
            BackendName::KratosConfig(_) => "config_file",
        },
        unmanaged: plan
            .unmanaged
            .iter()
            .map(|hook| UnmanagedJson {
                auth_method: auth_method(hook.scope),
                flow: hook.scope.flow().as_str(),
                list: hook.scope.pointer(),
                method: &hook.method,
                timing: hook.scope.timing().as_str(),
                url: hook.url.to_string(),
            })
            .collect(),
        warnings: plan
            .warnings
            .iter()
            .map(|w| WarningJson {
                code: w.code().to_owned(),
                message: w.to_string(),
            })
            .collect(),
    }
}

/// The `auth_method` an `after` hook list stands for: a method, or `fallback`; `None` for
/// `before` lists and for recovery and verification, which have one list.
fn auth_method(scope: Scope) -> Option<&'static str> {
    if scope.timing() != Timing::After {
        return None;
    }
    match scope.method() {
        Some(method) => Some(method.as_str()),
        None if scope.is_fallback() => Some("fallback"),
        None => None,
    }
}

fn shown(shown: &Shown) -> Value {
    match shown {
        Shown::Absent => Value::Null,
        Shown::Value(value) => value.clone(),
        Shown::Text(text) => text.clone().into(),
        Shown::Unreadable(what) => serde_json::json!({ "unreadable": what }),
        Shown::Sensitive => REDACTED.into(),
    }
}

/// One entry of `render --json`.
#[derive(Serialize)]
pub(crate) struct RenderedJson<'a> {
    /// The entry, secrets redacted.
    pub(crate) entry: Value,
    /// The JSON pointer of its hook list in an Ory Network project.
    pub(crate) list: &'static str,
    /// The action's name.
    pub(crate) name: Option<&'a str>,
}

/// One hook entry's payload for its sample context (`render --payloads --json`).
#[derive(Serialize)]
pub(crate) struct PayloadJson<'a> {
    pub(crate) name: Option<&'a str>,
    pub(crate) flow: &'static str,
    pub(crate) timing: &'static str,
    /// The per-method list's method; `null` for a flow-wide or `before` list.
    pub(crate) auth_method: Option<&'static str>,
    /// The JSON pointer of the hook list in an Ory Network project.
    pub(crate) list: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phase: Option<&'static str>,
    /// The identity schema whose sample gave this payload, when the schemas' payloads differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) schema: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) context: Option<std::sync::Arc<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) payload: Option<Value>,
    /// `application/x-www-form-urlencoded`: the payload's fields are sent form-encoded.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) form: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) cancelled: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) no_body: bool,
    /// A body Kratos fetches or reads itself, as written; not evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<PayloadErrorJson>,
}

/// Why a payload fails.
#[derive(Serialize)]
pub(crate) struct PayloadErrorJson {
    pub(crate) message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expression: Option<String>,
}

impl<'a> PayloadJson<'a> {
    pub(crate) fn new(
        action: &'a crate::action::Action,
        scope: ory_actions_core::Scope,
        sample: Option<crate::payload::SamplePayload>,
    ) -> Self {
        use crate::payload::{Payload, PayloadError};
        let mut json = PayloadJson {
            name: action.name(),
            flow: scope.flow().as_str(),
            timing: scope.timing().as_str(),
            auth_method: scope.method().map(|m| m.as_str()),
            list: scope.pointer(),
            phase: None,
            schema: None,
            context: None,
            payload: None,
            form: false,
            cancelled: false,
            no_body: sample.is_none(),
            reference: None,
            error: None,
        };
        let Some(sample) = sample else {
            return json;
        };
        json.phase = Some(sample.phase.as_str());
        json.schema = sample.schema;
        json.context = Some(sample.context);
        match sample.result {
            Ok(Payload::Cancelled) => json.cancelled = true,
            Ok(payload) => {
                json.form = matches!(payload, Payload::Form(_));
                json.payload = Some(payload.to_json());
            }
            Err(error) => {
                let (line, column, expression) = match &error {
                    PayloadError::Fails {
                        line,
                        column,
                        expression,
                        ..
                    } => (*line, *column, expression.clone()),
                    _ => (None, None, None),
                };
                json.error = Some(PayloadErrorJson {
                    message: error.to_string(),
                    line,
                    column,
                    expression,
                });
            }
        }
        json
    }
}

/// Pretty JSON of a value that always serialises.
pub(crate) fn pretty(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).expect("the JSON forms serialise")
}
