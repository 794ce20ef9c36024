//! The web hook entry codec: what a `{"hook": "web_hook", "config": {…}}` entry means
//! ([`WebHook::decode`]), how one is written for each platform ([`WebHook::encode`]), and where
//! its secrets sit ([`for_each_secret`]).
//!
//! The same view serves the entries a project holds and the entries the stack renders, so the
//! two are compared by meaning: an absent field equals its default, and a body is its Jsonnet
//! text whether it came as `base64://…` or as a URL to the stored template.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ory_actions_core::Scope;
use ory_actions_core::reference::kratos_path;
use serde_json::Value;

use ory_actions_core::Platform;
use ory_actions_core::fields::{
    self, AUTH, BODY, DefaultValue, Field, FlagValues, HEADERS, HoldsSecret, ID, METHOD,
    RESPONSE_IGNORE, URL,
};
use serde_json::{Map, json};
use zeroize::Zeroize as _;

use super::HookUrl;

/// What stands in place of a secret whenever one would be shown.
pub const REDACTED: &str = "(sensitive)";

/// An HTTP method as an entry gives it. The usual ones are static, so that keys and changes
/// copy no text for them.
pub(crate) type Method = std::borrow::Cow<'static, str>;

/// `text` as a [`Method`].
pub(crate) fn method(text: &str) -> Method {
    const USUAL: [&str; 7] = ["POST", "GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    match USUAL.iter().find(|usual| **usual == text) {
        Some(usual) => Method::Borrowed(usual),
        None => Method::Owned(text.to_owned()),
    }
}

/// What identifies a web hook: its list, HTTP method and URL (the import ID of the Terraform
/// provider, without the project).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct HookKey {
    pub(crate) scope: Scope,
    pub(crate) method: Method,
    pub(crate) url: HookUrl,
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
    /// `file://…` or a bare path (which Kratos prefixes with `file://`): a file Kratos reads,
    /// as written.
    File(String),
    /// Undecodable base64: compared as written.
    Opaque(String),
}

impl StoredBody {
    /// The body as written, for a body Kratos resolves itself (a URL, a file).
    pub(crate) fn reference(&self) -> Option<&str> {
        match self {
            StoredBody::Url(raw) | StoredBody::File(raw) => Some(raw),
            StoredBody::None | StoredBody::Text(_) | StoredBody::Opaque(_) => None,
        }
    }

    /// Whether both name the same template by reference: the same URL, or the same path
    /// (`file://x` and a bare `x` are one file to Kratos).
    pub(crate) fn same_reference(&self, other: &StoredBody) -> bool {
        match (self, other) {
            (StoredBody::Url(a), StoredBody::Url(b)) => a == b,
            (StoredBody::File(a), StoredBody::File(b)) => kratos_path(a) == kratos_path(b),
            _ => false,
        }
    }
}

/// How Ory authenticates to a web hook, as stored. A secret a backend did not return (absent,
/// empty, or a redaction placeholder) is `None`: it cannot be compared.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum StoredAuth {
    ApiKey {
        name: String,
        value: Option<String>,
        location: String,
    },
    BasicAuth {
        user: String,
        password: Option<String>,
    },
    /// A shape this version does not know, kept whole.
    Other(Value),
}

impl StoredAuth {
    /// The secret value, when there is one.
    pub(crate) fn secret(&self) -> Option<&str> {
        match self {
            StoredAuth::ApiKey { value, .. } => value.as_deref(),
            StoredAuth::BasicAuth { password, .. } => password.as_deref(),
            StoredAuth::Other(_) => None,
        }
    }
}

impl std::fmt::Debug for StoredAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |secret: &Option<String>| secret.as_ref().map(|_| REDACTED);
        match self {
            StoredAuth::ApiKey {
                name,
                value,
                location,
            } => f
                .debug_struct("ApiKey")
                .field("name", name)
                .field("value", &shown(value))
                .field("in", location)
                .finish(),
            StoredAuth::BasicAuth { user, password } => f
                .debug_struct("BasicAuth")
                .field("user", user)
                .field("password", &shown(password))
                .finish(),
            StoredAuth::Other(_) => f.write_str("Other(..)"),
        }
    }
}

