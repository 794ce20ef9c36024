//! The body of a web hook: a Jsonnet template that Kratos evaluates with the context as the
//! top-level argument `ctx`.

use std::fmt;

use jrsonnet_parser::{
    ArgsDesc, BindSpec, CompSpec, Expr, FieldName, IStr, LocExpr, Member, ObjBody, ParserSettings,
    Source,
};

/// What a valid body evaluates to at the top level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyShape {
    /// A function of `ctx`: Kratos calls it with the flow's context.
    Function,
    /// Anything else: a constant payload that ignores the context.
    Constant,
}

/// Why a body is not a template Kratos can evaluate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyError {
    /// The template does not parse.
    Syntax {
        /// Line in the template, from 1.
        line: usize,
        /// Column in that line, from 1.
        column: usize,
        /// What the parser expected there.
        expected: String,
    },
    /// The body is a URL, not Jsonnet source.
    Url {
        /// The scheme it starts with.
        scheme: &'static str,
    },
    /// The top level is a function without a parameter named `ctx`.
    MissingCtx {
        /// The parameters it has.
        params: Vec<String>,
    },
    /// A parameter other than `ctx` without a default: Kratos passes only `ctx`.
    ParamNeedsDefault {
        /// The parameter.
        name: String,
    },
    /// The template is larger than [`MAX_BODY_BYTES`].
    TooLarge {
        /// Its size in bytes.
        bytes: usize,
    },
    /// The template uses what Kratos's Jsonnet VM does not offer: `import`, `importstr`,
    /// `importbin`, `std.extVar` or `std.native`.
    Unavailable {
        /// What it uses.
        what: &'static str,
        /// Line in the template, from 1.
        line: usize,
        /// Column in that line, from 1.
        column: usize,
    },
    /// The template is a function of `ctx` whose result is a function, which cannot be
    /// manifested as JSON.
    ReturnsFunction,
}

/// The largest body template accepted: far above any real web hook payload, and small enough
/// that parsing it can never exhaust the parser's stack.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The stack the parser runs on. The parser recurses once per nesting level, a few KiB each
/// in a debug build; 64 KiB of `[` or `-` stays well inside this. Only what is used is touched.
const PARSER_STACK: usize = 1 << 30;

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::Syntax {
                line,
                column,
                expected,
            } => write!(
                f,
                "the Jsonnet body does not parse: line {line}, column {column}: expected {expected}"
            ),
            BodyError::Url { scheme } => write!(
                f,
                "`body` is Jsonnet source, not a `{scheme}` URL: {}",
                match *scheme {
                    "http" | "https" =>
                        "for a template Kratos fetches, write \
                                         `url(\"https://…\")`",
                    "file" =>
                        "for a template Kratos reads from its disk, write \
                               `kratos_file(\"/path/to/template.jsonnet\")`; to inline a file \
                               of this crate, `file(\"path/to/template.jsonnet\")`",
                    _ =>
                        "write the template inline or read it with \
                          `file(\"path/to/template.jsonnet\")`",
                }
            ),
            BodyError::MissingCtx { params } if params.is_empty() => f.write_str(
                "the Jsonnet body is a function without parameters: Kratos passes the flow's \
                 context as the argument `ctx`, so write `function(ctx) …`",
            ),
            BodyError::MissingCtx { params } => write!(
                f,
                "the Jsonnet body is a function of `{}` but Kratos passes the flow's context as \
                 the argument `ctx`: name a parameter `ctx`",
                params.join("`, `")
            ),
            BodyError::ParamNeedsDefault { name } => write!(
                f,
                "parameter `{name}` of the Jsonnet body needs a default value: Kratos passes \
                 only `ctx`"
            ),
            BodyError::TooLarge { bytes } => write!(
                f,
                "the Jsonnet body is {bytes} bytes; at most {MAX_BODY_BYTES} are accepted"
            ),
            BodyError::Unavailable { what, line, column } => write!(
                f,
                "the Jsonnet body uses `{what}` at line {line}, column {column}, which Kratos's \
                 Jsonnet VM does not offer (it refuses imports and has no external variables or \
                 native functions): every call of this web hook would fail; put what it needs \
                 in the template itself"
            ),
            BodyError::ReturnsFunction => f.write_str(
                "the Jsonnet body is a function of `ctx` that returns a function, which Kratos \
                 cannot send as JSON: return an object, such as `function(ctx) { id: \
                 ctx.identity.id }`",
            ),
        }
    }
}

impl std::error::Error for BodyError {}

