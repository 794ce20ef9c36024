//! How a body reads `ctx`: the reads of `ctx` that fail on every call, against what Kratos
//! passes ([`crate::ctx`]).
//!
//! The analysis finds reads `ctx.X`, `ctx['X']` and `ctx.X.Y` for `X` in `identity`, `session`
//! and `flow` (deeper levels are user-defined traits and metadata), and reports those that fail
//! whenever they are evaluated. It follows `ctx` only where it is sure what it refers to and
//! whether a read is guarded (`'session' in ctx`, `std.objectHas(ctx, 'session')`, …); wherever it
//! cannot follow (an alias, a computed key, a shadowing `ctx`, a guard it does not understand),
//! it stays silent: it never refuses a body Kratos would run.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::rc::Rc;

use super::ast::{BinaryOp, Bind, Expr, FieldName, ForSpec, Member, Node, Param, UnaryOp};
use super::lex::{self, Kind, Token};
use super::memo::Answer;
use crate::ctx::{CtxShape, IDENTITY, IDENTITY_REMOVED, SESSION, TOP_LEVEL, flow_keys};
use crate::identity::{Lookup, Schemas, Step};
use crate::suggest::did_you_mean;

/// A read of `ctx` that fails on every call: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CtxError {
    /// Line of the read in the template, from 1.
    pub line: usize,
    /// Column of the read in that line, from 1.
    pub column: usize,
    /// The read as written, such as `ctx.session.id` or `ctx['identty']`.
    pub text: String,
    /// What is wrong.
    pub kind: CtxErrorKind,
}

/// What is wrong with a read of `ctx`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CtxErrorKind {
    /// `ctx.X` where `ctx` never has `X`.
    UnknownField {
        /// The field read.
        field: String,
        /// A field it has, if one is close.
        suggestion: Option<&'static str>,
    },
    /// `ctx.identity` or `ctx.session` in a hook that does not get it.
    NotPassed {
        /// `identity` or `session`.
        field: &'static str,
        /// The hook's flow and timing.
        shape: CtxShape,
    },
    /// `ctx.X.Y` where `ctx.X` never has `Y`.
    UnknownKey {
        /// `identity`, `session` or `flow`.
        object: &'static str,
        /// The key read.
        key: String,
        /// A key it has, if one is close.
        suggestion: Option<&'static str>,
        /// The hook's flow and timing (whose flow object it is).
        shape: CtxShape,
    },
    /// `ctx.identity.credentials` or `ctx.identity.metadata_admin`, which Kratos removes.
    Removed {
        /// The key read.
        key: &'static str,
    },
    /// A trait no identity schema declares, read or tested for.
    UnknownTrait {
        /// The trait's path below `traits`, up to the first key no schema declares.
        path: String,
        /// The read the schemas most likely mean, written out (`ctx.identity.traits.email`).
        suggestion: Option<String>,
        /// The keys the schemas declare where the path leaves them.
        keys: Vec<String>,
        /// Every schema, by name.
        schemas: Vec<String>,
        /// The body tests for it (`'k' in …`, `std.objectHas`, `std.get`) rather than reads it.
        tested: bool,
    },
    /// A trait only some identity schemas declare, read without a guard.
    TraitInSome {
        /// The trait's path below `traits`.
        path: String,
        /// The schemas that declare it.
        having: Vec<String>,
        /// The schemas whose identities lack it.
        lacking: Vec<String>,
        /// The object that lacks it, as the body reads it (`ctx.identity.traits`).
        object: String,
        /// The key it lacks.
        key: String,
    },
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn quoted(names: &[&str]) -> String {
    and_list(&names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>())
}