/// The meaning of one `web_hook` entry, defaults filled in. `Debug` hides header values and
/// unknown fields, which may hold secrets.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct WebHook {
    pub(crate) url: HookUrl,
    pub(crate) method: Method,
    pub(crate) body: StoredBody,
    pub(crate) auth: Option<StoredAuth>,
    /// `headers`, by name (Ory Network does not store them).
    pub(crate) headers: BTreeMap<String, String>,
    /// The flags as the entry gives them, absent ones meaning their default (Ory Network
    /// stores some, and returns those with their default written out).
    pub(crate) flags: FlagValues,
    /// `id` (Ory Network does not store it).
    pub(crate) id: Option<String>,
    /// Fields this version does not model, kept as written.
    pub(crate) extra: BTreeMap<String, Value>,
}

impl std::fmt::Debug for WebHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebHook")
            .field("url", &self.url)
            .field("method", &self.method)
            .field("body", &self.body)
            .field("auth", &self.auth)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("flags", &self.flags)
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
            Some("web_hook") => match WebHook::decode(entry) {
                Ok(hook) => Entry::WebHook(Box::new(hook)),
                Err(problem) => Entry::Malformed(problem),
            },
            _ => Entry::Other,
        }
    }
}

impl Drop for WebHook {
    /// Overwrites the secrets it holds, so that they do not outlive their use.
    fn drop(&mut self) {
        match &mut self.auth {
            Some(StoredAuth::ApiKey { value: secret, .. })
            | Some(StoredAuth::BasicAuth {
                password: secret, ..
            }) => {
                if let Some(secret) = secret {
                    secret.zeroize();
                }
            }
            _ => {}
        }
        self.headers.values_mut().for_each(|value| value.zeroize());
    }
}

