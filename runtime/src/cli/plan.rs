//! `plan`, `apply` and `destroy`: plan every backend, show the plans, and for `apply` and
//! `destroy` ask, then write.

use std::io::Write;
use std::sync::Arc;

use super::args::PlanFormat;
use super::json::{PlanJson, pretty};
use super::output::{
    EXIT_CHANGES, EXIT_CONFLICT, EXIT_DRIFT, EXIT_ERROR, EXIT_OK, Io, fail, progress,
};
use super::text::{Style, Summary, plan_markdown, plan_text};
use crate::backend::{Backend, BackendName};
use crate::error::Error;
use crate::plan::{Mode, ProjectPlan, Warning};
use crate::reconcile::{Applied, Reconciler, Unit};

/// What `plan`, `apply` and `destroy` do.
#[derive(Clone, Copy, Debug)]
pub(super) struct Job {
    /// Make the backends match the stack, or remove what it owns.
    pub(super) mode: Mode,
    /// How the plans are shown.
    pub(super) format: PlanFormat,
    /// `--expect-no-changes`: changes are an error (drift), and nothing is written.
    pub(super) expect_no_changes: bool,
    /// What comes after the plans are shown.
    pub(super) then: Then,
}

/// What comes after the plans are shown.
#[derive(Clone, Copy, Debug)]
pub(super) enum Then {
    /// Nothing (`plan`); with `--detailed-exitcode`, changes exit with [`EXIT_CHANGES`].
    Show { detailed_exitcode: bool },
    /// Writing them, after asking unless `--yes`.
    Write { yes: bool },
}

/// Runs `job` on `units`.
pub(super) async fn run<T: Backend>(
    reconciler: &Reconciler,
    units: &[Arc<Unit<T>>],
    job: Job,
    style: Style,
    io: Io<'_>,
) -> u8 {
    let Io {
        out, err, confirm, ..
    } = io;
    let labels = || units.iter().map(|u| u.backend.label()).collect::<Vec<_>>();
    let Job {
        mode,
        format,
        expect_no_changes,
        then,
    } = job;
    let mut planned: Vec<(Arc<Unit<T>>, ProjectPlan)> = Vec::new();
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    let results = reconciler
        .plan_all(units, &mut progress(&mut *err, labels(), "planned"))
        .await;
    for (unit, result) in units.iter().zip(results) {
        match result {
            Ok(plan) => planned.push((Arc::clone(unit), plan)),
            Err(e) => {
                fail(err, &e);
                failures.push((unit.backend.name().id().to_owned(), e.to_string()));
                failed.push(unit.backend.label());
            }
        }
    }
    let (units, plans): (Vec<Arc<Unit<T>>>, Vec<ProjectPlan>) = planned.into_iter().unzip();
    let summary = Summary::of(&plans);
    let _ = match format {
        PlanFormat::Json => writeln!(out, "{}", pretty(&PlanJson::new(&plans, mode, &failures))),
        PlanFormat::Markdown => write!(out, "{}", plan_markdown(&plans, &failed)),
        PlanFormat::Text => write!(out, "{}", plan_text(&plans, &failed, style)),
    };
    if !failures.is_empty() {
        return EXIT_ERROR;
    }
    if expect_no_changes && summary.has_changes() {
        let _ = writeln!(
            err,
            "error: changes were expected to be none, but the plan has {} to create, {} to \
             update and {} to delete; nothing was written",
            summary.create, summary.update, summary.delete
        );
        return EXIT_DRIFT;
    }
    let yes = match then {
        Then::Show { detailed_exitcode } => {
            return if detailed_exitcode && summary.has_changes() {
                EXIT_CHANGES
            } else {
                EXIT_OK
            };
        }
        Then::Write { yes } => yes,
    };
    if !summary.has_changes() {
        return EXIT_OK;
    }
    let verb = match mode {
        Mode::Apply => "apply",
        Mode::Destroy => "destroy",
    };
    if !yes {
        let Some(confirm) = confirm else {
            let _ = writeln!(
                err,
                "error: {verb} writes to {} and there is no terminal to confirm on: run \
                 `{verb} --yes` to {verb} without asking",
                labels().join(", ")
            );
            return EXIT_ERROR;
        };
        let question = format!("\nDo you want to {verb} these changes? Only `yes` is accepted: ");
        if !confirm(&question) {
            let _ = writeln!(out, "Nothing was changed.");
            return EXIT_OK;
        }
    }
    let written: Vec<String> = units.iter().map(|u| u.backend.label()).collect();
    let mut code = EXIT_OK;
    let results = reconciler
        .apply_all(&units, plans, &mut progress(&mut *err, written, "written"))
        .await;
    for (unit, result) in units.iter().zip(results) {
        match result {
            Ok(applied) => report(out, &applied, style),
            Err(e) => {
                code = code.max(
                    if matches!(e, Error::Conflict { .. } | Error::PlanChanged { .. }) {
                        EXIT_CONFLICT
                    } else {
                        EXIT_ERROR
                    },
                );
                let _ = writeln!(err, "error: {}", naming(&unit.backend.name(), &e));
            }
        }
    }
    code
}

