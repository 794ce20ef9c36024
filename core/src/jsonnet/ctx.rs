//! What Kratos passes as `ctx` to a web hook's body, and the reads of `ctx` a body makes that
//! fail on every call.
//!
//! Kratos JSON-encodes its `templateContext` (`selfservice/hook/web_hook.go`) and hands it to the
//! template as `ctx`. `identity` and `session` are `omitempty` pointers that only some phases
//! set, so where a phase has none the key is absent and `ctx.session` fails ("field does not
//! exist"). The keys below are the JSON keys the Go structs can emit, read from ory/kratos at
//! commit b86338da (the union over every release since v1.0.0: no key was ever removed).
//!
//! The analysis finds reads `ctx.X`, `ctx['X']` and `ctx.X.Y` for `X` in `identity`, `session`
//! and `flow` (deeper levels are user-defined traits and metadata), and reports those that fail
//! whenever they are evaluated. It follows `ctx` only where it is sure what it refers to and
//! whether a read is guarded (`'session' in ctx`, `std.objectHas(ctx, 'session')`, …); wherever it
//! cannot follow (an alias, a computed key, a shadowing `ctx`, a guard it does not understand),
//! it stays silent: it never refuses a body Kratos would run.

use std::collections::HashSet;
use std::fmt;

use jrsonnet_parser::{
    BinaryOpType, BindSpec, CompSpec, Destruct, Expr, FieldMember, FieldName, IStr, LiteralType,
    LocExpr, Member, ObjBody, ParamsDesc, ParserSettings, Source, UnaryOpType, Visibility,
};

use crate::scope::{Flow, Timing};
use crate::suggest::did_you_mean;

/// The top-level fields of `ctx` every hook gets (`templateContext` in
/// `selfservice/hook/web_hook.go`).
pub const ALWAYS: [&str; 5] = [
    "flow",
    "request_headers",
    "request_method",
    "request_url",
    "request_cookies",
];

/// Every top-level field `ctx` can have: [`ALWAYS`], then `identity` and `session`, which only
/// some phases pass.
pub const TOP_LEVEL: [&str; 7] = [
    "flow",
    "request_headers",
    "request_method",
    "request_url",
    "request_cookies",
    "identity",
    "session",
];

/// The keys `ctx.identity` can have: the JSON keys of `Identity` (`identity/identity.go`),
/// `omitempty` ones included, minus [`IDENTITY_REMOVED`].
pub const IDENTITY: [&str; 14] = [
    "id",
    "external_id",
    "schema_id",
    "schema_url",
    "state",
    "state_changed_at",
    "traits",
    "verifiable_addresses",
    "recovery_addresses",
    "metadata_public",
    "created_at",
    "updated_at",
    "organization_id",
    "region",
];

/// Keys of `Identity` that its `MarshalJSON` always clears, so that `ctx.identity` never has
/// them: credentials and admin metadata are not given to web hooks.
pub const IDENTITY_REMOVED: [&str; 2] = ["credentials", "metadata_admin"];

/// The keys `ctx.session` can have: the JSON keys of `Session` (`session/session.go`).
pub const SESSION: [&str; 10] = [
    "id",
    "active",
    "expires_at",
    "authenticated_at",
    "authenticator_assurance_level",
    "authentication_methods",
    "issued_at",
    "identity",
    "devices",
    "tokenized",
];

/// The keys of `ctx.flow` in a login flow (`selfservice/flow/login/flow.go`).
pub const LOGIN_FLOW: [&str; 20] = [
    "id",
    "organization_id",
    "oauth2_login_challenge",
    "oauth2_login_request",
    "type",
    "expires_at",
    "issued_at",
    "request_url",
    "return_to",
    "active",
    "ui",
    "created_at",
    "updated_at",
    "refresh",
    "requested_aal",
    "session_token_exchange_code",
    "state",
    "transient_payload",
    "identity_schema",
    "test_context",
];

/// The keys of `ctx.flow` in a registration flow (`selfservice/flow/registration/flow.go`).
pub const REGISTRATION_FLOW: [&str; 15] = [
    "id",
    "oauth2_login_challenge",
    "oauth2_login_request",
    "type",
    "expires_at",
    "issued_at",
    "request_url",
    "return_to",
    "active",
    "ui",
    "organization_id",
    "transient_payload",
    "session_token_exchange_code",
    "state",
    "identity_schema",
];