impl WebHook {
    /// What `entry` (`{"hook": "web_hook", "config": {…}}`) means, defaults filled in; or why it
    /// cannot be read.
    pub(crate) fn decode(entry: &Value) -> Result<WebHook, String> {
        let config = match entry.get("config") {
            Some(Value::Object(config)) => config,
            Some(other) => return Err(format!("its `config` is {}", kind(other))),
            None => return Err("it has no `config`".into()),
        };
        let string = |field: &Field| -> Result<Option<String>, String> {
            match config.get(field.name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(format!("its `{}` is {}", field.name, kind(other))),
            }
        };
        let (response_key, _) = RESPONSE_IGNORE.path();
        let url = string(&URL)?.ok_or("it has no `url`")?;
        // An absent method is POST, as Ory stores it; an empty one is GET, as Go sends it.
        let method = match string(&METHOD)? {
            None => method(default_text(&METHOD)),
            Some(m) if m.is_empty() => Method::Borrowed("GET"),
            Some(m) => method(&m),
        };
        let body = match string(&BODY)? {
            None => StoredBody::None,
            Some(body) if body.is_empty() => StoredBody::None,
            Some(body) => read_body(body),
        };
        match config.get(response_key) {
            None | Some(Value::Null | Value::Object(_)) => {}
            Some(other) => return Err(format!("its `{response_key}` is {}", kind(other))),
        }
        let auth = match config.get(AUTH.name) {
            None | Some(Value::Null) => None,
            Some(auth) => Some(read_auth(auth)),
        };
        let headers = match config.get(HEADERS.name) {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(headers)) => headers
                .iter()
                .map(|(name, value)| match value {
                    Value::String(v) => Ok((name.clone(), v.clone())),
                    other => Err(format!("its header `{name}` is {}", kind(other))),
                })
                .collect::<Result<_, String>>()?,
            Some(other) => return Err(format!("its `{}` is {}", HEADERS.name, kind(other))),
        };
        let mut flags = FlagValues::default();
        for field in fields::flags() {
            flags.set(field, read_flag(config, field)?);
        }
        let id = string(&ID)?;
        let extra = config
            .iter()
            .filter(|(key, _)| !fields::is_config_key(key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Ok(WebHook {
            url: HookUrl::new(url),
            method,
            body,
            auth,
            headers,
            flags,
            id,
            extra,
        })
    }

    /// A hook that calls `url` with `method`, every other field absent.
    pub(crate) fn new(url: HookUrl, method: Method) -> WebHook {
        WebHook {
            url,
            method,
            body: StoredBody::None,
            auth: None,
            headers: BTreeMap::new(),
            flags: FlagValues::default(),
            id: None,
            extra: BTreeMap::new(),
        }
    }

    /// The key of this hook in `scope`.
    pub(crate) fn key(&self, scope: Scope) -> HookKey {
        HookKey {
            scope,
            method: self.method.clone(),
            url: self.url.clone(),
        }
    }

    /// The entry for a hook list on `platform`. Ory Network's form has every field written
    /// out, defaults included, as Ory Network stores them; self-hosted Kratos's form leaves out
    /// what holds Kratos's default, as a person writes it (`url` and `method` are required by
    /// the schema and always written). Both decode to this hook again.
    pub(crate) fn encode(&self, platform: Platform) -> Value {
        let full = platform == Platform::OryNetwork;
        let mut config = Map::new();
        config.insert(URL.name.into(), self.url.with_credentials().into());
        config.insert(METHOD.name.into(), self.method.clone().into());
        match &self.body {
            StoredBody::None => {}
            StoredBody::Text(text) => {
                config.insert(
                    BODY.name.into(),
                    format!("base64://{}", STANDARD.encode(text)).into(),
                );
            }
            StoredBody::Url(raw) | StoredBody::File(raw) | StoredBody::Opaque(raw) => {
                config.insert(BODY.name.into(), raw.clone().into());
            }
        }
        if let Some(auth) = &self.auth {
            config.insert(AUTH.name.into(), encode_auth(auth));
        }
        if !self.headers.is_empty() {
            let headers: Map<String, Value> = self
                .headers
                .iter()
                .map(|(name, value)| (name.clone(), value.clone().into()))
                .collect();
            config.insert(HEADERS.name.into(), headers.into());
        }
        // Ory Network's form has every flag it stores written out, and those it does not store
        // when they are given; self-hosted Kratos's, the flags that are not the default.
        for field in fields::flags() {
            let value = if full && field.on_ory_network {
                Some(self.flags.value(field))
            } else {
                self.flags.given(field)
            };
            let Some(value) = value else { continue };
            if (full || field.default != DefaultValue::Bool(value))
                && let Some(slot) = field_slot(&mut config, field)
            {
                slot.or_insert(value.into());
            }
        }
        if let Some(id) = &self.id {
            config.insert(ID.name.into(), id.clone().into());
        }
        for (key, value) in &self.extra {
            config.insert(key.clone(), value.clone());
        }
        json!({"hook": "web_hook", "config": config})
    }
}

/// The text an absent `field` means.
fn default_text(field: &Field) -> &'static str {
    match field.default {
        DefaultValue::Text(text) => text,
        DefaultValue::Required | DefaultValue::Nothing | DefaultValue::Bool(_) => "",
    }
}

/// The value of `field` in an entry's `config` (in its object, for `response.…`).
fn field_value<'a>(config: &'a Map<String, Value>, field: &Field) -> Option<&'a Value> {
    match field.path() {
        (key, None) => config.get(key),
        (object, Some(key)) => config.get(object).and_then(|object| object.get(key)),
    }
}

/// Where `field` goes in an entry's `config`, its object made when there is none; `None` when
/// the config holds something else than an object there.
pub(crate) fn field_slot<'a>(
    config: &'a mut Map<String, Value>,
    field: &Field,
) -> Option<serde_json::map::Entry<'a>> {
    match field.path() {
        (key, None) => Some(config.entry(key)),
        (object, Some(key)) => match config
            .entry(object)
            .or_insert_with(|| Value::Object(Map::new()))
        {
            Value::Object(object) => Some(object.entry(key)),
            _ => None,
        },
    }
}

/// The flag `field` as `config` holds it; `None` when absent.
fn read_flag(config: &Map<String, Value>, field: &Field) -> Result<Option<bool>, String> {
    match field_value(config, field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(format!("its `{}` is {}", field.name, kind(other))),
    }
}

