//! Sample contexts: what Kratos passes a body as `ctx`, made up with the shape Kratos sends
//! (`selfservice/hook/web_hook.go` `templateContext`, and the flow, identity and session
//! structs), with fixed ids and times so that payloads are stable.

use std::borrow::Cow;
use std::path::Path;

use ory_actions_core::ctx::CtxShape;
use ory_actions_core::{AuthMethod, Flags, Flow, Scope, Timing};
use serde_json::{Map, Value, json};

use super::schema::sample_traits;
use crate::error::Error;

/// Where in a flow a hook runs, which decides what its `ctx` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// A `before` hook: the flow was just created; nobody has signed in.
    Before,
    /// A registration or settings `after` hook with `response_parse` or `can_interrupt` in a
    /// per-method list: it runs before the identity is saved, and may change it (its sample
    /// identity has zero timestamps and unsaved addresses).
    PrePersist,
    /// Any other `after` hook: it runs once the flow's work is done (for registration and
    /// settings, after the identity is saved).
    PostPersist,
}

impl Phase {
    /// The phase of a hook with `flags` in the list `scope`.
    pub fn of(scope: Scope, flags: Flags) -> Phase {
        let interrupts = flags.response_parse || flags.can_interrupt;
        match scope.timing() {
            Timing::Before => Phase::Before,
            Timing::After
                if interrupts
                    && scope.method().is_some()
                    && matches!(scope.flow(), Flow::Registration | Flow::Settings) =>
            {
                Phase::PrePersist
            }
            Timing::After => Phase::PostPersist,
        }
    }

    /// How the phase is named in plans and documents: `before`, `pre-persist`, `post-persist`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Before => "before",
            Phase::PrePersist => "pre-persist",
            Phase::PostPersist => "post-persist",
        }
    }
}

/// The identity and request details sample contexts are made of. The default identity has the
/// traits `{"email": "jane.doe@example.com"}`; set other traits (or a whole identity, or
/// traits made from an identity JSON schema) for the bodies of your stack.
///
/// ```
/// use ory_actions::Scope;
/// use ory_actions::payload::{Phase, Samples};
/// use serde_json::json;
///
/// let samples = Samples::new().traits(json!({ "email": "ada@example.com", "name": "Ada" }));
/// let scope = Scope::lookup("registration", "after", Some("password")).unwrap();
/// let ctx = samples.context(scope, Phase::PostPersist);
/// assert_eq!(ctx["identity"]["traits"]["name"], "Ada");
/// assert!(ctx.get("session").is_none()); // Kratos passes no session after registration
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Samples {
    identity: Value,
    /// One sample identity per identity schema, when made from several
    /// ([`Samples::identity_schemas`]): `identity` is the first.
    schemas: Vec<(String, Value)>,
}

impl Default for Samples {
    fn default() -> Self {
        Samples {
            identity: default_identity(json!({ "email": "jane.doe@example.com" })),
            schemas: Vec::new(),
        }
    }
}

const IDENTITY_ID: &str = "9f425a8d-7efc-4768-8f23-7647a74fdf13";
const NIL_ID: &str = "00000000-0000-0000-0000-000000000000";
const FLOW_ID: &str = "1b9a4f0c-2a6e-4d3b-9c1e-5f7d8e0a6b21";
const SESSION_ID: &str = "5d1c7e2a-8b3f-4a6d-9e0c-2f4b6a8d1c3e";
const DEVICE_ID: &str = "7c3e9a1b-4d2f-4e8a-b6c0-1a3d5f7b9e2c";
const ADDRESS_ID: &str = "3e8b1d5f-6a2c-4f9e-8d7b-0c4a2e6f8b1d";
const RECOVERY_ID: &str = "4f9c2e6a-7b3d-4a0f-9e8c-1d5b3f7a9c2e";
const NOW: &str = "2026-01-01T12:00:00Z";
const LATER: &str = "2026-01-01T13:00:00Z";
const SESSION_ENDS: &str = "2026-01-02T12:00:00Z";
/// The most an identity schema file may hold.
const SCHEMA_LIMIT: u64 = 16 * 1024 * 1024;
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";
const BASE: &str = "https://auth.example.com";

