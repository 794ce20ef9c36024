//! The syntax tree of a template, as go-jsonnet's parser builds it (before desugaring), with
//! the byte offset where go-jsonnet locates each node.

use std::borrow::Cow;

use super::lex::StrKind;

/// An expression and the byte offset go-jsonnet reports for it.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) at: usize,
    pub(crate) expr: Expr,
    /// How many levels a walk of this node recurses through: 1 for a leaf, one more than its
    /// deepest child otherwise. A comprehension is at least one more than it has `for`
    /// clauses, though the walks loop over them: go-jsonnet evaluates each clause in a call
    /// of its own, as it does each level of nested arrays, and fails at 500.
    pub(crate) height: usize,
}

impl Node {
    /// The node for `expr` at byte offset `at`, with its height.
    pub(crate) fn new(at: usize, expr: Expr) -> Node {
        let clauses = match &expr {
            Expr::ArrayComp(_, specs) | Expr::ObjectComp(_, specs) => specs.len(),
            _ => 0,
        };
        let mut node = Node {
            at,
            expr,
            height: 0,
        };
        let mut below = 0;
        node.each_child(&mut |child| below = below.max(child.height));
        node.height = 1 + clauses.max(below);
        node
    }

    /// The value of a string literal, escapes read; `None` for anything else, and for a string
    /// with an escape go-jsonnet refuses or one that is no character (a lone surrogate).
    pub(crate) fn string(&self) -> Option<Cow<'_, str>> {
        let Expr::Str(kind, text) = &self.expr else {
            return None;
        };
        if !kind.escaped() || !text.contains('\\') {
            return Some(Cow::Borrowed(text));
        }
        let mut value = String::with_capacity(text.len());
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            value.push(match chars.next()? {
                c @ ('"' | '\'' | '\\' | '/') => c,
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => {
                    let mut code = 0;
                    for _ in 0..4 {
                        code = code * 16 + chars.next()?.to_digit(16)?;
                    }
                    char::from_u32(code)?
                }
                _ => return None,
            });
        }
        Some(Cow::Owned(value))
    }

    /// The nodes right below this one, in source order.
    pub(crate) fn children(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        self.each_child(&mut |child| out.push(child));
        out
    }

    /// Calls `visit` with each node right below this one, in source order.
    pub(crate) fn each_child<'a>(&'a self, visit: &mut dyn FnMut(&'a Node)) {
        fn params<'a>(visit: &mut dyn FnMut(&'a Node), params: &'a [Param]) {
            params
                .iter()
                .filter_map(|p| p.default.as_ref())
                .for_each(visit);
        }
        fn bind<'a>(visit: &mut dyn FnMut(&'a Node), bind: &'a Bind) {
            params(visit, bind.params.as_deref().unwrap_or_default());
            visit(&bind.value);
        }
        fn specs<'a>(visit: &mut dyn FnMut(&'a Node), specs: &'a [ForSpec]) {
            for spec in specs {
                visit(&spec.source);
                spec.conditions.iter().for_each(&mut *visit);
            }
        }
        fn members<'a>(visit: &mut dyn FnMut(&'a Node), members: &'a [Member]) {
            for member in members {
                match member {
                    Member::Local(b) => bind(visit, b),
                    Member::Assert(cond, message) => {
                        visit(cond);
                        message.iter().for_each(&mut *visit);
                    }
                    Member::Field {
                        name,
                        params: ps,
                        value,
                        ..
                    } => {
                        if let FieldName::Str(n) | FieldName::Computed(n) = name {
                            visit(n);
                        }
                        params(visit, ps.as_deref().unwrap_or_default());
                        visit(value);
                    }
                }
            }
        }
        match &self.expr {
            Expr::Literal(_) | Expr::Str(..) | Expr::SelfRef | Expr::Dollar | Expr::Var(_) => {}
            Expr::Super(index) => index.iter().for_each(|n| visit(n)),
            Expr::InSuper(inner)
            | Expr::Unary(_, inner)
            | Expr::Error(inner)
            | Expr::Parens(inner)
            | Expr::Field(inner, _)
            | Expr::Import(_, inner) => visit(inner),
            Expr::Array(items) => items.iter().for_each(visit),
            Expr::ArrayComp(body, s) => {
                visit(body);
                specs(visit, s);
            }
            Expr::Object(m) => members(visit, m),
            Expr::ObjectComp(m, s) => {
                members(visit, m);
                specs(visit, s);
            }
            Expr::ApplyBrace(left, right)
            | Expr::Index(left, right)
            | Expr::Binary(left, _, right) => {
                visit(left);
                visit(right);
            }
            Expr::Apply(target, positional, named) => {
                visit(target);
                positional.iter().for_each(&mut *visit);
                named.iter().for_each(|(_, v)| visit(v));
            }
            Expr::Slice(target, parts) => {
                visit(target);
                parts.iter().flatten().for_each(|b| visit(b));
            }
            Expr::If(cond, then, otherwise) => {
                visit(cond);
                visit(then);
                otherwise.iter().for_each(|n| visit(n));
            }
            Expr::Function(ps, body) => {
                params(visit, ps);
                visit(body);
            }
            Expr::Local(binds, body) => {
                for b in binds {
                    bind(visit, b);
                }
                visit(body);
            }
            Expr::Assert(cond, message, rest) => {
                visit(cond);
                message.iter().for_each(|n| visit(n));
                visit(rest);
            }
        }
    }
}