fn encode_auth(auth: &StoredAuth) -> Value {
    // A secret that is not known is written as the placeholder; such an entry is only ever
    // shown, never written to a backend.
    let secret = |value: &Option<String>| value.clone().unwrap_or_else(|| REDACTED.to_owned());
    match auth {
        StoredAuth::ApiKey {
            name,
            value,
            location,
        } => json!({
            "type": "api_key",
            "config": {"name": name, "value": secret(value), "in": location},
        }),
        StoredAuth::BasicAuth { user, password } => json!({
            "type": "basic_auth",
            "config": {"user": user, "password": secret(password)},
        }),
        StoredAuth::Other(value) => value.clone(),
    }
}

/// Which header values of an entry are secrets.
pub(crate) enum SecretHeaders<'a> {
    /// Every header value: an entry of unknown origin may carry a credential in any of them.
    All,
    /// These headers only (names as in the entry).
    Only(&'a std::collections::BTreeSet<String>),
}

/// Calls `f` on every secret value `entry` holds: the api key value, the basic auth password,
/// and header values as `headers` says. The one description of where secrets sit in an entry.
pub(crate) fn for_each_secret(
    entry: &mut Value,
    headers: SecretHeaders<'_>,
    mut f: impl FnMut(&mut String),
) {
    let Some(Value::Object(config)) = entry.get_mut("config") else {
        return;
    };
    for field in &fields::FIELDS {
        let Some(Value::Object(object)) = config.get_mut(field.name) else {
            continue;
        };
        match field.secret {
            HoldsSecret::No => {}
            HoldsSecret::InConfig(keys) => {
                if let Some(Value::Object(object)) = object.get_mut("config") {
                    for key in keys {
                        if let Some(Value::String(secret)) = object.get_mut(*key) {
                            f(secret);
                        }
                    }
                }
            }
            HoldsSecret::AnyValue => {
                for (name, value) in object.iter_mut() {
                    let secret = match headers {
                        SecretHeaders::All => true,
                        SecretHeaders::Only(names) => names.contains(name),
                    };
                    if let (true, Value::String(value)) = (secret, value) {
                        f(value);
                    }
                }
            }
        }
    }
}

/// Whether a stored secret is really there: not empty and not a redaction placeholder
/// (`(sensitive)`, `****`, `REDACTED`), which is what a backend that does not return secrets
/// may put in its place.
fn returned_secret(value: Option<String>) -> Option<String> {
    let value = value?;
    let trimmed = value.trim();
    let placeholder = trimmed.is_empty()
        || trimmed == REDACTED
        || trimmed.chars().all(|c| c == '*')
        || trimmed
            .trim_matches(['[', ']'])
            .eq_ignore_ascii_case("redacted");
    (!placeholder).then_some(value)
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
    StoredBody::File(body)
}

fn read_auth(auth: &Value) -> StoredAuth {
    let config = auth.get("config");
    let field = |key: &str| {
        config
            .and_then(|c| c.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let unknown = || StoredAuth::Other(auth.clone());
    let shape_known = |keys: &[&str]| {
        config.and_then(Value::as_object).is_some_and(|config| {
            config.iter().all(|(key, value)| {
                keys.contains(&key.as_str()) && (value.is_string() || value.is_null())
            })
        })
    };
    match auth.get("type").and_then(Value::as_str) {
        Some("api_key") if shape_known(&["name", "value", "in"]) => match field("name") {
            Some(name) => StoredAuth::ApiKey {
                name,
                value: returned_secret(field("value")),
                location: field("in").unwrap_or_else(|| "header".into()),
            },
            None => unknown(),
        },
        Some("basic_auth") if shape_known(&["user", "password"]) => match field("user") {
            Some(user) => StoredAuth::BasicAuth {
                user,
                password: returned_secret(field("password")),
            },
            None => unknown(),
        },
        _ => unknown(),
    }
}

/// "an object", "null", … for messages about unexpected JSON.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

mod text;

#[cfg(test)]
mod tests;
