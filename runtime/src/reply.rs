//! Replies to Kratos, typed: what the service that receives a hook answers ([`Reply`]), and what
//! Kratos makes of any answer ([`Verdict`], which `probe` and [`Stack::probe_service`] print).
//!
//! Kratos reads a reply in `selfservice/hook/web_hook.go` (`execute`, `parseWebhookResponse`):
//!
//! - a hook with `response.ignore` is not waited for: whatever it answers changes nothing;
//! - status 400 or more stops the flow. With `response.parse` or `can_interrupt`, the body is read
//!   as `{"messages": [{"instance_ptr": "#/traits/email", "messages": [{"id": 4000001, "text":
//!   "…", "type": "error", "context": {…}}]}]}`, each message shown on its field (`type` `error`
//!   is an error, any other type information); without either flag, or when nothing can be read,
//!   the user sees a generic error. 429 and 5xx but 501 are retried first, and once the retries
//!   run out nothing is read;
//! - with `response.parse`, a 200 is read as JSON, and the fields of its `identity` replace the
//!   identity's ([`Identity`]), where the hook runs before the identity is saved (registration
//!   and settings, per-method lists); elsewhere they are dropped;
//! - everything else in 2xx and 3xx lets the flow go on.
//!
//! [`Reply::verdict`] tells, for one action in one of its lists, what Kratos does with a reply;
//! `probe` judges the replies it reads with the same rules.
//!
//! [`Stack::probe_service`]: crate::Stack::probe_service

use std::fmt;

use ory_actions_core::{Flow, Scope};
use serde_json::{Map, Value, json};

use crate::action::Action;
use crate::payload::Phase;

/// What a service answers a hook: nothing to say ([`Reply::ok`]), messages that stop the flow
/// ([`Reply::interrupt`]) or an identity to save ([`Reply::identity`]). [`Reply::status`] and
/// [`Reply::body`] are the answer as Kratos reads it.
///
/// ```
/// use ory_actions::reply::{Message, Reply};
///
/// let reply = Reply::interrupt([Message::error(4000001, "This address is not on the list.")
///     .at("#/traits/email")]);
/// assert_eq!(reply.status(), 400);
/// assert_eq!(
///     reply.body().unwrap(),
///     r##"{"messages":[{"instance_ptr":"#/traits/email","messages":[{"id":4000001,"text":"This address is not on the list.","type":"error"}]}]}"##
/// );
/// assert_eq!(Reply::ok().status(), 204);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Reply(Said);

#[derive(Clone, Debug, PartialEq)]
enum Said {
    Nothing,
    Messages(Vec<Message>),
    Identity(Identity),
}

impl Reply {
    /// Nothing to say: the flow goes on (204, which every hook may answer).
    pub fn ok() -> Reply {
        Reply(Said::Nothing)
    }

    /// Stops the flow and shows `messages` (400). Kratos reads them only from a hook with
    /// `response.parse` or `can_interrupt`; from any other it shows a generic error instead.
    /// Kratos needs at least one message: with none it shows a generic error too.
    pub fn interrupt(messages: impl IntoIterator<Item = Message>) -> Reply {
        Reply(Said::Messages(messages.into_iter().collect()))
    }

    /// Replaces fields of the identity (200 with `{"identity": {…}}`). Kratos reads it only
    /// from a hook with `response.parse`, and saves it only where the hook runs before the
    /// identity is saved: in a registration or settings per-method `after` list.
    pub fn identity(identity: Identity) -> Reply {
        Reply(Said::Identity(identity))
    }

    /// The HTTP status: 204 for [`Reply::ok`], 400 for [`Reply::interrupt`], 200 for
    /// [`Reply::identity`].
    pub fn status(&self) -> u16 {
        match &self.0 {
            Said::Nothing => 204,
            Said::Messages(_) => 400,
            Said::Identity(_) => 200,
        }
    }

    /// The body as JSON, exactly as Kratos parses it; `None` for [`Reply::ok`].
    pub fn to_json(&self) -> Option<Value> {
        match &self.0 {
            Said::Nothing => None,
            Said::Messages(messages) => {
                // Kratos groups messages by where they are shown.
                let mut groups: Vec<(&str, Vec<Value>)> = Vec::new();
                for message in messages {
                    let shown = message.to_json();
                    match groups.iter_mut().find(|(at, _)| *at == message.at) {
                        Some((_, list)) => list.push(shown),
                        None => groups.push((&message.at, vec![shown])),
                    }
                }
                let groups: Vec<Value> = groups
                    .into_iter()
                    .map(|(at, messages)| json!({"instance_ptr": at, "messages": messages}))
                    .collect();
                Some(json!({ "messages": groups }))
            }
            Said::Identity(identity) => Some(json!({ "identity": identity.fields })),
        }
    }

