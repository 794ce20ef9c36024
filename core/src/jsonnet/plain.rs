//! Plain templates: the shape most web hook bodies have, a JSON document of literals and reads
//! of `ctx` (`function(ctx) { id: ctx.identity.id, email: ctx.identity.traits.email }`). Their
//! payload is computed here, straight from the context, without a Jsonnet evaluator; every
//! other template, and a plain one whose reads fail, is left to one.
//!
//! The payload is the one the evaluator path gives (go-jsonnet's, as the runtime reads it back):
//! objects with their fields sorted, numbers as `json_number` writes them. The runtime's
//! property tests hold the two paths to the same answers.

use std::borrow::Cow;

#[cfg(feature = "payloads")]
use serde_json::{Map, Number, Value};

use super::ast::{Expr, FieldName, Member, Node};
use super::lex::StrKind;
use super::{SHALLOW, lex, parse};
use crate::ctx::CtxShape;

/// How deep a value read from the context may be for its copy to be made here (the sample
/// contexts are a few levels deep; a deeper one is left to the evaluator).
#[cfg(feature = "payloads")]
const MAX_CTX_DEPTH: usize = 64;

/// A template whose payload is built only of `null`, booleans, numbers, quoted strings, arrays,
/// objects with fixed, visible fields, and reads of `ctx` by field name or index.
///
/// Held flat, as a program may hold thousands: its parts, fields and steps each in one list,
/// its strings in one text, so that a template is a handful of allocations, not one per name.
#[derive(Clone, Debug, PartialEq)]
pub struct Plain {
    /// The result.
    top: Part,
    /// The items of every array, each array's together.
    items: Box<[Part]>,
    /// The fields of every object, each object's together, in the order of their names (the
    /// order in which an evaluator writes them out, and so the one in which the first read that
    /// fails is found), each name once.
    fields: Box<[(Span, Part)]>,
    /// The steps of every read of `ctx`, each read's together.
    steps: Box<[Step]>,
    /// Every string and name.
    text: Box<str>,
    /// A function of `ctx`, not a constant.
    function: bool,
}

/// A stretch of [`Plain::text`], or of one of its lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Null,
    Bool(bool),
    /// A number whose payload form `json_number` writes.
    Number(f64),
    String(Span),
    /// Its items in [`Plain::items`].
    Array(Span),
    /// Its fields in [`Plain::fields`].
    Object(Span),
    /// `ctx` and the steps read from it (in [`Plain::steps`]); `at` is where `ctx` is written.
    Ctx {
        at: usize,
        steps: Span,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    /// `.name` or `["name"]`: the name in [`Plain::text`].
    Field(Span),
    /// `[0]`.
    Index(usize),
}

/// The template as a [`Plain`] one, when it is one: a function whose only parameter is `ctx`
/// (without a default), or a constant, with a result of the plain shape, no deeper than the
/// checks' shallow limit. `None` for every other template, valid or not: it is evaluated by a
/// Jsonnet evaluator instead.
pub fn plain(source: &str) -> Option<Plain> {
    let tokens = lex::lex(source).ok()?;
    of_tree(&parse::parse(&tokens, SHALLOW).ok()?)
}

/// [`plain`] of a template already parsed.
pub(super) fn of_tree(tree: &Node<'_>) -> Option<Plain> {
    if tree.height > SHALLOW {
        return None;
    }
    let mut top = tree;
    while let Expr::Parens(inner) = &top.expr {
        top = inner;
    }
    let (result, has_ctx) = match &top.expr {
        Expr::Function(params, result) => match &params[..] {
            [param] if param.name == "ctx" && param.default.is_none() => (&**result, true),
            _ => return None,
        },
        _ => (top, false),
    };
    // The lists are built in the thread's own, which keep their room from one template to the
    // next; the template gets copies of just their length, as it is kept as long as its action.
    thread_local! {
        static BUILDER: std::cell::RefCell<Builder> = const {
            std::cell::RefCell::new(Builder {
                has_ctx: false,
                items: Vec::new(),
                fields: Vec::new(),
                steps: Vec::new(),
                text: String::new(),
            })
        };
    }
    BUILDER.with_borrow_mut(|builder| {
        builder.has_ctx = has_ctx;
        let plain = builder.plain(result);
        builder.items.clear();
        builder.fields.clear();
        builder.steps.clear();
        builder.text.clear();
        // A large template's room is not kept for the next one.
        if builder.text.capacity() > KEPT_ROOM {
            *builder = Builder::default();
        }
        plain
    })
}

