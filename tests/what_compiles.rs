//! What compiles: every hook list, every key and every form a value may take, computed values,
//! body references and guarded reads of `ctx`. An ordinary test: if any of it stopped
//! compiling, the test build would fail; what must not compile is in `tests/ui/fail` and in the
//! macro's unit tests.

use std::borrow::Cow;

use ory_actions::{
    ApiKeyIn, Auth, Flow, HeaderValue, HttpMethod, ProjectId, Scope, Secret, Stack, Timing, action,
};

/// Every one of the 32 hook lists Ory has (the 29 of self-hosted Kratos and the three `saml`
/// lists of Ory Network), each declared once; the actions land in exactly the runtime's scopes.
#[test]
fn all_scopes() {
    let actions = [
        action! { flow: login, timing: before, url: "https://h.example/1" },
        action! { flow: login, timing: after, auth_method: fallback, url: "https://h.example/2" },
        action! { flow: login, timing: after, auth_method: password, url: "https://h.example/3" },
        action! { flow: login, timing: after, auth_method: oidc, url: "https://h.example/4" },
        action! { flow: login, timing: after, auth_method: code, url: "https://h.example/5" },
        action! { flow: login, timing: after, auth_method: webauthn, url: "https://h.example/6" },
        action! { flow: login, timing: after, auth_method: passkey, url: "https://h.example/7" },
        action! { flow: login, timing: after, auth_method: totp, url: "https://h.example/8" },
        action! { flow: login, timing: after, auth_method: lookup_secret, url: "https://h.example/9" },
        action! { flow: login, timing: after, auth_method: saml, url: "https://h.example/30" },
        action! { flow: registration, timing: before, url: "https://h.example/10" },
        action! { flow: registration, timing: after, auth_method: fallback, url: "https://h.example/11" },
        action! { flow: registration, timing: after, auth_method: password, url: "https://h.example/12" },
        action! { flow: registration, timing: after, auth_method: oidc, url: "https://h.example/13" },
        action! { flow: registration, timing: after, auth_method: code, url: "https://h.example/14" },
        action! { flow: registration, timing: after, auth_method: webauthn, url: "https://h.example/15" },
        action! { flow: registration, timing: after, auth_method: passkey, url: "https://h.example/16" },
        action! { flow: registration, timing: after, auth_method: saml, url: "https://h.example/31" },
        action! { flow: recovery, timing: before, url: "https://h.example/17" },
        action! { flow: recovery, timing: after, url: "https://h.example/18" },
        action! { flow: settings, timing: before, url: "https://h.example/19" },
        action! { flow: settings, timing: after, auth_method: fallback, url: "https://h.example/20" },
        action! { flow: settings, timing: after, auth_method: password, url: "https://h.example/21" },
        action! { flow: settings, timing: after, auth_method: oidc, url: "https://h.example/22" },
        action! { flow: settings, timing: after, auth_method: webauthn, url: "https://h.example/23" },
        action! { flow: settings, timing: after, auth_method: passkey, url: "https://h.example/24" },
        action! { flow: settings, timing: after, auth_method: totp, url: "https://h.example/25" },
        action! { flow: settings, timing: after, auth_method: lookup_secret, url: "https://h.example/26" },
        action! { flow: settings, timing: after, auth_method: profile, url: "https://h.example/27" },
        action! { flow: settings, timing: after, auth_method: saml, url: "https://h.example/32" },
        action! { flow: verification, timing: before, url: "https://h.example/28" },
        action! { flow: verification, timing: after, url: "https://h.example/29" },
    ];
    let scopes: Vec<Scope> = actions.iter().flat_map(|a| a.scopes().to_vec()).collect();
    assert_eq!(scopes, Scope::ALL);
}

/// A body Kratos fetches or reads from its disk, as a literal or computed.
#[test]
fn body_references() {
    let host = "storage.example.com";
    let dir = String::from("/etc/config/kratos");
    let stack = Stack::new()
        .action(action! {
            flow: login,
            timing: before,
            url: "https://api.example.com/a",
            body: url("https://example.com/body.jsonnet"),
        })
        .action(action! {
            flow: login,
            timing: before,
            url: "https://api.example.com/b",
            body: kratos_file("/etc/config/kratos/welcome.jsonnet"),
        })
        .action(action! {
            flow: login,
            timing: before,
            url: "https://api.example.com/c",
            body: kratos_file("templates/x.jsonnet"),
        })
        .action(action! {
            flow: login,
            timing: before,
            url: "https://api.example.com/d",
            body: url(format!("https://{host}/body.jsonnet")),
        })
        .action(action! {
            flow: login,
            timing: before,
            url: "https://api.example.com/e",
            body: kratos_file(format!("{dir}/welcome.jsonnet")),
        });
    let _ = stack;
}

