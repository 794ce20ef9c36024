//! What a web hook entry means.
//!
//! The same view serves the entries a project holds and the entries the stack renders, so the
//! two are compared by meaning: an absent field equals its default, and a body is its Jsonnet
//! text whether it came as `base64://…` or as a URL to the stored template.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ory_actions_core::Scope;
use serde_json::Value;

use super::kind;

/// The order a person writes the keys of a hook entry in, at the object reached by `path` (the
/// keys from the entry down: `[]` is the entry, `["config"]` its config, `["config", "auth"]`
/// the auth object): `hook` before `config`; `url`, `method`, `body`, `auth`, `headers`,
/// `response`, `can_interrupt`, … in a config. `None` where no order is preferred (header
/// names, unknown objects). Keys a level does not list go after the listed ones.
pub(crate) fn entry_key_order(path: &[&str]) -> Option<&'static [&'static str]> {
    match path {
        [] => Some(&["hook", "config"]),
        ["config"] => Some(&[
            "url",
            "method",
            "body",
            "auth",
            "headers",
            "response",
            "can_interrupt",
            "emit_analytics_event",
            "id",
        ]),
        ["config", "auth"] => Some(&["type", "config"]),
        ["config", "auth", "config"] => Some(&["name", "value", "in", "user", "password"]),
        ["config", "response"] => Some(&["ignore", "parse"]),
        _ => None,
    }
}

/// What identifies a web hook: its list, HTTP method and URL (the import ID of the Terraform
/// provider, without the project).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct HookKey {
    pub(crate) scope: Scope,
    pub(crate) method: String,
    pub(crate) url: String,
}

/// The body of a web hook as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum StoredBody {
    /// No body.
    None,
    /// `base64://…`, decoded.
    Text(String),
    /// `http(s)://…`: the template is stored at this URL.
    Url(String),
    /// Anything else (`file://…`, a bare path, undecodable base64): compared as written.
    Opaque(String),
}

/// How Ory authenticates to a web hook, as stored.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum StoredAuth {
    ApiKey {
        name: String,
        value: String,
        location: String,
    },
    BasicAuth {
        user: String,
        password: String,
    },
    /// A shape this version does not know, kept whole.
    Other(Value),
}

impl std::fmt::Debug for StoredAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoredAuth::ApiKey { name, location, .. } => f
                .debug_struct("ApiKey")
                .field("name", name)
                .field("value", &super::REDACTED)
                .field("in", location)
                .finish(),
            StoredAuth::BasicAuth { user, .. } => f
                .debug_struct("BasicAuth")
                .field("user", user)
                .field("password", &super::REDACTED)
                .finish(),
            StoredAuth::Other(_) => f.write_str("Other(..)"),
        }
    }
}

/// The meaning of one `web_hook` entry, defaults filled in. `Debug` hides header values and
/// unknown fields, which may hold secrets.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct WebHook {
    pub(crate) url: String,
    pub(crate) method: String,
    pub(crate) body: StoredBody,
    pub(crate) can_interrupt: bool,
    pub(crate) response_ignore: bool,
    pub(crate) response_parse: bool,
    pub(crate) auth: Option<StoredAuth>,
    /// `headers`, by name (Ory Network does not store them).
    pub(crate) headers: BTreeMap<String, String>,
    /// `emit_analytics_event`; absent means true (Ory Network does not store it).
    pub(crate) emit_analytics_event: Option<bool>,
    /// `id` (Ory Network does not store it).
    pub(crate) id: Option<String>,
    /// Fields this version does not model, kept as written.
    pub(crate) extra: BTreeMap<String, Value>,
}