    /// The body as JSON text ([`Reply::to_json`]); `None` for [`Reply::ok`].
    pub fn body(&self) -> Option<String> {
        self.to_json().map(|json| json.to_string())
    }

    /// What Kratos does with this reply from `action`'s hook in the list `scope` (one of the
    /// action's), and whether the flow goes on as the reply means it to: an interrupt from a
    /// hook that may not interrupt, or an identity Kratos reads from a hook that does not parse,
    /// or does not save, is not.
    ///
    /// ```
    /// use ory_actions::reply::{Identity, Reply};
    /// use ory_actions::{Scope, action};
    /// use serde_json::json;
    ///
    /// let parses = action! {
    ///     flow: registration, timing: after, auth_method: password,
    ///     url: "https://hooks.example.com/enrich", response_parse: true,
    ///     body: "function(ctx) { traits: ctx.identity.traits }",
    /// };
    /// let reply = Reply::identity(Identity::new().metadata_public(json!({"plan": "free"})));
    /// let verdict = reply.verdict(&parses, Scope::RegistrationAfterPassword);
    /// assert!(verdict.is_ok(), "{verdict}");
    /// ```
    pub fn verdict(&self, action: &Action, scope: Scope) -> Verdict {
        let body = self.body().unwrap_or_default();
        hear(
            &Reading::of(action, scope),
            self.status(),
            body.as_bytes(),
            false,
            None,
        )
    }
}

/// A message shown with an interrupted flow: [`Message::error`] or [`Message::info`], on a field
/// ([`Message::at`]) or on the whole form (the default).
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    at: String,
    id: i64,
    text: String,
    error: bool,
    context: Option<Value>,
}

impl Message {
    /// An error message: `id` is the message's number (Kratos's own are in
    /// `text/id.go`; 4000001 is a generic validation error), `text` what the user reads.
    pub fn error(id: i64, text: impl Into<String>) -> Message {
        Message {
            at: FLOW_WIDE.into(),
            id,
            text: text.into(),
            error: true,
            context: None,
        }
    }

    /// A message that informs (Kratos shows any `type` but `error` as information).
    pub fn info(id: i64, text: impl Into<String>) -> Message {
        Message {
            error: false,
            ..Message::error(id, text)
        }
    }

    /// Shows the message on the field that `pointer` names, a JSON pointer into the form's
    /// values such as `#/traits/email` (the default, `#`, is the whole form).
    pub fn at(mut self, pointer: impl Into<String>) -> Message {
        self.at = pointer.into();
        self
    }

    /// Data for the message's translation (Kratos passes it on to the UI as `context`).
    pub fn context(mut self, context: Value) -> Message {
        self.context = Some(context);
        self
    }

    fn to_json(&self) -> Value {
        let mut message = json!({
            "id": self.id,
            "text": self.text,
            "type": if self.error { "error" } else { "info" },
        });
        if let (Some(context), Value::Object(fields)) = (&self.context, &mut message) {
            fields.insert("context".into(), context.clone());
        }
        message
    }
}

/// Where a message for the whole form is placed.
const FLOW_WIDE: &str = "#";

/// The fields of an identity a parse hook replaces, each only when set: Kratos replaces
/// `traits`, `metadata_public`, `metadata_admin`, `verifiable_addresses`,
/// `recovery_addresses`, `state` and `schema_id` when the new value is not empty, and
/// `external_id` whenever it is given.
///
/// ```
/// use ory_actions::reply::{Identity, Reply, State};
/// use serde_json::json;
///
/// let reply = Reply::identity(
///     Identity::new()
///         .traits(json!({"email": "jane@example.com", "name": "Jane"}))
///         .state(State::Active),
/// );
/// assert_eq!(reply.status(), 200);
/// assert_eq!(
///     reply.body().unwrap(),
///     r#"{"identity":{"state":"active","traits":{"email":"jane@example.com","name":"Jane"}}}"#
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Identity {
    fields: Map<String, Value>,
}

