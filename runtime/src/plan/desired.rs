//! The hooks the stack declares for one backend, as the planner compares them: each action in
//! each of its lists ([`Desired`]), and each by its key ([`DesiredHooks`]).

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt as _};
use std::sync::Arc;

use ory_actions_core::Platform;

use crate::action::Action;
use crate::error::Error;
use crate::error::Problem;
use crate::hooks::{Declared, HookKey, Secrets, StoredAuth, WebHook, WriteEntry};

/// A declared hook in one of its lists: its meaning, shared by the action's lists. Its entry is
/// made only where the list is written ([`Desired::entry`]).
pub(super) struct Desired<'a> {
    pub(super) action: &'a Action,
    pub(super) key: HookKey,
    declared: Arc<Declared>,
}

impl Desired<'_> {
    /// What the declared entry means.
    pub(super) fn hook(&self) -> &WebHook {
        &self.declared.hook
    }

    /// The names of the headers whose values are secrets.
    pub(super) fn secret_headers(&self) -> &BTreeSet<String> {
        &self.declared.secret_headers
    }

    /// The entry to write.
    pub(super) fn entry(&self, replaces: Option<usize>) -> WriteEntry {
        WriteEntry::Declared {
            declared: Arc::clone(&self.declared),
            replaces,
        }
    }

    /// The secret values in the entry (only real values when rendered with resolved secrets).
    pub(super) fn secret_values(&self) -> impl Iterator<Item = String> + '_ {
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
pub(super) struct DesiredHooks<'a> {
    /// In declaration order, then in the order of each action's lists.
    pub(super) hooks: Vec<Desired<'a>>,
    /// Where each key is in `hooks`.
    pub(super) by_key: HashMap<HookKey, usize>,
}

/// Reads the actions of one backend as the hooks to compare, in the lists `platform` has and as
/// it keeps them; refuses an action that names a list the platform lacks, and two declarations
/// of the same hook.
pub(super) fn desired<'a>(
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