impl std::fmt::Debug for WebHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebHook")
            .field("url", &mask_credentials(&self.url))
            .field("method", &self.method)
            .field("body", &self.body)
            .field("can_interrupt", &self.can_interrupt)
            .field("response_ignore", &self.response_ignore)
            .field("response_parse", &self.response_parse)
            .field("auth", &self.auth)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("emit_analytics_event", &self.emit_analytics_event)
            .field("id", &self.id)
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// One entry of a hook list.
pub(crate) enum Entry {
    /// A `web_hook` entry.
    WebHook(Box<WebHook>),
    /// A `web_hook` entry this version cannot read; left exactly where it is.
    Malformed(String),
    /// Any other hook (`session`, `revoke_active_sessions`, …); never touched.
    Other,
}

impl Entry {
    /// Reads an entry of a hook list.
    pub(crate) fn read(entry: &Value) -> Entry {
        match entry.get("hook").and_then(Value::as_str) {
            Some("web_hook") => match WebHook::read(entry) {
                Ok(hook) => Entry::WebHook(Box::new(hook)),
                Err(problem) => Entry::Malformed(problem),
            },
            _ => Entry::Other,
        }
    }
}

impl WebHook {
    fn read(entry: &Value) -> Result<WebHook, String> {
        let config = match entry.get("config") {
            Some(Value::Object(config)) => config,
            Some(other) => return Err(format!("its `config` is {}", kind(other))),
            None => return Err("it has no `config`".into()),
        };
        let string = |key: &str| -> Result<Option<String>, String> {
            match config.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(format!("its `{key}` is {}", kind(other))),
            }
        };
        let flag = |value: Option<&Value>, key: &str| -> Result<bool, String> {
            match value {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(other) => Err(format!("its `{key}` is {}", kind(other))),
            }
        };
        let url = string("url")?.ok_or("it has no `url`")?;
        // An absent method is POST, as Ory stores it; an empty one is GET, as Go sends it.
        let method = match string("method")? {
            None => "POST".into(),
            Some(m) if m.is_empty() => "GET".into(),
            Some(m) => m,
        };
        let body = match string("body")? {
            None => StoredBody::None,
            Some(body) if body.is_empty() => StoredBody::None,
            Some(body) => read_body(body),
        };
        let response = match config.get("response") {
            None | Some(Value::Null) => None,
            Some(Value::Object(response)) => Some(response),
            Some(other) => return Err(format!("its `response` is {}", kind(other))),
        };
        let auth = match config.get("auth") {
            None | Some(Value::Null) => None,
            Some(auth) => Some(read_auth(auth)),
        };
        let headers = match config.get("headers") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(headers)) => headers
                .iter()
                .map(|(name, value)| match value {
                    Value::String(v) => Ok((name.clone(), v.clone())),
                    other => Err(format!("its header `{name}` is {}", kind(other))),
                })
                .collect::<Result<_, String>>()?,
            Some(other) => return Err(format!("its `headers` is {}", kind(other))),
        };
        let emit_analytics_event = match config.get("emit_analytics_event") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => return Err(format!("its `emit_analytics_event` is {}", kind(other))),
        };
        let id = string("id")?;
        let extra = config
            .iter()
            .filter(|(key, _)| {
                !matches!(
                    key.as_str(),
                    "url"
                        | "method"
                        | "body"
                        | "can_interrupt"
                        | "response"
                        | "auth"
                        | "headers"
                        | "emit_analytics_event"
                        | "id"
                )
            })
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Ok(WebHook {
            url,
            method,
            body,
            can_interrupt: flag(config.get("can_interrupt"), "can_interrupt")?,
            response_ignore: flag(response.and_then(|r| r.get("ignore")), "response.ignore")?,
            response_parse: flag(response.and_then(|r| r.get("parse")), "response.parse")?,
            auth,
            headers,
            emit_analytics_event,
            id,
            extra,
        })
    }

    /// The key of this hook in `scope`.
    pub(crate) fn key(&self, scope: Scope) -> HookKey {
        HookKey {
            scope,
            method: self.method.clone(),
            url: self.url.clone(),
        }
    }
}

