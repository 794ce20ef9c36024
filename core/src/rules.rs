//! The rules of a declaration that involve more than one value: which hook lists a flow, timing
//! and `auth_method` name; the request headers taken together; and the flags, against each other
//! and against the lists.
//!
//! The `action!` macro and the runtime's builder both call these functions, so they cannot
//! disagree. Each problem comes with its place in the input (an index, a part), which the macro
//! turns into the span of the offending token and the builder into a field name.

use std::fmt;

use crate::names::{NameError, check_header_value, check_token, is_credential_header};
use crate::scope::{AuthMethod, AuthMethods, Flow, Scope, ScopeError, Timing};

/// `auth_method` as written, for [`check_auth_methods`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WrittenAuthMethod<'a> {
    /// Not given.
    Absent,
    /// One name: a method, `all` or `fallback`.
    Name(&'a str),
    /// A list of names, `[password, oidc]`. `None` stands for an item that is not a name at
    /// all, which the caller reports itself.
    List(&'a [Option<&'a str>]),
    /// A value that is neither a name nor a list, which the caller reports itself.
    Unreadable,
}

/// Which part of `auth_method` a problem is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethodPart {
    /// `auth_method` as a whole: missing where it is required, or given where it is not.
    Field,
    /// Its value as a whole: a list that names nothing.
    Value,
    /// The name at this index: 0 for a single name, else its place in the list.
    Name(usize),
}

/// The hook lists a flow, timing and `auth_method` name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthMethodLists {
    /// `auth_method` as a typed value; `None` where the flow and timing have one list only.
    pub auth_method: Option<AuthMethods>,
    /// The lists, in the order the methods were named, without duplicates. For `all`, every
    /// per-method list of the flow on any platform (Ory Network has them all); see
    /// [`Scope::exists_on`] for the lists of one platform.
    pub scopes: Vec<Scope>,
}

/// Resolves a flow, timing and `auth_method` to the hook lists they name; returns every problem
/// found, each with the part of `auth_method` it is about.
///
/// `auth_method` is required for `after` hooks of login, registration and settings, and
/// refused everywhere else. An empty problem list means the caller reported the reason (an
/// [`WrittenAuthMethod::Unreadable`] value or a `None` item).
pub fn check_auth_methods(
    flow: Flow,
    timing: Timing,
    written: WrittenAuthMethod<'_>,
) -> Result<AuthMethodLists, Vec<(AuthMethodPart, ScopeError)>> {
    let flow_wide = || {
        Scope::find(flow, timing, None)
            .expect("every flow has a `before` list and a flow-wide `after` list")
    };
    let lists = |auth_method, scopes| AuthMethodLists {
        auth_method,
        scopes,
    };
    if !flow.needs_auth_method(timing) {
        return match written {
            WrittenAuthMethod::Absent => Ok(lists(None, vec![flow_wide()])),
            _ => Err(vec![(
                AuthMethodPart::Field,
                ScopeError::AuthMethodNotAllowed { flow, timing },
            )]),
        };
    }
    match written {
        WrittenAuthMethod::Absent => Err(vec![(
            AuthMethodPart::Field,
            ScopeError::AuthMethodRequired { flow },
        )]),
        WrittenAuthMethod::Unreadable => Err(Vec::new()),
        WrittenAuthMethod::Name("all") => {
            Ok(lists(Some(AuthMethods::All), flow.after_method_scopes()))
        }
        WrittenAuthMethod::Name("fallback") => {
            Ok(lists(Some(AuthMethods::Fallback), vec![flow_wide()]))
        }
        WrittenAuthMethod::Name(name) => match method_scope(flow, timing, name) {
            Ok((method, scope)) => Ok(lists(Some(AuthMethods::Only(vec![method])), vec![scope])),
            Err(problem) => Err(vec![(AuthMethodPart::Name(0), problem)]),
        },
        WrittenAuthMethod::List([]) => Err(vec![(AuthMethodPart::Value, ScopeError::EmptyList)]),
        WrittenAuthMethod::List(names) => {
            let mut methods = Vec::with_capacity(names.len());
            let mut scopes = Vec::with_capacity(names.len());
            let mut problems = Vec::new();
            let mut unread = false;
            for (index, name) in names.iter().enumerate() {
                let at = AuthMethodPart::Name(index);
                match *name {
                    None => unread = true,
                    Some(name @ ("all" | "fallback")) => {
                        let name = if name == "all" { "all" } else { "fallback" };
                        problems.push((at, ScopeError::StandsAlone { name }));
                    }
                    Some(name) => match method_scope(flow, timing, name) {
                        Ok((method, _)) if methods.contains(&method) => {
                            problems.push((at, ScopeError::DuplicateMethod { method }));
                        }
                        Ok((method, scope)) => {
                            methods.push(method);
                            scopes.push(scope);
                        }
                        Err(problem) => problems.push((at, problem)),
                    },
                }
            }
            if problems.is_empty() && !unread {
                Ok(lists(Some(AuthMethods::Only(methods)), scopes))
            } else {
                Err(problems)
            }
        }
    }
}

