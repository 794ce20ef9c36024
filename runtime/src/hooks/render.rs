//! The hook entries Kratos expects for an action, and where they go.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ory_actions_core::Scope;
use serde_json::{Map, Value, json};

use crate::action::{Action, Auth, HeaderValue};
use crate::error::Error;

/// What to do with secret values when rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secrets {
    /// Put `(sensitive)` where a secret goes; for showing entries to people.
    Redacted,
    /// Read every secret from its source; for writing entries to Ory.
    Resolved,
}

/// What stands in place of a secret whenever an entry is shown.
pub const REDACTED: &str = "(sensitive)";

/// One hook entry and the hook list it belongs in.
///
/// `Debug` and `Display` never show secret values, even of an entry rendered with
/// [`Secrets::Resolved`].
#[derive(Clone, PartialEq)]
pub struct RenderedHook {
    pub(crate) scope: Scope,
    pub(crate) entry: Value,
    /// JSON pointers (within `entry`) of the values that are secrets.
    pub(crate) secrets: Vec<String>,
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
        for pointer in &self.secrets {
            if let Some(secret) = entry.pointer_mut(pointer) {
                *secret = Value::String(REDACTED.into());
            }
        }
        entry
    }
}

/// Overwrites the secret values of a hook entry in memory (auth values and every header value),
/// so that they do not outlive their use.
pub(crate) fn wipe(entry: &mut Value) {
    use zeroize::Zeroize as _;
    if let Some(auth) = entry.pointer_mut("/config/auth/config") {
        for key in ["value", "password"] {
            if let Some(Value::String(secret)) = auth.get_mut(key) {
                secret.zeroize();
            }
        }
    }
    if let Some(Value::Object(headers)) = entry.pointer_mut("/config/headers") {
        for value in headers.values_mut() {
            if let Value::String(secret) = value {
                secret.zeroize();
            }
        }
    }
}

impl Drop for RenderedHook {
    fn drop(&mut self) {
        wipe(&mut self.entry);
    }
}

/// Escapes a key for use in a JSON pointer.
pub(crate) fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
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

impl Action {
    /// The entry for each hook list of this action, in the order of [`Action::scopes`].
    ///
    /// The body goes in as `base64://…` of the Jsonnet source, and every field is written out,
    /// defaults included, as Ory Network stores them. With [`Secrets::Resolved`] secret values
    /// are read from their sources, which fails when a variable or file is missing.
    pub fn render(&self, secrets: Secrets) -> Result<Vec<RenderedHook>, Error> {
        let mut config = Map::new();
        config.insert("url".into(), self.url().into());
        config.insert("method".into(), self.method().as_str().into());
        if let Some(body) = self.body() {
            let encoded = STANDARD.encode(body.source());
            config.insert("body".into(), format!("base64://{encoded}").into());
        }
        let flags = self.flags();
        config.insert("can_interrupt".into(), flags.can_interrupt.into());
        config.insert(
            "response".into(),
            json!({ "ignore": flags.response_ignore, "parse": flags.response_parse }),
        );
        let mut secret_pointers = Vec::new();
        if let Some(auth) = self.auth() {
            config.insert("auth".into(), self.render_auth(auth, secrets)?);
            secret_pointers.push(match auth {
                Auth::ApiKey { .. } => "/config/auth/config/value".to_owned(),
                Auth::BasicAuth { .. } => "/config/auth/config/password".to_owned(),
            });
        }
        let extras = self.extras();
        if !extras.headers.is_empty() {
            let mut headers = Map::new();
            for (name, value) in &extras.headers {
                let value = match value {
                    HeaderValue::Plain(value) => value.to_string(),
                    HeaderValue::Secret(secret) => {
                        secret_pointers.push(format!("/config/headers/{}", pointer_segment(name)));
                        match secrets {
                            Secrets::Redacted => REDACTED.to_owned(),
                            Secrets::Resolved => {
                                secret.resolve(&format!("the `{name}` header of {self}"))?
                            }
                        }
                    }
                };
                headers.insert(name.to_string(), value.into());
            }
            config.insert("headers".into(), headers.into());
        }
        if let Some(emit) = extras.emit_analytics_event {
            config.insert("emit_analytics_event".into(), emit.into());
        }
        if let Some(id) = &extras.id {
            config.insert("id".into(), id.as_ref().into());
        }
        let entry = json!({ "hook": "web_hook", "config": config });
        Ok(self
            .scopes()
            .iter()
            .map(|&scope| RenderedHook {
                scope,
                entry: entry.clone(),
                secrets: secret_pointers.clone(),
            })
            .collect())
    }