/// The keys of `ctx.flow` in a settings flow (`selfservice/flow/settings/flow.go`).
pub const SETTINGS_FLOW: [&str; 13] = [
    "id",
    "type",
    "expires_at",
    "issued_at",
    "request_url",
    "return_to",
    "active",
    "ui",
    "identity",
    "state",
    "organization_id",
    "continue_with",
    "transient_payload",
];

/// The keys of `ctx.flow` in a recovery flow (`selfservice/flow/recovery/flow.go`).
pub const RECOVERY_FLOW: [&str; 11] = [
    "id",
    "type",
    "expires_at",
    "issued_at",
    "request_url",
    "return_to",
    "active",
    "ui",
    "state",
    "continue_with",
    "transient_payload",
];

/// The keys of `ctx.flow` in a verification flow (`selfservice/flow/verification/flow.go`).
pub const VERIFICATION_FLOW: [&str; 10] = [
    "id",
    "type",
    "expires_at",
    "issued_at",
    "request_url",
    "return_to",
    "active",
    "ui",
    "state",
    "transient_payload",
];

/// The keys of `ctx.flow` for a flow.
pub fn flow_keys(flow: Flow) -> &'static [&'static str] {
    match flow {
        Flow::Login => &LOGIN_FLOW,
        Flow::Registration => &REGISTRATION_FLOW,
        Flow::Settings => &SETTINGS_FLOW,
        Flow::Recovery => &RECOVERY_FLOW,
        Flow::Verification => &VERIFICATION_FLOW,
    }
}

/// What `ctx` holds for the hooks of one flow and timing.
///
/// `identity`: every `after` hook (login; registration pre- and post-persist; settings pre- and
/// post-persist; recovery; verification). `session`: login after, settings before and settings
/// after. Every other `before` hook gets neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CtxShape {
    flow: Flow,
    timing: Timing,
}

impl CtxShape {
    /// The context of the hooks of `flow` at `timing`.
    pub fn of(flow: Flow, timing: Timing) -> Self {
        CtxShape { flow, timing }
    }

    /// The flow.
    pub fn flow(self) -> Flow {
        self.flow
    }

    /// The timing.
    pub fn timing(self) -> Timing {
        self.timing
    }

    /// Whether `ctx.identity` is passed.
    pub fn has_identity(self) -> bool {
        self.timing == Timing::After
    }

    /// Whether `ctx.session` is passed.
    pub fn has_session(self) -> bool {
        matches!(
            (self.flow, self.timing),
            (Flow::Login, Timing::After) | (Flow::Settings, _)
        )
    }

    /// The top-level fields of `ctx`, in the order of [`TOP_LEVEL`].
    pub fn fields(self) -> Vec<&'static str> {
        TOP_LEVEL
            .into_iter()
            .filter(|field| self.has(field))
            .collect()
    }

    /// Whether `ctx` has the top-level field `field`.
    pub fn has(self, field: &str) -> bool {
        match field {
            "identity" => self.has_identity(),
            "session" => self.has_session(),
            _ => ALWAYS.contains(&field),
        }
    }

    /// The keys of the object `ctx.<field>`, for `identity`, `session` and `flow`; `None` for
    /// any other field.
    pub fn keys_of(self, field: &str) -> Option<&'static [&'static str]> {
        match field {
            "identity" => Some(&IDENTITY),
            "session" => Some(&SESSION),
            "flow" => Some(flow_keys(self.flow)),
            _ => None,
        }
    }

    /// Every flow and timing whose `ctx` has `field`.
    pub fn hooks_with(field: &str) -> Vec<CtxShape> {
        Flow::ALL
            .iter()
            .flat_map(|flow| {
                Timing::ALL
                    .iter()
                    .map(|timing| CtxShape::of(*flow, *timing))
            })
            .filter(|shape| shape.has(field))
            .collect()
    }
}

