//! The fields of a web hook entry's `config`, as Ory and Kratos write them: one table ([`FIELDS`])
//! that says, for each, its name, the key `action!` and the builder set it with, what an absent
//! field means, which platforms store it and whether it holds a secret; the table's order is the
//! order a person writes an entry's keys in.
//!
//! Every place that lists fields reads this table: the keys of `action!`, the codec of entries,
//! the key order of written entries, the fields Ory Network does not store, and where secrets
//! sit. Adding a field means a row here and the places that give it syntax.

use crate::Platform;

/// One field of a web hook entry's `config`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Where Kratos writes it, from the entry's `config`: `response.ignore` is `ignore` in the
    /// object `response`. Also its name in plans.
    pub name: &'static str,
    /// The key of `action!`, and the method of the builder, that set it.
    pub key: &'static str,
    /// What an absent field means.
    pub default: DefaultValue,
    /// Whether Ory Network stores it; self-hosted Kratos stores every field.
    pub on_ory_network: bool,
    /// Which of its values are secrets.
    pub secret: HoldsSecret,
}

/// What an absent field means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    /// It cannot be absent.
    Required,
    /// Nothing: no body, no authentication, no headers, no id.
    Nothing,
    /// This text.
    Text(&'static str),
    /// This flag.
    Bool(bool),
}

/// Which of a field's values are secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoldsSecret {
    /// None.
    No,
    /// These keys of the field's `config` object (the api key value, the basic auth password).
    InConfig(&'static [&'static str]),
    /// Any value of the field's object may be one (a header value).
    AnyValue,
}

/// `url`: the URL Ory calls.
pub const URL: Field = Field::both("url", DefaultValue::Required);
/// `method`: the HTTP method of the call.
pub const METHOD: Field = Field::both("method", DefaultValue::Text("POST"));
/// `body`: the Jsonnet template of the request body, or a reference to one.
pub const BODY: Field = Field::both("body", DefaultValue::Nothing);
/// `auth`: how Ory authenticates to the hook.
pub const AUTH: Field = Field {
    secret: HoldsSecret::InConfig(&["value", "password"]),
    ..Field::both("auth", DefaultValue::Nothing)
};
/// `headers`: request headers.
pub const HEADERS: Field = Field {
    secret: HoldsSecret::AnyValue,
    ..Field::kratos_only("headers", DefaultValue::Nothing)
};
/// `response.ignore`: the call runs in the background and its answer is ignored.
pub const RESPONSE_IGNORE: Field = Field {
    key: "response_ignore",
    ..Field::both("response.ignore", DefaultValue::Bool(false))
};
/// `response.parse`: the answer may stop the flow or change the identity.
pub const RESPONSE_PARSE: Field = Field {
    key: "response_parse",
    ..Field::both("response.parse", DefaultValue::Bool(false))
};
/// `can_interrupt`: the hook may stop the flow with field messages.
pub const CAN_INTERRUPT: Field = Field::both("can_interrupt", DefaultValue::Bool(false));
/// `emit_analytics_event`: Kratos emits analytics events and request-id headers for the hook.
pub const EMIT_ANALYTICS_EVENT: Field =
    Field::kratos_only("emit_analytics_event", DefaultValue::Bool(true));
/// `id`: the label of the hook in Kratos's logs.
pub const ID: Field = Field::kratos_only("id", DefaultValue::Nothing);

/// Every field, in the order a person writes an entry's keys in.
pub const FIELDS: [Field; 10] = [
    URL,
    METHOD,
    BODY,
    AUTH,
    HEADERS,
    RESPONSE_IGNORE,
    RESPONSE_PARSE,
    CAN_INTERRUPT,
    EMIT_ANALYTICS_EVENT,
    ID,
];

impl Field {
    /// A field both platforms store, that holds no secret, set by the key of its name.
    const fn both(name: &'static str, default: DefaultValue) -> Field {
        Field {
            name,
            key: name,
            default,
            on_ory_network: true,
            secret: HoldsSecret::No,
        }
    }

    /// A field only self-hosted Kratos stores.
    const fn kratos_only(name: &'static str, default: DefaultValue) -> Field {
        Field {
            on_ory_network: false,
            ..Field::both(name, default)
        }
    }

    /// The flag an absent field means: its default, for a flag; false for any other field.
    pub const fn default_flag(&self) -> bool {
        matches!(self.default, DefaultValue::Bool(true))
    }

    /// Whether `platform` stores it.
    pub const fn stored_on(&self, platform: Platform) -> bool {
        match platform {
            Platform::OryNetwork => self.on_ory_network,
            Platform::Kratos => true,
        }
    }

    /// The key it has in the entry's `config` (`response` for `response.ignore`), and the key
    /// in the object there, for a field written in one.
    pub fn path(&self) -> (&'static str, Option<&'static str>) {
        match self.name.split_once('.') {
            Some((object, key)) => (object, Some(key)),
            None => (self.name, None),
        }
    }
}

/// The keys of the object at `path` in an entry's `config` (`[]` is the config itself), in the
/// order a person writes them: each field's key once, in the order of [`FIELDS`]. Empty where
/// no field is written.
pub fn written_order(path: &[&str]) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for field in &FIELDS {
        let key = match (path, field.path()) {
            ([], (key, _)) => key,
            ([object], (at, Some(key))) if *object == at => key,
            _ => continue,
        };
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// Whether `key` is a key of an entry's `config` that some field is written at.
pub fn is_config_key(key: &str) -> bool {
    FIELDS.iter().any(|field| field.path().0 == key)
}

/// The fields `platform` does not store, in the order of [`FIELDS`].
pub fn not_stored_on(platform: Platform) -> impl Iterator<Item = &'static Field> {
    FIELDS
        .iter()
        .filter(move |field| !field.stored_on(platform))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_order_is_the_order_of_the_table() {
        assert_eq!(
            written_order(&[]),
            [
                "url",
                "method",
                "body",
                "auth",
                "headers",
                "response",
                "can_interrupt",
                "emit_analytics_event",
                "id"
            ]
        );
        assert_eq!(written_order(&["response"]), ["ignore", "parse"]);
        assert!(written_order(&["headers"]).is_empty());
        assert!(written_order(&["auth", "config"]).is_empty());
    }

    #[test]
    fn ory_network_does_not_store_headers_emit_analytics_event_and_id() {
        let names: Vec<&str> = not_stored_on(Platform::OryNetwork)
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["headers", "emit_analytics_event", "id"]);
        assert_eq!(not_stored_on(Platform::Kratos).count(), 0);
    }

    #[test]
    fn keys_are_names_with_an_underscore_for_the_dot() {
        for field in FIELDS {
            assert_eq!(field.key, field.name.replace('.', "_"));
            assert!(is_config_key(field.path().0));
        }
        assert!(!is_config_key("ignore"));
    }
}
