//! The syntax tree of a template, as go-jsonnet's parser builds it (before desugaring), with
//! the byte offset where go-jsonnet locates each node.

use super::lex::StrKind;

/// An expression and the byte offset go-jsonnet reports for it.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) at: usize,
    pub(crate) expr: Expr,
}

#[derive(Debug)]
pub(crate) enum Expr {
    /// `null`, `true`, `false` or a number.
    Literal,
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
    /// A binary operator; `true` for `in`, which go-jsonnet turns into a call with the
    /// operands swapped.
    Binary(Box<Node>, bool, Box<Node>),
    Unary(Box<Node>),
    If(Box<Node>, Box<Node>, Option<Box<Node>>),
    Function(Vec<Param>, Box<Node>),
    Local(Vec<Bind>, Box<Node>),
    /// `assert cond : message; rest`.
    Assert(Box<Node>, Option<Box<Node>>, Box<Node>),
    Error(Box<Node>),
    Import(Import, Box<Node>),
    Parens(Box<Node>),
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
    /// `name:`.
    Fixed,
    /// `"name":` and the other string forms.
    Str(Node),
    /// `[expression]:`.
    Computed(Node),
}
