//! The hook lists of Ory Kratos: which flow, timing and authentication method each one serves.
//!
//! Kratos keeps web hooks in lists under `selfservice.flows.<flow>.<timing>`. A `before` list and
//! the flow-wide `after.hooks` list exist for every flow with hooks; login, registration and
//! settings also have one `after` list per authentication method. [`Scope`] names exactly the 32
//! lists Ory accepts somewhere: the 29 the Kratos configuration schema allows, and the `saml`
//! lists that only Ory Network has ([`Scope::exists_on`]). This table is the one place that says
//! which list exists where.

use std::fmt;

use crate::suggest::did_you_mean;

/// The JSON pointer under which an Ory Network project document keeps its identity
/// configuration.
pub const IDENTITY_CONFIG_POINTER: &str = "/services/identity/config";

/// Every flow name Kratos knows, including `logout`, which has no hooks.
pub const CANDIDATE_FLOWS: [&str; 6] = [
    "login",
    "registration",
    "recovery",
    "settings",
    "verification",
    "logout",
];

/// Every method name that keys a per-method list somewhere (`saml` on Ory Network only).
pub const CANDIDATE_METHODS: [&str; 9] = [
    "password",
    "oidc",
    "code",
    "webauthn",
    "passkey",
    "totp",
    "lookup_secret",
    "profile",
    "saml",
];

macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every value, in the order Kratos documents them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The name Kratos and the `action!` macro use.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value with this exact name, if there is one.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The names of every value, for messages that list what is allowed.
            pub fn names() -> impl Iterator<Item = &'static str> {
                Self::ALL.iter().map(|v| v.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum! {
    /// A self-service flow that runs hooks. `logout` runs none, so it is not one of these.
    pub enum Flow {
        /// Signing in.
        Login = "login",
        /// Signing up.
        Registration = "registration",
        /// Account recovery.
        Recovery = "recovery",
        /// Changing profile or credentials.
        Settings = "settings",
        /// Verifying an address.
        Verification = "verification",
    }
}

named_enum! {
    /// When a hook runs, relative to the flow.
    pub enum Timing {
        /// Before the flow starts (`selfservice.flows.<flow>.before.hooks`).
        Before = "before",
        /// After the flow succeeded (`selfservice.flows.<flow>.after…`).
        After = "after",
    }
}

named_enum! {
    /// An authentication method that keys a per-method `after` list of some flow.
    pub enum AuthMethod {
        /// Password.
        Password = "password",
        /// Social sign-in (OpenID Connect).
        Oidc = "oidc",
        /// One-time code sent by email or SMS.
        Code = "code",
        /// WebAuthn security keys.
        Webauthn = "webauthn",
        /// Passkeys.
        Passkey = "passkey",
        /// Time-based one-time passwords.
        Totp = "totp",
        /// Backup codes.
        LookupSecret = "lookup_secret",
        /// Profile updates (settings only).
        Profile = "profile",
        /// SAML single sign-on (Ory Network only: self-hosted Kratos has no `saml` lists).
        Saml = "saml",
    }
}

named_enum! {
    /// The HTTP method of a web hook call.
    #[derive(Default)]
    pub enum HttpMethod {
        /// `GET`.
        Get = "GET",
        /// `POST`, the default.
        #[default]
        Post = "POST",
        /// `PUT`.
        Put = "PUT",
        /// `PATCH`.
        Patch = "PATCH",
        /// `DELETE`.
        Delete = "DELETE",
    }
}

named_enum! {
    /// Where an API key is sent.
    #[derive(Default)]
    pub enum ApiKeyIn {
        /// As a request header, the default.
        #[default]
        Header = "header",
        /// As a cookie.
        Cookie = "cookie",
    }
}

/// Where hooks are managed. The two keep different sets of hook lists and of web hook fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Platform {
    /// An Ory Network project, through the console API.
    OryNetwork,
    /// A self-hosted Kratos, through its configuration file.
    Kratos,
}

impl Platform {
    /// Both platforms.
    pub const ALL: &'static [Platform] = &[Platform::OryNetwork, Platform::Kratos];