#[derive(Debug)]
pub(crate) enum Expr {
    /// `null`, `true`, `false` or a number, as written.
    Literal(String),
    Str(StrKind, String),
    SelfRef,
    Dollar,
    Var(String),
    /// `super.name` (no expression) or `super[index]`; located at `super`.
    Super(Option<Box<Node>>),
    /// `index in super`; located where `index` starts.
    InSuper(Box<Node>),
    Array(Vec<Node>),
    ArrayComp(Box<Node>, Vec<ForSpec>),
    Object(Vec<Member>),
    ObjectComp(Vec<Member>, Vec<ForSpec>),
    /// `left { … }`: `left + { … }`.
    ApplyBrace(Box<Node>, Box<Node>),
    Apply(Box<Node>, Vec<Node>, Vec<(String, Node)>),
    Index(Box<Node>, Box<Node>),
    /// `target.name`.
    Field(Box<Node>, String),
    Slice(Box<Node>, [Option<Box<Node>>; 3]),
    /// A binary operator; go-jsonnet turns `in` into a call with the operands swapped.
    Binary(Box<Node>, BinaryOp, Box<Node>),
    Unary(UnaryOp, Box<Node>),
    If(Box<Node>, Box<Node>, Option<Box<Node>>),
    Function(Vec<Param>, Box<Node>),
    Local(Vec<Bind>, Box<Node>),
    /// `assert cond : message; rest`.
    Assert(Box<Node>, Option<Box<Node>>, Box<Node>),
    Error(Box<Node>),
    Import(Import, Box<Node>),
    Parens(Box<Node>),
}

/// The binary operators, `in` included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinaryOp {
    Mul,
    Div,
    Mod,
    Add,
    Sub,
    ShiftL,
    ShiftR,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Eq,
    NotEq,
    BitAnd,
    BitXor,
    BitOr,
    And,
    Or,
    In,
}

impl BinaryOp {
    /// The operator an operator token spells (`in` is a keyword, not an operator token).
    pub(crate) fn of(text: &str) -> Option<Self> {
        Some(match text {
            "*" => BinaryOp::Mul,
            "/" => BinaryOp::Div,
            "%" => BinaryOp::Mod,
            "+" => BinaryOp::Add,
            "-" => BinaryOp::Sub,
            "<<" => BinaryOp::ShiftL,
            ">>" => BinaryOp::ShiftR,
            "<" => BinaryOp::Less,
            "<=" => BinaryOp::LessEq,
            ">" => BinaryOp::Greater,
            ">=" => BinaryOp::GreaterEq,
            "==" => BinaryOp::Eq,
            "!=" => BinaryOp::NotEq,
            "&" => BinaryOp::BitAnd,
            "^" => BinaryOp::BitXor,
            "|" => BinaryOp::BitOr,
            "&&" => BinaryOp::And,
            "||" => BinaryOp::Or,
            _ => return None,
        })
    }
}

/// The unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnaryOp {
    Not,
    BitNot,
    Plus,
    Minus,
}

impl UnaryOp {
    /// The operator an operator token spells.
    pub(crate) fn of(text: &str) -> Option<Self> {
        Some(match text {
            "!" => UnaryOp::Not,
            "~" => UnaryOp::BitNot,
            "+" => UnaryOp::Plus,
            "-" => UnaryOp::Minus,
            _ => return None,
        })
    }
}

/// The three ways to read another file, none of which Kratos offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Import {
    Code,
    Str,
    Bin,
}

/// `for var in source if condition…` in a comprehension.
#[derive(Debug)]
pub(crate) struct ForSpec {
    pub(crate) var: String,
    pub(crate) source: Node,
    pub(crate) conditions: Vec<Node>,
}

#[derive(Debug)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) default: Option<Node>,
}

/// `name = value` or `name(params) = value`.
#[derive(Debug)]
pub(crate) struct Bind {
    pub(crate) name: String,
    pub(crate) params: Option<Vec<Param>>,
    pub(crate) value: Node,
}

#[derive(Debug)]
pub(crate) enum Member {
    Local(Bind),
    Assert(Node, Option<Node>),
    Field {
        name: FieldName,
        params: Option<Vec<Param>>,
        value: Node,
        /// How many colons follow the name: 1 (`:`), 2 (`::`, hidden) or 3 (`:::`).
        colons: usize,
    },
}

#[derive(Debug)]
pub(crate) enum FieldName {
    /// `name:`, and the name.
    Fixed(String),
    /// `"name":` and the other string forms.
    Str(Node),
    /// `[expression]:`.
    Computed(Node),
}
