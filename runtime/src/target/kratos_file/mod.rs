//! The self-hosted Kratos target: a configuration file (YAML or JSON), edited in place.
//!
//! Only the hook lists that change are rewritten, with a lossless YAML editor: comments, key
//! order, quoting and everything else stay byte for byte. The file is replaced atomically (a
//! temporary file beside it, then a rename), so a crash never leaves half a configuration, and a
//! file changed by someone else since it was read is not overwritten.

use std::collections::BTreeMap;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ory_actions_core::Scope;
use serde_json::{Map, Number, Value, json};
use yaml_edit::path::YamlPath as _;
use yaml_edit::{Document, ScalarType, YamlValue};

use ory_actions_core::Platform;

use crate::error::Error;
use crate::hooks::{HookLists, ListWrite};
use crate::target::{Snapshot, Target, TargetName, Written};

#[cfg(feature = "schema")]
pub(crate) mod schema;

/// YAML or JSON, by the file's extension (`.json` is JSON; anything else YAML).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Yaml,
    Json,
}

/// A Kratos configuration file.
#[derive(Clone)]
pub(crate) struct KratosFile {
    path: PathBuf,
    format: Format,
    #[cfg(feature = "schema")]
    schema: Option<std::sync::Arc<schema::KratosSchema>>,
}

impl std::fmt::Debug for KratosFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KratosFile")
            .field("path", &self.path)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// The file as read: its text, and the configuration it holds.
struct Read {
    text: String,
    config: Value,
}

impl Read {
    /// The hook lists and the fingerprint of the text.
    fn snapshot(&self, file: &KratosFile) -> Result<Snapshot, Error> {
        let lists = HookLists::read(&self.config, "").map_err(|e| match e {
            Error::RemoteDocument { pointer, problem } => {
                file.problem(format!("at `{pointer}`, {problem}; nothing was written"))
            }
            other => other,
        })?;
        Ok(Snapshot {
            revision: revision_of(&self.text),
            lists,
        })
    }
}

impl Target for KratosFile {
    fn name(&self) -> TargetName {
        TargetName::KratosConfig(self.display())
    }

    fn platform(&self) -> Platform {
        Platform::Kratos
    }

    fn conflict_cause(&self) -> &'static str {
        "each time it had changed on disk since it was read"
    }

    async fn read(&self) -> Result<Snapshot, Error> {
        self.read_file()?.snapshot(self)
    }

    async fn write(&self, revision: &str, writes: &[ListWrite]) -> Result<Written, Error> {
        let written = self.write_lists(revision, writes)?;
        Ok(Written {
            snapshot: written.snapshot(self)?,
            warnings: Vec::new(),
        })
    }

    async fn fetch_body(&self, reference: &str) -> Result<String, String> {
        if reference.starts_with("https://") || reference.starts_with("http://") {
            Err("bodies stored at URLs are not read for configuration files".into())
        } else {
            self.read_body(reference)
        }
    }
}

