//! [`HookFields`]: what an action declares of its web hook entry, field by field, and
//! [`HeaderValue`], a request header's value.

use std::borrow::Cow;

use ory_actions_core::fields::{self, Field};
use ory_actions_core::{Flags, HttpMethod};

use super::auth::Auth;
use super::auth::Secret;
use super::body::Body;

/// A request header's value: written in the code, or a secret read when the program runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HeaderValue {
    /// A plain value.
    Plain(Cow<'static, str>),
    /// A secret; shown as `(sensitive)`.
    Secret(Secret),
}

/// What an action declares of its web hook entry: the fields of the table of fields
/// ([`ory_actions_core::fields::FIELDS`]), as given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct HookFields {
    /// `url`.
    pub url: Cow<'static, str>,
    /// `method`.
    pub method: HttpMethod,
    /// `body`.
    pub body: Option<Body>,
    /// `can_interrupt`, `response.ignore` and `response.parse`.
    pub flags: Flags,
    /// `auth`.
    pub auth: Option<Auth>,
    /// `headers`, in the order declared.
    pub headers: Vec<(Cow<'static, str>, HeaderValue)>,
    /// `emit_analytics_event`, when given.
    pub emit_analytics_event: Option<bool>,
    /// `id`, when given.
    pub id: Option<Cow<'static, str>>,
}

impl HookFields {
    /// Whether it gives `field` a value, which may be the default (a flag only when it is set).
    pub(super) fn gives(&self, field: &Field) -> bool {
        match *field {
            fields::URL | fields::METHOD => true,
            fields::BODY => self.body.is_some(),
            fields::AUTH => self.auth.is_some(),
            fields::HEADERS => !self.headers.is_empty(),
            fields::RESPONSE_IGNORE => self.flags.response_ignore,
            fields::RESPONSE_PARSE => self.flags.response_parse,
            fields::CAN_INTERRUPT => self.flags.can_interrupt,
            fields::EMIT_ANALYTICS_EVENT => self.emit_analytics_event.is_some(),
            fields::ID => self.id.is_some(),
            _ => false,
        }
    }
}
