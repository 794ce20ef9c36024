//! Plans as people read them (Terraform and Pulumi habits: `+`, `~`, `-`) and as programs read
//! them (a stable JSON form). Secrets show as `(sensitive)`, always.

use std::fmt::Write as _;

use ory_actions_core::{Scope, Timing};
use serde_json::{Value, json};
use similar::{ChangeTag, TextDiff};

use crate::export::mask_credentials;
use crate::plan::{Change, ChangeKind, FieldChange, Mode, ProjectPlan, Shown, TargetKind};
use crate::render::REDACTED;

/// The version of the JSON form. It changes only when a field changes meaning or goes away;
/// new fields may appear in any version.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// ANSI colours, or nothing.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colours when `color` is true.
    pub fn new(color: bool) -> Self {
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
pub struct Summary {
    /// Hooks created.
    pub create: usize,
    /// Hooks updated.
    pub update: usize,
    /// Hooks deleted.
    pub delete: usize,
    /// Declared hooks already as declared.
    pub unchanged: usize,
}

impl Summary {
    /// Counts the changes of `plans`.
    pub fn of<'a>(plans: impl IntoIterator<Item = &'a ProjectPlan>) -> Self {
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
    pub fn has_changes(&self) -> bool {
        self.create + self.update + self.delete > 0
    }
}

/// The human form of the plans of the projects that could be planned; `failed` counts those
/// that could not (their errors are reported apart), and makes the summary say the plan is
/// incomplete.
pub fn plan_text(plans: &[ProjectPlan], failed: usize, style: Style) -> String {
    let mut out = String::new();
    for plan in plans {
        project_text(&mut out, plan, style);
    }
    let summary = Summary::of(plans);
    if failed > 0 {
        let _ = writeln!(
            out,
            "{} {failed} of {} project(s) could not be planned (see the errors); the others \
             would get {} to create, {} to update, {} to delete.",
            style.red("Plan incomplete:"),
            failed + plans.len(),
            summary.create,
            summary.update,
            summary.delete,
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
    let _ = match plan.kind {
        TargetKind::Project => writeln!(
            out,
            "{} (revision {}):",
            style.bold(&format!("Project {}", plan.project_id)),
            plan.revision_id
        ),
        TargetKind::ConfigFile => writeln!(
            out,
            "{}:",
            style.bold(&format!("Kratos config {}", plan.project_id))
        ),
    };
    let shown: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Unchanged)
        .collect();
    if shown.is_empty() {
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
                mask_credentials(&hook.url)
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
    let url = mask_credentials(&change.url);
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

/// The `auth_method` a hook list stands for: a method, `fallback`, or nothing.
fn auth_method(scope: Scope) -> Value {
    match scope.method() {
        Some(method) => method.as_str().into(),
        None if scope.is_fallback() => "fallback".into(),
        None => Value::Null,
    }
}

fn shown_json(shown: &Shown) -> Value {
    match shown {
        Shown::Absent => Value::Null,
        Shown::Value(value) => value.clone(),
        Shown::Text(text) => text.clone().into(),
        Shown::Unreadable(what) => json!({ "unreadable": what }),
        Shown::Sensitive => REDACTED.into(),
    }
}

/// The plan as Markdown, for a pull-request comment: the summary, then the plan in a `diff`
/// block so that creates and deletes show in colour.
pub fn plan_markdown(plans: &[ProjectPlan], failed: usize) -> String {
    let summary = Summary::of(plans);
    let headline = if failed > 0 {
        format!("**Plan incomplete:** {failed} project(s) could not be planned.")
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

/// The JSON form of a plan. See the crate documentation for its fields.
pub fn plan_json(plans: &[ProjectPlan], mode: Mode) -> Value {
    let summary = Summary::of(plans);
    json!({
        "format_version": JSON_FORMAT_VERSION,
        "mode": match mode { Mode::Apply => "apply", Mode::Destroy => "destroy" },
        "projects": plans.iter().map(project_json).collect::<Vec<_>>(),
        "summary": {
            "create": summary.create,
            "update": summary.update,
            "delete": summary.delete,
            "unchanged": summary.unchanged,
            "has_changes": summary.has_changes(),
        },
    })
}

fn project_json(plan: &ProjectPlan) -> Value {
    json!({
        "target": match plan.kind { TargetKind::Project => "project", TargetKind::ConfigFile => "config_file" },
        "project_id": plan.project_id,
        "revision_id": plan.revision_id,
        "changes": plan.changes.iter().map(|change| json!({
            "action": change.kind.as_str(),
            "name": change.name,
            "flow": change.scope.flow().as_str(),
            "timing": change.scope.timing().as_str(),
            "auth_method": if change.scope.timing() == Timing::After { auth_method(change.scope) } else { Value::Null },
            "list": change.scope.pointer(),
            "method": change.method,
            "url": change.url,
            "pruned": change.pruned,
            "fields": change.fields.iter().map(|field| {
                let sensitive = field.before == Shown::Sensitive || field.after == Shown::Sensitive;
                json!({
                    "field": field.field,
                    "before": shown_json(&field.before),
                    "after": shown_json(&field.after),
                    "sensitive": sensitive,
                })
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "unmanaged": plan.unmanaged.iter().map(|hook| json!({
            "flow": hook.scope.flow().as_str(),
            "timing": hook.scope.timing().as_str(),
            "auth_method": if hook.scope.timing() == Timing::After { auth_method(hook.scope) } else { Value::Null },
            "list": hook.scope.pointer(),
            "method": hook.method,
            "url": mask_credentials(&hook.url),
        })).collect::<Vec<_>>(),
        "warnings": plan.warnings.iter().map(|w| json!({
            "code": w.code(),
            "message": w.to_string(),
        })).collect::<Vec<_>>(),
    })
}