impl KratosFile {
    /// The file at `path`.
    pub(crate) fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Yaml,
        };
        KratosFile {
            path,
            format,
            #[cfg(feature = "schema")]
            schema: None,
        }
    }

    /// Validates every write against this Kratos configuration schema first; a write that
    /// would leave invalid hook lists is refused.
    #[cfg(feature = "schema")]
    pub(crate) fn validate_with(mut self, schema: schema::KratosSchema) -> Self {
        self.schema = Some(std::sync::Arc::new(schema));
        self
    }

    /// How the file is named in messages and plans.
    pub(crate) fn display(&self) -> String {
        self.path.display().to_string()
    }

    fn problem(&self, problem: impl Into<String>) -> Error {
        Error::ConfigFile {
            path: self.path.clone(),
            problem: problem.into(),
        }
    }

    /// The configuration as ory-actions reads it (YAML or JSON, as JSON values).
    #[cfg(any(test, feature = "testkit"))]
    pub(crate) fn config(&self) -> Result<Value, Error> {
        Ok(self.read_file()?.config)
    }

    /// Reads and parses the file.
    fn read_file(&self) -> Result<Read, Error> {
        let text = std::fs::read_to_string(&self.path)
            .map_err(|e| self.problem(format!("cannot read it: {e}")))?;
        let config = self.parse(&text)?;
        Ok(Read { text, config })
    }

    fn parse(&self, text: &str) -> Result<Value, Error> {
        match self.format {
            Format::Json => serde_json::from_str(text)
                .map_err(|e| self.problem(format!("it is not valid JSON: {e}"))),
            Format::Yaml => {
                let document = Document::from_str(text)
                    .map_err(|e| self.problem(format!("it is not valid YAML: {e}")))?;
                let value = YamlValue::from_document(&document)
                    .map_err(|e| self.problem(format!("it cannot be read: {e}")))?;
                Ok(to_json(&value))
            }
        }
    }

    /// The bodies a hook names by file path (`file://…` or a bare path, relative to the
    /// configuration's directory, as Kratos resolves them), read for comparison. Only regular
    /// files inside the configuration's directory are read, at most 1 MiB: a configuration must
    /// not be able to make a plan print other files.
    pub(crate) fn read_body(&self, reference: &str) -> Result<String, String> {
        use std::io::Read as _;
        const LIMIT: u64 = 1024 * 1024;
        let directory = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let directory = directory
            .canonicalize()
            .map_err(|e| format!("{}: {e}", directory.display()))?;
        let named = Path::new(reference.strip_prefix("file://").unwrap_or(reference));
        let path = directory
            .join(named)
            .canonicalize()
            .map_err(|e| format!("{reference}: {e}"))?;
        if !path.starts_with(&directory) {
            return Err(format!(
                "{reference} is outside the configuration's directory, so it is not read"
            ));
        }
        let file = File::open(&path).map_err(|e| format!("{reference}: {e}"))?;
        if !file.metadata().is_ok_and(|m| m.is_file()) {
            return Err(format!("{reference} is not a regular file"));
        }
        let mut text = String::new();
        file.take(LIMIT + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("{reference}: {e}"))?;
        if text.len() as u64 > LIMIT {
            return Err(format!("{reference} is larger than 1 MiB"));
        }
        Ok(text)
    }

    /// Rewrites the hook lists of `writes` in the file read as `revision`; returns the file as
    /// written. Fails without writing when the file changed since, or when the edit would
    /// change anything but those lists (lists shared through YAML anchors, for one).
    fn write_lists(&self, revision: &str, writes: &[ListWrite]) -> Result<Read, Error> {
        let current = self.read_file()?;
        if revision_of(&current.text) != revision {
            return Err(Error::FileChanged {
                path: self.path.clone(),
            });
        }
        let before = &current.config;
        let mut expected = before.clone();
        for write in writes {
            set_list(
                &mut expected,
                write.scope,
                Value::Array(write.entries.clone()),
            );
        }
        // Entry by entry first, which keeps the comments of the entries that stay; the whole
        // list at once if that does not give exactly the expected configuration.
        let mut text = self.edit(&current.text, writes, Some(before))?;
        let mut config = self.parse(&text)?;
        if config != expected {
            text = self.edit(&current.text, writes, None)?;
            config = self.parse(&text)?;
        }
        #[cfg(feature = "schema")]
        if let Some(schema) = &self.schema {
            let problems = schema.problems(&config);
            if !problems.is_empty() {
                return Err(self.problem(format!(
                    "the hook lists would not be valid for Kratos, so nothing was written: {}",
                    problems.join("; ")
                )));
            }
        }
        if config != expected {
            return Err(self.problem(
                "editing the hook lists would change more of the file than those lists (YAML \
                 anchors or aliases shared with other keys?); nothing was written: give each \
                 hook list its own entries",
            ));
        }
        let written = Read { text, config };
        // Write where the path leads, so that a symbolic link stays one.
        let target = std::fs::canonicalize(&self.path).unwrap_or_else(|_| self.path.clone());
        write_atomically(&target, written.text.as_bytes(), |file, bytes| {
            file.write_all(bytes)
        })
        .map_err(|e| self.problem(format!("cannot write it (it is unchanged): {e}")))?;
        Ok(written)
    }

    /// The file's text with the lists of `writes` replaced. With `before` (the configuration
    /// as read), a block list that exists is edited entry by entry: entries that stay keep
    /// their text and comments; without it, every list is written whole.
    fn edit(
        &self,
        text: &str,
        writes: &[ListWrite],
        before: Option<&Value>,
    ) -> Result<String, Error> {
        if self.format == Format::Json {
            return self.edit_json(text, writes);
        }
        let document = Document::from_str(text)
            .map_err(|e| self.problem(format!("it is not valid YAML: {e}")))?;
        for write in writes {
            let path = yaml_path(write.scope);
            let old = before.and_then(|config| list_at(config, write.scope));
            let sequence = document
                .try_get_path(&path)
                .ok()
                .and_then(|node| node.as_sequence().cloned())
                .filter(|sequence| !sequence.is_flow_style() && !sequence.is_empty());
            if let (Some(old), Some(sequence)) = (old, sequence)
                && sequence.len() == old.len()
            {
                edit_entries(&sequence, old, &write.entries);
                continue;
            }
            let list: Vec<YamlValue> = write.entries.iter().map(to_yaml).collect();
            document
                .try_set_path(&path, list)
                .map_err(|e| self.problem(format!("cannot set `{path}`: {e}")))?;
        }
        let mut edited = document.to_string();
        if text.ends_with('\n') && !edited.ends_with('\n') {
            edited.push('\n');
        }
        Ok(edited)
    }

    /// A JSON file: each list that exists is replaced in place by its JSON text; a list that
    /// does not exist yet is added through the YAML editor, which writes JSON flow style there.
    fn edit_json(&self, text: &str, writes: &[ListWrite]) -> Result<String, Error> {
        let mut edited = text.to_owned();
        let mut missing = Vec::new();
        // Replace from the end of the text backwards, so earlier offsets stay valid.
        let mut spans = Vec::new();
        {
            let document = Document::from_str(text)
                .map_err(|e| self.problem(format!("it is not valid JSON: {e}")))?;
            for write in writes {
                match document.try_get_path(&yaml_path(write.scope)) {
                    Ok(node) => {
                        let range = node.byte_range();
                        spans.push((range.start as usize, range.end as usize, write));
                    }
                    Err(_) => missing.push(write),
                }
            }
        }
        spans.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
        for (start, end, write) in spans {
            let list = serde_json::to_string(&write.entries).expect("JSON values serialise");
            edited.replace_range(start..end, &list);
        }
        if !missing.is_empty() {
            let document = Document::from_str(&edited)
                .map_err(|e| self.problem(format!("it is not valid JSON: {e}")))?;
            for write in missing {
                let path = yaml_path(write.scope);
                let list: Vec<YamlValue> = write.entries.iter().map(to_yaml).collect();
                document
                    .try_set_path(&path, list)
                    .map_err(|e| self.problem(format!("cannot set `{path}`: {e}")))?;
            }
            edited = document.to_string();
        }
        if serde_json::from_str::<Value>(&edited).is_err() {
            return Err(self.problem(
                "editing it would not leave valid JSON; nothing was written (add the hook list \
                 to the file by hand, or convert it to YAML)",
            ));
        }
        Ok(edited)
    }
}

