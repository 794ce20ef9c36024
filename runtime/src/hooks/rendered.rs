//! What rendering gives: the hook entries an action puts into each of its hook lists
//! ([`RenderedHook`]), and what a declared hook means before it is written ([`Declared`]).
//! Rendering itself is the action's (`action/render.rs`).

use std::collections::BTreeSet;
use std::fmt;

use ory_actions_core::Scope;
use serde_json::Value;

use super::entry::{REDACTED, SecretHeaders, WebHook, for_each_secret};

/// What to do with secret values when rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secrets {
    /// Put `(sensitive)` where a secret goes; for showing entries to people.
    Redacted,
    /// Read every secret from its source; for writing entries to Ory.
    Resolved,
}

/// One hook entry and the hook list it belongs in.
///
/// `Debug` and `Display` never show secret values, even of an entry rendered with
/// [`Secrets::Resolved`].
#[derive(Clone, PartialEq)]
pub struct RenderedHook {
    pub(crate) scope: Scope,
    pub(crate) entry: Value,
    /// What the entry means.
    pub(crate) hook: WebHook,
    /// The names of the headers whose values are secrets.
    pub(crate) secret_headers: BTreeSet<String>,
}

impl RenderedHook {
    /// The hook list.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The JSON pointer of the hook list in the project document.
    pub fn pointer(&self) -> &'static str {
        self.scope.pointer()
    }

    /// The entry, `{"hook":"web_hook","config":{…}}`, as it goes into the list.
    pub fn entry(&self) -> &Value {
        &self.entry
    }

    /// The entry with every secret value replaced by `(sensitive)`.
    pub fn redacted_entry(&self) -> Value {
        let mut entry = self.entry.clone();
        for_each_secret(
            &mut entry,
            SecretHeaders::Only(&self.secret_headers),
            |secret| *secret = REDACTED.into(),
        );
        entry
    }
}

/// Overwrites the secret values of a hook entry in memory (auth values and every header value),
/// so that they do not outlive their use.
pub(crate) fn wipe(entry: &mut Value) {
    use zeroize::Zeroize as _;
    for_each_secret(entry, SecretHeaders::All, |secret| secret.zeroize());
}

impl Drop for RenderedHook {
    fn drop(&mut self) {
        wipe(&mut self.entry);
    }
}

impl fmt::Debug for RenderedHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RenderedHook")
            .field("pointer", &self.pointer())
            .field("entry", &self.redacted_entry())
            .finish()
    }
}

impl fmt::Display for RenderedHook {
    /// The pointer, then the entry as pretty JSON with secrets redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pretty =
            serde_json::to_string_pretty(&self.redacted_entry()).map_err(|_| fmt::Error)?;
        write!(f, "{}\n{pretty}", self.pointer())
    }
}

/// What a declared hook means, before it is written for a platform.
#[derive(Debug, PartialEq)]
pub(crate) struct Declared {
    /// The hook; its secrets are wiped when it is dropped.
    pub(crate) hook: WebHook,
    /// The names of the headers whose values are secrets.
    pub(crate) secret_headers: BTreeSet<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wipe_overwrites_every_secret_and_nothing_else() {
        let mut entry = serde_json::json!({"hook": "web_hook", "config": {
            "url": "https://hooks.example/x", "method": "POST",
            "auth": {"type": "api_key", "config": {"name": "X-Key", "value": "k3y", "in": "header"}},
            "headers": {"X-Plain": "visible", "Authorization": "Bearer t0ken"},
        }});
        wipe(&mut entry);
        assert_eq!(entry["config"]["auth"]["config"]["value"], "");
        assert_eq!(entry["config"]["auth"]["config"]["name"], "X-Key");
        // An entry of unknown origin may carry a credential in any header.
        assert_eq!(entry["config"]["headers"]["X-Plain"], "");
        assert_eq!(entry["config"]["headers"]["Authorization"], "");
        assert_eq!(entry["config"]["url"], "https://hooks.example/x");
        let mut basic = serde_json::json!({"hook": "web_hook", "config": {
            "url": "https://hooks.example/x",
            "auth": {"type": "basic_auth", "config": {"user": "ory", "password": "pa55"}},
        }});
        wipe(&mut basic);
        assert_eq!(basic["config"]["auth"]["config"]["password"], "");
        assert_eq!(basic["config"]["auth"]["config"]["user"], "ory");
        let mut odd = serde_json::json!({"hook": "session", "config": 3});
        wipe(&mut odd);
        assert_eq!(odd, serde_json::json!({"hook": "session", "config": 3}));
    }
}
