//! A body Kratos resolves itself: a template it fetches from a URL (`body: url("https://…")`)
//! or reads from its own disk (`body: kratos_file("/etc/config/kratos/welcome.jsonnet")`).
//!
//! Such a body is written into the hook entry as it is given: the URL, or `file://` and the
//! path. Kratos reads `file://X` with `os.ReadFile(X)`, so a relative path is relative to
//! Kratos's working directory, and an absolute one is a path on Kratos's machine (or in its
//! container).

use std::fmt;

use crate::address::{UrlError, check_url};

/// The scheme Kratos reads a body from its disk with.
pub const FILE_SCHEME: &str = "file://";

/// Why a body reference is not one Kratos can resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReferenceError {
    /// `url(..)` is not an absolute `http`/`https` URL without credentials.
    Url(UrlError),
    /// `kratos_file(..)` is empty.
    EmptyPath,
    /// `kratos_file(..)` starts with a scheme: it takes the path alone.
    PathWithScheme {
        /// The scheme written, such as `file`.
        scheme: String,
    },
    /// `kratos_file(..)` holds a control character (a NUL, a line break), which no path Kratos
    /// reads has.
    PathControl,
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReferenceError::Url(UrlError::Invalid { reason }) => write!(
                f,
                "`url(..)` of `body` takes an absolute http or https URL that Kratos fetches the \
                 template from, such as `https://example.com/body.jsonnet`: {reason}"
            ),
            ReferenceError::Url(UrlError::Scheme { scheme }) if scheme == "file" => f.write_str(
                "`url(..)` of `body` takes an http or https URL, not `file:`: write \
                 `kratos_file(\"/path/to/template.jsonnet\")` for a template Kratos reads \
                 from its disk",
            ),
            ReferenceError::Url(UrlError::Scheme { scheme }) => write!(
                f,
                "`url(..)` of `body` takes an http or https URL, not `{scheme}:`; Kratos fetches \
                 templates over HTTP"
            ),
            ReferenceError::Url(UrlError::Credentials) => f.write_str(
                "`url(..)` of `body` must not carry a user name or password: credentials in a \
                 URL end up in logs and plans",
            ),
            ReferenceError::EmptyPath => f.write_str(
                "`kratos_file(..)` of `body` takes a non-empty path on Kratos's machine, such as \
                 `/etc/config/kratos/body.jsonnet` (a relative path is relative to Kratos's \
                 working directory)",
            ),
            ReferenceError::PathWithScheme { scheme } => write!(
                f,
                "`kratos_file(..)` of `body` takes a path, not a `{scheme}:` URL: write the path \
                 alone, such as `/etc/config/kratos/body.jsonnet` (`file://` is put in front \
                 of it){}",
                if scheme == "http" || scheme == "https" {
                    "; for a template Kratos fetches, write `url(\"…\")`"
                } else {
                    ""
                }
            ),
            ReferenceError::PathControl => {
                f.write_str("`kratos_file(..)` of `body` takes a path without control characters")
            }
        }
    }
}

impl std::error::Error for ReferenceError {}

/// Checks the URL of `body: url(..)`: an absolute `http`/`https` URL with a host and no
/// credentials, the same rules as a web hook's `url`.
pub fn check_body_url(url: &str) -> Result<(), ReferenceError> {
    check_url(url).map_err(ReferenceError::Url)
}

/// Checks the path of `body: kratos_file(..)`: not empty, no scheme, no control characters.
pub fn check_kratos_path(path: &str) -> Result<(), ReferenceError> {
    if path.is_empty() {
        return Err(ReferenceError::EmptyPath);
    }
    if let Some((scheme, _)) = path.split_once("://")
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Err(ReferenceError::PathWithScheme {
            scheme: scheme.to_owned(),
        });
    }
    if path.chars().any(char::is_control) {
        return Err(ReferenceError::PathControl);
    }
    Ok(())
}

/// The path Kratos reads for a `body` that is neither `base64://` nor `http(s)://`: what follows
/// `file://`, or the whole value (a bare path, which Kratos prefixes with `file://`).
pub fn kratos_path(body: &str) -> &str {
    body.strip_prefix(FILE_SCHEME).unwrap_or(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_absolute_http() {
        assert_eq!(check_body_url("https://example.com/body.jsonnet"), Ok(()));
        assert_eq!(check_body_url("http://localhost:4433/b"), Ok(()));
        for bad in [
            "",
            "body.jsonnet",
            "file:///etc/x",
            "https://u:p@example.com/",
        ] {
            let e = check_body_url(bad).unwrap_err();
            assert!(e.to_string().starts_with("`url(..)` of `body`"), "{e}");
        }
        assert!(
            check_body_url("file:///etc/x")
                .unwrap_err()
                .to_string()
                .contains("kratos_file")
        );
    }

    #[test]
    fn paths_are_plain_and_not_empty() {
        for ok in [
            "/etc/config/kratos/welcome.jsonnet",
            "templates/x.jsonnet",
            "C:\\kratos\\x.jsonnet",
            "a:b",
        ] {
            assert_eq!(check_kratos_path(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_kratos_path(""), Err(ReferenceError::EmptyPath));
        assert_eq!(
            check_kratos_path("file:///etc/x"),
            Err(ReferenceError::PathWithScheme {
                scheme: "file".into()
            })
        );
        assert_eq!(
            check_kratos_path("/etc/a\nb"),
            Err(ReferenceError::PathControl)
        );
    }

    #[test]
    fn the_path_kratos_reads() {
        assert_eq!(kratos_path("file:///etc/x"), "/etc/x");
        assert_eq!(kratos_path("file://t/x.jsonnet"), "t/x.jsonnet");
        assert_eq!(
            kratos_path("/path/to/template.jsonnet"),
            "/path/to/template.jsonnet"
        );
    }
}
