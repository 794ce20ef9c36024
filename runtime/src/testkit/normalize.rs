//! What Ory Network does to hooks when it stores them, as far as it is known: the defaults of
//! flags written out; the fields it does not store dropped (its stored hook model has no place
//! for them: see [`ory_actions_core::fields`]); per-method keys a flow does not have on Ory
//! Network dropped (`saml` stays: Ory Network has `saml` lists); and, optionally, bodies moved
//! to a URL that serves the stored template.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ory_actions_core::fields::{self, DefaultValue};
use ory_actions_core::{Flow, Platform, Scope, Timing};
use serde_json::{Value, json};

use crate::hooks::field_slot;

/// Body templates the testkit serves at `/bodies/{index}`.
#[derive(Default)]
pub(crate) struct BodyStore {
    bodies: Vec<String>,
}

impl BodyStore {
    /// Stores `text` (once) and returns its index.
    fn store(&mut self, text: String) -> usize {
        match self.bodies.iter().position(|b| *b == text) {
            Some(index) => index,
            None => {
                self.bodies.push(text);
                self.bodies.len() - 1
            }
        }
    }

    /// The template at `index`.
    pub(crate) fn get(&self, index: usize) -> Option<&str> {
        self.bodies.get(index).map(String::as_str)
    }
}

/// Normalises every hook list of `project` in place; returns Ory-style warnings
/// `(code, message)` for what was dropped.
pub(crate) fn normalize(
    project: &mut Value,
    store: &mut BodyStore,
    base_url: &str,
    bodies_as_urls: bool,
) -> Vec<(String, String)> {
    let mut warnings = Vec::new();
    drop_unknown_method_keys(project, &mut warnings);
    for &scope in Scope::ALL {
        let Some(Value::Array(list)) = project.pointer_mut(scope.pointer()) else {
            continue;
        };
        for entry in list {
            if entry.get("hook").and_then(Value::as_str) != Some("web_hook") {
                continue;
            }
            let Some(Value::Object(config)) = entry.get_mut("config") else {
                continue;
            };
            for key in fields::not_stored_on(Platform::OryNetwork).map(|field| field.name) {
                if config.remove(key).is_some() {
                    warnings.push((
                        "ignored_key".to_owned(),
                        format!("{}: `{key}` of a web hook is not stored", scope.pointer()),
                    ));
                }
            }
            for field in &fields::FIELDS {
                let DefaultValue::Bool(default) = field.default else {
                    continue;
                };
                if !field.stored_on(Platform::OryNetwork) {
                    continue;
                }
                if let Some(slot) = field_slot(config, field) {
                    slot.or_insert(json!(default));
                }
            }
            if bodies_as_urls {
                let stored = config
                    .get("body")
                    .and_then(Value::as_str)
                    .and_then(|b| b.strip_prefix("base64://"))
                    .and_then(|b| STANDARD.decode(b).ok())
                    .and_then(|b| String::from_utf8(b).ok());
                if let Some(text) = stored {
                    let index = store.store(text);
                    config.insert("body".into(), format!("{base_url}/bodies/{index}").into());
                }
            }
        }
    }
    warnings
}

/// Ory Network has been reported to answer 200 to a write of a per-method key a flow does not
/// have, and to drop the key.
fn drop_unknown_method_keys(project: &mut Value, warnings: &mut Vec<(String, String)>) {
    for &flow in Flow::ALL {
        let pointer = format!(
            "/services/identity/config/selfservice/flows/{}/{}",
            flow,
            Timing::After
        );
        let Some(Value::Object(after)) = project.pointer_mut(&pointer) else {
            continue;
        };
        let methods = flow.after_methods_on(Platform::OryNetwork);
        let unknown: Vec<String> = after
            .keys()
            .filter(|key| {
                !matches!(key.as_str(), "hooks" | "default_browser_return_url")
                    && !methods.iter().any(|m| m.as_str() == key.as_str())
            })
            .cloned()
            .collect();
        for key in unknown {
            after.remove(&key);
            warnings.push((
                "ignored_key".to_owned(),
                format!("{pointer}/{key} is not a key of this configuration"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_hooks_get_defaults_lose_unstored_keys_and_may_move_bodies() {
        let mut project = json!({"services": {"identity": {"config": {"selfservice": {"flows": {
            "login": {"before": {"hooks": [
                {"hook": "web_hook", "config": {"url": "https://x/", "method": "POST",
                 "body": "base64://e30=", "id": "a", "headers": {"X": "1"}}},
                {"hook": "b2b_sso"}
            ]}},
            "registration": {"after": {"totp": {"hooks": []}, "password": {"hooks": []},
                "saml": {"hooks": [{"hook": "session"}]}}}
        }}}}}});
        let mut store = BodyStore::default();
        let warnings = normalize(&mut project, &mut store, "http://127.0.0.1:1", true);
        assert_eq!(warnings.len(), 3);
        let flows = &project["services"]["identity"]["config"]["selfservice"]["flows"];
        assert_eq!(
            flows["login"]["before"]["hooks"][0],
            json!({"hook": "web_hook", "config": {"url": "https://x/", "method": "POST",
                "body": "http://127.0.0.1:1/bodies/0", "can_interrupt": false,
                "response": {"ignore": false, "parse": false}}})
        );
        assert_eq!(
            flows["login"]["before"]["hooks"][1],
            json!({"hook": "b2b_sso"})
        );
        assert_eq!(
            flows["registration"]["after"],
            json!({"password": {"hooks": []}, "saml": {"hooks": [{"hook": "session"}]}})
        );
        assert_eq!(store.get(0), Some("{}"));
    }
}
