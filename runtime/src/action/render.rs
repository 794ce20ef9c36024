//! Rendering: the hook entries an [`Action`] puts into each of its hook lists, made with the
//! codec of `hooks` ([`WebHook::encode`]).

use std::collections::{BTreeMap, BTreeSet};

use ory_actions_core::Platform;

use super::{Action, Auth, HeaderValue, Secret};
use crate::error::Error;
use crate::hooks::{
    Declared, HookKey, HookUrl, Method, REDACTED, RenderedHook, Secrets, StoredAuth, StoredBody,
    WebHook,
};

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
    pub(crate) fn keys_on(&self, platform: Platform) -> Vec<HookKey> {
        let url = HookUrl::new(self.url());
        let method = Method::Borrowed(self.method().as_str());
        self.scopes_on(platform)
            .unwrap_or_default()
            .into_iter()
            .map(|scope| HookKey {
                scope,
                method: method.clone(),
                url: url.clone(),
            })
            .collect()
    }

    /// Which of `actions` declares each hook key on `platform`: how outputs name the action
    /// behind an entry.
    pub(crate) fn owners<'a>(
        actions: impl IntoIterator<Item = &'a Action>,
        platform: Platform,
    ) -> std::collections::HashMap<HookKey, &'a Action> {
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

    /// The body as an entry holds it: the template's text, or the reference Kratos resolves.
    pub(crate) fn stored_body(&self) -> StoredBody {
        self.body().map_or(StoredBody::None, |body| {
            match (body.source(), body.reference()) {
                (Some(source), _) => StoredBody::Text(source.to_owned()),
                (None, Some(url)) if url.starts_with("http") => StoredBody::Url(url),
                (None, reference) => StoredBody::File(reference.unwrap_or_default()),
            }
        })
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
            method: Method::Borrowed(self.method().as_str()),
            body: self.stored_body(),
            auth,
            headers,
            flags: self.hook.flags,
            id: self.id().map(str::to_owned),
            extra: BTreeMap::new(),
        };
        Ok(Declared {
            hook,
            secret_headers,
        })
    }
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
