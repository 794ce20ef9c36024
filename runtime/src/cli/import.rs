//! `import ID`: the `action!` code of the web hook a Terraform import ID names.

use super::setup::fail;
use super::{EXIT_OK, Io};
use crate::export::{Exported, ImportId, find_for_import};
use crate::reconcile::Reconciler;
use crate::target::Target;

/// Reads the target `target_of` gives for the ID's project (a configuration file ignores it)
/// and prints the matching hook, or what is near it.
pub(super) async fn run<T: Target>(
    reconciler: &Reconciler,
    raw: &str,
    target_of: impl FnOnce(&str) -> T,
    io: Io<'_>,
) -> u8 {
    let id = match ImportId::parse(raw) {
        Ok(id) => id,
        Err(problem) => return fail(io.err, problem),
    };
    let target = target_of(&id.project_id);
    let (hooks, bodies) = match reconciler.read_hooks(&target).await {
        Ok(read) => read,
        Err(e) => return fail(io.err, e),
    };
    match find_for_import(&id, &hooks) {
        Ok(found) => {
            let exported = Exported::new(&found, &bodies, "WEBHOOK", target.platform());
            let _ = write!(io.out, "{}", exported.module(&target.label()));
            EXIT_OK
        }
        Err(problem) => fail(io.err, problem),
    }
}
