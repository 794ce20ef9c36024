//! `export` and `import`: the web hooks a project (or configuration file) holds, as
//! ready-to-compile `action! { … }` code — the way off the Console or Terraform.
//!
//! Secrets never appear in the code: each one becomes an `env("…")` placeholder, named in a
//! comment. A hook the macro cannot express (an HTTP method it does not know, a body it would
//! refuse) is written as a comment saying why, so the rest still compiles.

use std::fmt::Write as _;

use ory_actions_core::jsonnet::check_body;
use ory_actions_core::names::is_credential_header;
use ory_actions_core::{HttpMethod, Scope, Timing};
use serde_json::Value;

use crate::plan::FetchedBodies;
use crate::remote::{Entry, HookLists, StoredAuth, StoredBody, WebHook};

/// One web hook found in a project, ready to become code.
#[derive(Clone, Debug)]
pub struct FoundHook {
    /// Its hook list.
    pub scope: Scope,
    /// Its position in the list.
    pub index: usize,
    pub(crate) hook: WebHook,
}

impl FoundHook {
    /// The HTTP method.
    pub fn method(&self) -> &str {
        &self.hook.method
    }

    /// The URL.
    pub fn url(&self) -> &str {
        &self.hook.url
    }
}

/// Every web hook of a project document, in list order.
pub fn web_hooks(document: &Value) -> Result<Vec<FoundHook>, crate::error::Error> {
    let lists = HookLists::read(document)?;
    let mut found = Vec::new();
    for &scope in Scope::ALL {
        for (index, entry) in lists.get(scope).into_iter().flatten().enumerate() {
            if let Entry::WebHook(hook) = Entry::read(entry) {
                found.push(FoundHook {
                    scope,
                    index,
                    hook: *hook,
                });
            }
        }
    }
    Ok(found)
}

/// Generated code: the `action!` invocations, and the environment variables the secrets are
/// read from.
#[derive(Debug, Default)]
pub struct Exported {
    /// `(variable, what it holds)`.
    pub secrets: Vec<(String, String)>,
    /// One item per hook: `action! { … }`, or a comment saying why the hook cannot be one.
    pub items: Vec<String>,
}

impl Exported {
    /// The hooks as code, placeholders named `{prefix}_1_API_KEY` and so on.
    pub fn new(hooks: &[FoundHook], bodies: &FetchedBodies, prefix: &str) -> Self {
        let mut exported = Exported::default();
        for (n, found) in hooks.iter().enumerate() {
            let item = action_code(
                found,
                bodies,
                &format!("{prefix}_{}", n + 1),
                &mut exported.secrets,
            );
            exported.items.push(item);
        }
        exported
    }

    /// A whole Rust module: a comment naming the secrets, and `pub fn actions()`.
    pub fn module(&self, source: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "// Exported by ory-actions from {source}.");
        if !self.secrets.is_empty() {
            let _ = writeln!(
                out,
                "// Secrets are read from the environment when the program runs; set these first:"
            );
            for (var, what) in &self.secrets {
                let _ = writeln!(out, "//   {var}: {what}");
            }
        }
        out.push_str("\nuse ory_actions::{Action, action};\n\n/// The web hooks of ");
        out.push_str(source);
        out.push_str(".\npub fn actions() -> Vec<Action> {\n    vec![\n");
        for item in &self.items {
            for line in item.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "        {line}");
                }
            }
        }
        out.push_str("    ]\n}\n");
        out
    }
}

