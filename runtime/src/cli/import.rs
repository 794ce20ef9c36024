//! `import ID`: the `action!` code of the web hook a Terraform import ID names.

use super::export::read_hooks;
use super::output::{EXIT_OK, Io, fail};
use crate::backend::Backend;
use crate::export::{Exported, ImportId, find_for_import};
use crate::reconcile::Reader;

/// Reads the backend `target_of` gives for the ID's project (a configuration file ignores it)
/// and prints the matching hook, or what is near it.
pub(super) async fn run<T: Backend>(
    reader: &Reader,
    raw: &str,
    target_of: impl FnOnce(&str) -> Result<T, crate::error::Error>,
    io: Io<'_>,
) -> u8 {
    let id = match ImportId::parse(raw) {
        Ok(id) => id,
        Err(problem) => return fail(io.err, problem),
    };
    let backend = match target_of(&id.project_id) {
        Ok(backend) => backend,
        Err(e) => return fail(io.err, e),
    };
    let (hooks, bodies) = match read_hooks(reader, &backend).await {
        Ok(read) => read,
        Err(e) => return fail(io.err, e),
    };
    match find_for_import(&id, &hooks) {
        Ok(found) => {
            let exported = Exported::new(&found, &bodies, "WEBHOOK", backend.platform());
            let _ = write!(io.out, "{}", exported.module(&backend.label()));
            EXIT_OK
        }
        Err(problem) => fail(io.err, problem),
    }
}