    /// What ory-actions manages there, for messages: "an Ory Network project", "a Kratos
    /// configuration file".
    pub const fn target(self) -> &'static str {
        match self {
            Platform::OryNetwork => "an Ory Network project",
            Platform::Kratos => "a Kratos configuration file",
        }
    }

    /// Whether a web hook keeps every field of [`crate::fields::FIELDS`] there: Kratos does;
    /// Ory Network's stored hook model has no place for some.
    pub const fn stores_extras(self) -> bool {
        let mut index = 0;
        while index < crate::fields::FIELDS.len() {
            if !crate::fields::FIELDS[index].stored_on(self) {
                return false;
            }
            index += 1;
        }
        true
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Platform::OryNetwork => "Ory Network",
            Platform::Kratos => "self-hosted Kratos",
        })
    }
}

/// The hook kinds each schema definition of a hook list accepts.
mod accepts {
    pub(super) const SELF_SERVICE: &[&str] = &["web_hook", "b2b_sso", "organization"];
    pub(super) const LOGIN: &[&str] = &[
        "revoke_active_sessions",
        "require_verified_address",
        "web_hook",
        "verification",
        "show_verification_ui",
        "b2b_sso",
        "organization",
    ];
    pub(super) const LOGIN_OIDC: &[&str] = &[
        "revoke_active_sessions",
        "web_hook",
        "require_verified_address",
        "b2b_sso",
        "organization",
    ];
    pub(super) const REGISTRATION_METHOD: &[&str] = &[
        "session",
        "web_hook",
        "show_verification_ui",
        "b2b_sso",
        "organization",
    ];
    pub(super) const RECOVERY_AFTER: &[&str] = &["web_hook", "revoke_active_sessions"];
    pub(super) const SETTINGS_METHOD: &[&str] = &["web_hook", "revoke_active_sessions"];
    pub(super) const SETTINGS_PROFILE: &[&str] = &[
        "web_hook",
        "show_verification_ui",
        "b2b_sso",
        "organization",
        "verify_new_address",
        "notify_previous_addresses",
    ];
}

macro_rules! scopes {
    ($(
        $variant:ident = $flow:ident $timing:ident $method:tt $path:literal $accepts:ident
        $(only $only:ident)?;
    )*) => {
        /// One hook list of the identity configuration: a flow, a timing and, for the per-method
        /// `after` lists, an authentication method.
        ///
        /// Only the 32 lists Ory accepts exist as values, so an illegal combination cannot be
        /// represented: the 29 of the Kratos schema, and the three `saml` lists only Ory Network
        /// has (see [`Scope::exists_on`]). `…After` without a method is the flow-wide
        /// `after.hooks` list, which Kratos runs only for methods whose own list is empty.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Scope {
            $(
                #[doc = concat!("`", $path, "/hooks`")]
                $variant,
            )*
        }

        impl Scope {
            /// Every hook list, in the order of the Kratos schema.
            pub const ALL: &'static [Scope] = &[$(Scope::$variant,)*];

            /// The flow this list belongs to.
            pub const fn flow(self) -> Flow {
                match self { $(Scope::$variant => Flow::$flow,)* }
            }

            /// When the hooks of this list run.
            pub const fn timing(self) -> Timing {
                match self { $(Scope::$variant => Timing::$timing,)* }
            }

            /// The method of a per-method list; `None` for `before` and flow-wide `after` lists.
            pub const fn method(self) -> Option<AuthMethod> {
                match self { $(Scope::$variant => scopes!(@method $method),)* }
            }

            /// The JSON pointer of this hook list inside an Ory Network project document.
            pub const fn pointer(self) -> &'static str {
                match self {
                    $(Scope::$variant => concat!(
                        "/services/identity/config/selfservice/flows/", $path, "/hooks"
                    ),)*
                }
            }

            /// The JSON pointer of this hook list inside an identity configuration (a Kratos
            /// configuration file, or the `config` of an Ory Network project's identity service).
            pub const fn config_pointer(self) -> &'static str {
                match self {
                    $(Scope::$variant => concat!("/selfservice/flows/", $path, "/hooks"),)*
                }
            }

            /// The hook kinds (`web_hook`, `session`, …) the schema accepts in this list.
            pub const fn accepts(self) -> &'static [&'static str] {
                match self { $(Scope::$variant => accepts::$accepts,)* }
            }

            /// Whether `platform` has this list: self-hosted Kratos has no `saml` lists, Ory
            /// Network has every list.
            pub const fn exists_on(self, platform: Platform) -> bool {
                match self { $(Scope::$variant => scopes!(@on platform $($only)?),)* }
            }
        }
    };
    (@method -) => { None };
    (@method $method:ident) => { Some(AuthMethod::$method) };
    (@on $platform:ident) => { true };
    (@on $platform:ident $only:ident) => { matches!($platform, Platform::$only) };
}

