//! Payloads: what a web hook's body evaluates to for a context, as Kratos evaluates it, with
//! sample contexts of the shape Kratos sends, and a snapshot of a whole stack for tests.
//!
//! ```
//! use ory_actions::payload::{Payload, Samples};
//! use ory_actions::{Action, Flow, AuthMethod, Timing};
//!
//! let welcome = Action::builder(Flow::Registration, Timing::After, "https://api.example.com/welcome")
//!     .auth_method(AuthMethod::Password)
//!     .body("function(ctx) { email: ctx.identity.traits.email }")
//!     .build()
//!     .unwrap();
//! let payloads = welcome.payloads(&Samples::new());
//! let Ok(Payload::Json(json)) = &payloads[0].result else { panic!() };
//! assert_eq!(json["email"], "jane.doe@example.com");
//! ```

mod eval;
mod sample;
mod schema;

use std::collections::HashMap;
use std::sync::Arc;

use ory_actions_core::jsonnet::check_body;
use ory_actions_core::{Flags, Scope};
use serde_json::Value;

pub use eval::{Encoding, Payload, PayloadError};
pub use sample::{Phase, Samples};

/// Evaluates the body template `source` with `ctx`, as Kratos does: the template is checked
/// with go-jsonnet's rules first, then called with `ctx`; `error "cancel"` on a JSON body is
/// [`Payload::Cancelled`].
pub fn evaluate(source: &str, ctx: &Value, encoding: Encoding) -> Result<Payload, PayloadError> {
    evaluate_all(source, std::slice::from_ref(ctx), encoding)
        .pop()
        .unwrap_or_else(|| Err(PayloadError::Evaluator("no result".into())))
}

/// [`evaluate`] for several contexts, parsing the template once.
pub(crate) fn evaluate_all(
    source: &str,
    contexts: &[Value],
    encoding: Encoding,
) -> Vec<Result<Payload, PayloadError>> {
    let contexts = contexts
        .iter()
        .map(|ctx| Arc::from(ctx.to_string()))
        .collect();
    evaluate_jobs(vec![(source, contexts, encoding)])
        .pop()
        .map(|results| results.to_vec())
        .unwrap_or_default()
}

/// The results of one job, one per context; jobs that ask the same share them.
type Results = Arc<[Result<Payload, PayloadError>]>;

/// Evaluates many templates, each with its contexts (JSON text), with one evaluator: each
/// template is checked and parsed once and dropped once its calls are done, each template,
/// context and encoding evaluated once, and jobs that ask the same (the same template, with the
/// same contexts, sent the same way) share one result.
fn evaluate_jobs(jobs: Vec<(&str, Vec<Arc<str>>, Encoding)>) -> Vec<Results> {
    // Each distinct job, by its template, the contexts (the same `Arc`s: the same texts) and
    // the encoding; and for each job, which distinct one it is.
    let mut distinct: HashMap<(&str, Vec<*const u8>, Encoding), usize> = HashMap::new();
    let mut asked: Vec<(&str, Vec<Arc<str>>, Encoding)> = Vec::new();
    let which: Vec<usize> = jobs
        .into_iter()
        .map(|(source, contexts, encoding)| {
            let key = (
                source,
                contexts.iter().map(|ctx| ctx.as_ptr()).collect(),
                encoding,
            );
            *distinct.entry(key).or_insert_with(|| {
                asked.push((source, contexts, encoding));
                asked.len() - 1
            })
        })
        .collect();
    // Each distinct template once, with the distinct calls (context and encoding) asked of it;
    // and for each distinct job, which template and calls answer it.
    type Calls = Vec<(Arc<str>, Encoding)>;
    let mut templates: Vec<(&str, Calls)> = Vec::new();
    let mut template_of: HashMap<&str, usize> = HashMap::new();
    let mut call_of: HashMap<(usize, *const u8, Encoding), usize> = HashMap::new();
    let answered_by: Vec<(usize, Vec<usize>)> = asked
        .into_iter()
        .map(|(source, contexts, encoding)| {
            let template = *template_of.entry(source).or_insert_with(|| {
                templates.push((source, Vec::new()));
                templates.len() - 1
            });
            let calls = contexts
                .into_iter()
                .map(|ctx| {
                    *call_of
                        .entry((template, ctx.as_ptr(), encoding))
                        .or_insert_with(|| {
                            let calls = &mut templates[template].1;
                            calls.push((ctx, encoding));
                            calls.len() - 1
                        })
                })
                .collect();
            (template, calls)
        })
        .collect();
    // Templates Kratos could not evaluate are not handed to the evaluator.
    let mut outcomes: Vec<Option<Vec<Result<Payload, PayloadError>>>> =
        Vec::with_capacity(templates.len());
    let mut valid = Vec::new();
    for (index, (source, calls)) in templates.into_iter().enumerate() {
        match check_body(source) {
            Err(e) => outcomes.push(Some(
                calls
                    .iter()
                    .map(|_| Err(PayloadError::Invalid(e.clone())))
                    .collect(),
            )),
            Ok(_) => {
                outcomes.push(None);
                valid.push((
                    index,
                    eval::Job {
                        source: source.to_owned(),
                        calls,
                    },
                ));
            }
        }
    }
    let (indexes, valid): (Vec<usize>, Vec<eval::Job>) = valid.into_iter().unzip();
    for (index, results) in indexes.into_iter().zip(eval::evaluate(valid)) {
        outcomes[index] = Some(results);
    }
    let results: Vec<Results> = answered_by
        .into_iter()
        .map(|(template, calls)| {
            let outcome = outcomes[template].as_deref().unwrap_or_default();
            calls
                .into_iter()
                .map(|call| {
                    outcome
                        .get(call)
                        .cloned()
                        .unwrap_or_else(|| Err(PayloadError::Evaluator("no result".into())))
                })
                .collect()
        })
        .collect();
    which
        .into_iter()
        .map(|at| Arc::clone(&results[at]))
        .collect()
}