/// An identity's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// The identity may sign in.
    Active,
    /// The identity may not sign in.
    Inactive,
}

impl Identity {
    /// No field replaced yet.
    pub fn new() -> Identity {
        Identity::default()
    }

    fn with(mut self, field: &str, value: Value) -> Identity {
        self.fields.insert(field.into(), value);
        self
    }

    /// The traits, an object the identity's schema must accept.
    pub fn traits(self, traits: Value) -> Identity {
        self.with("traits", traits)
    }

    /// Metadata the identity may read, an object.
    pub fn metadata_public(self, metadata: Value) -> Identity {
        self.with("metadata_public", metadata)
    }

    /// Metadata only the admin API shows, an object.
    pub fn metadata_admin(self, metadata: Value) -> Identity {
        self.with("metadata_admin", metadata)
    }

    /// The addresses to verify, a list of `{"value": …, "via": "email", …}`.
    pub fn verifiable_addresses(self, addresses: Value) -> Identity {
        self.with("verifiable_addresses", addresses)
    }

    /// The addresses to recover with, a list of `{"value": …, "via": "email"}`.
    pub fn recovery_addresses(self, addresses: Value) -> Identity {
        self.with("recovery_addresses", addresses)
    }

    /// Whether the identity may sign in.
    pub fn state(self, state: State) -> Identity {
        let state = match state {
            State::Active => "active",
            State::Inactive => "inactive",
        };
        self.with("state", state.into())
    }

    /// The identity schema's id.
    pub fn schema_id(self, id: impl Into<String>) -> Identity {
        self.with("schema_id", Value::String(id.into()))
    }

    /// The id the identity has in another system (replaced even when empty).
    pub fn external_id(self, id: impl Into<String>) -> Identity {
        self.with("external_id", Value::String(id.into()))
    }
}

/// What Kratos does with a reply, and whether that is what the hook needs: its [`Display`] is
/// the line `probe` prints after the hook's name.
///
/// [`Display`]: fmt::Display
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub(crate) ok: bool,
    pub(crate) says: String,
}

impl Verdict {
    /// Whether the hook answered as Kratos needs.
    pub fn is_ok(&self) -> bool {
        self.ok
    }

    /// What Kratos does with the reply, for people.
    pub fn says(&self) -> &str {
        &self.says
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.says)
    }
}

/// What Kratos reads of a hook's replies: its flags, and where it runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reading {
    pub(crate) ignore: bool,
    pub(crate) parse: bool,
    pub(crate) interrupt: bool,
    pub(crate) phase: Phase,
    pub(crate) flow: Flow,
}

impl Reading {
    /// How Kratos reads the replies of `action`'s hook in the list `scope`.
    pub(crate) fn of(action: &Action, scope: Scope) -> Reading {
        let rules = action.flags();
        Reading {
            ignore: rules.response_ignore,
            parse: rules.response_parse,
            interrupt: rules.can_interrupt,
            phase: Phase::of(scope, action.flags()),
            flow: scope.flow(),
        }
    }

    /// Whether Kratos keeps the identity a hook changes: before it is saved (registration and
    /// settings, pre-persist), not after login, recovery or verification.
    fn saves_identity(&self) -> bool {
        self.phase == Phase::PrePersist
            || !matches!(self.flow, Flow::Login | Flow::Recovery | Flow::Verification)
    }
}

