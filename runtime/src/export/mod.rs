//! `export` and `import`: the web hooks a project (or configuration file) holds, as
//! ready-to-compile `action! { … }` code — the way off the Console or Terraform.
//!
//! Secrets never appear in the code: each one becomes an `env("…")` placeholder, named in a
//! comment. A hook the macro cannot express (an HTTP method it does not know, a body it would
//! refuse) is written as a comment saying why, so the rest still compiles.

use std::fmt::Write as _;

use ory_actions_core::fields::{AUTH, BODY, HEADERS, ID, METHOD, URL};
use ory_actions_core::names::is_credential_header;
use ory_actions_core::reference::kratos_path;
use ory_actions_core::{ApiKeyIn, AuthMethods, HttpMethod, Platform, Scope, Timing};

mod import;

pub(crate) use import::{ImportId, find_for_import};

use crate::action::{Action, Auth, Body, Secret};
use crate::hooks::{Entry, HookLists, StoredAuth, StoredBody, WebHook};
use crate::plan::FetchedBodies;

/// One web hook found in a project, ready to become code.
#[derive(Clone, Debug)]
pub(crate) struct FoundHook {
    /// Its hook list.
    pub(crate) scope: Scope,
    pub(crate) hook: WebHook,
}

/// Every web hook of a backend's hook lists, in list order.
pub(crate) fn web_hooks(lists: &HookLists) -> Vec<FoundHook> {
    let mut found = Vec::new();
    for (scope, list) in lists.iter() {
        for entry in list {
            if let Entry::WebHook(hook) = entry.read() {
                found.push(FoundHook { scope, hook: *hook });
            }
        }
    }
    found
}

/// Generated code: the `action!` invocations, and the environment variables the secrets are
/// read from.
#[derive(Debug, Default)]
pub(crate) struct Exported {
    /// `(variable, what it holds)`.
    pub(crate) secrets: Vec<(String, String)>,
    /// One item per hook: `action! { … }`, or a comment saying why the hook cannot be one.
    pub(crate) items: Vec<String>,
}