/// How many bytes of text the thread's [`Builder`] keeps room for between templates.
const KEPT_ROOM: usize = 4096;

/// Builds the lists of a [`Plain`] from a tree.
#[derive(Default)]
struct Builder {
    has_ctx: bool,
    items: Vec<Part>,
    fields: Vec<(Span, Part)>,
    steps: Vec<Step>,
    text: String,
}

impl Builder {
    /// The template whose result is `result`, from empty lists.
    fn plain(&mut self, result: &Node<'_>) -> Option<Plain> {
        let top = self.part(result)?;
        // Every offset must fit the spans (a template is far smaller: see `MAX_BODY_BYTES`).
        let fits = |len: usize| u32::try_from(len).is_ok();
        if !(fits(self.items.len())
            && fits(self.fields.len())
            && fits(self.steps.len())
            && fits(self.text.len()))
        {
            return None;
        }
        Some(Plain {
            top,
            items: self.items.as_slice().into(),
            fields: self.fields.as_slice().into(),
            steps: self.steps.as_slice().into(),
            text: self.text.as_str().into(),
            function: self.has_ctx,
        })
    }

    /// `text` added to the text.
    fn add_text(&mut self, text: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(text);
        span(start, text.len())
    }

    fn part(&mut self, node: &Node<'_>) -> Option<Part> {
        Some(match &node.expr {
            Expr::Literal(text) => match *text {
                "null" => Part::Null,
                "true" => Part::Bool(true),
                "false" => Part::Bool(false),
                number => {
                    let number: f64 = number.parse().ok()?;
                    if !has_json_number(number) {
                        return None;
                    }
                    Part::Number(number)
                }
            },
            Expr::Str(..) => {
                let value = quoted(node)?;
                Part::String(self.add_text(&value))
            }
            Expr::Parens(inner) => self.part(inner)?,
            Expr::Array(items) => {
                // The items of nested arrays go in first; this array's then go in together.
                let parts = items
                    .iter()
                    .map(|item| self.part(item))
                    .collect::<Option<Vec<_>>>()?;
                let start = self.items.len();
                self.items.extend(parts);
                Part::Array(span(start, items.len()))
            }
            Expr::Object(members) => {
                let mut fields: Vec<(Span, Part)> = Vec::with_capacity(members.len());
                for member in members {
                    let Member::Field {
                        name,
                        params: None,
                        value,
                        colons: 1,
                    } = member
                    else {
                        return None;
                    };
                    let name = match name {
                        FieldName::Fixed(name) => Cow::Borrowed(*name),
                        FieldName::Str(name) => quoted(name)?,
                        FieldName::Computed(_) => return None,
                    };
                    // Jsonnet refuses a name given twice when it evaluates the object.
                    if fields
                        .iter()
                        .any(|(seen, _)| self.text[seen.range()] == *name)
                    {
                        return None;
                    }
                    let name = self.add_text(&name);
                    let part = self.part(value)?;
                    fields.push((name, part));
                }
                let text = &self.text;
                fields.sort_by(|(a, _), (b, _)| text[a.range()].cmp(&text[b.range()]));
                let start = self.fields.len();
                self.fields.extend(fields);
                Part::Object(span(start, members.len()))
            }
            Expr::Var(name) if self.has_ctx && *name == "ctx" => Part::Ctx {
                at: node.at,
                steps: span(self.steps.len(), 0),
            },
            Expr::Field(target, name) => {
                let Part::Ctx { at, steps } = self.part(target)? else {
                    return None;
                };
                let name = self.add_text(name);
                Part::Ctx {
                    at,
                    steps: self.step(steps, Step::Field(name)),
                }
            }
            Expr::Index(target, index) => {
                let Part::Ctx { at, steps } = self.part(target)? else {
                    return None;
                };
                let step = match &index.expr {
                    Expr::Str(..) => Step::Field(self.add_text(&quoted(index)?)),
                    Expr::Literal(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => {
                        Step::Index(digits.parse().ok()?)
                    }
                    _ => return None,
                };
                Part::Ctx {
                    at,
                    steps: self.step(steps, step),
                }
            }
            _ => return None,
        })
    }

    /// The steps `steps` then `step`. A read's steps are added one after the other, the
    /// target's first, so `steps` ends the list.
    fn step(&mut self, steps: Span, step: Step) -> Span {
        debug_assert_eq!(steps.range().end, self.steps.len());
        self.steps.push(step);
        Span {
            start: steps.start,
            len: steps.len + 1,
        }
    }
}

/// A span; the lengths were checked to fit when the [`Plain`] is made, and are checked again
/// here without a panic (a longer one is cut, and the template is refused by [`of_tree`]).
fn span(start: usize, len: usize) -> Span {
    Span {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        len: u32::try_from(len).unwrap_or(0),
    }
}

/// The value of a `"…"` or `'…'` string (verbatim and block strings are left to the evaluator).
fn quoted<'t>(node: &Node<'t>) -> Option<Cow<'t, str>> {
    match &node.expr {
        Expr::Str(StrKind::Double | StrKind::Single, _) => node.string(),
        _ => None,
    }
}