/// Reads a reply (`status`, and the `body` as far as Kratos reads it, `cut` when it was longer)
/// as Kratos does for a hook read as `reading`; `identity` is the identity the request was made
/// for, to say what a parse hook changes.
pub(crate) fn hear(
    reading: &Reading,
    status: u16,
    body: &[u8],
    cut: bool,
    identity: Option<&Value>,
) -> Verdict {
    let verdict = |ok: bool, says: String| Verdict { ok, says };
    if reading.ignore {
        return verdict(
            true,
            format!("{status}: fired; Kratos does not wait for this hook and only logs a failure"),
        );
    }
    let reads_errors = reading.parse || reading.interrupt;
    // Kratos reads a body only where the flags make it; a cut one is not the whole JSON.
    let cut_note = " (cut at 5 MiB, as Kratos reads it)";
    // A 429 or 5xx (but 501) is retried, and once the retries run out Kratos has no reply.
    let retried = status == 429 || (status >= 500 && status != 501);
    match status {
        200 if reading.parse => {
            let json = if cut {
                Err(())
            } else {
                serde_json::from_slice::<Value>(body).map_err(|_| ())
            };
            match json {
                Err(()) => verdict(
                    false,
                    format!(
                        "200 with a body that is not JSON{}: Kratos fails the flow (a hook \
                         with `response.parse` must answer 200 with a JSON object, or 204)",
                        if cut { cut_note } else { "" }
                    ),
                ),
                Ok(Value::Object(object)) => match go_field(&object, "identity") {
                    None | Some(Value::Null) => verdict(
                        true,
                        "200 with JSON and no `identity`: the identity stays as it is".into(),
                    ),
                    Some(changed) => hear_identity(reading, changed, identity),
                },
                Ok(Value::Null) => verdict(true, "200 with `null`: nothing changes".into()),
                Ok(_) => verdict(
                    false,
                    "200 with JSON that is not an object: Kratos cannot read it and fails the \
                     flow"
                        .into(),
                ),
            }
        }
        200..=299 if reading.parse => verdict(
            true,
            format!("{status}: Kratos reads a body only from a 200, so nothing changes"),
        ),
        200..=399 => {
            if status == 200 && !cut && says_identity(body) {
                return verdict(
                    false,
                    "200 with an `identity`, but this hook has no `response.parse`: Kratos does \
                     not read the reply, and nothing changes"
                        .into(),
                );
            }
            verdict(
                true,
                format!(
                    "{status}{}",
                    if cut {
                        "; the reply is over 5 MiB, of which Kratos reads nothing for this hook"
                    } else {
                        ""
                    }
                ),
            )
        }
        400.. if reads_errors && !retried => match (cut, messages(body)) {
            (false, Ok(shown)) => verdict(
                true,
                format!("{status}: the flow stops and the user sees: {shown}"),
            ),
            (cut_off, result) => verdict(
                false,
                format!(
                    "{status} without messages Kratos can read ({}{}): the flow stops with a \
                     generic error; answer {{\"messages\": [{{\"instance_ptr\": \
                     \"#/traits/email\", \"messages\": [{{\"id\": 4000001, \"text\": \"…\", \
                     \"type\": \"error\"}}]}}]}}",
                    result.err().unwrap_or_else(|| "the body".into()),
                    if cut_off { cut_note } else { "" }
                ),
            ),
        },
        _ if reads_errors && retried => verdict(
            false,
            format!(
                "{status}: Kratos retries and then fails the flow without reading messages \
                 (use a 4xx other than 429 to show messages)"
            ),
        ),
        _ => verdict(
            false,
            format!(
                "{status}: Kratos fails the flow with a generic error (a hook without \
                 `response.parse` or `can_interrupt` must answer 2xx{})",
                if messages(body).is_ok() {
                    "; Kratos does not read its messages"
                } else {
                    ""
                }
            ),
        ),
    }
}

/// Whether a body is a JSON object with an `identity` that is not `null`: what a service that
/// means to change the identity answers.
fn says_identity(body: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => {
            go_field(&object, "identity").is_some_and(|identity| !identity.is_null())
        }
        _ => false,
    }
}

/// What Kratos does with the `identity` of a parse hook's 200, where the hook runs.
fn hear_identity(reading: &Reading, changed: &Value, identity: Option<&Value>) -> Verdict {
    if reading.phase == Phase::Before {
        return Verdict {
            ok: false,
            says: "200 with an `identity`, but a `before` hook has no identity to change: \
                   Kratos fails the flow (answer 204, or leave `identity` out)"
                .into(),
        };
    }
    match identity_changes(changed, identity) {
        Err(problem) => Verdict {
            ok: false,
            says: format!("200 with an `identity` Kratos refuses: {problem}"),
        },
        Ok(fields) if fields.is_empty() => Verdict {
            ok: true,
            says: "200 with an `identity` Kratos accepts; it changes nothing".into(),
        },
        Ok(fields) if reading.saves_identity() => Verdict {
            ok: true,
            says: format!(
                "200 with an `identity` Kratos accepts; it replaces {}",
                fields.join(", ")
            ),
        },
        Ok(fields) => Verdict {
            ok: false,
            says: format!(
                "200 with an `identity` that replaces {}, but Kratos does not save changes made \
                 in this list (only registration and settings per-method `after` lists do)",
                fields.join(", ")
            ),
        },
    }
}

