//! The syntax tree of a template, as go-jsonnet's parser builds it (before desugaring), with
//! the byte offset where go-jsonnet locates each node.

use std::borrow::Cow;

use super::lex::StrKind;

/// An expression and the byte offset go-jsonnet reports for it.
#[derive(Debug)]
pub(crate) struct Node<'t> {
    pub(crate) at: usize,
    pub(crate) expr: Expr<'t>,
    /// How many levels a walk of this node recurses through: 1 for a leaf, one more than its
    /// deepest child otherwise. A comprehension is at least one more than it has `for`
    /// clauses, though the walks loop over them: go-jsonnet evaluates each clause in a call
    /// of its own, as it does each level of nested arrays, and fails at 500.
    pub(crate) height: usize,
}

impl<'t> Node<'t> {
    /// The node for `expr` at byte offset `at`, with its height.
    pub(crate) fn new(at: usize, expr: Expr<'t>) -> Node<'t> {
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
    pub(crate) fn string(&self) -> Option<Cow<'t, str>> {
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

    /// Calls `visit` with each node right below this one, in source order.
    pub(crate) fn each_child<'a>(&'a self, visit: &mut dyn FnMut(&'a Node<'t>)) {
        fn params<'a, 't>(visit: &mut dyn FnMut(&'a Node<'t>), params: &'a [Param<'t>]) {
            params
                .iter()
                .filter_map(|p| p.default.as_ref())
                .for_each(visit);
        }
        fn bind<'a, 't>(visit: &mut dyn FnMut(&'a Node<'t>), bind: &'a Bind<'t>) {
            params(visit, bind.params.as_deref().unwrap_or_default());
            visit(&bind.value);
        }
        fn specs<'a, 't>(visit: &mut dyn FnMut(&'a Node<'t>), specs: &'a [ForSpec<'t>]) {
            for spec in specs {
                visit(&spec.source);
                spec.conditions.iter().for_each(&mut *visit);
            }
        }
        fn members<'a, 't>(visit: &mut dyn FnMut(&'a Node<'t>), members: &'a [Member<'t>]) {
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
pub(crate) enum Expr<'t> {
    /// `null`, `true`, `false` or a number, as written.
    Literal(&'t str),
    Str(StrKind, &'t str),
    SelfRef,
    Dollar,
    Var(&'t str),
    /// `super.name` (no expression) or `super[index]`; located at `super`.
    Super(Option<Box<Node<'t>>>),
    /// `index in super`; located where `index` starts.
    InSuper(Box<Node<'t>>),
    Array(Vec<Node<'t>>),
    ArrayComp(Box<Node<'t>>, Vec<ForSpec<'t>>),
    Object(Vec<Member<'t>>),
    ObjectComp(Vec<Member<'t>>, Vec<ForSpec<'t>>),
    /// `left { … }`: `left + { … }`.
    ApplyBrace(Box<Node<'t>>, Box<Node<'t>>),
    Apply(Box<Node<'t>>, Vec<Node<'t>>, Vec<(&'t str, Node<'t>)>),
    Index(Box<Node<'t>>, Box<Node<'t>>),
    /// `target.name`.
    Field(Box<Node<'t>>, &'t str),
    Slice(Box<Node<'t>>, [Option<Box<Node<'t>>>; 3]),
    /// A binary operator; go-jsonnet turns `in` into a call with the operands swapped.
    Binary(Box<Node<'t>>, BinaryOp, Box<Node<'t>>),
    Unary(UnaryOp, Box<Node<'t>>),
    If(Box<Node<'t>>, Box<Node<'t>>, Option<Box<Node<'t>>>),
    Function(Vec<Param<'t>>, Box<Node<'t>>),
    Local(Vec<Bind<'t>>, Box<Node<'t>>),
    /// `assert cond : message; rest`.
    Assert(Box<Node<'t>>, Option<Box<Node<'t>>>, Box<Node<'t>>),
    Error(Box<Node<'t>>),
    Import(Import, Box<Node<'t>>),
    Parens(Box<Node<'t>>),
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
pub(crate) struct ForSpec<'t> {
    pub(crate) var: &'t str,
    pub(crate) source: Node<'t>,
    pub(crate) conditions: Vec<Node<'t>>,
}

#[derive(Debug)]
pub(crate) struct Param<'t> {
    pub(crate) name: &'t str,
    pub(crate) default: Option<Node<'t>>,
}

/// `name = value` or `name(params) = value`.
#[derive(Debug)]
pub(crate) struct Bind<'t> {
    pub(crate) name: &'t str,
    pub(crate) params: Option<Vec<Param<'t>>>,
    pub(crate) value: Node<'t>,
}

#[derive(Debug)]
pub(crate) enum Member<'t> {
    Local(Bind<'t>),
    Assert(Node<'t>, Option<Node<'t>>),
    Field {
        name: FieldName<'t>,
        params: Option<Vec<Param<'t>>>,
        value: Node<'t>,
        /// How many colons follow the name: 1 (`:`), 2 (`::`, hidden) or 3 (`:::`).
        colons: usize,
    },
}

#[derive(Debug)]
pub(crate) enum FieldName<'t> {
    /// `name:`, and the name.
    Fixed(&'t str),
    /// `"name":` and the other string forms.
    Str(Node<'t>),
    /// `[expression]:`.
    Computed(Node<'t>),
}
