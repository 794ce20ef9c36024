//! Checks of the small names a declaration carries: environment variables, header names and
//! project ids.

use std::fmt;

/// Why a name is not usable where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameError {
    /// Not a portable environment variable name.
    EnvVar {
        /// The name as written.
        name: String,
    },
    /// Not an HTTP token, so not a header or cookie name.
    Token {
        /// What the name is for (`"api key name"`).
        what: &'static str,
        /// The name as written.
        name: String,
    },
    /// Not an Ory project id or slug.
    ProjectId {
        /// The id as written.
        id: String,
    },
    /// A header named twice (names are case-insensitive).
    DuplicateHeader {
        /// The name as written the second time.
        name: String,
    },
    /// A header value with a line break or another control character.
    HeaderValue {
        /// The header.
        name: String,
    },
    /// A `Content-Type` Kratos cannot send.
    ContentType {
        /// The value.
        value: String,
    },
    /// A credential header with its value written in the code.
    CredentialHeader {
        /// The header.
        name: String,
    },
    /// Not usable as an HTTP basic auth user name.
    BasicUser {
        /// The name as written.
        user: String,
    },
    /// An empty string where a value is needed.
    Empty {
        /// What the value is for.
        what: &'static str,
    },
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::EnvVar { name } => write!(
                f,
                "`{name}` is not an environment variable name: use letters, digits and `_`, \
                 not starting with a digit"
            ),
            NameError::Token { what, name } => write!(
                f,
                "`{name}` is not a valid {what}: use letters, digits and `!#$%&'*+-.^_`|~`, \
                 without spaces"
            ),
            NameError::ProjectId { id } => write!(
                f,
                "`{id}` is not an Ory project id: expected a UUID such as \
                 `550e8400-e29b-41d4-a716-446655440000` or a project slug (letters, digits, `-`)"
            ),
            NameError::BasicUser { user } => write!(
                f,
                "`{}` is not a basic auth user name: it must not be empty and may hold neither \
                 `:` nor control characters (RFC 7617)",
                user.escape_debug()
            ),
            NameError::DuplicateHeader { name } => write!(
                f,
                "header `{name}` is given twice (header names are case-insensitive)"
            ),
            NameError::HeaderValue { name } => write!(
                f,
                "the value of header `{name}` holds a line break or another control character"
            ),
            NameError::ContentType { value } => write!(
                f,
                "Kratos sends web hook bodies as `application/json` or \
                 `application/x-www-form-urlencoded` only; a `Content-Type` of `{value}` fails \
                 every call"
            ),
            NameError::CredentialHeader { name } => write!(
                f,
                "`{name}` carries credentials, and secrets are read when the program runs, never \
                 written in the code: write `\"{name}\": env(\"VAR\")` or \
                 `\"{name}\": secret_file(\"path\")`, or use `auth`"
            ),
            NameError::Empty { what } => write!(f, "{what} must not be empty"),
        }
    }
}

impl std::error::Error for NameError {}

/// Checks a portable environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn check_env_var(name: &str) -> Result<(), NameError> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(NameError::EnvVar { name: name.into() })
    }
}

/// Checks an HTTP token (RFC 9110), the syntax of header and cookie names.
pub fn check_token(what: &'static str, name: &str) -> Result<(), NameError> {
    let tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if !name.is_empty() && name.chars().all(tchar) {
        Ok(())
    } else {
        Err(NameError::Token {
            what,
            name: name.into(),
        })
    }
}

/// Checks an Ory project id (a UUID) or slug: letters, digits and `-`.
pub fn check_project_id(id: &str) -> Result<(), NameError> {
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(())
    } else {
        Err(NameError::ProjectId { id: id.into() })
    }
}

/// Headers whose value is a credential, so never a literal in code.
const CREDENTIAL_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
    "api-key",
];

/// Whether a header's value is a credential (`Authorization`, `Cookie`, `X-Api-Key`, …).
pub fn is_credential_header(name: &str) -> bool {
    CREDENTIAL_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// Checks a literal header value: no line breaks or other control characters (tab allowed), and
/// a `Content-Type` Kratos can encode the body as, written exactly as Kratos compares it.
pub(crate) fn check_header_value(name: &str, value: &str) -> Result<(), NameError> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(NameError::HeaderValue { name: name.into() });
    }
    // Kratos compares the value exactly (`request/builder.go`): `application/json;
    // charset=utf-8` or `Application/JSON` fails every call that has a body.
    if name.eq_ignore_ascii_case("content-type") {
        let known = ["application/json", "application/x-www-form-urlencoded"];
        if !known.contains(&value) {
            return Err(NameError::ContentType {
                value: value.into(),
            });
        }
    }
    Ok(())
}

/// Checks an HTTP basic auth user name: not empty, no `:`, no control characters.
pub fn check_basic_user(user: &str) -> Result<(), NameError> {
    if user.is_empty() || user.contains(':') || user.chars().any(char::is_control) {
        Err(NameError::BasicUser { user: user.into() })
    } else {
        Ok(())
    }
}

/// Checks that a value that must say something is not empty.
pub fn check_not_empty(what: &'static str, value: &str) -> Result<(), NameError> {
    if value.trim().is_empty() {
        Err(NameError::Empty { what })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_env_var("WEBHOOK_KEY").is_ok());
        assert!(check_env_var("_x1").is_ok());
        assert!(check_env_var("1X").is_err());
        assert!(check_env_var("A-B").is_err());
        assert!(check_env_var("").is_err());
        assert!(check_token("api key name", "X-Api-Key").is_ok());
        assert!(check_token("api key name", "X Api").is_err());
        assert!(check_token("api key name", "").is_err());
        assert!(check_project_id("550e8400-e29b-41d4-a716-446655440000").is_ok());
        assert!(check_project_id("a/b").is_err());
        assert!(check_not_empty("`name`", " ").is_err());
        assert!(check_header_value("Content-Type", "application/json").is_ok());
        assert!(check_header_value("content-type", "application/x-www-form-urlencoded").is_ok());
        assert!(check_header_value("Content-Type", "application/json; charset=utf-8").is_err());
        assert!(check_header_value("Content-Type", "Application/JSON").is_err());
        assert!(check_header_value("content-type", "text/plain").is_err());
        assert!(check_header_value("X-A", "a\rb").is_err());
        assert!(is_credential_header("AUTHORIZATION"));
        assert!(check_basic_user("ory").is_ok());
        assert!(check_basic_user("a:b").is_err());
        assert!(check_basic_user("a\nb").is_err());
        assert!(check_basic_user("").is_err());
    }
}
