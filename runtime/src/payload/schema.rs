//! Sample traits made from an identity JSON schema (the schema Kratos validates `traits`
//! against: `properties.traits` of the identity schema).

use serde_json::{Map, Value, json};

/// How deep nested objects and arrays are followed; deeper values are left out.
const DEPTH: usize = 16;

/// Sample traits for the identity schema `schema`.
pub(super) fn sample_traits(schema: &Value) -> Result<Value, String> {
    let traits = schema.pointer("/properties/traits").ok_or(
        "it has no `properties.traits`: an identity schema describes the identity's traits there",
    )?;
    let traits = resolve(schema, traits, 0)?;
    if !is_object_schema(traits) {
        return Err("its `properties.traits` is not an object schema".into());
    }
    Ok(sample(schema, traits, "traits", 0)?.unwrap_or_else(|| json!({})))
}

fn is_object_schema(schema: &Value) -> bool {
    schema.get("properties").is_some() || types(schema).contains(&"object")
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Follows a local `$ref` (`#/definitions/name`, `#/$defs/name`).
fn resolve<'a>(root: &'a Value, schema: &'a Value, depth: usize) -> Result<&'a Value, String> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) if depth < DEPTH => {
            let pointer = reference.strip_prefix('#').ok_or_else(|| {
                format!("`$ref: {reference}` points outside the schema, which is not followed")
            })?;
            let backend = root
                .pointer(pointer)
                .ok_or_else(|| format!("`$ref: {reference}` points at nothing"))?;
            resolve(root, backend, depth + 1)
        }
        _ => Ok(schema),
    }
}

/// A value for `schema`, or `None` where nothing sensible can be made (too deep, `false`).
fn sample(root: &Value, schema: &Value, name: &str, depth: usize) -> Result<Option<Value>, String> {
    if depth > DEPTH {
        return Ok(None);
    }
    let schema = resolve(root, schema, depth)?;
    if let Some(value) = schema.get("const").or_else(|| schema.get("default")) {
        return Ok(Some(value.clone()));
    }
    if let Some(Value::Array(values)) = schema.get("enum")
        && let Some(first) = values.first()
    {
        return Ok(Some(first.clone()));
    }
    for combined in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(options)) = schema.get(combined)
            && let Some(first) = options.first()
            && schema.get("type").is_none()
            && schema.get("properties").is_none()
        {
            return sample(root, first, name, depth + 1);
        }
    }
    let kinds = types(schema);
    let kind = if schema.get("properties").is_some() {
        "object"
    } else {
        kinds
            .iter()
            .copied()
            .find(|k| *k != "null")
            .unwrap_or("string")
    };
    Ok(Some(match kind {
        "object" => {
            let mut object = Map::new();
            if let Some(Value::Object(properties)) = schema.get("properties") {
                for (key, property) in properties {
                    if let Some(value) = sample(root, property, key, depth + 1)? {
                        object.insert(key.clone(), value);
                    }
                }
            }
            Value::Object(object)
        }
        "array" => match schema.get("items") {
            Some(items) => match sample(root, items, name, depth + 1)? {
                Some(item) => json!([item]),
                None => json!([]),
            },
            None => json!([]),
        },
        "integer" => json!(number(schema).round() as i64),
        "number" => json!(number(schema)),
        "boolean" => json!(false),
        _ => json!(string(schema, name)),
    }))
}

fn number(schema: &Value) -> f64 {
    schema
        .get("minimum")
        .or_else(|| schema.get("exclusiveMinimum"))
        .and_then(Value::as_f64)
        .map_or(1.0, |min| min.max(1.0))
}

fn string(schema: &Value, name: &str) -> String {
    let text = match schema.get("format").and_then(Value::as_str) {
        Some("email" | "idn-email") => "jane.doe@example.com".to_owned(),
        Some("uri" | "url" | "iri") => "https://example.com/".to_owned(),
        Some("date") => "2000-01-31".to_owned(),
        Some("date-time") => "2026-01-01T12:00:00Z".to_owned(),
        Some("tel") => "+15555550100".to_owned(),
        Some("uuid") => "6f3b2a1c-9d8e-4f7a-b6c5-0e1d2c3b4a59".to_owned(),
        _ if schema.pointer("/ory.sh~1kratos/credentials/password/identifier")
            == Some(&json!(true))
            && name.contains("mail") =>
        {
            "jane.doe@example.com".to_owned()
        }
        _ => format!("sample {name}"),
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let mut text = text;
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = max {
        text = text.chars().take(max).collect();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kratos_s_quickstart_schema_gives_email_and_name() {
        let schema = json!({
            "$id": "https://schemas.ory.sh/presets/kratos/quickstart/email-password/identity.schema.json",
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "Person",
            "type": "object",
            "properties": {
                "traits": {
                    "type": "object",
                    "properties": {
                        "email": {
                            "type": "string",
                            "format": "email",
                            "title": "E-Mail",
                            "minLength": 3,
                            "ory.sh/kratos": {
                                "credentials": { "password": { "identifier": true } },
                                "verification": { "via": "email" },
                                "recovery": { "via": "email" }
                            }
                        },
                        "name": {
                            "type": "object",
                            "properties": {
                                "first": { "title": "First Name", "type": "string" },
                                "last": { "title": "Last Name", "type": "string" }
                            }
                        },
                        "newsletter": { "type": "boolean" },
                        "age": { "type": "integer", "minimum": 18 },
                        "tier": { "type": "string", "enum": ["free", "pro"] },
                        "tags": { "type": "array", "items": { "type": "string" } },
                        "phone": { "$ref": "#/definitions/phone" }
                    },
                    "required": ["email"],
                    "additionalProperties": false
                }
            },
            "definitions": { "phone": { "type": "string", "format": "tel" } }
        });
        assert_eq!(
            sample_traits(&schema).unwrap(),
            json!({
                "email": "jane.doe@example.com",
                "name": { "first": "sample first", "last": "sample last" },
                "newsletter": false,
                "age": 18,
                "tier": "free",
                "tags": ["sample tags"],
                "phone": "+15555550100"
            })
        );
    }

    #[test]
    fn a_schema_without_traits_is_an_error() {
        assert!(
            sample_traits(&json!({ "type": "object" }))
                .unwrap_err()
                .contains("properties.traits")
        );
        assert!(
            sample_traits(&json!({ "properties": { "traits": { "$ref": "other.json#/x" } } }))
                .unwrap_err()
                .contains("outside the schema")
        );
        let looping = json!({
            "properties": { "traits": { "$ref": "#/definitions/a" } },
            "definitions": { "a": { "type": "object", "properties": { "self": { "$ref": "#/definitions/a" } } } }
        });
        assert!(sample_traits(&looping).is_ok());
    }
}
