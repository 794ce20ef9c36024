//! Evaluating a body template the way Kratos does: the context as the top-level argument
//! `ctx`, no imports, no external variables, no native functions, and the result manifested as
//! JSON. What a body gives is a [`Payload`], sent as its [`Encoding`] says, or the
//! [`PayloadError`] that fails Kratos's call.
//!
//! The evaluator is jrsonnet's. Kratos runs go-jsonnet; the two agree on the language and the
//! standard library that web hook bodies use, and the syntax is held to go-jsonnet's before
//! anything is evaluated ([`ory_actions_core::jsonnet::check_body`]). The tests in
//! `tests/payloads.rs` compare the payloads with go-jsonnet's output.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use jrsonnet_evaluator::error::ErrorKind;
use jrsonnet_evaluator::function::TlaArg;
use jrsonnet_evaluator::gc::GcHashMap;
use jrsonnet_evaluator::manifest::JsonFormat;
use jrsonnet_evaluator::trace::PathResolver;
use jrsonnet_evaluator::{IStr, State, Val, apply_tla};
use ory_actions_core::BodyError;
use serde::Deserialize;
use serde_json::Value;

use crate::hooks::kind;

/// How long one evaluation may take. Web hook bodies take microseconds; a template that loops
/// forever is reported instead of stopping the program.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// How deep evaluation may go, in jrsonnet's frames: go-jsonnet's limit, 500 (jrsonnet's own
/// default, 200, would stop templates go-jsonnet evaluates: `deep_recursion_300` in
/// `tests/payloads/cases.json`).
const MAX_FRAMES: usize = 500;

/// The stack the evaluator runs on: jrsonnet recurses per nested call and value.
const STACK: usize = 256 << 20;

/// How Kratos sends a body: JSON, or form-encoded when the hook's `Content-Type` header says
/// `application/x-www-form-urlencoded`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// `application/json` (the default).
    Json,
    /// `application/x-www-form-urlencoded`: the template must give a flat object of strings.
    Form,
}

impl Encoding {
    /// The encoding of requests whose `Content-Type` headers have these values: a form when one
    /// is exactly `application/x-www-form-urlencoded`, as Kratos compares it
    /// (`request/builder.go`); JSON otherwise.
    pub fn of_content_types<'a>(values: impl IntoIterator<Item = &'a str>) -> Encoding {
        let form = values
            .into_iter()
            .any(|value| value == "application/x-www-form-urlencoded");
        if form { Encoding::Form } else { Encoding::Json }
    }
}

/// What a body evaluates to.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// The JSON document Kratos sends.
    Json(Value),
    /// The fields of a form-encoded body, in order.
    Form(Vec<(String, String)>),
    /// The template raised `error "cancel"`: Kratos skips the hook without an error.
    Cancelled,
}

impl Payload {
    /// The payload as JSON: a form as an object of strings, `null` when cancelled.
    pub fn to_json(&self) -> Value {
        match self {
            Payload::Json(json) => json.clone(),
            Payload::Form(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            ),
            Payload::Cancelled => Value::Null,
        }
    }
}

