//! Every value that describes the endpoint may be a Rust expression, evaluated when the program
//! runs: a variable, a `format!`, a method call, a `String`, a `&str` or a `Cow<str>`.

use std::borrow::Cow;

use ory_actions::{Secret, action};

fn body_of(tenant: &str) -> String {
    format!("function(ctx) {{ tenant: {tenant:?}, id: ctx.identity.id }}")
}

fn main() {
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
