//! [`HookLists`]: the hook lists of one identity configuration, by scope, as every backend reads
//! them and the planner takes them.

use std::collections::BTreeMap;
use std::fmt;

use ory_actions_core::Scope;
use serde_json::Value;

use super::kind;
use crate::error::Error;

/// One entry of a hook list as a backend holds it, kept as its JSON text: a list of thousands of
/// hooks costs about its size in memory, not a value tree per entry, and an entry is decoded
/// when it is needed ([`StoredEntry::value`], [`StoredEntry::read`]). The text may hold
/// secrets: `Debug` shows its length only, and it is overwritten when dropped.
#[derive(Clone)]
pub(crate) struct StoredEntry(Box<str>);

impl StoredEntry {
    /// The entry `value`.
    pub(crate) fn new(value: &Value) -> Self {
        StoredEntry(
            serde_json::to_string(value)
                .expect("JSON values serialise")
                .into_boxed_str(),
        )
    }

    /// An entry from its JSON text, as a JSON writer wrote it.
    pub(crate) fn from_json_text(text: Vec<u8>) -> Self {
        let text = String::from_utf8(text).expect("JSON text is UTF-8");
        debug_assert!(serde_json::from_str::<Value>(&text).is_ok(), "{text}");
        StoredEntry(text.into_boxed_str())
    }

    /// An entry from its JSON text, as a JSON parser checked it.
    pub(super) fn from_raw(raw: Box<serde_json::value::RawValue>) -> Self {
        StoredEntry(raw.into())
    }

    /// The entry as a JSON value. Every entry is text that `serde_json` reads: each one comes
    /// out of a document `serde_json` read whole ([`read_json`](super::read_json) checks every
    /// string, number and level of the text first), out of a YAML document read within 127
    /// levels, or from a value `serde_json` wrote; and an entry sits below its document's top,
    /// so within `serde_json`'s nesting limit.
    pub(crate) fn value(&self) -> Value {
        serde_json::from_str(&self.0).expect("a stored entry is JSON")
    }

    /// What the entry is ([`Entry::read`](super::Entry::read)), read straight from the text
    /// when it has the common shape ([`WebHook::decode_text`](super::WebHook::decode_text)).
    pub(crate) fn read(&self) -> super::Entry {
        match super::WebHook::decode_text(&self.0) {
            Some(hook) => super::Entry::WebHook(Box::new(hook)),
            None => super::Entry::read(&self.value()),
        }
    }

    /// The entry's `hook`, when it is a string, without decoding the rest.
    pub(crate) fn hook(&self) -> Option<String> {
        #[derive(serde::Deserialize)]
        struct Hook<'a> {
            #[serde(borrow)]
            hook: Option<std::borrow::Cow<'a, str>>,
        }
        serde_json::from_str::<Hook<'_>>(&self.0)
            .ok()?
            .hook
            .map(std::borrow::Cow::into_owned)
    }

    /// The entry's `config.body`, when it is a string, without decoding the rest.
    pub(crate) fn body(&self) -> Option<String> {
        #[derive(serde::Deserialize)]
        struct Body<'a> {
            #[serde(borrow)]
            config: Option<Config<'a>>,
        }
        #[derive(serde::Deserialize)]
        struct Config<'a> {
            #[serde(borrow)]
            body: Option<std::borrow::Cow<'a, str>>,
        }
        serde_json::from_str::<Body<'_>>(&self.0)
            .ok()?
            .config?
            .body
            .map(std::borrow::Cow::into_owned)
    }
}

