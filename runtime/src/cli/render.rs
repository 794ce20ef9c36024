//! `render`: every hook entry and its list, secrets redacted; contacts nothing.

use super::args::Options;
use super::json::{RenderedJson, pretty};
use super::setup::{fail, target_scopes};
use super::{EXIT_ERROR, EXIT_OK, Io};
use crate::action::Action;
use crate::hooks::Secrets;
use crate::stack::Stack;

/// Prints the entries of the stack's actions (of those `--target` names), as text or JSON.
pub(super) fn render(stack: &Stack, options: &Options, json: bool, io: Io<'_>) -> u8 {
    let only = match target_scopes(stack, &options.targets) {
        Ok(only) => only,
        Err(e) => return fail(io.err, e),
    };
    let targeted = |action: &&Action| {
        only.as_ref()
            .is_none_or(|only| action.scopes().iter().any(|s| only.contains(s)))
    };
    let mut entries = Vec::new();
    let mut text = String::new();
    for action in stack.actions().iter().filter(targeted) {
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
