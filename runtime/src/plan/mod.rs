//! The planner: declared actions and a backend's hook lists in, a [`ProjectPlan`] out. Pure: no I/O.
//!
//! Identity is the natural key (hook list, HTTP method, URL); nothing is stored anywhere else.
//! Entries the stack does not own — every entry that is not a web hook, and web hooks nobody
//! declared unless the prune policy owns them — keep their place and order. New hooks go in
//! before a `session` entry, so that signing in after registration stays last.

mod compare;
mod planner;
mod warning;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use ory_actions_core::{Platform, Scope, Timing};
use serde_json::Value;

use crate::action::{Action, Problem};
use crate::backend::BackendName;
use crate::error::Error;
use crate::explain::replaces_flow_wide;
use crate::hooks::{
    Declared, Entry, HookKey, HookLists, HookUrl, ListWrite, Secrets, StoredAuth, StoredBody,
    StoredEntry, WebHook, WriteEntry,
};
use crate::payload::{Payload, Samples, evaluate_places};
use crate::stack::Prune;
pub(crate) use compare::Resend;
use compare::{Compare, absent, compare};
use ory_actions_core::BodyShape;
use ory_actions_core::jsonnet::check_body;
pub(crate) use planner::Planner;
pub(crate) use warning::Warning;
use warning::flow_wide_warnings;

/// Whether the plan makes the project match the stack, or removes what the stack owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Create, update and delete until the project matches the stack.
    Apply,
    /// Delete the declared hooks and those the prune policy owns.
    Destroy,
}

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
    pub(crate) field: String,
    /// The value now.
    pub(crate) before: Shown,
    /// The value after the change.
    pub(crate) after: Shown,
    /// Why the field is listed although it is not known to differ: a secret the backend did
    /// not return ([`compare::NOT_RETURNED`], not a change) or one sent again on request.
    pub(crate) note: Option<&'static str>,
}

impl FieldChange {
    /// Whether the field makes the hook change (a field that could not be compared does not).
    pub(crate) fn changes(&self) -> bool {
        self.note != Some(compare::NOT_RETURNED)
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
    pub(crate) method: String,
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
    pub(crate) method: String,
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

/// The content of bodies stored at URLs, fetched before planning: URL → text or why not.
pub(crate) type FetchedBodies = BTreeMap<String, Result<String, String>>;

/// A declared hook in one of its lists: its meaning, shared by the action's lists. Its entry is
/// made only where the list is written ([`PlannedWrite::list_write`]).
struct Desired<'a> {
    action: &'a Action,
    key: HookKey,
    declared: Arc<Declared>,
}

impl Desired<'_> {
    /// What the declared entry means.
    fn hook(&self) -> &WebHook {
        &self.declared.hook
    }

    /// The names of the headers whose values are secrets.
    fn secret_headers(&self) -> &BTreeSet<String> {
        &self.declared.secret_headers
    }

    /// The entry to write.
    fn entry(&self, replaces: Option<usize>) -> WriteEntry {
        WriteEntry::Declared {
            declared: Arc::clone(&self.declared),
            replaces,
        }
    }

    /// The secret values in the entry (only real values when rendered with resolved secrets).
    fn secret_values(&self) -> impl Iterator<Item = String> + '_ {
        let hook = self.hook();
        hook.auth
            .as_ref()
            .and_then(StoredAuth::secret)
            .into_iter()
            .chain(
                self.secret_headers()
                    .iter()
                    .filter_map(|name| hook.headers.get(name).map(String::as_str)),
            )
            .filter(|v| !v.is_empty() && *v != crate::hooks::REDACTED)
            .map(str::to_owned)
    }
}

/// The declared hooks of one backend, and each by key.
struct DesiredHooks<'a> {
    /// In declaration order, then in the order of each action's lists.
    hooks: Vec<Desired<'a>>,
    /// Where each key is in `hooks`.
    by_key: HashMap<HookKey, usize>,
}

/// Reads the actions of one backend as the hooks to compare, in the lists `platform` has and as
/// it keeps them; refuses an action that names a list the platform lacks, and two declarations
/// of the same hook.
fn desired<'a>(
    actions: &[&'a Action],
    platform: Platform,
    secrets: Secrets,
) -> Result<DesiredHooks<'a>, Error> {
    let mut hooks: Vec<Desired<'a>> = Vec::with_capacity(actions.len());
    let mut by_key: HashMap<HookKey, usize> = HashMap::with_capacity(actions.len());
    for &action in actions {
        let scopes = action
            .scopes_on(platform)
            .map_err(|problem| action.invalid(Problem::Scope(problem)))?;
        let declared = Arc::new(action.declared_hook(secrets)?);
        for scope in scopes {
            let key = declared.hook.key(scope);
            if let Some(&first) = by_key.get(&key) {
                return Err(Error::DuplicateHook {
                    hook: format!("{} {} in {}", key.method, key.url, key.scope),
                    first: hooks[first].action.to_string(),
                    second: action.to_string(),
                });
            }
            by_key.insert(key.clone(), hooks.len());
            hooks.push(Desired {
                action,
                key,
                declared: Arc::clone(&declared),
            });
        }
    }
    Ok(DesiredHooks { hooks, by_key })
}