/// [`check_auth_methods`] for a typed `auth_method`: the builder's, and what `action!` expands
/// to. A method list is checked as a list, so problem indexes are places in it.
pub fn resolve(
    flow: Flow,
    timing: Timing,
    auth_method: Option<&AuthMethods>,
) -> Result<AuthMethodLists, Vec<(AuthMethodPart, ScopeError)>> {
    let names: Vec<Option<&str>> = match auth_method {
        Some(AuthMethods::Only(methods)) => methods.iter().map(|m| Some(m.as_str())).collect(),
        _ => Vec::new(),
    };
    let written = match auth_method {
        None => WrittenAuthMethod::Absent,
        Some(AuthMethods::All) => WrittenAuthMethod::Name("all"),
        Some(AuthMethods::Fallback) => WrittenAuthMethod::Name("fallback"),
        Some(AuthMethods::Only(_)) => WrittenAuthMethod::List(&names),
    };
    check_auth_methods(flow, timing, written)
}

/// The per-method list of `flow` and `timing` for the method written as `name`; tells an
/// unknown name (with a suggestion) from a known method the flow has no list for.
fn method_scope(flow: Flow, timing: Timing, name: &str) -> Result<(AuthMethod, Scope), ScopeError> {
    let Some(method) = AuthMethod::from_name(name) else {
        return Err(ScopeError::UnknownMethod {
            name: name.to_owned(),
            flow,
        });
    };
    match Scope::find(flow, timing, Some(method)) {
        Some(scope) => Ok((method, scope)),
        None => Err(ScopeError::NoSuchList {
            flow,
            method: name.to_owned(),
        }),
    }
}

/// A request header's value as written, for [`check_headers`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderValueKind<'a> {
    /// Written in the code.
    Literal(&'a str),
    /// A secret read when the program runs (its source is checked on its own).
    Secret,
    /// A value the caller could not read, and reports itself; only the name is checked.
    Unreadable,
}

/// Which part of a header a problem is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderPart {
    /// Its name.
    Name,
    /// Its value.
    Value,
}

