//! What the expansion of `action!` builds with. Not a public API: it may change in any release.

pub use core::option::Option;
pub use core::{column, concat, env, file, include_str, line};
pub use std::borrow::Cow;
pub use std::vec;

pub use ory_actions_core::fields::{FIELDS, FlagValues};
pub use ory_actions_core::{ApiKeyIn, AuthMethod, AuthMethods, Flow, HttpMethod, Timing};

use crate::action::Action;
pub use crate::action::{
    Auth, Body, DeclaredSchema, DeclaredSchemas, HeaderValue, HookFields, Parts, ProjectId, Secret,
};
pub use crate::error::Location;

/// A value the program computed where `action!` takes text: a `String`, a `&str`, a
/// `Cow<str>`, anything that is a `str`.
pub fn text(value: impl ComputedText) -> Cow<'static, str> {
    Cow::Owned(value.as_text().to_owned())
}

/// What a computed text value may be: anything that is a `str`.
#[diagnostic::on_unimplemented(
    message = "a computed value of `action!` must be text, not `{Self}`",
    label = "expected a `String`, `&str` or `Cow<str>` here"
)]
pub trait ComputedText {
    /// The text.
    fn as_text(&self) -> &str;
}

impl<T: AsRef<str> + ?Sized> ComputedText for T {
    fn as_text(&self) -> &str {
        self.as_ref()
    }
}

/// A secret the program computed: a [`Secret`], never a bare string.
pub fn secret(value: impl ComputedSecret) -> Secret {
    value.into_secret()
}

/// What a computed secret may be: only a [`Secret`]. The message of a wrong type says what to
/// write, instead of rustc's suggestion of a `Secret` variant that would misread the value.
#[diagnostic::on_unimplemented(
    message = "a computed secret must be a `Secret`, not `{Self}`",
    label = "write `Secret::value(…)` around it, so that it is never shown and is wiped from memory"
)]
pub trait ComputedSecret {
    /// The secret.
    fn into_secret(self) -> Secret;
}

impl ComputedSecret for Secret {
    fn into_secret(self) -> Secret {
        self
    }
}

/// A header value the program computed: text, or a [`Secret`].
pub fn header(value: impl IntoHeaderValue) -> HeaderValue {
    value.into_header_value()
}

/// What a computed header value may be: text (shown in plans) or a [`Secret`] (never shown).
pub trait IntoHeaderValue {
    /// The header value.
    fn into_header_value(self) -> HeaderValue;
}

impl IntoHeaderValue for Secret {
    fn into_header_value(self) -> HeaderValue {
        HeaderValue::Secret(self)
    }
}

impl IntoHeaderValue for String {
    fn into_header_value(self) -> HeaderValue {
        HeaderValue::Plain(Cow::Owned(self))
    }
}

impl IntoHeaderValue for &str {
    fn into_header_value(self) -> HeaderValue {
        HeaderValue::Plain(text(self))
    }
}

impl IntoHeaderValue for &&str {
    fn into_header_value(self) -> HeaderValue {
        HeaderValue::Plain(text(*self))
    }
}

impl IntoHeaderValue for &String {
    fn into_header_value(self) -> HeaderValue {
        HeaderValue::Plain(text(self))
    }
}

impl IntoHeaderValue for Cow<'_, str> {
    fn into_header_value(self) -> HeaderValue {
        HeaderValue::Plain(text(&*self))
    }
}

/// Builds the action of an `action!` invocation at `location`.
///
/// The macro has checked every literal and every structural rule at compile time with the same
/// functions the runtime uses. They run again here, over the computed values too: what a
/// computed value breaks is kept for [`Action::check`], so declaring never fails.
///
/// # Panics
///
/// When a structural rule is broken, which the expansion of `action!` never does.
pub fn action(parts: Parts, location: Location) -> Action {
    Action::declared(parts, location)
}

/// Stands in for the action of an `action!` invocation that has compile errors, so that the
/// user sees those errors and no others. Never runs: the program does not compile.
pub fn placeholder() -> Action {
    unreachable!("action! reported compile errors")
}
