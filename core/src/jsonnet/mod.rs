//! The body of a web hook: a Jsonnet template that Kratos evaluates with the context as the
//! top-level argument `ctx`.

mod ast;
mod ctx_reads;
mod excerpt;
mod json;
mod lex;
mod memo;
mod parse;
mod plain;
mod resolve;

use std::borrow::Cow;
use std::fmt;

pub use excerpt::excerpt;
pub use json::{Json, MAX_JSON_BYTES, read_json};
#[cfg(feature = "payloads")]
pub use plain::json_number;
pub use plain::{Plain, Unread, plain};

use ast::{Expr, Import, Node};
use memo::Answer;

pub use ctx_reads::{CtxError, CtxErrorKind, check_ctx, check_ctx_with};

use crate::ctx::CtxShape;

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
    /// The template does not parse as go-jsonnet (the engine Kratos runs) reads Jsonnet.
    Syntax {
        /// Line in the template, from 1.
        line: usize,
        /// Column in that line, from 1, in characters.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// go-jsonnet refuses the template before evaluating it, though its syntax is right: an
    /// unknown escape in a string (which go-jsonnet's parser checks as it reads the string, so
    /// before any syntax error after it), an unknown variable, `self`, `super` or `$` outside
    /// any object.
    Static {
        /// Line in the template, from 1.
        line: usize,
        /// Column in that line, from 1, in characters.
        column: usize,
        /// What is wrong there.
        message: String,
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
    /// The template nests deeper than [`MAX_DEPTH`] levels.
    TooDeep {
        /// Line in the template, from 1, where the level past the limit is.
        line: usize,
        /// Column in that line, from 1, in characters.
        column: usize,
        /// The levels allowed: [`MAX_DEPTH`] (or fewer when no thread with a stack large
        /// enough for it could be started).
        limit: usize,
    },
}

/// The largest body template accepted: far above any real web hook payload.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How deep a template may nest, in levels of its syntax tree: every nested expression counts
/// one (the element of an array, the value of a field, the operand of an operator, the body
/// of a `local`, an `if`, a `function` or an `assert`, an argument, the inside of
/// parentheses…), and so does every link of a chain, though nothing is nested in the text:
/// `a.b.c[0](x)` is five levels and `1 + 2 + 3` three, as they are in the tree every check
/// walks; a comprehension is at least one more level than it has `for` clauses.
///
/// go-jsonnet (0.22) parses any depth it has the stack for (it crashes, taking Kratos with it,
/// at some 30 000 nested brackets), but evaluates no more than 500 nested frames: an array,
/// an object or a comprehension nested 500 deep fails on every call with "max stack frames
/// exceeded", and 499 works. 500 levels are therefore all a working template of nested values
/// can have. go-jsonnet takes no frame for what it evaluates in place (parentheses, operators,
/// `local`, `if`, `assert`, the top-level `function(ctx)`), and here each is a level: what we
/// refuse and go-jsonnet evaluates are long flat chains (more than 500 `+` or `.field` in one
/// expression, 500 `local`s in a row, 500 nested parentheses) and nested values with such a
/// level around each (`function(ctx)` around 499 nested arrays, 250 nested objects each
/// under a `local` or an `if`), which no real template has and which split into `local`s.
/// Calls take more than one frame each (go-jsonnet fails on 250 nested calls of a function of
/// the template, and on 100 of `std.abs`): such a template passes the check and fails when
/// it is evaluated. The bound keeps every walk of the template, and the parser, within the
/// stack of a thread this crate starts (64 MiB).
pub const MAX_DEPTH: usize = 500;

/// How deep a template may nest to be checked on the caller's stack, which may be a 2 MiB
/// test thread or tokio worker, or rustc's: in a debug build the parser and the checks take up
/// to 15 KiB a level (nested objects), some 500 KiB at this depth. Deeper templates are parsed
/// again on a thread of their own.
const SHALLOW: usize = 32;

/// The stack of the thread that checks a template deeper than [`SHALLOW`]: the parser and the
/// checks at [`MAX_DEPTH`] need some 7.5 MiB in a debug build (nested objects), and the tests
/// hold every kind of nesting to a quarter of it. Only what is used is touched.
const DEEP_STACK: usize = 64 << 20;

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::Syntax {
                line,
                column,
                message,
            } => write!(
                f,
                "the Jsonnet body does not parse: line {line}, column {column}: {message}"
            ),
            BodyError::Static {
                line,
                column,
                message,
            } => write!(
                f,
                "the Jsonnet body cannot run: line {line}, column {column}: {message}"
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
            BodyError::TooDeep {
                line,
                column,
                limit,
            } => {
                write!(
                    f,
                    "the Jsonnet body nests deeper than {limit} levels at line {line}, column \
                     {column}: every nested expression counts one level, and so does every link \
                     of a chain such as `a.b[0](x)` or `a + b + c`. go-jsonnet evaluates at most \
                     500 nested arrays, objects or calls (\"max stack frames exceeded\") and \
                     crashes on some 30 000 nested brackets; simplify the template: bind parts \
                     of a long expression to `local`s"
                )?;
                if *limit < MAX_DEPTH {
                    write!(
                        f,
                        " (up to {MAX_DEPTH} levels are checked on a thread of their own, and \
                         none could be started now)"
                    )?;
                }
                Ok(())
            }
            BodyError::ReturnsFunction => f.write_str(
                "the Jsonnet body is a function of `ctx` that returns a function, which Kratos \
                 cannot send as JSON: return an object, such as `function(ctx) { id: \
                 ctx.identity.id }`",
            ),
        }
    }
}

