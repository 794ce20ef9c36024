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

use foldhash::{HashMap, HashMapExt as _};
use std::borrow::Cow;
use std::sync::Arc;

use ory_actions_core::jsonnet::{Plain, Unread, check_body, plain};
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
        .map(|ctx| (Arc::new(ctx.clone()), Arc::from(ctx.to_string())))
        .collect();
    evaluate_jobs(
        vec![(source, contexts, encoding, Templates::Unchecked)],
        Keep::Payloads,
    )
    .pop()
    .map(|results| results.to_vec())
    .unwrap_or_default()
}

/// The results of one job, one per context; jobs that ask the same share them.
type Results = Arc<[Result<Payload, PayloadError>]>;

/// Whether a template handed to [`evaluate_jobs`] is still to be checked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Templates<'a> {
    /// Any text: checked with go-jsonnet's rules before it is evaluated.
    Unchecked,
    /// An action's body that passed [`check_body`] when the action was made, and what it is
    /// as a plain template (worked out then too).
    Checked(Option<&'a Plain>),
}

/// What [`evaluate_jobs`] keeps of each result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Every payload.
    Payloads,
    /// Only whether the call fails, is cancelled or gives a payload: a payload is kept as
    /// `null`, so that a plan of many bodies does not hold their payloads.
    Verdicts,
}

impl Keep {
    fn kept(self, result: Result<Payload, PayloadError>) -> Result<Payload, PayloadError> {
        match (self, result) {
            (Keep::Verdicts, Ok(Payload::Json(_) | Payload::Form(_))) => {
                Ok(Payload::Json(Value::Null))
            }
            (_, result) => result,
        }
    }
}

/// The result of the plain template `plain` (written as `source`) for `ctx`, sent as `encoding`;
/// `None` when it is left to the evaluator.
fn plain_call(
    plain: &Plain,
    source: &str,
    ctx: &Value,
    encoding: Encoding,
    keep: Keep,
) -> Option<Result<Payload, PayloadError>> {
    // Only whether a JSON payload is made: the reads alone tell.
    if keep == Keep::Verdicts && encoding == Encoding::Json {
        return match plain.reads(ctx) {
            Ok(()) => Some(Ok(Payload::Json(Value::Null))),
            Err(Unread::Fails { message, at, steps }) => {
                Some(Err(eval::read_fails(source, message, at, steps)))
            }
            Err(Unread::Left) => None,
        };
    }
    match plain.payload(ctx) {
        Ok(payload) => Some(keep.kept(eval::encoded(payload, encoding))),
        Err(Unread::Fails { message, at, steps }) => {
            Some(Err(eval::read_fails(source, message, at, steps)))
        }
        Err(Unread::Left) => None,
    }
}

/// A context, as JSON and as the text handed to the evaluator; calls are told apart by the
/// address of the text.
type Context = (Arc<Value>, Arc<str>);

/// A template to evaluate, the contexts to call it with, how its payload is sent, and whether
/// it is still to be checked.
type Job<'a> = (&'a str, Vec<Context>, Encoding, Templates<'a>);