impl fmt::Display for CtxShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.flow, self.timing)
    }
}

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
                    _ => (format!("a {} flow", shape.flow), flow_keys(shape.flow)),
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
    if source.len() > super::MAX_BODY_BYTES {
        return Vec::new();
    }
    let source = super::escaped_slashes_as_backslashes(source);
    // The walk recurses once per nesting level, as the parser does.
    let spawned = std::thread::Builder::new()
        .name("ory-actions-jsonnet-ctx".into())
        .stack_size(super::PARSER_STACK)
        .spawn({
            let source = source.clone();
            move || analyse(&source, shape)
        });
    match spawned {
        Ok(thread) => thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        Err(_) => analyse(&source, shape),
    }
}

fn analyse(source: &str, shape: CtxShape) -> Vec<CtxError> {
    let settings = ParserSettings {
        source: Source::new_virtual("body.jsonnet".into(), IStr::from(source)),
    };
    let Ok(parsed) = jrsonnet_parser::parse(source, &settings) else {
        return Vec::new();
    };
    let mut used = HashSet::new();
    collect_vars(&parsed, &mut used);
    let mut walker = Walker {
        source,
        shape,
        used,
        errors: Vec::new(),
    };
    let mut env = Env::top();
    let mut top = &parsed;
    // Down to the function of `ctx`, through what `check_body` looks through.
    loop {
        match top.expr() {
            Expr::Parened(inner) | Expr::AssertExpr(_, inner) => top = inner,
            Expr::LocalExpr(binds, inner) => {
                env = env.bind(binds);
                top = inner;
            }
            Expr::Function(params, body) => {
                if params.iter().any(|p| p.0.name().as_deref() == Some("ctx")) {
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
    walker.errors
}

/// Every variable name the template refers to, to skip locals nothing uses (Jsonnet is lazy:
/// an unused local is never evaluated).
fn collect_vars(expr: &LocExpr, into: &mut HashSet<String>) {
    if let Expr::Var(name) = expr.expr() {
        into.insert(name.to_string());
    }
    for child in children(expr) {
        collect_vars(child, into);
    }
}

/// Every direct sub-expression.
fn children(expr: &LocExpr) -> Vec<&LocExpr> {
    fn binds<'a>(out: &mut Vec<&'a LocExpr>, binds: &'a [BindSpec]) {
        for bind in binds {
            match bind {
                BindSpec::Field { value, .. } => out.push(value),
                BindSpec::Function { params, value, .. } => {
                    defaults(out, params);
                    out.push(value);
                }
            }
        }
    }
    fn defaults<'a>(out: &mut Vec<&'a LocExpr>, params: &'a ParamsDesc) {
        out.extend(params.iter().filter_map(|p| p.1.as_ref()));
    }
    fn specs<'a>(out: &mut Vec<&'a LocExpr>, specs: &'a [CompSpec]) {
        for spec in specs {
            match spec {
                CompSpec::IfSpec(c) => out.push(&c.0),
                CompSpec::ForSpec(f) => out.push(&f.1),
            }
        }
    }
    fn field<'a>(out: &mut Vec<&'a LocExpr>, field: &'a FieldMember) {
        if let FieldName::Dyn(name) = &field.name {
            out.push(name);
        }
        if let Some(params) = &field.params {
            defaults(out, params);
        }
        out.push(&field.value);
    }
    fn object<'a>(out: &mut Vec<&'a LocExpr>, body: &'a ObjBody) {
        match body {
            ObjBody::MemberList(members) => {
                for member in members {
                    match member {
                        Member::Field(f) => field(out, f),
                        Member::BindStmt(b) => binds(out, std::slice::from_ref(b)),
                        Member::AssertStmt(a) => {
                            out.push(&a.0);
                            out.extend(a.1.as_ref());
                        }
                    }
                }
            }
            ObjBody::ObjComp(comp) => {
                binds(out, &comp.pre_locals);
                field(out, &comp.field);
                binds(out, &comp.post_locals);
                specs(out, &comp.compspecs);
            }
        }
    }
    let mut out = Vec::new();
    match expr.expr() {
        Expr::Literal(_) | Expr::Str(_) | Expr::Num(_) | Expr::Var(_) => {}
        Expr::Arr(items) => out.extend(items),
        Expr::ArrComp(item, s) => {
            out.push(item);
            specs(&mut out, s);
        }
        Expr::Obj(body) => object(&mut out, body),
        Expr::ObjExtend(base, body) => {
            out.push(base);
            object(&mut out, body);
        }
        Expr::Parened(e)
        | Expr::UnaryOp(_, e)
        | Expr::Import(e)
        | Expr::ImportStr(e)
        | Expr::ImportBin(e)
        | Expr::ErrorStmt(e) => out.push(e),
        Expr::BinaryOp(a, _, b) => {
            out.push(a);
            out.push(b);
        }
        Expr::AssertExpr(a, rest) => {
            out.push(&a.0);
            out.extend(a.1.as_ref());
            out.push(rest);
        }
        Expr::LocalExpr(b, rest) => {
            binds(&mut out, b);
            out.push(rest);
        }
        Expr::Apply(f, args, _) => {
            out.push(f);
            out.extend(&args.unnamed);
            out.extend(args.named.iter().map(|(_, v)| v));
        }
        Expr::Index { indexable, parts } => {
            out.push(indexable);
            out.extend(parts.iter().map(|p| &p.value));
        }
        Expr::Function(params, body) => {
            defaults(&mut out, params);
            out.push(body);
        }
        Expr::IfElse {
            cond,
            cond_then,
            cond_else,
        } => {
            out.push(&cond.0);
            out.push(cond_then);
            out.extend(cond_else.as_ref());
        }
        Expr::Slice(sliced, desc) => {
            out.push(sliced);
            out.extend([&desc.start, &desc.end, &desc.step].into_iter().flatten());
        }
    }
    out
}

