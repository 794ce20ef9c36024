//! What go-jsonnet refuses after parsing and before evaluating, in the order it looks: first
//! its desugarer (`$` outside any object), then its static analysis
//! (unknown variables, `self` and `super` outside any object). Each walks the tree in the
//! order go-jsonnet's does, so the first problem found is the one Kratos would report.

use std::collections::HashMap;

use super::Problem;
use super::ast::{BinaryOp, Bind, Expr, FieldName, ForSpec, Member, Node, Param};
use crate::suggest::did_you_mean;

/// Runs both of go-jsonnet's checks.
pub(crate) fn check(root: &Node) -> Result<(), Problem> {
    desugar(root, 0)?;
    let mut scope = Names::default();
    scope.push("std");
    analyze(root, false, &mut scope)
}

/// The desugarer's checks; `level` counts the objects around, as go-jsonnet counts them (a
/// field name is outside its object, everything else in a member inside).
fn desugar(node: &Node, level: usize) -> Result<(), Problem> {
    let each = |nodes: &mut dyn Iterator<Item = &Node>| {
        for n in nodes {
            desugar(n, level)?;
        }
        Ok(())
    };
    match &node.expr {
        // The parser has checked the escapes of every string, as go-jsonnet's does.
        Expr::Literal(_) | Expr::SelfRef | Expr::Var(_) | Expr::Str(..) => Ok(()),
        Expr::Dollar if level == 0 => Err(Problem::static_error(
            node.at,
            "`$` is used outside any object: `$` is the outermost object around it".into(),
        )),
        Expr::Dollar => Ok(()),
        Expr::Super(index) => each(&mut index.iter().map(|b| &**b)),
        Expr::InSuper(inner)
        | Expr::Unary(_, inner)
        | Expr::Error(inner)
        | Expr::Parens(inner)
        | Expr::Field(inner, _)
        | Expr::Import(_, inner) => desugar(inner, level),
        Expr::Array(items) => each(&mut items.iter()),
        Expr::ArrayComp(body, specs) => {
            desugar(body, level)?;
            desugar_specs(specs, level)
        }
        Expr::Object(members) => desugar_members(members, level),
        Expr::ObjectComp(members, specs) => {
            desugar_members(members, level)?;
            desugar_specs(specs, level)
        }
        // `a in b` is desugared into `std.objectHasAll(b, a)` before its operands.
        Expr::Binary(left, BinaryOp::In, right) => each(&mut [&**right, &**left].into_iter()),
        Expr::ApplyBrace(left, right) | Expr::Index(left, right) | Expr::Binary(left, _, right) => {
            each(&mut [&**left, &**right].into_iter())
        }
        Expr::Apply(target, positional, named) => each(
            &mut std::iter::once(&**target)
                .chain(positional)
                .chain(named.iter().map(|(_, value)| value)),
        ),
        Expr::Slice(target, parts) => {
            each(&mut std::iter::once(&**target).chain(parts.iter().flatten().map(|b| &**b)))
        }
        Expr::If(cond, then, otherwise) => each(
            &mut [&**cond, &**then]
                .into_iter()
                .chain(otherwise.iter().map(|b| &**b)),
        ),
        Expr::Function(params, body) => desugar_function(params, body, level),
        Expr::Local(binds, body) => {
            binds.iter().try_for_each(|b| desugar_bind(b, level))?;
            desugar(body, level)
        }
        // Desugared into `if cond then rest else error message`.
        Expr::Assert(cond, message, rest) => each(
            &mut [&**cond, &**rest]
                .into_iter()
                .chain(message.iter().map(|b| &**b)),
        ),
    }
}

fn desugar_function(params: &[Param], body: &Node, level: usize) -> Result<(), Problem> {
    params
        .iter()
        .filter_map(|p| p.default.as_ref())
        .try_for_each(|d| desugar(d, level))?;
    desugar(body, level)
}

fn desugar_bind(bind: &Bind, level: usize) -> Result<(), Problem> {
    match &bind.params {
        Some(params) => desugar_function(params, &bind.value, level),
        None => desugar(&bind.value, level),
    }
}

/// go-jsonnet's order: asserts, then each field's name and value, then the locals.
fn desugar_members(members: &[Member], level: usize) -> Result<(), Problem> {
    for member in members {
        if let Member::Assert(cond, message) = member {
            desugar(cond, level + 1)?;
            if let Some(message) = message {
                desugar(message, level + 1)?;
            }
        }
    }
    for member in members {
        if let Member::Field {
            name,
            params,
            value,
            ..
        } = member
        {
            if let FieldName::Str(name) | FieldName::Computed(name) = name {
                desugar(name, level)?;
            }
            match params {
                Some(params) => desugar_function(params, value, level + 1)?,
                None => desugar(value, level + 1)?,
            }
        }
    }
    for member in members {
        if let Member::Local(bind) = member {
            desugar_bind(bind, level + 1)?;
        }
    }
    Ok(())
}

