//! `-v`: a line per request to Ory (method, path, status, duration), per retry (why) and per
//! wait for Ory's rate limit to reset (how long, and the limit as numbers), as it happens.
//! Never a secret or a header value: callers pass only methods, paths, statuses, error
//! descriptions and numbers.

use std::fmt;
use std::sync::{Arc, Mutex};

/// Where verbose lines go; off by default.
#[derive(Clone, Default)]
pub(crate) struct Trace(Option<Arc<dyn Fn(String) + Send + Sync>>);

impl Trace {
    /// Lines go to the process's standard error as they happen.
    pub(crate) fn stderr() -> Self {
        Trace(Some(Arc::new(|line| eprintln!("{line}"))))
    }

    /// Lines are kept, to be written when the run ends (for a caller's own streams).
    pub(crate) fn collected(lines: Arc<Mutex<Vec<String>>>) -> Self {
        Trace(Some(Arc::new(move |line| {
            if let Ok(mut lines) = lines.lock() {
                lines.push(line);
            }
        })))
    }

    /// Whether lines go anywhere.
    pub(crate) fn is_on(&self) -> bool {
        self.0.is_some()
    }

    /// Writes the line `make` gives, when tracing is on.
    pub(crate) fn line(&self, make: impl FnOnce() -> String) {
        if let Some(sink) = &self.0 {
            sink(format!("verbose: {}", make()));
        }
    }
}

impl fmt::Debug for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_on() {
            "Trace(on)"
        } else {
            "Trace(off)"
        })
    }
}