scopes! {
    LoginBefore = Login Before - "login/before" SELF_SERVICE;
    LoginAfter = Login After - "login/after" LOGIN;
    LoginAfterPassword = Login After Password "login/after/password" LOGIN;
    LoginAfterOidc = Login After Oidc "login/after/oidc" LOGIN_OIDC;
    LoginAfterCode = Login After Code "login/after/code" LOGIN;
    LoginAfterWebauthn = Login After Webauthn "login/after/webauthn" LOGIN;
    LoginAfterPasskey = Login After Passkey "login/after/passkey" LOGIN;
    LoginAfterTotp = Login After Totp "login/after/totp" LOGIN;
    LoginAfterLookupSecret = Login After LookupSecret "login/after/lookup_secret" LOGIN;
    LoginAfterSaml = Login After Saml "login/after/saml" LOGIN only OryNetwork;
    RegistrationBefore = Registration Before - "registration/before" SELF_SERVICE;
    RegistrationAfter = Registration After - "registration/after" SELF_SERVICE;
    RegistrationAfterPassword = Registration After Password "registration/after/password" REGISTRATION_METHOD;
    RegistrationAfterOidc = Registration After Oidc "registration/after/oidc" REGISTRATION_METHOD;
    RegistrationAfterCode = Registration After Code "registration/after/code" REGISTRATION_METHOD;
    RegistrationAfterWebauthn = Registration After Webauthn "registration/after/webauthn" REGISTRATION_METHOD;
    RegistrationAfterPasskey = Registration After Passkey "registration/after/passkey" REGISTRATION_METHOD;
    RegistrationAfterSaml = Registration After Saml "registration/after/saml" REGISTRATION_METHOD only OryNetwork;
    RecoveryBefore = Recovery Before - "recovery/before" SELF_SERVICE;
    RecoveryAfter = Recovery After - "recovery/after" RECOVERY_AFTER;
    SettingsBefore = Settings Before - "settings/before" SELF_SERVICE;
    SettingsAfter = Settings After - "settings/after" SELF_SERVICE;
    SettingsAfterPassword = Settings After Password "settings/after/password" SETTINGS_METHOD;
    SettingsAfterOidc = Settings After Oidc "settings/after/oidc" SETTINGS_METHOD;
    SettingsAfterWebauthn = Settings After Webauthn "settings/after/webauthn" SETTINGS_METHOD;
    SettingsAfterPasskey = Settings After Passkey "settings/after/passkey" SETTINGS_METHOD;
    SettingsAfterTotp = Settings After Totp "settings/after/totp" SETTINGS_METHOD;
    SettingsAfterLookupSecret = Settings After LookupSecret "settings/after/lookup_secret" SETTINGS_METHOD;
    SettingsAfterProfile = Settings After Profile "settings/after/profile" SETTINGS_PROFILE;
    SettingsAfterSaml = Settings After Saml "settings/after/saml" SETTINGS_METHOD only OryNetwork;
    VerificationBefore = Verification Before - "verification/before" SELF_SERVICE;
    VerificationAfter = Verification After - "verification/after" SELF_SERVICE;
}

impl Scope {
    /// The list for this flow, timing and method, if Ory has one (on some platform: see
    /// [`Scope::exists_on`]).
    pub fn find(flow: Flow, timing: Timing, method: Option<AuthMethod>) -> Option<Scope> {
        Scope::ALL
            .iter()
            .copied()
            .find(|s| s.flow() == flow && s.timing() == timing && s.method() == method)
    }

    /// The list named by the strings of the reference table (`"login"`, `"after"`,
    /// `Some("password")`); `None` for every combination Ory has on no platform.
    pub fn lookup(flow: &str, timing: &str, method: Option<&str>) -> Option<Scope> {
        let method = match method {
            None => None,
            Some(name) => Some(AuthMethod::from_name(name)?),
        };
        Scope::find(Flow::from_name(flow)?, Timing::from_name(timing)?, method)
    }

