//! The identity schemas a target lists (`identity.schemas` of its identity configuration): each
//! one's id and, where it can be read from here, its text. Bodies are checked against the
//! schemas a crate declares; `plan` compares those with these, and `identity-schemas pull`
//! writes these into the crate.

use base64::Engine as _;
use serde_json::Value;

use crate::error::Error;

/// The largest schema read: identity schemas are a few kilobytes.
pub(crate) const SCHEMA_LIMIT: usize = ory_actions_core::jsonnet::MAX_JSON_BYTES;

/// One identity schema a target lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TargetSchema {
    /// Its id (`default`, `customer`, `preset://email`, or the hash Ory Network gives a custom
    /// schema).
    pub(crate) id: String,
    /// Its text, or why it cannot be read from here.
    pub(crate) text: Result<String, String>,
}

/// `(id, url)` of each schema the identity configuration `config` lists under
/// `identity.schemas`; `pointer` is where `config` is in the document, for messages.
pub(crate) fn listed(
    config: &Value,
    pointer: &str,
) -> Result<Vec<(String, Option<String>)>, Error> {
    let at = format!("{pointer}/identity/schemas");
    let shape = |problem: &str| Error::RemoteDocument {
        pointer: at.clone(),
        problem: problem.to_owned(),
    };
    let Some(list) = config.pointer("/identity/schemas") else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| shape("expected a list of schemas"))?;
    list.iter()
        .map(|entry| {
            let id = entry
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| shape("a schema has no string `id`"))?;
            let url = entry.get("url").and_then(Value::as_str).map(str::to_owned);
            Ok((id.to_owned(), url))
        })
        .collect()
}

/// The text of a `base64://…` URL; `None` for another kind of URL.
pub(crate) fn base64_text(url: &str) -> Option<Result<String, String>> {
    let encoded = url.strip_prefix("base64://")?;
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let bytes = engines
        .iter()
        .find_map(|engine| engine.decode(encoded.trim()).ok());
    Some(match bytes {
        None => Err("its `base64://` URL is not base64".to_owned()),
        Some(bytes) if bytes.len() > SCHEMA_LIMIT => {
            Err(format!("it is larger than {SCHEMA_LIMIT} bytes"))
        }
        Some(bytes) => String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{base64_text, listed};

    #[test]
    fn lists_and_decodes() {
        let config = json!({"identity": {"schemas": [
            {"id": "default", "url": "base64://eyJhIjogMX0="},
            {"id": "hash"},
        ]}});
        assert_eq!(
            listed(&config, "/services/identity/config").unwrap(),
            [
                (
                    "default".to_owned(),
                    Some("base64://eyJhIjogMX0=".to_owned())
                ),
                ("hash".to_owned(), None)
            ]
        );
        assert_eq!(listed(&json!({}), "").unwrap(), []);
        let error = listed(&json!({"identity": {"schemas": [{"url": "x"}]}}), "").unwrap_err();
        assert!(error.to_string().contains("/identity/schemas"), "{error}");
        assert_eq!(
            base64_text("base64://eyJhIjogMX0="),
            Some(Ok("{\"a\": 1}".to_owned()))
        );
        assert_eq!(
            base64_text("base64://eyJhIjogMX0"),
            Some(Ok("{\"a\": 1}".to_owned()))
        );
        assert!(base64_text("base64://%%%").unwrap().is_err());
        assert_eq!(base64_text("https://x"), None);
    }
}