/// Why a plain template gives no payload here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unread {
    /// A read of `ctx` fails on this context, as the evaluator fails it: its message, and the
    /// byte offset in the template of the read (where its `ctx` is written), where go-jsonnet
    /// places the error.
    Fails {
        /// `field does not exist: phone`, `Index 5 out of bounds, not within [0, 1)`.
        message: String,
        /// The byte offset of the read.
        at: usize,
        /// How many of the read's steps were taken, the one that fails included.
        steps: usize,
    },
    /// Left to an evaluator: a step into something other than an object or an array, a number
    /// written otherwise, a value nested deeper than the checks go.
    Left,
}

impl Plain {
    /// Whether the template is a function of `ctx` (else a constant).
    pub fn is_function(&self) -> bool {
        self.function
    }

    /// Whether Kratos sends all that the template reads of `ctx` in a hook whose context is
    /// `shape` ([`CtxShape::reads`] of each read's first two names).
    pub(super) fn reads_sent(&self, shape: CtxShape) -> bool {
        let name = |step: Option<&Step>| match step {
            Some(Step::Field(name)) => Some(&self.text[name.range()]),
            _ => None,
        };
        std::iter::once(&self.top)
            .chain(self.items.iter())
            .chain(self.fields.iter().map(|(_, part)| part))
            .all(|part| match part {
                Part::Ctx { steps, .. } => {
                    let steps = &self.steps[steps.range()];
                    match name(steps.first()) {
                        Some(field) => shape.reads(field, name(steps.get(1))),
                        None => true,
                    }
                }
                _ => true,
            })
    }
}

#[cfg(feature = "payloads")]
impl Plain {
    /// The payload for `ctx`, or why there is none here.
    pub fn payload(&self, ctx: &Value) -> Result<Value, Unread> {
        self.value(&self.top, ctx)
    }

    /// What [`Plain::payload`] gives for `ctx`, without the payload: `Ok` where it gives one,
    /// else the same [`Unread`]. For a caller that wants only whether the call succeeds.
    pub fn reads(&self, ctx: &Value) -> Result<(), Unread> {
        self.check(&self.top, ctx)
    }

    fn value(&self, part: &Part, ctx: &Value) -> Result<Value, Unread> {
        Ok(match part {
            Part::Null => Value::Null,
            Part::Bool(b) => Value::Bool(*b),
            Part::Number(n) => Value::Number(json_number(*n).ok_or(Unread::Left)?),
            Part::String(s) => Value::String(self.text[s.range()].to_owned()),
            Part::Array(items) => Value::Array(
                self.items[items.range()]
                    .iter()
                    .map(|item| self.value(item, ctx))
                    .collect::<Result<_, _>>()?,
            ),
            Part::Object(fields) => Value::Object(
                self.fields[fields.range()]
                    .iter()
                    .map(|(name, part)| {
                        Ok((self.text[name.range()].to_owned(), self.value(part, ctx)?))
                    })
                    .collect::<Result<Map<_, _>, _>>()?,
            ),
            Part::Ctx { at, steps } => {
                copied(self.read(ctx, *at, *steps)?, 0).ok_or(Unread::Left)?
            }
        })
    }

    /// [`Plain::value`]'s verdict, found in the same order, without building the value.
    fn check(&self, part: &Part, ctx: &Value) -> Result<(), Unread> {
        match part {
            Part::Null | Part::Bool(_) | Part::Number(_) | Part::String(_) => Ok(()),
            Part::Array(items) => self.items[items.range()]
                .iter()
                .try_for_each(|item| self.check(item, ctx)),
            Part::Object(fields) => self.fields[fields.range()]
                .iter()
                .try_for_each(|(_, part)| self.check(part, ctx)),
            Part::Ctx { at, steps } => {
                if copyable(self.read(ctx, *at, *steps)?, 0) {
                    Ok(())
                } else {
                    Err(Unread::Left)
                }
            }
        }
    }

