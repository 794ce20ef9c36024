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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

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

/// One template and the calls to make of it: each a context (JSON text, shared between the
/// jobs that use the same one) and how the result is sent.
pub(super) struct Job {
    pub(super) source: String,
    pub(super) calls: Vec<(Arc<str>, Encoding)>,
}

/// The results of the calls of one job.
type Calls = Vec<Result<Payload, PayloadError>>;

/// Evaluates every job, in order, with one evaluator on a thread of its own (the evaluator's
/// values are not `Send`, and a runaway template must not hang the caller). Each template is
/// parsed once, called for each of its contexts and dropped before the next, so memory does not
/// grow with the number of templates; each context is read once for all of them.
///
/// Each template has [`TIME_LIMIT`] of its own: one that runs longer is reported, its thread
/// left behind, and the templates after it are evaluated on a new one.
pub(super) fn evaluate(jobs: Vec<Job>) -> Vec<Calls> {
    evaluate_within(jobs, TIME_LIMIT)
}

/// How often the caller looks at the evaluator's progress while it works.
const POLL: Duration = Duration::from_millis(20);

/// What an evaluator thread has done so far, read by the caller while it works.
#[derive(Default)]
struct Progress {
    /// The results of the templates evaluated so far, in order.
    done: Mutex<Vec<Calls>>,
    /// Set by the caller when it no longer waits: the thread stops after its template.
    abandoned: AtomicBool,
}

fn evaluate_within(jobs: Vec<Job>, limit: Duration) -> Vec<Calls> {
    let jobs = Arc::new(jobs);
    let failed = |job: &Job, message: &str| -> Calls {
        job.calls
            .iter()
            .map(|_| Err(PayloadError::Evaluator(message.to_owned())))
            .collect()
    };
    let mut results: Vec<Calls> = Vec::with_capacity(jobs.len());
    while results.len() < jobs.len() {
        let from = results.len();
        let progress = Arc::new(Progress::default());
        let (finished, receiver) = std::sync::mpsc::channel::<()>();
        let (shared, reported) = (Arc::clone(&jobs), Arc::clone(&progress));
        let spawned = std::thread::Builder::new()
            .name("ory-actions-payload".into())
            .stack_size(STACK)
            .spawn(move || {
                run(&shared, from, &reported);
                drop(finished);
            });
        if let Err(e) = spawned {
            let message = format!("cannot start the Jsonnet evaluator: {e}");
            results.extend(jobs[from..].iter().map(|job| failed(job, &message)));
            break;
        }
        let take = |results: &mut Vec<Calls>| {
            let mut done = progress.done.lock().unwrap_or_else(PoisonError::into_inner);
            results.append(&mut done);
        };
        // The template under way, and since when: the clock restarts whenever one is done.
        let mut running = (from, Instant::now());
        loop {
            match receiver.recv_timeout(POLL) {
                Err(RecvTimeoutError::Timeout) => {
                    take(&mut results);
                    if results.len() != running.0 {
                        running = (results.len(), Instant::now());
                    } else if running.1.elapsed() >= limit {
                        progress.abandoned.store(true, Ordering::Relaxed);
                        let job = &jobs[running.0];
                        let message =
                            format!("the template did not finish within {}", seconds(limit));
                        results.push(failed(job, &message));
                        break;
                    }
                }
                // The thread ended: every job is done, or the one under way stopped it.
                Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                    take(&mut results);
                    if let Some(job) = jobs.get(results.len()) {
                        let message =
                            "the Jsonnet evaluator stopped on this template without an answer";
                        results.push(failed(job, message));
                    }
                    break;
                }
            }
        }
    }
    results
}

/// A limit as people say it: `10 s`, `0.2 s`.
fn seconds(limit: Duration) -> String {
    format!("{} s", limit.as_secs_f64())
}

/// How many templates the evaluator calls between two collections of its cyclic garbage
/// (objects refer to themselves through `self`): often enough that memory does not grow with the
/// number of templates, seldom enough that the collection, which visits every live object,
/// costs little.
const COLLECT_EVERY: usize = 64;

/// Evaluates the jobs from `from` on, reporting the results of each in `progress` as soon as
/// they are known; stops when the caller no longer waits.
fn run(jobs: &[Job], from: usize, progress: &Progress) {
    // go-jsonnet's limit: 500 frames (jrsonnet's own default is 200); the thread's large stack
    // holds them.
    jrsonnet_evaluator::stack::set_stack_depth_limit(MAX_FRAMES);
    let mut builder = State::builder();
    builder.context_initializer(jrsonnet_stdlib::ContextInitializer::new(
        PathResolver::Absolute,
    ));
    // The default import resolver refuses every import, as Kratos's does.
    let state = builder.build();
    // Each context read once, by the address of its text (the jobs keep the texts alive).
    let mut contexts: HashMap<*const u8, Result<Val, PayloadError>> = HashMap::new();
    for (count, job) in jobs[from..].iter().enumerate() {
        if progress.abandoned.load(Ordering::Relaxed) {
            return;
        }
        let calls = run_job(&state, job, &mut contexts);
        progress
            .done
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(calls);
        if count % COLLECT_EVERY == COLLECT_EVERY - 1 {
            jrsonnet_gcmodule::collect_thread_cycles();
        }
    }
}