/// The last `for` clause first: its conditions, then its source; then the one before.
fn desugar_specs(specs: &[ForSpec], level: usize) -> Result<(), Problem> {
    for spec in specs.iter().rev() {
        spec.conditions.iter().try_for_each(|c| desugar(c, level))?;
        desugar(&spec.source, level)?;
    }
    Ok(())
}

/// The static analysis: every variable bound, `self` and `super` inside an object.
fn analyze<'t>(node: &Node<'t>, in_object: bool, scope: &mut Names<'t>) -> Result<(), Problem> {
    let outside = |what: &str| {
        Err(Problem::static_error(
            node.at,
            format!("`{what}` is used outside any object: it names the object around it"),
        ))
    };
    match &node.expr {
        Expr::Literal(_) | Expr::Str(..) | Expr::Dollar | Expr::Import(..) => Ok(()),
        Expr::Var(name) if scope.contains(name) => Ok(()),
        Expr::Var(name) => Err(Problem::static_error(
            node.at,
            unknown_variable(name, scope),
        )),
        Expr::SelfRef if !in_object => outside("self"),
        Expr::SelfRef => Ok(()),
        Expr::Super(_) | Expr::InSuper(_) if !in_object => outside("super"),
        Expr::Super(index) => match index {
            Some(index) => analyze(index, in_object, scope),
            None => Ok(()),
        },
        Expr::InSuper(inner)
        | Expr::Unary(_, inner)
        | Expr::Error(inner)
        | Expr::Parens(inner)
        | Expr::Field(inner, _) => analyze(inner, in_object, scope),
        Expr::Array(items) => items
            .iter()
            .try_for_each(|item| analyze(item, in_object, scope)),
        Expr::ArrayComp(body, specs) => analyze_specs(specs, in_object, scope, &mut |scope| {
            analyze(body, in_object, scope)
        }),
        Expr::Object(members) => analyze_members(members, in_object, scope),
        Expr::ObjectComp(members, specs) => analyze_specs(specs, in_object, scope, &mut |scope| {
            analyze_members(members, in_object, scope)
        }),
        // `a in b` is `std.objectHasAll(b, a)`.
        Expr::Binary(left, BinaryOp::In, right) => {
            analyze(right, in_object, scope)?;
            analyze(left, in_object, scope)
        }
        Expr::ApplyBrace(left, right) | Expr::Index(left, right) | Expr::Binary(left, _, right) => {
            analyze(left, in_object, scope)?;
            analyze(right, in_object, scope)
        }
        Expr::Apply(target, positional, named) => {
            analyze(target, in_object, scope)?;
            positional
                .iter()
                .chain(named.iter().map(|(_, value)| value))
                .try_for_each(|arg| analyze(arg, in_object, scope))
        }
        Expr::Slice(target, parts) => {
            analyze(target, in_object, scope)?;
            parts
                .iter()
                .flatten()
                .try_for_each(|part| analyze(part, in_object, scope))
        }
        Expr::If(cond, then, otherwise) => {
            analyze(cond, in_object, scope)?;
            analyze(then, in_object, scope)?;
            match otherwise {
                Some(otherwise) => analyze(otherwise, in_object, scope),
                None => Ok(()),
            }
        }
        Expr::Function(params, body) => analyze_function(params, body, in_object, scope),
        Expr::Local(binds, body) => {
            let base = scope.len();
            scope.extend(binds.iter().map(|b| b.name));
            let result = binds
                .iter()
                .try_for_each(|b| analyze_bind(b, in_object, scope))
                .and_then(|()| analyze(body, in_object, scope));
            scope.truncate(base);
            result
        }
        Expr::Assert(cond, message, rest) => {
            analyze(cond, in_object, scope)?;
            analyze(rest, in_object, scope)?;
            match message {
                Some(message) => analyze(message, in_object, scope),
                None => Ok(()),
            }
        }
    }
}

fn analyze_function<'t>(
    params: &[Param<'t>],
    body: &Node<'t>,
    in_object: bool,
    scope: &mut Names<'t>,
) -> Result<(), Problem> {
    let base = scope.len();
    scope.extend(params.iter().map(|p| p.name));
    let result = params
        .iter()
        .filter_map(|p| p.default.as_ref())
        .try_for_each(|d| analyze(d, in_object, scope))
        .and_then(|()| analyze(body, in_object, scope));
    scope.truncate(base);
    result
}