    /// The value `steps` read from `ctx`, or why the read fails (`at` is where `ctx` is
    /// written).
    fn read<'v>(&self, ctx: &'v Value, at: usize, steps: Span) -> Result<&'v Value, Unread> {
        let mut value = ctx;
        for (taken, step) in self.steps[steps.range()].iter().enumerate() {
            let fails = |message: String| Unread::Fails {
                message,
                at,
                steps: taken + 1,
            };
            value = match (step, value) {
                (Step::Field(name), Value::Object(fields)) => {
                    let name = &self.text[name.range()];
                    fields
                        .get(name)
                        .ok_or_else(|| fails(format!("field does not exist: {name}")))?
                }
                (Step::Index(index), Value::Array(items)) => {
                    items.get(*index).ok_or_else(|| {
                        fails(format!(
                            "Index {index} out of bounds, not within [0, {})",
                            items.len()
                        ))
                    })?
                }
                _ => return Err(Unread::Left),
            };
        }
        Ok(value)
    }
}

/// Whether [`copied`] makes a copy of `value`.
#[cfg(feature = "payloads")]
fn copyable(value: &Value, depth: usize) -> bool {
    if depth > MAX_CTX_DEPTH {
        return false;
    }
    match value {
        Value::Number(n) => n.as_f64().and_then(json_number).is_some(),
        Value::Array(items) => items.iter().all(|item| copyable(item, depth + 1)),
        Value::Object(fields) => fields.values().all(|item| copyable(item, depth + 1)),
        _ => true,
    }
}

/// A value read from the context, as the evaluator gives it back: its numbers go through a
/// double, as Jsonnet's do.
#[cfg(feature = "payloads")]
fn copied(value: &Value, depth: usize) -> Option<Value> {
    if depth > MAX_CTX_DEPTH {
        return None;
    }
    Some(match value {
        Value::Number(n) => Value::Number(json_number(n.as_f64()?)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| copied(item, depth + 1))
                .collect::<Option<_>>()?,
        ),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, item)| Some((name.clone(), copied(item, depth + 1)?)))
                .collect::<Option<Map<_, _>>>()?,
        ),
        other => other.clone(),
    })
}

/// A Jsonnet number (a double) as the payload holds it: a whole number as an integer with every
/// digit, as go-jsonnet writes it (`1152921504606846976` for 2^60), any other as the double.
/// `None` for what has no such form here: not finite, or whole but past 2^53, where the text
/// an evaluator writes decides how it reads back.
#[cfg(feature = "payloads")]
pub fn json_number(number: f64) -> Option<Number> {
    if !number.is_finite() {
        return None;
    }
    if number.fract() != 0.0 {
        return Number::from_f64(number);
    }
    if number.abs() >= 9_007_199_254_740_992.0 {
        return None;
    }
    Some(if number >= 0.0 {
        Number::from(number as u64)
    } else {
        Number::from(number as i64)
    })
}

/// Whether `json_number` has a form for `number`: finite, and below 2^53 when whole.
fn has_json_number(number: f64) -> bool {
    number.is_finite() && (number.fract() != 0.0 || number.abs() < 9_007_199_254_740_992.0)
}

#[cfg(all(test, feature = "payloads"))]
mod tests {
    use serde_json::json;

    use super::*;

    /// The payload, checked against the verdict of [`Plain::reads`].
    fn payload(source: &str, ctx: &Value) -> Option<Value> {
        let plain = plain(source)?;
        let payload = plain.payload(ctx);
        assert_eq!(
            plain.reads(ctx),
            payload.as_ref().map(|_| ()).map_err(Clone::clone),
            "{source}"
        );
        payload.ok()
    }