/// One template's calls.
fn run_job(
    state: &State,
    job: &Job,
    contexts: &mut HashMap<*const u8, Result<Val, PayloadError>>,
) -> Calls {
    let (rewritten, removed) = for_jrsonnet(&job.source);
    let source = &Source {
        text: &job.source,
        removed: &removed,
    };
    let template = state.evaluate_snippet("body.jsonnet", rewritten.as_str());
    job.calls
        .iter()
        .map(|(ctx, encoding)| {
            let ctx = contexts.entry(ctx.as_ptr()).or_insert_with(|| {
                state
                    .evaluate_snippet("ctx.json", &**ctx)
                    .map_err(|e| PayloadError::Evaluator(format!("the context is not JSON: {e}")))
            });
            match (&template, ctx) {
                (Ok(template), Ok(ctx)) => {
                    call(state, source, template.clone(), ctx.clone(), *encoding)
                }
                (Err(e), _) => cancelled_or(failure(source, e), *encoding),
                (_, Err(e)) => Err(e.clone()),
            }
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
    ctx_value: Val,
    encoding: Encoding,
) -> Result<Payload, PayloadError> {
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
    encoded(json, encoding)
}

/// A read of `ctx` at byte offset `at` of a plain template that fails with `message` at its
/// step number `steps`, as the evaluator would report it: placed at the read, with the read's
/// text up to that step.
pub(super) fn read_fails(source: &str, message: String, at: usize, steps: usize) -> PayloadError {
    let (line, column) = line_and_column(source, at);
    PayloadError::Fails {
        message,
        line: Some(line),
        column: Some(column),
        expression: Some(read_text(source, at, steps).to_owned()),
    }
}

/// The text of the read of `ctx` written at byte offset `at`: `ctx`, then its first `steps`
/// steps (`.name`, `["name"]`, `[0]`).
fn read_text(source: &str, at: usize, steps: usize) -> &str {
    let bytes = source.as_bytes();
    let mut end = at;
    while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
        end += 1;
    }
    for _ in 0..steps {
        let mut next = end;
        while next < bytes.len() && bytes[next].is_ascii_whitespace() {
            next += 1;
        }
        match bytes.get(next) {
            Some(b'.') => {
                next += 1;
                while next < bytes.len() && bytes[next].is_ascii_whitespace() {
                    next += 1;
                }
                let name = next;
                while next < bytes.len()
                    && (bytes[next].is_ascii_alphanumeric() || bytes[next] == b'_')
                {
                    next += 1;
                }
                if next == name {
                    break;
                }
            }
            Some(b'[') => {
                let mut quote = None;
                next += 1;
                while let Some(&b) = bytes.get(next) {
                    next += 1;
                    match (quote, b) {
                        (Some(_), b'\\') => next += 1,
                        (Some(q), _) if b == q => quote = None,
                        (None, b'"' | b'\'') => quote = Some(b),
                        (None, b']') => break,
                        _ => {}
                    }
                }
            }
            _ => break,
        }
        end = next.min(bytes.len());
    }
    source.get(at..end).unwrap_or_default()
}

/// The payload of a template that gave `json`, sent as `encoding`.
pub(super) fn encoded(json: Value, encoding: Encoding) -> Result<Payload, PayloadError> {
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
        ErrorKind::ArrayBoundsError(index, length) => {
            format!("Index {index} out of bounds, not within [0, {length})")
        }
        ErrorKind::StringBoundsError(index, length) => {
            format!("Index {index} out of bounds, not within [0, {length})")
        }
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

/// go-jsonnet reads the escape `\/` as `/` and `1_000` as `1000`; jrsonnet knows neither. The
/// template with each such backslash (inside quoted strings only) and each `_` between digits
/// taken out, and where they were.
fn for_jrsonnet(source: &str) -> (String, Vec<usize>) {
    let mut removed = ory_actions_core::jsonnet::slash_escapes(source);
    removed.extend(ory_actions_core::jsonnet::digit_separators(source));
    removed.sort_unstable();
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
    fn a_failed_read_is_shown_up_to_the_step_that_fails() {
        let source = "{ a: ctx . b [ 'x]y' ] [0].c, d: 1 }";
        let at = source.find("ctx").unwrap();
        assert_eq!(super::read_text(source, at, 0), "ctx");
        assert_eq!(super::read_text(source, at, 1), "ctx . b");
        assert_eq!(super::read_text(source, at, 2), "ctx . b [ 'x]y' ]");
        assert_eq!(super::read_text(source, at, 4), "ctx . b [ 'x]y' ] [0].c");
        assert_eq!(super::read_text(source, at, 9), "ctx . b [ 'x]y' ] [0].c");
    }

    /// A job of `source`, called once with an empty context.
    fn job(source: &str) -> super::Job {
        super::Job {
            source: source.to_owned(),
            calls: vec![(std::sync::Arc::from("{}"), Encoding::Json)],
        }
    }

    #[test]
    fn each_template_has_a_time_limit_of_its_own() {
        // Seconds of work: past the limit, but it ends, so the thread left behind ends too.
        let slow = "std.foldl(function(sum, x) sum + x, std.range(1, 3000000), 0)";
        let started = std::time::Instant::now();
        let results = super::evaluate_within(
            vec![job("{ a: 1 }"), job(slow), job("{ b: 2 }"), job("{ c: 3 }")],
            std::time::Duration::from_millis(300),
        );
        let waited = started.elapsed();
        let outcomes: Vec<String> = results
            .iter()
            .map(|calls| match &calls[..] {
                [Ok(super::Payload::Json(json))] => json.to_string(),
                [Err(e)] => e.to_string(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            outcomes,
            [
                r#"{"a":1}"#,
                "the template did not finish within 0.3 s",
                r#"{"b":2}"#,
                r#"{"c":3}"#,
            ]
        );
        // The limit, and the polling on top of it; not the slow template's own time.
        assert!(waited < std::time::Duration::from_secs(2), "{waited:?}");
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