/// The fields a parse hook's `identity` replaces, or why Kratos refuses it.
fn identity_changes(changed: &Value, before: Option<&Value>) -> Result<Vec<String>, String> {
    let Value::Object(fields) = changed else {
        return Err("`identity` must be an object".into());
    };
    let mut replaced = Vec::new();
    for (key, value) in fields {
        let expected = match key.as_str() {
            "traits" | "metadata_public" | "metadata_admin" => "an object",
            "schema_id" | "state" | "external_id" => "a string",
            "verifiable_addresses" | "recovery_addresses" => "a list",
            _ => continue,
        };
        let fits = match expected {
            "an object" => value.is_object() || value.is_null(),
            "a string" => value.is_string() || value.is_null(),
            _ => value.is_array() || value.is_null(),
        };
        if !fits {
            return Err(format!("`identity.{key}` must be {expected}"));
        }
        if key == "state" && !matches!(value.as_str(), None | Some("" | "active" | "inactive")) {
            return Err("`identity.state` must be `active` or `inactive`".into());
        }
        // Kratos replaces a field when the new value is not empty; `external_id` whenever it is
        // there.
        let empty = match value {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
        if (!empty || key == "external_id") && before.and_then(|b| b.get(key)) != Some(value) {
            replaced.push(format!("`{key}`"));
        }
    }
    Ok(replaced)
}

/// The field `name` of a JSON object as Go's `encoding/json` finds it for a struct field: the
/// key written exactly so, else one that differs only in case.
fn go_field<'v>(object: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

/// The messages of an error reply as a person sees them, or why Kratos cannot read them. As
/// Kratos decodes them (`rawHookResponse` in `selfservice/hook/web_hook.go`, with Go's
/// `encoding/json`): the first JSON value of the body, keys matched in any case, unknown keys
/// and `null`s let through, a value of the wrong type refused; a message whose `type` is
/// `error` is an error, any other type information; no message group at all is itself an
/// error.
fn messages(body: &[u8]) -> Result<String, String> {
    let json = serde_json::Deserializer::from_slice(body)
        .into_iter::<Value>()
        .next()
        .and_then(Result::ok)
        .ok_or("the body is not JSON")?;
    let mut shown = Vec::new();
    let groups = match &json {
        Value::Null => return Err("no `messages` list".into()),
        Value::Object(object) => match go_field(object, "messages") {
            None | Some(Value::Null) => return Err("no `messages` list".into()),
            Some(Value::Array(groups)) => groups,
            Some(_) => return Err("`messages` is not a list".into()),
        },
        _ => return Err("the body is not a JSON object".into()),
    };
    if groups.is_empty() {
        return Err("an empty `messages` list".into());
    }
    for group in groups {
        let group = match group {
            Value::Null => continue,
            Value::Object(group) => group,
            _ => return Err("a message group that is not an object".into()),
        };
        let field = match go_field(group, "instance_ptr") {
            None | Some(Value::Null) => "",
            Some(Value::String(pointer)) => pointer.as_str(),
            Some(_) => return Err("an `instance_ptr` that is not a string".into()),
        };
        let list = match go_field(group, "messages") {
            None | Some(Value::Null) => &Vec::new(),
            Some(Value::Array(list)) => list,
            Some(_) => return Err("a group's `messages` that is not a list".into()),
        };
        for message in list {
            let message = match message {
                Value::Null => continue,
                Value::Object(message) => message,
                _ => return Err("a message that is not an object".into()),
            };
            let text = match go_field(message, "text") {
                None | Some(Value::Null) => "",
                Some(Value::String(text)) => text.as_str(),
                Some(_) => return Err("a message whose `text` is not a string".into()),
            };
            match go_field(message, "id") {
                None | Some(Value::Null) => {}
                Some(id) if id.is_i64() => {}
                Some(_) => return Err("a message whose `id` is not a whole number".into()),
            }
            let kind = match go_field(message, "type") {
                None | Some(Value::Null) => "info",
                Some(Value::String(kind)) if kind == "error" => "error",
                Some(Value::String(_)) => "info",
                Some(_) => return Err("a message whose `type` is not a string".into()),
            };
            let field = field.trim_start_matches('#').trim_start_matches('/');
            let field = if field.is_empty() { "the form" } else { field };
            shown.push(format!("{field}: {text} ({kind})"));
        }
    }
    if shown.is_empty() {
        return Err("no message in `messages`".into());
    }
    Ok(shown.join("; "))
}

#[cfg(test)]
mod tests;