impl BodyError {
    /// The line and column (from 1) in the template the problem is at, when it is at one.
    pub fn place(&self) -> Option<(usize, usize)> {
        match self {
            BodyError::Syntax { line, column, .. }
            | BodyError::Static { line, column, .. }
            | BodyError::Unavailable { line, column, .. }
            | BodyError::TooDeep { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

impl std::error::Error for BodyError {}

/// Removes the indentation an inline template gets from the code around it: leading blank
/// lines, trailing white space, and the indentation common to every non-blank line (as a
/// Terraform `<<-` heredoc does). A template already flush left comes back as it is, borrowed.
pub fn dedent(source: &str) -> Cow<'_, str> {
    // One line with nothing around it (most bodies written in a program): as it is.
    if !source.contains('\n') && source.trim() == source {
        return Cow::Borrowed(source);
    }
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
    let dedented = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or_else(|| l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n");
    if dedented == source {
        Cow::Borrowed(source)
    } else {
        Cow::Owned(dedented)
    }
}

const URL_SCHEMES: [&str; 4] = ["http://", "https://", "file://", "base64://"];

/// Parses a body template and checks that Kratos can call it.
///
/// A template whose top level (under `local`, `assert` and parentheses) is a function must take
/// a parameter named `ctx`, and every other parameter needs a default. Any other template is a
/// constant payload.
pub fn check_body(source: &str) -> Result<BodyShape, BodyError> {
    static CHECKED: memo::Memo<String, Result<BodyShape, BodyError>> = memo::Memo::new();
    // The memo keeps a copy of each template: only of those small enough to check.
    if source.len() > MAX_BODY_BYTES {
        return check_body_afresh(source).value();
    }
    CHECKED.get(
        source,
        |kept| kept == source,
        || source.to_owned(),
        || check_body_afresh(source),
    )
}

fn check_body_afresh(source: &str) -> Answer<Result<BodyShape, BodyError>> {
    if let Some(refused) = refused_before_lexing(source) {
        return Answer::Lasting(Err(refused));
    }
    match lex::lex(source) {
        Ok(tokens) => with_tree(&tokens, |tree| parse_and_check(source, tree.as_ref())),
        Err(problem) => Answer::Lasting(Err(problem.error(source))),
    }
}

/// What is refused before the template is read: a reference written as a template, or a
/// template over the size limit.
fn refused_before_lexing(source: &str) -> Option<BodyError> {
    if let Some(scheme) = URL_SCHEMES.iter().find(|s| source.starts_with(*s)) {
        return Some(BodyError::Url {
            scheme: scheme.trim_end_matches("://"),
        });
    }
    (source.len() > MAX_BODY_BYTES).then_some(BodyError::TooLarge {
        bytes: source.len(),
    })
}

/// What [`check_template`] finds in a template Kratos can run.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// A function of `ctx`, or a constant.
    pub shape: BodyShape,
    /// The reads of `ctx` that fail on every call ([`check_ctx`]).
    pub ctx_errors: Vec<CtxError>,
    /// The template as a [`Plain`] one, when it is one ([`plain()`]).
    pub plain: Option<std::sync::Arc<Plain>>,
}

/// [`check_body`], [`check_ctx`] for a hook whose context is `shape` (for a function of
/// `ctx`) and [`plain()`], with the template read once: what an action's body is checked with
/// when it is made.
pub fn check_template(source: &str, shape: CtxShape) -> Result<Checked, BodyError> {
    check_template_with(source, shape, None)
}

/// [`check_template`], with reads of traits held to the identity schemas `traits`
/// ([`check_ctx_with`]).
pub fn check_template_with(
    source: &str,
    shape: CtxShape,
    traits: Option<&crate::identity::Schemas>,
) -> Result<Checked, BodyError> {
    type Answered = Result<Checked, BodyError>;
    static CHECKED: memo::Memo<(String, CtxShape, u64), Answered> = memo::Memo::new();
    let traits = traits.filter(|t| !t.is_empty());
    let print = traits.map_or(0, crate::identity::Schemas::fingerprint);
    let afresh = || -> Answer<Answered> {
        if let Some(refused) = refused_before_lexing(source) {
            return Answer::Lasting(Err(refused));
        }
        let tokens = match lex::lex(source) {
            Ok(tokens) => tokens,
            Err(problem) => return Answer::Lasting(Err(problem.error(source))),
        };
        with_tree(&tokens, |tree| {
            let plain = tree.as_ref().ok().and_then(plain::of_tree);
            // A plain template passes the static checks by its shape: its only name is `ctx`,
            // bound by the function, and it uses nothing Kratos's VM lacks.
            let shape_of = match &plain {
                Some(plain) if plain.is_function() => BodyShape::Function,
                Some(_) => BodyShape::Constant,
                None => parse_and_check(source, tree.as_ref())?,
            };
            let tree = tree.as_ref().ok();
            let ctx_errors = match (tree, shape_of) {
                // A plain template's reads are all in view: when Kratos sends each, there is
                // nothing for the analysis to find.
                // (Trait reads, when schemas are declared, need the analysis.)
                (Some(_), BodyShape::Function)
                    if traits.is_none()
                        && plain.as_ref().is_some_and(|plain| plain.reads_sent(shape)) =>
                {
                    Vec::new()
                }
                (Some(tree), BodyShape::Function) => {
                    ctx_reads::analyse(source, &tokens, tree, shape, traits)
                }
                _ => Vec::new(),
            };
            Ok(Checked {
                shape: shape_of,
                ctx_errors,
                plain: plain.map(std::sync::Arc::new),
            })
        })
    };
    if source.len() > MAX_BODY_BYTES {
        return afresh().value();
    }
    CHECKED.get(
        &(source, shape, print),
        |(kept, kept_shape, kept_print)| {
            kept == source && *kept_shape == shape && *kept_print == print
        },
        || (source.to_owned(), shape, print),
        afresh,
    )
}

/// Parses `tokens` and gives the tree (or the problem) to `work`, which may walk it
/// recursively: on the caller's stack when the tree is no higher than [`SHALLOW`] (nearly
/// every template: no thread to start), else again on a thread with [`DEEP_STACK`] bytes of
/// stack, up to [`MAX_DEPTH`]. When no such thread can be started, `work` gets the problem
/// that the tree is higher than [`SHALLOW`], and its answer is [`Answer::Passing`].
fn with_tree<T: Send>(
    tokens: &[lex::Token<'_>],
    work: impl Fn(Result<Node, Problem>) -> T + Sync,
) -> Answer<T> {
    let shallow = match parse::parse(tokens, SHALLOW) {
        Err(problem) if matches!(problem.kind, ProblemKind::TooDeep(_)) => problem,
        parsed => return Answer::Lasting(work(parsed)),
    };
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("ory-actions-jsonnet".into())
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, || work(parse::parse(tokens, MAX_DEPTH)));
        match spawned {
            Ok(thread) => Answer::Lasting(
                thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            ),
            // No thread to be had: what the caller's stack allows is the limit, for now.
            Err(_) => Answer::Passing(work(Err(shallow))),
        }
    })
}

/// The byte offsets of every `_` between the digits of a number (go-jsonnet reads `1_000` as
/// `1000`; some other Jsonnet implementations do not know the separator). Empty when the
/// template does not lex.
pub fn digit_separators(source: &str) -> Vec<usize> {
    // Nearly every template: no `_` after a digit anywhere, so none in a number either.
    if !source
        .as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'_')
    {
        return Vec::new();
    }
    let Ok(tokens) = lex::lex(source) else {
        return Vec::new();
    };
    let mut offsets = Vec::new();
    for token in tokens.iter().filter(|t| t.kind == lex::Kind::Number) {
        let written = source[token.start..].bytes().enumerate();
        // The token's text has the separators taken out: walk the source until all its
        // characters are seen.
        let mut left = token.text.len();
        for (at, b) in written {
            if left == 0 {
                break;
            }
            if b == b'_' {
                offsets.push(token.start + at);
            } else {
                left -= 1;
            }
        }
    }
    offsets
}

