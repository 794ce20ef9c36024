//! Jsonnet's grammar as go-jsonnet's parser reads it: the same precedence climbing, the same
//! lookahead, and the same token at which it gives up, so that a refused template is refused
//! at the line and column Kratos would name.

use std::collections::HashSet;

use super::Problem;
use super::ast::{BinaryOp, Bind, Expr, FieldName, ForSpec, Import, Member, Node, Param, UnaryOp};
use super::lex::{Kind, StrKind, Token};

const APPLY: u8 = 2;
const UNARY: u8 = 4;
const MAX: u8 = 16;
const IN: u8 = 8;

fn binary_precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 5,
        BinaryOp::Add | BinaryOp::Sub => 6,
        BinaryOp::ShiftL | BinaryOp::ShiftR => 7,
        BinaryOp::Greater | BinaryOp::GreaterEq | BinaryOp::Less | BinaryOp::LessEq => 8,
        BinaryOp::In => IN,
        BinaryOp::Eq | BinaryOp::NotEq => 9,
        BinaryOp::BitAnd => 10,
        BinaryOp::BitXor => 11,
        BinaryOp::BitOr => 12,
        BinaryOp::And => 13,
        BinaryOp::Or => 14,
    }
}

/// Parses the tokens of a whole template, refusing a tree higher than `limit` (see
/// [`Node::height`]): neither the parser nor any walk of the tree recurses deeper than that.
pub(crate) fn parse<'t>(tokens: &'t [Token<'t>], limit: usize) -> Result<Node<'t>, Problem> {
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
        limit,
    };
    let node = parser.parse(MAX)?;
    let next = parser.peek();
    if next.kind != Kind::EndOfFile {
        return Err(Problem::new(
            next.start,
            format!("unexpected {next} after the end of the expression"),
        ));
    }
    Ok(node)
}

struct Parser<'t> {
    tokens: &'t [Token<'t>],
    at: usize,
    /// How many calls of [`Parser::parse`] are under way.
    depth: usize,
    /// The highest tree accepted.
    limit: usize,
}

fn node<'t>(at: usize, expr: Expr<'t>) -> Node<'t> {
    Node::new(at, expr)
}

impl<'t> Parser<'t> {
    fn peek(&self) -> &'t Token<'t> {
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    fn peek2(&self) -> &'t Token<'t> {
        &self.tokens[(self.at + 1).min(self.tokens.len() - 1)]
    }

    fn pop(&mut self) -> &'t Token<'t> {
        let token = self.peek();
        self.at += 1;
        token
    }

    fn peek_is_op(&self, op: &str) -> bool {
        let next = self.peek();
        next.kind == Kind::Operator && next.text == op
    }

    fn expect(&mut self, kind: Kind, context: &str) -> Result<&'t Token<'t>, Problem> {
        let token = self.pop();
        if token.kind == kind {
            return Ok(token);
        }
        let wanted = match kind {
            Kind::Identifier => "a name".to_owned(),
            other => format!("`{}`", other.spelling()),
        };
        Err(Problem::new(
            token.start,
            format!("expected {wanted}{context}, found {token}"),
        ))
    }

    /// An expression up to precedence `prec`, nested one level deeper than the caller's.
    fn parse(&mut self, prec: u8) -> Result<Node<'t>, Problem> {
        // Every nested expression is a level of the tree, so a tree no higher than the limit
        // never gets here deeper than it: checked before recursing, to bound the parser's own
        // stack.
        if self.depth >= self.limit {
            return Err(Problem::too_deep(self.peek().start, self.limit));
        }
        self.depth += 1;
        let parsed = self.expression(prec);
        self.depth -= 1;
        let node = parsed?;
        self.bounded(node.at, node)
    }

    /// `node`, unless it is higher than the limit: then the problem, placed at `at`.
    fn bounded(&self, at: usize, node: Node<'t>) -> Result<Node<'t>, Problem> {
        if node.height > self.limit {
            return Err(Problem::too_deep(at, self.limit));
        }
        Ok(node)
    }

    fn expression(&mut self, prec: u8) -> Result<Node<'t>, Problem> {
        match self.peek().kind {
            Kind::Assert
            | Kind::Error
            | Kind::If
            | Kind::Function
            | Kind::Import
            | Kind::ImportStr
            | Kind::ImportBin
            | Kind::Local => self.keyword_expression(),
            _ => self.operators(prec),
        }
    }