/// The stored bodies the planner will need to compare (links, or file paths), of the hooks the
/// stack declares.
pub(crate) fn bodies_to_fetch(
    lists: &HookLists,
    actions: &[&Action],
    platform: Platform,
) -> Vec<String> {
    // Only entries whose body names a template (not `base64://…`) are read in full.
    let references: Vec<(Scope, &StoredEntry)> = lists
        .iter()
        .flat_map(|(scope, list)| list.iter().map(move |entry| (scope, entry)))
        .filter(|(_, entry)| {
            entry
                .body()
                .is_some_and(|body| !body.is_empty() && !body.starts_with("base64://"))
        })
        .collect();
    if references.is_empty() {
        return Vec::new();
    }
    let declared: BTreeSet<HookKey> = actions
        .iter()
        .flat_map(|action| action.keys_on(platform))
        .collect();
    let mut urls = BTreeSet::new();
    for (scope, entry) in references {
        if let Entry::WebHook(hook) = entry.read()
            && let Some(reference) = hook.body.reference()
            && declared.contains(&hook.key(scope))
        {
            urls.insert(reference.to_owned());
        }
    }
    urls.into_iter().collect()
}

/// Everything the planner needs for one backend.
pub(crate) struct PlanInput<'a> {
    /// The project or configuration file.
    pub(crate) backend: BackendName,
    /// Which lists and fields the backend has.
    pub(crate) platform: Platform,
    /// The revision `lists` belong to.
    pub(crate) revision_id: &'a str,
    /// The backend's hook lists.
    pub(crate) lists: &'a HookLists,
    /// The backend's actions.
    pub(crate) actions: &'a [&'a Action],
    /// The prune policy.
    pub(crate) prune: &'a Prune,
    /// Apply or destroy.
    pub(crate) mode: Mode,
    /// Bodies stored at URLs, fetched beforehand (see [`bodies_to_fetch`]).
    pub(crate) bodies: &'a FetchedBodies,
    /// Whether secrets are read to compare them (apply) or left out (a plan for display only
    /// cannot tell whether a secret changed).
    pub(crate) secrets: Secrets,
    /// When set (`--target`), only these hook lists are planned; the others stay as they are.
    pub(crate) only: Option<&'a BTreeSet<Scope>>,
    /// Whose secrets are sent again whatever the comparison says.
    pub(crate) resend: &'a Resend,
    /// The sample contexts declared bodies are evaluated with, to warn about bodies that fail;
    /// `None` evaluates nothing.
    pub(crate) samples: Option<&'a Samples>,
}

/// Plans one project.
pub(crate) fn plan_project(input: PlanInput<'_>) -> Result<ProjectPlan, Error> {
    let lists = input.lists;
    let stores_extras = input.platform.stores_extras();
    let declared = desired(input.actions, input.platform, input.secrets)?;
    let planner = ListPlanner {
        declared: &declared,
        wants: input.mode == Mode::Apply,
        prune: input.prune,
        ctx: Compare {
            bodies: input.bodies,
            secrets: input.secrets == Secrets::Resolved,
            extras: stores_extras,
            returns_secrets: input.platform == Platform::Kratos,
            resend: input.resend,
        },
    };
    let mut plan = ProjectPlan {
        backend: input.backend,
        revision_id: input.revision_id.to_owned(),
        changes: Vec::new(),
        unmanaged: Vec::new(),
        warnings: Vec::new(),
        writes: Vec::new(),
        secrets: SecretValues::default(),
    };
    let mut new_lengths = BTreeMap::new();
    let targeted = |scope: Scope| input.only.is_none_or(|only| only.contains(&scope));
    for &scope in Scope::ALL {
        let old = lists.entries(scope);
        if !targeted(scope) {
            new_lengths.insert(scope, old.len());
            continue;
        }
        let (new, changed) = planner.plan_list(scope, old, &mut plan);
        new_lengths.insert(scope, new.len());
        if changed && input.platform == Platform::Kratos {
            plan.warnings.extend(index_shift(scope, old, &new));
        }
        if changed {
            plan.writes.push(ListWrite::new(
                scope,
                input.platform,
                lists.get(scope).cloned(),
                new,
            ));
        }
    }
    if input.secrets == Secrets::Resolved {
        plan.secrets.0 = declared
            .hooks
            .iter()
            .flat_map(|d| d.secret_values())
            .collect();
    }
    if input.mode == Mode::Apply {
        if !stores_extras {
            plan.warnings
                .extend(input.actions.iter().filter_map(|action| {
                    let fields = action.fields_not_stored_on(input.platform);
                    (!fields.is_empty()).then(|| Warning::NotStored {
                        action: action.to_string(),
                        fields,
                    })
                }));
        }
        plan.warnings.extend(
            declared
                .hooks
                .iter()
                .filter(|d| d.hook().body == StoredBody::None && targeted(d.key.scope))
                .map(|d| Warning::NoBody {
                    scope: d.key.scope,
                    url: d.key.url.clone(),
                }),
        );
    }
    if input.mode == Mode::Apply
        && let Some(samples) = input.samples
    {
        plan.warnings.extend(body_warnings(
            input.actions,
            input.platform,
            samples,
            &targeted,
        ));
    }
    let replaces = replacing_lists(lists, &plan.writes, input.platform);
    plan.warnings
        .extend(flow_wide_warnings(&new_lengths, &replaces, &plan.writes));
    Ok(plan)
}

