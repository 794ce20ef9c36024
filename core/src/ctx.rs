//! What Kratos passes as `ctx` to a web hook's body: the top-level fields per flow and timing,
//! and the keys of `ctx.identity`, `ctx.session` and `ctx.flow`.
//!
//! Kratos JSON-encodes its `templateContext` (`selfservice/hook/web_hook.go`) and hands it to the
//! template as `ctx`. `identity` and `session` are `omitempty` pointers that only some phases
//! set, so where a phase has none the key is absent and `ctx.session` fails ("field does not
//! exist"). The keys below are the JSON keys the Go structs can emit, read from ory/kratos at
//! commit b86338da (the union over every release since v1.0.0: no key was ever removed).
//! How a body reads `ctx` is analysed in [`crate::jsonnet`] against these facts.

use std::fmt;

use crate::scope::{Flow, Timing};

/// The top-level fields of `ctx` every hook gets (`templateContext` in
/// `selfservice/hook/web_hook.go`).
pub(crate) const ALWAYS: [&str; 5] = [
    "flow",
    "request_headers",
    "request_method",
    "request_url",
    "request_cookies",
];

/// Every top-level field `ctx` can have: those every hook gets, then `identity` and `session`,
/// which only some phases pass.
pub const TOP_LEVEL: [&str; 7] = [
    "flow",
    "request_headers",
    "request_method",
    "request_url",
    "request_cookies",
    "identity",
    "session",
];

/// The keys `ctx.identity` can have: the JSON keys of `Identity` (`identity/identity.go`),
/// `omitempty` ones included, minus those its `MarshalJSON` clears (`credentials`,
/// `metadata_admin`).
pub const IDENTITY: [&str; 14] = [
    "id",
    "external_id",
    "schema_id",
    "schema_url",
    "state",
    "state_changed_at",
    "traits",
    "verifiable_addresses",
    "recovery_addresses",
    "metadata_public",
    "created_at",
    "updated_at",
    "organization_id",
    "region",
];

/// Keys of `Identity` that its `MarshalJSON` always clears, so that `ctx.identity` never has
/// them: credentials and admin metadata are not given to web hooks.
pub(crate) const IDENTITY_REMOVED: [&str; 2] = ["credentials", "metadata_admin"];

/// The keys `ctx.session` can have: the JSON keys of `Session` (`session/session.go`).
pub const SESSION: [&str; 10] = [
    "id",
    "active",
    "expires_at",
    "authenticated_at",
    "authenticator_assurance_level",
    "authentication_methods",
    "issued_at",
    "identity",
    "devices",
    "tokenized",
];

/// The keys of `ctx.flow` in a login flow (`selfservice/flow/login/flow.go`).
pub(crate) const LOGIN_FLOW: [&str; 20] = [
    "id",
    "organization_id",
    "oauth2_login_challenge",
    "oauth2_login_request",
    "type",
    "expires_at",
    "issued_at",
    "request_url",
    "return_to",
    "active",
    "ui",
    "created_at",
    "updated_at",
    "refresh",
    "requested_aal",
    "session_token_exchange_code",
    "state",
    "transient_payload",
    "identity_schema",
    "test_context",
];

/// The keys of `ctx.flow` in a registration flow (`selfservice/flow/registration/flow.go`).
pub(crate) const REGISTRATION_FLOW: [&str; 15] = [
    "id",
    "oauth2_login_challenge",
    "oauth2_login_request",
    "type",
    "expires_at",
    "issued_at",
    "request_url",
    "return_to",
    "active",
    "ui",
    "organization_id",
    "transient_payload",
    "session_token_exchange_code",
    "state",
    "identity_schema",
];

/// The keys of `ctx.flow` in a settings flow (`selfservice/flow/settings/flow.go`).
pub(crate) const SETTINGS_FLOW: [&str; 13] = [
    "id",
    "type",
    "expires_at",
    "issued_at",
    "request_url",
    "return_to",
    "active",
    "ui",
    "identity",
    "state",
    "organization_id",
    "continue_with",
    "transient_payload",
];

