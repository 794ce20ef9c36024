use ory_actions_core::{ApiKeyIn, AuthMethod};

use super::*;

fn kind(problem: &Problem) -> &'static str {
    match problem {
        Problem::Scope(_) => "scope",
        Problem::Flags(_) => "flags",
        Problem::Url(_) => "url",
        Problem::Body(_) | Problem::BodyReference(_) => "body",
        Problem::Ctx { .. } => "ctx",
        Problem::Name(_) => "name",
        Problem::Header { .. } => "header",
    }
}

#[test]
fn any_body_up_to_the_size_limit_is_answered_on_a_small_stack() {
    use ory_actions_core::jsonnet::{BodyError, MAX_BODY_BYTES, MAX_DEPTH};
    // A test thread's stack, as a tokio worker's: these chains used to overflow it.
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let build = |body: String| {
                Action::builder(Flow::Registration, Timing::After, "https://x.example/h")
                    .auth_method(AuthMethod::Password)
                    .body(body)
                    .build()
            };
            for (head, link) in [
                ("std.length", ".b"),
                ("x", "[0]"),
                ("f", "(0)"),
                ("function(ctx) ctx.identity.traits", ".a"),
                ("function(ctx) ", "["),
                ("function(ctx) ", "-"),
                ("function(ctx) ", "{a: "),
                ("function(ctx) ", "local a = 1; "),
            ] {
                let body = format!(
                    "{head}{}",
                    link.repeat((MAX_BODY_BYTES - head.len()) / link.len())
                );
                let err = build(body).unwrap_err();
                assert!(
                    matches!(
                        err.problems(),
                        [Problem::Body(BodyError::TooDeep {
                            limit: MAX_DEPTH,
                            ..
                        })]
                    ),
                    "{head}{link}…: {err}"
                );
            }
            // Below the limit, the reads of `ctx` are checked as ever.
            let reads = format!("function(ctx) ctx.identity.traits{}", ".a".repeat(400));
            assert!(build(reads).is_ok());
            let err = build(format!("function(ctx) ctx.identty{}", "[0]".repeat(400))).unwrap_err();
            assert!(matches!(err.problems(), [Problem::Ctx { .. }]), "{err}");
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn the_builder_collects_every_problem() {
    let err = Action::builder(Flow::Registration, Timing::After, "ftp://x")
        .auth_method([AuthMethod::Totp, AuthMethod::Password, AuthMethod::Password])
        .response_ignore(true)
        .response_parse(true)
        .body("function(context) {}")
        .auth(Auth::api_key(
            "X Key",
            Secret::env("1KEY"),
            ApiKeyIn::Header,
        ))
        .header("Authorization", "Bearer abc")
        .secret_header("X-Key", Secret::env("1KEY"))
        .build()
        .unwrap_err();
    let kinds: Vec<&str> = err.problems().iter().map(kind).collect();
    assert_eq!(
        kinds,
        [
            "scope", "scope", "flags", "url", "body", "name", "name", "header", "header"
        ]
    );
}

#[test]
fn body_references_are_checked_and_kept_as_written() {
    let build = |body: Body| {
        Action::builder(Flow::Login, Timing::Before, "https://h.example/x")
            .body_template(body)
            .build()
    };
    let action = build(Body::kratos_file("templates/x.jsonnet")).unwrap();
    let body = action.body().unwrap();
    assert_eq!(body.source(), None);
    assert_eq!(
        body.reference().as_deref(),
        Some("file://templates/x.jsonnet")
    );
    let action = build(Body::url("https://example.com/body.jsonnet")).unwrap();
    assert_eq!(
        action.body().unwrap().reference().as_deref(),
        Some("https://example.com/body.jsonnet")
    );
    for bad in [
        Body::url("ftp://example.com/x"),
        Body::url("/relative"),
        Body::kratos_file(""),
        Body::kratos_file("file:///etc/x"),
    ] {
        let err = build(bad).unwrap_err();
        assert!(
            matches!(err.problems(), [Problem::BodyReference(_)]),
            "{err}"
        );
    }
}

#[test]
fn header_problems_are_named_by_their_place() {
    let err = Action::builder(Flow::Login, Timing::Before, "https://h.example/x")
        .header("X-Tenant", "acme")
        .secret_header("x-tenant", Secret::env("TENANT"))
        .secret_header("X-Key", Secret::env("1KEY"))
        .header("Content-Type", "text/plain")
        .build()
        .unwrap_err();
    let shown: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "header 2 (`x-tenant`): header `x-tenant` is given twice (header names are \
             case-insensitive)",
            "header 3 (`X-Key`): `1KEY` is not an environment variable name: use letters, \
             digits and `_`, not starting with a digit",
            "header 4 (`Content-Type`): Kratos sends web hook bodies as `application/json` \
             or `application/x-www-form-urlencoded` only; a `Content-Type` of `text/plain` \
             fails every call",
        ]
    );
}