/// Every value that describes the endpoint may be a Rust expression, evaluated when the program
/// runs: a variable, a `format!`, a method call, a `String`, a `&str` or a `Cow<str>`.
fn body_of(tenant: &str) -> String {
    format!("function(ctx) {{ tenant: {tenant:?}, id: ctx.identity.id }}")
}

#[test]
fn computed_values() {
    let host = "hooks.example.com";
    let tenants = ["acme", "globex"];
    let actions: Vec<_> = tenants
        .iter()
        .map(|tenant| {
            action! {
                name: format!("welcome-{tenant}"),
                flow: registration,
                timing: after,
                auth_method: [password, oidc],
                url: format!("https://{host}/welcome/{tenant}"),
                body: body_of(tenant),
                headers: {
                    "X-Tenant": tenant,
                    "X-Request-Signature": Secret::value("from-vault"),
                    (format!("X-{tenant}-Id")): "1",
                },
                id: String::from("welcome"),
            }
        })
        .collect();
    assert_eq!(actions.len(), 2);

    let url: &str = "https://hooks.example.com/guard";
    let name: Cow<'static, str> = Cow::Borrowed("guard");
    let project = String::from("550e8400-e29b-41d4-a716-446655440000");
    let key = Secret::value(String::from("s3cr3t"));
    let user = "ory".to_owned();
    let header = String::from("X-Region");
    let guard = action! {
        name: name,
        flow: login,
        timing: before,
        url: url,
        body: "function(ctx) { url: ctx.request_url }",
        project_id: project.clone(),
        auth: api_key { name: "X-Api-Key".to_lowercase(), value: key, in: header },
        headers: { "Authorization": Secret::value(format!("Bearer {}", "t0ken")), header: "eu" },
    };
    assert!(guard.check().is_ok());
    let basic = action! {
        flow: recovery,
        timing: after,
        url: url.to_owned(),
        body: "{}",
        auth: basic_auth { user: user, password: Secret::value("pw") },
    };
    assert!(basic.check().is_ok());
}

/// Reads of `identity` and `session` behind a guard compile in every hook, including those whose
/// `ctx` lacks them.
const GUARDED: &str = r#"
function(ctx) {
  a: if 'session' in ctx then ctx.session.id else null,
  b: if std.objectHas(ctx, 'session') then ctx.session.id,
  c: if std.objectHasAll(ctx, 'identity') then ctx.identity.id,
  d: std.get(ctx, 'session', null),
  e: 'session' in ctx && ctx.session.active,
  f: if !('identity' in ctx) then null else ctx.identity.traits,
  [if 'session' in ctx then 'sid']: ctx.session.id,
  ids: [ctx.identity.id for x in [1] if 'identity' in ctx],
  flow: ctx.flow.id,
}
"#;

#[test]
fn ctx_guarded() {
    let _ = action! {
        flow: registration,
        timing: after,
        auth_method: password,
        url: "https://hooks.example.com/a",
        body: "function(ctx) {
          a: if 'session' in ctx then ctx.session.id else null,
          b: if std.objectHas(ctx, 'session') then ctx.session.id,
          c: std.get(ctx, 'session', null),
          d: 'session' in ctx && ctx.session.active,
          e: if !('session' in ctx) then null else ctx.session.id,
          [if 'session' in ctx then 'sid']: ctx.session.id,
          ids: [ctx.session.id for x in [1] if std.objectHasAll(ctx, 'session')],
          identity: ctx.identity.id,
        }",
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://hooks.example.com/b",
        body: "function(ctx) {
          a: if 'identity' in ctx then ctx.identity.id,
          b: if std.objectHas(ctx, 'session') then ctx.session.id else null,
          flow: ctx.flow.id,
          url: ctx.request_url,
        }",
    };
    let _ = action! {
        flow: settings,
        timing: after,
        auth_method: profile,
        url: "https://hooks.example.com/c",
        body: "function(ctx) { sid: ctx.session.id, id: ctx.identity.id, next: ctx.flow.continue_with }",
    };
    let _ = GUARDED;
}