/// The keys of `ctx.flow` in a recovery flow (`selfservice/flow/recovery/flow.go`).
pub(crate) const RECOVERY_FLOW: [&str; 11] = [
    "id",
    "type",
    "expires_at",
    "issued_at",
    "request_url",
    "return_to",
    "active",
    "ui",
    "state",
    "continue_with",
    "transient_payload",
];

/// The keys of `ctx.flow` in a verification flow (`selfservice/flow/verification/flow.go`).
pub(crate) const VERIFICATION_FLOW: [&str; 10] = [
    "id",
    "type",
    "expires_at",
    "issued_at",
    "request_url",
    "return_to",
    "active",
    "ui",
    "state",
    "transient_payload",
];

/// The keys of `ctx.flow` for a flow.
pub fn flow_keys(flow: Flow) -> &'static [&'static str] {
    match flow {
        Flow::Login => &LOGIN_FLOW,
        Flow::Registration => &REGISTRATION_FLOW,
        Flow::Settings => &SETTINGS_FLOW,
        Flow::Recovery => &RECOVERY_FLOW,
        Flow::Verification => &VERIFICATION_FLOW,
    }
}

/// What `ctx` holds for the hooks of one flow and timing.
///
/// `identity`: every `after` hook (login; registration pre- and post-persist; settings pre- and
/// post-persist; recovery; verification). `session`: login after, settings before and settings
/// after. Every other `before` hook gets neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CtxShape {
    flow: Flow,
    timing: Timing,
}

impl CtxShape {
    /// The context of the hooks of `flow` at `timing`.
    pub fn of(flow: Flow, timing: Timing) -> Self {
        CtxShape { flow, timing }
    }

    /// The flow.
    pub fn flow(self) -> Flow {
        self.flow
    }

    /// The timing.
    pub fn timing(self) -> Timing {
        self.timing
    }

    /// Whether `ctx.identity` is passed.
    pub fn has_identity(self) -> bool {
        self.timing == Timing::After
    }

    /// Whether `ctx.session` is passed.
    pub fn has_session(self) -> bool {
        matches!(
            (self.flow, self.timing),
            (Flow::Login, Timing::After) | (Flow::Settings, _)
        )
    }

    /// The top-level fields of `ctx`, in the order of [`TOP_LEVEL`].
    pub fn fields(self) -> Vec<&'static str> {
        TOP_LEVEL
            .into_iter()
            .filter(|field| self.has(field))
            .collect()
    }

    /// Whether `ctx` has the top-level field `field`.
    pub fn has(self, field: &str) -> bool {
        match field {
            "identity" => self.has_identity(),
            "session" => self.has_session(),
            _ => ALWAYS.contains(&field),
        }
    }

    /// Whether Kratos sends what a template reads as `ctx.<field>` (then `.<key>`, when the read
    /// goes on by a name written out): the one rule behind every `ctx` error of the checks,
    /// which only look for why when it says no.
    pub fn reads(self, field: &str, key: Option<&str>) -> bool {
        TOP_LEVEL.contains(&field)
            && self.has(field)
            && match (self.keys_of(field), key) {
                (Some(keys), Some(key)) => keys.contains(&key),
                _ => true,
            }
    }

    /// The keys of the object `ctx.<field>`, for `identity`, `session` and `flow`; `None` for
    /// any other field.
    pub fn keys_of(self, field: &str) -> Option<&'static [&'static str]> {
        match field {
            "identity" => Some(&IDENTITY),
            "session" => Some(&SESSION),
            "flow" => Some(flow_keys(self.flow)),
            _ => None,
        }
    }

    /// Every flow and timing whose `ctx` has `field`.
    pub fn hooks_with(field: &str) -> Vec<CtxShape> {
        Flow::ALL
            .iter()
            .flat_map(|flow| {
                Timing::ALL
                    .iter()
                    .map(|timing| CtxShape::of(*flow, *timing))
            })
            .filter(|shape| shape.has(field))
            .collect()
    }
}

impl fmt::Display for CtxShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.flow, self.timing)
    }
}

#[cfg(test)]
mod tests;