/// A field known to be present: `["session"]` for `ctx.session`, `["flow", "x"]` for
/// `ctx.flow.x`.
type Path = Vec<IStr>;

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
struct Env {
    /// `ctx` is the top-level function's parameter here (not shadowed).
    ctx: bool,
    /// A guard the analysis cannot follow encloses this place: report nothing.
    silent: bool,
    /// Fields known to be present here.
    present: Vec<Path>,
    /// Names bound by locals (with their value) and by parameters (without), innermost last.
    locals: Vec<(IStr, Option<LocExpr>)>,
}

impl Env {
    fn top() -> Self {
        Env {
            ctx: false,
            silent: false,
            present: Vec::new(),
            locals: Vec::new(),
        }
    }

    fn with(&self, facts: Facts) -> Env {
        let mut env = self.clone();
        match facts {
            Facts::Known(paths) => env.present.extend(paths),
            Facts::Opaque => env.silent = true,
        }
        env
    }

    fn bind(&self, binds: &[BindSpec]) -> Env {
        let mut env = self.clone();
        for bind in binds {
            match bind {
                BindSpec::Field { into, value } => env.name(into, Some(value.clone())),
                BindSpec::Function { name, .. } => env.name(&Destruct::Full(name.clone()), None),
            }
        }
        env
    }

    fn params(&self, params: &ParamsDesc) -> Env {
        let mut env = self.clone();
        for param in params.iter() {
            env.name(&param.0, None);
        }
        env
    }

    fn name(&mut self, into: &Destruct, value: Option<LocExpr>) {
        match into.name() {
            Some(name) => {
                if &*name == "ctx" {
                    self.ctx = false;
                }
                self.locals.push((name, value));
            }
            // A destructuring pattern may bind anything, `ctx` included.
            None => self.ctx = false,
        }
    }

    fn local(&self, name: &str) -> Option<&Option<LocExpr>> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| &**n == name)
            .map(|(_, v)| v)
    }

    fn is_present(&self, path: &[&str]) -> bool {
        self.present
            .iter()
            .any(|p| p.len() == path.len() && p.iter().zip(path).all(|(a, b)| &**a == *b))
    }
}

/// How deep a condition is followed through locals.
const MAX_LOCAL_DEPTH: usize = 8;

/// `expr` without parentheses.
fn unparen(mut expr: &LocExpr) -> &LocExpr {
    while let Expr::Parened(inner) = expr.expr() {
        expr = inner;
    }
    expr
}

fn literal(expr: &LocExpr) -> Option<&IStr> {
    match unparen(expr).expr() {
        Expr::Str(s) => Some(s),
        _ => None,
    }
}