/// The `action! { … }` of one hook, or a comment saying why there is none.
fn action_code(
    found: &FoundHook,
    bodies: &FetchedBodies,
    var: &str,
    secrets: &mut Vec<(String, String)>,
) -> String {
    let hook = &found.hook;
    let described = format!("{} {} in {}", hook.method, hook.url, found.scope);
    let skip = |why: String| format!("// Not exported: {described}: {why}.\n");
    let Some(method) = HttpMethod::from_name(&hook.method) else {
        return skip(format!(
            "the HTTP method `{}` is not one `action!` takes",
            hook.method
        ));
    };
    let body = match &hook.body {
        StoredBody::None => None,
        StoredBody::Text(text) => Some(text.clone()),
        StoredBody::Url(reference) | StoredBody::Opaque(reference) => match bodies.get(reference) {
            Some(Ok(text)) => Some(text.clone()),
            Some(Err(why)) => {
                return skip(format!("its body `{reference}` cannot be read ({why})"));
            }
            None => return skip(format!("its body `{reference}` cannot be read")),
        },
    };
    if let Some(body) = &body
        && let Err(problem) = check_body(body)
    {
        return skip(problem.to_string());
    }
    let mut code = String::from("action! {\n");
    let mut field = |key: &str, value: String| {
        let _ = writeln!(code, "    {key}: {value},");
    };
    field("flow", found.scope.flow().as_str().into());
    field("timing", found.scope.timing().as_str().into());
    if found.scope.timing() == Timing::After && found.scope.flow().needs_auth_method(Timing::After)
    {
        field(
            "auth_method",
            found
                .scope
                .method()
                .map_or("fallback".into(), |m| m.as_str().into()),
        );
    }
    field("url", literal(&hook.url));
    if method != HttpMethod::Post {
        field("method", method.as_str().into());
    }
    if let Some(body) = &body {
        field("body", body_literal(body, "        "));
    }
    for (key, value) in [
        ("can_interrupt", hook.can_interrupt),
        ("response_ignore", hook.response_ignore),
        ("response_parse", hook.response_parse),
    ] {
        if value {
            field(key, "true".into());
        }
    }
    match &hook.auth {
        None => {}
        Some(StoredAuth::ApiKey { name, location, .. }) => {
            let var = format!("{var}_API_KEY");
            secrets.push((var.clone(), format!("the api key of {described}")));
            field(
                "auth",
                format!(
                    "api_key {{ name: {}, value: env({}), in: {} }}",
                    literal(name),
                    literal(&var),
                    if location == "cookie" {
                        "cookie"
                    } else {
                        "header"
                    }
                ),
            );
        }
        Some(StoredAuth::BasicAuth { user, .. }) => {
            let var = format!("{var}_PASSWORD");
            secrets.push((
                var.clone(),
                format!("the basic auth password of {described}"),
            ));
            field(
                "auth",
                format!(
                    "basic_auth {{ user: {}, password: env({}) }}",
                    literal(user),
                    literal(&var)
                ),
            );
        }
        Some(StoredAuth::Other(_)) => {
            return skip("its `auth` has a shape `action!` does not take".into());
        }
    }
    if !hook.headers.is_empty() {
        let mut entries = Vec::new();
        for (n, (name, value)) in hook.headers.iter().enumerate() {
            if is_credential_header(name) {
                let var = format!("{var}_HEADER_{}", n + 1);
                secrets.push((var.clone(), format!("the `{name}` header of {described}")));
                entries.push(format!("{}: env({})", literal(name), literal(&var)));
            } else {
                entries.push(format!("{}: {}", literal(name), literal(value)));
            }
        }
        field("headers", format!("{{ {} }}", entries.join(", ")));
    }
    if let Some(emit) = hook.emit_analytics_event {
        field("emit_analytics_event", emit.to_string());
    }
    if let Some(id) = &hook.id {
        field("id", literal(id));
    }
    if !hook.extra.is_empty() {
        let keys: Vec<&str> = hook.extra.keys().map(String::as_str).collect();
        return skip(format!(
            "it has fields `action!` does not know: {}",
            keys.join(", ")
        ));
    }
    code.push_str("},\n");
    code
}

/// A Rust string literal.
fn literal(text: &str) -> String {
    format!("{text:?}")
}

/// A body as a raw string, its lines indented by `indent` (which `action!` removes again),
/// when it has several lines; else as a plain literal.
fn body_literal(text: &str, indent: &str) -> String {
    let text = text.trim_end();
    if !text.contains('\n') {
        return literal(text);
    }
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let hashes = "#".repeat(hashes);
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("{indent}{line}")
            }
        })
        .collect();
    format!("r{hashes}\"\n{}\n    \"{hashes}", lines.join("\n"))
}

/// A Terraform `ory_action` import ID, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportId {
    /// The project (ignored for a configuration file).
    pub project_id: String,
    /// The flow, as written.
    pub flow: String,
    /// `before` or `after`, as written.
    pub timing: String,
    /// The auth method of an `after` ID.
    pub auth_method: Option<String>,
    /// The HTTP method, when the ID names one.
    pub method: Option<String>,
    /// The URL.
    pub url: String,
}

impl ImportId {
    /// Parses `project:flow:after:auth_method[:METHOD]:url` or `project:flow:before[:METHOD]:url`.
    /// URLs contain colons; an HTTP method is recognised by being one.
    pub fn parse(id: &str) -> Result<ImportId, String> {
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
            url: rest.to_owned(),
        })
    }

    /// The hook list the ID names, or why none.
    pub fn scope(&self) -> Result<Scope, String> {
        let method = match self.auth_method.as_deref() {
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
pub fn find_for_import(id: &ImportId, hooks: &[FoundHook]) -> Result<Vec<FoundHook>, String> {
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
    let bare = |url: &str| url.trim_end_matches('/').to_owned();
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
        assert_eq!(id.url, "https://api.example.com/webhooks/welcome");

        let id = ImportId::parse("p:login:after:oidc:PUT:http://h.example:8080/a:b?c=d:e").unwrap();
        assert_eq!(id.method.as_deref(), Some("PUT"));
        assert_eq!(id.url, "http://h.example:8080/a:b?c=d:e");

        let id = ImportId::parse("p:login:before:https://h.example:8443/validate").unwrap();
        assert_eq!((id.auth_method, id.method), (None, None));
        assert_eq!(id.url, "https://h.example:8443/validate");

        let id = ImportId::parse("p:login:before:DELETE:https://h.example/x").unwrap();
        assert_eq!(id.method.as_deref(), Some("DELETE"));
        assert_eq!(id.scope(), Ok(Scope::LoginBefore));

        assert!(ImportId::parse("p:login:sometime:https://x").is_err());
        assert!(ImportId::parse("p:login").is_err());
        assert!(ImportId::parse("p:login:before:").is_err());
        let totp = ImportId::parse("p:registration:after:totp:https://x").unwrap();
        assert!(
            totp.scope()
                .unwrap_err()
                .contains("no hook list for registration after totp")
        );
    }

    #[test]
    fn bodies_become_raw_strings_that_survive_quotes_and_hashes() {
        assert_eq!(body_literal("{ a: 1 }\n", "  "), "\"{ a: 1 }\"");
        let tricky = "function(ctx) {\n  a: \"#\",\n  b: \"\"#\"\n}";
        let code = body_literal(tricky, "");
        assert!(code.starts_with("r##\"\n"), "{code}");
        assert!(code.ends_with("\n    \"##"), "{code}");
    }
}