/// The byte offsets of the backslash of every `\/` escape in the template's quoted strings
/// (go-jsonnet reads `"\/"` as `/`; some other Jsonnet implementations do not know the
/// escape). Empty when the template does not lex.
pub fn slash_escapes(source: &str) -> Vec<usize> {
    // Nearly every template: no `\/` anywhere, so none in a string either.
    if !source.contains("\\/") {
        return Vec::new();
    }
    let Ok(tokens) = lex::lex(source) else {
        return Vec::new();
    };
    let mut offsets = Vec::new();
    for token in tokens {
        let lex::Kind::Str(kind) = token.kind else {
            continue;
        };
        if !kind.escaped() {
            continue;
        }
        let Some(quote) = source[token.start..].chars().next() else {
            continue;
        };
        let mut chars = source[token.start + quote.len_utf8()..].char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, '/')) = chars.next() {
                        offsets.push(token.start + quote.len_utf8() + at);
                    }
                }
                c if c == quote => break,
                _ => {}
            }
        }
    }
    offsets
}

/// A problem at a byte offset of the template, before it gets a line and column.
#[derive(Debug)]
pub(crate) struct Problem {
    pub(crate) offset: usize,
    pub(crate) message: String,
    pub(crate) kind: ProblemKind,
}

/// Which [`BodyError`] a [`Problem`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    /// [`BodyError::Syntax`].
    Syntax,
    /// [`BodyError::Static`]: a string's escape, which go-jsonnet's parser checks as it reads
    /// the string, or what its desugarer and static analysis refuse.
    Static,
    /// [`BodyError::TooDeep`], with the limit.
    TooDeep(usize),
}

