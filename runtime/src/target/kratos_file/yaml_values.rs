//! Between the YAML editor's values and JSON values: a YAML configuration read as JSON, and the
//! JSON entries of a hook list turned into YAML to write.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};
use yaml_edit::{ScalarType, YamlValue};

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

/// A JSON value as YAML, for the lists written.
pub(super) fn to_yaml(value: &Value) -> YamlValue {
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
