//! `identity-schemas pull`: the target's identity schemas written into the crate, where
//! `action!` reads them (as `cargo sqlx prepare` writes `.sqlx/`), so that builds stay offline.

use std::path::{Path, PathBuf};

use ory_actions_core::identity::default_id;
use std::sync::Arc;

use super::output::{EXIT_ERROR, EXIT_OK, Io, fail};
use crate::action::DeclaredSchemas;
use crate::backend::Backend;
use crate::reconcile::Unit;

/// Writes each identity schema the targets of `units` list: to the file the crate declares for
/// its id, else to `identity/<id>.schema.json` (then says what to add to `Cargo.toml`).
pub(super) async fn pull<T: Backend>(
    units: &[Arc<Unit<T>>],
    declared: DeclaredSchemas,
    io: Io<'_>,
) -> u8 {
    let dir: PathBuf = if declared.dir.is_empty() {
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from)
    } else {
        PathBuf::from(declared.dir)
    };
    let mut code = EXIT_OK;
    // `(id, path relative to the crate, from which target)` of each schema written.
    let mut pulled: Vec<(String, String, String)> = Vec::new();
    let mut new_files: Vec<(String, String)> = Vec::new();
    for unit in units {
        let label = unit.backend.label();
        let schemas = match unit.backend.identity_schemas().await {
            Ok(schemas) => schemas,
            Err(e) => {
                code = code.max(fail(io.err, e));
                continue;
            }
        };
        if schemas.is_empty() {
            let _ = writeln!(io.err, "{label} lists no identity schemas");
        }
        for schema in schemas {
            let text = match schema.text {
                Ok(text) => text,
                Err(reason) => {
                    let _ = writeln!(
                        io.err,
                        "error: the identity schema `{}` of {label} cannot be read: {reason}",
                        schema.id
                    );
                    code = EXIT_ERROR;
                    continue;
                }
            };
            if let Some((_, path, from)) = pulled.iter().find(|(id, _, _)| *id == schema.id) {
                let _ = writeln!(
                    io.err,
                    "note: the identity schema `{}` of {label} was not written: {path} holds \
                     the one of {from}",
                    schema.id
                );
                continue;
            }
            if let Err(e) = ory_actions_core::identity::Schema::read(&schema.id, &text) {
                let _ = writeln!(io.err, "error: {e} ({label})");
                code = EXIT_ERROR;
                continue;
            }
            let relative = match declared.files.iter().find(|f| f.id == schema.id) {
                Some(file) => file.path.to_owned(),
                None => {
                    // A name no other schema has: ids such as `a:b` and `a/b` share one, and a
                    // declared file may already have it.
                    let taken = |path: &str| {
                        declared.files.iter().any(|f| f.path == path)
                            || pulled.iter().any(|(_, p, _)| p == path)
                    };
                    let name = file_name(&schema.id);
                    let mut path = format!("identity/{name}.schema.json");
                    let mut n = 2;
                    while taken(&path) {
                        path = format!("identity/{name}-{n}.schema.json");
                        n += 1;
                    }
                    new_files.push((schema.id.clone(), path.clone()));
                    path
                }
            };
            let path = dir.join(&relative);
            match write_if_changed(&path, &text) {
                Ok(true) => {
                    let _ = writeln!(
                        io.out,
                        "wrote {relative} (identity schema `{}` of {label})",
                        schema.id
                    );
                }
                Ok(false) => {
                    let _ = writeln!(
                        io.out,
                        "{relative} is up to date (identity schema `{}` of {label})",
                        schema.id
                    );
                }
                Err(e) => {
                    let _ = writeln!(io.err, "error: {relative} cannot be written: {e}");
                    code = EXIT_ERROR;
                    continue;
                }
            }
            pulled.push((schema.id, relative, label.clone()));
        }
    }
    if !new_files.is_empty() {
        let _ = writeln!(
            io.out,
            "\nThe crate does not declare {} of them yet: name every schema in Cargo.toml, and \
             build again to check the bodies against them:\n\n[package.metadata.ory-actions]\n\
             identity-schemas = [",
            new_files.len()
        );
        for file in declared.files {
            let _ = writeln!(io.out, "    {},", entry(file.id, file.path));
        }
        for (id, path) in &new_files {
            let _ = writeln!(io.out, "    {},", entry(id, path));
        }
        let _ = writeln!(io.out, "]");
    }
    code
}

/// A file name for a schema id: `preset://email` is `preset-email`.
fn file_name(id: &str) -> String {
    let name: String = id
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' | '.' => c,
            _ => '-',
        })
        .collect();
    let name = name.trim_matches(['-', '.']);
    let mut name = name.replace("---", "-");
    if name.is_empty() {
        name = "schema".to_owned();
    }
    name
}

/// The `identity-schemas` entry for `path` holding the schema `id`.
fn entry(id: &str, path: &str) -> String {
    if default_id(path) == id {
        format!("{path:?}")
    } else {
        format!("{{ path = {path:?}, id = {id:?} }}")
    }
}

/// Writes `text` to `path` (making its directory) unless it holds it already; whether it
/// wrote.
fn write_if_changed(path: &Path, text: &str) -> std::io::Result<bool> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::{entry, file_name};

    #[test]
    fn names_and_entries() {
        assert_eq!(file_name("preset://email"), "preset-email");
        assert_eq!(file_name("customer"), "customer");
        assert_eq!(file_name("../x"), "x");
        assert_eq!(file_name("://"), "schema");
        assert_eq!(
            entry("customer", "identity/customer.schema.json"),
            "\"identity/customer.schema.json\""
        );
        assert_eq!(
            entry("preset://email", "identity/preset-email.schema.json"),
            "{ path = \"identity/preset-email.schema.json\", id = \"preset://email\" }"
        );
    }
}