/// For each per-method `after` list, whether it replaces its flow's flow-wide list
/// ([`replaces_flow_wide`], the rule `explain` shows) before the plan and after it.
fn replacing_lists(
    lists: &HookLists,
    writes: &[ListWrite],
    platform: Platform,
) -> BTreeMap<Scope, (bool, bool)> {
    let replaces = |hooks: &[Option<String>], flow| {
        replaces_flow_wide(hooks.iter().flatten().map(String::as_str), flow, platform)
    };
    Scope::ALL
        .iter()
        .filter(|scope| scope.timing() == Timing::After && scope.method().is_some())
        .map(|&scope| {
            let old: Vec<Option<String>> = lists.entries(scope).iter().map(|e| e.hook()).collect();
            let before = replaces(&old, scope.flow());
            let after = match writes.iter().find(|w| w.scope == scope) {
                Some(write) => replaces(&write.hooks(), scope.flow()),
                None => before,
            };
            (scope, (before, after))
        })
        .collect()
}

/// Evaluates each declared body for the sample context of each of its lists: a body that fails
/// there would fail Kratos's call; one that always cancels makes Kratos skip the hook.
fn body_warnings(
    actions: &[&Action],
    platform: Platform,
    samples: &Samples,
    targeted: &dyn Fn(Scope) -> bool,
) -> Vec<Warning> {
    let lists: Vec<(&Action, Vec<Scope>)> = actions
        .iter()
        .filter(|action| action.body().and_then(|body| body.source()).is_some())
        .map(|&action| {
            let scopes: Vec<Scope> = action
                .scopes_on(platform)
                .unwrap_or_default()
                .into_iter()
                .filter(|&s| targeted(s))
                .collect();
            (action, scopes)
        })
        .filter(|(_, scopes)| !scopes.is_empty())
        .collect();
    let asked: Vec<(&Action, &[Scope])> = lists
        .iter()
        .map(|(action, scopes)| (*action, scopes.as_slice()))
        .collect();
    let mut warnings = Vec::new();
    let evaluated = evaluate_places(&asked, samples);
    for ((action, _), outcome) in asked.iter().zip(&evaluated.outcomes) {
        let mut results = outcome.places.iter().zip(outcome.results.iter());
        if let Some(((scope, phase), Err(error))) = results.clone().find(|(_, r)| r.is_err()) {
            warnings.push(Warning::BodyFails {
                action: action.to_string(),
                scope: *scope,
                phase: phase.as_str(),
                problem: error.to_string(),
            });
        } else if action
            .body()
            .and_then(|body| body.source())
            .is_some_and(|source| check_body(source) == Ok(BodyShape::Constant))
            && results.all(|(_, r)| r == &Ok(Payload::Cancelled))
        {
            warnings.push(Warning::BodyCancels {
                action: action.to_string(),
            });
        }
    }
    warnings
}

/// Kratos lets environment variables override an entry of a list by its index
/// (`SELFSERVICE_FLOWS_REGISTRATION_AFTER_PASSWORD_HOOKS_0_CONFIG_URL`): an entry with a `config`
/// that stays but moves to another index takes such overrides away from it, and another entry
/// gets them. `new` says where each entry of the new list was in `old`.
fn index_shift(scope: Scope, old: &[StoredEntry], new: &[WriteEntry]) -> Option<Warning> {
    let moves: Vec<warning::Moved> = new
        .iter()
        .enumerate()
        .filter_map(|(to, entry)| {
            let from = match entry {
                WriteEntry::Kept(from)
                | WriteEntry::Declared {
                    replaces: Some(from),
                    ..
                } => *from,
                _ => return None,
            };
            if from == to {
                return None;
            }
            let entry = old[from].value();
            entry.get("config").is_some().then(|| warning::Moved {
                entry: warning::describe_entry(&entry),
                from,
                to,
            })
        })
        .collect();
    (!moves.is_empty()).then_some(Warning::IndexShift { list: scope, moves })
}

