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
    // Nearly every URL: ASCII, with no byte the checks below look for (white space and
    // controls, `\`, `%`), in the common shape. One pass over its bytes tells.
    let unremarkable = |b: u8| b > b' ' && b < 0x7f && b != b'\\' && b != b'%';
    if text.bytes().all(unremarkable) && plainly_valid(text) {
        return Ok(());
    }
    // An ASCII URL is looked at byte by byte.
    let (white, control) = if text.is_ascii() {
        let bytes = text.as_bytes();
        (
            bytes.iter().any(|b| b.is_ascii_whitespace() || *b == 0x0b),
            bytes.iter().any(|b| b.is_ascii_control()),
        )
    } else {
        (
            text.chars().any(char::is_whitespace),
            text.chars().any(char::is_control),
        )
    };
    if white {
        return Err(UrlError::Invalid {
            reason: "it contains white space".into(),
        });
    }
    if control {
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
    if plainly_valid(text) {
        return Ok(());
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

/// Whether `text` has the shape nearly every hook URL has, which the URL parser takes and
/// [`check_url`] then accepts: `http://` or `https://`, a host of lowercase letters, digits and
/// `-` in dot-separated labels (none starting with `xn--`, the last starting with a letter, so
/// never an IP address or punycode), an optional port up to 65535, and a path, query and
/// fragment of characters a URL may hold as they are. Anything else goes to the parser. Spares
/// a program of ten thousand hooks the parser's cost for each.
fn plainly_valid(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let label = |label: &str| {
        (1..=63).contains(&label.len())
            && !label.starts_with("xn--")
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let host_ok = host.split('.').all(label)
        && host
            .rsplit('.')
            .next()
            .is_some_and(|last| last.starts_with(|c: char| c.is_ascii_lowercase()));
    let port_ok = port.is_none_or(|port| {
        (1..=5).contains(&port.len())
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|port| port <= 65_535)
    });
    // `%` is followed by two hex digits: `check_url` looked before.
    let tail_ok = tail.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'%'
                    | b'?'
                    | b'#'
            )
    });
    host_ok && port_ok && tail_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the parser alone says of `text` (the checks of [`check_url`] without its
    /// shortcut).
    fn parsed(text: &str) -> bool {
        url::Url::parse(text).is_ok_and(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.has_host()
                && url.host_str() != Some("")
                && url.username().is_empty()
                && url.password().is_none()
        })
    }

    #[test]
    fn ascii_white_space_and_controls_are_told_as_for_any_character() {
        for b in 0..=0x7f_u8 {
            let c = char::from(b);
            assert_eq!(
                b.is_ascii_whitespace() || b == 0x0b,
                c.is_whitespace(),
                "{b:#x}"
            );
            assert_eq!(b.is_ascii_control(), c.is_control(), "{b:#x}");
        }
    }

    #[test]
    fn the_shortcut_takes_only_what_the_parser_accepts() {
        for text in [
            "https://hooks.example.com/h/12",
            "http://localhost:8080/hook?x=1&y=%20#top",
            "https://a-b.c9.example:65535/",
            "https://api.example.com",
            "https://x.y/p/@me/(1)*+,;=:!$'~",
        ] {
            assert!(plainly_valid(text), "{text}");
            assert!(parsed(text), "{text}");
        }
        for text in [
            "https://1.2.3.4/",
            "https://1.2.3.999/",
            "https://example.0x1/",
            "https://xn--nxasmq6b.example/",
            "https://Example.com/",
            "https://example..com/",
            "https://example.com./",
            "https://example.com:65536/",
            "https://example.com:/",
            "https://user@example.com/",
            "https:///x",
            "https://ex_ample.com/",
            "https://example.com/a b",
            "ftp://example.com/",
        ] {
            assert!(!plainly_valid(text), "{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// Hosts, ports and paths near the shortcut's grammar: whatever it takes, the parser
        /// takes.
        #[test]
        fn what_the_shortcut_takes_the_parser_takes(
            scheme in "https?|HTTP|ftp",
            host in "([a-z0-9-]{0,5}|xn--[a-z]{1,3}|[0-9]{1,4}|0x[0-9]{1,2})(\\.([a-z0-9-]{0,5}|[0-9]{1,3})){0,3}",
            port in "(:[0-9]{0,6})?",
            tail in "([/?#][a-zA-Z0-9%/?#@:._~!$&'()*+,;=-]{0,8})?",
        ) {
            let text = format!("{scheme}://{host}{port}{tail}");
            if plainly_valid(&text) {
                proptest::prop_assert!(parsed(&text), "{}", text);
            }
        }
    }

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