    fn render_auth(&self, auth: &Auth, secrets: Secrets) -> Result<Value, Error> {
        let secret = match secrets {
            Secrets::Redacted => REDACTED.to_owned(),
            Secrets::Resolved => {
                let what = match auth {
                    Auth::ApiKey { .. } => "the api key",
                    Auth::BasicAuth { .. } => "the basic auth password",
                };
                auth.secret().resolve(&format!("{what} of {self}"))?
            }
        };
        Ok(match auth {
            Auth::ApiKey { name, location, .. } => json!({
                "type": "api_key",
                "config": { "name": name, "value": secret, "in": location.as_str() },
            }),
            Auth::BasicAuth { user, .. } => json!({
                "type": "basic_auth",
                "config": { "user": user, "password": secret },
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use ory_actions_core::{ApiKeyIn, Flow, Method, Timing};

    use super::*;
    use crate::action::Secret;

    fn action(var: &str) -> Action {
        Action::builder(Flow::Login, Timing::After, "https://hooks.example/login")
            .auth_method([Method::Password, Method::Code])
            .body("function(ctx) { id: ctx.identity.id }")
            .auth(Auth::api_key("X-Key", Secret::env(var), ApiKeyIn::Header))
            .build()
            .unwrap()
    }

    #[test]
    fn one_entry_per_list_with_the_body_in_base64() {
        let hooks = action("ORY_ACTIONS_TEST_UNSET")
            .render(Secrets::Redacted)
            .unwrap();
        assert_eq!(hooks.len(), 2);
        assert_eq!(
            hooks[0].pointer(),
            "/services/identity/config/selfservice/flows/login/after/password/hooks"
        );
        assert_eq!(
            hooks[1].pointer(),
            "/services/identity/config/selfservice/flows/login/after/code/hooks"
        );
        let body = hooks[0].entry()["config"]["body"].as_str().unwrap();
        let decoded = STANDARD
            .decode(body.strip_prefix("base64://").unwrap())
            .unwrap();
        assert_eq!(decoded, b"function(ctx) { id: ctx.identity.id }");
        assert_eq!(
            hooks[0].entry()["config"]["auth"]["config"]["value"],
            REDACTED
        );
    }

    #[test]
    fn resolved_secrets_stay_out_of_debug_and_display() {
        let path = std::env::temp_dir().join(format!("ory-actions-render-{}", std::process::id()));
        std::fs::write(&path, "planted-s3cret\n").unwrap();
        let action = Action::builder(Flow::Login, Timing::Before, "https://hooks.example/login")
            .auth(Auth::basic_auth("ory", Secret::file(&path)))
            .build()
            .unwrap();
        let hooks = action.render(Secrets::Resolved).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            hooks[0].entry()["config"]["auth"]["config"]["password"],
            "planted-s3cret"
        );
        let shown = format!("{:?} {} {:?} {action}", hooks[0], hooks[0], action);
        assert!(!shown.contains("planted-s3cret"), "{shown}");
        assert!(shown.contains(REDACTED));
    }

    #[test]
    fn a_missing_secret_is_a_clear_error() {
        let err = action("ORY_ACTIONS_TEST_SURELY_UNSET")
            .render(Secrets::Resolved)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable `ORY_ACTIONS_TEST_SURELY_UNSET` is not set; it holds the api \
             key of login after [password, code]: POST https://hooks.example/login"
        );
    }
}
