//! Rendering: the hook entries an [`Action`] puts into each of its hook lists.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ory_actions_core::{Platform, Scope};
use serde_json::Value;

use super::HookUrl;
use super::entry::{SecretHeaders, StoredAuth, StoredBody, WebHook, for_each_secret};
use crate::action::{Action, Auth, HeaderValue, Secret};
use crate::error::Error;

/// What to do with secret values when rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secrets {
    /// Put `(sensitive)` where a secret goes; for showing entries to people.
    Redacted,
    /// Read every secret from its source; for writing entries to Ory.
    Resolved,
}

pub use crate::action::REDACTED;

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

impl Action {
    /// The entry for each hook list of this action, in the order of [`Action::scopes`].
    ///
    /// The body goes in as `base64://…` of the Jsonnet source (a body Kratos resolves itself as
    /// its URL, or `file://` and its path), and every field is written out,
    /// defaults included, as Ory Network stores them. With [`Secrets::Resolved`] secret values
    /// are read from their sources, which fails when a variable or file is missing.
    pub fn render(&self, secrets: Secrets) -> Result<Vec<RenderedHook>, Error> {
        self.render_on(Platform::OryNetwork, secrets)
    }

    /// The entry for each hook list, written as `platform` keeps it (see [`WebHook::encode`]).
    pub(crate) fn render_on(
        &self,
        platform: Platform,
        secrets: Secrets,
    ) -> Result<Vec<RenderedHook>, Error> {
        let Declared {
            hook,
            secret_headers,
        } = self.declared_hook(secrets)?;
        let entry = hook.encode(platform);
        Ok(self
            .scopes()
            .iter()
            .map(|&scope| RenderedHook {
                scope,
                entry: entry.clone(),
                hook: hook.clone(),
                secret_headers: secret_headers.clone(),
            })
            .collect())
    }

    /// The keys of this action's entries on `platform` (its lists, method and URL), without
    /// rendering them: what [`Action::render_on`] would give as `hook.key(scope)`.
    pub(crate) fn keys_on(&self, platform: Platform) -> Vec<super::HookKey> {
        let url = HookUrl::new(self.url());
        let method = self.method().as_str();
        self.scopes_on(platform)
            .unwrap_or_default()
            .into_iter()
            .map(|scope| super::HookKey {
                scope,
                method: method.to_owned(),
                url: url.clone(),
            })
            .collect()
    }

    /// Which of `actions` declares each hook key on `platform`: how outputs name the action
    /// behind an entry.
    pub(crate) fn owners<'a>(
        actions: impl IntoIterator<Item = &'a Action>,
        platform: Platform,
    ) -> std::collections::HashMap<super::HookKey, &'a Action> {
        actions
            .into_iter()
            .flat_map(|action| {
                action
                    .keys_on(platform)
                    .into_iter()
                    .map(move |key| (key, action))
            })
            .collect()
    }

    /// What the action's entries mean, and which of its headers are secrets: one [`Declared`]
    /// for all its lists, which [`WebHook::encode`] turns into the entry of each.
    pub(crate) fn declared_hook(&self, secrets: Secrets) -> Result<Declared, Error> {
        self.check()?;
        let resolve = |secret: &Secret, what: String| -> Result<String, Error> {
            match secrets {
                Secrets::Redacted => Ok(REDACTED.to_owned()),
                Secrets::Resolved => Ok(secret.resolve(&what)?),
            }
        };
        let auth = match self.auth() {
            None => None,
            Some(auth @ Auth::ApiKey { name, location, .. }) => Some(StoredAuth::ApiKey {
                name: name.clone(),
                value: Some(resolve(auth.secret(), format!("the api key of {self}"))?),
                location: location.as_str().to_owned(),
            }),
            Some(auth @ Auth::BasicAuth { user, .. }) => Some(StoredAuth::BasicAuth {
                user: user.clone(),
                password: Some(resolve(
                    auth.secret(),
                    format!("the basic auth password of {self}"),
                )?),
            }),
        };
        let mut headers = BTreeMap::new();
        let mut secret_headers = BTreeSet::new();
        for (name, value) in self.headers() {
            let value = match value {
                HeaderValue::Plain(value) => value.to_string(),
                HeaderValue::Secret(secret) => {
                    secret_headers.insert(name.to_owned());
                    resolve(secret, format!("the `{name}` header of {self}"))?
                }
            };
            headers.insert(name.to_owned(), value);
        }
        let hook = WebHook {
            url: HookUrl::new(self.url()),
            method: self.method().as_str().to_owned(),
            body: self.body().map_or(StoredBody::None, |body| {
                match (body.source(), body.reference()) {
                    (Some(source), _) => StoredBody::Text(source.to_owned()),
                    (None, Some(url)) if url.starts_with("http") => StoredBody::Url(url),
                    (None, reference) => StoredBody::File(reference.unwrap_or_default()),
                }
            }),
            auth,
            headers,
            flags: self.flag_values(),
            id: self.id().map(str::to_owned),
            extra: BTreeMap::new(),
        };
        Ok(Declared {
            hook,
            secret_headers,
        })
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
    use ory_actions_core::{ApiKeyIn, AuthMethod, Flow, Timing};

    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    fn action(var: &str) -> Action {
        Action::builder(Flow::Login, Timing::After, "https://hooks.example/login")
            .auth_method([AuthMethod::Password, AuthMethod::Code])
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