/// The payload of one of an action's hook lists for its sample context.
#[derive(Clone, Debug, PartialEq)]
pub struct SamplePayload {
    /// The hook list.
    pub scope: Scope,
    /// The phase the hook runs in there.
    pub phase: Phase,
    /// The sample context.
    pub context: Value,
    /// The payload, or why Kratos would fail the call.
    pub result: Result<Payload, PayloadError>,
}

/// What evaluating an action's body needs of the action.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BodyOf<'a> {
    /// The Jsonnet source; `None` when the body is not evaluated here (no body, or one Kratos
    /// fetches or reads itself).
    pub(crate) source: Option<&'a str>,
    /// The flags, which decide the phase the hook runs in.
    pub(crate) flags: Flags,
    /// How the payload is sent.
    pub(crate) encoding: Encoding,
}

/// The payloads of several actions' bodies, each for the lists given with it, with one
/// evaluator.
pub(crate) fn payloads_of(
    actions: &[(BodyOf<'_>, &[Scope])],
    samples: &Samples,
) -> Vec<Vec<SamplePayload>> {
    let evaluated = evaluate_places(actions, samples);
    evaluated
        .outcomes
        .into_iter()
        .map(|outcome| {
            outcome
                .places
                .into_iter()
                .zip(outcome.results.iter())
                .map(|((scope, phase), result)| SamplePayload {
                    scope,
                    phase,
                    context: evaluated.contexts[&(scope, phase)].0.clone(),
                    result: result.clone(),
                })
                .collect()
        })
        .collect()
}

/// The results of one action's body in the lists asked for: the list and phase of each, and
/// the result there (shared with every action that has the same body in the same places).
pub(crate) struct Outcome {
    pub(crate) places: Vec<(Scope, Phase)>,
    pub(crate) results: Results,
}

/// Every action's [`Outcome`], and the sample contexts they were evaluated with (as JSON, and
/// as the text handed to the evaluator).
pub(crate) struct Evaluated {
    pub(crate) outcomes: Vec<Outcome>,
    contexts: HashMap<(Scope, Phase), (Value, Arc<str>)>,
}

/// Evaluates the bodies of several actions, each for the lists given with it, with one
/// evaluator; no context or result is copied per action, so a plan of ten thousand hooks holds
/// one result per distinct body and place.
pub(crate) fn evaluate_places(actions: &[(BodyOf<'_>, &[Scope])], samples: &Samples) -> Evaluated {
    let mut contexts: HashMap<(Scope, Phase), (Value, Arc<str>)> = HashMap::new();
    let places: Vec<Vec<(Scope, Phase)>> = actions
        .iter()
        .map(|(body, scopes)| {
            if body.source.is_none() {
                return Vec::new();
            }
            scopes
                .iter()
                .map(|&scope| {
                    let phase = Phase::of(scope, body.flags);
                    contexts.entry((scope, phase)).or_insert_with(|| {
                        let ctx = samples.context(scope, phase);
                        let text = Arc::from(ctx.to_string());
                        (ctx, text)
                    });
                    (scope, phase)
                })
                .collect()
        })
        .collect();
    let jobs = actions
        .iter()
        .zip(&places)
        .map(|((body, _), places)| {
            let source = body.source.unwrap_or_default();
            let texts = places
                .iter()
                .map(|place| Arc::clone(&contexts[place].1))
                .collect();
            (source, texts, body.encoding)
        })
        .collect();
    let outcomes = places
        .into_iter()
        .zip(evaluate_jobs(jobs))
        .map(|(places, results)| Outcome { places, results })
        .collect();
    Evaluated { outcomes, contexts }
}