fn read_body(body: String) -> StoredBody {
    if let Some(encoded) = body.strip_prefix("base64://") {
        return match STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
        {
            Some(text) => StoredBody::Text(text),
            None => StoredBody::Opaque(body),
        };
    }
    if body.starts_with("https://") || body.starts_with("http://") {
        return StoredBody::Url(body);
    }
    StoredBody::Opaque(body)
}

fn read_auth(auth: &Value) -> StoredAuth {
    let config = auth.get("config");
    let field = |key: &str| {
        config
            .and_then(|c| c.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match auth.get("type").and_then(Value::as_str) {
        Some("api_key") => match (field("name"), field("value")) {
            (Some(name), Some(value)) => StoredAuth::ApiKey {
                name,
                value,
                location: field("in").unwrap_or_else(|| "header".into()),
            },
            _ => StoredAuth::Other(auth.clone()),
        },
        Some("basic_auth") => match (field("user"), field("password")) {
            (Some(user), Some(password)) => StoredAuth::BasicAuth { user, password },
            _ => StoredAuth::Other(auth.clone()),
        },
        _ => StoredAuth::Other(auth.clone()),
    }
}

/// Parses an entry the runtime rendered; those are always well-formed.
pub(crate) fn rendered_web_hook(entry: &Value) -> WebHook {
    WebHook::read(entry).expect("rendered entries are well-formed web hooks")
}

/// A URL with any password in it replaced by `****`.
pub(crate) fn mask_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:****@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn credentials_in_urls_are_masked() {
        assert_eq!(
            mask_credentials("https://u:pw@h.example:8/x?y"),
            "https://u:****@h.example:8/x?y"
        );
        assert_eq!(
            mask_credentials("https://h.example/a@b"),
            "https://h.example/a@b"
        );
    }

    #[test]
    fn absent_fields_read_as_their_defaults() {
        let sparse =
            json!({"hook": "web_hook", "config": {"url": "https://x.example/", "method": "POST"}});
        let full = json!({"hook": "web_hook", "config": {
            "url": "https://x.example/", "method": "POST", "can_interrupt": false,
            "response": {"ignore": false, "parse": false}
        }});
        let (Entry::WebHook(a), Entry::WebHook(b)) = (Entry::read(&sparse), Entry::read(&full))
        else {
            panic!("both are web hooks");
        };
        assert_eq!(a, b);
    }

    #[test]
    fn an_absent_method_is_post_and_an_empty_one_get() {
        let read = |config: Value| match Entry::read(&json!({"hook": "web_hook", "config": config}))
        {
            Entry::WebHook(hook) => hook.method,
            _ => panic!("a web hook"),
        };
        assert_eq!(read(json!({"url": "https://x/"})), "POST");
        assert_eq!(read(json!({"url": "https://x/", "method": ""})), "GET");
        assert_eq!(read(json!({"url": "https://x/", "method": "PUT"})), "PUT");
    }

    #[test]
    fn bodies_are_read_by_meaning() {
        assert_eq!(
            read_body("base64://e30=".into()),
            StoredBody::Text("{}".into())
        );
        assert_eq!(
            read_body("https://storage.example/t.jsonnet".into()),
            StoredBody::Url("https://storage.example/t.jsonnet".into())
        );
        assert_eq!(
            read_body("file:///etc/body.jsonnet".into()),
            StoredBody::Opaque("file:///etc/body.jsonnet".into())
        );
        assert_eq!(
            read_body("base64://%%%".into()),
            StoredBody::Opaque("base64://%%%".into())
        );
    }

    #[test]
    fn odd_entries_are_kept_not_misread() {
        assert!(matches!(
            Entry::read(&json!({"hook": "session"})),
            Entry::Other
        ));
        assert!(matches!(Entry::read(&json!("text")), Entry::Other));
        assert!(matches!(
            Entry::read(&json!({"hook": "web_hook"})),
            Entry::Malformed(_)
        ));
        assert!(matches!(
            Entry::read(&json!({"hook": "web_hook", "config": {"url": 3}})),
            Entry::Malformed(_)
        ));
    }
}