/// Removes the indentation an inline template gets from the code around it: leading blank
/// lines, trailing white space, and the indentation common to every non-blank line (as a
/// Terraform `<<-` heredoc does). A template already flush left comes back unchanged.
pub fn dedent(source: &str) -> String {
    let lines: Vec<&str> = source
        .trim_end()
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or_else(|| l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
}

const URL_SCHEMES: [&str; 4] = ["http://", "https://", "file://", "base64://"];

/// Parses a body template and checks that Kratos can call it.
///
/// A template whose top level (under `local`, `assert` and parentheses) is a function must take
/// a parameter named `ctx`, and every other parameter needs a default. Any other template is a
/// constant payload.
pub fn check_body(source: &str) -> Result<BodyShape, BodyError> {
    if let Some(scheme) = URL_SCHEMES.iter().find(|s| source.starts_with(*s)) {
        return Err(BodyError::Url {
            scheme: scheme.trim_end_matches("://"),
        });
    }
    if source.len() > MAX_BODY_BYTES {
        return Err(BodyError::TooLarge {
            bytes: source.len(),
        });
    }
    let source = escaped_slashes_as_backslashes(source);
    // A deeply nested template must not overflow the caller's stack, which may be rustc's.
    let spawned = std::thread::Builder::new()
        .name("ory-actions-jsonnet".into())
        .stack_size(PARSER_STACK)
        .spawn({
            let source = source.clone();
            move || parse_and_check(&source)
        });
    match spawned {
        Ok(thread) => thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        // No thread to be had: the size limit still bounds the depth.
        Err(_) => parse_and_check(&source),
    }
}

fn parse_and_check(source: &str) -> Result<BodyShape, BodyError> {
    let settings = ParserSettings {
        source: Source::new_virtual("body.jsonnet".into(), IStr::from(source)),
    };
    let parsed = jrsonnet_parser::parse(source, &settings).map_err(|e| BodyError::Syntax {
        line: e.location.line,
        column: e.location.column,
        expected: e.expected.to_string(),
    })?;
    if let Some((what, offset)) = unavailable(&parsed) {
        let (line, column) = line_and_column(source, offset);
        return Err(BodyError::Unavailable { what, line, column });
    }
    top_level_shape(&parsed)
}

/// The line and column (from 1) of a byte offset in `source`.
fn line_and_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |text| text.chars().count())
        + 1;
    (line, column)
}

/// The first use, in source order, of what Kratos's VM does not offer, and its byte offset.
fn unavailable(expr: &LocExpr) -> Option<(&'static str, usize)> {
    let at = |what: &'static str| Some((what, expr.span().1 as usize));
    fn all<'a>(mut exprs: impl Iterator<Item = &'a LocExpr>) -> Option<(&'static str, usize)> {
        exprs.find_map(unavailable)
    }
    let binds = |binds: &[BindSpec]| {
        binds.iter().find_map(|bind| match bind {
            BindSpec::Field { value, .. } => unavailable(value),
            BindSpec::Function { params, value, .. } => params
                .iter()
                .filter_map(|p| p.1.as_ref())
                .find_map(unavailable)
                .or_else(|| unavailable(value)),
        })
    };
    let args = |args: &ArgsDesc| {
        all(args
            .unnamed
            .iter()
            .chain(args.named.iter().map(|(_, value)| value)))
    };
    let comps = |specs: &[CompSpec]| {
        specs.iter().find_map(|spec| match spec {
            CompSpec::IfSpec(condition) => unavailable(&condition.0),
            CompSpec::ForSpec(each) => unavailable(&each.1),
        })
    };
    let field = |field: &jrsonnet_parser::FieldMember| {
        let name = match &field.name {
            FieldName::Dyn(name) => unavailable(name),
            FieldName::Fixed(_) => None,
        };
        name.or_else(|| {
            field
                .params
                .iter()
                .flat_map(|params| params.iter())
                .filter_map(|p| p.1.as_ref())
                .find_map(unavailable)
        })
        .or_else(|| unavailable(&field.value))
    };
    let object = |body: &ObjBody| match body {
        ObjBody::MemberList(members) => members.iter().find_map(|member| match member {
            Member::Field(f) => field(f),
            Member::BindStmt(bind) => binds(std::slice::from_ref(bind)),
            Member::AssertStmt(assert) => {
                unavailable(&assert.0).or_else(|| assert.1.as_ref().and_then(unavailable))
            }
        }),
        ObjBody::ObjComp(comp) => binds(&comp.pre_locals)
            .or_else(|| field(&comp.field))
            .or_else(|| binds(&comp.post_locals))
            .or_else(|| comps(&comp.compspecs)),
    };
    match expr.expr() {
        Expr::Import(_) => at("import"),
        Expr::ImportStr(_) => at("importstr"),
        Expr::ImportBin(_) => at("importbin"),
        Expr::Index { indexable, parts } => {
            if let Expr::Var(name) = indexable.expr()
                && &**name == "std"
                && let Some(first) = parts.first()
                && let Expr::Str(member) = first.value.expr()
            {
                match &**member {
                    "extVar" => return at("std.extVar"),
                    "native" => return at("std.native"),
                    _ => {}
                }
            }
            unavailable(indexable).or_else(|| all(parts.iter().map(|p| &p.value)))
        }
        Expr::Literal(_) | Expr::Str(_) | Expr::Num(_) | Expr::Var(_) => None,
        Expr::Arr(items) => all(items.iter()),
        Expr::ArrComp(item, specs) => unavailable(item).or_else(|| comps(specs)),
        Expr::Obj(body) => object(body),
        Expr::ObjExtend(base, body) => unavailable(base).or_else(|| object(body)),
        Expr::Parened(inner) | Expr::UnaryOp(_, inner) | Expr::ErrorStmt(inner) => {
            unavailable(inner)
        }
        Expr::BinaryOp(left, _, right) => unavailable(left).or_else(|| unavailable(right)),
        Expr::AssertExpr(assert, rest) => unavailable(&assert.0)
            .or_else(|| assert.1.as_ref().and_then(unavailable))
            .or_else(|| unavailable(rest)),
        Expr::LocalExpr(locals, rest) => binds(locals).or_else(|| unavailable(rest)),
        Expr::Apply(function, arguments, _) => unavailable(function).or_else(|| args(arguments)),
        Expr::Function(params, body) => params
            .iter()
            .filter_map(|p| p.1.as_ref())
            .find_map(unavailable)
            .or_else(|| unavailable(body)),
        Expr::IfElse {
            cond,
            cond_then,
            cond_else,
        } => unavailable(&cond.0)
            .or_else(|| unavailable(cond_then))
            .or_else(|| cond_else.as_ref().and_then(unavailable)),
        Expr::Slice(sliced, desc) => unavailable(sliced).or_else(|| {
            [&desc.start, &desc.end, &desc.step]
                .into_iter()
                .flatten()
                .find_map(unavailable)
        }),
    }
}

