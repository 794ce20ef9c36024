//! `render`: every hook entry and its list, secrets redacted; contacts nothing.

use super::args::Options;
use super::json::{PayloadJson, RenderedJson, pretty};
use super::output::{EXIT_ERROR, EXIT_OK, Io, fail};
use super::settings::target_scopes;
use crate::action::Action;
use crate::hooks::Secrets;
use crate::payload::{Payload, payloads_by_schema};
use crate::stack::Stack;
use ory_actions_core::Scope;

/// Prints the entries of the stack's actions (of those `--target` names), as text or JSON.
pub(super) fn render(stack: &Stack, options: &Options, json: bool, io: Io<'_>) -> u8 {
    let only = match target_scopes(stack, &options.targeted) {
        Ok(only) => only,
        Err(e) => return fail(io.err, e),
    };
    let targeted = |action: &&Action| {
        only.as_ref()
            .is_none_or(|only| action.scopes().iter().any(|s| only.contains(s)))
    };
    let mut entries = Vec::new();
    let mut text = String::new();
    for action in stack.get_actions().iter().filter(targeted) {
        let hooks = match action.render(Secrets::Redacted) {
            Ok(hooks) => hooks,
            Err(e) => return fail(io.err, e),
        };
        text.push_str(&format!("# {action}\n"));
        for hook in hooks {
            text.push_str(&format!("{hook}\n"));
            entries.push(RenderedJson {
                entry: hook.redacted_entry(),
                list: hook.pointer(),
                name: action.name(),
            });
        }
        text.push('\n');
    }
    let written = if json {
        writeln!(io.out, "{}", pretty(&entries))
    } else {
        write!(io.out, "{text}")
    };
    if written.is_err() {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

/// Prints what each hook entry's body sends for its sample context (`render --payloads`);
/// exit 1 when a body fails, as Kratos would fail the call.
pub(super) fn payloads(stack: &Stack, options: &Options, json: bool, io: Io<'_>) -> u8 {
    let only = match target_scopes(stack, &options.targeted) {
        Ok(only) => only,
        Err(e) => return fail(io.err, e),
    };
    let mut entries = Vec::new();
    let mut text = String::new();
    let mut failed = 0;
    let lists: Vec<(&Action, Vec<Scope>)> = stack
        .get_actions()
        .iter()
        .map(|action| {
            let scopes = action
                .scopes()
                .iter()
                .copied()
                .filter(|s| only.as_ref().is_none_or(|only| only.contains(s)))
                .collect();
            (action, scopes)
        })
        .filter(|(_, scopes): &(&Action, Vec<Scope>)| !scopes.is_empty())
        .collect();
    // Every body evaluated with one evaluator, each template and context once.
    let asked: Vec<_> = lists
        .iter()
        .map(|(action, scopes)| (action.body_of(), scopes.as_slice()))
        .collect();
    let all_payloads = payloads_by_schema(&asked, stack.get_samples());
    for ((action, scopes), payloads) in lists.iter().zip(all_payloads) {
        let action = *action;
        text.push_str(&format!("# {action}\n"));
        if let Some(reference) = action.body().and_then(|body| body.reference()) {
            text.push_str(&format!(
                "(the body is `{reference}`, which Kratos fetches or reads itself: not \
                 evaluated here)\n\n"
            ));
            for &scope in scopes {
                let mut entry = PayloadJson::new(action, scope, None);
                entry.no_body = false;
                entry.reference = Some(reference.clone());
                entries.push(entry);
            }
            continue;
        }
        if action.body().is_none() {
            text.push_str(
                "(no body: Kratos fails every call of a web hook without one; add `body`)\n\n",
            );
            for &scope in scopes {
                entries.push(PayloadJson::new(action, scope, None));
            }
            continue;
        }
        for sample in payloads {
            let heading = match &sample.schema {
                Some(id) => format!(
                    "{} ({}, identity schema `{id}`)",
                    sample.scope,
                    sample.phase.as_str()
                ),
                None => format!("{} ({})", sample.scope, sample.phase.as_str()),
            };
            match &sample.result {
                Ok(Payload::Cancelled) => text.push_str(&format!(
                    "{heading}: cancelled (`error \"cancel\"`): Kratos skips the hook\n"
                )),
                Ok(payload @ Payload::Form(_)) => text.push_str(&format!(
                    "{heading}, form-encoded:\n{}\n",
                    pretty(&payload.to_json())
                )),
                Ok(Payload::Json(value)) => {
                    text.push_str(&format!("{heading}:\n{}\n", pretty(value)));
                }
                Err(e) => {
                    failed += 1;
                    text.push_str(&format!("{heading}: the body fails: {e}\n"));
                }
            }
            if json {
                entries.push(PayloadJson::new(action, sample.scope, Some(sample)));
            }
        }
        text.push('\n');
    }
    let written = if json {
        writeln!(io.out, "{}", pretty(&entries))
    } else {
        write!(io.out, "{text}")
    };
    if failed > 0 {
        let _ = writeln!(
            io.err,
            "error: {failed} payload(s) fail for their sample context: Kratos would fail those \
             calls"
        );
        return EXIT_ERROR;
    }
    if written.is_err() {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}
