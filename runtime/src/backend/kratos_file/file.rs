//! [`KratosFile`]: a Kratos configuration file, read and parsed, and its [`Backend`]
//! implementation, with the write protocol: a file changed by someone else since it was read is
//! not overwritten, and an edit ([`edit`]) must give exactly the expected configuration.

use std::hash::BuildHasher as _;
use std::io::Write;
use std::path::PathBuf;

use ory_actions_core::{Platform, Scope};
use serde_json::{Value, json};
use yaml_edit::YamlValue;

use crate::backend::schemas::{self, TargetSchema};
use crate::backend::{Backend, BackendName, State, Written};
use crate::error::Error;
use crate::hooks::{HookLists, JsonError, ListWrite, read_json, verification_enabled};

use super::CONFIG_LIMIT;
use super::atomic::write_atomically;
use super::edit::{self, EditorText, yaml_path};
use super::paths::KratosPaths;
#[cfg(feature = "schema")]
use super::schema::KratosSchema;
use super::yaml_values::to_json;
use super::{yaml_read, yaml_reference};

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
    /// Where Kratos's working directory and paths are on this machine.
    paths: KratosPaths,
    #[cfg(feature = "schema")]
    schema: Option<std::sync::Arc<KratosSchema>>,
}

impl std::fmt::Debug for KratosFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KratosFile")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("paths", &self.paths)
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
    fn state(self, file: &KratosFile) -> Result<State, Error> {
        let verification = verification_enabled(&self.config, "");
        let lists = HookLists::take(self.config, "").map_err(|e| file.shape(e))?;
        Ok(State {
            revision: revision_of(&self.text),
            lists,
            verification,
        })
    }
}

impl Backend for KratosFile {
    fn name(&self) -> BackendName {
        BackendName::KratosConfig(self.display())
    }

    fn platform(&self) -> Platform {
        Platform::Kratos
    }