fn default_identity(traits: Value) -> Value {
    let email = traits
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or("jane.doe@example.com")
        .to_owned();
    json!({
        "id": IDENTITY_ID,
        "schema_id": "default",
        "schema_url": format!("{BASE}/schemas/ZGVmYXVsdA"),
        "state": "active",
        "state_changed_at": NOW,
        "traits": traits,
        "verifiable_addresses": [{
            "id": ADDRESS_ID,
            "value": email,
            "verified": false,
            "via": "email",
            "status": "sent",
            "created_at": NOW,
            "updated_at": NOW,
        }],
        "recovery_addresses": [{
            "id": RECOVERY_ID,
            "value": email,
            "via": "email",
            "created_at": NOW,
            "updated_at": NOW,
        }],
        "metadata_public": null,
        "created_at": NOW,
        "updated_at": NOW,
    })
}

impl Samples {
    /// The default samples.
    pub fn new() -> Self {
        Samples::default()
    }

    /// The identity's traits (its addresses follow `email` when there is one).
    pub fn traits(self, traits: Value) -> Self {
        Samples {
            identity: default_identity(traits),
            schemas: Vec::new(),
        }
    }

    /// A whole identity, used as given (as `ctx.identity` and `ctx.session.identity`).
    pub fn identity(self, identity: Value) -> Self {
        Samples {
            identity,
            schemas: Vec::new(),
        }
    }