fn is_null(expr: &LocExpr) -> bool {
    matches!(unparen(expr).expr(), Expr::Literal(LiteralType::Null))
}

/// `std.<name>` for a presence test: `objectHas`, `objectHasAll` or `objectHasEx`.
fn is_presence_test(function: &LocExpr) -> bool {
    match unparen(function).expr() {
        Expr::Index { indexable, parts } if parts.len() == 1 => {
            matches!(unparen(indexable).expr(), Expr::Var(v) if &**v == "std")
                && literal(&parts[0].value)
                    .is_some_and(|m| matches!(&**m, "objectHas" | "objectHasAll" | "objectHasEx"))
        }
        _ => false,
    }
}

fn is_std_call(function: &LocExpr) -> bool {
    match unparen(function).expr() {
        Expr::Index { indexable, .. } => {
            matches!(unparen(indexable).expr(), Expr::Var(v) if &**v == "std")
        }
        _ => false,
    }
}

struct Walker<'a> {
    source: &'a str,
    shape: CtxShape,
    used: HashSet<String>,
    errors: Vec<CtxError>,
}

impl Walker<'_> {
    /// The path of an object of `ctx` the analysis follows: `[]` for `ctx`, `[X]` for `ctx.X`.
    fn object_path(&self, expr: &LocExpr, env: &Env) -> Option<Path> {
        if !env.ctx {
            return None;
        }
        match unparen(expr).expr() {
            Expr::Var(v) if &**v == "ctx" => Some(Vec::new()),
            Expr::Index { indexable, parts }
                if parts.len() == 1
                    && matches!(unparen(indexable).expr(), Expr::Var(v) if &**v == "ctx") =>
            {
                literal(&parts[0].value).map(|field| vec![field.clone()])
            }
            _ => None,
        }
    }

    /// The field a presence test `'F' in O` or `std.objectHas(O, 'F')` proves present.
    fn presence(&self, expr: &LocExpr, env: &Env) -> Option<Path> {
        let (field, object) = match unparen(expr).expr() {
            Expr::BinaryOp(field, BinaryOpType::In, object) => (field, object),
            Expr::Apply(function, args, _)
                if is_presence_test(function) && args.unnamed.len() >= 2 =>
            {
                (&args.unnamed[1], &args.unnamed[0])
            }
            _ => return None,
        };
        let mut path = self.object_path(object, env)?;
        path.push(literal(field)?.clone());
        Some(path)
    }

    /// What holds where `cond` evaluated to `holds`.
    fn facts(&self, cond: &LocExpr, holds: bool, env: &Env, depth: usize) -> Facts {
        if let Some(path) = self.presence(cond, env) {
            return if holds {
                Facts::Known(vec![path])
            } else {
                Facts::none()
            };
        }
        match unparen(cond).expr() {
            Expr::UnaryOp(UnaryOpType::Not, inner) => self.facts(inner, !holds, env, depth),
            Expr::BinaryOp(a, op @ (BinaryOpType::And | BinaryOpType::Or), b) => {
                let (a, b) = (
                    self.facts(a, holds, env, depth),
                    self.facts(b, holds, env, depth),
                );
                // `a && b` is true when both are; false when one is.
                if (*op == BinaryOpType::And) == holds {
                    a.and(b)
                } else {
                    a.or(b)
                }
            }
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

    /// Whether `expr` may test which fields `ctx` has in a way [`Walker::facts`] does not
    /// follow: a presence test or `ctx` (or `ctx.identity`, …) used as a value, a call of a
    /// function that is not `std`'s, or a local whose value is such.
    fn suspect(&self, expr: &LocExpr, env: &Env, depth: usize) -> bool {
        if self.presence(expr, env).is_some() {
            return true;
        }
        match expr.expr() {
            Expr::Var(v) if &**v == "ctx" => return true,
            Expr::Var(v) => {
                return match env.local(v) {
                    Some(Some(value)) if depth < MAX_LOCAL_DEPTH => {
                        self.suspect(value, env, depth + 1)
                    }
                    Some(Some(_)) => true,
                    Some(None) | None => false,
                };
            }
            Expr::Index { indexable, parts } if matches!(unparen(indexable).expr(), Expr::Var(v) if &**v == "ctx") =>
            {
                let deep_enough = match parts.first().and_then(|p| literal(&p.value)) {
                    Some(field) => {
                        parts.len() >= 2 || !matches!(&**field, "identity" | "session" | "flow")
                    }
                    None => false,
                };
                return !deep_enough || parts.iter().any(|p| self.suspect(&p.value, env, depth));
            }
            Expr::Apply(function, ..) if !is_std_call(function) => return true,
            _ => {}
        }
        children(expr)
            .into_iter()
            .any(|child| self.suspect(child, env, depth))
    }

    fn walk(&mut self, expr: &LocExpr, env: &Env) {
        match expr.expr() {
            Expr::Index { indexable, parts }
                if env.ctx
                    && matches!(unparen(indexable).expr(), Expr::Var(v) if &**v == "ctx") =>
            {
                self.read(expr, parts, env);
                for part in parts {
                    self.walk(&part.value, env);
                }
            }
            Expr::BinaryOp(a, op @ (BinaryOpType::And | BinaryOpType::Or), b) => {
                self.walk(a, env);
                // `b` is evaluated only where `a` is true (`&&`) or false (`||`).
                let facts = self.facts(a, *op == BinaryOpType::And, env, 0);
                self.walk(b, &env.with(facts));
            }
            Expr::IfElse {
                cond,
                cond_then,
                cond_else,
            } => {
                self.walk(&cond.0, env);
                self.walk(cond_then, &env.with(self.facts(&cond.0, true, env, 0)));
                if let Some(otherwise) = cond_else {
                    self.walk(otherwise, &env.with(self.facts(&cond.0, false, env, 0)));
                }
            }
            Expr::AssertExpr(assert, rest) => {
                self.walk(&assert.0, env);
                if let Some(message) = &assert.1 {
                    self.walk(message, &env.with(self.facts(&assert.0, false, env, 0)));
                }
                self.walk(rest, &env.with(self.facts(&assert.0, true, env, 0)));
            }
            Expr::LocalExpr(binds, rest) => {
                let inner = env.bind(binds);
                self.binds(binds, &inner);
                self.walk(rest, &inner);
            }
            Expr::Function(params, body) => {
                let inner = env.params(params);
                for default in params.iter().filter_map(|p| p.1.as_ref()) {
                    self.walk(default, &inner);
                }
                self.walk(body, &inner);
            }
            Expr::Obj(body) => self.object(body, env),
            Expr::ObjExtend(base, body) => {
                self.walk(base, env);
                self.object(body, env);
            }
            Expr::ArrComp(item, specs) => {
                let inner = self.specs(specs, env);
                self.walk(item, &inner);
            }
            _ => {
                for child in children(expr) {
                    self.walk(child, env);
                }
            }
        }
    }

    /// The values of locals something refers to (an unused local is never evaluated).
    fn binds(&mut self, binds: &[BindSpec], env: &Env) {
        for bind in binds {
            match bind {
                BindSpec::Field { into, value } => {
                    if into.name().is_none_or(|name| self.used.contains(&*name)) {
                        self.walk(value, env);
                    }
                }
                BindSpec::Function {
                    name,
                    params,
                    value,
                } => {
                    if self.used.contains(&**name) {
                        let inner = env.params(params);
                        for default in params.iter().filter_map(|p| p.1.as_ref()) {
                            self.walk(default, &inner);
                        }
                        self.walk(value, &inner);
                    }
                }
            }
        }
    }

    /// Walks the `for` and `if` of a comprehension; what holds inside it.
    fn specs(&mut self, specs: &[CompSpec], env: &Env) -> Env {
        let mut env = env.clone();
        for spec in specs {
            match spec {
                CompSpec::ForSpec(each) => {
                    self.walk(&each.1, &env);
                    env.name(&each.0, None);
                }
                CompSpec::IfSpec(cond) => {
                    self.walk(&cond.0, &env);
                    env = env.with(self.facts(&cond.0, true, &env, 0));
                }
            }
        }
        env
    }

    fn object(&mut self, body: &ObjBody, env: &Env) {
        match body {
            ObjBody::MemberList(members) => {
                let locals: Vec<BindSpec> = members
                    .iter()
                    .filter_map(|m| match m {
                        Member::BindStmt(b) => Some(b.clone()),
                        _ => None,
                    })
                    .collect();
                let mut inner = env.bind(&locals);
                self.binds(&locals, &inner);
                // The object's assertions hold before any field is read.
                for member in members {
                    if let Member::AssertStmt(assert) = member {
                        self.walk(&assert.0, &inner);
                        if let Some(message) = &assert.1 {
                            self.walk(
                                message,
                                &inner.with(self.facts(&assert.0, false, &inner, 0)),
                            );
                        }
                    }
                }
                for member in members {
                    if let Member::AssertStmt(assert) = member {
                        inner = inner.with(self.facts(&assert.0, true, &inner, 0));
                    }
                }
                for member in members {
                    if let Member::Field(field) = member {
                        self.field(field, &inner);
                    }
                }
            }
            ObjBody::ObjComp(comp) => {
                let inner = self.specs(&comp.compspecs, env);
                let locals: Vec<BindSpec> = comp
                    .pre_locals
                    .iter()
                    .chain(&comp.post_locals)
                    .cloned()
                    .collect();
                let inner = inner.bind(&locals);
                self.binds(&locals, &inner);
                self.field(&comp.field, &inner);
            }
        }
    }

    fn field(&mut self, field: &FieldMember, env: &Env) {
        // A hidden field is evaluated only if something reads it: not followed.
        if field.visibility == Visibility::Hidden {
            return;
        }
        let mut env = env.clone();
        if let FieldName::Dyn(name) = &field.name {
            self.walk(name, &env);
            // `[if guard then 'name']: value`: the value is evaluated only where the name is
            // not null.
            if let Expr::IfElse {
                cond, cond_else, ..
            } = unparen(name).expr()
                && cond_else.as_ref().is_none_or(is_null)
            {
                env = env.with(self.facts(&cond.0, true, &env, 0));
            }
        }
        if let Some(params) = &field.params {
            env = env.params(params);
            for default in params.iter().filter_map(|p| p.1.as_ref()) {
                self.walk(default, &env);
            }
        }
        self.walk(&field.value, &env);
    }

    /// Checks one read `ctx.X…` (`expr`, with `parts` after `ctx`).
    fn read(&mut self, expr: &LocExpr, parts: &[jrsonnet_parser::IndexPart], env: &Env) {
        if env.silent {
            return;
        }
        let Some(field) = parts.first().and_then(|p| literal(&p.value)) else {
            return;
        };
        let field = &**field;
        let Some(known) = TOP_LEVEL.iter().find(|f| **f == field) else {
            if !env.is_present(&[field]) {
                self.report(
                    expr,
                    &parts[0],
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
                    expr,
                    &parts[0],
                    CtxErrorKind::NotPassed {
                        field: known,
                        shape: self.shape,
                    },
                );
            }
            return;
        }
        let (Some(keys), Some(second)) = (
            self.shape.keys_of(field),
            parts.get(1).and_then(|p| literal(&p.value)),
        ) else {
            return;
        };
        let key = &**second;
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
        self.report(expr, &parts[1], kind);
    }

    /// Reports the read from the start of `expr` to the end of `last`.
    fn report(&mut self, expr: &LocExpr, last: &jrsonnet_parser::IndexPart, kind: CtxErrorKind) {
        let start = expr.span().1 as usize;
        let mut end = last.value.span().2 as usize;
        // `ctx['x']`: the part is the string; the read ends at the bracket.
        let before = self
            .source
            .get(..last.value.span().1 as usize)
            .unwrap_or_default();
        if before.trim_end().ends_with('[') {
            let rest = self.source.get(end..).unwrap_or_default();
            if let Some(after) = rest.trim_start().strip_prefix(']') {
                end = self.source.len() - after.len();
            }
        }
        let text = self.source.get(start..end).unwrap_or_default().to_owned();
        let (line, column) = super::line_and_column(self.source, start);
        self.errors.push(CtxError {
            line,
            column,
            text,
            kind,
        });
    }
}

#[cfg(test)]
mod tests;
