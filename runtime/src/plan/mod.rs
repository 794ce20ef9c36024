//! The planner: declared actions and a backend's hook lists in, a [`ProjectPlan`] out. Pure: no I/O.
//!
//! Identity is the natural key (hook list, HTTP method, URL); nothing is stored anywhere else.
//! Entries the stack does not own — every entry that is not a web hook, and web hooks nobody
//! declared unless the prune policy owns them — keep their place and order. New hooks go in
//! before a `session` entry, so that signing in after registration stays last.

mod compare;
mod desired;
pub(crate) mod identity;
mod planner;
mod project_plan;
mod warning;

use std::collections::{BTreeMap, BTreeSet};

use ory_actions_core::{Platform, Scope, Timing};
use serde_json::Value;

use crate::action::Action;
use crate::backend::BackendName;
use crate::error::Error;
use crate::explain::replaces_flow_wide;
use crate::hooks::{
    Entry, HookKey, HookLists, ListWrite, Secrets, StoredBody, StoredEntry, WriteEntry,
};
use crate::payload::{Keep, Payload, Samples, evaluate_places};
use crate::stack::Prune;
use compare::{Compare, absent, compare};
pub(crate) use compare::{FetchedBodies, Resend};
use desired::{Desired, DesiredHooks, desired};
use ory_actions_core::BodyShape;
use ory_actions_core::jsonnet::check_body;
pub(crate) use planner::Planner;
pub(crate) use project_plan::{
    Change, ChangeKind, FieldChange, ProjectPlan, SecretValues, Shown, Unmanaged,
};
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
        .filter(|(_, entry)| entry.body_is_reference())
        .collect();
    if references.is_empty() {
        return Vec::new();
    }
    // A declared reference equal to the stored one is compared as a reference, so its
    // template is not read.
    let declared = Action::owners(actions.iter().copied(), platform);
    let mut urls = BTreeSet::new();
    for (scope, entry) in references {
        if let Entry::WebHook(hook) = entry.read()
            && let Some(reference) = hook.body.reference()
            && let Some(action) = declared.get(&hook.key(scope))
            && !hook.body.same_reference(&action.stored_body())
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
        changes: Vec::with_capacity(declared.hooks.len()),
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
        if input.platform == Platform::OryNetwork {
            plan.warnings
                .extend(input.actions.iter().filter_map(|action| {
                    let scope = action.scopes().iter().copied().find(|scope| {
                        scope.timing() == Timing::After
                            && scope.method().is_none()
                            && scope.flow().needs_auth_method(Timing::After)
                    })?;
                    targeted(scope).then(|| Warning::FallbackLegacy {
                        action: action.to_string(),
                        scope,
                    })
                }));
        }
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
    let replaces = replacing_lists(lists, &plan.writes, &new_lengths, input.platform);
    plan.warnings
        .extend(flow_wide_warnings(&new_lengths, &replaces, &plan.writes));
    Ok(plan)
}

/// For each per-method `after` list, whether it replaces its flow's flow-wide list
/// ([`replaces_flow_wide`], the rule `explain` shows) before the plan and after it. Only the
/// lists a warning can be about are read: those of a flow whose flow-wide list has hooks after
/// the plan, where that list or the per-method one is written.
fn replacing_lists(
    lists: &HookLists,
    writes: &[ListWrite],
    new_lengths: &BTreeMap<Scope, usize>,
    platform: Platform,
) -> BTreeMap<Scope, (bool, bool)> {
    let replaces = |hooks: &[Option<String>], flow| {
        replaces_flow_wide(hooks.iter().flatten().map(String::as_str), flow, platform)
    };
    let written = |scope: Scope| writes.iter().find(|w| w.scope == scope);
    Scope::ALL
        .iter()
        .filter(|scope| scope.timing() == Timing::After && scope.method().is_some())
        .filter(|scope| {
            Scope::find(scope.flow(), Timing::After, None).is_some_and(|flow_wide| {
                new_lengths.get(&flow_wide).copied().unwrap_or(0) > 0
                    && (written(flow_wide).is_some() || written(**scope).is_some())
            })
        })
        .map(|&scope| {
            let old: Vec<Option<String>> = lists.entries(scope).iter().map(|e| e.hook()).collect();
            let before = replaces(&old, scope.flow());
            let after = match written(scope) {
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
    let asked: Vec<_> = lists
        .iter()
        .map(|(action, scopes)| (action.body_of(), scopes.as_slice()))
        .collect();
    let mut warnings = Vec::new();
    // Only whether each body fails or cancels: the payloads themselves are not kept.
    let evaluated = evaluate_places(&asked, samples, Keep::Verdicts);
    for ((action, _), outcome) in lists.iter().zip(&evaluated.outcomes) {
        let mut results = outcome.places.iter().zip(outcome.results.iter());
        if let Some(((scope, phase), Err(error))) = results.clone().find(|(_, r)| r.is_err()) {
            warnings.push(Warning::BodyFails {
                action: action.to_string(),
                scope: *scope,
                phase: phase.as_str(),
                problem: error.to_string(),
            });
        } else if results.all(|(_, r)| r == &Ok(Payload::Cancelled))
            && action
                .body()
                .and_then(|body| body.source())
                .is_some_and(|source| check_body(source) == Ok(BodyShape::Constant))
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
        for (index, stored) in old.iter().enumerate() {
            let hook = match stored.read() {
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
                        && stored.value().get("hook").and_then(Value::as_str) == Some("session")
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
