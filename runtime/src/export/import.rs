//! `import ID`: the Terraform provider's import IDs, and the web hook one names.

use ory_actions_core::{HttpMethod, Scope, Timing};

use super::FoundHook;
use crate::hooks::HookUrl;

/// A Terraform `ory_action` import ID, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImportId {
    /// The project (ignored for a configuration file).
    pub(crate) project_id: String,
    /// The flow, as written.
    pub(crate) flow: String,
    /// `before` or `after`, as written.
    pub(crate) timing: String,
    /// The auth method of an `after` ID.
    pub(crate) auth_method: Option<String>,
    /// The HTTP method, when the ID names one.
    pub(crate) method: Option<String>,
    /// The URL.
    pub(crate) url: HookUrl,
}

impl ImportId {
    /// Parses `project:flow:after:auth_method[:METHOD]:url` or `project:flow:before[:METHOD]:url`.
    /// URLs contain colons; an HTTP method is recognised by being one.
    pub(crate) fn parse(id: &str) -> Result<ImportId, String> {
        let usage = "expected `project:flow:after:auth_method[:METHOD]:url` or \
                     `project:flow:before[:METHOD]:url`";
        let mut rest = id;
        let mut next = |what: &str| -> Result<String, String> {
            let (part, tail) = rest
                .split_once(':')
                .ok_or_else(|| format!("import ID `{id}` has no {what}: {usage}"))?;
            rest = tail;
            Ok(part.to_owned())
        };
        let project_id = next("project")?;
        let flow = next("flow")?;
        let timing = next("timing")?;
        let auth_method = match timing.as_str() {
            "after" => Some(next("auth method")?),
            "before" => None,
            other => return Err(format!("import ID `{id}` has timing `{other}`: {usage}")),
        };
        let mut method = None;
        if let Some((candidate, tail)) = rest.split_once(':')
            && HttpMethod::from_name(&candidate.to_ascii_uppercase()).is_some()
            && !tail.starts_with("//")
        {
            method = Some(candidate.to_ascii_uppercase());
            rest = tail;
        }
        if rest.is_empty() {
            return Err(format!("import ID `{id}` has no URL: {usage}"));
        }
        Ok(ImportId {
            project_id,
            flow,
            timing,
            auth_method,
            method,
            url: HookUrl::new(rest),
        })
    }

    /// The hook list the ID names, or why none.
    pub(crate) fn scope(&self) -> Result<Scope, String> {
        let single_list = ory_actions_core::Flow::from_name(&self.flow)
            .is_some_and(|flow| !flow.needs_auth_method(Timing::After));
        let method = match self.auth_method.as_deref() {
            // Recovery and verification have one `after` list; the Terraform provider still
            // names a method in their IDs.
            Some(_) if single_list => None,
            Some("fallback") | None => None,
            Some(method) => Some(method),
        };
        Scope::lookup(&self.flow, &self.timing, method).ok_or_else(|| {
            format!(
                "Kratos has no hook list for {} {}{}",
                self.flow,
                self.timing,
                method.map(|m| format!(" {m}")).unwrap_or_default()
            )
        })
    }
}

/// The hooks an import ID matches, or what was found near it.
pub(crate) fn find_for_import(
    id: &ImportId,
    hooks: &[FoundHook],
) -> Result<Vec<FoundHook>, String> {
    let scope = id.scope()?;
    let matching: Vec<FoundHook> = hooks
        .iter()
        .filter(|h| h.scope == scope && h.hook.url == id.url)
        .filter(|h| id.method.as_deref().is_none_or(|m| h.hook.method == m))
        .cloned()
        .collect();
    if !matching.is_empty() {
        return Ok(matching);
    }
    let mut message = format!("no web hook matches: nothing calls {} in {scope}", id.url);
    let here: Vec<&FoundHook> = hooks.iter().filter(|h| h.scope == scope).collect();
    if here.is_empty() {
        message.push_str(&format!("; {scope} holds no web hooks"));
    } else {
        message.push_str(&format!("; {scope} holds:"));
        for hook in &here {
            message.push_str(&format!("\n  {} {}", hook.hook.method, hook.hook.url));
        }
    }
    let bare = |url: &HookUrl| url.with_credentials().trim_end_matches('/').to_owned();
    let near = hooks
        .iter()
        .find(|h| h.scope == scope && bare(&h.hook.url) == bare(&id.url))
        .map(|h| {
            format!(
                "{} {} (a trailing slash differs)",
                h.hook.method, h.hook.url
            )
        })
        .or_else(|| {
            hooks
                .iter()
                .find(|h| h.scope == scope && h.hook.url == id.url)
                .map(|h| format!("{} {} (another HTTP method)", h.hook.method, h.hook.url))
        })
        .or_else(|| {
            hooks
                .iter()
                .find(|h| h.hook.url == id.url || bare(&h.hook.url) == bare(&id.url))
                .map(|h| {
                    format!(
                        "{} {} in {} (another list)",
                        h.hook.method, h.hook.url, h.scope
                    )
                })
        });
    if let Some(near) = near {
        message.push_str(&format!("\nnearest match: {near}"));
    }
    Err(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_with_ports_colons_and_methods() {
        let id = ImportId::parse(
            "550e8400-e29b-41d4-a716-446655440000:registration:after:password:https://api.example.com/webhooks/welcome",
        )
        .unwrap();
        assert_eq!(id.flow, "registration");
        assert_eq!(id.auth_method.as_deref(), Some("password"));
        assert_eq!(id.method, None);
        assert_eq!(
            id.url.with_credentials(),
            "https://api.example.com/webhooks/welcome"
        );

        let id = ImportId::parse("p:login:after:oidc:PUT:http://h.example:8080/a:b?c=d:e").unwrap();
        assert_eq!(id.method.as_deref(), Some("PUT"));
        assert_eq!(id.url.with_credentials(), "http://h.example:8080/a:b?c=d:e");

        let id = ImportId::parse("p:login:before:https://h.example:8443/validate").unwrap();
        assert_eq!((id.auth_method, id.method), (None, None));
        assert_eq!(id.url.with_credentials(), "https://h.example:8443/validate");

        let id = ImportId::parse("p:login:before:DELETE:https://h.example/x").unwrap();
        assert_eq!(id.method.as_deref(), Some("DELETE"));
        assert_eq!(id.scope(), Ok(Scope::LoginBefore));

        assert!(ImportId::parse("p:login:sometime:https://x").is_err());
        assert!(ImportId::parse("p:login").is_err());
        assert!(ImportId::parse("p:login:before:").is_err());
        let verified = ImportId::parse("p:verification:after:code:https://x/v").unwrap();
        assert_eq!(verified.scope(), Ok(Scope::VerificationAfter));
        let totp = ImportId::parse("p:registration:after:totp:https://x").unwrap();
        assert!(
            totp.scope()
                .unwrap_err()
                .contains("no hook list for registration after totp")
        );
    }
}