impl Problem {
    pub(crate) fn new(offset: usize, message: String) -> Self {
        Problem {
            offset,
            message,
            kind: ProblemKind::Syntax,
        }
    }

    /// A problem go-jsonnet's parser finds in a string's escapes, or its desugarer or static
    /// analysis in a template that parses ("STATIC ERROR").
    pub(crate) fn static_error(offset: usize, message: String) -> Self {
        Problem {
            offset,
            message,
            kind: ProblemKind::Static,
        }
    }

    /// The tree is higher than `limit` at `offset`.
    pub(crate) fn too_deep(offset: usize, limit: usize) -> Self {
        Problem {
            offset,
            message: String::new(),
            kind: ProblemKind::TooDeep(limit),
        }
    }

    /// The error this problem is, placed in `source`.
    fn error(&self, source: &str) -> BodyError {
        let (line, column) = line_and_column(source, self.offset);
        match self.kind {
            ProblemKind::TooDeep(limit) => BodyError::TooDeep {
                line,
                column,
                limit,
            },
            ProblemKind::Syntax => BodyError::Syntax {
                line,
                column,
                message: self.message.clone(),
            },
            ProblemKind::Static => BodyError::Static {
                line,
                column,
                message: self.message.clone(),
            },
        }
    }
}

fn parse_and_check(source: &str, tree: Result<&Node, &Problem>) -> Result<BodyShape, BodyError> {
    let tree = tree.map_err(|problem| problem.error(source))?;
    resolve::check(tree).map_err(|problem| problem.error(source))?;
    if let Some((what, offset)) = unavailable(tree) {
        let (line, column) = line_and_column(source, offset);
        return Err(BodyError::Unavailable { what, line, column });
    }
    top_level_shape(tree)
}