    /// Whether this is a flow-wide `after.hooks` list of a flow that also has per-method lists.
    ///
    /// Kratos runs such a list only for methods whose own list is empty (the `fallback`).
    pub fn is_fallback(self) -> bool {
        self.timing() == Timing::After
            && self.method().is_none()
            && !self.flow().after_methods().is_empty()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.method() {
            Some(method) => write!(f, "{} {} {}", self.flow(), self.timing(), method),
            None if self.is_fallback() => write!(f, "{} {} (fallback)", self.flow(), self.timing()),
            None => write!(f, "{} {}", self.flow(), self.timing()),
        }
    }
}

impl Flow {
    /// The methods that have their own `after` list in this flow on some platform (Ory Network
    /// has them all), in schema order.
    pub fn after_methods(self) -> Vec<AuthMethod> {
        self.after_method_scopes()
            .into_iter()
            .filter_map(Scope::method)
            .collect()
    }

    /// The methods that have their own `after` list in this flow on `platform`.
    pub fn after_methods_on(self, platform: Platform) -> Vec<AuthMethod> {
        self.after_method_scopes_on(platform)
            .into_iter()
            .filter_map(Scope::method)
            .collect()
    }

    /// The per-method `after` lists of this flow on some platform: what `auth_method: all`
    /// stands for on Ory Network, which has them all.
    pub fn after_method_scopes(self) -> Vec<Scope> {
        Scope::ALL
            .iter()
            .copied()
            .filter(|s| s.flow() == self && s.method().is_some())
            .collect()
    }

    /// The per-method `after` lists of this flow on `platform`: what `auth_method: all` stands
    /// for there.
    pub fn after_method_scopes_on(self, platform: Platform) -> Vec<Scope> {
        self.after_method_scopes()
            .into_iter()
            .filter(|s| s.exists_on(platform))
            .collect()
    }

    /// Whether `after` hooks of this flow must say which authentication methods they serve.
    pub fn needs_auth_method(self, timing: Timing) -> bool {
        timing == Timing::After && !self.after_methods().is_empty()
    }
}

/// Which `after` lists of a login, registration or settings flow a hook goes into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthMethods {
    /// The flow-wide `after.hooks` list, which Kratos runs only for methods whose own list is empty.
    Fallback,
    /// Every per-method list the flow has.
    All,
    /// The lists of these methods.
    Only(Vec<AuthMethod>),
}

impl From<AuthMethod> for AuthMethods {
    fn from(method: AuthMethod) -> Self {
        AuthMethods::Only(vec![method])
    }
}

impl<const N: usize> From<[AuthMethod; N]> for AuthMethods {
    fn from(methods: [AuthMethod; N]) -> Self {
        AuthMethods::Only(methods.to_vec())
    }
}

impl From<Vec<AuthMethod>> for AuthMethods {
    fn from(methods: Vec<AuthMethod>) -> Self {
        AuthMethods::Only(methods)
    }
}

/// Why a flow, timing and `auth_method` do not name hook lists Kratos has.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopeError {
    /// A flow name Kratos does not know.
    UnknownFlow {
        /// What was written.
        name: String,
    },
    /// `logout`: Kratos runs no hooks there.
    NoHooks {
        /// The flow.
        flow: &'static str,
    },
    /// A timing other than `before` and `after`.
    UnknownTiming {
        /// What was written.
        name: String,
    },
    /// A method name that keys no hook list anywhere.
    UnknownMethod {
        /// What was written.
        name: String,
        /// The flow it was written for.
        flow: Flow,
    },
    /// An `after` hook of login, registration or settings without `auth_method`.
    AuthMethodRequired {
        /// The flow.
        flow: Flow,
    },
    /// `auth_method` where the flow and timing have one list only.
    AuthMethodNotAllowed {
        /// The flow.
        flow: Flow,
        /// The timing.
        timing: Timing,
    },
    /// A method this flow has no list for (`registration` has no `totp` list).
    NoSuchList {
        /// The flow.
        flow: Flow,
        /// The method as written.
        method: String,
    },
    /// `auth_method: []`.
    EmptyList,
    /// A method named twice in one `auth_method` list.
    DuplicateMethod {
        /// The method.
        method: AuthMethod,
    },
    /// `all` or `fallback` inside a list, where it means nothing.
    StandsAlone {
        /// `"all"` or `"fallback"`.
        name: &'static str,
    },
    /// A list that exists on another platform but not on this one (self-hosted Kratos has no
    /// `saml` lists).
    NotOnPlatform {
        /// The list.
        scope: Scope,
        /// The platform that lacks it.
        platform: Platform,
    },
}