/// Why a body gives no payload: Kratos would fail the call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadError {
    /// The template is not one Kratos can evaluate (syntax, imports, `ctx`).
    Invalid(BodyError),
    /// Evaluating it failed.
    Fails {
        /// What went wrong, as the evaluator says it.
        message: String,
        /// Line in the template, from 1, where it went wrong.
        line: Option<usize>,
        /// Column in that line, from 1.
        column: Option<usize>,
        /// The text of the failing expression.
        expression: Option<String>,
    },
    /// The result is a function, which cannot be sent as JSON.
    Function,
    /// A form-encoded body that is not a flat object of strings.
    NotForm {
        /// The field that is not a string (none when the result is not an object at all).
        field: Option<String>,
        /// What was found instead.
        found: &'static str,
    },
    /// The evaluator itself could not answer (no thread, or the template ran too long).
    Evaluator(String),
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadError::Invalid(e) => e.fmt(f),
            PayloadError::Fails {
                message,
                line,
                column,
                expression,
            } => {
                if let (Some(line), Some(column)) = (line, column) {
                    write!(f, "line {line}, column {column}: ")?;
                }
                f.write_str(message)?;
                match expression {
                    Some(text) if !text.is_empty() => {
                        let text = text.lines().next().unwrap_or_default();
                        write!(f, " (in `{text}`)")
                    }
                    _ => Ok(()),
                }
            }
            PayloadError::Function => {
                f.write_str("the template gives a function, which cannot be sent as JSON")
            }
            PayloadError::NotForm { field: None, found } => write!(
                f,
                "a form-encoded body must be a flat object of strings, but the template gives \
                 {found}"
            ),
            PayloadError::NotForm {
                field: Some(field),
                found,
            } => write!(
                f,
                "a form-encoded body must be a flat object of strings, but `{field}` is {found} \
                 (wrap it in std.toString(…))"
            ),
            PayloadError::Evaluator(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for PayloadError {}

/// One template and the contexts to evaluate it with.
pub(super) struct Job {
    pub(super) source: String,
    /// The contexts as JSON text, shared between the jobs that use the same one.
    pub(super) contexts: Vec<Arc<str>>,
    pub(super) encoding: Encoding,
}

/// Evaluates every job on one thread of its own (the evaluator's values are not `Send`, and a
/// runaway template must not hang the caller), with one evaluator for them all: each distinct
/// template is parsed once, and each distinct template, context and encoding evaluated once.
pub(super) fn evaluate(jobs: Vec<Job>) -> Vec<Vec<Result<Payload, PayloadError>>> {
    let shape: Vec<usize> = jobs.iter().map(|job| job.contexts.len()).collect();
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("ory-actions-payload".into())
        .stack_size(STACK)
        .spawn(move || {
            let _ = sender.send(run(&jobs));
        });
    let failed = |message: String| {
        shape
            .iter()
            .map(|&count| {
                (0..count)
                    .map(|_| Err(PayloadError::Evaluator(message.clone())))
                    .collect()
            })
            .collect()
    };
    if let Err(e) = spawned {
        return failed(format!("cannot start the Jsonnet evaluator: {e}"));
    }
    match receiver.recv_timeout(TIME_LIMIT) {
        Ok(results) => results,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => failed(format!(
            "the templates did not finish within {} s",
            TIME_LIMIT.as_secs()
        )),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            failed("the Jsonnet evaluator stopped without an answer".into())
        }
    }
}

fn run(jobs: &[Job]) -> Vec<Vec<Result<Payload, PayloadError>>> {
    // go-jsonnet's limit: 500 frames (jrsonnet's own default is 200); the thread's large stack
    // holds them.
    jrsonnet_evaluator::stack::set_stack_depth_limit(MAX_FRAMES);
    let mut builder = State::builder();
    builder.context_initializer(jrsonnet_stdlib::ContextInitializer::new(
        PathResolver::Absolute,
    ));
    // The default import resolver refuses every import, as Kratos's does.
    let state = builder.build();
    let mut templates: HashMap<&str, (Vec<usize>, Result<Val, jrsonnet_evaluator::Error>)> =
        HashMap::new();
    let mut done: HashMap<(&str, Arc<str>, Encoding), Result<Payload, PayloadError>> =
        HashMap::new();
    jobs.iter()
        .map(|job| {
            let (removed, template) = templates.entry(job.source.as_str()).or_insert_with(|| {
                let (rewritten, removed) = without_slash_escapes(&job.source);
                let template = state.evaluate_snippet("body.jsonnet", rewritten.as_str());
                (removed, template)
            });
            let source = &Source {
                text: &job.source,
                removed,
            };
            job.contexts
                .iter()
                .map(|ctx| {
                    let key = (job.source.as_str(), Arc::clone(ctx), job.encoding);
                    if let Some(result) = done.get(&key) {
                        return result.clone();
                    }
                    let result = match &*template {
                        Ok(template) => {
                            call(&state, source, template.clone(), &key.1, job.encoding)
                        }
                        Err(e) => cancelled_or(failure(source, e), job.encoding),
                    };
                    done.insert(key, result.clone());
                    result
                })
                .collect()
        })
        .collect()
}

/// Whether Kratos skips the hook for this failure: a JSON body whose error text holds
/// `RUNTIME ERROR: cancel`.
fn cancelled_or(error: PayloadError, encoding: Encoding) -> Result<Payload, PayloadError> {
    match &error {
        PayloadError::Fails { message, .. }
            if encoding == Encoding::Json && message.starts_with("cancel") =>
        {
            Ok(Payload::Cancelled)
        }
        _ => Err(error),
    }
}

