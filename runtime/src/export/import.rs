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
    /// The HTTP method: the one the ID names, upper-cased, or `POST`, as the provider reads an
    /// ID without one.
    pub(crate) method: String,
    /// The URL.
    pub(crate) url: HookUrl,
}

impl ImportId {
    /// Parses `project:flow:after:auth_method[:METHOD]:url` or `project:flow:before[:METHOD]:url`,
    /// as the Terraform provider does. URLs contain colons: a segment before the URL is a method
    /// when the rest does not go on with `//` (it would be the URL's scheme), and a method must
    /// be one Kratos sends.
    pub(crate) fn parse(id: &str) -> Result<ImportId, String> {
        let usage = "expected `project:flow:after:auth_method[:METHOD]:url` or \
                     `project:flow:before[:METHOD]:url`";
        let mut rest = Some(id);
        let mut next = |what: &str| -> Result<String, String> {
            let segment = rest.take().filter(|segment| !segment.is_empty());
            let segment =
                segment.ok_or_else(|| format!("import ID `{id}` has no {what}: {usage}"))?;
            match segment.split_once(':') {
                Some((part, tail)) => {
                    rest = Some(tail);
                    Ok(part.to_owned())
                }
                None => Ok(segment.to_owned()),
            }
        };
        let project_id = next("project")?;
        let flow = next("flow")?;
        let timing = next("timing")?;
        let auth_method = match timing.as_str() {
            "after" => Some(next("auth method")?),
            "before" => None,
            other => {
                return Err(format!(
                    "import ID `{id}` has the timing `{other}`: it is `before` or `after`; {usage}"
                ));
            }
        };
        let mut rest = rest.unwrap_or_default();
        let mut method = "POST".to_owned();
        if let Some((candidate, tail)) = rest.split_once(':')
            && !tail.starts_with("//")
            && !candidate.is_empty()
            && candidate.bytes().all(|b| b.is_ascii_alphabetic())
        {
            let upper = candidate.to_ascii_uppercase();
            if HttpMethod::from_name(&upper).is_none() {
                return Err(format!(
                    "import ID `{id}` has the HTTP method `{candidate}`: it is GET, POST, PUT, \
                     PATCH or DELETE; {usage}"
                ));
            }
            method = upper;
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
        .filter(|h| h.scope == scope && h.hook.url == id.url && h.hook.method == id.method)
        .cloned()
        .collect();
    if !matching.is_empty() {
        return Ok(matching);
    }
    let mut message = format!(
        "no web hook matches: nothing calls {} {} in {scope}",
        id.method, id.url
    );
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
        .find(|h| h.scope == scope && h.hook.url == id.url)
        .map(|h| format!("{} {} (another HTTP method)", h.hook.method, h.hook.url))
        .or_else(|| {
            hooks
                .iter()
                .find(|h| h.scope == scope && bare(&h.hook.url) == bare(&id.url))
                .map(|h| {
                    format!(
                        "{} {} (a trailing slash differs)",
                        h.hook.method, h.hook.url
                    )
                })
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

    /// The valid IDs of the Terraform provider's own parser test
    /// (`internal/resources/action/import_test.go` in ory/terraform-provider-ory at commit
    /// 9005a598007b), each with what the provider reads from it: project, flow, timing, auth
    /// method (the provider fills `password` where the ID has none, or `_`; here `None` and the
    /// ID's own), HTTP method, URL.
    const PROVIDER_VALID: [(&str, [&str; 6]); 10] = [
        (
            "P:registration:after:password:POST:https://api.example.com/webhook",
            [
                "P",
                "registration",
                "after",
                "password",
                "POST",
                "https://api.example.com/webhook",
            ],
        ),
        (
            "P:registration:after:password:https://api.example.com/webhook",
            [
                "P",
                "registration",
                "after",
                "password",
                "POST",
                "https://api.example.com/webhook",
            ],
        ),
        (
            "P:verification:after:_:PATCH:https://api.example.com/hook",
            [
                "P",
                "verification",
                "after",
                "_",
                "PATCH",
                "https://api.example.com/hook",
            ],
        ),
        (
            "P:login:before:PATCH:https://api.example.com/validate",
            [
                "P",
                "login",
                "before",
                "",
                "PATCH",
                "https://api.example.com/validate",
            ],
        ),
        (
            "P:login:before:https://api.example.com/validate",
            [
                "P",
                "login",
                "before",
                "",
                "POST",
                "https://api.example.com/validate",
            ],
        ),
        (
            "P:login:before:post:https://api.example.com/validate",
            [
                "P",
                "login",
                "before",
                "",
                "POST",
                "https://api.example.com/validate",
            ],
        ),
        (
            "P:login:before:https://api.example.com:8443/validate",
            [
                "P",
                "login",
                "before",
                "",
                "POST",
                "https://api.example.com:8443/validate",
            ],
        ),
        (
            "P:login:before:https://api.example.com/cb?redirect=https://other.example.com",
            [
                "P",
                "login",
                "before",
                "",
                "POST",
                "https://api.example.com/cb?redirect=https://other.example.com",
            ],
        ),
        (
            "P:registration:after:password:https://api.example.com/cb?redirect=https://other.example.com",
            [
                "P",
                "registration",
                "after",
                "password",
                "POST",
                "https://api.example.com/cb?redirect=https://other.example.com",
            ],
        ),
        (
            "P:login:before:PUT:https://api.example.com/cb?redirect=https://other.example.com",
            [
                "P",
                "login",
                "before",
                "",
                "PUT",
                "https://api.example.com/cb?redirect=https://other.example.com",
            ],
        ),
    ];

    /// The invalid IDs of the same test, each with what our message must name.
    const PROVIDER_INVALID: [(&str, &str); 5] = [
        ("P:login", "has no timing"),
        (
            "P:login:sideways:https://api.example.com/hook",
            "has the timing `sideways`",
        ),
        ("P:registration:after:password", "has no URL"),
        (
            "P:login:before:BOGUS:https://api.example.com/hook",
            "has the HTTP method `BOGUS`",
        ),
        ("P:login:before:", "has no URL"),
    ];

    #[test]
    fn the_providers_import_ids_read_as_the_provider_reads_them() {
        for (id, [project, flow, timing, auth_method, method, url]) in PROVIDER_VALID {
            let parsed = ImportId::parse(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(parsed.project_id, project, "{id}");
            assert_eq!(parsed.flow, flow, "{id}");
            assert_eq!(parsed.timing, timing, "{id}");
            assert_eq!(
                parsed.auth_method.as_deref(),
                (!auth_method.is_empty()).then_some(auth_method),
                "{id}"
            );
            assert_eq!(parsed.method, method, "{id}");
            assert_eq!(parsed.url.with_credentials(), url, "{id}");
            assert!(parsed.scope().is_ok(), "{id}: {:?}", parsed.scope());
        }
        for (id, names) in PROVIDER_INVALID {
            let error = ImportId::parse(id).expect_err(id);
            assert!(error.contains(names), "{id}: {error}");
        }
    }

    #[test]
    fn an_id_without_a_method_names_the_post_hook_when_the_list_holds_others() {
        let hook = |method: &str| FoundHook {
            scope: Scope::LoginBefore,
            hook: crate::hooks::WebHook::new(
                HookUrl::new("https://api.example.com/validate"),
                crate::hooks::Method::Owned(method.to_owned()),
            ),
        };
        let hooks = [hook("PATCH"), hook("POST")];
        let id = ImportId::parse("P:login:before:https://api.example.com/validate").unwrap();
        let found = find_for_import(&id, &hooks).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].hook.method, "POST");
        let patch = ImportId::parse("P:login:before:PATCH:https://api.example.com/validate");
        assert_eq!(
            find_for_import(&patch.unwrap(), &hooks).unwrap()[0]
                .hook
                .method,
            "PATCH"
        );
        // Only another method there: no match, and the message names the one that is.
        let error = find_for_import(&id, &hooks[..1]).unwrap_err();
        assert!(
            error.contains("nothing calls POST https://api.example.com/validate"),
            "{error}"
        );
        assert!(
            error.contains("PATCH https://api.example.com/validate (another HTTP method)"),
            "{error}"
        );
    }

    #[test]
    fn import_ids_with_ports_colons_and_methods() {
        let id = ImportId::parse("p:login:after:oidc:PUT:http://h.example:8080/a:b?c=d:e").unwrap();
        assert_eq!(id.method, "PUT");
        assert_eq!(id.url.with_credentials(), "http://h.example:8080/a:b?c=d:e");

        let id = ImportId::parse("p:login:before:DELETE:https://h.example/x").unwrap();
        assert_eq!(id.method, "DELETE");
        assert_eq!(id.scope(), Ok(Scope::LoginBefore));

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