    #[test]
    fn plain_templates_give_their_payload() {
        let ctx = json!({"identity": {"id": "i-1", "traits": {"email": "a@b.c"},
            "addresses": [{"value": "x"}], "n": 2.5, "big": 3}});
        assert_eq!(
            payload(
                "function(ctx) { id: ctx.identity.id, 'e': ctx['identity'].traits.email, \
                 n: [1, 1.5, 1e3, null, true, \"s\\n\"], first: ctx.identity.addresses[0].value, \
                 all: ctx.identity, b+: false }",
                &ctx
            ),
            Some(
                json!({"id": "i-1", "e": "a@b.c", "n": [1, 1.5, 1000, null, true, "s\n"],
                "first": "x", "all": ctx["identity"], "b": false})
            )
        );
        assert_eq!(payload("{ ping: true }", &ctx), Some(json!({"ping": true})));
        assert_eq!(
            payload("(function(ctx) (ctx.identity.n))", &ctx),
            Some(json!(2.5))
        );
    }

    #[test]
    fn everything_else_is_left_to_the_evaluator() {
        let ctx = json!({"identity": {"id": "i-1", "list": [1]}});
        for source in [
            // Not plain.
            "function(ctx) { id: ctx.identity.id + '' }",
            "function(ctx, extra=1) { id: ctx.identity.id }",
            "function(c) { id: c.identity.id }",
            "function(ctx) local x = 1; { x: x }",
            "function(ctx) { id:: 1 }",
            "function(ctx) { id: 1, 'id': 2 }",
            "function(ctx) { [ 'a' ]: 1 }",
            "function(ctx) { f(x): x }",
            "function(ctx) { a: @'x''y' }",
            "function(ctx) { a: -1 }",
            "function(ctx) { a: ctx.identity.list[0.5] }",
            "function(ctx) { a: 1e400 }",
            "function(ctx) { a: 9007199254740992 }",
            "function(ctx) { a: std.length([]) }",
            "error 'cancel'",
            // Plain, but the read fails.
            "function(ctx) { a: ctx.session.id }",
            "function(ctx) { a: ctx.identity.list[1] }",
            "function(ctx) { a: ctx.identity.id.x }",
            // Not a template.
            "function(ctx) {",
        ] {
            assert_eq!(payload(source, &ctx), None, "{source}");
        }
    }

    #[test]
    fn failed_reads_are_worded_and_placed_as_go_jsonnet_does() {
        let ctx = json!({"identity": {"id": "i-1", "list": [1]}});
        let unread = |source: &str| {
            plain(source).map(|p| {
                let payload = p.payload(&ctx);
                assert_eq!(
                    p.reads(&ctx),
                    payload.as_ref().map(|_| ()).map_err(Clone::clone)
                );
                payload
            })
        };
        assert_eq!(
            unread("function(ctx) {\n  a: [ctx.session.id],\n}"),
            Some(Err(Unread::Fails {
                message: "field does not exist: session".into(),
                at: 22,
                steps: 1,
            }))
        );
        assert_eq!(
            unread("function(ctx) { a: ctx.identity.list[1] }"),
            Some(Err(Unread::Fails {
                message: "Index 1 out of bounds, not within [0, 1)".into(),
                at: 19,
                steps: 3,
            }))
        );
        assert_eq!(
            unread("function(ctx) { a: ctx.identity.id.x }"),
            Some(Err(Unread::Left))
        );
    }

    #[test]
    fn plain_templates_are_checked_as_every_template_is() {
        use crate::ctx::CtxShape;
        use crate::jsonnet::{check_body, check_ctx, check_template};
        for source in [
            "function(ctx) { id: ctx.identity.id, e: ctx.identity.traits.email }",
            "function(ctx) { s: ctx.session.id, bad: ctx.identity.nope }",
            "(function(ctx) [ctx.flow.id, 1, 'a'])",
            "{ ping: true }",
            "function(ctx) ctx",
        ] {
            for flow in crate::Flow::ALL {
                for timing in crate::Timing::ALL {
                    let shape = CtxShape::of(*flow, *timing);
                    let checked = check_template(source, shape).unwrap();
                    assert!(checked.plain.is_some(), "{source}");
                    assert_eq!(Ok(checked.shape), check_body(source), "{source}");
                    assert_eq!(checked.ctx_errors, check_ctx(source, shape), "{source}");
                }
            }
        }
    }

    #[test]
    fn numbers_are_written_as_go_jsonnet_writes_them() {
        assert_eq!(json_number(2.0), Some(Number::from(2u64)));
        assert_eq!(json_number(-0.0), Some(Number::from(0u64)));
        assert_eq!(json_number(-3.0), Some(Number::from(-3i64)));
        assert_eq!(json_number(0.1), Number::from_f64(0.1));
        assert_eq!(json_number(f64::INFINITY), None);
        assert_eq!(json_number(2f64.powi(60)), None);
    }
}
