//! [`HookUrl`]: the URL of a web hook. It may carry credentials (`https://user:pass@host/`), so
//! it shows masked wherever it is displayed; the URL as written takes a method that says so.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A web hook's URL. `Display` and `Debug` mask any password in it (`https://user:****@host/`);
/// [`HookUrl::with_credentials`] gives it as written, for writing entries and matching. Its
/// copies share one text: a plan keys, compares and shows each hook's URL several times.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct HookUrl(Arc<str>);

impl HookUrl {
    /// The URL as written.
    pub(crate) fn new(url: impl Into<Arc<str>>) -> Self {
        HookUrl(url.into())
    }

    /// The URL as written, credentials included: never for showing.
    pub(crate) fn with_credentials(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask_credentials(&self.0))
    }
}

impl fmt::Debug for HookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&mask_credentials(&self.0), f)
    }
}

/// A URL with any password in it replaced by `****` (most have none: they show as written).
fn mask_credentials(url: &str) -> Cow<'_, str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Cow::Borrowed(url);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            Cow::Owned(format!("{scheme}://{user}:****@{host}{tail}"))
        }
        None => Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_urls_are_masked() {
        assert_eq!(
            mask_credentials("https://u:pw@h.example:8/x?y"),
            "https://u:****@h.example:8/x?y"
        );
        assert_eq!(
            mask_credentials("https://h.example/a@b"),
            "https://h.example/a@b"
        );
        let url = HookUrl::new("https://admin:hunter2@old.example.com/hook");
        let shown = format!("{url} {url:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(
            url.with_credentials(),
            "https://admin:hunter2@old.example.com/hook"
        );
    }
}
