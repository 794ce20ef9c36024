//! Editing the text of the file: replacing the hook lists of the writes and nothing else. In
//! YAML a list that exists is edited entry by entry, so the entries that stay keep their text and
//! comments; in JSON each list is replaced in place.

use std::str::FromStr;

use ory_actions_core::Scope;
use serde_json::Value;
use yaml_edit::path::YamlPath as _;
use yaml_edit::{Document, YamlValue};

use super::yaml_values::{list_node, to_yaml};
use super::{Format, KratosFile, yaml_path};
use crate::error::Error;
use crate::hooks::ListWrite;

impl KratosFile {
    /// The file's text with the lists of `writes` replaced. With `before` (the configuration
    /// as read), a block list that exists is edited entry by entry: entries that stay keep
    /// their text and comments; without it, every list is written whole.
    pub(super) fn edit(
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
            document
                .try_set_path(&path, list_node(&write.entries))
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
/// the entries that differ, from the end backwards so that indices stay valid. Inserted entries
/// are copied from `new` written as YAML.
fn edit_entries(sequence: &yaml_edit::Sequence, old: &[Value], new: &[Value]) {
    let written = list_node(new);
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
        for (offset, new_index) in new_range.enumerate() {
            let entry = written
                .get(new_index)
                .expect("the written list has every new entry");
            sequence.insert(old_index + offset, entry);
        }
    }
}
