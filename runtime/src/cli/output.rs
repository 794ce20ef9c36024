//! What every command shares on its way out: where a run writes ([`Io`]), the exit codes, and
//! the `error: …` and progress lines.

use std::io::Write;

/// Success, or nothing to change.
pub const EXIT_OK: u8 = 0;
/// An error.
pub const EXIT_ERROR: u8 = 1;
/// `plan --detailed-exitcode` found changes.
pub const EXIT_CHANGES: u8 = 2;
/// Someone else kept writing the backend; nothing of this run was written there.
pub const EXIT_CONFLICT: u8 = 3;
/// `--expect-no-changes` found changes (drift); nothing was written.
pub const EXIT_DRIFT: u8 = 4;

/// Where a run writes and how it asks.
pub struct Io<'a> {
    /// Plans and results.
    pub out: &'a mut dyn Write,
    /// Errors.
    pub err: &'a mut dyn Write,
    /// Asks a yes/no question; `None` when nobody can answer (no terminal).
    pub confirm: Option<&'a mut dyn FnMut(&str) -> bool>,
    /// Whether colours may be used (a terminal); `NO_COLOR` and `--no-color` still win.
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
