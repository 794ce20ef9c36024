//! The cross-field rules of a web hook: combinations the Kratos schema refuses, and flags that
//! put a hook where Kratos never runs it.

use std::fmt;

use crate::scope::{Flow, Scope};

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