    /// An expression that starts with a keyword and extends as far as it can.
    #[inline(never)]
    fn keyword_expression(&mut self) -> Result<Node<'t>, Problem> {
        let begin = self.peek();
        match begin.kind {
            Kind::Assert => {
                self.pop();
                let cond = self.parse(MAX)?;
                let message = if self.peek_is_op(":") {
                    self.pop();
                    Some(Box::new(self.parse(MAX)?))
                } else {
                    None
                };
                self.expect(Kind::Semicolon, " after the assertion")?;
                let rest = self.parse(MAX)?;
                Ok(node(
                    begin.start,
                    Expr::Assert(Box::new(cond), message, Box::new(rest)),
                ))
            }
            Kind::Error => {
                self.pop();
                let expr = self.parse(MAX)?;
                Ok(node(begin.start, Expr::Error(Box::new(expr))))
            }
            Kind::If => {
                self.pop();
                let cond = self.parse(MAX)?;
                self.expect(Kind::Then, " after the condition of `if`")?;
                let then = self.parse(MAX)?;
                let otherwise = if self.peek().kind == Kind::Else {
                    self.pop();
                    Some(Box::new(self.parse(MAX)?))
                } else {
                    None
                };
                Ok(node(
                    begin.start,
                    Expr::If(Box::new(cond), Box::new(then), otherwise),
                ))
            }
            Kind::Function => {
                self.pop();
                let paren = self.pop();
                if paren.kind != Kind::ParenL {
                    return Err(Problem::new(
                        paren.start,
                        format!("expected `(` after `function`, found {paren}"),
                    ));
                }
                let params = self.parameters()?;
                let body = self.parse(MAX)?;
                Ok(node(begin.start, Expr::Function(params, Box::new(body))))
            }
            Kind::Import | Kind::ImportStr | Kind::ImportBin => {
                self.pop();
                let file = self.parse(MAX)?;
                let what = begin.kind.spelling();
                match file.expr {
                    Expr::Str(StrKind::Block, _) => Err(Problem::new(
                        file.at,
                        format!("`{what}` takes a quoted path, not a text block"),
                    )),
                    Expr::Str(..) => {
                        let kind = match begin.kind {
                            Kind::Import => Import::Code,
                            Kind::ImportStr => Import::Str,
                            _ => Import::Bin,
                        };
                        Ok(node(begin.start, Expr::Import(kind, Box::new(file))))
                    }
                    _ => Err(Problem::new(
                        file.at,
                        format!("`{what}` takes a string literal: the path cannot be computed"),
                    )),
                }
            }
            Kind::Local => {
                self.pop();
                let mut binds: Vec<Bind<'t>> = Vec::new();
                let mut names = Names::default();
                loop {
                    let name = self.expect(Kind::Identifier, " after `local`")?;
                    if !names.insert(&name.text) {
                        return Err(Problem::new(
                            name.start,
                            format!(
                                "`{}` is bound twice in this `local`: each name once per \
                                 `local`",
                                name.text
                            ),
                        ));
                    }
                    binds.push(self.bind(&name.text)?);
                    let delim = self.pop();
                    match delim.kind {
                        Kind::Semicolon => break,
                        Kind::Comma => {}
                        _ => {
                            return Err(Problem::new(
                                delim.start,
                                format!(
                                    "expected `;` (or `,` and another binding) after a \
                                     `local` binding, found {delim}"
                                ),
                            ));
                        }
                    }
                }
                let body = self.parse(MAX)?;
                Ok(node(begin.start, Expr::Local(binds, Box::new(body))))
            }
            _ => unreachable!("called on a keyword"),
        }
    }

    /// Unary and binary operators, indexing and calls up to precedence `prec`. go-jsonnet
    /// recurses once per precedence level; climbing in one loop gives the same tree and the
    /// same errors at a sixth of the stack.
    fn operators(&mut self, prec: u8) -> Result<Node<'t>, Problem> {
        let begin = self.peek();
        let at = begin.start;
        // The precedence of the last operator applied: no tighter one may follow.
        let mut floor = 0;
        let mut lhs = if begin.kind == Kind::Operator {
            let Some(op) = UnaryOp::of(&begin.text) else {
                return Err(Problem::new(at, not_unary(begin)));
            };
            self.pop();
            let operand = self.parse(UNARY)?;
            // go-jsonnet returns a unary operator to its loop for the tightest binary ones.
            floor = UNARY + 1;
            node(at, Expr::Unary(op, Box::new(operand)))
        } else {
            self.terminal()?
        };
        loop {
            let next = self.peek();
            let (level, binary) = match next.kind {
                Kind::In => (IN, Some(BinaryOp::In)),
                Kind::Operator if next.text == ":" || next.text == "::" => return Ok(lhs),
                Kind::Operator => match BinaryOp::of(&next.text) {
                    Some(op) => (binary_precedence(op), Some(op)),
                    None => return Err(Problem::new(next.start, not_binary(next))),
                },
                Kind::Dot | Kind::BracketL | Kind::ParenL | Kind::BraceL => (APPLY, None),
                _ => return Ok(lhs),
            };
            if level > prec || level < floor {
                return Ok(lhs);
            }
            let op_at = next.start;
            lhs = self.operator(level, binary, at, lhs)?;
            // Each link of a chain (`.a`, `[i]`, `(x)`, `{…}`, a binary operator) is one more
            // level of the tree, though the parser loops over them.
            lhs = self.bounded(op_at, lhs)?;
            // go-jsonnet parses an operator in its loop for that precedence, and returns up
            // through the looser ones when a tighter operator follows. That happens only when
            // the right operand ended early: after `in super` (which has none), or in a
            // keyword expression that did (`a in error 'e' in super + 1`): the expression
            // ends there.
            floor = level;
        }
    }

    /// The operator at the next token applied to `lhs`, which started at `at`; `binary` is
    /// the binary operator that token is, if it is one.
    #[inline(never)]
    fn operator(
        &mut self,
        prec: u8,
        binary: Option<BinaryOp>,
        at: usize,
        lhs: Node<'t>,
    ) -> Result<Node<'t>, Problem> {
        let op = self.pop();
        Ok(match op.kind {
            Kind::BracketL => self.index(at, lhs)?,
            Kind::Dot => {
                let name = self.expect(Kind::Identifier, " after `.`")?;
                node(at, Expr::Field(Box::new(lhs), &name.text))
            }
            Kind::ParenL => {
                let (positional, named) = self.arguments()?;
                if self.peek().kind == Kind::TailStrict {
                    self.pop();
                }
                node(at, Expr::Apply(Box::new(lhs), positional, named))
            }
            Kind::BraceL => {
                let object = self.object(op.start)?;
                node(at, Expr::ApplyBrace(Box::new(lhs), Box::new(object)))
            }
            Kind::In if self.peek().kind == Kind::Super => {
                self.pop();
                node(at, Expr::InSuper(Box::new(lhs)))
            }
            _ => {
                let op = binary.expect("`operators` passes the binary operator it found");
                let rhs = self.parse(prec - 1)?;
                node(at, Expr::Binary(Box::new(lhs), op, Box::new(rhs)))
            }
        })
    }

    fn expect_op(&mut self, op: &str, context: &str) -> Result<&'t Token<'t>, Problem> {
        let token = self.pop();
        if token.kind == Kind::Operator && token.text == op {
            return Ok(token);
        }
        Err(Problem::new(
            token.start,
            format!("expected `{op}`{context}, found {token}"),
        ))
    }

    /// `[index]`, `[start:end:step]` and the forms with parts left out; `[` is consumed.
    fn index(&mut self, at: usize, target: Node<'t>) -> Result<Node<'t>, Problem> {
        let mut parts: [Option<Box<Node<'t>>>; 3] = [None, None, None];
        let mut colons = 0;
        let mut ready = true;
        let mut end_at = None;
        while colons < 3 {
            let next = self.peek();
            if next.kind == Kind::BracketR {
                end_at = Some(self.pop().start);
                break;
            } else if next.text == ":" {
                end_at = Some(self.pop().start);
                colons += 1;
                ready = true;
            } else if next.text == "::" {
                end_at = Some(self.pop().start);
                colons += 2;
                ready = true;
            } else if ready {
                parts[colons] = Some(Box::new(self.parse(MAX)?));
                ready = false;
            } else {
                let next = self.peek();
                return Err(Problem::new(
                    next.start,
                    format!("expected `]` or `:` in an index, found {next}"),
                ));
            }
        }
        let end_at = end_at.unwrap_or(at);
        if colons > 2 {
            return Err(Problem::new(
                end_at,
                "a slice has at most two colons: `a[start:end:step]`".into(),
            ));
        }
        if colons == 0 && ready {
            return Err(Problem::new(
                end_at,
                "an index needs an expression: write `a[i]`, or a slice such as `a[i:j]`".into(),
            ));
        }
        if colons > 0 {
            Ok(node(at, Expr::Slice(Box::new(target), parts)))
        } else {
            let [index, ..] = parts;
            let index = index.expect("an index without colons has its expression");
            Ok(node(at, Expr::Index(Box::new(target), index)))
        }
    }

    /// The rest of a `local` binding after its name, in an expression or an object:
    /// `(params) = value` or `= value`.
    fn bind(&mut self, name: &'t str) -> Result<Bind<'t>, Problem> {
        let params = if self.peek().kind == Kind::ParenL {
            self.pop();
            Some(self.parameters()?)
        } else {
            None
        };
        self.expect_op("=", &format!(" after `local {name}`"))?;
        let value = self.parse(MAX)?;
        Ok(Bind {
            name,
            params,
            value,
        })
    }

    /// The parameters of a function or method up to `)`; `(` is consumed.
    fn parameters(&mut self) -> Result<Vec<Param<'t>>, Problem> {
        let mut params = Vec::new();
        let mut comma = false;
        loop {
            let next = self.peek();
            if next.kind == Kind::ParenR {
                self.pop();
                return Ok(params);
            }
            if !params.is_empty() && !comma {
                return Err(Problem::new(
                    next.start,
                    format!("expected `,` or `)` after a parameter, found {next}"),
                ));
            }
            let name = self.expect(Kind::Identifier, " as a parameter")?;
            let default = if self.peek_is_op("=") {
                self.pop();
                Some(self.parse(MAX)?)
            } else {
                None
            };
            params.push(Param {
                name: &name.text,
                default,
            });
            comma = self.peek().kind == Kind::Comma;
            if comma {
                self.pop();
            }
        }
    }

    /// The arguments of a call up to `)`; `(` is consumed.
    #[allow(clippy::type_complexity)]
    fn arguments(&mut self) -> Result<(Vec<Node<'t>>, Vec<(&'t str, Node<'t>)>), Problem> {
        let mut positional = Vec::new();
        let mut named = Vec::new();
        let mut comma = false;
        let mut first = true;
        loop {
            let next = self.peek();
            if next.kind == Kind::ParenR {
                self.pop();
                return Ok((positional, named));
            }
            if !first && !comma {
                return Err(Problem::new(
                    next.start,
                    format!("expected `,` or `)` after an argument, found {next}"),
                ));
            }
            let name = if next.kind == Kind::Identifier
                && self.peek2().kind == Kind::Operator
                && self.peek2().text == "="
            {
                self.pop();
                self.pop();
                Some(&*next.text)
            } else {
                None
            };
            let value = self.parse(MAX)?;
            comma = self.peek().kind == Kind::Comma;
            if comma {
                self.pop();
            }
            match name {
                Some(name) => named.push((name, value)),
                None if !named.is_empty() => {
                    return Err(Problem::new(
                        next.start,
                        "a positional argument cannot follow a named one: put the \
                         positional arguments first"
                            .into(),
                    ));
                }
                None => positional.push(value),
            }
            first = false;
        }
    }

    fn terminal(&mut self) -> Result<Node<'t>, Problem> {
        let token = self.pop();
        let at = token.start;
        Ok(match token.kind {
            Kind::EndOfFile => {
                return Err(Problem::new(
                    at,
                    "the body ends where an expression was expected".into(),
                ));
            }
            Kind::BraceL => self.object(at)?,
            Kind::BracketL => self.array(at)?,
            Kind::ParenL => {
                let inner = self.parse(MAX)?;
                self.expect(Kind::ParenR, " to close `(`")?;
                node(at, Expr::Parens(Box::new(inner)))
            }
            Kind::Number | Kind::True | Kind::False | Kind::Null => {
                node(at, Expr::Literal(&token.text))
            }
            Kind::Str(kind) => {
                if kind.escaped() {
                    check_escapes(at, &token.text)?;
                }
                node(at, Expr::Str(kind, &token.text))
            }
            Kind::Dollar => node(at, Expr::Dollar),
            Kind::Identifier => node(at, Expr::Var(&token.text)),
            Kind::SelfKw => node(at, Expr::SelfRef),
            Kind::Super => {
                let next = self.pop();
                match next.kind {
                    Kind::Dot => {
                        self.expect(Kind::Identifier, " after `super.`")?;
                        node(at, Expr::Super(None))
                    }
                    Kind::BracketL => {
                        let index = self.parse(MAX)?;
                        self.expect(Kind::BracketR, " to close `super[`")?;
                        node(at, Expr::Super(Some(Box::new(index))))
                    }
                    _ => {
                        return Err(Problem::new(
                            at,
                            "`super` stands only before `.field` or `[field]`".into(),
                        ));
                    }
                }
            }
            _ => {
                return Err(Problem::new(
                    at,
                    format!("expected an expression, found {token}"),
                ));
            }
        })
    }

    /// An array or array comprehension; `[` is consumed.
    fn array(&mut self, at: usize) -> Result<Node<'t>, Problem> {
        if self.peek().kind == Kind::BracketR {
            self.pop();
            return Ok(node(at, Expr::Array(Vec::new())));
        }
        let first = self.parse(MAX)?;
        let mut comma = self.peek().kind == Kind::Comma;
        if comma {
            self.pop();
        }
        if self.peek().kind == Kind::For {
            self.pop();
            let specs = self.comprehension(Kind::BracketR)?;
            return Ok(node(at, Expr::ArrayComp(Box::new(first), specs)));
        }
        let mut items = vec![first];
        loop {
            let next = self.peek();
            if next.kind == Kind::BracketR {
                self.pop();
                return Ok(node(at, Expr::Array(items)));
            }
            if !comma {
                return Err(Problem::new(
                    next.start,
                    format!("expected `,` or `]` after an array element, found {next}"),
                ));
            }
            items.push(self.parse(MAX)?);
            comma = self.peek().kind == Kind::Comma;
            if comma {
                self.pop();
            }
        }
    }

    /// `var in source if …` and any further `for` clauses, up to `end`; the first `for` is
    /// consumed.
    fn comprehension(&mut self, end: Kind) -> Result<Vec<ForSpec<'t>>, Problem> {
        let mut specs = Vec::new();
        loop {
            let var = self.expect(Kind::Identifier, " after `for`")?;
            self.expect(Kind::In, &format!(" after `for {}`", var.text))?;
            let source = self.parse(MAX)?;
            let mut conditions = Vec::new();
            let mut next = self.pop();
            while next.kind == Kind::If {
                conditions.push(self.parse(MAX)?);
                next = self.pop();
            }
            specs.push(ForSpec {
                var: &var.text,
                source,
                conditions,
            });
            // A comprehension is one level more than it has clauses (see `Node::height`):
            // this one is the first too many.
            if specs.len() >= self.limit {
                return Err(Problem::too_deep(var.start, self.limit));
            }
            if next.kind == end {
                return Ok(specs);
            }
            if next.kind != Kind::For {
                return Err(Problem::new(
                    next.start,
                    format!(
                        "expected `for`, `if` or `{}` after a `for` clause, found {next}",
                        end.spelling()
                    ),
                ));
            }
        }
    }

    /// An object or object comprehension; `{` is consumed and located at `at`.
    fn object(&mut self, at: usize) -> Result<Node<'t>, Problem> {
        let mut members = Vec::new();
        let mut fixed_names = Names::default();
        let mut locals = Names::default();
        let mut comma = false;
        let mut next = self.pop();
        loop {
            match next.kind {
                Kind::BraceR => return Ok(node(at, Expr::Object(members))),
                Kind::For => return self.object_comprehension(at, members, next),
                _ => {}
            }
            if !comma && !members.is_empty() {
                return Err(Problem::new(
                    next.start,
                    format!("expected `,` or `}}` after an object member, found {next}"),
                ));
            }
            let member = match next.kind {
                Kind::BracketL | Kind::Identifier | Kind::Str(_) => {
                    self.field(next, &mut fixed_names)?
                }
                Kind::Local => {
                    let name = self.expect(Kind::Identifier, " after `local`")?;
                    if !locals.insert(&name.text) {
                        return Err(Problem::new(
                            name.start,
                            format!(
                                "`{}` is bound twice in this object: each name once per object",
                                name.text
                            ),
                        ));
                    }
                    Member::Local(self.bind(&name.text)?)
                }
                Kind::Assert => {
                    let cond = self.parse(MAX)?;
                    let message = if self.peek_is_op(":") {
                        self.pop();
                        Some(self.parse(MAX)?)
                    } else {
                        None
                    };
                    Member::Assert(cond, message)
                }
                _ => {
                    return Err(Problem::new(
                        next.start,
                        format!(
                            "expected a field, `local`, `assert` or `}}` in an object, found \
                             {next}"
                        ),
                    ));
                }
            };
            members.push(member);
            next = self.pop();
            comma = next.kind == Kind::Comma;
            if comma {
                next = self.pop();
            }
        }
    }

    /// A field whose name starts with `name` (consumed).
    fn field(
        &mut self,
        name: &'t Token<'t>,
        fixed_names: &mut Names<'t>,
    ) -> Result<Member<'t>, Problem> {
        let field_name = match name.kind {
            Kind::Identifier => FieldName::Fixed(&name.text),
            Kind::Str(kind) => {
                if kind.escaped() {
                    check_escapes(name.start, &name.text)?;
                }
                FieldName::Str(node(name.start, Expr::Str(kind, &name.text)))
            }
            _ => {
                let expr = self.parse(MAX)?;
                self.expect(Kind::BracketR, " to close the field name")?;
                FieldName::Computed(expr)
            }
        };
        let params = if self.peek().kind == Kind::ParenL {
            self.pop();
            Some(self.parameters()?)
        } else {
            None
        };
        let op = self.expect(Kind::Operator, " after a field name")?;
        let colons = op.text.strip_prefix('+').unwrap_or(&op.text);
        if colons.is_empty() || colons.len() > 3 || colons.bytes().any(|b| b != b':') {
            return Err(Problem::new(
                op.start,
                format!(
                    "expected `:`, `::`, `:::`, `+:`, `+::` or `+:::` after a field name, \
                     found {op}"
                ),
            ));
        }
        let plus = op.text.starts_with('+');
        if plus && params.is_some() {
            return Err(Problem::new(
                name.start,
                "a method cannot use `+:`: write `:`, `::` or `:::`".into(),
            ));
        }
        if !matches!(field_name, FieldName::Computed(_)) && !fixed_names.insert(&name.text) {
            return Err(Problem::new(
                name.start,
                format!(
                    "field `{}` is defined twice in this object: each field once per object",
                    name.text
                ),
            ));
        }
        let value = self.parse(MAX)?;
        Ok(Member::Field {
            name: field_name,
            params,
            value,
            colons: colons.len(),
        })
    }

    fn object_comprehension(
        &mut self,
        at: usize,
        members: Vec<Member<'t>>,
        for_token: &Token<'_>,
    ) -> Result<Node<'t>, Problem> {
        let refuse = |message: &str| Err(Problem::new(for_token.start, message.to_owned()));
        if members.iter().any(|m| matches!(m, Member::Assert(..))) {
            return refuse("an object comprehension cannot have `assert`s");
        }
        let fields: Vec<&Member<'t>> = members
            .iter()
            .filter(|m| matches!(m, Member::Field { .. }))
            .collect();
        let [field] = fields[..] else {
            return refuse("an object comprehension has exactly one field (and any `local`s)");
        };
        if let Member::Field { name, colons, .. } = field {
            if *colons != 1 {
                return refuse(
                    "the field of an object comprehension cannot be hidden or forced visible: use `:`",
                );
            }
            if !matches!(name, FieldName::Computed(_)) {
                return refuse(
                    "the field of an object comprehension needs a computed name: write \
                     `[name]: value`",
                );
            }
        }
        let specs = self.comprehension(Kind::BraceR)?;
        Ok(node(at, Expr::ObjectComp(members, specs)))
    }
}