/// Checks request headers, in the order given: each name is an HTTP token and given once
/// (names are case-insensitive); a credential header (`Authorization`, `Cookie`, …) is not a
/// literal; a literal value has no line breaks, and a `Content-Type` is one Kratos can send.
///
/// Returns at most one problem per header, with its index and the part it is about; a header
/// whose name is wrong is not checked further.
pub fn check_headers(
    headers: &[(&str, HeaderValueKind<'_>)],
) -> Vec<(usize, HeaderPart, NameError)> {
    let mut problems = Vec::new();
    for (index, (name, value)) in headers.iter().enumerate() {
        let earlier = &headers[..index];
        let name_problem = check_token("header name", name).err().or_else(|| {
            earlier
                .iter()
                .any(|(other, _)| other.eq_ignore_ascii_case(name))
                .then(|| NameError::DuplicateHeader {
                    name: (*name).to_owned(),
                })
        });
        if let Some(problem) = name_problem {
            problems.push((index, HeaderPart::Name, problem));
            continue;
        }
        let value_problem = match value {
            HeaderValueKind::Literal(_) if is_credential_header(name) => {
                Some(NameError::CredentialHeader {
                    name: (*name).to_owned(),
                })
            }
            HeaderValueKind::Literal(value) => check_header_value(name, value).err(),
            HeaderValueKind::Secret | HeaderValueKind::Unreadable => None,
        };
        if let Some(problem) = value_problem {
            problems.push((index, HeaderPart::Value, problem));
        }
    }
    problems
}

/// The three switches of a web hook that change how Kratos treats its response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags {
    /// `can_interrupt`: the hook may stop the flow with field messages (deprecated by Ory in
    /// favour of `response.parse`, but still honoured).
    pub can_interrupt: bool,
    /// `response.ignore`: the call runs in the background and its answer is dropped.
    pub response_ignore: bool,
    /// `response.parse`: the answer may stop the flow or change the identity.
    pub response_parse: bool,
}

/// A combination of [`Flags`] that Ory refuses, or that makes Kratos skip the hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlagError {
    /// `response_ignore` with `response_parse`: the schema forbids both.
    IgnoreWithParse,
    /// `response_ignore` with `can_interrupt`: the schema forbids both.
    IgnoreWithInterrupt,
    /// `response_parse` or `can_interrupt` on the flow-wide `after` list of registration or
    /// settings: Kratos runs such a hook only before the identity is saved, which it does for
    /// per-method lists only, so the hook never runs.
    NeverRuns {
        /// The flow.
        flow: Flow,
        /// `"response_parse"` or `"can_interrupt"`.
        flag: &'static str,
    },
}

impl fmt::Display for FlagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlagError::IgnoreWithParse => f.write_str(
                "`response_ignore` cannot be combined with `response_parse`: an ignored response \
                 is never parsed (the Kratos schema refuses both)",
            ),
            FlagError::IgnoreWithInterrupt => f.write_str(
                "`response_ignore` cannot be combined with `can_interrupt`: an ignored response \
                 cannot interrupt the flow (the Kratos schema refuses both)",
            ),
            FlagError::NeverRuns { flow, flag } => write!(
                f,
                "Kratos never runs a web hook with `{flag}` from the flow-wide `after` list of \
                 {flow}: such hooks run before the identity is saved, which only per-method lists \
                 do; name the methods in `auth_method` (or use `all`)"
            ),
        }
    }
}

impl std::error::Error for FlagError {}

impl FlagError {
    /// The key whose value makes the problem: `response_parse`, `can_interrupt` or
    /// `response_ignore`.
    pub fn field(&self) -> &'static str {
        match self {
            FlagError::IgnoreWithParse => "response_parse",
            FlagError::IgnoreWithInterrupt => "can_interrupt",
            FlagError::NeverRuns { flag, .. } => flag,
        }
    }
}