#[test]
fn auth_method_problems_read_as_before() {
    let err = Action::builder(Flow::Verification, Timing::After, "https://h.example/x")
        .auth_method(AuthMethod::Code)
        .response_parse(true)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid action: `after` hooks of verification run from one list for every method: \
         remove `auth_method`"
    );
    let err = Action::builder(Flow::Settings, Timing::After, "https://h.example/x")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid action: `auth_method` is required for `after` hooks of settings"),
        "{err}"
    );
}

#[test]
fn all_means_the_lists_of_the_platform_and_a_named_method_must_exist_there() {
    let all = Action::builder(Flow::Registration, Timing::After, "https://h.example/x")
        .auth_method(AuthMethods::All)
        .build()
        .unwrap();
    assert_eq!(all.scopes(), Flow::Registration.after_method_scopes());
    assert_eq!(
        all.scopes_on(Platform::OryNetwork).unwrap(),
        Flow::Registration.after_method_scopes()
    );
    assert_eq!(
        all.scopes_on(Platform::Kratos).unwrap(),
        Flow::Registration.after_method_scopes_on(Platform::Kratos)
    );
    assert!(
        !all.scopes_on(Platform::Kratos)
            .unwrap()
            .contains(&Scope::RegistrationAfterSaml)
    );
    assert_eq!(
        all.to_string(),
        "registration after all: POST https://h.example/x"
    );

    let listed = Action::builder(Flow::Registration, Timing::After, "https://h.example/x")
        .auth_method(Flow::Registration.after_methods())
        .build()
        .unwrap();
    assert_eq!(listed.scopes(), all.scopes());
    assert_eq!(
        listed.scopes_on(Platform::Kratos),
        Err(ScopeError::NotOnPlatform {
            scope: Scope::RegistrationAfterSaml,
            platform: Platform::Kratos
        })
    );
    let password = Action::builder(Flow::Settings, Timing::After, "https://h.example/x")
        .auth_method(AuthMethod::Password)
        .build()
        .unwrap();
    for platform in Platform::ALL {
        assert_eq!(
            password.scopes_on(*platform).unwrap(),
            [Scope::SettingsAfterPassword]
        );
    }
}

#[test]
fn display_names_the_lists() {
    let action = Action::builder(Flow::Login, Timing::After, "https://h.example/x")
        .auth_method([AuthMethod::Password, AuthMethod::Oidc])
        .name("audit")
        .method(HttpMethod::Put)
        .build()
        .unwrap();
    assert_eq!(
        action.to_string(),
        "audit (login after [password, oidc]: PUT https://h.example/x)"
    );
}

