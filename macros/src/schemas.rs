//! The identity schemas a crate declares in its `Cargo.toml`, read at compile time:
//!
//! ```toml
//! [package.metadata.ory-actions]
//! identity-schemas = ["identity/customer.schema.json", "identity/staff.schema.json"]
//! ```
//!
//! Paths are relative to the crate's directory (`manifest.rs` reads the TOML). Bodies' reads of traits are checked against
//! them, and each `action!` includes the files (`include_str!`), so that rustc rebuilds the
//! crate when one changes and the runtime checks computed bodies against the same schemas.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use ory_actions_core::identity::{Schemas, default_id};

use crate::manifest::Toml;
use ory_actions_core::suggest::did_you_mean;

/// The metadata table and its keys.
const TABLE: &str = "package.metadata.ory-actions";
const KEYS: [&str; 1] = ["identity-schemas"];

/// The largest `Cargo.toml` read.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// The schemas a crate declares: the files and what they say.
#[derive(Debug)]
pub(crate) struct Declared {
    pub(crate) files: Vec<File>,
    pub(crate) schemas: Schemas,
}

/// One declared schema file.
#[derive(Debug)]
pub(crate) struct File {
    /// As the metadata writes it, relative to the crate.
    pub(crate) relative: String,
    /// The schema's id in the target's `identity.schemas`.
    pub(crate) id: String,
}

/// One entry of `identity-schemas`: a path, and the schema's id when given.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) path: String,
    pub(crate) id: Option<String>,
}

/// When a file was last changed and how long it is, to know a cached reading still holds.
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// The last reading, for the crate being compiled (one `rustc` compiles many `action!`s).
type Cached = (
    PathBuf,
    Vec<(PathBuf, Stamp)>,
    Result<Option<Arc<Declared>>, String>,
);
static LAST: Mutex<Option<Cached>> = Mutex::new(None);

/// Whether this expansion should include the crate's `Cargo.toml`, so that rustc rebuilds the
/// crate when it changes: the first expansion for a crate in this process does, where there is
/// a `Cargo.toml` (a build without cargo may have none). One include is enough for rustc's
/// list of the crate's files, and 200 of them slowed an incremental build by a third.
pub(crate) fn track_manifest() -> bool {
    static TRACKED: Mutex<Option<std::ffi::OsString>> = Mutex::new(None);
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return false;
    };
    if !Path::new(&dir).join("Cargo.toml").is_file() {
        return false;
    }
    let Ok(mut tracked) = TRACKED.lock() else {
        return true;
    };
    if tracked.as_ref() == Some(&dir) {
        return false;
    }
    *tracked = Some(dir);
    true
}

/// The schemas the crate in `manifest_dir` declares: `None` without the metadata key; the
/// error says what is wrong with the key or a file.
pub(crate) fn declared(manifest_dir: &Path) -> Result<Option<Arc<Declared>>, String> {
    let manifest = manifest_dir.join("Cargo.toml");
    if let Ok(last) = LAST.lock()
        && let Some((dir, stamps, reading)) = last.as_ref()
        && dir == manifest_dir
        && stamps.iter().all(|(path, kept)| stamp(path) == *kept)
    {
        return reading.clone();
    }
    let mut read = vec![(manifest.clone(), stamp(&manifest))];
    let reading = read_declared(manifest_dir, &manifest, &mut read);
    if let Ok(mut last) = LAST.lock() {
        *last = Some((manifest_dir.to_path_buf(), read, reading.clone()));
    }
    reading
}

