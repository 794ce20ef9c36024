//! What a plan says about one backend: [`ProjectPlan`], each web hook's [`Change`] and the
//! fields that differ ([`FieldChange`]), as [`plan_project`](super::plan_project) makes them
//! and the outputs show them.

use std::borrow::Cow;
use std::fmt;

use ory_actions_core::Scope;
use serde_json::Value;

use super::warning::Warning;
use crate::backend::BackendName;
use crate::hooks::{HookUrl, ListWrite, Method};

/// What happens to one web hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ChangeKind {
    /// A declared hook that is not there yet.
    Create,
    /// A declared hook that is there, with other settings.
    Update,
    /// An owned hook that goes away.
    Delete,
    /// A declared hook that is there as declared.
    Unchanged,
}

impl ChangeKind {
    /// `create`, `update`, `delete` or `no-op`: the names of the JSON form.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Update => "update",
            ChangeKind::Delete => "delete",
            ChangeKind::Unchanged => "no-op",
        }
    }
}

/// A value as a plan shows it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Shown {
    /// Not set.
    Absent,
    /// A plain JSON value.
    Value(Value),
    /// A Jsonnet body.
    Text(String),
    /// A body stored at a URL or in a file whose content could not be read (or is not shown).
    Unreadable(String),
    /// A secret: never shown.
    Sensitive,
}

/// One field that differs, or that could not be compared (see [`FieldChange::note`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FieldChange {
    /// The field, as in the hook's `config`: `body`, `response.ignore`, `auth.value`, …
    pub(crate) field: Cow<'static, str>,
    /// The value now.
    pub(crate) before: Shown,
    /// The value after the change.
    pub(crate) after: Shown,
    /// Why the field is listed although it is not known to differ: a secret the backend did
    /// not return ([`NOT_RETURNED`], not a change) or one sent again on request.
    pub(crate) note: Option<&'static str>,
}

impl FieldChange {
    /// Whether the field makes the hook change (a field that could not be compared does not).
    pub(crate) fn changes(&self) -> bool {
        self.note != Some(NOT_RETURNED)
    }
}

/// What happens to one web hook, and why.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Change {
    /// Create, update, delete or unchanged.
    pub(crate) kind: ChangeKind,
    /// The hook list.
    pub(crate) scope: Scope,
    /// The HTTP method.
    pub(crate) method: Method,
    /// The URL.
    pub(crate) url: HookUrl,
    /// The declaring action's name, if it has one.
    pub(crate) name: Option<String>,
    /// For deletes: true when the prune policy, not a declaration, owns the hook.
    pub(crate) pruned: bool,
    /// The fields that differ (for creates, every field set).
    pub(crate) fields: Vec<FieldChange>,
}

/// A web hook the stack does not own; left alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unmanaged {
    /// The hook list.
    pub(crate) scope: Scope,
    /// The HTTP method.
    pub(crate) method: Method,
    /// The URL.
    pub(crate) url: HookUrl,
}

/// What a run does to one backend.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ProjectPlan {
    /// The project or configuration file.
    pub(crate) backend: BackendName,
    /// The revision the plan was made against.
    pub(crate) revision_id: String,
    /// Every declared or owned hook and what happens to it, in list order.
    pub(crate) changes: Vec<Change>,
    /// Web hooks the stack does not own.
    pub(crate) unmanaged: Vec<Unmanaged>,
    /// Things worth knowing.
    pub(crate) warnings: Vec<Warning>,
    /// The lists to replace; empty when nothing changes.
    pub(crate) writes: Vec<ListWrite>,
    /// The secret values the writes hold, to keep them out of messages.
    pub(crate) secrets: SecretValues,
}

/// Secret values; `Debug` shows only how many there are, and they are overwritten when dropped.
#[derive(Clone, Default, PartialEq)]
pub(crate) struct SecretValues(pub(crate) Vec<String>);

impl Drop for SecretValues {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(zeroize::Zeroize::zeroize);
    }
}

impl fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} secret value(s)", self.0.len())
    }
}

impl ProjectPlan {
    /// Whether applying changes anything.
    pub(crate) fn has_changes(&self) -> bool {
        !self.writes.is_empty()
    }

    /// How many hooks are created, updated and deleted.
    pub(crate) fn counts(&self) -> (usize, usize, usize) {
        let count = |kind| self.changes.iter().filter(|c| c.kind == kind).count();
        (
            count(ChangeKind::Create),
            count(ChangeKind::Update),
            count(ChangeKind::Delete),
        )
    }
}

/// Why a field was not compared, or was sent although it compared equal.
pub(super) const NOT_RETURNED: &str = "not returned by Ory, cannot be compared";
/// A secret sent again by `--resend-secrets`.
pub(super) const RESENT: &str = "sent again (--resend-secrets)";