impl StoredEntry {
    /// Whether the entry's body names a template stored elsewhere (a link or a file): a
    /// `body` that is neither empty nor `base64://…`. Told from the text where it shows, else
    /// by decoding the `body` ([`StoredEntry::body`]).
    pub(crate) fn body_is_reference(&self) -> bool {
        let text = &*self.0;
        // Without a backslash every key is written as it is and no string holds a quote, so
        // each `"body"` followed by `:` is a key; when each of them holds `base64://…`, the
        // body (if the entry has one) is inline.
        if !text.contains('\\') {
            const SPACE: &[char] = &[' ', '\t', '\n', '\r'];
            const KEY: &str = "\"body\"";
            // Made once: a plan asks this of every stored entry.
            static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
                std::sync::LazyLock::new(|| memchr::memmem::Finder::new(KEY));
            let inline = FINDER.find_iter(text.as_bytes()).all(|at| {
                text[at + KEY.len()..]
                    .trim_start_matches(SPACE)
                    .strip_prefix(':')
                    .is_some_and(|value| value.trim_start_matches(SPACE).starts_with("\"base64://"))
            });
            if inline {
                return false;
            }
        }
        self.body()
            .is_some_and(|body| !body.is_empty() && !body.starts_with("base64://"))
    }
}

impl PartialEq for StoredEntry {
    /// Equal when they mean the same JSON, however they are laid out.
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || self.value() == other.value()
    }
}

impl fmt::Debug for StoredEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoredEntry({} bytes)", self.0.len())
    }
}

impl Drop for StoredEntry {
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        self.0.zeroize();
    }
}

/// The hook lists of one identity configuration, by scope. An absent list is not there.
/// `Debug` shows how long each list is, never its entries, which may hold secrets.
#[derive(Clone, Default, PartialEq)]
pub(crate) struct HookLists {
    lists: BTreeMap<Scope, Vec<StoredEntry>>,
}

impl std::fmt::Debug for HookLists {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.lists.iter().map(|(scope, list)| (scope, list.len())))
            .finish()
    }
}

impl HookLists {
    /// [`HookLists::take`] of a copy of `document`.
    #[cfg(test)]
    pub(crate) fn read(document: &Value, root: &str) -> Result<Self, Error> {
        Self::take(document.clone(), root)
    }

    /// Takes every hook list out of `document`, under `root`, the JSON pointer of the
    /// identity configuration in `document` (`""` when the document is the configuration
    /// itself). Error pointers name the place in `document`.
    ///
    /// A list that exists but is not an array, or a path through something that is not an
    /// object, is an error: nothing sensible can be written there.
    pub(crate) fn take(mut document: Value, root: &str) -> Result<Self, Error> {
        let mut lists = BTreeMap::new();
        for &scope in Scope::ALL {
            let pointer = format!("{root}{}", scope.config_pointer());
            if read_list(&document, &pointer)?.is_some()
                && let Some(Value::Array(list)) = document.pointer_mut(&pointer).map(Value::take)
            {
                lists.insert(scope, list.iter().map(StoredEntry::new).collect());
            }
        }
        Ok(HookLists { lists })
    }

    /// The lists `lists` (what a reader of a document's text found).
    pub(super) fn from_lists(lists: BTreeMap<Scope, Vec<StoredEntry>>) -> Self {
        HookLists { lists }
    }

    /// The list of `scope`, if there is one.
    pub(crate) fn get(&self, scope: Scope) -> Option<&Vec<StoredEntry>> {
        self.lists.get(&scope)
    }

    /// The entries of `scope`'s list; none when the list is absent.
    pub(crate) fn entries(&self, scope: Scope) -> &[StoredEntry] {
        self.get(scope).map(Vec::as_slice).unwrap_or_default()
    }

    /// The entries of `scope`'s list as JSON values; none when the list is absent.
    #[cfg(test)]
    pub(crate) fn values(&self, scope: Scope) -> Vec<Value> {
        self.entries(scope).iter().map(StoredEntry::value).collect()
    }

    /// The number of entries in the list of `scope` (0 when absent).
    #[cfg(test)]
    pub(crate) fn len(&self, scope: Scope) -> usize {
        self.get(scope).map_or(0, Vec::len)
    }

    /// Every list there is, in scope order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Scope, &Vec<StoredEntry>)> {
        self.lists.iter().map(|(scope, list)| (*scope, list))
    }
}

