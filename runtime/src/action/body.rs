//! [`Body`]: the request body of an action, a Jsonnet template or a reference Kratos resolves.

use std::borrow::Cow;
use std::fmt;

use ory_actions_core::jsonnet::{check_body, dedent};
use ory_actions_core::reference::{FILE_SCHEME, check_body_url, check_kratos_path};

use crate::error::Problem;

/// The request body: a Jsonnet template written in the program (checked for syntax and for its
/// `ctx` parameter), or a reference to one that Kratos resolves itself — a URL it fetches
/// ([`Body::url`]) or a file it reads from its own disk ([`Body::kratos_file`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Body {
    kind: BodyKind,
}

impl fmt::Debug for Body {
    /// `Body { source: "…", file: … }` for a template; `Body { url: "…" }` or
    /// `Body { kratos_file: "…" }` for a reference.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Body");
        match &self.kind {
            BodyKind::Template { source, file } => out.field("source", source).field("file", file),
            BodyKind::Url(url) => out.field("url", url),
            BodyKind::KratosFile(path) => out.field("kratos_file", path),
        };
        out.finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum BodyKind {
    /// The Jsonnet source, and the file it was read from, if it was (kept for messages).
    Template {
        source: Cow<'static, str>,
        file: Option<Cow<'static, str>>,
    },
    /// `http(s)://…`, fetched by Kratos.
    Url(Cow<'static, str>),
    /// A path Kratos reads, written as `file://` and the path.
    KratosFile(Cow<'static, str>),
}

impl Body {
    /// A body written inline. The indentation it has from the surrounding code is removed
    /// (leading blank lines, trailing white space and the indentation common to all lines).
    pub fn inline(source: impl Into<Cow<'static, str>>) -> Self {
        let source = source.into();
        // A template already flush left is kept as it came, without a copy.
        let dedented = match dedent(&source) {
            Cow::Borrowed(_) => None,
            Cow::Owned(dedented) => Some(dedented),
        };
        let source = dedented.map_or(source, Cow::Owned);
        Body {
            kind: BodyKind::Template { source, file: None },
        }
    }

    /// A body read from `file` (kept for messages; `source` is its content).
    pub fn from_file(
        file: impl Into<Cow<'static, str>>,
        source: impl Into<Cow<'static, str>>,
    ) -> Self {
        Body {
            kind: BodyKind::Template {
                source: source.into(),
                file: Some(file.into()),
            },
        }
    }

    /// A template Kratos fetches from this `http`/`https` URL each time it runs the hook (it
    /// caches it for an hour). The entry carries the URL as written.
    pub fn url(url: impl Into<Cow<'static, str>>) -> Self {
        Body {
            kind: BodyKind::Url(url.into()),
        }
    }

    /// A template Kratos reads from this path on its own machine (or in its container): the
    /// entry carries `file://` and the path. A relative path is relative to Kratos's working
    /// directory, as Kratos reads it.
    pub fn kratos_file(path: impl Into<Cow<'static, str>>) -> Self {
        Body {
            kind: BodyKind::KratosFile(path.into()),
        }
    }

    /// The Jsonnet source, when the template is written in the program (inline or read from a
    /// file at build time); `None` for a body Kratos resolves itself.
    pub fn source(&self) -> Option<&str> {
        match &self.kind {
            BodyKind::Template { source, .. } => Some(source),
            BodyKind::Url(_) | BodyKind::KratosFile(_) => None,
        }
    }

    /// The file the template was read from, if it was.
    pub fn file(&self) -> Option<&str> {
        match &self.kind {
            BodyKind::Template { file, .. } => file.as_deref(),
            BodyKind::Url(_) | BodyKind::KratosFile(_) => None,
        }
    }

    /// What the entry's `body` holds for a body Kratos resolves itself: the URL, or `file://`
    /// and the path; `None` for a template written in the program.
    pub fn reference(&self) -> Option<String> {
        match &self.kind {
            BodyKind::Template { .. } => None,
            BodyKind::Url(url) => Some(url.to_string()),
            BodyKind::KratosFile(path) => Some(format!("{FILE_SCHEME}{path}")),
        }
    }

    /// What is wrong with it: a template Kratos cannot run, or a reference it cannot resolve.
    pub(super) fn problem(&self) -> Option<Problem> {
        match &self.kind {
            BodyKind::Template { source, .. } => check_body(source).err().map(Problem::Body),
            BodyKind::Url(url) => check_body_url(url).err().map(Problem::BodyReference),
            BodyKind::KratosFile(path) => check_kratos_path(path).err().map(Problem::BodyReference),
        }
    }
}
