//! The order the keys of a written entry come in: the order a person writes them
//! ([`entry_key_order`]), whatever order the entry's JSON object holds them in. YAML and JSON
//! are written in the same order.

use ory_actions_core::fields::written_order;
use serde_json::{Map, Value};

/// The order a person writes the keys of a hook entry in, at the object reached by `path` (the
/// keys from the entry down: `[]` is the entry, `["config"]` its config, `["config", "auth"]`
/// the auth object): `hook` before `config`; in a config and its `response`, the order of the
/// table of fields ([`ory_actions_core::fields::FIELDS`]); `type` before `config` in `auth`.
/// `None` where no order is preferred (header names, unknown objects). Keys a level does not
/// list go after the listed ones.
fn entry_key_order(path: &[&str]) -> Option<Vec<&'static str>> {
    match path {
        [] => Some(vec!["hook", "config"]),
        ["config", "auth"] => Some(vec!["type", "config"]),
        ["config", "auth", "config"] => Some(vec!["name", "value", "in", "user", "password"]),
        ["config", within @ ..] => Some(written_order(within)).filter(|keys| !keys.is_empty()),
        _ => None,
    }
}

/// Where an object sits: inside a hook entry, by the keys from the entry down (`[]` is the entry
/// itself), or outside any entry (`None`), where keys keep the order they have.
pub(super) type EntryPath<'a> = Option<&'a [&'a str]>;

/// The fields of `object`, at `path`, in the order a person writes them: the keys the level
/// lists first, in that order, then the others in the order `object` has them.
pub(super) fn in_written_order<'a>(
    object: &'a Map<String, Value>,
    path: EntryPath<'_>,
) -> Vec<(&'a str, &'a Value)> {
    let order = path.and_then(entry_key_order).unwrap_or_default();
    let listed = order
        .iter()
        .filter_map(|key| object.get_key_value(*key))
        .map(|(key, value)| (key.as_str(), value));
    let others = object
        .iter()
        .filter(|(key, _)| !order.contains(&key.as_str()))
        .map(|(key, value)| (key.as_str(), value));
    listed.chain(others).collect()
}

/// The path of the object under `key` of the object at `path`.
pub(super) fn child_path<'a>(path: EntryPath<'a>, key: &'a str) -> Option<Vec<&'a str>> {
    path.map(|path| path.iter().copied().chain([key]).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn keys(value: &Value, path: EntryPath<'_>) -> Vec<String> {
        in_written_order(value.as_object().unwrap(), path)
            .into_iter()
            .map(|(key, _)| key.to_owned())
            .collect()
    }

    #[test]
    fn entries_come_in_the_order_a_person_writes_them() {
        let entry = json!({"config": {}, "hook": "web_hook", "extra": 1});
        assert_eq!(keys(&entry, Some(&[])), ["hook", "config", "extra"]);
        let config = json!({"body": "b", "can_interrupt": false, "method": "POST",
            "response": {}, "url": "u", "auth": {}, "id": "i", "x-unknown": 1});
        assert_eq!(
            keys(&config, Some(&["config"])),
            [
                "url",
                "method",
                "body",
                "auth",
                "response",
                "can_interrupt",
                "id",
                "x-unknown"
            ]
        );
        let auth = json!({"config": {}, "type": "api_key"});
        assert_eq!(keys(&auth, Some(&["config", "auth"])), ["type", "config"]);
    }

    #[test]
    fn objects_without_an_order_keep_theirs() {
        let headers = json!({"X-B": "b", "X-A": "a"});
        let expected: Vec<String> = headers.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys(&headers, Some(&["config", "headers"])), expected);
        let outside = json!({"url": "u", "hook": "h"});
        let expected: Vec<String> = outside.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys(&outside, None), expected);
    }
}