fn analyze_bind<'t>(
    bind: &Bind<'t>,
    in_object: bool,
    scope: &mut Names<'t>,
) -> Result<(), Problem> {
    match &bind.params {
        Some(params) => analyze_function(params, &bind.value, in_object, scope),
        None => analyze(&bind.value, in_object, scope),
    }
}

/// go-jsonnet's order: the locals, the field values, the asserts (all inside the object, with
/// the locals in scope), then the field names (outside it).
fn analyze_members<'t>(
    members: &[Member<'t>],
    in_object: bool,
    scope: &mut Names<'t>,
) -> Result<(), Problem> {
    let base = scope.len();
    scope.extend(members.iter().filter_map(|m| match m {
        Member::Local(bind) => Some(bind.name),
        _ => None,
    }));
    let inside = |scope: &mut Names<'t>| -> Result<(), Problem> {
        for member in members {
            if let Member::Local(bind) = member {
                analyze_bind(bind, true, scope)?;
            }
        }
        for member in members {
            if let Member::Field { params, value, .. } = member {
                match params {
                    Some(params) => analyze_function(params, value, true, scope)?,
                    None => analyze(value, true, scope)?,
                }
            }
        }
        for member in members {
            if let Member::Assert(cond, message) = member {
                analyze(cond, true, scope)?;
                if let Some(message) = message {
                    analyze(message, true, scope)?;
                }
            }
        }
        Ok(())
    };
    let result = inside(scope);
    scope.truncate(base);
    result?;
    for member in members {
        if let Member::Field {
            name: FieldName::Computed(name),
            ..
        } = member
        {
            analyze(name, in_object, scope)?;
        }
    }
    Ok(())
}

/// A comprehension is `std.flatMap(function(var) if conditions then inner else [], source)`
/// nested from the first `for` clause outwards: the conditions of every clause, each with the
/// variables of the clauses up to its own, then `body`, then the sources from the last clause
/// to the first, each with the variables of the clauses before it. A loop, not a recursion
/// per clause: a comprehension may have thousands.
fn analyze_specs<'t>(
    specs: &[ForSpec<'t>],
    in_object: bool,
    scope: &mut Names<'t>,
    body: &mut dyn FnMut(&mut Names<'t>) -> Result<(), Problem>,
) -> Result<(), Problem> {
    let base = scope.len();
    let mut inside = |scope: &mut Names<'t>| -> Result<(), Problem> {
        for spec in specs {
            scope.push(spec.var);
            for condition in &spec.conditions {
                analyze(condition, in_object, scope)?;
            }
        }
        body(scope)?;
        for (i, spec) in specs.iter().enumerate().rev() {
            scope.truncate(base + i);
            analyze(&spec.source, in_object, scope)?;
        }
        Ok(())
    };
    let result = inside(scope);
    scope.truncate(base);
    result
}

/// The names in scope, innermost last, with how many times each is bound: a template may bind
/// thousands (`local a0 = …, a1 = …`), and each variable is looked up.
#[derive(Default)]
struct Names<'t> {
    order: Vec<&'t str>,
    bound: HashMap<&'t str, usize>,
}

impl<'t> Names<'t> {
    fn len(&self) -> usize {
        self.order.len()
    }

    fn push(&mut self, name: &'t str) {
        *self.bound.entry(name).or_default() += 1;
        self.order.push(name);
    }

    fn extend(&mut self, names: impl IntoIterator<Item = &'t str>) {
        names.into_iter().for_each(|name| self.push(name));
    }

    /// Unbinds the names bound after the first `len`.
    fn truncate(&mut self, len: usize) {
        for name in self.order.drain(len..) {
            if let Some(count) = self.bound.get_mut(name) {
                *count -= 1;
                if *count == 0 {
                    self.bound.remove(name);
                }
            }
        }
    }

    fn contains(&self, name: &str) -> bool {
        self.bound.contains_key(name)
    }
}

fn unknown_variable(name: &str, scope: &Names<'_>) -> String {
    if name == "ctx" {
        return "`ctx` is not bound here: Kratos passes the context only to a top-level \
                `function(ctx) …`"
            .into();
    }
    match did_you_mean(name, scope.order.iter().copied()) {
        Some(near) => format!("unknown variable `{name}`: did you mean `{near}`?"),
        None => format!(
            "unknown variable `{name}`: the names in scope are `std`, parameters, `local`s \
             and comprehension variables"
        ),
    }
}
