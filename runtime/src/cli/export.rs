//! `export`: a module of `action!` code per backend, for every web hook it holds.

use std::sync::Arc;

use super::output::{EXIT_ERROR, EXIT_OK, Io, fail};
use crate::backend::Backend;
use crate::error::Error;
use crate::export::{Exported, FoundHook, web_hooks};
use crate::plan::FetchedBodies;
use crate::reconcile::{Reader, Unit};

/// Prints the code of every web hook of the backends of `units`; secrets become `env("…")`
/// placeholders.
pub(super) async fn run<T: Backend>(reader: &Reader, units: &[Arc<Unit<T>>], io: Io<'_>) -> u8 {
    let mut code = EXIT_OK;
    for (n, Unit { backend, .. }) in units.iter().map(|u| &**u).enumerate() {
        match read_hooks(reader, backend).await {
            Ok((hooks, bodies)) => {
                let prefix = if units.len() > 1 {
                    format!("WEBHOOK_P{}", n + 1)
                } else {
                    "WEBHOOK".to_owned()
                };
                let exported = Exported::new(&hooks, &bodies, &prefix, backend.platform());
                let _ = write!(io.out, "{}", exported.module(&backend.label()));
                if !exported.secrets.is_empty() {
                    let _ = writeln!(
                        io.err,
                        "note: {} secret(s) became env(\"…\") placeholders; the comment at the \
                         top names them",
                        exported.secrets.len()
                    );
                }
            }
            Err(e) => code = code.max(fail(io.err, e)),
        }
    }
    if code == EXIT_OK { EXIT_OK } else { EXIT_ERROR }
}

/// Reads `backend` for `export` and `import`: its web hooks, and the bodies they keep
/// elsewhere.
pub(super) async fn read_hooks<T: Backend>(
    reader: &Reader,
    backend: &T,
) -> Result<(Vec<FoundHook>, FetchedBodies), Error> {
    let state = reader.read(backend).await?;
    let hooks = web_hooks(&state.lists);
    let references = hooks
        .iter()
        .filter_map(|h| h.hook.body.reference().map(str::to_owned))
        .collect();
    let bodies = reader.bodies(backend, references).await;
    Ok((hooks, bodies))
}