fn read_declared(
    manifest_dir: &Path,
    manifest: &Path,
    read: &mut Vec<(PathBuf, Stamp)>,
) -> Result<Option<Arc<Declared>>, String> {
    let Some(text) = read_limited(manifest, MAX_MANIFEST_BYTES)? else {
        // No manifest where cargo says the crate is (a build without cargo): nothing declared.
        return Ok(None);
    };
    let entries = match metadata_paths(&text)? {
        Some(entries) => entries,
        None => return Ok(None),
    };
    let mut files = Vec::with_capacity(entries.len());
    let mut texts = Vec::with_capacity(entries.len());
    for Entry { path: relative, id } in entries {
        let path = manifest_dir.join(&relative);
        read.push((path.clone(), stamp(&path)));
        let text = read_limited(&path, ory_actions_core::jsonnet::MAX_JSON_BYTES as u64)
            .and_then(|text| text.ok_or_else(|| "does not exist".to_owned()))
            .map_err(|problem| {
                format!(
                    "the identity schema `{relative}` that Cargo.toml declares in `[{TABLE}]` \
                     (paths are relative to the directory of this crate's Cargo.toml) {problem}"
                )
            })?;
        texts.push(text);
        let id = id.unwrap_or_else(|| default_id(&relative).to_owned());
        files.push(File { relative, id });
    }
    let schemas = Schemas::read(
        files
            .iter()
            .zip(&texts)
            .map(|(file, text)| (file.relative.as_str(), text.as_str())),
    )
    .map_err(|e| format!("{e} (declared in `[{TABLE}]` of Cargo.toml)"))?;
    Ok(Some(Arc::new(Declared { files, schemas })))
}

/// The text of the file at `path`, at most `limit` bytes, read as every file a user names is
/// ([`ory_actions_core::file`]: a regular file only, so a FIFO cannot block the compiler);
/// `None` when there is none.
fn read_limited(path: &Path, limit: u64) -> Result<Option<String>, String> {
    if std::fs::metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Ok(None);
    }
    ory_actions_core::file::read_text(path, limit).map(Some)
}

/// The entries `[package.metadata.ory-actions] identity-schemas` names, if it is there.
fn metadata_paths(manifest: &str) -> Result<Option<Vec<Entry>>, String> {
    let document =
        crate::manifest::read(manifest).map_err(|e| format!("Cargo.toml cannot be read: {e}"))?;
    let Some(table) = document
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("ory-actions"))
    else {
        return Ok(None);
    };
    let Toml::Table(table) = table else {
        return Err(format!("`{TABLE}` in Cargo.toml must be a table"));
    };
    for key in table.iter().map(|(key, _)| key) {
        if !KEYS.contains(&key.as_str()) {
            let hint = match did_you_mean(key, KEYS) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the keys are {}", KEYS.map(|k| format!("`{k}`")).join(", ")),
            };
            return Err(format!(
                "`[{TABLE}]` in Cargo.toml has no key `{key}`: {hint}"
            ));
        }
    }
    let Some((_, list)) = table.iter().find(|(key, _)| key == "identity-schemas") else {
        return Ok(None);
    };
    let wrong = || {
        format!(
            "`identity-schemas` in `[{TABLE}]` of Cargo.toml must be a list of paths to identity \
             schemas, relative to the crate, each a string or a table with the schema's id: \
             `identity-schemas = [\"identity/customer.schema.json\", {{ path = \
             \"identity/email.schema.json\", id = \"preset://email\" }}]`"
        )
    };
    let Toml::Array(list) = list else {
        return Err(wrong());
    };
    let mut entries: Vec<Entry> = Vec::with_capacity(list.len());
    for item in list {
        let entry = match item {
            Toml::Str(path) => Entry {
                path: path.clone(),
                id: None,
            },
            Toml::Table(fields) => {
                if fields.iter().any(|(k, _)| k != "path" && k != "id") {
                    return Err(wrong());
                }
                let text = |key: &str| -> Result<Option<String>, String> {
                    match item.get(key) {
                        None => Ok(None),
                        Some(Toml::Str(s)) if !s.is_empty() => Ok(Some(s.clone())),
                        Some(_) => Err(wrong()),
                    }
                };
                Entry {
                    path: text("path")?.ok_or_else(wrong)?,
                    id: text("id")?,
                }
            }
            _ => return Err(wrong()),
        };
        if entry.path.is_empty() {
            return Err(wrong());
        }
        if entries.iter().any(|e| e.path == entry.path) {
            return Err(format!(
                "`identity-schemas` in `[{TABLE}]` of Cargo.toml names `{}` twice",
                entry.path
            ));
        }
        let id = entry
            .id
            .as_deref()
            .unwrap_or_else(|| default_id(&entry.path));
        if let Some(other) = entries
            .iter()
            .find(|e| e.id.as_deref().unwrap_or_else(|| default_id(&e.path)) == id)
        {
            return Err(format!(
                "`identity-schemas` in `[{TABLE}]` of Cargo.toml gives `{}` and `{}` the same \
                 schema id `{id}`: give one an `id`",
                other.path, entry.path
            ));
        }
        entries.push(entry);
    }
    Ok(Some(entries))
}

