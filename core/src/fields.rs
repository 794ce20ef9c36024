//! The fields of a web hook entry's `config`, as Ory and Kratos write them: one table ([`FIELDS`])
//! that says, for each, its name, the key `action!` and the builder set it with, what an absent
//! field means, which platforms store it and whether it holds a secret; the table's order is the
//! order a person writes an entry's keys in.
//!
//! Every place that lists fields reads this table: the keys of `action!`, the codec of entries,
//! the key order of written entries, the fields Ory Network does not store, and where secrets
//! sit. Adding a field means a row here and the places that give it syntax.

use crate::Platform;
use crate::rules::Flags;

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

/// The fields whose value is a flag, in the order of [`FIELDS`].
pub fn flags() -> impl Iterator<Item = &'static Field> {
    FIELDS
        .iter()
        .filter(|field| matches!(field.default, DefaultValue::Bool(_)))
}

/// The flags an entry gives: for each field of [`FIELDS`] whose value is a flag, true, false or
/// not given (which means its default). Two are equal when they mean the same: a flag given as
/// its default equals one not given. `Debug` shows the given ones by name.
#[derive(Clone, Copy, Default)]
pub struct FlagValues([Option<bool>; FIELDS.len()]);

impl PartialEq for FlagValues {
    fn eq(&self, other: &FlagValues) -> bool {
        flags().all(|field| self.value(field) == other.value(field))
    }
}

impl Eq for FlagValues {}

impl std::hash::Hash for FlagValues {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for field in flags() {
            self.value(field).hash(state);
        }
    }
}

impl FlagValues {
    /// These flags with `field` given as `value`.
    #[must_use]
    pub fn with(mut self, field: &Field, value: bool) -> FlagValues {
        self.set(field, Some(value));
        self
    }

    /// Gives `field` as `value`, or takes it back with `None`. A field that is not a flag of
    /// [`FIELDS`] has no place here and is left out.
    pub fn set(&mut self, field: &Field, value: Option<bool>) {
        if let Some(slot) = position(field).and_then(|at| self.0.get_mut(at)) {
            *slot = value;
        }
    }

    /// The value given to `field`; `None` when it is not given.
    pub fn given(&self, field: &Field) -> Option<bool> {
        position(field).and_then(|at| self.0[at])
    }

    /// What `field` means: the value given, or its default.
    pub fn value(&self, field: &Field) -> bool {
        self.given(field).unwrap_or(field.default_flag())
    }

    /// The flags given, in the order of [`FIELDS`].
    pub fn given_flags(&self) -> impl Iterator<Item = (&'static Field, bool)> + '_ {
        FIELDS
            .iter()
            .zip(self.0)
            .filter_map(|(field, value)| Some((field, value?)))
    }

    /// The flags the rules of [`crate::rules::check_flags`] read, defaults filled in.
    pub fn rules(&self) -> Flags {
        Flags {
            can_interrupt: self.value(&CAN_INTERRUPT),
            response_ignore: self.value(&RESPONSE_IGNORE),
            response_parse: self.value(&RESPONSE_PARSE),
        }
    }
}

impl std::fmt::Debug for FlagValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.given_flags().map(|(field, value)| (field.name, value)))
            .finish()
    }
}

/// Where `field`, a flag, sits in [`FIELDS`].
fn position(field: &Field) -> Option<usize> {
    FIELDS
        .iter()
        .position(|f| f.name == field.name && matches!(f.default, DefaultValue::Bool(_)))
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

    #[test]
    fn flag_values_hold_what_is_given_and_mean_the_default_otherwise() {
        let names: Vec<&str> = flags().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "response.ignore",
                "response.parse",
                "can_interrupt",
                "emit_analytics_event"
            ]
        );
        let none = FlagValues::default();
        assert_eq!(none.given(&CAN_INTERRUPT), None);
        assert!(!none.value(&CAN_INTERRUPT));
        assert!(none.value(&EMIT_ANALYTICS_EVENT));
        let some = none
            .with(&EMIT_ANALYTICS_EVENT, false)
            .with(&RESPONSE_PARSE, true)
            .with(&URL, true);
        assert_eq!(some.given(&EMIT_ANALYTICS_EVENT), Some(false));
        assert_eq!(some.given(&URL), None, "not a flag");
        let given: Vec<(&str, bool)> = some.given_flags().map(|(f, v)| (f.name, v)).collect();
        assert_eq!(
            given,
            [("response.parse", true), ("emit_analytics_event", false)]
        );
        assert_eq!(
            format!("{some:?}"),
            r#"{"response.parse": true, "emit_analytics_event": false}"#
        );
        assert!(some.rules().response_parse && !some.rules().can_interrupt);
        assert_eq!(
            none.with(&CAN_INTERRUPT, false)
                .with(&EMIT_ANALYTICS_EVENT, true),
            none,
            "equal by meaning"
        );
        assert_ne!(none.with(&EMIT_ANALYTICS_EVENT, false), none);
    }
}
