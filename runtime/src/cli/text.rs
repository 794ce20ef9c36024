//! Plans as people read them (Terraform and Pulumi habits: `+`, `~`, `-`), in a terminal or a
//! pull-request comment. Secrets show as `(sensitive)`, always.

use std::fmt::Write as _;

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

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub(crate) fn green(self, text: &str) -> String {
        self.paint("32", text)
    }

    pub(crate) fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }

    pub(crate) fn red(self, text: &str) -> String {
        self.paint("31", text)
    }

    pub(crate) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub(crate) fn dim(self, text: &str) -> String {
        self.paint("2", text)
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
    let mut out = String::new();
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
            style.bold(&format!("Project {id}")),
            plan.revision_id
        ),
        BackendName::KratosConfig(_) => writeln!(out, "{}:", style.bold(&plan.backend.to_string())),
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
                style.dim(&hook.scope.to_string()),
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
    let (sign, paint): (&str, fn(Style, &str) -> String) = match change.kind {
        ChangeKind::Create => ("+", Style::green),
        ChangeKind::Update => ("~", Style::yellow),
        ChangeKind::Delete => ("-", Style::red),
        ChangeKind::Unchanged => (" ", Style::dim),
    };
    let url = &change.url;
    let title = match &change.name {
        Some(name) => format!("{name}: {} {url}", change.method),
        None => format!("{} {url}", change.method),
    };
    let note = if change.pruned {
        " (not declared; owned by the prune policy)"
    } else {
        ""
    };
    let _ = writeln!(out, "  {} {}{note}", paint(style, sign), style.bold(&title));
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
                        writeln!(out, "          {}", style.red(&format!("- {line}")))
                    }
                    ChangeTag::Insert => {
                        writeln!(out, "          {}", style.green(&format!("+ {line}")))
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
                (Shown::Absent, after) => shown_inline(after),
                (before, Shown::Absent) => shown_inline(before),
                (Shown::Sensitive, Shown::Sensitive) => format!("{REDACTED} (changed)"),
                (before, after) => format!("{} -> {}", shown_inline(before), shown_inline(after)),
            };
            let _ = writeln!(out, "      {sign} {name}: {value}");
        }
    }
}

fn shown_inline(shown: &Shown) -> String {
    match shown {
        Shown::Absent => "(none)".into(),
        Shown::Value(value) => value.to_string(),
        Shown::Text(text) if text.lines().count() <= 1 => format!("{text:?}"),
        Shown::Text(text) => format!("({} lines of Jsonnet)", text.lines().count()),
        Shown::Unreadable(what) => format!("(stored at {what})"),
        Shown::Sensitive => REDACTED.into(),
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