/// Whether `expr`, under `local`, `assert` and parentheses, is a function literal.
fn is_function(expr: &LocExpr) -> bool {
    match expr.expr() {
        Expr::Parened(inner) | Expr::LocalExpr(_, inner) | Expr::AssertExpr(_, inner) => {
            is_function(inner)
        }
        Expr::Function(..) => true,
        _ => false,
    }
}

/// Rewrites the escape `\/` (legal Jsonnet, which jrsonnet does not know) as `\\`, which has
/// the same length and the same validity, so that syntax errors keep their line and column.
/// Only used for checking; the template sent to Kratos is the original.
fn escaped_slashes_as_backslashes(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\\' {
            match chars.next() {
                Some('/') => out.push('\\'),
                Some(next) => out.push(next),
                None => {}
            }
        }
    }
    out
}

fn top_level_shape(expr: &LocExpr) -> Result<BodyShape, BodyError> {
    match expr.expr() {
        Expr::Parened(inner) | Expr::LocalExpr(_, inner) | Expr::AssertExpr(_, inner) => {
            top_level_shape(inner)
        }
        Expr::Function(params, result) => {
            let names: Vec<String> = params
                .iter()
                .map(|p| p.0.name().map_or_else(|| "_".into(), |n| n.to_string()))
                .collect();
            if !names.iter().any(|n| n == "ctx") {
                return Err(BodyError::MissingCtx { params: names });
            }
            for (param, name) in params.iter().zip(&names) {
                if name != "ctx" && param.1.is_none() {
                    return Err(BodyError::ParamNeedsDefault { name: name.clone() });
                }
            }
            if is_function(result) {
                return Err(BodyError::ReturnsFunction);
            }
            Ok(BodyShape::Function)
        }
        _ => Ok(BodyShape::Constant),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_of_ctx_and_constants_are_fine() {
        assert_eq!(
            check_body("function(ctx) { email: ctx.identity.traits.email }"),
            Ok(BodyShape::Function)
        );
        assert_eq!(
            check_body("local x = 1;\n(function(ctx, extra = 2) { a: x })"),
            Ok(BodyShape::Function)
        );
        assert_eq!(check_body("error \"cancel\""), Ok(BodyShape::Constant));
        assert_eq!(check_body("{ ping: true }"), Ok(BodyShape::Constant));
        assert_eq!(
            check_body("function(ctx) std.prune({\n  a: |||\n    text\n  |||,\n})"),
            Ok(BodyShape::Function)
        );
    }

    #[test]
    fn dedent_strips_the_surrounding_code_indentation() {
        assert_eq!(
            dedent("\n    function(ctx) {\n      a: 1,\n\n    }\n  "),
            "function(ctx) {\n  a: 1,\n\n}"
        );
        assert_eq!(dedent("function(ctx) {}"), "function(ctx) {}");
        assert_eq!(dedent(""), "");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let Err(BodyError::Syntax { line, column, .. }) =
            check_body("function(ctx) {\n  email: ctx.identity.traits.email,,\n}")
        else {
            panic!("expected a syntax error");
        };
        assert_eq!((line, column), (2, 36));
        assert!(matches!(check_body(""), Err(BodyError::Syntax { .. })));
    }

    #[test]
    fn deep_nesting_and_huge_bodies_are_errors_not_crashes() {
        let deep = format!("{}1{}", "[".repeat(30_000), "]".repeat(30_000));
        assert_eq!(check_body(&deep), Ok(BodyShape::Constant));
        let negations = format!("{}1", "-".repeat(60_000));
        assert_eq!(check_body(&negations), Ok(BodyShape::Constant));
        let huge = format!("{}1", " ".repeat(MAX_BODY_BYTES));
        assert_eq!(
            check_body(&huge),
            Err(BodyError::TooLarge {
                bytes: MAX_BODY_BYTES + 1
            })
        );
    }

    #[test]
    fn escaped_slashes_are_legal() {
        assert_eq!(
            check_body(r#"function(ctx) { url: "https:\/\/x", b: "\\/" }"#),
            Ok(BodyShape::Function)
        );
        let Err(BodyError::Syntax { line, column, .. }) = check_body("{ a: \"\\/\",, }") else {
            panic!("expected a syntax error");
        };
        assert_eq!((line, column), (1, 11));
    }

    #[test]
    fn what_kratos_s_vm_does_not_offer_is_refused() {
        let unavailable = |source: &str| match check_body(source) {
            Err(BodyError::Unavailable { what, line, column }) => Some((what, line, column)),
            _ => None,
        };
        assert_eq!(
            unavailable("local lib = import 'lib.libsonnet';\nfunction(ctx) lib.body(ctx)"),
            Some(("import", 1, 13))
        );
        assert_eq!(
            unavailable("function(ctx) {\n  text: importstr 'a.txt',\n}"),
            Some(("importstr", 2, 9))
        );
        assert_eq!(
            unavailable("function(ctx) { b: importbin 'a.bin' }"),
            Some(("importbin", 1, 20))
        );
        assert_eq!(
            unavailable("function(ctx) {\n  env: std.extVar('ENV'),\n}"),
            Some(("std.extVar", 2, 8))
        );
        assert_eq!(
            unavailable("function(ctx) [x for x in [std.native('f')(1)]]"),
            Some(("std.native", 1, 28))
        );
        assert_eq!(
            unavailable("function(ctx, d = std.extVar('d')) {}"),
            Some(("std.extVar", 1, 19))
        );
        // Other members of `std`, and fields named like them, are fine.
        for fine in [
            "function(ctx) { a: std.get(ctx, 'session', null), b: std.objectHas(ctx, 'x') }",
            "function(ctx) { import_id: ctx.flow.id, extVar: 1 }",
            "local s = { extVar: 1 }; function(ctx) { v: s.extVar }",
        ] {
            assert_eq!(check_body(fine), Ok(BodyShape::Function), "{fine}");
        }
    }

    #[test]
    fn a_function_of_ctx_that_returns_a_function_is_refused() {
        assert_eq!(
            check_body("function(ctx) function(x) x"),
            Err(BodyError::ReturnsFunction)
        );
        assert_eq!(
            check_body("function(ctx) local f = 1; (function(y) y)"),
            Err(BodyError::ReturnsFunction)
        );
        assert_eq!(
            check_body("function(ctx) { f: function(x) x }.f(ctx)"),
            Ok(BodyShape::Function)
        );
    }

    #[test]
    fn ctx_is_required_and_other_params_need_defaults() {
        assert_eq!(
            check_body("function(context) {}"),
            Err(BodyError::MissingCtx {
                params: vec!["context".into()]
            })
        );
        assert_eq!(
            check_body("function() {}"),
            Err(BodyError::MissingCtx { params: vec![] })
        );
        assert_eq!(
            check_body("function(ctx, flow) {}"),
            Err(BodyError::ParamNeedsDefault {
                name: "flow".into()
            })
        );
        assert_eq!(
            check_body("https://example.com/t.jsonnet"),
            Err(BodyError::Url { scheme: "https" })
        );
    }
}