/// The line and column (from 1, in characters) of a byte offset in `source`.
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
fn unavailable(root: &Node) -> Option<(&'static str, usize)> {
    let mut found = Vec::new();
    each_node(root, &mut |node| {
        let member = match &node.expr {
            Expr::Field(target, member) => Some((target, std::borrow::Cow::Borrowed(*member))),
            Expr::Index(target, index) => index.string().map(|member| (target, member)),
            _ => None,
        };
        let what = match (&node.expr, member) {
            (Expr::Import(Import::Code, _), _) => "import",
            (Expr::Import(Import::Str, _), _) => "importstr",
            (Expr::Import(Import::Bin, _), _) => "importbin",
            (_, Some((target, member))) if matches!(&target.expr, Expr::Var(std) if *std == "std") => {
                match &*member {
                    "extVar" => "std.extVar",
                    "native" => "std.native",
                    _ => return,
                }
            }
            _ => return,
        };
        found.push((what, node.at));
    });
    found.into_iter().min_by_key(|(_, offset)| *offset)
}

/// Calls `visit` on `node` and every node below it.
fn each_node(node: &Node, visit: &mut dyn FnMut(&Node)) {
    visit(node);
    node.each_child(&mut |child| each_node(child, visit));
}

/// Whether `expr`, under `local`, `assert` and parentheses, is a function literal.
fn is_function(node: &Node) -> bool {
    match &node.expr {
        Expr::Parens(inner) | Expr::Local(_, inner) | Expr::Assert(_, _, inner) => {
            is_function(inner)
        }
        Expr::Function(..) => true,
        _ => false,
    }
}

