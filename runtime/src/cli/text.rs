//! Plans as people read them (Terraform and Pulumi habits: `+`, `~`, `-`), in a terminal or a
//! pull-request comment. Secrets show as `(sensitive)`, always.

use std::fmt::{self, Write as _};

use similar::{ChangeTag, TextDiff};

use crate::backend::BackendName;
use crate::hooks::REDACTED;
use crate::plan::{Change, ChangeKind, FieldChange, ProjectPlan, Shown};

/// ANSI colours, or nothing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    color: bool,
}

impl Style {
    /// Colours when `color` is true.
    pub(crate) fn new(color: bool) -> Self {
        Style { color }
    }

    fn paint<T: fmt::Display>(self, code: &'static str, text: T) -> Painted<T> {
        Painted {
            code: self.color.then_some(code),
            text,
        }
    }

    pub(crate) fn green<T: fmt::Display>(self, text: T) -> Painted<T> {
        self.paint("32", text)
    }

    pub(crate) fn yellow<T: fmt::Display>(self, text: T) -> Painted<T> {
        self.paint("33", text)
    }

    pub(crate) fn red<T: fmt::Display>(self, text: T) -> Painted<T> {
        self.paint("31", text)
    }

    pub(crate) fn bold<T: fmt::Display>(self, text: T) -> Painted<T> {
        self.paint("1", text)
    }

    pub(crate) fn dim<T: fmt::Display>(self, text: T) -> Painted<T> {
        self.paint("2", text)
    }
}

/// Text in a colour (or as it is), written out where it is formatted: a plan of thousands of
/// hooks makes no string per coloured word.
pub(crate) struct Painted<T> {
    /// The ANSI code, when colours are on.
    code: Option<&'static str>,
    text: T,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "\x1b[{code}m{}\x1b[0m", self.text),
            None => self.text.fmt(f),
        }
    }
}

/// Created, updated, deleted and unchanged hooks, over any number of plans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Hooks created.
    pub(crate) create: usize,
    /// Hooks updated.
    pub(crate) update: usize,
    /// Hooks deleted.
    pub(crate) delete: usize,
    /// Declared hooks already as declared.
    pub(crate) unchanged: usize,
}

impl Summary {
    /// Counts the changes of `plans`.
    pub(crate) fn of<'a>(plans: impl IntoIterator<Item = &'a ProjectPlan>) -> Self {
        let mut summary = Summary::default();
        for change in plans.into_iter().flat_map(|p| &p.changes) {
            match change.kind {
                ChangeKind::Create => summary.create += 1,
                ChangeKind::Update => summary.update += 1,
                ChangeKind::Delete => summary.delete += 1,
                ChangeKind::Unchanged => summary.unchanged += 1,
            }
        }
        summary
    }

    /// Whether anything changes.
    pub(crate) fn has_changes(&self) -> bool {
        self.create + self.update + self.delete > 0
    }
}

/// The human form of the plans of the backends that could be planned; `failed` names those that
/// could not (their errors are reported apart), and makes the summary say the plan is
/// incomplete.
pub(crate) fn plan_text(plans: &[ProjectPlan], failed: &[String], style: Style) -> String {
    // A few lines for each change: room for most plans, so that the text is not copied as it
    // grows.
    let changes: usize = plans.iter().map(|plan| plan.changes.len()).sum();
    let mut out = String::with_capacity(256 * changes + 256);
    for plan in plans {
        project_text(&mut out, plan, style);
    }
    let summary = Summary::of(plans);
    if !failed.is_empty() {
        let others = if plans.is_empty() {
            String::new()
        } else {
            format!(
                "; the others would get {} to create, {} to update, {} to delete",
                summary.create, summary.update, summary.delete
            )
        };
        let _ = writeln!(
            out,
            "{} {} could not be planned (see the errors){others}.",
            style.red("Plan incomplete:"),
            failed.join(", "),
        );
    } else if summary.has_changes() {
        let _ = writeln!(
            out,
            "{} {} to create, {} to update, {} to delete{}.",
            style.bold("Plan:"),
            summary.create,
            summary.update,
            summary.delete,
            unchanged_note(summary.unchanged)
        );
    } else {
        let _ = writeln!(
            out,
            "{} The hooks match the stack{}.",
            style.bold("No changes."),
            unchanged_note(summary.unchanged)
        );
    }
    out
}

fn unchanged_note(unchanged: usize) -> String {
    match unchanged {
        0 => String::new(),
        n => format!(" ({n} unchanged)"),
    }
}

fn project_text(out: &mut String, plan: &ProjectPlan, style: Style) {
    let _ = match &plan.backend {
        BackendName::Project(id) => writeln!(
            out,
            "{} (revision {}):",
            style.bold(format_args!("Project {id}")),
            plan.revision_id
        ),
        BackendName::KratosConfig(_) => writeln!(out, "{}:", style.bold(&plan.backend)),
    };
    // Unchanged hooks show only when a field could not be compared.
    let shown: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Unchanged || !c.fields.is_empty())
        .collect();
    if shown.iter().all(|c| c.kind == ChangeKind::Unchanged) {
        let _ = writeln!(out, "  no changes");
    }
    for change in shown {
        out.push('\n');
        change_text(out, change, style);
    }
    if !plan.unmanaged.is_empty() {
        let _ = writeln!(out, "\n  Web hooks the stack does not manage (left alone):");
        for hook in &plan.unmanaged {
            let _ = writeln!(
                out,
                "    {} {} {}",
                style.dim(&hook.scope),
                hook.method,
                hook.url
            );
        }
    }
    if !plan.warnings.is_empty() {
        out.push('\n');
        for warning in &plan.warnings {
            let _ = writeln!(out, "  {} {warning}", style.yellow("Warning:"));
        }
    }
    out.push('\n');
}