#[cfg(test)]
mod tests {
    use super::{Entry, default_id, metadata_paths};

    #[test]
    fn reads_the_metadata_key_and_says_what_is_wrong() {
        let declared = "[package]\nname = \"a\"\n\n[package.metadata.ory-actions]\n\
                        identity-schemas = [\"identity/customer.schema.json\", 'b.json']\n";
        let paths = |entries: Option<Vec<Entry>>| -> Option<Vec<(String, Option<String>)>> {
            entries.map(|e| e.into_iter().map(|e| (e.path, e.id)).collect())
        };
        assert_eq!(
            paths(metadata_paths(declared).unwrap()),
            Some(vec![
                ("identity/customer.schema.json".to_owned(), None),
                ("b.json".to_owned(), None)
            ])
        );
        let dotted =
            "[package]\nname = \"a\"\nmetadata.ory-actions.identity-schemas = [\"x.json\"]\n";
        assert_eq!(
            paths(metadata_paths(dotted).unwrap()),
            Some(vec![("x.json".to_owned(), None)])
        );
        let with_id = "[package.metadata.ory-actions]\nidentity-schemas = [{ path = \"identity/email.json\", id = \"preset://email\" }, \"identity/staff.schema.json\"]\n";
        assert_eq!(
            paths(metadata_paths(with_id).unwrap()),
            Some(vec![
                (
                    "identity/email.json".to_owned(),
                    Some("preset://email".to_owned())
                ),
                ("identity/staff.schema.json".to_owned(), None)
            ])
        );
        let array_of_tables = "[[package.metadata.ory-actions.identity-schemas]]\npath = \"identity/email.json\"\nid = \"preset://email\"\n";
        assert_eq!(
            paths(metadata_paths(array_of_tables).unwrap()),
            Some(vec![(
                "identity/email.json".to_owned(),
                Some("preset://email".to_owned())
            )])
        );
        assert!(
            metadata_paths("[[package.metadata.ory-actions]]\nidentity-schemas = []\n")
                .unwrap_err()
                .contains("must be a table")
        );
        assert_eq!(default_id("identity/customer.schema.json"), "customer");
        assert_eq!(default_id("staff.json"), "staff");
        assert_eq!(default_id("a/b/identity.traits"), "identity.traits");
        for none in [
            "[package]\nname = \"a\"\n",
            "[package]\nname = \"a\"\n[package.metadata.other]\nx = 1\n",
            "[package.metadata.ory-actions]\n",
        ] {
            assert_eq!(metadata_paths(none).unwrap(), None, "{none}");
        }
        for (wrong, message) in [
            (
                "[package.metadata.ory-actions]\nidentity_schemas = []\n",
                "has no key `identity_schemas`: did you mean `identity-schemas`?",
            ),
            (
                "[package.metadata.ory-actions]\nidentity-schemas = \"a.json\"\n",
                "must be a list of paths",
            ),
            (
                "[package.metadata.ory-actions]\nidentity-schemas = [1]\n",
                "must be a list of paths",
            ),
            (
                "[package.metadata.ory-actions]\nidentity-schemas = [\"a\", \"a\"]\n",
                "names `a` twice",
            ),
            ("[package.metadata]\nory-actions = 1\n", "must be a table"),
            (
                "[package.metadata.ory-actions]\nidentity-schemas = [\"a/x.json\", \"b/x.schema.json\"]\n",
                "gives `a/x.json` and `b/x.schema.json` the same schema id `x`",
            ),
            (
                "[package.metadata.ory-actions]\nidentity-schemas = [{ id = \"x\" }]\n",
                "must be a list of paths",
            ),
            (
                "[package.metadata.ory-actions]\nidentity-schemas = [{ path = \"x\", name = \"y\" }]\n",
                "must be a list of paths",
            ),
            ("[package\n", "Cargo.toml cannot be read"),
        ] {
            let error = metadata_paths(wrong).unwrap_err();
            assert!(error.contains(message), "{wrong}: {error}");
        }
    }
}