/// The hook list of `scope` in an identity configuration, if it is there.
fn list_at(config: &Value, scope: Scope) -> Option<&Vec<Value>> {
    let mut node = config;
    for segment in yaml_path(scope).split('.') {
        node = node.get(segment)?;
    }
    node.as_array()
}

/// Turns the entries of `sequence` (which hold `old`) into `new`, removing and inserting only
/// the entries that differ, from the end backwards so that indices stay valid.
fn edit_entries(sequence: &yaml_edit::Sequence, old: &[Value], new: &[Value]) {
    let key = |entry: &Value| serde_json::to_string(entry).expect("JSON values serialise");
    let old_keys: Vec<String> = old.iter().map(key).collect();
    let new_keys: Vec<String> = new.iter().map(key).collect();
    let mut operations =
        similar::capture_diff_slices(similar::Algorithm::Myers, &old_keys, &new_keys);
    operations.reverse();
    for operation in operations {
        let (old_index, removed, new_range) = match operation {
            similar::DiffOp::Equal { .. } => continue,
            similar::DiffOp::Delete {
                old_index, old_len, ..
            } => (old_index, old_len, 0..0),
            similar::DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index, 0, new_index..new_index + new_len),
            similar::DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (old_index, old_len, new_index..new_index + new_len),
        };
        for _ in 0..removed {
            sequence.remove(old_index);
        }
        for (offset, entry) in new[new_range].iter().enumerate() {
            sequence.insert(old_index + offset, to_yaml(entry));
        }
    }
}