impl fmt::Display for CtxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let CtxError {
            line,
            column,
            text,
            kind,
        } = self;
        write!(
            f,
            "the Jsonnet body reads `{text}` at line {line}, column {column}, "
        )?;
        match kind {
            CtxErrorKind::UnknownField { field, suggestion } => {
                write!(f, "but Kratos's `ctx` has no field `{field}`")?;
                match suggestion {
                    Some(s) => write!(f, ": did you mean `{s}`?"),
                    None => write!(f, " (it has {})", quoted(&TOP_LEVEL)),
                }
            }
            CtxErrorKind::NotPassed { field, shape } => {
                let hooks: Vec<String> = CtxShape::hooks_with(field)
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                write!(
                    f,
                    "which {shape} hooks do not get: `ctx.{field}` is only passed to {} hooks, \
                     so every call of this web hook would fail (\"field does not exist\"); \
                     guard the read with `if '{field}' in ctx then … else …` or use \
                     `std.get(ctx, '{field}', null)`",
                    and_list(&hooks)
                )
            }
            CtxErrorKind::UnknownKey {
                object,
                key,
                suggestion,
                shape,
            } => {
                let (what, keys) = match *object {
                    "identity" => ("an identity".to_owned(), &IDENTITY[..]),
                    "session" => ("a session".to_owned(), &SESSION[..]),
                    _ => (format!("a {} flow", shape.flow()), flow_keys(shape.flow())),
                };
                write!(f, "but {what} in `ctx.{object}` has no key `{key}`")?;
                match suggestion {
                    Some(s) => write!(f, ": did you mean `{s}`?"),
                    None => write!(f, " (it has {})", quoted(keys)),
                }
            }
            CtxErrorKind::Removed { key } => write!(
                f,
                "but Kratos removes `{key}` from the identity it passes to web hooks, so every \
                 call of this web hook would fail (\"field does not exist\")"
            ),
            CtxErrorKind::UnknownTrait {
                path,
                suggestion,
                keys,
                schemas,
                tested,
            } => {
                let names: Vec<&str> = schemas.iter().map(String::as_str).collect();
                if *tested {
                    write!(
                        f,
                        "but no identity schema declares the trait `{path}` (read against {}): \
                         a test for a trait no schema has is most likely a typo",
                        quoted(&names)
                    )?;
                } else {
                    write!(
                        f,
                        "but no identity schema declares the trait `{path}` (read against {}), \
                         so Kratos fails the call for every identity without it (\"field does \
                         not exist\")",
                        quoted(&names)
                    )?;
                }
                match suggestion {
                    Some(s) => write!(f, ": did you mean `{s}`?"),
                    None if keys.is_empty() => Ok(()),
                    None => {
                        // A few of them: a schema may declare thousands.
                        let shown: Vec<&str> = keys.iter().take(12).map(String::as_str).collect();
                        let more = match keys.len().saturating_sub(shown.len()) {
                            0 => String::new(),
                            n => format!(" and {n} more"),
                        };
                        write!(f, " (they declare {}{more} there)", quoted(&shown))
                    }
                }
            }
            CtxErrorKind::TraitInSome {
                path,
                having,
                lacking,
                object,
                key,
            } => {
                let having: Vec<&str> = having.iter().map(String::as_str).collect();
                let lacking: Vec<&str> = lacking.iter().map(String::as_str).collect();
                write!(
                    f,
                    "but only {} declares the trait `{path}`: identities of {} have no such \
                     trait, and Kratos fails the call for them (\"field does not exist\"); \
                     guard the read with `if '{key}' in {object} then … else …` or use \
                     `std.get({object}, '{key}', null)`",
                    quoted(&having),
                    quoted(&lacking)
                )
            }
        }
    }
}

impl std::error::Error for CtxError {}

/// The reads of `ctx` in `source` that fail on every call of a hook whose context is `shape`,
/// in source order.
///
/// Only a template that parses and is a function of `ctx` is analysed (check it with
/// [`check_body`](super::check_body) first); anything else has no problems here.
pub fn check_ctx(source: &str, shape: CtxShape) -> Vec<CtxError> {
    check_ctx_with(source, shape, None)
}

/// [`check_ctx`], and every read of `ctx.identity.traits` (or `ctx.session.identity.traits`)
/// held to the identity schemas `traits`: a trait no schema declares is an error, guarded or
/// not, and so is one only some declare, read without a guard.
pub fn check_ctx_with(source: &str, shape: CtxShape, traits: Option<&Schemas>) -> Vec<CtxError> {
    type Key = (String, CtxShape, u64);
    static CHECKED: super::memo::Memo<Key, Vec<CtxError>> = super::memo::Memo::new();
    // Before the memo, which keeps a copy of each template it answers.
    if source.len() > super::MAX_BODY_BYTES {
        return Vec::new();
    }
    let traits = traits.filter(|t| !t.is_empty());
    let print = traits.map_or(0, Schemas::fingerprint);
    CHECKED.get(
        &(source, shape, print),
        |(kept, kept_shape, kept_print)| {
            kept == source && *kept_shape == shape && *kept_print == print
        },
        || (source.to_owned(), shape, print),
        || check_ctx_afresh(source, shape, traits),
    )
}

fn check_ctx_afresh(
    source: &str,
    shape: CtxShape,
    traits: Option<&Schemas>,
) -> Answer<Vec<CtxError>> {
    let Ok(tokens) = lex::lex(source) else {
        return Answer::Lasting(Vec::new());
    };
    // The walks recurse once per level of the tree.
    super::with_tree(&tokens, |tree| match tree {
        Ok(tree) => analyse(source, &tokens, &tree, shape, traits),
        Err(_) => Vec::new(),
    })
}

pub(super) fn analyse(
    source: &str,
    tokens: &[Token<'_>],
    tree: &Node,
    shape: CtxShape,
    traits: Option<&Schemas>,
) -> Vec<CtxError> {
    let mut walker = Walker {
        source,
        tokens,
        shape,
        traits: traits.filter(|t| !t.is_empty()),
        tree,
        used: None,
        errors: Vec::new(),
        steps: std::cell::Cell::new(MAX_STEPS),
    };
    let mut env = Env::top();
    let mut top = tree;
    // Down to the function of `ctx`, through what `check_body` looks through.
    loop {
        match &top.expr {
            Expr::Parens(inner) | Expr::Assert(_, _, inner) => top = inner,
            Expr::Local(binds, inner) => {
                env = env.bind(binds);
                top = inner;
            }
            Expr::Function(params, body) => {
                if params.iter().any(|p| p.name == "ctx") {
                    // Defaults of other parameters are evaluated only if used: not followed.
                    env = env.params(params);
                    env.ctx = true;
                    walker.walk(body, &env);
                }
                break;
            }
            _ => break,
        }
    }
    let mut errors = walker.errors;
    errors.sort_by_key(|(offset, _)| *offset);
    errors.into_iter().map(|(_, error)| error).collect()
}

/// Every variable name the template refers to, to skip locals nothing uses (Jsonnet is lazy:
/// an unused local is never evaluated).
fn collect_vars<'a>(node: &'a Node<'a>, into: &mut HashSet<&'a str>) {
    if let Expr::Var(name) = &node.expr {
        into.insert(name);
    }
    node.each_child(&mut |child| collect_vars(child, into));
}

