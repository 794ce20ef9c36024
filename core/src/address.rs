//! The web hook URL: an absolute `http` or `https` URL with a host and no credentials.

use std::fmt;

/// Why a string is not a URL Ory can call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// The string does not parse as an absolute URL.
    Invalid {
        /// What the URL parser said.
        reason: String,
    },
    /// The scheme is not `http` or `https`.
    Scheme {
        /// The scheme that was written.
        scheme: String,
    },
    /// The URL carries a user name or password.
    Credentials,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Invalid { reason } => write!(
                f,
                "`url` must be an absolute http or https URL such as \
                 `https://api.example.com/hook`: {reason}"
            ),
            UrlError::Scheme { scheme } => write!(
                f,
                "`url` must be an http or https URL, not `{scheme}:`; Ory calls web hooks over HTTP"
            ),
            UrlError::Credentials => f.write_str(
                "`url` must not carry a user name or password: credentials in a URL end up in \
                 logs; use `auth: basic_auth { .. }` or `auth: api_key { .. }`",
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// Checks that `text` is an absolute `http`/`https` URL with a host and no credentials.
pub fn check_url(text: &str) -> Result<(), UrlError> {
    if text.trim() != text || text.chars().any(char::is_whitespace) {
        return Err(UrlError::Invalid {
            reason: "it contains white space".into(),
        });
    }
    if text.chars().any(char::is_control) {
        return Err(UrlError::Invalid {
            reason: "it contains a control character".into(),
        });
    }
    if text.contains('\\') {
        return Err(UrlError::Invalid {
            reason: "it contains a backslash; URLs use `/`".into(),
        });
    }
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('%') {
        let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
        if !hex(i + 1) || !hex(i + 2) {
            return Err(UrlError::Invalid {
                reason: "a `%` is not followed by two hex digits".into(),
            });
        }
    }
    let parsed = url::Url::parse(text).map_err(|e| UrlError::Invalid {
        reason: match e {
            url::ParseError::RelativeUrlWithoutBase => "it has no scheme".into(),
            other => other.to_string(),
        },
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(UrlError::Scheme {
            scheme: parsed.scheme().into(),
        });
    }
    if !parsed.has_host() || parsed.host_str() == Some("") || !text.contains("://") {
        return Err(UrlError::Invalid {
            reason: "it has no host".into(),
        });
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(UrlError::Credentials);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_absolute_http_urls() {
        for ok in [
            "https://api.example.com/webhooks/welcome",
            "http://localhost:8080/hook?x=1",
            "https://[::1]:9000/",
            "https://bücher.example/hook",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "/webhooks/welcome",
            "api.example.com/hook",
            "https://",
            "http:/example.com",
            "https://exa mple.com",
            " https://example.com",
            "https://example.com:99999/",
            "https://example.com/%zz",
            "https://example.com/a#%2",
            "https://example.com\\hook",
            "https://example.com/a\u{0}b",
            "https://example.com/a\u{7f}b",
        ] {
            assert!(
                matches!(check_url(bad), Err(UrlError::Invalid { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            check_url("ftp://example.com/x"),
            Err(UrlError::Scheme {
                scheme: "ftp".into()
            })
        );
        assert_eq!(
            check_url("file:///etc/passwd"),
            Err(UrlError::Scheme {
                scheme: "file".into()
            })
        );
        assert_eq!(
            check_url("https://user:pw@example.com/"),
            Err(UrlError::Credentials)
        );
    }
}