/// Rebuilds hook lists: what the stack declares, owns and leaves alone.
struct ListPlanner<'a> {
    declared: &'a DesiredHooks<'a>,
    /// Whether the declared hooks are wanted (apply) or go (destroy).
    wants: bool,
    prune: &'a Prune,
    ctx: Compare<'a>,
}

impl<'a> ListPlanner<'a> {
    /// The declared hook of `key`, if any, and where it is in the declared hooks.
    fn declared(&self, key: &HookKey) -> Option<(usize, &'a Desired<'a>)> {
        let hooks = &self.declared.hooks;
        self.declared.by_key.get(key).map(|&at| (at, &hooks[at]))
    }

    /// The list of `scope` after the change, and whether it differs from `old`. Records the
    /// changes, unmanaged hooks and warnings in `plan`.
    fn plan_list(
        &self,
        scope: Scope,
        old: &[StoredEntry],
        plan: &mut ProjectPlan,
    ) -> (Vec<WriteEntry>, bool) {
        let mut new: Vec<WriteEntry> = Vec::with_capacity(old.len() + 1);
        // Which declared hooks (by index) this list already holds.
        let mut matched = vec![false; self.declared.hooks.len()];
        let mut changed = false;
        // Where in `new` the first `session` entry is: new hooks go before it.
        let mut session = None;
        for (index, entry) in old.iter().enumerate() {
            let entry = entry.value();
            let hook = match Entry::read(&entry) {
                Entry::WebHook(hook) => hook,
                Entry::Malformed(problem) => {
                    plan.warnings.push(Warning::Malformed {
                        scope,
                        index,
                        problem,
                    });
                    new.push(WriteEntry::Kept(index));
                    continue;
                }
                Entry::Other => {
                    if session.is_none()
                        && entry.get("hook").and_then(Value::as_str) == Some("session")
                    {
                        session = Some(new.len());
                    }
                    new.push(WriteEntry::Kept(index));
                    continue;
                }
            };
            let key = hook.key(scope);
            let declared = self.declared(&key);
            let is_declared = declared.is_some();
            let name = declared.and_then(|(_, d)| d.action.name().map(str::to_owned));
            match declared.filter(|_| self.wants) {
                Some((at, want)) if !matched[at] => {
                    matched[at] = true;
                    let fields = compare(want, &hook, &self.ctx, scope, &mut plan.warnings);
                    let kind = if !fields.iter().any(FieldChange::changes) {
                        // What the backend left out is written from the declaration, so that a
                        // write of this list never drops a secret it could not return.
                        let uncompared = fields.iter().any(|f| !f.changes());
                        new.push(if uncompared {
                            want.entry(Some(index))
                        } else {
                            WriteEntry::Kept(index)
                        });
                        ChangeKind::Unchanged
                    } else {
                        new.push(want.entry(Some(index)));
                        changed = true;
                        ChangeKind::Update
                    };
                    plan.changes.push(change(kind, key, name, false, fields));
                }
                _ if is_declared || self.prune.owns(hook.url.with_credentials()) => {
                    changed = true;
                    plan.changes.push(change(
                        ChangeKind::Delete,
                        key,
                        name,
                        !is_declared,
                        Vec::new(),
                    ));
                }
                _ => {
                    new.push(WriteEntry::Kept(index));
                    plan.unmanaged.push(Unmanaged {
                        scope,
                        method: key.method,
                        url: key.url,
                    });
                }
            }
        }
        let at = session.unwrap_or(new.len());
        let creates = self
            .declared
            .hooks
            .iter()
            .zip(&matched)
            .filter(|(d, matched)| self.wants && d.key.scope == scope && !**matched)
            .map(|(d, _)| d);
        let mut created = Vec::new();
        for want in creates {
            created.push(want.entry(None));
            changed = true;
            let fields = compare(
                want,
                &absent(want.hook()),
                &self.ctx,
                scope,
                &mut Vec::new(),
            );
            plan.changes.push(change(
                ChangeKind::Create,
                want.key.clone(),
                want.action.name().map(str::to_owned),
                false,
                fields,
            ));
        }
        new.splice(at..at, created);
        (new, changed)
    }
}

fn change(
    kind: ChangeKind,
    key: HookKey,
    name: Option<String>,
    pruned: bool,
    fields: Vec<FieldChange>,
) -> Change {
    Change {
        kind,
        scope: key.scope,
        method: key.method,
        url: key.url,
        name,
        pruned,
        fields,
    }
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