/// The message of a write to `backend` that failed, naming the backend once: as it is when it
/// names the backend already (a conflict, a write that did not hold, a file that changed), else
/// after the backend's label (`project 550e…: cannot reach …`).
fn naming(backend: &BackendName, error: &Error) -> String {
    let message = error.to_string();
    if message.contains(backend.id()) {
        message
    } else {
        format!("{backend}: {message}")
    }
}

/// `Applied: project …: 1 created, 0 updated, 0 deleted (revision a -> b).`
fn report(out: &mut dyn Write, applied: &Applied, style: Style) {
    let plan = &applied.plan;
    let (create, update, delete) = plan.counts();
    let retried = match applied.attempts {
        0 | 1 => String::new(),
        n => format!(", after {n} attempts: someone else wrote in between"),
    };
    let revisions = match plan.backend {
        BackendName::Project(_) => format!(
            " (revision {} -> {})",
            plan.revision_id, applied.revision_id
        ),
        BackendName::KratosConfig(_) => String::new(),
    };
    let backend = &plan.backend;
    let _ = if plan.has_changes() {
        writeln!(
            out,
            "{} {backend}: {create} created, {update} updated, {delete} deleted{revisions}{retried}.",
            style.green("Applied:"),
        )
    } else {
        writeln!(
            out,
            "{} {backend} already matched the stack when written.",
            style.green("Done:"),
        )
    };
    for warning in plan
        .warnings
        .iter()
        .filter(|w| matches!(w, Warning::Ory { .. }))
    {
        let _ = writeln!(out, "  {} {warning}", style.yellow("Warning:"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_names_its_backend_once() {
        let project = BackendName::Project("550e8400-0000-4000-8000-000000000001".into());
        let changed = Error::PlanChanged {
            backend: project.to_string(),
        };
        assert_eq!(
            naming(&project, &changed),
            "project 550e8400-0000-4000-8000-000000000001 was changed by someone else after the \
             plan was confirmed, and the plan is no longer the same; nothing of this run was \
             written there: run `plan` again to review it"
        );
        let unreachable = Error::Unreachable {
            url: "https://api.console.ory.sh".into(),
            reason: "connection refused".into(),
        };
        assert_eq!(
            naming(&project, &unreachable),
            "project 550e8400-0000-4000-8000-000000000001: cannot reach the Ory console API at \
             https://api.console.ory.sh: connection refused"
        );
        let file = BackendName::KratosConfig("./kratos.yaml".into());
        let refused = Error::ConfigFile {
            path: "./kratos.yaml".into(),
            problem: "it is not valid YAML".into(),
        };
        assert_eq!(
            naming(&file, &refused),
            "Kratos configuration ./kratos.yaml: it is not valid YAML"
        );
    }
}