/// One step of a chain of reads: `.name` or `[index]`.
#[derive(Clone, Copy)]
enum Part<'a> {
    Name(&'a str),
    Index(&'a Node<'a>),
}

impl<'a> Part<'a> {
    /// The name read, when it is written out: `.name`, `['name']`, `["name"]`.
    fn literal(self) -> Option<Cow<'a, str>> {
        match self {
            Part::Name(name) => Some(Cow::Borrowed(name)),
            Part::Index(index) => literal(index),
        }
    }
}

/// `target.a[b]…`: the target (without parentheses) and the reads on it, first to last;
/// `None` unless `node` is a field access or an index.
fn chain<'a>(node: &'a Node<'a>) -> Option<(&'a Node<'a>, Vec<Part<'a>>)> {
    let mut parts = Vec::new();
    let mut target = node;
    loop {
        match &target.expr {
            Expr::Field(inner, name) => {
                parts.push(Part::Name(name));
                target = inner;
            }
            Expr::Index(inner, index) => {
                parts.push(Part::Index(index));
                target = inner;
            }
            _ => break,
        }
    }
    if parts.is_empty() {
        return None;
    }
    parts.reverse();
    Some((unparen(target), parts))
}

/// The reads of `chain` when they are on the variable `var`.
fn chain_on<'a>(node: &'a Node<'a>, var: &str) -> Option<Vec<Part<'a>>> {
    // The target first: most nodes walked are no read of `var`, and need no list of parts.
    let mut target = node;
    while let Expr::Field(inner, _) | Expr::Index(inner, _) = &target.expr {
        target = inner;
    }
    if std::ptr::eq(target, node) || !is_var(target, var) {
        return None;
    }
    let (target, parts) = chain(node)?;
    is_var(target, var).then_some(parts)
}

fn is_var(node: &Node, var: &str) -> bool {
    matches!(&unparen(node).expr, Expr::Var(v) if *v == var)
}

/// A field known to be present: `["session"]` for `ctx.session`, `["flow", "x"]` for
/// `ctx.flow.x`.
type Path = Vec<String>;

/// What holds where an expression evaluated to true (or to false).
#[derive(Clone, Debug)]
enum Facts {
    /// These fields are present.
    Known(Vec<Path>),
    /// The condition may test the presence of fields in a way the analysis does not follow.
    Opaque,
}

impl Facts {
    fn none() -> Self {
        Facts::Known(Vec::new())
    }

    /// Both hold.
    fn and(self, other: Facts) -> Facts {
        match (self, other) {
            (Facts::Known(mut a), Facts::Known(b)) => {
                a.extend(b);
                Facts::Known(a)
            }
            _ => Facts::Opaque,
        }
    }

    /// One of them holds.
    fn or(self, other: Facts) -> Facts {
        match (self, other) {
            (Facts::Known(a), Facts::Known(b)) => {
                Facts::Known(a.into_iter().filter(|p| b.contains(p)).collect())
            }
            _ => Facts::Opaque,
        }
    }
}

/// What is known at one place in the template.
#[derive(Clone, Debug)]
struct Env<'a> {
    /// `ctx` is the top-level function's parameter here (not shadowed).
    ctx: bool,
    /// A guard the analysis cannot follow encloses this place: report nothing.
    silent: bool,
    /// Fields known to be present here: shared by the places below until one learns more, as
    /// an object's fields share what its thousand assertions make known.
    present: Rc<Vec<Path>>,
    /// Names bound by locals (with their value) and by parameters, functions and `for`
    /// (without), innermost last.
    locals: Vec<(&'a str, Option<&'a Node<'a>>)>,
}

impl<'a> Env<'a> {
    fn top() -> Self {
        Env {
            ctx: false,
            silent: false,
            present: Rc::default(),
            locals: Vec::new(),
        }
    }

    fn with(&self, facts: Facts) -> Env<'a> {
        let mut env = self.clone();
        env.assume(facts);
        env
    }

    /// Adds `facts` to what is known here, in place: a comprehension may have thousands of
    /// conditions, and a copy for each would take quadratic time.
    fn assume(&mut self, facts: Facts) {
        match facts {
            Facts::Known(paths) if paths.is_empty() => {}
            Facts::Known(paths) => Rc::make_mut(&mut self.present).extend(paths),
            Facts::Opaque => self.silent = true,
        }
    }

    fn bind(&self, binds: impl IntoIterator<Item = &'a Bind<'a>>) -> Env<'a> {
        let mut env = self.clone();
        for bind in binds {
            let value = match bind.params {
                Some(_) => None,
                None => Some(&bind.value),
            };
            env.name(bind.name, value);
        }
        env
    }

    fn params(&self, params: &'a [Param<'a>]) -> Env<'a> {
        let mut env = self.clone();
        for param in params {
            env.name(param.name, None);
        }
        env
    }

    fn name(&mut self, name: &'a str, value: Option<&'a Node<'a>>) {
        if name == "ctx" {
            self.ctx = false;
        }
        self.locals.push((name, value));
    }

    fn local(&self, name: &str) -> Option<Option<&'a Node<'a>>> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    fn is_present(&self, path: &[&str]) -> bool {
        self.present
            .iter()
            .any(|p| p.len() == path.len() && p.iter().zip(path).all(|(a, b)| a == b))
    }
}

