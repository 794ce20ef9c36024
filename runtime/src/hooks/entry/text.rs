//! Reading a stored `web_hook` entry straight from its JSON text, for the shape nearly every
//! entry has ([`WebHook::decode_text`]); any other entry is read from its value
//! ([`WebHook::decode`]), and the tests hold the two readers together.

use std::collections::BTreeMap;

use ory_actions_core::fields::{self, FlagValues, METHOD};

use super::{HookUrl, Method, StoredBody, WebHook, default_text, method, read_body};

impl WebHook {
    /// What the entry written as the JSON `text` means, read straight from the text when the
    /// entry has the common shape ([`TextEntry`]: a `web_hook` with a `url` and only the fields
    /// that need no more than a string or a flag); `None` for every other entry, which
    /// [`Entry::read`](super::Entry::read) reads from its value. Gives what
    /// [`WebHook::decode`] gives (the tests hold the two together), several times faster.
    pub(crate) fn decode_text(text: &str) -> Option<WebHook> {
        let entry: TextEntry<'_> = serde_json::from_str(text).ok()?;
        if entry.hook != "web_hook" {
            return None;
        }
        let config = entry.config;
        let url = config.url?;
        let method = match config.method {
            None => method(default_text(&METHOD)),
            Some("") => Method::Borrowed("GET"),
            Some(m) => method(m),
        };
        let body = match config.body {
            None | Some("") => StoredBody::None,
            Some(body) => read_body(body.to_owned()),
        };
        let mut flags = FlagValues::default();
        for field in fields::flags() {
            let value = match field.name {
                "response.ignore" => config.ignore,
                "response.parse" => config.parse,
                "can_interrupt" => config.can_interrupt,
                "emit_analytics_event" => config.emit_analytics_event,
                // A flag this shape does not know: the value reads it.
                _ => return None,
            };
            flags.set(field, value);
        }
        Some(WebHook {
            url: HookUrl::new(url),
            method,
            body,
            auth: None,
            headers: BTreeMap::new(),
            flags,
            id: None,
            extra: BTreeMap::new(),
        })
    }
}

/// The shape nearly every `web_hook` entry has, read straight from its text: `hook` and a
/// `config` object of `url`, `method`, `body`, `response` and the flags, nothing else
/// ([`WebHook::decode_text`]). Only objects are taken where objects belong (a derived reader
/// would take an array for a struct), a key given twice is refused, and so is a string with an
/// escape: every such entry is read from its value instead.
struct TextEntry<'a> {
    hook: &'a str,
    config: TextConfig<'a>,
}

#[derive(Default)]
struct TextConfig<'a> {
    url: Option<&'a str>,
    method: Option<&'a str>,
    body: Option<&'a str>,
    ignore: Option<bool>,
    parse: Option<bool>,
    can_interrupt: Option<bool>,
    emit_analytics_event: Option<bool>,
}

/// Sets `slot` once: a key given twice is an error, so that the value reader decides.
fn once<T, E: serde::de::Error>(
    slot: &mut Option<T>,
    seen: &mut bool,
    value: Option<T>,
) -> Result<(), E> {
    if std::mem::replace(seen, true) {
        return Err(E::custom("a key given twice"));
    }
    *slot = value;
    Ok(())
}

impl<'de> serde::Deserialize<'de> for TextEntry<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TextEntry<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an entry")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let (mut hook, mut config) = (None, None);
                let mut seen = [false; 2];
                while let Some(key) = map.next_key::<&'de str>()? {
                    match key {
                        "hook" => once(&mut hook, &mut seen[0], Some(map.next_value()?))?,
                        "config" => once(&mut config, &mut seen[1], Some(map.next_value()?))?,
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                match (hook, config) {
                    (Some(hook), Some(config)) => Ok(TextEntry { hook, config }),
                    _ => Err(serde::de::Error::custom("no hook or no config")),
                }
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl<'de> serde::Deserialize<'de> for TextConfig<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TextConfig<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a config object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut config = TextConfig::default();
                let mut seen = [false; 6];
                while let Some(key) = map.next_key::<&'de str>()? {
                    match key {
                        "url" => once(&mut config.url, &mut seen[0], map.next_value()?)?,
                        "method" => once(&mut config.method, &mut seen[1], map.next_value()?)?,
                        "body" => once(&mut config.body, &mut seen[2], map.next_value()?)?,
                        "can_interrupt" => {
                            once(&mut config.can_interrupt, &mut seen[3], map.next_value()?)?;
                        }
                        "emit_analytics_event" => once(
                            &mut config.emit_analytics_event,
                            &mut seen[4],
                            map.next_value()?,
                        )?,
                        "response" => {
                            let mut response = None;
                            once(
                                &mut response,
                                &mut seen[5],
                                map.next_value::<Option<TextResponse>>()?,
                            )?;
                            if let Some(TextResponse { ignore, parse }) = response {
                                config.ignore = ignore;
                                config.parse = parse;
                            }
                        }
                        _ => return Err(serde::de::Error::custom("a field read from the value")),
                    }
                }
                Ok(config)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// `response`: `ignore` and `parse`, nothing else.
struct TextResponse {
    ignore: Option<bool>,
    parse: Option<bool>,
}

impl<'de> serde::Deserialize<'de> for TextResponse {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TextResponse;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a response object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut response = TextResponse {
                    ignore: None,
                    parse: None,
                };
                let mut seen = [false; 2];
                while let Some(key) = map.next_key::<&'de str>()? {
                    match key {
                        "ignore" => once(&mut response.ignore, &mut seen[0], map.next_value()?)?,
                        "parse" => once(&mut response.parse, &mut seen[1], map.next_value()?)?,
                        _ => return Err(serde::de::Error::custom("a field read from the value")),
                    }
                }
                Ok(response)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