/// Every key, every form a value may take, keys in any order, with and without a trailing comma.
#[test]
fn every_key_and_form() {
    let full = action! {
        response_parse: false,
        project_id: env("ORY_PROJECT_ID"),
        auth: api_key { r#in: header, value: secret_file("/run/secrets/key"), name: "X-Api-Key" },
        name: "everything",
        body: r#"local who = "ory"; function(ctx, greeting = "hi") { who: who, url: "https:\/\/x" }"#,
        can_interrupt: true,
        method: PATCH,
        url: "https://api.example.com:8443/hooks/everything?x=1",
        auth_method: [passkey, password],
        timing: after,
        headers: { "X-Tenant": "acme", "Authorization": env("HOOK_TOKEN") },
        emit_analytics_event: false,
        id: "everything",
        flow: registration
    };
    assert_eq!(full.name(), Some("everything"));
    assert_eq!(
        (full.flow(), full.timing()),
        (Flow::Registration, Timing::After)
    );
    assert_eq!(full.method(), HttpMethod::Patch);
    assert!(full.flags().can_interrupt && !full.flags().response_parse);
    assert_eq!(
        full.auth(),
        Some(&Auth::api_key(
            "X-Api-Key",
            Secret::file("/run/secrets/key"),
            ApiKeyIn::Header
        ))
    );
    assert_eq!(
        full.project_id(),
        Some(&ProjectId::Env("ORY_PROJECT_ID".into()))
    );
    let headers: Vec<(&str, &HeaderValue)> = full.headers().collect();
    assert_eq!(
        headers,
        [
            ("X-Tenant", &HeaderValue::Plain("acme".into())),
            (
                "Authorization",
                &HeaderValue::Secret(Secret::env("HOOK_TOKEN"))
            ),
        ]
    );
    assert_eq!(
        (full.flag("emit_analytics_event"), full.id()),
        (Some(false), Some("everything"))
    );

    let minimal = action! {
        flow: verification,
        timing: before,
        url: "http://localhost/hook",
        method: DELETE,
        body: "{ constant: true }",
        auth: basic_auth { password: env("HOOK_PASSWORD"), user: "ory" },
        project_id: "550e8400-e29b-41d4-a716-446655440000",
        response_ignore: true,
    };
    assert_eq!(minimal.method(), HttpMethod::Delete);
    assert_eq!(
        minimal.auth(),
        Some(&Auth::basic_auth("ory", Secret::env("HOOK_PASSWORD")))
    );

    let all = action! { flow: login, timing: after, auth_method: all, url: "https://h.example" };
    assert_eq!(all.scopes().len(), 8);
}

/// `auth_method: saml` after login, registration and settings: the lists Ory Network has (and
/// self-hosted Kratos has not; a plan against a Kratos configuration file refuses them).
#[test]
fn saml() {
    let login =
        action! { flow: login, timing: after, auth_method: saml, url: "https://h.example/1" };
    let registration = action! {
        flow: registration,
        timing: after,
        auth_method: [password, saml],
        url: "https://h.example/2",
        response_parse: true,
    };
    let settings =
        action! { flow: settings, timing: after, auth_method: saml, url: "https://h.example/3" };
    assert_eq!(login.scopes(), [Scope::LoginAfterSaml]);
    assert_eq!(
        registration.scopes(),
        [
            Scope::RegistrationAfterPassword,
            Scope::RegistrationAfterSaml
        ]
    );
    assert_eq!(settings.scopes(), [Scope::SettingsAfterSaml]);
    assert_eq!(
        settings.render(ory_actions::Secrets::Redacted).unwrap()[0].pointer(),
        "/services/identity/config/selfservice/flows/settings/after/saml/hooks"
    );

    let all =
        action! { flow: registration, timing: after, auth_method: all, url: "https://h.example/4" };
    assert_eq!(all.scopes().len(), 6);
    assert!(all.scopes().contains(&Scope::RegistrationAfterSaml));
}
