//! From the options and the environment to how a run reads, plans and writes: `--target`,
//! `--resend-secrets`, `--parallelism` and `--deadline`.

use std::collections::BTreeSet;
use std::time::Duration;

use ory_actions_core::scope::one_of;
use ory_actions_core::suggest::did_you_mean;
use ory_actions_core::{Flow, Scope};

use super::args::Options;
use crate::action::Action;
use crate::error::Error;
use crate::plan::{Mode, Planner, Resend};
use crate::reconcile::{Reader, Reconciler, retry};
use crate::stack::Stack;
use crate::trace::Trace;

/// The reconciler of a run in `mode` for `stack`, as the options and the environment (through
/// `env`) set it up: its reader, its planner and how many backends at once.
pub(super) fn reconciler(
    stack: &Stack,
    options: &Options,
    env: &dyn Fn(&str) -> Option<String>,
    trace: &Trace,
    mode: Mode,
) -> Result<Reconciler, Error> {
    let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let parallelism = parallelism(options, &var)?;
    let planner = Planner::new(stack.get_prune().clone(), mode)
        .only(target_scopes(stack, &options.targeted)?)
        .resend(resend(stack, options)?)
        .evaluating(stack.get_samples().clone());
    let deadline = options
        .deadline
        .map_or(retry::DEFAULT_DEADLINE, Duration::from_secs);
    Ok(Reconciler::new(
        Reader::new(deadline, trace.clone()),
        planner,
        parallelism,
    ))
}

/// `--parallelism`, else `ORY_ACTIONS_PARALLELISM`, else the default.
fn parallelism(options: &Options, var: &dyn Fn(&str) -> Option<String>) -> Result<usize, Error> {
    let given = match (options.parallelism, var("ORY_ACTIONS_PARALLELISM")) {
        (Some(count), _) => count,
        (None, Some(text)) => match text.trim().parse::<u64>() {
            Ok(count) if count > 0 => count,
            _ => {
                return Err(Error::Config(format!(
                    "ORY_ACTIONS_PARALLELISM must be a whole number of targets above 0, not \
                     `{text}`"
                )));
            }
        },
        (None, None) => return Ok(crate::reconcile::DEFAULT_PARALLELISM),
    };
    Ok(usize::try_from(given).unwrap_or(usize::MAX))
}

/// Whose secrets `--resend-secrets` sends again: every action's, or those of the actions named.
fn resend(stack: &Stack, options: &Options) -> Result<Resend, Error> {
    if options.resend_all {
        return Ok(Resend::All);
    }
    if options.resend.is_empty() {
        return Ok(Resend::None);
    }
    let names: Vec<&str> = stack
        .get_actions()
        .iter()
        .filter_map(|a| a.name())
        .collect();
    for wanted in &options.resend {
        if !names.contains(&wanted.as_str()) {
            let near = did_you_mean(wanted, names.iter().copied())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(Error::Config(format!(
                "`--resend-secrets={wanted}` names no action: the stack names {}{near}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    one_of(names.iter().copied())
                }
            )));
        }
    }
    Ok(Resend::Named(options.resend.iter().cloned().collect()))
}

/// The hook lists `--target` limits a run to: every list of a named flow, and the lists of the
/// actions with a given name. `None` without targets.
pub(super) fn target_scopes(
    stack: &Stack,
    targets: &[String],
) -> Result<Option<BTreeSet<Scope>>, Error> {
    if targets.is_empty() {
        return Ok(None);
    }
    let mut scopes = BTreeSet::new();
    for target in targets {
        if let Some(flow) = Flow::from_name(target) {
            scopes.extend(Scope::ALL.iter().filter(|s| s.flow() == flow));
            continue;
        }
        let named: Vec<&Action> = stack
            .get_actions()
            .iter()
            .filter(|a| a.name() == Some(target.as_str()))
            .collect();
        if named.is_empty() {
            let names: Vec<&str> = stack
                .get_actions()
                .iter()
                .filter_map(|a| a.name())
                .collect();
            let mut candidates: Vec<&str> = Flow::names().collect();
            candidates.extend(&names);
            let near = did_you_mean(target, candidates)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            let named = if names.is_empty() {
                "the stack names none".to_owned()
            } else {
                one_of(names.iter().copied())
            };
            return Err(Error::Config(format!(
                "unknown target `{target}`: expected a flow ({}) or the name of an action \
                 ({named}){near}",
                one_of(Flow::names()),
            )));
        }
        scopes.extend(named.iter().flat_map(|a| a.scopes().iter().copied()));
    }
    Ok(Some(scopes))
}
