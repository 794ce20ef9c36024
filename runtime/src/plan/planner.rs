//! The planner of a run: what every backend's plan shares (the prune policy, apply or destroy,
//! `--target`, `--resend-secrets`, the sample contexts), set once, and [`Planner::plan`] for
//! each backend's lists.

use std::collections::BTreeSet;

use ory_actions_core::{Platform, Scope};

use super::{FetchedBodies, Mode, PlanInput, ProjectPlan, Resend, plan_project};
use crate::action::Action;
use crate::backend::BackendName;
use crate::error::Error;
use crate::hooks::{HookLists, Secrets};
use crate::payload::Samples;
use crate::stack::Prune;

/// What every plan of a run shares.
#[derive(Clone, Debug)]
pub(crate) struct Planner {
    prune: Prune,
    mode: Mode,
    secrets: Secrets,
    only: Option<BTreeSet<Scope>>,
    resend: Resend,
    samples: Option<Samples>,
}

impl Planner {
    /// Plans in `mode` with the prune policy `prune`, every hook list, no secret sent again
    /// and no body evaluated. A plan to apply reads secrets to compare them; one to destroy
    /// does not need them.
    pub(crate) fn new(prune: Prune, mode: Mode) -> Self {
        Planner {
            prune,
            mode,
            secrets: match mode {
                Mode::Apply => Secrets::Resolved,
                Mode::Destroy => Secrets::Redacted,
            },
            only: None,
            resend: Resend::None,
            samples: None,
        }
    }

    /// Leaves secrets unread: a plan only to show what a backend will hold, which cannot tell
    /// whether a secret changed.
    pub(crate) fn secrets_unread(mut self) -> Self {
        self.secrets = Secrets::Redacted;
        self
    }

    /// This planner for showing what a backend will hold once applied: secrets unread, bodies
    /// not evaluated.
    pub(crate) fn to_show(&self) -> Planner {
        Planner {
            secrets: Secrets::Redacted,
            samples: None,
            ..self.clone()
        }
    }

    /// Plans only these hook lists (`--target`), when given; the others stay as they are.
    pub(crate) fn only(mut self, scopes: Option<BTreeSet<Scope>>) -> Self {
        self.only = scopes;
        self
    }

    /// Sends these actions' secrets again whatever the comparison says (`--resend-secrets`).
    pub(crate) fn resend(mut self, resend: Resend) -> Self {
        self.resend = resend;
        self
    }

    /// Evaluates declared bodies with these sample contexts, and warns about those that fail.
    pub(crate) fn evaluating(mut self, samples: Samples) -> Self {
        self.samples = Some(samples);
        self
    }

    /// Apply or destroy.
    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    /// Plans `actions` on the backend `backend` on `platform`, whose hook lists are `lists` at
    /// `revision`, with the bodies it keeps elsewhere that were fetched.
    pub(crate) fn plan(
        &self,
        backend: BackendName,
        platform: Platform,
        revision: &str,
        lists: &HookLists,
        actions: &[&Action],
        bodies: &FetchedBodies,
    ) -> Result<ProjectPlan, Error> {
        plan_project(PlanInput {
            backend,
            platform,
            revision_id: revision,
            lists,
            actions,
            prune: &self.prune,
            mode: self.mode,
            bodies,
            secrets: self.secrets,
            only: self.only.as_ref(),
            resend: &self.resend,
            samples: self.samples.as_ref(),
        })
    }
}
