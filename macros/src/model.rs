//! The typed model between validation and expansion: an action whose every rule holds.

use ory_actions_core::fields::FlagValues;
use ory_actions_core::rules::AuthMethodLists;
use ory_actions_core::{ApiKeyIn, Flow, HttpMethod, Timing};
use proc_macro2::TokenStream;
use syn::LitStr;

/// A checked declaration. Expansion turns it into tokens without checking anything again.
pub(crate) struct Action {
    pub(crate) name: Option<Text>,
    pub(crate) flow: Flow,
    pub(crate) timing: Timing,
    /// `auth_method` and the hook lists it names.
    pub(crate) lists: AuthMethodLists,
    pub(crate) url: Text,
    pub(crate) method: HttpMethod,
    pub(crate) body: Option<Body>,
    /// The flags given, each a field of the table of fields.
    pub(crate) flags: FlagValues,
    pub(crate) auth: Option<Auth>,
    pub(crate) project_id: Option<ProjectId>,
    pub(crate) headers: Vec<Header>,
    pub(crate) id: Option<Text>,
    /// The identity schemas the crate declares, which the program checks computed bodies
    /// against.
    pub(crate) identity_schemas: Option<std::sync::Arc<crate::schemas::Declared>>,
}

/// A text value: a literal checked at compile time, or an expression the program evaluates,
/// checked when it runs.
pub(crate) enum Text {
    /// Written in the invocation.
    Literal(LitStr),
    /// A Rust expression of a `str`-like type.
    Computed(TokenStream),
}

/// One request header.
pub(crate) struct Header {
    pub(crate) name: Text,
    pub(crate) value: HeaderValue,
}

/// A header value.
pub(crate) enum HeaderValue {
    /// Written in the code.
    Plain(LitStr),
    /// Read when the program runs.
    Secret(Secret),
    /// A Rust expression: text (a `String`, `&str`, …) or a `Secret`, by its type.
    Computed(TokenStream),
}

/// The request body template.
pub(crate) enum Body {
    /// Written in the invocation.
    Inline(LitStr),
    /// `file("path")`, relative to the calling crate's manifest directory.
    File(LitStr),
    /// `url("https://…")`: a template Kratos fetches.
    Url(Text),
    /// `kratos_file("/path")`: a template Kratos reads from its disk.
    KratosFile(Text),
    /// A Rust expression: the template's text.
    Computed(TokenStream),
}

/// Where a secret is read from when the program runs.
pub(crate) enum Secret {
    /// `env("VAR")`.
    Env(LitStr),
    /// `secret_file("path")`.
    File(LitStr),
    /// A Rust expression of type `Secret`.
    Computed(TokenStream),
}

/// `auth: …`.
pub(crate) enum Auth {
    /// `api_key { name, value, in }`.
    ApiKey {
        name: Text,
        value: Secret,
        location: ApiKeyIn,
    },
    /// `basic_auth { user, password }`.
    BasicAuth { user: Text, password: Secret },
}

/// `project_id: …`.
pub(crate) enum ProjectId {
    /// A literal id.
    Literal(LitStr),
    /// `env("VAR")`.
    Env(LitStr),
    /// A Rust expression: the id as text.
    Computed(TokenStream),
}
