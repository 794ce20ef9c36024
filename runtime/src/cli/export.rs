//! `export`: a module of `action!` code per backend, for every web hook it holds.

use std::sync::Arc;

use super::output::{EXIT_ERROR, EXIT_OK, Io, fail};
use crate::backend::Backend;
use crate::export::Exported;
use crate::reconcile::{Reconciler, Unit};

/// Prints the code of every web hook of the backends of `units`; secrets become `env("…")`
/// placeholders.
pub(super) async fn run<T: Backend>(
    reconciler: &Reconciler,
    units: &[Arc<Unit<T>>],
    io: Io<'_>,
) -> u8 {
    let mut code = EXIT_OK;
    for (n, Unit { backend, .. }) in units.iter().map(|u| &**u).enumerate() {
        match reconciler.read_hooks(backend).await {
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
