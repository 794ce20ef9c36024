//! [`HookFields`]: what an action declares of its web hook entry, field by field, and
//! [`HeaderValue`], a request header's value.

use std::borrow::Cow;

use ory_actions_core::HttpMethod;
use ory_actions_core::fields::{self, Field, FlagValues};

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
    /// The flags given (`response.ignore`, `can_interrupt`, …).
    pub flags: FlagValues,
    /// `auth`.
    pub auth: Option<Auth>,
    /// `headers`, in the order declared.
    pub headers: Vec<(Cow<'static, str>, HeaderValue)>,
    /// `id`, when given.
    pub id: Option<Cow<'static, str>>,
}

impl HookFields {
    /// Whether it gives `field` a value, which may be the default.
    pub(super) fn gives(&self, field: &Field) -> bool {
        match *field {
            fields::URL | fields::METHOD => true,
            fields::BODY => self.body.is_some(),
            fields::AUTH => self.auth.is_some(),
            fields::HEADERS => !self.headers.is_empty(),
            fields::ID => self.id.is_some(),
            _ => self.flags.given(field).is_some(),
        }
    }
}