/// How deep a condition is followed through locals.
const MAX_LOCAL_DEPTH: usize = 8;

/// How many steps following conditions may take in one template. Each local is followed
/// afresh where it is used, so locals that each use the next many times would take
/// exponential time; a real template takes a few thousand steps. Past the budget every
/// condition is one the analysis cannot follow: it stays silent under it.
const MAX_STEPS: usize = 1_000_000;

/// `node` without parentheses.
fn unparen<'a>(mut node: &'a Node<'a>) -> &'a Node<'a> {
    while let Expr::Parens(inner) = &node.expr {
        node = inner;
    }
    node
}

/// The value of a string literal (in parentheses or not).
fn literal<'a>(node: &'a Node<'a>) -> Option<Cow<'a, str>> {
    unparen(node).string()
}

/// `std.<name>` for a presence test: `objectHas`, `objectHasAll` or `objectHasEx`.
fn is_presence_test(function: &Node) -> bool {
    match chain_on(unparen(function), "std").as_deref() {
        Some([member]) => member
            .literal()
            .is_some_and(|m| matches!(&*m, "objectHas" | "objectHasAll" | "objectHasEx")),
        _ => false,
    }
}

fn is_std_call(function: &Node) -> bool {
    chain_on(unparen(function), "std").is_some()
}

/// The offset just past a token.
fn token_end(token: &Token<'_>) -> usize {
    match token.kind {
        Kind::Identifier => token.start + token.text.len(),
        _ => token.start + 1,
    }
}

/// The index of the token that closes the bracket at `open`; `open` itself when it is no
/// opening bracket.
fn closing(tokens: &[Token<'_>], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::ParenL | Kind::BracketL | Kind::BraceL => depth += 1,
            Kind::ParenR | Kind::BracketR | Kind::BraceR => depth = depth.checked_sub(1)?,
            _ => {}
        }
        if depth == 0 {
            return Some(i);
        }
    }
    None
}

struct Walker<'a> {
    source: &'a str,
    tokens: &'a [Token<'a>],
    shape: CtxShape,
    /// The identity schemas trait reads are held to, if any.
    traits: Option<&'a Schemas>,
    /// The whole template.
    tree: &'a Node<'a>,
    /// Every variable name the template refers to, once a `local` asks (most templates have
    /// none).
    used: Option<HashSet<&'a str>>,
    /// The problems found, with the offset of the read.
    errors: Vec<(usize, CtxError)>,
    /// How many more steps [`Walker::facts`] and [`Walker::suspect`] may take.
    steps: std::cell::Cell<usize>,
}

impl<'a> Walker<'a> {
    /// Takes one step of the budget; `false` when it is spent.
    fn step(&self) -> bool {
        self.steps_of(1)
    }

    /// Takes `steps` steps of the budget; `false` when it is spent.
    fn steps_of(&self, steps: usize) -> bool {
        let left = self.steps.get();
        self.steps.set(left.saturating_sub(steps));
        left >= steps
    }

    /// Takes the steps of a look-up through every name in scope; `false` when the budget is
    /// spent.
    fn lookup_step(&self, env: &Env<'a>) -> bool {
        self.steps_of(1 + env.locals.len() / 8)
    }

    /// The path of an object of `ctx` the analysis follows: `[]` for `ctx`, `[X]` for `ctx.X`,
    /// `[X, Y, …]` for `ctx.X.Y…` (traits), every key written out.
    fn object_path(&self, node: &'a Node<'a>, env: &Env<'a>) -> Option<Path> {
        if !env.ctx {
            return None;
        }
        let node = unparen(node);
        if is_var(node, "ctx") {
            return Some(Vec::new());
        }
        chain_on(node, "ctx")?
            .iter()
            .map(|part| self.part_key(*part))
            .collect()
    }

    /// A step of a read as a presence path records it: the key written out, or `[n]` for an
    /// index written as a number; `None` for one computed otherwise.
    fn part_key(&self, part: Part<'_>) -> Option<String> {
        match part {
            Part::Name(name) => Some(name.to_owned()),
            Part::Index(index) => match literal(index) {
                Some(key) => Some(key.into_owned()),
                None => match &unparen(index).expr {
                    Expr::Literal(number) if self.is_number(index) => Some(format!("[{number}]")),
                    _ => None,
                },
            },
        }
    }