fn top_level_shape(node: &Node) -> Result<BodyShape, BodyError> {
    match &node.expr {
        Expr::Parens(inner) | Expr::Local(_, inner) | Expr::Assert(_, _, inner) => {
            top_level_shape(inner)
        }
        Expr::Function(params, result) => {
            if !params.iter().any(|p| p.name == "ctx") {
                return Err(BodyError::MissingCtx {
                    params: params.iter().map(|p| p.name.to_owned()).collect(),
                });
            }
            for param in params {
                if param.name != "ctx" && param.default.is_none() {
                    return Err(BodyError::ParamNeedsDefault {
                        name: param.name.to_owned(),
                    });
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
    use crate::ctx::CtxShape;

    #[test]
    fn slash_escapes_are_found_in_quoted_strings_only() {
        let source = "{ a: \"h:\\/\\/x\", b: '\\\\/', c: @\"\\/\", d: |||\n  \\/\n||| } // \\/";
        assert_eq!(slash_escapes(source), vec![8, 10]);
        assert_eq!(slash_escapes("{ a: 'x\\/' }"), vec![7]);
        assert!(slash_escapes("{").is_empty());
    }

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

    /// Every kind of nesting and chain, `n` levels deep or long.
    fn deep(n: usize) -> Vec<(&'static str, String)> {
        vec![
            ("brackets", format!("{}1{}", "[".repeat(n), "]".repeat(n))),
            ("fields", format!("{}1{}", "{a:".repeat(n), "}".repeat(n))),
            ("parens", format!("{}1{}", "(".repeat(n), ")".repeat(n))),
            ("negations", format!("{}1", "-".repeat(n))),
            ("sums", format!("1{}", "+1".repeat(n))),
            ("fields chain", format!("std.length{}", ".b".repeat(n))),
            ("index chain", format!("[0]{}", "[0]".repeat(n))),
            ("call chain", format!("std.f{}", "(0)".repeat(n))),
            ("brace chain", format!("{{}}{}", "{}".repeat(n))),
            ("locals", format!("{}a", "local a = 1; ".repeat(n))),
            ("ifs", format!("{}1", "if true then ".repeat(n))),
            ("functions", format!("{}1", "function(x) ".repeat(n))),
            ("asserts", format!("{}1", "assert true; ".repeat(n))),
            ("errors", format!("{}1", "error ".repeat(n))),
            ("for clauses", format!("[1 {}]", "for x in [1] ".repeat(n))),
            // One level each, as nested arrays (go-jsonnet evaluates 499 of them).
            (
                "comprehensions",
                format!("{}1{}", "[".repeat(n), " for x in [1]]".repeat(n)),
            ),
            (
                "ctx",
                format!(
                    "function(ctx) {{ a: ctx.identity.traits{} }}",
                    ".a".repeat(n)
                ),
            ),
            (
                "guards",
                format!(
                    "function(ctx) {}ctx.session.id",
                    "if 'session' in ctx then ".repeat(n)
                ),
            ),
            // The ctx analysis follows a condition through 8 locals, each as deep.
            (
                "guards through locals",
                format!(
                    "function(ctx) local {}l8 = 'session' in ctx; if l0 then ctx.session.id \
                     else {}1",
                    (0..8)
                        .map(|i| format!("l{i} = {}l{}, ", "!".repeat(n), i + 1))
                        .collect::<String>(),
                    "-".repeat(n),
                ),
            ),
        ]
    }

    #[test]
    fn every_kind_of_nesting_is_refused_past_the_limit_and_taken_below_it() {
        for (kind, source) in deep(MAX_DEPTH + 10) {
            match check_body(&source) {
                Err(BodyError::TooDeep { limit, .. }) => assert_eq!(limit, MAX_DEPTH, "{kind}"),
                other => panic!("{kind}: {other:?}"),
            }
        }
        for (kind, source) in deep(MAX_DEPTH - 10) {
            let checked = check_body(&source);
            assert!(
                !matches!(checked, Err(BodyError::TooDeep { .. })),
                "{kind}: {checked:?}"
            );
        }
    }

    #[test]
    fn the_level_past_the_limit_is_where_the_error_is() {
        let too_deep = |source: &str| match check_body(source) {
            Err(BodyError::TooDeep { line, column, .. }) => Some((line, column)),
            _ => None,
        };
        // go-jsonnet evaluates 499 nested arrays and fails on 500 ("max stack frames
        // exceeded"): 499 arrays and their element are 500 levels.
        let arrays = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(check_body(&arrays(499)), Ok(BodyShape::Constant));
        assert_eq!(too_deep(&arrays(500)), Some((1, 501)));
        assert_eq!(too_deep(&arrays(20_000)), Some((1, 501)));
        // `std.length` is two levels; the 499th `.b` is the 501st.
        assert_eq!(
            check_body(&format!("std.length{}", ".b".repeat(498))),
            Ok(BodyShape::Constant)
        );
        assert_eq!(
            too_deep(&format!("std.length{}", ".b".repeat(499))),
            Some((1, 11 + 2 * 498))
        );
        // A comprehension is one level more than it has `for` clauses (go-jsonnet evaluates
        // 499 and fails on 500): the error is at the variable of the 500th.
        let clauses = |n: usize| format!("[1 {}]", "for x in [1] ".repeat(n));
        assert_eq!(check_body(&clauses(499)), Ok(BodyShape::Constant));
        assert_eq!(too_deep(&clauses(500)), Some((1, 3 + 499 * 13 + 5)));
        assert_eq!(too_deep(&clauses(5_000)), Some((1, 3 + 499 * 13 + 5)));
        // Lines and columns as elsewhere: `ctx.identity` is two levels, and the 499th `[0]`,
        // on line 501, the 501st.
        assert_eq!(
            too_deep(&format!(
                "function(ctx)\n  ctx.identity{}",
                "\n  [0]".repeat(600)
            )),
            Some((501, 3))
        );
    }

    #[test]
    fn at_the_limit_every_kind_fits_a_quarter_of_the_deep_stack() {
        for (kind, source) in deep(MAX_DEPTH - 10) {
            std::thread::Builder::new()
                .stack_size(DEEP_STACK / 4)
                .spawn(move || {
                    let tokens = lex::lex(&source).unwrap();
                    let tree = parse::parse(&tokens, MAX_DEPTH);
                    assert!(tree.is_ok(), "{kind}");
                    let checked = parse_and_check(&source, tree.as_ref());
                    assert!(!matches!(checked, Err(BodyError::TooDeep { .. })));
                    let tree = parse::parse(&tokens, MAX_DEPTH).unwrap();
                    for flow in crate::Flow::ALL {
                        for timing in crate::Timing::ALL {
                            ctx_reads::analyse(
                                &source,
                                &tokens,
                                &tree,
                                CtxShape::of(*flow, *timing),
                                None,
                            );
                        }
                    }
                })
                .unwrap()
                .join()
                .unwrap();
        }
    }

    #[test]
    fn shallow_templates_are_checked_in_place() {
        // Within a quarter of a test thread's stack.
        for (kind, source) in deep(SHALLOW - 6) {
            assert!(
                parse::parse(&lex::lex(&source).unwrap(), SHALLOW).is_ok(),
                "{kind}"
            );
            std::thread::Builder::new()
                .stack_size(512 << 10)
                .spawn(move || {
                    let tokens = lex::lex(&source).unwrap();
                    let _ = parse_and_check(&source, parse::parse(&tokens, SHALLOW).as_ref());
                    let tree = parse::parse(&tokens, SHALLOW).unwrap();
                    let shape = CtxShape::of(crate::Flow::Login, crate::Timing::After);
                    ctx_reads::analyse(&source, &tokens, &tree, shape, None);
                })
                .unwrap()
                .join()
                .unwrap();
        }
        // Real templates are far from it.
        for template in [
            include_str!("../../tests/gojsonnet/kratos/test_e2e_profiles_network_webhook.jsonnet"),
            include_str!(
                "../../tests/gojsonnet/kratos/test_e2e_profiles_webhooks_webhook_body.jsonnet"
            ),
            include_str!("../../tests/gojsonnet/kratos/selfservice_hook_stub_test_body.jsonnet"),
            "local name = 'x';\nfunction(ctx) std.prune({\n  id: if 'identity' in ctx then \
             ctx.identity.id else null,\n  n: [a.value for a in []],\n  greeting: 'Hello ' + \
             ctx.identity.traits.name.first + ' ' + ctx.identity.traits.name.last + '!',\n})",
        ] {
            let tokens = lex::lex(template).unwrap();
            let tree = parse::parse(&tokens, SHALLOW).unwrap();
            assert!(tree.height <= SHALLOW / 2, "{}: {template}", tree.height);
        }
    }

    #[test]
    fn a_lower_depth_limit_says_why() {
        let message = |limit| {
            BodyError::TooDeep {
                line: 1,
                column: 2,
                limit,
            }
            .to_string()
        };
        assert!(message(MAX_DEPTH).ends_with("to `local`s"));
        assert!(
            message(SHALLOW).ends_with("none could be started now)"),
            "{}",
            message(SHALLOW)
        );
    }

    #[test]
    fn huge_bodies_are_refused() {
        let huge = format!("{}1", " ".repeat(MAX_BODY_BYTES));
        assert_eq!(
            check_body(&huge),
            Err(BodyError::TooLarge {
                bytes: MAX_BODY_BYTES + 1
            })
        );
    }

    #[test]
    fn escapes_are_checked_as_each_string_is_read() {
        let refused = |source: &str| match check_body(source) {
            Err(BodyError::Static {
                line,
                column,
                message,
            }) => (line, column, message),
            other => panic!("{source}: {other:?}"),
        };
        // Before the syntax error after it, and before `$` outside any object before it.
        assert_eq!(refused(r#""\x" 1"#).1, 1);
        assert_eq!(refused(r#"$ + "\x""#).1, 5);
        // Half a surrogate pair is no character.
        let (_, column, message) = refused(r#"{ a: "\ud83d" }"#);
        assert_eq!(column, 6);
        assert!(
            message.contains("`\\ud83d` is half of a UTF-16 surrogate pair"),
            "{message}"
        );
        assert_eq!(check_body(r#""\ud83d\ude00""#), Ok(BodyShape::Constant));
        // Verbatim strings and text blocks have no escapes.
        assert_eq!(check_body(r#"@"\ud83d\x""#), Ok(BodyShape::Constant));
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
            unavailable("function(ctx) std['ext\\u0056ar']('x')"),
            Some(("std.extVar", 1, 15))
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