fn change_text(out: &mut String, change: &Change, style: Style) {
    let sign = match change.kind {
        ChangeKind::Create => style.green("+"),
        ChangeKind::Update => style.yellow("~"),
        ChangeKind::Delete => style.red("-"),
        ChangeKind::Unchanged => style.dim(" "),
    };
    let url = &change.url;
    let note = if change.pruned {
        " (not declared; owned by the prune policy)"
    } else {
        ""
    };
    let _ = match &change.name {
        Some(name) => writeln!(
            out,
            "  {sign} {}{note}",
            style.bold(format_args!("{name}: {} {url}", change.method))
        ),
        None => writeln!(
            out,
            "  {sign} {}{note}",
            style.bold(format_args!("{} {url}", change.method))
        ),
    };
    let _ = writeln!(out, "      in {}", change.scope);
    for field in &change.fields {
        field_text(out, change.kind, field, style);
    }
}

fn field_text(out: &mut String, kind: ChangeKind, field: &FieldChange, style: Style) {
    let name = &field.field;
    if let Some(note) = field.note {
        let sign = if field.changes() {
            style.yellow("~")
        } else {
            style.dim("?")
        };
        let _ = writeln!(out, "      {sign} {name}: {REDACTED} ({note})");
        return;
    }
    match (&field.before, &field.after) {
        (Shown::Text(before), Shown::Text(after)) => {
            let _ = writeln!(out, "      {} {name}:", style.yellow("~"));
            for change in TextDiff::from_lines(before.as_str(), after.as_str()).iter_all_changes() {
                let line = change.value().trim_end_matches('\n');
                let _ = match change.tag() {
                    ChangeTag::Delete => {
                        writeln!(out, "          {}", style.red(format_args!("- {line}")))
                    }
                    ChangeTag::Insert => {
                        writeln!(out, "          {}", style.green(format_args!("+ {line}")))
                    }
                    ChangeTag::Equal => writeln!(out, "            {line}"),
                };
            }
        }
        (Shown::Absent, Shown::Text(text)) => {
            let sign = if kind == ChangeKind::Create { "+" } else { "~" };
            let _ = writeln!(out, "      {} {name}:", style.green(sign));
            for line in text.lines() {
                let _ = writeln!(out, "          {line}");
            }
        }
        (_, after) if kind == ChangeKind::Create => {
            let _ = writeln!(
                out,
                "      {} {name}: {}",
                style.green("+"),
                shown_inline(after)
            );
        }
        (before, after) => {
            let sign = match (before, after) {
                (Shown::Absent, _) => style.green("+"),
                (_, Shown::Absent) => style.red("-"),
                _ => style.yellow("~"),
            };
            let value = match (before, after) {
                (Shown::Absent, after) => shown_inline(after).to_string(),
                (before, Shown::Absent) => shown_inline(before).to_string(),
                (Shown::Sensitive, Shown::Sensitive) => format!("{REDACTED} (changed)"),
                (before, after) => format!("{} -> {}", shown_inline(before), shown_inline(after)),
            };
            let _ = writeln!(out, "      {sign} {name}: {value}");
        }
    }
}

/// A value on one line: its JSON, a one-line text quoted, or what stands for it.
fn shown_inline(shown: &Shown) -> Inline<'_> {
    Inline(shown)
}

struct Inline<'a>(&'a Shown);

impl fmt::Display for Inline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Shown::Absent => f.write_str("(none)"),
            Shown::Value(value) => value.fmt(f),
            Shown::Text(text) if text.lines().count() <= 1 => write!(f, "{text:?}"),
            Shown::Text(text) => write!(f, "({} lines of Jsonnet)", text.lines().count()),
            Shown::Unreadable(what) => write!(f, "(stored at {what})"),
            Shown::Sensitive => f.write_str(REDACTED),
        }
    }
}

/// The plan as Markdown, for a pull-request comment: the summary, then the plan in a `diff`
/// block so that creates and deletes show in colour.
pub(crate) fn plan_markdown(plans: &[ProjectPlan], failed: &[String]) -> String {
    let summary = Summary::of(plans);
    let headline = if !failed.is_empty() {
        format!(
            "**Plan incomplete:** {} could not be planned.",
            failed.join(", ")
        )
    } else if summary.has_changes() {
        format!(
            "**{} to create, {} to update, {} to delete** ({} unchanged).",
            summary.create, summary.update, summary.delete, summary.unchanged
        )
    } else {
        format!("**No changes** ({} unchanged).", summary.unchanged)
    };
    let mut body = String::new();
    for plan in plans {
        project_text(&mut body, plan, Style::new(false));
    }
    // A fence inside a body must not end the block; signs move to the first column, where a
    // diff block colours them.
    let body: String = body
        .replace("```", "'''")
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            match trimmed.split_at_checked(2) {
                Some((sign @ ("+ " | "- " | "~ "), rest)) if indent > 0 => {
                    format!("{}{}{rest}\n", &sign[..1], " ".repeat(indent + 1))
                }
                _ => format!("{line}\n"),
            }
        })
        .collect();
    format!(
        "### ory-actions plan\n\n{headline}\n\n<details><summary>Details</summary>\n\n```diff\n{body}```\n\n</details>\n"
    )
}