fn call(
    state: &State,
    source: &Source<'_>,
    template: Val,
    ctx: &str,
    encoding: Encoding,
) -> Result<Payload, PayloadError> {
    let ctx_value = state
        .evaluate_snippet("ctx.json", ctx)
        .map_err(|e| PayloadError::Evaluator(format!("the context is not JSON: {e}")))?;
    let mut args: GcHashMap<IStr, TlaArg> = GcHashMap::new();
    args.insert("ctx".into(), TlaArg::Val(ctx_value));
    let manifested = apply_tla(state.clone(), &args, template).and_then(|result| {
        if matches!(result, Val::Func(_)) {
            Ok(None)
        } else {
            result.manifest(JsonFormat::default()).map(Some)
        }
    });
    let text = match manifested {
        Ok(Some(text)) => text,
        Ok(None) => return Err(PayloadError::Function),
        Err(e) => return cancelled_or(failure(source, &e), encoding),
    };
    // As deep as the template made it (go-jsonnet evaluates 499 nested arrays; serde_json
    // stops at 128 by default): this thread's stack holds it.
    let mut reader = serde_json::Deserializer::from_str(&text);
    reader.disable_recursion_limit();
    let mut json = Value::deserialize(&mut reader)
        .and_then(|json| reader.end().map(|()| json))
        .map_err(|e| PayloadError::Evaluator(format!("the result is not JSON: {e}")))?;
    exact_integers(&mut json);
    match encoding {
        Encoding::Json => Ok(Payload::Json(json)),
        Encoding::Form => form(json),
    }
}

/// Writes whole numbers as go-jsonnet does: every digit of the double (`1152921504606846976`
/// for 2^60), where jrsonnet writes the shortest text that reads back as the same double
/// (`1152921504606847000`). Both are the same double; the digits a receiver sees differ.
fn exact_integers(value: &mut Value) {
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64()
                && float.fract() == 0.0
                && float.abs() < 1.8e19
            {
                *number = if float >= 0.0 {
                    (float as u64).into()
                } else {
                    (float as i64).into()
                };
            }
        }
        Value::Array(items) => items.iter_mut().for_each(exact_integers),
        Value::Object(fields) => fields.values_mut().for_each(exact_integers),
        _ => {}
    }
}

/// A form body: Kratos unmarshals the result into `map[string]string`.
fn form(json: Value) -> Result<Payload, PayloadError> {
    let Value::Object(fields) = json else {
        return Err(PayloadError::NotForm {
            field: None,
            found: kind(&json),
        });
    };
    let mut form = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        match value {
            Value::String(text) => form.push((name, text)),
            other => {
                return Err(PayloadError::NotForm {
                    field: Some(name),
                    found: kind(&other),
                });
            }
        }
    }
    Ok(Payload::Form(form))
}

/// An evaluation error as the user sees it: the message, and the innermost place in the
/// template with the text there.
fn failure(source: &Source<'_>, error: &jrsonnet_evaluator::Error) -> PayloadError {
    let message = match error.error() {
        ErrorKind::RuntimeError(text) => text.to_string(),
        ErrorKind::AssertionFailed(text) if !text.is_empty() => text.to_string(),
        ErrorKind::NoSuchField(field, _) => format!("field does not exist: {field}"),
        // go-jsonnet's words, with its limit.
        ErrorKind::StackOverflow => {
            format!("max stack frames exceeded. ({MAX_FRAMES} frames, as in go-jsonnet)")
        }
        other => other.to_string(),
    };
    let place = error
        .trace()
        .0
        .iter()
        .filter_map(|frame| frame.location.as_ref())
        .find(|span| span.0.source_path().to_string() == "body.jsonnet")
        .map(|span| {
            let (start, end) = (source.original(span.1), source.original(span.2));
            let start = widened(source.text, start);
            let (line, column) = line_and_column(source.text, start);
            let expression = source
                .text
                .get(start..end.max(start))
                .unwrap_or_default()
                .to_owned();
            (line, column, expression)
        });
    match place {
        Some((line, column, expression)) => PayloadError::Fails {
            message,
            line: Some(line),
            column: Some(column),
            expression: Some(expression),
        },
        None => PayloadError::Fails {
            message,
            line: None,
            column: None,
            expression: None,
        },
    }
}

/// The template as written, and where a backslash was taken out of it for jrsonnet.
struct Source<'a> {
    text: &'a str,
    /// Byte offsets in `text` of the removed backslashes, in order.
    removed: &'a [usize],
}

impl Source<'_> {
    /// The offset in the template as written of `offset` in the template as evaluated.
    fn original(&self, offset: u32) -> usize {
        let mut original = offset as usize;
        for &at in self.removed {
            if at <= original {
                original += 1;
            } else {
                break;
            }
        }
        original
    }
}