fn read_list<'a>(document: &'a Value, pointer: &str) -> Result<Option<&'a Vec<Value>>, Error> {
    let mut node = document;
    let mut walked = String::new();
    for segment in pointer.trim_start_matches('/').split('/') {
        let Value::Object(map) = node else {
            return Err(Error::RemoteDocument {
                pointer: walked,
                problem: format!("expected an object, found {}", kind(node)),
            });
        };
        walked.push('/');
        walked.push_str(segment);
        match map.get(segment) {
            Some(next) => node = next,
            None => return Ok(None),
        }
    }
    match node {
        Value::Array(list) => Ok(Some(list)),
        other => Err(Error::RemoteDocument {
            pointer: walked,
            problem: format!("a hook list must be an array, found {}", kind(other)),
        }),
    }
}

/// Whether the identity configuration under `root` in `document` enables verification
/// (`selfservice.flows.verification.enabled`; absent is false, Kratos's default).
pub(crate) fn verification_enabled(document: &Value, root: &str) -> bool {
    document
        .pointer(&format!("{root}/selfservice/flows/verification/enabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const PROJECT: &str = "/services/identity/config";

    #[test]
    fn lists_that_are_not_arrays_are_errors() {
        let doc = json!({"services": {"identity": {"config": {"selfservice": {"flows": {
            "login": {"before": {"hooks": {"oops": true}}}
        }}}}}});
        let err = HookLists::read(&doc, PROJECT).expect_err("an error");
        assert!(err.to_string().contains("login/before/hooks"), "{err}");
        let doc = json!({"services": {"identity": {"config": null}}});
        assert!(HookLists::read(&doc, PROJECT).is_err());
        let doc = json!({"services": {"identity": {"config": {}}}});
        let lists = HookLists::read(&doc, PROJECT).unwrap();
        assert_eq!(lists.len(Scope::LoginBefore), 0);
        let config = json!({"selfservice": {"flows": {"login": {"before": {"hooks": [1]}}}}});
        assert_eq!(
            HookLists::read(&config, "")
                .unwrap()
                .len(Scope::LoginBefore),
            1
        );
    }

    #[test]
    fn a_body_read_from_the_text_is_the_decoded_one() {
        let decoded = |entry: &StoredEntry| {
            entry
                .body()
                .is_some_and(|b| !b.is_empty() && !b.starts_with("base64://"))
        };
        for text in [
            r#"{"hook":"web_hook","config":{"url":"u","body":"base64://e30="}}"#,
            r#"{"hook":"web_hook","config":{"url":"u","body" : "base64://e30="}}"#,
            r#"{"hook":"web_hook","config":{"url":"u","body":"https://x/b.jsonnet"}}"#,
            r#"{"hook":"web_hook","config":{"url":"u","body":"file:///b.jsonnet"}}"#,
            r#"{"hook":"web_hook","config":{"url":"u","body":""}}"#,
            r#"{"hook":"web_hook","config":{"url":"u"}}"#,
            r#"{"hook":"web_hook","config":{"url":"u","body":null}}"#,
            r#"{"hook":"web_hook","config":{"url":"body","body":"https://x"}}"#,
            r#"{"hook":"web_hook","config":{"headers":{"body":"base64://x"},"body":"https://x"}}"#,
            r#"{"hook":"web_hook","config":{"bo\u0064y":"https://x"}}"#,
            r#"{"hook":"web_hook","config":{"body":"base64://e30=","body":"https://x"}}"#,
            r#"{"hook":"web_hook","config":{"body":"https:\/\/x"}}"#,
            r#"{"hook":"web_hook","config":{"body":"base64:\/\/x"}}"#,
            r#"{"hook":"session"}"#,
        ] {
            let entry = StoredEntry::from_json_text(text.as_bytes().to_vec());
            assert_eq!(entry.body_is_reference(), decoded(&entry), "{text}");
        }
    }
}