impl Exported {
    /// The hooks as code, placeholders named `{prefix}_1_API_KEY` and so on.
    /// `all` stands for every per-method list the flow has on `platform`.
    pub(crate) fn new(
        hooks: &[FoundHook],
        bodies: &FetchedBodies,
        prefix: &str,
        platform: Platform,
    ) -> Self {
        let mut exported = Exported::default();
        let mut seen = Vec::new();
        let mut merged: Vec<usize> = Vec::new();
        for (n, found) in hooks.iter().enumerate() {
            if merged.contains(&n) {
                continue;
            }
            let key = (
                found.scope,
                found.hook.method.clone(),
                found.hook.url.clone(),
            );
            if seen.contains(&key) {
                exported.items.push(format!(
                    "// Not exported: {} {} in {} is stored twice; this is the second copy, \
                     which a plan of the exported code deletes.\n",
                    found.hook.method, found.hook.url, found.scope
                ));
                continue;
            }
            seen.push(key);
            // The same hook in several per-method lists of one flow is one action with a list
            // of methods, as one would write it.
            let mut scopes = vec![found.scope];
            if found.scope.method().is_some() {
                for (m, other) in hooks.iter().enumerate().skip(n + 1) {
                    let same_place = other.scope.flow() == found.scope.flow()
                        && other.scope.timing() == found.scope.timing()
                        && other.scope.method().is_some()
                        && !scopes.contains(&other.scope);
                    if same_place && other.hook == found.hook && !merged.contains(&m) {
                        scopes.push(other.scope);
                        merged.push(m);
                        seen.push((
                            other.scope,
                            other.hook.method.clone(),
                            other.hook.url.clone(),
                        ));
                    }
                }
            }
            let var = format!("{prefix}_{}", n + 1);
            match action_code(found, &scopes, bodies, &var, platform) {
                Ok((code, secrets)) => {
                    exported.items.push(code);
                    exported.secrets.extend(secrets);
                }
                Err(why) => exported.items.push(format!(
                    "// Not exported: {} {} in {}: {why}.\n",
                    found.hook.method,
                    found.hook.url,
                    scopes
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        exported
    }

    /// A whole Rust module: a comment naming the secrets, and `pub fn actions()`.
    pub(crate) fn module(&self, source: &str) -> String {
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

/// The `action! { … }` of one hook and the secrets it reads, or why `action!` cannot express
/// the hook. Every rule `action!` checks is checked here first, through the builder, so that
/// what is printed compiles.
fn action_code(
    found: &FoundHook,
    scopes: &[Scope],
    bodies: &FetchedBodies,
    var: &str,
    platform: Platform,
) -> Result<(String, Vec<(String, String)>), String> {
    let hook = &found.hook;
    let described = format!("{} {} in {}", hook.method, hook.url, found.scope);
    let method = HttpMethod::from_name(&hook.method).ok_or_else(|| {
        format!(
            "the HTTP method `{}` is not one `action!` takes",
            hook.method
        )
    })?;
    let body = match &hook.body {
        StoredBody::None => None,
        StoredBody::Text(text) => Some(ExportedBody::Text(text.clone())),
        StoredBody::Url(reference) | StoredBody::File(reference) => match bodies.get(reference) {
            Some(Ok(text)) => Some(ExportedBody::Text(text.clone())),
            // What Kratos resolves itself stays a reference, so the hook is still exported.
            unread => Some(ExportedBody::reference(
                &hook.body,
                unread.and_then(|r| r.as_ref().err()).map(String::as_str),
            )),
        },
        StoredBody::Opaque(raw) => {
            return Err(format!(
                "its body `{raw}` is neither base64 nor a URL nor a path"
            ));
        }
    };
    if !hook.extra.is_empty() {
        let keys: Vec<&str> = hook.extra.keys().map(String::as_str).collect();
        return Err(format!(
            "it has fields `action!` does not know: {}",
            keys.join(", ")
        ));
    }
    let needs_auth_method = found.scope.timing() == Timing::After
        && found.scope.flow().needs_auth_method(Timing::After);
    let methods: Vec<ory_actions_core::AuthMethod> =
        scopes.iter().filter_map(|s| s.method()).collect();
    let auth_method = match methods.as_slice() {
        [] => "fallback".to_owned(),
        [method] => method.as_str().to_owned(),
        _ if scopes.len() == found.scope.flow().after_methods_on(platform).len() => {
            "all".to_owned()
        }
        many => format!(
            "[{}]",
            many.iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };

    // Check what will be printed with the same rules `action!` applies.
    let mut builder = Action::builder(
        found.scope.flow(),
        found.scope.timing(),
        hook.url.with_credentials().to_owned(),
    )
    .method(method)
    .flags(hook.flags);
    if needs_auth_method {
        builder = builder.auth_method(if methods.is_empty() {
            AuthMethods::Fallback
        } else {
            AuthMethods::Only(methods.clone())
        });
    }
    if let Some(body) = &body {
        builder = builder.body_template(body.body());
    }
    let mut secrets = Vec::new();
    let mut secret = |suffix: &str, what: String| {
        let name = format!("{var}_{suffix}");
        secrets.push((name.clone(), format!("{what} of {described}")));
        name
    };
    let auth = match &hook.auth {
        None => None,
        Some(StoredAuth::ApiKey { name, location, .. }) => {
            let var = secret("API_KEY", "the api key".into());
            let location = if location == "cookie" {
                ApiKeyIn::Cookie
            } else {
                ApiKeyIn::Header
            };
            builder = builder.auth(Auth::api_key(
                name.clone(),
                Secret::env(var.clone()),
                location,
            ));
            Some(format!(
                "api_key {{ name: {}, value: env({}), in: {} }}",
                literal(name),
                literal(&var),
                location.as_str()
            ))
        }
        Some(StoredAuth::BasicAuth { user, .. }) => {
            let var = secret("PASSWORD", "the basic auth password".into());
            builder = builder.auth(Auth::basic_auth(user.clone(), Secret::env(var.clone())));
            Some(format!(
                "basic_auth {{ user: {}, password: env({}) }}",
                literal(user),
                literal(&var)
            ))
        }
        Some(StoredAuth::Other(_)) => {
            return Err("its `auth` has a shape `action!` does not take".into());
        }
    };
    let mut headers = Vec::new();
    for (n, (name, value)) in hook.headers.iter().enumerate() {
        if may_hold_a_secret(name) {
            let var = secret(&format!("HEADER_{}", n + 1), format!("the `{name}` header"));
            builder = builder.secret_header(name.clone(), Secret::env(var.clone()));
            headers.push(format!("{}: env({})", literal(name), literal(&var)));
        } else {
            builder = builder.header(name.clone(), value.clone());
            headers.push(format!("{}: {}", literal(name), literal(value)));
        }
    }
    if let Some(id) = &hook.id {
        builder = builder.id(id.clone());
    }
    builder.build().map_err(|invalid| {
        invalid
            .problems()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;

    let mut code = String::from("action! {\n");
    let body_comment = match &body {
        Some(ExportedBody::Url { why, .. }) => comment(
            &format!("Kept as a reference to the template Kratos fetches: {why}."),
            "    ",
        ),
        Some(ExportedBody::KratosFile { why, .. }) => comment(
            &format!("Kept as a reference to the template Kratos reads: {why}."),
            "    ",
        ),
        _ => String::new(),
    };
    let mut field = |key: &str, value: String| {
        if key == BODY.key {
            code.push_str(&body_comment);
        }
        let _ = writeln!(code, "    {key}: {value},");
    };
    field("flow", found.scope.flow().as_str().into());
    field("timing", found.scope.timing().as_str().into());
    if needs_auth_method {
        field("auth_method", auth_method);
    }
    field(URL.key, literal(hook.url.with_credentials()));
    if method != HttpMethod::Post {
        field(METHOD.key, method.as_str().into());
    }
    match &body {
        None => {}
        Some(ExportedBody::Text(text)) => field(BODY.key, body_literal(text, "        ")),
        Some(ExportedBody::Url { url, .. }) => field(BODY.key, format!("url({})", literal(url))),
        Some(ExportedBody::KratosFile { path, .. }) => {
            field(BODY.key, format!("kratos_file({})", literal(path)));
        }
    }
    if let Some(auth) = auth {
        field(AUTH.key, auth);
    }
    if !headers.is_empty() {
        field(HEADERS.key, format!("{{ {} }}", headers.join(", ")));
    }
    // A flag that means its default is left out, as a person writes it.
    for (flag, value) in hook.flags.given_flags() {
        if value != flag.default_flag() {
            field(flag.key, value.to_string());
        }
    }
    if let Some(id) = &hook.id {
        field(ID.key, literal(id));
    }
    code.push_str("},\n");
    Ok((code, secrets))
}

/// The body of an exported hook: its Jsonnet text, or a reference Kratos resolves itself, with
/// why it was not read here.
enum ExportedBody {
    Text(String),
    Url { url: String, why: String },
    KratosFile { path: String, why: String },
}

impl ExportedBody {
    /// The reference a stored URL or path becomes.
    fn reference(stored: &StoredBody, why: Option<&str>) -> ExportedBody {
        let why = why
            .unwrap_or("it was not fetched")
            .trim_end_matches('.')
            .to_owned();
        match stored {
            StoredBody::Url(url) => ExportedBody::Url {
                url: url.clone(),
                why,
            },
            other => ExportedBody::KratosFile {
                path: kratos_path(other.reference().unwrap_or_default()).to_owned(),
                why,
            },
        }
    }

    /// As the builder takes it, to check what is printed.
    fn body(&self) -> Body {
        match self {
            ExportedBody::Text(text) => Body::inline(text.clone()),
            ExportedBody::Url { url, .. } => Body::url(url.clone()),
            ExportedBody::KratosFile { path, .. } => Body::kratos_file(path.clone()),
        }
    }
}

/// `text` as `//` comment lines of at most about 80 characters, each starting with `indent`.
fn comment(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + word.len() + 1 > 76 {
            let _ = writeln!(out, "{indent}// {line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}// {line}");
    }
    out
}

/// Whether a header's value is likely a secret: a credential header, or a name that says so.
fn may_hold_a_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_credential_header(name)
        || [
            "token",
            "secret",
            "signature",
            "key",
            "password",
            "auth",
            "cookie",
            "session",
        ]
        .iter()
        .any(|word| lower.contains(word))
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn lists(document: &Value) -> HookLists {
        HookLists::read(document, ory_actions_core::scope::IDENTITY_CONFIG_POINTER).unwrap()
    }

    #[test]
    fn hooks_action_would_refuse_are_comments_and_secrets_stay_out() {
        let hook =
            |config: serde_json::Value| serde_json::json!({"hook": "web_hook", "config": config});
        let document = serde_json::json!({"services": {"identity": {"config": {"selfservice": {"flows": {
            "registration": {"after": {"hooks": [
                hook(serde_json::json!({"url": "https://h.example/a", "method": "POST", "body": "base64://e30=", "response": {"parse": true}}))
            ]}},
            "login": {"before": {"hooks": [
                hook(serde_json::json!({"url": "https://h.example/b", "method": "POST", "body": "base64://e30=", "headers": {"Content-Type": "text/plain"}})),
                hook(serde_json::json!({"url": "https://user:pw-s3cret@h.example/c", "method": "POST", "body": "base64://e30="})),
                hook(serde_json::json!({"url": "https://h.example/d", "method": "POST", "body": "base64://e30=", "can_interrupt": true, "response": {"ignore": true}})),
                hook(serde_json::json!({"url": "https://h.example/e", "method": "POST", "body": "base64://e30=", "auth": {"type": "api_key", "config": {"name": "X Key", "value": "v", "in": "header"}}})),
                hook(serde_json::json!({"url": "https://h.example/f", "method": "POST", "body": "base64://e30=", "headers": {"X-Auth-Token": "tok-s3cret", "X-Team": "a"}})),
                hook(serde_json::json!({"url": "https://h.example/f", "method": "POST", "body": "base64://e30=", "id": "copy"}))
            ]}}
        }}}}}});
        let hooks = web_hooks(&lists(&document));
        let exported = Exported::new(&hooks, &FetchedBodies::new(), "W", Platform::OryNetwork);
        let code = exported.module("test");
        assert_eq!(code.matches("// Not exported:").count(), 6, "{code}");
        assert_eq!(code.matches("action! {").count(), 1, "{code}");
        assert!(
            code.contains("\"X-Auth-Token\": env(\"W_5_HEADER_1\")"),
            "{code}"
        );
        assert!(code.contains("\"X-Team\": \"a\""), "{code}");
        assert!(!code.contains("s3cret"), "{code}");
        assert!(code.contains("https://user:****@h.example/c"), "{code}");
        assert!(code.contains("is stored twice"), "{code}");
        assert_eq!(
            exported.secrets.len(),
            1,
            "placeholders only for exported hooks"
        );
    }

    #[test]
    fn the_same_hook_in_several_method_lists_is_one_action() {
        let hook = serde_json::json!({"hook": "web_hook", "config": {"url": "https://h.example/w", "method": "POST", "body": "base64://e30="}});
        let other = serde_json::json!({"hook": "web_hook", "config": {"url": "https://h.example/w", "method": "PUT", "body": "base64://e30="}});
        let list = |h: &serde_json::Value| serde_json::json!({"hooks": [h]});
        let document = serde_json::json!({"services": {"identity": {"config": {"selfservice": {"flows": {
            "registration": {"after": {
                "password": list(&hook), "oidc": list(&hook), "code": list(&other)
            }},
            "settings": {"after": {
                "password": list(&hook), "oidc": list(&hook), "webauthn": list(&hook),
                "passkey": list(&hook), "totp": list(&hook), "lookup_secret": list(&hook),
                "profile": list(&hook)
            }}
        }}}}}});
        let hooks = web_hooks(&lists(&document));
        let exported = Exported::new(&hooks, &FetchedBodies::new(), "W", Platform::Kratos);
        let code = exported.module("test");
        assert_eq!(code.matches("action! {").count(), 3, "{code}");
        assert!(code.contains("auth_method: [password, oidc],"), "{code}");
        assert!(code.contains("auth_method: code,"), "{code}");
        assert!(code.contains("auth_method: all,"), "{code}");
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