#[test]
fn the_builder_refuses_reads_of_ctx_the_hook_lacks() {
    let err = Action::builder(Flow::Registration, Timing::After, "https://h.example/x")
        .auth_method(AuthMethod::Password)
        .body("\n    function(ctx) {\n      sid: ctx.session.id,\n    }\n")
        .build()
        .unwrap_err();
    let kinds: Vec<&str> = err.problems().iter().map(kind).collect();
    assert_eq!(kinds, ["ctx"]);
    // Lines and columns are those of the template as sent, without the indentation.
    assert!(
        err.problems()[0]
            .to_string()
            .starts_with("the Jsonnet body reads `ctx.session` at line 2, column 8"),
        "{}",
        err.problems()[0]
    );
    let err = Action::builder(Flow::Login, Timing::Before, "https://h.example/x")
        .body_template(Body::from_file(
            "templates/audit.jsonnet",
            "function(ctx) { id: ctx.identity.id }",
        ))
        .build()
        .unwrap_err();
    assert!(
        err.problems()[0]
            .to_string()
            .starts_with("in `templates/audit.jsonnet`: the Jsonnet body reads `ctx.identity`"),
        "{}",
        err.problems()[0]
    );
    for body in [
        "function(ctx) { sid: if 'session' in ctx then ctx.session.id }",
        "{ constant: true }",
    ] {
        Action::builder(Flow::Registration, Timing::After, "https://h.example/x")
            .auth_method(AuthMethod::Password)
            .body(body)
            .build()
            .unwrap();
    }
}

#[test]
fn every_field_of_the_table_is_given_and_the_unstored_ones_are_named() {
    let action = Action::builder(Flow::Login, Timing::Before, "https://h.example/x")
        .body("{}")
        .can_interrupt(true)
        .response_parse(true)
        .auth(Auth::basic_auth("ory", Secret::env("PASSWORD")))
        .header("X-Team", "a")
        .emit_analytics_event(false)
        .id("audit")
        .build()
        .unwrap();
    let given: Vec<&str> = fields::FIELDS
        .iter()
        .filter(|field| action.hook.gives(field))
        .map(|field| field.name)
        .collect();
    assert_eq!(
        given,
        [
            "url",
            "method",
            "body",
            "auth",
            "headers",
            "response.parse",
            "can_interrupt",
            "emit_analytics_event",
            "id"
        ]
    );
    assert_eq!(
        action.fields_not_stored_on(Platform::OryNetwork),
        ["headers", "emit_analytics_event", "id"]
    );
    assert!(action.fields_not_stored_on(Platform::Kratos).is_empty());
}

/// A computed body is held to the identity schemas `action!` included, when the program runs.
#[test]
fn computed_bodies_are_checked_against_the_declared_identity_schemas() {
    static FILES: [DeclaredSchema; 2] = [
        DeclaredSchema {
            path: "identity/customer.schema.json",
            id: "customer",
            text: include_str!("../../../core/tests/identity_schemas/email-password.schema.json"),
        },
        DeclaredSchema {
            path: "identity/staff.schema.json",
            id: "staff",
            text: include_str!("../../../core/tests/identity_schemas/phone-password.schema.json"),
        },
    ];
    const SCHEMAS: DeclaredSchemas = DeclaredSchemas {
        dir: "",
        files: &FILES,
    };
    let declared = |body: &str, schemas: DeclaredSchemas| {
        let parts = Parts {
            name: None,
            flow: Flow::Registration,
            timing: Timing::After,
            auth_method: Some(AuthMethods::Only(vec![AuthMethod::Password])),
            project_id: None,
            hook: HookFields {
                url: "https://hooks.example.com/h".into(),
                body: Some(Body::inline(body.to_owned())),
                ..HookFields::default()
            },
            identity_schemas: schemas,
        };
        Action::declared(parts, Location::new("src/main.rs", 3, 5)).check()
    };
    let typo = "function(ctx) { e: ctx.identity.traits.emial }";
    let err = declared(typo, SCHEMAS).unwrap_err();
    assert!(matches!(err.problems(), [Problem::Ctx { .. }]), "{err}");
    assert!(
        err.to_string()
            .contains("did you mean `ctx.identity.traits.email`?"),
        "{err}"
    );
    let err = declared("function(ctx) { p: ctx.identity.traits.phone }", SCHEMAS).unwrap_err();
    assert!(
        err.to_string()
            .contains("identities of `identity/customer.schema.json` have no such trait"),
        "{err}"
    );
    declared(
        "function(ctx) { p: std.get(ctx.identity.traits, 'phone'), e: ctx.identity.traits.email }",
        SCHEMAS,
    )
    .unwrap();
    // Without schemas (an action a builder made, or a crate that declares none): unchecked.
    declared(typo, DeclaredSchemas::default()).unwrap();
}