    /// Whether `parts`, a read of `ctx` used as a value in a condition, may be looked into
    /// by a guard the analysis does not follow, once traits are checked: the traits object or
    /// an object below it (`std.objectFields(ctx.identity.traits)`,
    /// `std.get(ctx.identity.traits, 'phone') != null`), or the identity's `schema_id`.
    fn traits_guard(&self, parts: &[Part<'_>]) -> bool {
        let Some(schemas) = self.traits else {
            return false;
        };
        if identity_key(parts).is_some_and(|(_, key)| key == "schema_id") {
            return true;
        }
        let Some(prefix) = self.traits_prefix(parts) else {
            return false;
        };
        let owned = self.steps(&parts[prefix..]);
        owned.len() + prefix != parts.len() || schemas.may_be_object(&as_steps(&owned))
    }

    /// The field a presence test `'F' in O` or `std.objectHas(O, 'F')` proves present.
    fn presence(&self, node: &'a Node<'a>, env: &Env<'a>) -> Option<Path> {
        let (field, object) = match &unparen(node).expr {
            Expr::Binary(field, BinaryOp::In, object) => (&**field, &**object),
            Expr::Apply(function, args, _) if is_presence_test(function) && args.len() >= 2 => {
                (&args[1], &args[0])
            }
            _ => return None,
        };
        let mut path = self.object_path(object, env)?;
        path.push(literal(field)?.into_owned());
        Some(path)
    }

    /// What holds where `cond` evaluated to `holds`.
    fn facts(&self, cond: &'a Node<'a>, holds: bool, env: &Env<'a>, depth: usize) -> Facts {
        if !self.step() {
            return Facts::Opaque;
        }
        if let Some(path) = self.presence(cond, env) {
            return if holds {
                Facts::Known(vec![path])
            } else {
                Facts::none()
            };
        }
        match &unparen(cond).expr {
            Expr::Unary(UnaryOp::Not, inner) => self.facts(inner, !holds, env, depth),
            Expr::Binary(a, op @ (BinaryOp::And | BinaryOp::Or), b) => {
                let (a, b) = (
                    self.facts(a, holds, env, depth),
                    self.facts(b, holds, env, depth),
                );
                // `a && b` is true when both are; false when one is.
                if (*op == BinaryOp::And) == holds {
                    a.and(b)
                } else {
                    a.or(b)
                }
            }
            Expr::Var(_) if !self.lookup_step(env) => Facts::Opaque,
            Expr::Var(name) => match env.local(name) {
                Some(Some(value)) if depth < MAX_LOCAL_DEPTH => {
                    self.facts(value, holds, env, depth + 1)
                }
                // A parameter or a function: it may carry a guard the analysis cannot see.
                Some(_) => Facts::Opaque,
                None if self.suspect(cond, env, depth) => Facts::Opaque,
                None => Facts::none(),
            },
            _ if self.suspect(cond, env, depth) => Facts::Opaque,
            _ => Facts::none(),
        }
    }

    /// Whether `node` may test which fields `ctx` has in a way [`Walker::facts`] does not
    /// follow: a presence test or `ctx` (or `ctx.identity`, …) used as a value, a call of a
    /// function that is not `std`'s, or a local whose value is such.
    fn suspect(&self, node: &'a Node<'a>, env: &Env<'a>, depth: usize) -> bool {
        if !self.step() {
            return true;
        }
        if self.presence(node, env).is_some() {
            return true;
        }
        match &node.expr {
            Expr::Var(v) if *v == "ctx" => return true,
            Expr::Var(_) if !self.lookup_step(env) => return true,
            Expr::Var(v) => {
                return match env.local(v) {
                    Some(Some(value)) if depth < MAX_LOCAL_DEPTH => {
                        self.suspect(value, env, depth + 1)
                    }
                    Some(Some(_)) => true,
                    Some(None) | None => false,
                };
            }
            Expr::Field(..) | Expr::Index(..) => {
                if let Some(parts) = chain_on(node, "ctx") {
                    if self.traits_guard(&parts) {
                        return true;
                    }
                    let deep_enough = match parts[0].literal() {
                        Some(field) => {
                            parts.len() >= 2 || !matches!(&*field, "identity" | "session" | "flow")
                        }
                        None => false,
                    };
                    return !deep_enough
                        || parts.iter().any(
                            |p| matches!(p, Part::Index(index) if self.suspect(index, env, depth)),
                        );
                }
            }
            Expr::Apply(function, ..) if !is_std_call(function) => return true,
            _ => {}
        }
        let mut any = false;
        node.each_child(&mut |child| any = any || self.suspect(child, env, depth));
        any
    }

    fn walk(&mut self, node: &'a Node<'a>, env: &Env<'a>) {
        if env.ctx
            && let Some(parts) = chain_on(node, "ctx")
        {
            self.read(node, &parts, env);
            for part in parts {
                if let Part::Index(index) = part {
                    self.walk(index, env);
                }
            }
            return;
        }
        self.tested_trait(node, env);
        match &node.expr {
            Expr::Binary(a, op @ (BinaryOp::And | BinaryOp::Or), b) => {
                self.walk(a, env);
                // `b` is evaluated only where `a` is true (`&&`) or false (`||`).
                let facts = self.facts(a, *op == BinaryOp::And, env, 0);
                self.walk(b, &env.with(facts));
            }
            Expr::If(cond, then, otherwise) => {
                self.walk(cond, env);
                self.walk(then, &env.with(self.facts(cond, true, env, 0)));
                if let Some(otherwise) = otherwise {
                    self.walk(otherwise, &env.with(self.facts(cond, false, env, 0)));
                }
            }
            Expr::Assert(cond, message, rest) => {
                self.walk(cond, env);
                if let Some(message) = message {
                    self.walk(message, &env.with(self.facts(cond, false, env, 0)));
                }
                self.walk(rest, &env.with(self.facts(cond, true, env, 0)));
            }
            Expr::Local(binds, rest) => {
                let inner = env.bind(binds);
                self.binds(binds, &inner);
                self.walk(rest, &inner);
            }
            Expr::Function(params, body) => self.function(params, body, env),
            Expr::Object(members) => self.object(members, env),
            Expr::ObjectComp(members, specs) => {
                let inner = self.specs(specs, env);
                let locals = locals(members);
                let inner = inner.bind(locals.iter().copied());
                self.binds(locals, &inner);
                for member in members {
                    self.field(member, &inner);
                }
            }
            Expr::ArrayComp(item, specs) => {
                let inner = self.specs(specs, env);
                self.walk(item, &inner);
            }
            _ => node.each_child(&mut |child| self.walk(child, env)),
        }
    }

    /// The defaults and the body of a function, with its parameters bound.
    fn function(&mut self, params: &'a [Param<'a>], body: &'a Node<'a>, env: &Env<'a>) {
        let inner = env.params(params);
        for default in params.iter().filter_map(|p| p.default.as_ref()) {
            self.walk(default, &inner);
        }
        self.walk(body, &inner);
    }