/// Evaluates many templates, each with its contexts: each template is checked and parsed once,
/// each template, context and encoding evaluated once, and jobs that ask the same (the same
/// template, with the same contexts, sent the same way) share one result. A [`Plain`] template
/// is computed straight from the context; the others go to one evaluator, which drops each
/// template once its calls are done.
fn evaluate_jobs(jobs: Vec<Job<'_>>, keep: Keep) -> Vec<Results> {
    // Each distinct job, by its template, the contexts (the same `Arc`s: the same texts) and
    // the encoding; and for each job, which distinct one it is.
    let mut distinct: HashMap<(&str, Vec<*const u8>, Encoding), usize> = HashMap::new();
    let mut asked: Vec<(&str, Vec<Context>, Encoding)> = Vec::new();
    // The templates that passed their check, and what they are as plain templates: one job
    // that says so answers for all with the text.
    let mut checked: HashMap<&str, Option<&Plain>> = HashMap::new();
    let which: Vec<usize> = jobs
        .into_iter()
        .map(|(source, contexts, encoding, templates)| {
            if let Templates::Checked(plain) = templates {
                checked.insert(source, plain);
            }
            let key = (
                source,
                contexts.iter().map(|ctx| ctx.1.as_ptr()).collect(),
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
    let mut distinct_templates: Vec<(&str, Vec<(Context, Encoding)>)> = Vec::new();
    let mut template_of: HashMap<&str, usize> = HashMap::new();
    let mut call_of: HashMap<(usize, *const u8, Encoding), usize> = HashMap::new();
    let answered_by: Vec<(usize, Vec<usize>)> = asked
        .into_iter()
        .map(|(source, contexts, encoding)| {
            let template = *template_of.entry(source).or_insert_with(|| {
                distinct_templates.push((source, Vec::new()));
                distinct_templates.len() - 1
            });
            let calls = contexts
                .into_iter()
                .map(|ctx| {
                    *call_of
                        .entry((template, ctx.1.as_ptr(), encoding))
                        .or_insert_with(|| {
                            let calls = &mut distinct_templates[template].1;
                            calls.push((ctx, encoding));
                            calls.len() - 1
                        })
                })
                .collect();
            (template, calls)
        })
        .collect();
    // Templates Kratos could not evaluate are not handed to the evaluator; plain ones are
    // computed here, and only the calls whose reads fail are handed to it (it says how).
    let mut outcomes: Vec<Vec<Option<Result<Payload, PayloadError>>>> =
        Vec::with_capacity(distinct_templates.len());
    let mut handed: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut jobs = Vec::new();
    for (index, (source, calls)) in distinct_templates.into_iter().enumerate() {
        let plain: Option<Cow<'_, Plain>> = match checked.get(source) {
            Some(plain) => plain.map(Cow::Borrowed),
            None => match check_body(source) {
                Ok(_) => plain(source).map(Cow::Owned),
                Err(e) => {
                    outcomes.push(
                        calls
                            .iter()
                            .map(|_| Some(Err(PayloadError::Invalid(e.clone()))))
                            .collect(),
                    );
                    continue;
                }
            },
        };
        let results: Vec<Option<Result<Payload, PayloadError>>> = calls
            .iter()
            .map(|((json, _), encoding)| plain_call(plain.as_ref()?, source, json, *encoding, keep))
            .collect();
        let left: Vec<usize> = (0..calls.len()).filter(|&c| results[c].is_none()).collect();
        if !left.is_empty() {
            jobs.push(eval::Job {
                source: source.to_owned(),
                calls: left
                    .iter()
                    .map(|&c| (Arc::clone(&calls[c].0.1), calls[c].1))
                    .collect(),
            });
            handed.push((index, left));
        }
        outcomes.push(results);
    }
    for ((index, calls), results) in handed.into_iter().zip(eval::evaluate(jobs)) {
        for (call, result) in calls.into_iter().zip(results) {
            outcomes[index][call] = Some(keep.kept(result));
        }
    }
    // Each result is moved to the last job that asks for it, and copied for the others.
    let mut uses: HashMap<(usize, usize), usize> = HashMap::new();
    for (template, calls) in &answered_by {
        for &call in calls {
            *uses.entry((*template, call)).or_default() += 1;
        }
    }
    let results: Vec<Results> = answered_by
        .into_iter()
        .map(|(template, calls)| {
            calls
                .into_iter()
                .map(|call| {
                    let left = uses.get_mut(&(template, call)).map(|n| {
                        *n -= 1;
                        *n
                    });
                    let slot = outcomes[template].get_mut(call);
                    match (left, slot) {
                        (Some(0), Some(slot)) => slot.take(),
                        (_, slot) => slot.and_then(|slot| slot.clone()),
                    }
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
    /// The sample context, shared by every payload of the same list and phase.
    pub context: Arc<Value>,
    /// The payload, or why Kratos would fail the call.
    pub result: Result<Payload, PayloadError>,
    /// The identity schema whose sample identity gave this payload, when the samples are made
    /// from several schemas and the payloads differ between them; `None` when it is the same
    /// for every schema (or there is one sample).
    pub schema: Option<String>,
}

/// What evaluating an action's body needs of the action.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BodyOf<'a> {
    /// The Jsonnet source; `None` when the body is not evaluated here (no body, or one Kratos
    /// fetches or reads itself).
    pub(crate) source: Option<&'a str>,
    /// Whether the source passed its check when the action was made (then it is not checked
    /// again), and what it is as a plain template.
    pub(crate) checked: Templates<'a>,
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
    let evaluated = evaluate_places(actions, samples, Keep::Payloads);
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
                    context: Arc::clone(&evaluated.contexts[&(scope, phase)].0),
                    result: result.clone(),
                    schema: None,
                })
                .collect()
        })
        .collect()
}

/// [`payloads_of`] for each sample identity of `samples` ([`Samples::per_schema`]): an
/// action's payload in a list once when every schema gives the same, else once per schema,
/// each with its schema's id.
pub(crate) fn payloads_by_schema(
    actions: &[(BodyOf<'_>, &[Scope])],
    samples: &Samples,
) -> Vec<Vec<SamplePayload>> {
    let variants = samples.per_schema();
    if variants.len() == 1 {
        return payloads_of(actions, samples);
    }
    let each: Vec<Vec<Vec<SamplePayload>>> = variants
        .iter()
        .map(|(_, samples)| payloads_of(actions, samples))
        .collect();
    (0..actions.len())
        .map(|action| {
            let places = each[0][action].len();
            let mut merged = Vec::new();
            for place in 0..places {
                let results: Vec<&SamplePayload> =
                    each.iter().map(|variant| &variant[action][place]).collect();
                if results.iter().all(|r| r.result == results[0].result) {
                    merged.push(results[0].clone());
                } else {
                    for ((id, _), sample) in variants.iter().zip(results) {
                        let mut sample = sample.clone();
                        sample.schema = id.map(str::to_owned);
                        merged.push(sample);
                    }
                }
            }
            merged
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
    contexts: Contexts,
}

/// The sample context of each list and phase asked for: a few dozen at most, found by a look
/// through them (quicker than a hash for ten thousand look-ups).
#[derive(Default)]
struct Contexts(Vec<((Scope, Phase), Context)>);

impl Contexts {
    /// The context of `place`, made by `make` the first time.
    fn get_or_make(&mut self, place: (Scope, Phase), make: impl FnOnce() -> Context) {
        if !self.0.iter().any(|(at, _)| *at == place) {
            self.0.push((place, make()));
        }
    }
}

impl std::ops::Index<&(Scope, Phase)> for Contexts {
    type Output = Context;

    /// The context of a place [`Contexts::get_or_make`] made one for.
    fn index(&self, place: &(Scope, Phase)) -> &Context {
        let found = self.0.iter().find(|(at, _)| at == place);
        &found.expect("a context is made for every place asked").1
    }
}

/// Evaluates the bodies of several actions, each for the lists given with it: plain bodies right
/// here, the others with one evaluator; no context is copied per action, and the evaluator's
/// results are shared by the actions with the same body in the same places.
pub(crate) fn evaluate_places(
    actions: &[(BodyOf<'_>, &[Scope])],
    samples: &Samples,
    keep: Keep,
) -> Evaluated {
    let mut contexts = Contexts::default();
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
                    contexts.get_or_make((scope, phase), || {
                        let ctx = samples.context(scope, phase);
                        let text = Arc::from(ctx.to_string());
                        (Arc::new(ctx), text)
                    });
                    (scope, phase)
                })
                .collect()
        })
        .collect();
    // An action's plain body is computed right here, place by place; the others (and a plain
    // one that leaves a call to the evaluator) go to the evaluator together.
    let mut results: Vec<Option<Results>> = vec![None; actions.len()];
    let mut jobs = Vec::new();
    let mut handed = Vec::new();
    for (index, ((body, _), places)) in actions.iter().zip(&places).enumerate() {
        let source = body.source.unwrap_or_default();
        if let Templates::Checked(Some(plain)) = body.checked {
            let call = |place| plain_call(plain, source, &contexts[place].0, body.encoding, keep);
            let computed: Option<Results> = match places.as_slice() {
                // Most actions have one list: one allocation for its result.
                [place] => call(place).map(|result| Arc::new([result]) as Results),
                _ => places.iter().map(call).collect(),
            };
            if computed.is_some() {
                results[index] = computed;
                continue;
            }
        }
        let contexts = places.iter().map(|place| contexts[place].clone()).collect();
        jobs.push((source, contexts, body.encoding, body.checked));
        handed.push(index);
    }
    for (index, evaluated) in handed.into_iter().zip(evaluate_jobs(jobs, keep)) {
        results[index] = Some(evaluated);
    }
    let outcomes = places
        .into_iter()
        .zip(results)
        .map(|(places, results)| Outcome {
            places,
            results: results.unwrap_or_else(|| Arc::from([])),
        })
        .collect();
    Evaluated { outcomes, contexts }
}

#[cfg(test)]
mod plain_tests;
