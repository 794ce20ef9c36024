//! [`Problem`], one broken rule of an action, and [`InvalidAction`], every problem of one.

use std::fmt;

use ory_actions_core::jsonnet::CtxError;
use ory_actions_core::{BodyError, FlagError, NameError, ReferenceError, ScopeError, UrlError};

/// One broken rule of an action.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The flow, timing and `auth_method` name no hook list.
    Scope(ScopeError),
    /// The flags conflict or make the hook never run.
    Flags(FlagError),
    /// The URL is not one Ory can call.
    Url(UrlError),
    /// The body is not a template Kratos can evaluate.
    Body(BodyError),
    /// The body reads a field of `ctx` that the hook's context lacks, so every call fails.
    Ctx {
        /// The file the template was read from, if it was.
        file: Option<String>,
        /// The read and what is wrong with it.
        error: CtxError,
    },
    /// The body is a reference (`url(..)`, `kratos_file(..)`) Kratos cannot resolve.
    BodyReference(ReferenceError),
    /// A name, id or environment variable is malformed.
    Name(NameError),
    /// A request header breaks a rule: its name, its value, or where its secret comes from.
    Header {
        /// Its place among the headers, counting from 1.
        position: usize,
        /// Its name, as given.
        name: String,
        /// What is wrong.
        problem: NameError,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Scope(e) => e.fmt(f),
            Problem::Flags(e) => e.fmt(f),
            Problem::Url(e) => e.fmt(f),
            Problem::Body(e) => e.fmt(f),
            Problem::Ctx {
                file: Some(file),
                error,
            } => write!(f, "in `{file}`: {error}"),
            Problem::Ctx { file: None, error } => error.fmt(f),
            Problem::BodyReference(e) => e.fmt(f),
            Problem::Name(e) => e.fmt(f),
            Problem::Header {
                position,
                name,
                problem,
            } => write!(f, "header {position} (`{name}`): {problem}"),
        }
    }
}

/// An action that breaks rules of Ory Actions, or of the platform it is planned for; lists every
/// problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidAction {
    /// The action, when it was made and then refused where it was planned or checked.
    pub(crate) action: Option<String>,
    /// Where `action!` declared it, when it did.
    pub(crate) location: Option<Location>,
    pub(crate) problems: Vec<Problem>,
}

impl InvalidAction {
    /// The action shown as `action`, declared at `location`, cannot go where it was planned,
    /// because of `problem`.
    pub(crate) fn planned(action: String, location: Option<Location>, problem: Problem) -> Self {
        InvalidAction {
            action: Some(action),
            location,
            problems: vec![problem],
        }
    }

    /// Every problem, in the order the rules were checked.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// One line per problem: `src/main.rs:42:9: action `welcome`: …`.
    pub fn lines(&self) -> Vec<String> {
        let mut prefix = String::new();
        if let Some(location) = self.location {
            prefix.push_str(&format!("{location}: "));
        }
        if let Some(action) = &self.action {
            prefix.push_str(&format!("action `{action}`: "));
        }
        self.problems
            .iter()
            .map(|problem| format!("{prefix}{problem}"))
            .collect()
    }
}

impl fmt::Display for InvalidAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = self.location {
            write!(f, "{location}: ")?;
        }
        match &self.action {
            Some(action) => write!(f, "invalid action `{action}`: ")?,
            None => f.write_str("invalid action: ")?,
        }
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            problem.fmt(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidAction {}

/// A place in the user's source: where an `action!` was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    file: &'static str,
    line: u32,
    column: u32,
}

impl Location {
    /// `file:line:column`, as `file!()`, `line!()` and `column!()` give them.
    pub const fn new(file: &'static str, line: u32, column: u32) -> Self {
        Location { file, line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}