    /// One sample identity per identity schema `(id, schema)`, its traits made as
    /// [`Samples::identity_schema`] makes them and its `schema_id` the schema's id. Payloads
    /// are evaluated for each, and shown once where they are the same, per schema where they
    /// differ (`render --payloads`, [`Stack::snapshot`](crate::Stack::snapshot)); `probe` sends
    /// each different request. The first schema's identity is [`Samples::identity_value`].
    pub fn identity_schemas<'s>(
        self,
        schemas: impl IntoIterator<Item = (&'s str, &'s Value)>,
    ) -> Result<Self, Error> {
        let mut made = Vec::new();
        for (id, schema) in schemas {
            let traits = sample_traits(schema).map_err(|problem| Error::IdentitySchema {
                path: None,
                problem: format!("(schema `{id}`) {problem}"),
            })?;
            let mut identity = default_identity(traits);
            identity["schema_id"] = json!(id);
            made.push((id.to_owned(), identity));
        }
        let Some((_, first)) = made.first() else {
            return Ok(self);
        };
        Ok(Samples {
            identity: first.clone(),
            schemas: if made.len() > 1 { made } else { Vec::new() },
        })
    }

    /// The samples to evaluate with, one per identity schema (`Some(id)`) when made from
    /// several, else these (`None`).
    pub(crate) fn per_schema(&self) -> Vec<(Option<&str>, Cow<'_, Samples>)> {
        if self.schemas.is_empty() {
            return vec![(None, Cow::Borrowed(self))];
        }
        self.schemas
            .iter()
            .map(|(id, identity)| {
                (
                    Some(id.as_str()),
                    Cow::Owned(Samples {
                        identity: identity.clone(),
                        schemas: Vec::new(),
                    }),
                )
            })
            .collect()
    }

    /// Traits made from an identity JSON schema: every property of `traits` with a value of
    /// its type (`format: email` an address, an `enum` its first value, a `default` itself).
    pub fn identity_schema(self, schema: &Value) -> Result<Self, Error> {
        let traits = sample_traits(schema).map_err(|problem| Error::IdentitySchema {
            path: None,
            problem,
        })?;
        Ok(self.traits(traits))
    }

    /// [`Samples::identity_schema`] with the schema read from a JSON file: a regular file of at
    /// most 16 MiB.
    pub fn identity_schema_file(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let problem = |problem: String| Error::IdentitySchema {
            path: Some(path.to_owned()),
            problem,
        };
        let text = ory_actions_core::file::read_text(path, SCHEMA_LIMIT)
            .map_err(|why| problem(format!("it {why}")))?;
        let schema: Value =
            serde_json::from_str(&text).map_err(|e| problem(format!("not JSON: {e}")))?;
        let traits = sample_traits(&schema).map_err(problem)?;
        Ok(self.traits(traits))
    }

    /// The sample identity.
    pub fn identity_value(&self) -> &Value {
        &self.identity
    }

    /// The context Kratos passes a hook of the list `scope` in `phase`.
    pub fn context(&self, scope: Scope, phase: Phase) -> Value {
        let flow = scope.flow();
        let shape = CtxShape::of(flow, scope.timing());
        let (has_identity, has_session) = (shape.has_identity(), shape.has_session());
        let identity = self.identity_in(phase);
        let flow_id = FLOW_ID;
        let path = flow.as_str();
        let (request_method, request_url) = match phase {
            Phase::Before => ("GET", format!("{BASE}/self-service/{path}/browser")),
            _ => ("POST", format!("{BASE}/self-service/{path}?flow={flow_id}")),
        };
        let mut ctx = Map::new();
        ctx.insert("flow".into(), self.flow_object(scope, phase, &identity));
        ctx.insert(
            "request_headers".into(),
            json!({
                "Accept": ["application/json"],
                "Accept-Language": ["en-US,en;q=0.9"],
                "Content-Type": ["application/json"],
                "Origin": [BASE],
                "User-Agent": ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"],
                "X-Forwarded-For": ["203.0.113.7"],
            }),
        );
        ctx.insert("request_method".into(), json!(request_method));
        ctx.insert("request_url".into(), json!(request_url));
        ctx.insert(
            "request_cookies".into(),
            json!({ "csrf_token_82b119a1": "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6" }),
        );
        if has_identity {
            ctx.insert("identity".into(), identity.clone());
        }
        if has_session {
            ctx.insert("session".into(), session(scope, &self.identity));
        }
        Value::Object(ctx)
    }

    /// The identity as a hook in `phase` sees it. Before the identity is saved it has its id,
    /// but its timestamps and its addresses' ids and timestamps are Go's zero values, and no
    /// verification was sent yet (as in the pre-persist context Ory's webhook guide shows).
    fn identity_in(&self, phase: Phase) -> Value {
        let mut identity = self.identity.clone();
        if phase != Phase::PrePersist {
            return identity;
        }
        let unsaved = |record: &mut Value| {
            let Some(fields) = record.as_object_mut() else {
                return;
            };
            for (key, value) in fields.iter_mut() {
                match key.as_str() {
                    "created_at" | "updated_at" => *value = json!(ZERO_TIME),
                    "status" => *value = json!("pending"),
                    _ => {}
                }
            }
        };
        unsaved(&mut identity);
        for list in ["verifiable_addresses", "recovery_addresses"] {
            if let Some(Value::Array(addresses)) = identity.get_mut(list) {
                for address in addresses {
                    unsaved(address);
                    if let Some(id) = address.get_mut("id") {
                        *id = json!(NIL_ID);
                    }
                }
            }
        }
        identity
    }

    fn flow_object(&self, scope: Scope, phase: Phase, identity: &Value) -> Value {
        let flow = scope.flow();
        let path = flow.as_str();
        let mut object = Map::new();
        object.insert("id".into(), json!(FLOW_ID));
        object.insert("type".into(), json!("browser"));
        object.insert("expires_at".into(), json!(LATER));
        object.insert("issued_at".into(), json!(NOW));
        object.insert(
            "request_url".into(),
            json!(format!("{BASE}/self-service/{path}/browser")),
        );
        if phase != Phase::Before {
            let active = match (flow, scope.method()) {
                (_, Some(method)) => method.as_str(),
                (Flow::Settings, None) => "profile",
                (Flow::Verification | Flow::Recovery, None) => "code",
                (_, None) => AuthMethod::Password.as_str(),
            };
            object.insert("active".into(), json!(active));
        }
        object.insert(
            "ui".into(),
            json!({
                "action": format!("{BASE}/self-service/{path}?flow={FLOW_ID}"),
                "method": "POST",
                "nodes": [],
            }),
        );
        let state = match (flow, phase) {
            (Flow::Login | Flow::Registration, Phase::Before) => "choose_method",
            (Flow::Login | Flow::Registration, _) => "passed_challenge",
            (Flow::Settings, Phase::Before) => "show_form",
            (Flow::Settings, _) => "success",
            (Flow::Recovery | Flow::Verification, Phase::Before) => "choose_method",
            (Flow::Recovery | Flow::Verification, _) => "passed_challenge",
        };
        object.insert("state".into(), json!(state));
        match flow {
            Flow::Login => {
                object.insert("created_at".into(), json!(NOW));
                object.insert("updated_at".into(), json!(NOW));
                object.insert("refresh".into(), json!(false));
                object.insert("requested_aal".into(), json!("aal1"));
            }
            Flow::Settings => {
                object.insert("identity".into(), identity.clone());
            }
            _ => {}
        }
        object.insert("transient_payload".into(), json!({}));
        Value::Object(object)
    }
}