fn not_unary(token: &Token<'_>) -> String {
    format!(
        "`{}` is not a unary operator: the unary operators are `-`, `+`, `!` and `~`{}",
        token.text,
        cut_hint(token)
    )
}

fn not_binary(token: &Token<'_>) -> String {
    format!(
        "`{}` is not a binary operator{}",
        token.text,
        cut_hint(token)
    )
}

/// go-jsonnet cuts `==-` to `=`; say so, since nobody would guess.
fn cut_hint(token: &Token<'_>) -> String {
    match &token.cut_from {
        Some(run) => format!(
            " (Jsonnet reads `{run}` as `{}` and what follows: put a space before the last \
             `{}`)",
            token.text,
            &run[run.len() - 1..]
        ),
        None => String::new(),
    }
}

/// go-jsonnet's check of the escapes of a `"…"` or `'…'` string (`StringUnescape`), which its
/// parser runs on each such string as it reads it; every problem is placed at the string.
fn check_escapes(at: usize, text: &str) -> Result<(), Problem> {
    const ESCAPES: &str = "the escapes are `\\\"`, `\\'`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, \
                           `\\r`, `\\t` and `\\uXXXX`";
    let bytes = text.as_bytes();
    let refuse = |message: String| Err(Problem::static_error(at, message));
    let hex = |from: usize| -> Option<u32> {
        let digits = bytes.get(from..from + 4)?;
        digits
            .iter()
            .try_fold(0, |code, b| Some(code * 16 + char::from(*b).to_digit(16)?))
    };
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        i += 1;
        let Some(&escaped) = bytes.get(i) else {
            return refuse(format!("this string ends inside an escape: {ESCAPES}"));
        };
        match escaped {
            b'"' | b'\'' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 1,
            b'u' => {
                i += 1;
                let Some(code) = hex(i) else {
                    return refuse(
                        "`\\u` in a string takes four hexadecimal digits, such as `\\u00e9`".into(),
                    );
                };
                i += 4;
                if (0xD800..=0xDFFF).contains(&code) {
                    // Half of a UTF-16 surrogate pair: go-jsonnet reads the next six bytes as
                    // the other half, whatever it is.
                    let half = &text[i - 6..i];
                    if bytes.get(i..i + 2) != Some(b"\\u") || i + 6 > bytes.len() {
                        return refuse(format!(
                            "`{half}` is half of a UTF-16 surrogate pair, and no `\\uXXXX` \
                             follows it: write both halves, such as `\\ud83d\\ude00` for \
                             U+1F600, or the character itself"
                        ));
                    }
                    i += 2;
                    if hex(i).is_none() {
                        return refuse(format!(
                            "`{half}` is half of a UTF-16 surrogate pair: the `\\u` after it \
                             takes four hexadecimal digits, such as `\\ude00`"
                        ));
                    }
                    i += 4;
                }
            }
            _ => {
                let other = text[i..].chars().next().unwrap_or('?');
                return refuse(format!(
                    "unknown escape `\\{}` in a string: {ESCAPES}",
                    other.escape_debug()
                ));
            }
        }
    }
    Ok(())
}

/// Names seen once each (the bindings of a `local`, an object's fields): a list while they
/// are few, as they nearly always are, a set past that.
#[derive(Default)]
struct Names<'t> {
    few: Vec<&'t str>,
    many: HashSet<&'t str>,
}

impl<'t> Names<'t> {
    /// How many names are kept in the list.
    const FEW: usize = 16;

    /// Adds `name`; false when it was there already.
    fn insert(&mut self, name: &'t str) -> bool {
        if self.many.is_empty() {
            if self.few.contains(&name) {
                return false;
            }
            if self.few.len() < Self::FEW {
                self.few.push(name);
                return true;
            }
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(name)
    }
}
