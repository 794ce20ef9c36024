//! Between the YAML editor's values and JSON values: a YAML configuration read as JSON, and the
//! JSON entries of a hook list turned into the YAML written for them, laid out as a person
//! writes it (block mappings, keys in [`key_order`](super::key_order)).

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};
use yaml_edit::{MappingBuilder, ScalarType, SequenceBuilder, YamlValue};

use super::key_order::{EntryPath, child_path, in_written_order};

/// A YAML value as JSON: scalars by their YAML type; mapping keys by their string form.
pub(super) fn to_json(value: &YamlValue) -> Value {
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

/// A JSON value as a YAML value. The builders below take scalars from it; a mapping made here
/// would have its keys sorted, so objects go through [`mapping`] instead.
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

/// A hook list as YAML: a block sequence of block mappings, each entry's keys in the order a
/// person writes them (`- hook: web_hook`, then `config:` with `url:` first). An empty list is
/// `[]`. (`YamlValue::OrderedMapping` would keep an order too, but it writes a `!!omap` tag.)
pub(super) fn list_node(entries: &[Value]) -> yaml_edit::Sequence {
    sequence(entries, Some(&[]))
}

/// `items` as a sequence; objects among them sit at `item_path`.
fn sequence(items: &[Value], item_path: EntryPath<'_>) -> yaml_edit::Sequence {
    let builder = items
        .iter()
        .fold(SequenceBuilder::new(), |builder, item| match item {
            Value::Object(object) => builder.item(mapping(object, item_path)),
            Value::Array(items) => builder.item(sequence(items, None)),
            scalar => builder.item(to_yaml(scalar)),
        });
    builder
        .build_document()
        .as_sequence()
        .expect("a built sequence is a sequence")
}

/// `object`, at `path`, as a mapping with its keys in written order.
fn mapping(object: &Map<String, Value>, path: EntryPath<'_>) -> yaml_edit::Mapping {
    let builder = in_written_order(object, path).into_iter().fold(
        MappingBuilder::new(),
        |builder, (key, value)| match value {
            Value::Object(object) => {
                builder.pair(key, mapping(object, child_path(path, key).as_deref()))
            }
            Value::Array(items) => builder.pair(key, sequence(items, None)),
            scalar => builder.pair(key, to_yaml(scalar)),
        },
    );
    builder
        .build_document()
        .as_mapping()
        .expect("a built mapping is a mapping")
}