fn session(scope: Scope, identity: &Value) -> Value {
    let method = scope.method().map_or("password", |m| m.as_str());
    let method = match method {
        // A settings method is not a way to sign in: the session was made with a password.
        "profile" | "lookup_secret" | "totp" => "password",
        other => other,
    };
    json!({
        "id": SESSION_ID,
        "active": true,
        "expires_at": SESSION_ENDS,
        "authenticated_at": NOW,
        "authenticator_assurance_level": "aal1",
        "authentication_methods": [{
            "method": method,
            "aal": "aal1",
            "completed_at": NOW,
        }],
        "issued_at": NOW,
        "identity": identity,
        "devices": [{
            "id": DEVICE_ID,
            "ip_address": "203.0.113.7",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            "location": "Berlin, DE",
        }],
    })
}

#[cfg(test)]
mod tests {
    use ory_actions_core::ctx::{IDENTITY, SESSION, TOP_LEVEL, flow_keys};

    use super::*;

    /// Every sample context has exactly the top-level fields Kratos passes that hook, and only
    /// keys Kratos's structs can emit (the lists the compile-time `ctx` check uses).
    #[test]
    fn sample_contexts_have_kratos_s_shape() {
        let samples = Samples::new();
        for &scope in Scope::ALL {
            for flags in [
                Flags::default(),
                Flags {
                    response_parse: true,
                    ..Flags::default()
                },
            ] {
                let phase = Phase::of(scope, flags);
                let ctx = samples.context(scope, phase);
                let shape = CtxShape::of(scope.flow(), scope.timing());
                let fields: Vec<&str> = ctx
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect();
                let mut expected = shape.fields();
                expected.sort_unstable();
                assert_eq!(fields, expected, "{scope} {phase:?}");
                for key in ctx["flow"].as_object().unwrap().keys() {
                    assert!(
                        flow_keys(scope.flow()).contains(&key.as_str()),
                        "{scope}: flow.{key}"
                    );
                }
                if let Some(identity) = ctx.get("identity") {
                    for key in identity.as_object().unwrap().keys() {
                        assert!(IDENTITY.contains(&key.as_str()), "{scope}: identity.{key}");
                    }
                }
                if let Some(session) = ctx.get("session") {
                    for key in session.as_object().unwrap().keys() {
                        assert!(SESSION.contains(&key.as_str()), "{scope}: session.{key}");
                    }
                }
                assert!(fields.iter().all(|f| TOP_LEVEL.contains(f)));
            }
        }
    }
}
