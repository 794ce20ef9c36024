//! JSON Patch as Ory applies it (`ory/x` `jsonx.ApplyJSONPatch`): only `add`, `remove` and
//! `replace`; `replace` on a path that does not end in an array index acts as `add`; `add`
//! creates missing parents; the operations run in order on a copy, and any failure rejects all.

use serde_json::{Map, Value};

/// Applies `operations` to a copy of `document`; the patched copy, or why the patch was refused.
pub(crate) fn apply(document: &Value, operations: &Value) -> Result<Value, String> {
    let operations = operations
        .as_array()
        .ok_or("the request body must be a JSON array of patch operations")?;
    let mut patched = document.clone();
    for (index, operation) in operations.iter().enumerate() {
        apply_one(&mut patched, operation).map_err(|e| format!("operation {index}: {e}"))?;
    }
    Ok(patched)
}

fn apply_one(document: &mut Value, operation: &Value) -> Result<(), String> {
    let op = operation
        .get("op")
        .and_then(Value::as_str)
        .ok_or("missing `op`")?;
    let path = operation
        .get("path")
        .and_then(Value::as_str)
        .ok_or("missing `path`")?;
    let segments = parse_pointer(path)?;
    match op {
        "add" | "replace" => {
            let value = operation
                .get("value")
                .ok_or_else(|| format!("`{op}` needs a `value`"))?
                .clone();
            let element_access = segments
                .last()
                .is_some_and(|s| s == "-" || s.parse::<usize>().is_ok());
            if op == "replace" && element_access {
                replace_element(document, &segments, value)
            } else {
                add(document, &segments, value)
            }
        }
        "remove" => remove(document, &segments),
        other => Err(format!("unsupported operation: {other}")),
    }
}

fn parse_pointer(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| format!("`{path}` is not a JSON pointer"))?;
    Ok(rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// How far past the end of an array an `add` may pad with nulls (a bound Ory surely has too).
const MAX_PADDING: usize = 1000;

fn is_index(segment: &str) -> bool {
    segment == "-" || segment.parse::<usize>().is_ok()
}

/// `add`, creating missing parents: an array when the next segment is an index, else an object.
fn add(document: &mut Value, segments: &[String], value: Value) -> Result<(), String> {
    let Some((last, parents)) = segments.split_last() else {
        *document = value;
        return Ok(());
    };
    let mut node = document;
    for (i, segment) in parents.iter().enumerate() {
        let next_is_index = is_index(&segments[i + 1]);
        let fresh = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        node = match node {
            Value::Object(map) => map.entry(segment.clone()).or_insert_with(fresh),
            Value::Array(list) => {
                let index = if segment == "-" {
                    list.len()
                } else {
                    segment
                        .parse::<usize>()
                        .map_err(|_| format!("`{segment}` is not an array index"))?
                };
                if index > list.len() + MAX_PADDING {
                    return Err(format!("index {index} is far past the end of the array"));
                }
                while list.len() <= index {
                    list.push(Value::Null);
                }
                if list[index].is_null() {
                    list[index] = fresh();
                }
                &mut list[index]
            }
            Value::Null => {
                *node = fresh();
                match node {
                    Value::Object(map) => map.entry(segment.clone()).or_insert_with(fresh),
                    _ => return Err(format!("cannot create `{segment}` in an array")),
                }
            }
            _ => return Err(format!("cannot add below `{segment}`: not a container")),
        };
    }
    match node {
        Value::Object(map) => {
            map.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(list) => {
            if last == "-" {
                list.push(value);
                return Ok(());
            }
            let index: usize = last
                .parse()
                .map_err(|_| format!("`{last}` is not an array index"))?;
            if index > list.len() {
                return Err(format!("index {index} is past the end of the array"));
            }
            list.insert(index, value);
            Ok(())
        }
        _ => Err(format!(
            "cannot add `{last}`: the parent is not a container"
        )),
    }
}

fn replace_element(document: &mut Value, segments: &[String], value: Value) -> Result<(), String> {
    let backend = lookup(document, segments).ok_or("replace: the element does not exist")?;
    *backend = value;
    Ok(())
}

fn remove(document: &mut Value, segments: &[String]) -> Result<(), String> {
    let (last, parents) = segments
        .split_last()
        .ok_or("cannot remove the whole document")?;
    let parent = lookup(document, parents).ok_or("remove: the path does not exist")?;
    match parent {
        Value::Object(map) => map
            .remove(last)
            .map(|_| ())
            .ok_or_else(|| "remove: the path does not exist".into()),
        Value::Array(list) => {
            let index: usize = last
                .parse()
                .map_err(|_| format!("`{last}` is not an array index"))?;
            if index >= list.len() {
                return Err("remove: the path does not exist".into());
            }
            list.remove(index);
            Ok(())
        }
        _ => Err("remove: the path does not exist".into()),
    }
}

fn lookup<'a>(document: &'a mut Value, segments: &[String]) -> Option<&'a mut Value> {
    let mut node = document;
    for segment in segments {
        node = match node {
            Value::Object(map) => map.get_mut(segment)?,
            Value::Array(list) => list.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::apply;

    #[test]
    fn replace_on_a_missing_list_creates_its_parents() {
        let doc = json!({"a": {}});
        let patched = apply(
            &doc,
            &json!([{"op": "replace", "path": "/a/b/c/hooks", "value": [1]}]),
        )
        .unwrap();
        assert_eq!(patched, json!({"a": {"b": {"c": {"hooks": [1]}}}}));
    }

    #[test]
    fn element_replace_and_remove_need_the_element() {
        let doc = json!({"l": [1, 2]});
        assert_eq!(
            apply(
                &doc,
                &json!([{"op": "replace", "path": "/l/1", "value": 9}])
            )
            .unwrap(),
            json!({"l": [1, 9]})
        );
        assert!(
            apply(
                &doc,
                &json!([{"op": "replace", "path": "/l/5", "value": 9}])
            )
            .is_err()
        );
        assert!(apply(&doc, &json!([{"op": "remove", "path": "/l/5"}])).is_err());
        assert_eq!(
            apply(&doc, &json!([{"op": "add", "path": "/l/-", "value": 3}, {"op": "add", "path": "/l/0", "value": 0}])).unwrap(),
            json!({"l": [0, 1, 2, 3]})
        );
    }

    #[test]
    fn only_add_remove_and_replace_and_all_or_nothing() {
        let doc = json!({"a": 1});
        let err = apply(&doc, &json!([{"op": "test", "path": "/a", "value": 1}])).unwrap_err();
        assert!(err.contains("unsupported operation: test"), "{err}");
        assert!(
            apply(
                &doc,
                &json!([{"op": "add", "path": "/b", "value": 2}, {"op": "remove", "path": "/zz"}])
            )
            .is_err()
        );
        assert!(apply(&doc, &json!({"op": "add"})).is_err());
        assert!(
            apply(
                &json!({}),
                &json!([{"op": "add", "path": "/a/999999999/b", "value": 1}])
            )
            .is_err()
        );
    }
}