/// go-jsonnet reads the escape `\/` as `/`; jrsonnet does not know it. The template with each
/// such backslash taken out (inside quoted strings only), and where they were.
fn without_slash_escapes(source: &str) -> (String, Vec<usize>) {
    let removed = ory_actions_core::jsonnet::slash_escapes(source);
    let mut text = String::with_capacity(source.len());
    let mut from = 0;
    for &at in &removed {
        text.push_str(&source[from..at]);
        from = at + 1;
    }
    text.push_str(&source[from..]);
    (text, removed)
}

/// jrsonnet places a failed field access on the field's name (`session`); go-jsonnet on the
/// whole chain (`ctx.session`), which says more. Widens a name preceded by `.` to the chain.
fn widened(source: &str, start: usize) -> usize {
    let bytes = source.as_bytes();
    if start == 0 || start > bytes.len() || bytes[start - 1] != b'.' {
        return start;
    }
    let mut at = start;
    while at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || matches!(bytes[at - 1], b'_' | b'.'))
    {
        at -= 1;
    }
    at
}

fn line_and_column(source: &str, offset: usize) -> (usize, usize) {
    let before = source.get(..offset.min(source.len())).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |t| t.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use ory_actions_core::jsonnet::{BodyError, MAX_BODY_BYTES, MAX_DEPTH};
    use serde_json::json;

    use super::super::{Encoding, PayloadError, evaluate};

    /// Templates just below the depth limit, of every kind, and as long as the size limit
    /// allows where length is not depth.
    fn deep_but_accepted() -> Vec<(&'static str, String)> {
        let n = MAX_DEPTH - 10;
        let flat = |unit: &str| unit.repeat((MAX_BODY_BYTES - 10) / unit.len());
        // `head`, then `item(0)`, `item(1)`… as many as fit with `tail` in the size limit.
        let numbered = |head: &str, item: fn(usize) -> String, tail: &str| {
            let mut text = String::from(head);
            for item in (0..).map(item) {
                if text.len() + item.len() + tail.len() > MAX_BODY_BYTES {
                    break;
                }
                text.push_str(&item);
            }
            text + tail
        };
        // Each as wide as the size limit allows: jrsonnet's parser and evaluator loop over
        // them.
        vec![
            ("arrays", format!("{}1{}", "[".repeat(n), "]".repeat(n))),
            ("objects", format!("{}1{}", "{a:".repeat(n), "}".repeat(n))),
            (
                "parentheses",
                format!("{}1{}", "(".repeat(n), ")".repeat(n)),
            ),
            ("negations", format!("{}1", "-".repeat(n))),
            ("sums", format!("1{}", "+1".repeat(n))),
            ("field chain", format!("{{a: self}}{}", ".a".repeat(n))),
            ("index chain", format!("[[0]]{}", "[0]".repeat(n))),
            (
                "call chain",
                format!("local f(x) = f; f{}(0)", "(0)".repeat(n)),
            ),
            ("brace chain", format!("{{}}{}", "{}".repeat(n))),
            ("locals", format!("{}a", "local a = 1; ".repeat(n))),
            ("ifs", format!("{}1", "if true then ".repeat(n))),
            ("asserts", format!("{}1", "assert true; ".repeat(n))),
            (
                "calls",
                format!("{}1{}", "(function(x) ".repeat(n / 3), ")(0)".repeat(n / 3)),
            ),
            (
                "comprehension",
                format!("[1 {}]", "for x in [1] ".repeat(n - 5)),
            ),
            (
                "ctx reads",
                format!("function(ctx) [ctx{}]", ".a".repeat(n)),
            ),
            ("a long array", format!("[{}1]", flat("1,"))),
            (
                "a long object",
                numbered("{", |i| format!("a{i}: {i}, "), "}"),
            ),
            (
                "many bindings",
                numbered("local z = 1", |i| format!(", a{i} = z"), "; z"),
            ),
        ]
    }

    #[test]
    fn templates_as_deep_as_allowed_are_evaluated_or_fail_cleanly() {
        // The caller's stack is a test thread's; the evaluator runs on a thread of its own.
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                for (kind, source) in deep_but_accepted() {
                    assert!(source.len() <= MAX_BODY_BYTES, "{kind}");
                    let result = evaluate(&source, &json!({"a": 1}), Encoding::Json);
                    assert!(
                        !matches!(
                            result,
                            Err(PayloadError::Invalid(_) | PayloadError::Evaluator(_))
                        ),
                        "{kind}: {result:?}"
                    );
                }
                // Deeper: refused before the evaluator sees it.
                let deep = format!("{}1", "-".repeat(MAX_BODY_BYTES - 1));
                assert!(matches!(
                    evaluate(&deep, &json!({}), Encoding::Json),
                    Err(PayloadError::Invalid(BodyError::TooDeep { .. }))
                ));
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