/// Joins names as "a, b, c or d", each in backticks.
pub fn one_of<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {}", rest.join(", "), last),
    }
}

fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match did_you_mean(name, candidates) {
        Some(near) => format!("; did you mean `{near}`?"),
        None => String::new(),
    }
}

impl fmt::Display for ScopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScopeError::UnknownFlow { name } => write!(
                f,
                "unknown flow `{name}`: expected {}{}",
                one_of(Flow::names()),
                suggestion(name, Flow::names())
            ),
            ScopeError::NoHooks { flow } => write!(
                f,
                "the {flow} flow runs no hooks: flows with hooks are {}",
                one_of(Flow::names())
            ),
            ScopeError::UnknownTiming { name } => write!(
                f,
                "unknown timing `{name}`: expected `before` or `after`{}",
                suggestion(name, Timing::names())
            ),
            ScopeError::UnknownMethod { name, flow } => write!(
                f,
                "unknown auth_method `{name}`: {flow} after accepts {}{}",
                allowed_methods(*flow),
                suggestion(
                    name,
                    flow.after_methods()
                        .iter()
                        .map(|m| m.as_str())
                        .chain(["all", "fallback"])
                )
            ),
            ScopeError::AuthMethodRequired { flow } => write!(
                f,
                "`auth_method` is required for `after` hooks of {flow}: use {}",
                allowed_methods(*flow)
            ),
            ScopeError::AuthMethodNotAllowed {
                flow,
                timing: Timing::Before,
            } => write!(
                f,
                "`before` hooks of {flow} run from one list for every method: remove `auth_method`"
            ),
            ScopeError::AuthMethodNotAllowed {
                flow,
                timing: Timing::After,
            } => write!(
                f,
                "`after` hooks of {flow} run from one list for every method: remove `auth_method`"
            ),
            ScopeError::NoSuchList { flow, method } => write!(
                f,
                "{flow} has no `{method}` hook list: {flow} after accepts {}",
                allowed_methods(*flow)
            ),
            ScopeError::EmptyList => write!(
                f,
                "`auth_method` names no method: list at least one, or use `all` or `fallback`"
            ),
            ScopeError::DuplicateMethod { method } => {
                write!(f, "`{method}` is named twice in `auth_method`")
            }
            ScopeError::StandsAlone { name } => write!(
                f,
                "`{name}` stands alone: write `auth_method: {name}` instead of a list"
            ),
            ScopeError::NotOnPlatform { scope, platform } => {
                let name = scope.method().map_or("flow-wide", AuthMethod::as_str);
                write!(f, "{platform} has no `{name}` hook list")?;
                for &other in Platform::ALL.iter().filter(|p| *p != platform) {
                    let flows: Vec<&str> = Scope::ALL
                        .iter()
                        .filter(|s| s.method() == scope.method() && s.exists_on(other))
                        .map(|s| s.flow().as_str())
                        .collect();
                    if !flows.is_empty() {
                        write!(f, " ({other} has one after {})", and_list(&flows))?;
                    }
                }
                write!(
                    f,
                    ": remove `{name}` from `auth_method` to manage {}",
                    platform.target()
                )
            }
        }
    }
}

impl std::error::Error for ScopeError {}

/// What `auth_method` accepts after `flow`, naming the lists some platform lacks.
fn allowed_methods(flow: Flow) -> String {
    let names: Vec<String> = flow
        .after_method_scopes()
        .into_iter()
        .filter_map(|scope| {
            let method = scope.method()?;
            let only: Vec<Platform> = Platform::ALL
                .iter()
                .copied()
                .filter(|p| scope.exists_on(*p))
                .collect();
            Some(match only.as_slice() {
                [platform] if only.len() < Platform::ALL.len() => {
                    format!("`{method}` ({platform} only)")
                }
                _ => format!("`{method}`"),
            })
        })
        .collect();
    format!(
        "{}, a list of them, `all` (every per-method list) or `fallback` (the flow-wide list)",
        names.join(", ")
    )
}

