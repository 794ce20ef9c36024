//! Editing the text of the file: replacing the hook lists of the writes and nothing else. In
//! YAML a list that exists is edited entry by entry, so the entries that stay keep their text and
//! comments, and a list that is not there is added by the YAML editor; a JSON text is edited by
//! [`json_text`]. What goes wrong is said as a problem with the file, for
//! [`KratosFile`](super::KratosFile) to name the file in.

use std::str::FromStr;

use ory_actions_core::Scope;
use serde_json::Value;
use yaml_edit::path::YamlPath as _;
use yaml_edit::{Document, YamlFile};

use super::json_text;
use super::yaml_values::list_node;
use crate::hooks::{EntryEdit, ListWrite};

/// The YAML `text` with the lists of `writes` replaced. `by_entry`: a block list that exists is
/// edited entry by entry, as the plan says ([`ListWrite::edits`]), so that entries that stay
/// keep their text and comments; otherwise every list is written whole.
pub(super) fn yaml(text: &str, writes: &[ListWrite], by_entry: bool) -> Result<String, String> {
    let editor = EditorText::read(text).map_err(|e| format!("it is not valid YAML: {e}"))?;
    let document = &editor.document;
    for write in writes {
        let path = yaml_path(write.scope);
        let sequence = document
            .try_get_path(&path)
            .ok()
            .and_then(|node| node.as_sequence().cloned())
            .filter(|sequence| !sequence.is_flow_style() && !sequence.is_empty());
        if let Some(sequence) = sequence
            .filter(|sequence| by_entry && write.existed() && sequence.len() == write.len_before())
        {
            edit_entries(&sequence, write);
            continue;
        }
        document
            .try_set_path(&path, list_node(&write.values()))
            .map_err(|e| format!("cannot set `{path}`: {e}"))?;
    }
    let mut edited = editor.render();
    if text.ends_with('\n') && !edited.ends_with('\n') {
        edited.push('\n');
    }
    Ok(edited)
}

/// The JSON `text` with each list of `writes` replaced where it is, or added with any objects
/// above it that are missing, in the file's own style ([`json_text`]).
pub(super) fn json(text: &str, writes: &[ListWrite]) -> Result<String, String> {
    let style = json_text::Style::of(text);
    let mut edited = text.to_owned();
    for write in writes {
        let path = yaml_path(write.scope);
        let segments: Vec<&str> = path.split('.').collect();
        edited =
            json_text::set_list(&edited, &segments, &write.values(), &style).ok_or_else(|| {
                format!(
                    "cannot set `{path}`: the file does not have objects all the way down to it"
                )
            })?;
    }
    if serde_json::from_str::<Value>(&edited).is_err() {
        return Err(
            "editing it would not leave valid JSON; nothing was written (add the hook \
                    list to the file by hand, or convert it to YAML)"
                .to_owned(),
        );
    }
    Ok(edited)
}

/// `selfservice.flows.login.after.password.hooks`: the path of a hook list inside the config.
pub(super) fn yaml_path(scope: Scope) -> String {
    scope
        .config_pointer()
        .trim_start_matches('/')
        .replace('/', ".")
}

/// A YAML text as the lossless editor reads it: its one document, and the stream around it when
/// that holds more than the document. Comments before `---` (a licence header) and a
/// `%YAML 1.2` directive belong to the stream, not to the document (YAML 1.2), so the editor's
/// `Document` refuses them; such a text is read as a `YamlFile`, whose document is edited in
/// place and which is written whole, so that they stay as they were.
pub(super) struct EditorText {
    /// The stream, when it holds more than the document.
    file: Option<YamlFile>,
    pub(super) document: Document,
}

impl EditorText {
    /// `text` as the editor reads it, or why it does not. Around the document, the stream may
    /// hold only blank lines, comments, document markers and a `%YAML 1.2` directive: other
    /// directives (`%TAG`, `%YAML 1.1`, which changes what scalars mean) and anything else are
    /// refused.
    pub(super) fn read(text: &str) -> Result<EditorText, String> {
        let stream_level = match Document::from_str(text) {
            Ok(document) => {
                return Ok(EditorText {
                    file: None,
                    document,
                });
            }
            Err(yaml_edit::YamlError::InvalidOperation { reason, .. })
                if reason.contains("outside the document") =>
            {
                reason
            }
            Err(e) => return Err(e.to_string()),
        };
        let file = YamlFile::from_str(text).map_err(|e| e.to_string())?;
        let mut documents = file.documents();
        let (Some(document), None) = (documents.next(), documents.next()) else {
            return Err(stream_level);
        };
        let range = document.byte_range();
        let (start, end) = (range.start as usize, range.end as usize);
        let outside = [text.get(..start), text.get(end..)];
        for part in outside {
            let Some(part) = part else {
                return Err(stream_level);
            };
            for line in part.lines() {
                let line = line.trim_matches([' ', '\t', '\r', '\u{feff}']);
                let word = line.split([' ', '\t']).next().unwrap_or("");
                let ok = match word {
                    "" | "---" | "..." => true,
                    _ if word.starts_with('#') => true,
                    "%YAML" => line
                        .strip_prefix("%YAML")
                        .map(|rest| rest.trim_start_matches([' ', '\t']))
                        .is_some_and(|rest| {
                            rest == "1.2" || rest.starts_with("1.2 ") || rest.starts_with("1.2\t")
                        }),
                    _ => false,
                };
                if !ok {
                    return Err(format!(
                        "{stream_level} (`{line}`: only comments and `%YAML 1.2` may stand outside \
                         the document)"
                    ));
                }
            }
        }
        Ok(EditorText {
            file: Some(file),
            document,
        })
    }

    /// The text, as edited.
    pub(super) fn render(&self) -> String {
        match &self.file {
            Some(file) => file.to_string(),
            None => self.document.to_string(),
        }
    }
}

/// Takes the steps of `write` ([`ListWrite::edits`]) on `sequence`, which holds the list as
/// read: from the end backwards so that indices stay valid. Inserted entries are written as YAML.
fn edit_entries(sequence: &yaml_edit::Sequence, write: &ListWrite) {
    let written = list_node(&write.values());
    for EntryEdit { at, removed, added } in write.edits() {
        for _ in 0..removed {
            sequence.remove(at);
        }
        for (offset, new_index) in added.enumerate() {
            let entry = written
                .get(new_index)
                .expect("the written list has every new entry");
            sequence.insert(at + offset, entry);
        }
    }
}