/// Sets the hook list of `scope` in an identity configuration, creating parents.
fn set_list(config: &mut Value, scope: Scope, list: Value) {
    let mut node = config;
    for segment in yaml_path(scope).split('.') {
        if !node.is_object() {
            *node = json!({});
        }
        node = node
            .as_object_mut()
            .expect("made an object above")
            .entry(segment)
            .or_insert(Value::Null);
    }
    *node = list;
}

/// `selfservice.flows.login.after.password.hooks`: the path of a hook list inside the config.
fn yaml_path(scope: Scope) -> String {
    scope
        .config_pointer()
        .trim_start_matches('/')
        .replace('/', ".")
}

/// A revision id for the file's content, to notice a change between read and write.
fn revision_of(text: &str) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    format!("{:016x}-{}", hasher.finish(), text.len())
}

/// Writes `bytes` to a temporary file beside `path` with `write`, makes it durable and renames
/// it over `path`. On any failure the temporary file is removed and `path` is untouched.
pub(crate) fn write_atomically(
    path: &Path,
    bytes: &[u8],
    write: impl FnOnce(&mut File, &[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let directory = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    let temporary = directory.join(format!(
        ".{name}.ory-actions-{}-{:x}.tmp",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let result = (|| {
        // A new file, never one that is already there (or a link someone left at this name).
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        if let Ok(metadata) = std::fs::metadata(path) {
            file.set_permissions(metadata.permissions())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt as _;
                // Keep the owner, so that a Kratos running as another user can still read it.
                let _ =
                    std::os::unix::fs::fchown(&file, Some(metadata.uid()), Some(metadata.gid()));
            }
        }
        write(&mut file, bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, path)?;
        if let Ok(directory) = File::open(directory) {
            let _ = directory.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// A YAML value as JSON: scalars by their YAML type; mapping keys by their string form.
fn to_json(value: &YamlValue) -> Value {
    match value {
        YamlValue::Scalar(scalar) => match scalar.scalar_type() {
            ScalarType::Null => Value::Null,
            ScalarType::Boolean => scalar.to_bool().map_or(Value::Null, Value::Bool),
            ScalarType::Integer => scalar
                .to_i64()
                .map_or_else(|| Value::String(scalar.value().to_owned()), Value::from),
            ScalarType::Float => scalar
                .to_f64()
                .and_then(Number::from_f64)
                .map_or_else(|| Value::String(scalar.value().to_owned()), Value::Number),
            _ => Value::String(scalar.value().to_owned()),
        },
        YamlValue::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        YamlValue::Mapping(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        YamlValue::OrderedMapping(pairs) | YamlValue::Pairs(pairs) => Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect::<Map<_, _>>(),
        ),
        YamlValue::Set(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
        other => match other.as_sequence() {
            Some(items) => Value::Array(items.iter().map(to_json).collect()),
            None => Value::String(other.to_yaml_string(0)),
        },
    }
}

/// A JSON value as YAML, for the lists written.
fn to_yaml(value: &Value) -> YamlValue {
    match value {
        Value::Null => YamlValue::Scalar(yaml_edit::ScalarValue::null()),
        Value::Bool(b) => YamlValue::scalar(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => YamlValue::scalar(i),
            (None, Some(f)) => YamlValue::scalar(f),
            _ => YamlValue::scalar(n.to_string()),
        },
        Value::String(s) => YamlValue::scalar(s.as_str()),
        Value::Array(items) => YamlValue::Sequence(items.iter().map(to_yaml).collect()),
        Value::Object(map) => YamlValue::Mapping(
            map.iter()
                .map(|(k, v)| (k.clone(), to_yaml(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

#[cfg(test)]
mod tests;