/// Joins names as "a, b and c".
fn and_list(names: &[&str]) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON pointer under which a project document keeps the self-service flows.
    const FLOWS_POINTER: &str = "/services/identity/config/selfservice/flows";

    #[test]
    fn there_are_32_lists_and_pointers_follow_from_their_parts() {
        assert_eq!(Scope::ALL.len(), 32);
        for &scope in Scope::ALL {
            let mut expected = format!("{FLOWS_POINTER}/{}/{}", scope.flow(), scope.timing());
            if let Some(method) = scope.method() {
                expected = format!("{expected}/{method}");
            }
            assert_eq!(scope.pointer(), format!("{expected}/hooks"), "{scope:?}");
            assert_eq!(
                scope.pointer(),
                format!("{IDENTITY_CONFIG_POINTER}{}", scope.config_pointer())
            );
            assert!(scope.accepts().contains(&"web_hook"), "{scope:?}");
            assert_eq!(
                Scope::find(scope.flow(), scope.timing(), scope.method()),
                Some(scope)
            );
        }
    }

    #[test]
    fn saml_lists_exist_on_ory_network_only_and_accept_what_the_password_list_does() {
        let kratos: Vec<Scope> = Scope::ALL
            .iter()
            .copied()
            .filter(|s| s.exists_on(Platform::Kratos))
            .collect();
        assert_eq!(kratos.len(), 29);
        assert!(Scope::ALL.iter().all(|s| s.exists_on(Platform::OryNetwork)));
        let saml: Vec<Scope> = Scope::ALL
            .iter()
            .copied()
            .filter(|s| !s.exists_on(Platform::Kratos))
            .collect();
        assert_eq!(
            saml,
            [
                Scope::LoginAfterSaml,
                Scope::RegistrationAfterSaml,
                Scope::SettingsAfterSaml
            ]
        );
        for scope in saml {
            assert_eq!(scope.method(), Some(AuthMethod::Saml));
            let password = Scope::find(scope.flow(), Timing::After, Some(AuthMethod::Password));
            assert_eq!(Some(scope.accepts()), password.map(Scope::accepts));
        }
    }

    #[test]
    fn all_expands_to_every_per_method_list_of_a_platform() {
        assert_eq!(Flow::Login.after_method_scopes().len(), 8);
        assert_eq!(Flow::Registration.after_method_scopes().len(), 6);
        assert_eq!(Flow::Settings.after_method_scopes().len(), 8);
        assert_eq!(
            Flow::Login.after_method_scopes_on(Platform::OryNetwork),
            Flow::Login.after_method_scopes()
        );
        assert_eq!(
            Flow::Login.after_method_scopes_on(Platform::Kratos).len(),
            7
        );
        assert_eq!(
            Flow::Registration.after_methods_on(Platform::Kratos),
            [
                AuthMethod::Password,
                AuthMethod::Oidc,
                AuthMethod::Code,
                AuthMethod::Webauthn,
                AuthMethod::Passkey
            ]
        );
        assert_eq!(Flow::Settings.after_methods_on(Platform::Kratos).len(), 7);
        for platform in Platform::ALL {
            assert!(Flow::Recovery.after_method_scopes_on(*platform).is_empty());
            assert!(
                Flow::Verification
                    .after_method_scopes_on(*platform)
                    .is_empty()
            );
        }
    }

    #[test]
    fn messages_name_what_is_allowed() {
        let e = ScopeError::NoSuchList {
            flow: Flow::Registration,
            method: "totp".into(),
        };
        assert_eq!(
            e.to_string(),
            "registration has no `totp` hook list: registration after accepts `password`, `oidc`, \
             `code`, `webauthn`, `passkey`, `saml` (Ory Network only), a list of them, `all` \
             (every per-method list) or `fallback` (the flow-wide list)"
        );
        let e = ScopeError::UnknownFlow {
            name: "registraton".into(),
        };
        assert!(
            e.to_string().ends_with("did you mean `registration`?"),
            "{e}"
        );
        let e = ScopeError::NotOnPlatform {
            scope: Scope::SettingsAfterSaml,
            platform: Platform::Kratos,
        };
        assert_eq!(
            e.to_string(),
            "self-hosted Kratos has no `saml` hook list (Ory Network has one after login, \
             registration and settings): remove `saml` from `auth_method` to manage a Kratos \
             configuration file"
        );
    }
}
