//! `explain`: the chain of hooks Kratos runs for each flow and method once the stack is applied,
//! read from the backend (one read; nothing is written).

use std::collections::HashMap;
use std::sync::Arc;

use ory_actions_core::{Flow, Scope};

use super::output::{EXIT_ERROR, EXIT_OK, Io, fail};
use crate::action::Action;
use crate::backend::Backend;
use crate::error::Error;
use crate::explain::{Chain, Lists, Setting, chains, to_json, to_text};
use crate::hooks::{HookKey, WebHook};
use crate::plan::{FetchedBodies, Planner};
use crate::reconcile::{Reader, Unit};

/// Prints the chains of every backend, as text or as JSON (one list of chains; with several
/// backends each chain names its backend).
pub(super) async fn run<T: Backend>(
    reader: &Reader,
    planner: &Planner,
    units: &[Arc<Unit<T>>],
    json: bool,
    flow: Option<Flow>,
    io: Io<'_>,
) -> u8 {
    let mut code = EXIT_OK;
    let mut all = Vec::new();
    for unit in units {
        let (lists, verification) = match lists_after_apply(reader, planner, unit).await {
            Ok(read) => read,
            Err(e) => {
                code = code.max(fail(io.err, e));
                continue;
            }
        };
        let platform = unit.backend.platform();
        let owners: HashMap<HookKey, &Action> = Action::owners(&unit.actions, platform);
        let name_of = |scope: Scope, hook: &WebHook| {
            owners
                .get(&hook.key(scope))
                .and_then(|action| action.name())
                .map(str::to_owned)
        };
        let found: Vec<Chain> = chains(
            &lists,
            &Setting {
                platform,
                verification,
                name_of: &name_of,
            },
            flow,
        );
        if json {
            let label = (units.len() > 1).then(|| unit.backend.name().id().to_owned());
            all.extend(
                to_json(&found)
                    .as_array()
                    .into_iter()
                    .flatten()
                    .cloned()
                    .map(|mut chain| {
                        if let (Some(label), Some(object)) = (&label, chain.as_object_mut()) {
                            object.insert("target".into(), label.clone().into());
                        }
                        chain
                    }),
            );
        } else {
            let _ = writeln!(
                io.out,
                "{} once the stack is applied{}:\n",
                unit.backend.label(),
                if verification {
                    " (verification is enabled)"
                } else {
                    ""
                }
            );
            let _ = write!(io.out, "{}", to_text(&found));
        }
    }
    if json {
        let _ = writeln!(
            io.out,
            "{}",
            serde_json::to_string_pretty(&serde_json::Value::Array(all)).unwrap_or_default()
        );
    }
    if code == EXIT_OK { EXIT_OK } else { EXIT_ERROR }
}

/// The hook lists of `unit`'s backend as they will be once its actions are applied (one read,
/// a plan by `planner`, its writes put in place in memory), and whether it enables
/// verification.
async fn lists_after_apply<T: Backend>(
    reader: &Reader,
    planner: &Planner,
    unit: &Unit<T>,
) -> Result<(Lists, bool), Error> {
    let state = reader.read(&unit.backend).await?;
    let actions: Vec<&Action> = unit.actions.iter().collect();
    let plan = planner.plan(
        unit.backend.name(),
        unit.backend.platform(),
        &state.revision,
        &state.lists,
        &actions,
        &FetchedBodies::new(),
    )?;
    Ok((Lists::after(&state.lists, &plan.writes), state.verification))
}
