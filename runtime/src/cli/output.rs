//! What every command shares on its way out: where a run writes ([`Io`]), the exit codes, and
//! the `error: …` and progress lines.

use std::io::Write;

/// Exit code 0: success. For `apply` and `destroy` also when there was nothing to change, or
/// the answer to their question was not `yes`.
pub const EXIT_OK: u8 = 0;
/// Exit code 1: an error, of any command; the `error:` lines on standard error say what.
pub const EXIT_ERROR: u8 = 1;
/// Exit code 2: `plan --detailed-exitcode` found changes.
pub const EXIT_CHANGES: u8 = 2;
/// Exit code 3: during `apply` or `destroy`, someone else kept writing a target; nothing of
/// this run was written there. Run `plan` again.
pub const EXIT_CONFLICT: u8 = 3;
/// Exit code 4: `plan` or `apply` with `--expect-no-changes` found changes (drift); nothing was
/// written.
pub const EXIT_DRIFT: u8 = 4;

/// Where a run of [`run_with`](super::run_with) writes, and how it asks before writing.
pub struct Io<'a> {
    /// Standard output: plans, results, JSON forms, exported code, `--help`.
    pub out: &'a mut dyn Write,
    /// Standard error: `error:` lines, progress lines, notes, `-v` lines.
    pub err: &'a mut dyn Write,
    /// How `apply` and `destroy` ask before writing: called with the question, `true` to go
    /// ahead. `None` when nobody can answer (no terminal): they then write only with `--yes`.
    pub confirm: Option<&'a mut dyn FnMut(&str) -> bool>,
    /// Whether plans may be in colour (a terminal); `--no-color` and `NO_COLOR` still win.
    pub color: bool,
}

impl Io<'_> {
    /// The same streams, borrowed for a shorter while.
    pub(super) fn reborrow(&mut self) -> Io<'_> {
        Io {
            out: &mut *self.out,
            err: &mut *self.err,
            confirm: match &mut self.confirm {
                Some(confirm) => Some(&mut **confirm),
                None => None,
            },
            color: self.color,
        }
    }
}

/// A line on `err` as each of several backends finishes: `[2/3] project …: planned`.
pub(super) fn progress<'a>(
    err: &'a mut dyn Write,
    labels: Vec<String>,
    done: &'static str,
) -> impl FnMut(usize, bool) + 'a {
    let mut finished = 0;
    move |index, ok| {
        finished += 1;
        if labels.len() > 1 {
            let _ = writeln!(
                err,
                "[{finished}/{}] {}: {}",
                labels.len(),
                labels[index],
                if ok { done } else { "failed" }
            );
        }
    }
}

/// Writes `error: …` and returns the exit code of an error.
pub(super) fn fail(err: &mut dyn Write, error: impl std::fmt::Display) -> u8 {
    let _ = writeln!(err, "error: {error}");
    EXIT_ERROR
}