/// Checks the flags of a hook that goes into `scopes`; returns every problem found.
pub fn check_flags(scopes: &[Scope], flags: Flags) -> Vec<FlagError> {
    let mut problems = Vec::new();
    if flags.response_ignore && flags.response_parse {
        problems.push(FlagError::IgnoreWithParse);
    }
    if flags.response_ignore && flags.can_interrupt {
        problems.push(FlagError::IgnoreWithInterrupt);
    }
    for scope in scopes {
        if scope.is_fallback() && matches!(scope.flow(), Flow::Registration | Flow::Settings) {
            let flow = scope.flow();
            if flags.response_parse {
                problems.push(FlagError::NeverRuns {
                    flow,
                    flag: "response_parse",
                });
            }
            if flags.can_interrupt {
                problems.push(FlagError::NeverRuns {
                    flow,
                    flag: "can_interrupt",
                });
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(can_interrupt: bool, response_ignore: bool, response_parse: bool) -> Flags {
        Flags {
            can_interrupt,
            response_ignore,
            response_parse,
        }
    }

    fn scopes(
        flow: Flow,
        timing: Timing,
        auth_method: Option<&AuthMethods>,
    ) -> Result<Vec<Scope>, Vec<ScopeError>> {
        resolve(flow, timing, auth_method)
            .map(|lists| lists.scopes)
            .map_err(|problems| problems.into_iter().map(|(_, e)| e).collect())
    }

    #[test]
    fn auth_method_follows_the_rules_of_the_flow_and_timing() {
        use Flow::*;
        use Timing::*;
        assert_eq!(scopes(Login, Before, None), Ok(vec![Scope::LoginBefore]));
        assert_eq!(
            scopes(Recovery, After, None),
            Ok(vec![Scope::RecoveryAfter])
        );
        assert_eq!(
            scopes(Registration, After, None),
            Err(vec![ScopeError::AuthMethodRequired { flow: Registration }])
        );
        assert_eq!(
            scopes(Verification, After, Some(&AuthMethod::Code.into())),
            Err(vec![ScopeError::AuthMethodNotAllowed {
                flow: Verification,
                timing: After
            }])
        );
        assert_eq!(
            scopes(Login, Before, Some(&AuthMethod::Saml.into())),
            Err(vec![ScopeError::AuthMethodNotAllowed {
                flow: Login,
                timing: Before
            }])
        );
        assert_eq!(
            scopes(Registration, After, Some(&AuthMethod::Totp.into())),
            Err(vec![ScopeError::NoSuchList {
                flow: Registration,
                method: "totp".into()
            }])
        );
        assert_eq!(
            scopes(
                Registration,
                After,
                Some(&[AuthMethod::Oidc, AuthMethod::Saml].into())
            ),
            Ok(vec![
                Scope::RegistrationAfterOidc,
                Scope::RegistrationAfterSaml
            ])
        );
        assert_eq!(
            scopes(
                Settings,
                After,
                Some(&[AuthMethod::Oidc, AuthMethod::Oidc].into())
            ),
            Err(vec![ScopeError::DuplicateMethod {
                method: AuthMethod::Oidc
            }])
        );
        assert_eq!(
            scopes(Settings, After, Some(&AuthMethods::Fallback)),
            Ok(vec![Scope::SettingsAfter])
        );
        assert_eq!(
            scopes(Settings, After, Some(&AuthMethods::All)),
            Ok(Flow::Settings.after_method_scopes())
        );
        assert_eq!(
            scopes(Login, After, Some(&AuthMethods::Only(vec![]))),
            Err(vec![ScopeError::EmptyList])
        );
        let all = resolve(Login, After, Some(&AuthMethods::All)).unwrap();
        assert_eq!(all.auth_method, Some(AuthMethods::All));
        assert_eq!(all.scopes, Flow::Login.after_method_scopes());
        assert!(all.scopes.contains(&Scope::LoginAfterSaml));
    }

    #[test]
    fn every_bad_name_of_a_list_is_reported_at_its_index() {
        let names = [
            Some("password"),
            Some("totp"),
            None,
            Some("pasword"),
            Some("password"),
            Some("all"),
        ];
        let problems = check_auth_methods(
            Flow::Registration,
            Timing::After,
            WrittenAuthMethod::List(&names),
        )
        .unwrap_err();
        let places: Vec<AuthMethodPart> = problems.iter().map(|(at, _)| *at).collect();
        assert_eq!(
            places,
            [1, 3, 4, 5].map(AuthMethodPart::Name),
            "{problems:?}"
        );
        assert!(matches!(problems[0].1, ScopeError::NoSuchList { .. }));
        assert!(matches!(problems[1].1, ScopeError::UnknownMethod { .. }));
        assert_eq!(
            problems[2].1,
            ScopeError::DuplicateMethod {
                method: AuthMethod::Password
            }
        );
        assert_eq!(problems[3].1, ScopeError::StandsAlone { name: "all" });
        // An item the caller could not read fails the list without a problem of its own.
        let problems = check_auth_methods(
            Flow::Login,
            Timing::After,
            WrittenAuthMethod::List(&[Some("oidc"), None]),
        );
        assert_eq!(problems, Err(Vec::new()));
        let problems =
            check_auth_methods(Flow::Login, Timing::Before, WrittenAuthMethod::Unreadable);
        assert_eq!(
            problems,
            Err(vec![(
                AuthMethodPart::Field,
                ScopeError::AuthMethodNotAllowed {
                    flow: Flow::Login,
                    timing: Timing::Before
                }
            )])
        );
        assert_eq!(
            check_auth_methods(Flow::Login, Timing::After, WrittenAuthMethod::List(&[])),
            Err(vec![(AuthMethodPart::Value, ScopeError::EmptyList)])
        );
    }

    #[test]
    fn headers_are_checked_together_and_problems_carry_their_place() {
        use HeaderValueKind::*;
        let problems = check_headers(&[
            ("Authorization", Literal("Bearer abc")),
            ("X-Tenant", Literal("acme")),
            ("x-tenant", Literal("other")),
            ("Bad Name", Literal("x")),
            ("X-Line", Literal("a\nb")),
            ("Content-Type", Literal("text/plain")),
            ("Cookie", Secret),
            ("cookie", Unreadable),
            ("Content-Type", Secret),
        ]);
        let places: Vec<(usize, HeaderPart)> = problems.iter().map(|(i, p, _)| (*i, *p)).collect();
        assert_eq!(
            places,
            [
                (0, HeaderPart::Value),
                (2, HeaderPart::Name),
                (3, HeaderPart::Name),
                (4, HeaderPart::Value),
                (5, HeaderPart::Value),
                (7, HeaderPart::Name),
                (8, HeaderPart::Name),
            ]
        );
        assert!(matches!(problems[0].2, NameError::CredentialHeader { .. }));
        assert!(matches!(problems[1].2, NameError::DuplicateHeader { .. }));
        assert!(matches!(problems[2].2, NameError::Token { .. }));
        assert!(matches!(problems[3].2, NameError::HeaderValue { .. }));
        assert!(matches!(problems[4].2, NameError::ContentType { .. }));
        assert!(check_headers(&[("X-A", Literal("1")), ("Authorization", Secret)]).is_empty());
    }

    #[test]
    fn each_flag_problem_names_the_key_to_point_at() {
        assert_eq!(FlagError::IgnoreWithParse.field(), "response_parse");
        assert_eq!(FlagError::IgnoreWithInterrupt.field(), "can_interrupt");
        let never = FlagError::NeverRuns {
            flow: Flow::Settings,
            flag: "can_interrupt",
        };
        assert_eq!(never.field(), "can_interrupt");
    }

    #[test]
    fn ignore_excludes_parse_and_interrupt() {
        let scope = [Scope::LoginBefore];
        assert!(check_flags(&scope, flags(false, true, false)).is_empty());
        assert!(check_flags(&scope, flags(true, false, true)).is_empty());
        assert_eq!(
            check_flags(&scope, flags(true, true, true)),
            vec![FlagError::IgnoreWithParse, FlagError::IgnoreWithInterrupt]
        );
    }

    #[test]
    fn parse_on_a_fallback_list_of_registration_or_settings_never_runs() {
        for scope in [Scope::RegistrationAfter, Scope::SettingsAfter] {
            assert_eq!(
                check_flags(&[scope], flags(false, false, true)),
                vec![FlagError::NeverRuns {
                    flow: scope.flow(),
                    flag: "response_parse"
                }]
            );
        }
        for scope in [
            Scope::LoginAfter,
            Scope::RegistrationAfterPassword,
            Scope::SettingsAfterProfile,
            Scope::RecoveryAfter,
            Scope::VerificationAfter,
        ] {
            assert!(check_flags(&[scope], flags(true, false, true)).is_empty());
        }
    }
}