    /// The values of locals something refers to (an unused local is never evaluated).
    fn binds(&mut self, binds: impl IntoIterator<Item = &'a Bind<'a>>, env: &Env<'a>) {
        for bind in binds {
            let tree = self.tree;
            let used = self.used.get_or_insert_with(|| {
                let mut used = HashSet::new();
                collect_vars(tree, &mut used);
                used
            });
            if !used.contains(bind.name) {
                continue;
            }
            match &bind.params {
                Some(params) => self.function(params, &bind.value, env),
                None => self.walk(&bind.value, env),
            }
        }
    }

    /// Walks the `for` and `if` of a comprehension; what holds inside it.
    fn specs(&mut self, specs: &'a [ForSpec<'a>], env: &Env<'a>) -> Env<'a> {
        let mut env = env.clone();
        for spec in specs {
            self.walk(&spec.source, &env);
            env.name(spec.var, None);
            for cond in &spec.conditions {
                self.walk(cond, &env);
                env.assume(self.facts(cond, true, &env, 0));
            }
        }
        env
    }

    fn object(&mut self, members: &'a [Member<'a>], env: &Env<'a>) {
        let locals = locals(members);
        // Most objects have no locals and no assertions: their fields share `env`.
        let mut inner = if locals.is_empty() {
            Cow::Borrowed(env)
        } else {
            Cow::Owned(env.bind(locals.iter().copied()))
        };
        self.binds(locals, &inner);
        // The object's assertions hold before any field is read.
        for member in members {
            if let Member::Assert(cond, message) = member {
                self.walk(cond, &inner);
                if let Some(message) = message {
                    self.walk(message, &inner.with(self.facts(cond, false, &inner, 0)));
                }
            }
        }
        for member in members {
            if let Member::Assert(cond, _) = member {
                let facts = self.facts(cond, true, &inner, 0);
                inner.to_mut().assume(facts);
            }
        }
        for member in members {
            self.field(member, &inner);
        }
    }

    /// The name and value of `member` if it is a field.
    fn field(&mut self, member: &'a Member<'a>, env: &Env<'a>) {
        let Member::Field {
            name,
            params,
            value,
            colons,
        } = member
        else {
            return;
        };
        // A hidden field is evaluated only if something reads it: not followed.
        if *colons == 2 {
            return;
        }
        let mut env = Cow::Borrowed(env);
        if let FieldName::Computed(name) = name {
            self.walk(name, &env);
            // `[if guard then 'name']: value`: the value is evaluated only where the name is
            // not null.
            if let Expr::If(cond, _, otherwise) = &unparen(name).expr
                && otherwise.as_deref().is_none_or(|o| self.is_null(o))
            {
                let facts = self.facts(cond, true, &env, 0);
                env.to_mut().assume(facts);
            }
        }
        match params {
            Some(params) => self.function(params, value, &env),
            None => self.walk(value, &env),
        }
    }

    fn is_null(&self, node: &Node) -> bool {
        let node = unparen(node);
        // A literal is `null`, `true`, `false` or a number.
        matches!(node.expr, Expr::Literal(_))
            && self
                .source
                .get(node.at..)
                .is_some_and(|rest| rest.starts_with("null"))
    }

    /// Checks one read `ctx.X…` (`node`, with `parts` after `ctx`): what `ctx` has, then the
    /// traits it reads.
    fn read(&mut self, node: &Node, parts: &[Part<'_>], env: &Env<'a>) {
        if env.silent {
            return;
        }
        let found = self.errors.len();
        self.read_ctx(node, parts, env);
        if self.errors.len() == found {
            self.read_traits(node, parts, env);
        }
    }

    /// How many of `parts` lead to the traits (`identity.traits`, `session.identity.traits`),
    /// when schemas are declared and `parts` read below them.
    fn traits_prefix(&self, parts: &[Part<'_>]) -> Option<usize> {
        self.traits?;
        identity_key(parts)
            .filter(|(_, key)| key == "traits")
            .map(|(at, _)| at + 1)
    }

    /// The steps below the traits that `parts` reads: keys written out and numbers, up to the
    /// first step computed otherwise.
    fn steps<'p>(&self, parts: &'p [Part<'p>]) -> Vec<(Step<'p>, Option<Cow<'p, str>>)> {
        let mut steps = Vec::new();
        for part in parts {
            match part {
                Part::Name(name) => steps.push((Step::Key(name), None)),
                Part::Index(index) => match literal(index) {
                    Some(key) => steps.push((Step::Key(""), Some(key))),
                    None if self.is_number(index) => steps.push((Step::Index, None)),
                    None => break,
                },
            }
        }
        steps
    }

    fn is_number(&self, node: &Node) -> bool {
        let node = unparen(node);
        matches!(node.expr, Expr::Literal(_))
            && self
                .source
                .get(node.at..)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    }

    /// Holds a read below the traits to the schemas: `node`, with `parts` after `ctx`.
    fn read_traits(&mut self, node: &Node, parts: &[Part<'_>], env: &Env<'a>) {
        let Some(prefix) = self.traits_prefix(parts) else {
            return;
        };
        self.trait_path(node, parts, prefix, env);
    }

    /// Looks up the trait `parts[prefix..]` reads and reports what the schemas do not declare.
    fn trait_path(&mut self, node: &Node, parts: &[Part<'_>], prefix: usize, env: &Env<'a>) {
        let Some(schemas) = self.traits else {
            return;
        };
        let owned = self.steps(&parts[prefix..]);
        if owned.is_empty() {
            return;
        }
        let steps = as_steps(&owned);
        match schemas.lookup(&steps) {
            Lookup::Everywhere => {}
            Lookup::Nowhere { at } => {
                let kind = self.unknown_trait(node, prefix, &steps, at, false);
                self.report(node, prefix + at + 1, kind);
            }
            Lookup::Somewhere { lacking } => {
                // A schema that lacks step `k` is no problem where the read is guarded by a
                // test of that step.
                let guarded = |at: usize| {
                    let Some(path) = parts[..prefix + at + 1]
                        .iter()
                        .map(|part| self.part_key(*part))
                        .collect::<Option<Vec<String>>>()
                    else {
                        return false;
                    };
                    let path: Vec<&str> = path.iter().map(String::as_str).collect();
                    env.is_present(&path)
                };
                let unguarded: Vec<(usize, usize)> = lacking
                    .into_iter()
                    .filter(|(_, at)| !guarded(*at))
                    .collect();
                let Some(at) = unguarded.iter().map(|(_, at)| *at).min() else {
                    return;
                };
                let Step::Key(key) = steps[at] else {
                    return;
                };
                let lacking: Vec<String> = unguarded
                    .iter()
                    .map(|(index, _)| schemas.list()[*index].name().to_owned())
                    .collect();
                let having = schemas
                    .list()
                    .iter()
                    .map(|s| s.name().to_owned())
                    .filter(|name| !lacking.contains(name))
                    .collect();
                let kind = CtxErrorKind::TraitInSome {
                    path: dotted(&steps[..=at]),
                    having,
                    lacking,
                    object: self.read_text(node, prefix + at),
                    key: key.to_owned(),
                };
                self.report(node, prefix + at + 1, kind);
            }
        }
    }

    /// The text of the read at `node` up to its `parts`-th step.
    fn read_text(&self, node: &Node, parts: usize) -> String {
        let start = node.at;
        let end = self.read_end(start, parts).unwrap_or(start);
        self.source.get(start..end).unwrap_or_default().to_owned()
    }

    /// A test for a trait that no schema declares: `'emial' in ctx.identity.traits`,
    /// `std.objectHas(ctx.identity.traits, 'emial')`, `std.get(ctx.identity.traits, 'emial')`.
    /// A typo, not an optional trait. (The object tested is a read, checked as one.)
    fn tested_trait(&mut self, node: &'a Node<'a>, env: &Env<'a>) {
        let Some(schemas) = self.traits else {
            return;
        };
        if env.silent || !env.ctx {
            return;
        }
        let (field, object) = match &unparen(node).expr {
            Expr::Binary(field, BinaryOp::In, object) => (&**field, &**object),
            Expr::Apply(function, args, _)
                if args.len() >= 2 && (is_presence_test(function) || is_std_get(function)) =>
            {
                (&args[1], &args[0])
            }
            _ => return,
        };
        let Some(key) = literal(field) else {
            return;
        };
        let object = unparen(object);
        let Some(parts) = chain_on(object, "ctx") else {
            return;
        };
        let Some(prefix) = self.traits_prefix(&parts) else {
            return;
        };
        let owned = self.steps(&parts[prefix..]);
        if owned.len() + prefix != parts.len() {
            return;
        }
        let mut steps = as_steps(&owned);
        steps.push(Step::Key(&key));
        if let Lookup::Nowhere { at } = schemas.lookup(&steps)
            && at + 1 == steps.len()
        {
            let kind = self.unknown_trait(object, prefix, &steps, at, true);
            // The key as written, in the quotes it is written in.
            let quote = self
                .source
                .get(field.at..)
                .and_then(|rest| rest.chars().next())
                .filter(|c| matches!(c, '"' | '\''))
                .unwrap_or('\'');
            let text = format!("{quote}{key}{quote}");
            let (line, column) = super::line_and_column(self.source, field.at);
            self.errors.push((
                field.at,
                CtxError {
                    line,
                    column,
                    text,
                    kind,
                },
            ));
        }
    }

    /// The error for `steps` (read on the chain at `node`, whose first `prefix` parts lead to
    /// the traits), which no schema declares from step `at`.
    fn unknown_trait(
        &self,
        node: &Node,
        prefix: usize,
        steps: &[Step<'_>],
        at: usize,
        tested: bool,
    ) -> CtxErrorKind {
        let Some(schemas) = self.traits else {
            unreachable!("trait reads are looked up only against schemas");
        };
        let suggestion = schemas.suggest(steps, at).map(|path| {
            path.iter()
                .fold(self.read_text(node, prefix), |mut text, key| {
                    if is_identifier(key) {
                        text.push('.');
                        text.push_str(key);
                    } else {
                        text.push_str(&format!("['{key}']"));
                    }
                    text
                })
        });
        CtxErrorKind::UnknownTrait {
            path: dotted(&steps[..=at]),
            suggestion,
            keys: schemas
                .keys_after(&steps[..at])
                .into_iter()
                .map(str::to_owned)
                .collect(),
            schemas: schemas.list().iter().map(|s| s.name().to_owned()).collect(),
            tested,
        }
    }

    /// Checks one read `ctx.X…` (`node`, with `parts` after `ctx`) against what `ctx` has.
    fn read_ctx(&mut self, node: &Node, parts: &[Part<'_>], env: &Env<'a>) {
        let Some(field) = parts[0].literal() else {
            return;
        };
        let field = &*field;
        let key = parts.get(1).and_then(|p| p.literal());
        if self.shape.reads(field, key.as_deref()) {
            return;
        }
        let Some(known) = TOP_LEVEL.iter().find(|f| **f == field) else {
            if !env.is_present(&[field]) {
                self.report(
                    node,
                    1,
                    CtxErrorKind::UnknownField {
                        field: field.to_owned(),
                        suggestion: did_you_mean(field, TOP_LEVEL),
                    },
                );
            }
            return;
        };
        if !self.shape.has(field) {
            // Under a guard of it, this read is dead code in this hook.
            if !env.is_present(&[field]) {
                self.report(
                    node,
                    1,
                    CtxErrorKind::NotPassed {
                        field: known,
                        shape: self.shape,
                    },
                );
            }
            return;
        }
        let (Some(keys), Some(key)) = (self.shape.keys_of(field), key.as_deref()) else {
            return;
        };
        if keys.contains(&key) || env.is_present(&[field, key]) {
            return;
        }
        let kind = match IDENTITY_REMOVED.iter().find(|k| **k == key) {
            Some(removed) if field == "identity" => CtxErrorKind::Removed { key: removed },
            _ => CtxErrorKind::UnknownKey {
                object: known,
                key: key.to_owned(),
                suggestion: did_you_mean(key, keys.iter().copied()),
                shape: self.shape,
            },
        };
        self.report(node, 2, kind);
    }

    /// Reports the read from the start of `node` to the end of its `parts`-th read.
    fn report(&mut self, node: &Node, parts: usize, kind: CtxErrorKind) {
        let start = node.at;
        let end = self.read_end(start, parts).unwrap_or(start);
        let text = self.source.get(start..end).unwrap_or_default().to_owned();
        let (line, column) = super::line_and_column(self.source, start);
        self.errors.push((
            start,
            CtxError {
                line,
                column,
                text,
                kind,
            },
        ));
    }

    /// Where the read that starts at `start` ends after `parts` steps: past `ctx` (in any
    /// parentheses), then past each `.name` or `[…]`.
    fn read_end(&self, start: usize, parts: usize) -> Option<usize> {
        let tokens = self.tokens;
        let first = tokens.binary_search_by_key(&start, |t| t.start).ok()?;
        let mut last = closing(tokens, first)?;
        for _ in 0..parts {
            let next = last + 1;
            last = match tokens.get(next)?.kind {
                Kind::Dot => next + 1,
                Kind::BracketL => closing(tokens, next)?,
                _ => return None,
            };
        }
        Some(token_end(tokens.get(last)?))
    }
}

/// The key `parts` read on the identity (`identity.K` or `session.identity.K`): its index in
/// `parts`, and the key.
fn identity_key<'p>(parts: &[Part<'p>]) -> Option<(usize, Cow<'p, str>)> {
    let name = |at: usize| parts.get(at).and_then(|part| part.literal());
    match name(0).as_deref() {
        Some("identity") => Some((1, name(1)?)),
        Some("session") if name(1).as_deref() == Some("identity") => Some((2, name(2)?)),
        _ => None,
    }
}

/// The steps of [`Walker::steps`], keys borrowed.
fn as_steps<'s>(owned: &'s [(Step<'s>, Option<Cow<'s, str>>)]) -> Vec<Step<'s>> {
    owned
        .iter()
        .map(|(step, key)| match key {
            Some(key) => Step::Key(key),
            None => *step,
        })
        .collect()
}

/// A trait's path as a message shows it: `name.first`, `emails[…].value`.
fn dotted(steps: &[Step<'_>]) -> String {
    let mut path = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Step::Index => path.push_str("[…]"),
        }
    }
    path
}

/// Whether `key` can be read as `.key`.
fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !lex::is_keyword(key)
}

/// `std.get`.
fn is_std_get(function: &Node) -> bool {
    match chain_on(unparen(function), "std").as_deref() {
        Some([member]) => member.literal().is_some_and(|m| m == "get"),
        _ => false,
    }
}

/// The `local`s of an object.
fn locals<'a>(members: &'a [Member<'a>]) -> Vec<&'a Bind<'a>> {
    members
        .iter()
        .filter_map(|m| match m {
            Member::Local(bind) => Some(bind),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