    fn conflict_cause(&self) -> &'static str {
        "each time it had changed on disk since it was read"
    }

    async fn read(&self) -> Result<State, Error> {
        self.read_lists()
    }

    async fn write(&self, revision: &str, writes: &[ListWrite]) -> Result<Written, Error> {
        let written = self.write_lists(revision, writes)?;
        Ok(Written {
            state: written.state(self)?,
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

    async fn identity_schemas(&self) -> Result<Vec<TargetSchema>, Error> {
        let config = self.read_file()?.config;
        let mut schemas = Vec::new();
        for (id, url) in schemas::listed(&config, "")? {
            let text = match url.as_deref() {
                None => Err("it has no `url`".to_owned()),
                Some(url) => match schemas::base64_text(url) {
                    Some(text) => text,
                    None if url.starts_with("https://") || url.starts_with("http://") => Err(
                        "schemas at URLs are not fetched for configuration files: download it \
                         into the crate"
                            .to_owned(),
                    ),
                    None => self.paths.read_schema(url),
                },
            };
            schemas.push(TargetSchema { id, text });
        }
        Ok(schemas)
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
            paths: KratosPaths::default(),
            #[cfg(feature = "schema")]
            schema: None,
        }
    }

    /// Reads the bodies hooks name by path where Kratos's files are on this machine
    /// (`--kratos-dir`, `--path-map`); by default relative paths from the current directory and
    /// absolute ones as they are.
    pub(crate) fn with_paths(mut self, paths: KratosPaths) -> Self {
        self.paths = paths;
        self
    }

    /// Validates every write against this Kratos configuration schema first; a write that
    /// would leave invalid hook lists is refused.
    #[cfg(feature = "schema")]
    pub(crate) fn validate_with(mut self, schema: KratosSchema) -> Self {
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
        let text = self.read_text()?;
        let config = self.parse(&text)?;
        Ok(Read { text, config })
    }

    fn read_text(&self) -> Result<String, Error> {
        ory_actions_core::file::read_text(&self.path, CONFIG_LIMIT)
            .map_err(|e| self.problem(format!("it {e}")))
    }

    /// Reads the hook lists of the file, and only them: the rest of the configuration is
    /// skipped as it is parsed ([`read_json`], [`yaml_read`]), and each entry is kept as its
    /// text. A YAML file the fast reader does not take (flow style, anchors, tags, anything
    /// invalid, …) is read whole ([`KratosFile::parse`]), which decides what is wrong with it.
    fn read_lists(&self) -> Result<State, Error> {
        let text = self.read_text()?;
        let document = match self.format {
            Format::Json => read_json(&text, "").map_err(|e| match e {
                JsonError::Syntax(e) => self.problem(json_problem(&e)),
                JsonError::Shape(e) => self.shape(e),
            })?,
            Format::Yaml => match yaml_read::read(&text) {
                Some(document) => document.map_err(|e| self.shape(e))?,
                None => {
                    return Read {
                        config: self.parse(&text)?,
                        text,
                    }
                    .state(self);
                }
            },
        };
        Ok(State {
            revision: revision_of(&text),
            lists: document.lists,
            verification: document.verification,
        })
    }

    /// A place in the configuration that cannot hold a hook list.
    fn shape(&self, error: Error) -> Error {
        match error {
            Error::RemoteDocument { pointer, problem } => {
                self.problem(format!("at `{pointer}`, {problem}; nothing was written"))
            }
            other => other,
        }
    }

    /// The configuration `text` holds. One verdict for every command: a YAML text is read by
    /// the reference ([`yaml_reference`]), which decides whether it is YAML and what it means,
    /// and then by the lossless editor that writes it, which must read the same, or the file is
    /// refused (whatever a plan reads, an apply can write). A JSON text is read by `serde_json`,
    /// which every JSON read goes through ([`read_json`] checks the same).
    fn parse(&self, text: &str) -> Result<Value, Error> {
        match self.format {
            Format::Json => serde_json::from_str(text).map_err(|e| self.problem(json_problem(&e))),
            Format::Yaml => {
                let config = yaml_reference::read(text)
                    .map_err(|e| self.problem(format!("it is not valid YAML: {e}")))?;
                let editor = |problem: String| {
                    self.problem(format!(
                        "it is valid YAML, but the editor that writes it cannot read it as a YAML \
                         parser does ({problem}); nothing was written: {EDITOR_TAKES}"
                    ))
                };
                let read = EditorText::read(text).map_err(editor)?;
                let value =
                    YamlValue::from_document(&read.document).map_err(|e| editor(e.to_string()))?;
                let edited = to_json(&value);
                if let Some(at) = first_difference(&config, &edited) {
                    return Err(editor(format!("it reads `{at}` differently")));
                }
                Ok(config)
            }
        }
    }

    /// The file's text with the lists of `writes` replaced ([`edit`]). `by_entry`: a block list
    /// that exists is edited entry by entry, as the plan says, so that entries that stay keep
    /// their text and comments; otherwise every list is written whole.
    fn edit(&self, text: &str, writes: &[ListWrite], by_entry: bool) -> Result<String, Error> {
        match self.format {
            Format::Json => edit::json(text, writes),
            Format::Yaml => edit::yaml(text, writes, by_entry),
        }
        .map_err(|problem| self.problem(problem))
    }

    /// The body a hook names by file path (`file://…` or a bare path), read where Kratos reads
    /// it (see [`paths`](super::paths)): only a Jsonnet template is returned, so a configuration cannot make a
    /// plan print other files.
    pub(crate) fn read_body(&self, reference: &str) -> Result<String, String> {
        self.paths.read_body(reference)
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
        let mut expected = current.config.clone();
        for write in writes {
            set_list(
                &mut expected,
                write.scope,
                Value::Array(write.values().to_vec()),
            );
        }
        // Entry by entry first, which keeps the comments of the entries that stay; the whole
        // list at once if that does not give exactly the expected configuration.
        let mut text = self.edit(&current.text, writes, true)?;
        let mut config = self.parse(&text)?;
        if config != expected {
            text = self.edit(&current.text, writes, false)?;
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
        let destination = std::fs::canonicalize(&self.path).unwrap_or_else(|_| self.path.clone());
        write_atomically(&destination, written.text.as_bytes(), |file, bytes| {
            file.write_all(bytes)
        })
        .map_err(|e| self.problem(format!("cannot write it (it is unchanged): {e}")))?;
        Ok(written)
    }
}

/// Why `serde_json` does not read a JSON configuration. Two of its refusals are limits on valid
/// JSON, said as such: a number beyond a 64-bit float (`1e400`, which Go's `encoding/json`,
/// Kratos's reader, refuses too) and nesting deeper than 127 levels (the bound every reader of a
/// configuration keeps, [`yaml_reference::MAX_DEPTH`] for YAML).
fn json_problem(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let at = format!("at line {} column {}", error.line(), error.column());
    if message.starts_with("number out of range") {
        format!(
            "it holds a number out of range {at} (beyond a 64-bit float, which Kratos's JSON \
             reader refuses too): write a smaller number, or a string"
        )
    } else if message.starts_with("recursion limit exceeded") {
        format!(
            "its arrays and objects nest deeper than {} levels {at}; a configuration may nest \
             at most {} levels",
            yaml_reference::MAX_DEPTH,
            yaml_reference::MAX_DEPTH
        )
    } else {
        format!("it is not valid JSON: {message}")
    }
}

/// What the lossless editor takes, for the message that refuses a file it does not.
const EDITOR_TAKES: &str = "write the configuration as one YAML document without directives \
     other than `%YAML 1.2`, with string keys and plain values";

/// The JSON pointer of the first place where `a` and `b` differ, if they do. The values are the
/// reference's (at most [`yaml_reference::MAX_DEPTH`] deep) and the editor's: the walk goes no
/// deeper than the shallower of the two.
fn first_difference(a: &Value, b: &Value) -> Option<String> {
    let mut pending = vec![(String::new(), a, b)];
    while let Some((at, a, b)) = pending.pop() {
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                let missing = a
                    .keys()
                    .find(|k| !b.contains_key(*k))
                    .or_else(|| b.keys().find(|k| !a.contains_key(*k)));
                if let Some(key) = missing {
                    return Some(format!("{at}/{}", escape(key)));
                }
                for (key, x) in a.iter().rev() {
                    if let Some(y) = b.get(key) {
                        pending.push((format!("{at}/{}", escape(key)), x, y));
                    }
                }
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                for (i, (x, y)) in a.iter().zip(b).enumerate().rev() {
                    pending.push((format!("{at}/{i}"), x, y));
                }
            }
            (a, b) if !a.is_array() && !a.is_object() && a == b => {}
            _ => return Some(if at.is_empty() { "/".into() } else { at }),
        }
    }
    None
}

/// A key as a JSON pointer segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
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

/// A revision id for the file's content, to notice a change between read and write.
fn revision_of(text: &str) -> String {
    // Fixed, so the same text gives the same id in every run.
    let hash = foldhash::quality::FixedState::default().hash_one(text);
    format!("{hash:016x}-{}", text.len())
}

#[cfg(test)]
mod tests;
