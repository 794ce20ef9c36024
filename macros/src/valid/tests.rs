use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

use ory_actions_core::Platform;

use super::validate;
use crate::ast::Input;
use crate::ctxt::Errors;
use crate::model;

/// Validates tokens; the action, or every message.
fn check(tokens: TokenStream) -> Result<model::Action, Vec<String>> {
    let input: Input = syn::parse2(tokens).expect("test input parses");
    let mut errors = Errors::new();
    let action = validate(&input, &mut errors);
    let messages = errors.into_messages();
    match action {
        Some(action) if messages.is_empty() => Ok(action),
        _ => Err(messages),
    }
}

fn errors(tokens: TokenStream) -> Vec<String> {
    match check(tokens) {
        Ok(_) => panic!("expected errors"),
        Err(messages) => messages,
    }
}

/// The message of tokens that do not parse as an invocation.
fn parse_error(tokens: TokenStream) -> String {
    match syn::parse2::<Input>(tokens) {
        Ok(_) => panic!("expected a syntax error"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn every_candidate_scope_of_the_reference_table() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../reference/kratos-hook-scopes.json");
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("reference table")).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 120);
    let mut accepted = 0;
    let mut saml = 0;
    for row in rows {
        let flow: syn::Ident = syn::parse_str(row["flow"].as_str().unwrap()).unwrap();
        let timing: syn::Ident = syn::parse_str(row["timing"].as_str().unwrap()).unwrap();
        let valid = row["valid"].as_bool().unwrap();
        // A null auth_method is the flow-wide list: `fallback` where the flow also has
        // per-method lists after, no `auth_method` at all elsewhere.
        let auth_method = match row["auth_method"].as_str() {
            Some(method) => {
                let method: syn::Ident = syn::parse_str(method).unwrap();
                quote!(auth_method: #method,)
            }
            None if row["timing"] == "after"
                && ["login", "registration", "settings"]
                    .contains(&row["flow"].as_str().unwrap()) =>
            {
                quote!(auth_method: fallback,)
            }
            None => quote!(),
        };
        let result = check(quote! {
            flow: #flow, timing: #timing, #auth_method url: "https://hooks.example/x",
        });
        match result {
            Ok(action) => {
                let scopes = &action.lists.scopes;
                assert_eq!(scopes.len(), 1);
                if scopes[0].exists_on(Platform::Kratos) {
                    assert!(valid, "accepted an invalid combination: {row}");
                    assert_eq!(Some(scopes[0].pointer()), row["pointer"].as_str());
                } else {
                    // A list the Kratos table has not, which Ory Network has.
                    assert!(!valid, "{row}");
                    assert_eq!(row["auth_method"], "saml", "{row}");
                    saml += 1;
                }
                accepted += 1;
            }
            Err(messages) => {
                assert!(!valid, "refused a valid combination {row}: {messages:?}");
                assert_eq!(messages.len(), 1, "{messages:?}");
            }
        }
    }
    assert_eq!((accepted, saml), (32, 3));
}

#[test]
fn all_problems_are_reported_together() {
    let messages = errors(quote! {
        flow: registraton,
        timing: after,
        url: "/relative",
        method: post,
        colour: blue,
        response_ignore: true,
        response_parse: true,
        auth: api_key { name: "X-Key", value: "abc" },
    });
    assert_eq!(messages.len(), 6, "{messages:#?}");
    assert!(
        messages[0].starts_with("unknown key `colour`"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("did you mean `registration`?"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].starts_with("`url` must be an absolute"),
        "{}",
        messages[2]
    );
    assert!(
        messages[3].contains("did you mean `POST`?"),
        "{}",
        messages[3]
    );
    assert!(messages[4].starts_with("`response_ignore` cannot be combined with `response_parse`"));
    assert!(messages[5].starts_with("secrets are read when the program runs"));
}

#[test]
fn auth_method_lists_name_each_bad_method() {
    let messages = errors(quote! {
        flow: registration, timing: after, auth_method: [password, totp, pasword, password, profile, saml],
        url: "https://hooks.example/x",
    });
    assert_eq!(
        messages,
        [
            "registration has no `totp` hook list: registration after accepts `password`, \
             `oidc`, `code`, `webauthn`, `passkey`, `saml` (Ory Network only), a list of them, \
             `all` (every per-method list) or `fallback` (the flow-wide list)",
            "unknown auth_method `pasword`: registration after accepts `password`, `oidc`, \
             `code`, `webauthn`, `passkey`, `saml` (Ory Network only), a list of them, `all` \
             (every per-method list) or `fallback` (the flow-wide list); did you mean \
             `password`?",
            "`password` is named twice in `auth_method`",
            "registration has no `profile` hook list: registration after accepts `password`, \
             `oidc`, `code`, `webauthn`, `passkey`, `saml` (Ory Network only), a list of them, \
             `all` (every per-method list) or `fallback` (the flow-wide list)",
        ]
    );
    let action = check(quote! {
        flow: login, timing: after, auth_method: [oidc, password], url: "https://hooks.example/x",
    })
    .unwrap_or_else(|m| panic!("{m:?}"));
    assert_eq!(
        action.lists.scopes,
        [
            ory_actions_core::Scope::LoginAfterOidc,
            ory_actions_core::Scope::LoginAfterPassword
        ]
    );
    let action = check(quote! {
        flow: settings, timing: after, auth_method: saml, url: "https://hooks.example/x",
    })
    .unwrap_or_else(|m| panic!("{m:?}"));
    assert_eq!(
        action.lists.scopes,
        [ory_actions_core::Scope::SettingsAfterSaml]
    );
}

#[test]
fn keys_come_in_any_order_and_missing_ones_are_named() {
    assert!(
        check(quote! {
            url: r"https://hooks.example/x", timing: before, flow: login
        })
        .is_ok()
    );
    assert_eq!(
        errors(quote! {}),
        [
            "missing `flow`: the flow to hook into: `login`, `registration`, `recovery`, \
             `settings` or `verification`",
            "missing `timing`: when the hook runs: `before` or `after`",
            "missing `url`: the URL Ory calls, such as `url: \"https://api.example.com/hook\"`",
        ]
    );
}

#[test]
fn flags_on_a_fallback_list_that_never_runs() {
    let messages = errors(quote! {
        flow: settings, timing: after, auth_method: fallback, url: "https://hooks.example/x",
        response_parse: true, can_interrupt: true,
    });
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("never runs a web hook with `response_parse`"));
    assert!(messages[1].contains("never runs a web hook with `can_interrupt`"));
}

#[test]
fn odd_input_is_an_error_not_a_panic() {
    for tokens in [
        quote!(flow: [login], timing: 1, url: true),
        quote!(flow: login(), timing: after { }, url: env("X")),
        quote!(auth: api_key { in: nowhere, name: "a b", value: env("1") }, flow: login),
        quote!(auth: basic_auth { user: "", password: secret_file("") }),
        quote!(auth: bearer { token: env("X") }, body: file()),
        quote!(body: file("does/not/exist.jsonnet"), project_id: "a/b", name: ""),
        quote!(body: "function(ctx) {", project_id: env(""), method: "POST"),
        quote!(can_interrupt: "true", response_parse: 1, response_ignore: [true]),
        quote!(flow: registration, timing: after, auth_method: [], url: "https://x.example"),
        quote!(flow: registration, timing: after, auth_method: [all], url: "https://x.example"),
        quote!(flow: registration, timing: after, auth_method: "password", url: "https://x.example"),
    ] {
        let messages = errors(tokens.clone());
        assert!(!messages.is_empty(), "{tokens}");
    }
}

#[test]
fn reads_of_ctx_the_hook_lacks_are_errors_on_the_body() {
    let messages = errors(quote! {
        flow: registration,
        timing: after,
        auth_method: password,
        url: "https://hooks.example.com/a",
        body: "function(ctx) {\n  sid: ctx.session.id,\n  id: ctx.identty.id,\n}",
    });
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("the Jsonnet body reads `ctx.session` at line 2, column 8")
            && messages[0]
                .contains("only passed to login after, settings before and settings after"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("`ctx.identty` at line 3, column 7")
            && messages[1]
                .contains("did you mean `identity`?\n  |\n3 |   id: ctx.identty.id,\n  |       ^"),
        "{}",
        messages[1]
    );
    // The same body where the hook has a session; guarded reads anywhere.
    assert!(
        check(quote! {
            flow: settings,
            timing: after,
            auth_method: profile,
            url: "https://hooks.example.com/a",
            body: "function(ctx) { sid: ctx.session.id, id: ctx.identity.id }",
        })
        .is_ok()
    );
    assert!(
        check(quote! {
            flow: login,
            timing: before,
            url: "https://hooks.example.com/a",
            body: "function(ctx) { s: if 'session' in ctx then ctx.session.id }",
        })
        .is_ok()
    );
    // An unknown flow or timing leaves the body's reads unchecked.
    let messages = errors(quote! {
        flow: registraton,
        timing: after,
        url: "https://hooks.example.com/a",
        body: "function(ctx) { sid: ctx.session.id }",
    });
    assert_eq!(messages.len(), 1, "{messages:?}");
}

#[test]
fn every_field_of_an_entry_is_a_key_of_action() {
    for field in ory_actions_core::fields::FIELDS {
        assert!(
            super::KEYS.contains(&field.key),
            "`{}` has no key in action!",
            field.name
        );
    }
}

// One test per rule, with every message as rustc shows it (what `tests/ui/fail` held before);
// the few cases left there hold how rustc renders the spans.

#[test]
fn auth_method_required() {
    assert_eq!(
        errors(quote! {
            flow: registration,
            timing: after,
            url: "https://api.example.com/hook",
        }),
        [
            "`auth_method` is required for `after` hooks of registration: use `password`, \
             `oidc`, `code`, `webauthn`, `passkey`, `saml` (Ory Network only), a list of them, \
             `all` (every per-method list) or `fallback` (the flow-wide list)",
        ]
    );
}

#[test]
fn auth_problems() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            auth: apikey { name: "X-Api-Key", value: env("KEY") },
        }),
        [
            "unknown auth type `apikey`: expected `api_key { name: \"X-Api-Key\", value: \
             env(\"VAR\"), in: header }` or `basic_auth { user: \"ory\", password: env(\"VAR\") \
             }`; did you mean `api_key`?",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            auth: api_key { name: "X Api Key", value: env("1KEY"), in: query },
        }),
        [
            "`X Api Key` is not a valid api key name: use letters, digits and `!#$%&'*+-.^_`|~`, \
             without spaces",
            "`1KEY` is not an environment variable name: use letters, digits and `_`, not \
             starting with a digit",
            "unknown api key location `query`: expected `header` or `cookie`",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            auth: basic_auth { user: "ory" },
        }),
        [
            "missing `password` in `basic_auth`: write `basic_auth { user: \"ory\", password: \
             env(\"VAR\") }`",
        ]
    );
}

#[test]
fn before_has_no_method_lists() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            auth_method: password,
            url: "https://api.example.com/hook",
        }),
        ["`before` hooks of login run from one list for every method: remove `auth_method`",]
    );
}

#[test]
fn body_file_problems() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            body: file("templates/missing.jsonnet"),
        }),
        [
            "the body template `templates/missing.jsonnet` (paths are relative to the directory \
             of this crate's Cargo.toml) cannot be read: No such file or directory (os error 2)",
        ]
    );
}

#[test]
fn body_go_jsonnet_rules() {
    // Bodies another Jsonnet implementation may accept but go-jsonnet, which Kratos runs,
    // refuses.
    // `\x` is not an escape in go-jsonnet.
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: after,
            auth_method: password,
            url: "https://api.example.com/hook",
            body: r#"function(ctx) { letter: "\x41" }"#,
        }),
        [
            "the Jsonnet body cannot run: line 1, column 25: unknown escape `\\x` in a string: \
             the escapes are `\\\"`, `\\'`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and \
             `\\uXXXX`\n  |\n1 | function(ctx) { letter: \"\\x41\" }\n  |                         ^",
        ]
    );
    // An unknown variable fails every call, before anything is evaluated.
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: after,
            auth_method: password,
            url: "https://api.example.com/hook",
            body: "function(ctx) {\n  id: identity.id,\n}",
        }),
        [
            "the Jsonnet body cannot run: line 2, column 7: unknown variable `identity`: the \
             names in scope are `std`, parameters, `local`s and comprehension variables\n  |\n2 |   id: identity.id,\n  |       ^",
        ]
    );
    // go-jsonnet reads `==-` as one operator.
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: after,
            auth_method: password,
            url: "https://api.example.com/hook",
            body: "function(ctx) { negative: 1==-1 }",
        }),
        [
            "the Jsonnet body does not parse: line 1, column 28: `=` is not a binary operator \
             (Jsonnet reads `==-` as `=` and what follows: put a space before the last `-`)\n  |\n1 | function(ctx) { negative: 1==-1 }\n  |                            ^",
        ]
    );
}

#[test]
fn body_kratos_cannot_run() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://hooks.example.com/a",
            body: "local lib = import 'lib.libsonnet';\nfunction(ctx) lib.body(ctx)",
        }),
        [
            "the Jsonnet body uses `import` at line 1, column 13, which Kratos's Jsonnet VM does \
             not offer (it refuses imports and has no external variables or native functions): \
             every call of this web hook would fail; put what it needs in the template itself\n  |\n1 | local lib = import 'lib.libsonnet';\n  |             ^",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://hooks.example.com/b",
            body: "function(ctx) { env: std.extVar('ENV') }",
        }),
        [
            "the Jsonnet body uses `std.extVar` at line 1, column 22, which Kratos's Jsonnet VM \
             does not offer (it refuses imports and has no external variables or native \
             functions): every call of this web hook would fail; put what it needs in the \
             template itself\n  |\n1 | function(ctx) { env: std.extVar('ENV') }\n  |                      ^",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://hooks.example.com/c",
            body: "function(ctx) function(x) x",
        }),
        [
            "the Jsonnet body is a function of `ctx` that returns a function, which Kratos \
             cannot send as JSON: return an object, such as `function(ctx) { id: ctx.identity.id \
             }`",
        ]
    );
}

#[test]
fn body_reference_problems() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/a",
            body: url("ftp://example.com/body.jsonnet"),
        }),
        [
            "`url(..)` of `body` takes an http or https URL, not `ftp:`; Kratos fetches \
             templates over HTTP",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/b",
            body: url("body.jsonnet"),
        }),
        [
            "`url(..)` of `body` takes an absolute http or https URL that Kratos fetches the \
             template from, such as `https://example.com/body.jsonnet`: it has no scheme",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/c",
            body: url("file:///etc/config/kratos/body.jsonnet"),
        }),
        [
            "`url(..)` of `body` takes an http or https URL, not `file:`: write \
             `kratos_file(\"/path/to/template.jsonnet\")` for a template Kratos reads from its \
             disk",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/d",
            body: kratos_file(""),
        }),
        [
            "`kratos_file(..)` of `body` takes a non-empty path on Kratos's machine, such as \
             `/etc/config/kratos/body.jsonnet` (a relative path is relative to Kratos's working \
             directory)",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/e",
            body: kratos_file("file:///etc/config/kratos/body.jsonnet"),
        }),
        [
            "`kratos_file(..)` of `body` takes a path, not a `file:` URL: write the path alone, \
             such as `/etc/config/kratos/body.jsonnet` (`file://` is put in front of it)",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/f",
            body: kratos_file("a", "b"),
        }),
        ["`kratos_file` takes one string literal or expression: \
             `kratos_file(\"/etc/config/kratos/body.jsonnet\")`",]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/g",
            body: kratos_fle("/etc/x.jsonnet"),
        }),
        [
            "unknown function `kratos_fle` for `body`: expected a string literal, \
             `file(\"path/to/template.jsonnet\")` (read when this crate is built), \
             `url(\"https://…\")` (fetched by Kratos) or `kratos_file(\"/path/on/kratos\")` \
             (read by Kratos); did you mean `kratos_file`?",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/h",
            body: "https://example.com/body.jsonnet",
        }),
        [
            "`body` is Jsonnet source, not a `https` URL: for a template Kratos fetches, write \
             `url(\"https://…\")`",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/i",
            body: "file:///etc/config/kratos/body.jsonnet",
        }),
        [
            "`body` is Jsonnet source, not a `file` URL: for a template Kratos reads from its \
             disk, write `kratos_file(\"/path/to/template.jsonnet\")`; to inline a file of this \
             crate, `file(\"path/to/template.jsonnet\")`",
        ]
    );
}

#[test]
fn ctx_field_the_hook_lacks() {
    assert_eq!(
        errors(quote! {
            flow: registration,
            timing: after,
            auth_method: password,
            url: "https://hooks.example.com/welcome",
            body: "function(ctx) {\n  identity_id: ctx.identity.id,\n  session_id: ctx.session.id,\n}",
        }),
        [
            "the Jsonnet body reads `ctx.session` at line 3, column 15, which registration after \
             hooks do not get: `ctx.session` is only passed to login after, settings before and \
             settings after hooks, so every call of this web hook would fail (\"field does not \
             exist\"); guard the read with `if 'session' in ctx then … else …` or use \
             `std.get(ctx, 'session', null)`\n  |\n3 |   session_id: ctx.session.id,\n  |               ^",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://hooks.example.com/guard",
            body: "function(ctx) { email: ctx['identity'].traits.email }",
        }),
        [
            "the Jsonnet body reads `ctx['identity']` at line 1, column 24, which login before \
             hooks do not get: `ctx.identity` is only passed to login after, registration after, \
             recovery after, settings after and verification after hooks, so every call of this \
             web hook would fail (\"field does not exist\"); guard the read with `if 'identity' \
             in ctx then … else …` or use `std.get(ctx, 'identity', null)`\n  |\n1 | function(ctx) { email: ctx['identity'].traits.email }\n  |                        ^",
        ]
    );
}

#[test]
fn ctx_unknown_field() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: after,
            auth_method: password,
            url: "https://hooks.example.com/audit",
            body: "function(ctx) {\n  id: ctx.identty.id,\n  email: ctx.identity.trait.email,\n}",
        }),
        [
            "the Jsonnet body reads `ctx.identty` at line 2, column 7, but Kratos's `ctx` has no \
             field `identty`: did you mean `identity`?\n  |\n2 |   id: ctx.identty.id,\n  |       ^",
            "the Jsonnet body reads `ctx.identity.trait` at line 3, column 10, but an identity \
             in `ctx.identity` has no key `trait`: did you mean `traits`?\n  |\n3 |   email: ctx.identity.trait.email,\n  |          ^",
        ]
    );
}

#[test]
fn duplicate_auth_method() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: after,
            auth_method: [oidc, password, oidc],
            url: "https://api.example.com/hook",
        }),
        ["`oidc` is named twice in `auth_method`",]
    );
}

#[test]
fn duplicate_key() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            url: "https://api.example.com/other",
        }),
        ["`url` is given twice: each key may appear once",]
    );
}

#[test]
fn fallback_parse_never_runs() {
    assert_eq!(
        errors(quote! {
            flow: registration,
            timing: after,
            auth_method: fallback,
            url: "https://api.example.com/hook",
            response_parse: true,
        }),
        [
            "Kratos never runs a web hook with `response_parse` from the flow-wide `after` list \
             of registration: such hooks run before the identity is saved, which only per-method \
             lists do; name the methods in `auth_method` (or use `all`)",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: settings,
            timing: after,
            auth_method: fallback,
            url: "https://api.example.com/hook",
            can_interrupt: true,
        }),
        [
            "Kratos never runs a web hook with `can_interrupt` from the flow-wide `after` list \
             of settings: such hooks run before the identity is saved, which only per-method \
             lists do; name the methods in `auth_method` (or use `all`)",
        ]
    );
}

#[test]
fn header_problems() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            headers: {
                "Authorization": "Bearer abc123",
                "X-Tenant": "acme",
                "x-tenant": "other",
                "Bad Name": "x",
                "X-Line": "a\nb",
                "Content-Type": "text/plain",
            },
        }),
        [
            "`Authorization` carries credentials, and secrets are read when the program runs, \
             never written in the code: write `\"Authorization\": env(\"VAR\")` or \
             `\"Authorization\": secret_file(\"path\")`, or use `auth`",
            "header `x-tenant` is given twice (header names are case-insensitive)",
            "`Bad Name` is not a valid header name: use letters, digits and `!#$%&'*+-.^_`|~`, \
             without spaces",
            "the value of header `X-Line` holds a line break or another control character",
            "Kratos sends web hook bodies as `application/json` or \
             `application/x-www-form-urlencoded` only; a `Content-Type` of `text/plain` fails \
             every call",
        ]
    );
}

#[test]
fn jsonnet_syntax_error() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            body: r#"
            function(ctx) {
              email: ctx.identity.traits.email,,
            }
        "#,
        }),
        [
            "the Jsonnet body does not parse: line 3, column 48: expected a field, `local`, \
             `assert` or `}` in an object, found `,`\n  |\n3 |               email: ctx.identity.traits.email,,\n  |                                                ^",
        ]
    );
}

#[test]
fn jsonnet_without_ctx() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            body: "function(context) { id: context.identity.id }",
        }),
        [
            "the Jsonnet body is a function of `context` but Kratos passes the flow's context as \
             the argument `ctx`: name a parameter `ctx`",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            body: "function(ctx, extra) { id: ctx.identity.id }",
        }),
        [
            "parameter `extra` of the Jsonnet body needs a default value: Kratos passes only \
             `ctx`",
        ]
    );
}

#[test]
fn logout_has_no_hooks() {
    assert_eq!(
        errors(quote! {
            flow: logout,
            timing: after,
            url: "https://api.example.com/hook",
        }),
        [
            "the logout flow runs no hooks: flows with hooks are `login`, `registration`, \
             `recovery`, `settings` or `verification`",
        ]
    );
}

#[test]
fn no_such_method_list() {
    assert_eq!(
        errors(quote! {
            flow: registration,
            timing: after,
            auth_method: [password, totp],
            url: "https://api.example.com/hook",
        }),
        [
            "registration has no `totp` hook list: registration after accepts `password`, \
             `oidc`, `code`, `webauthn`, `passkey`, `saml` (Ory Network only), a list of them, \
             `all` (every per-method list) or `fallback` (the flow-wide list)",
        ]
    );
}

#[test]
fn project_id_problems() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            project_id: "not/a project",
        }),
        [
            "`not/a project` is not an Ory project id: expected a UUID such as \
             `550e8400-e29b-41d4-a716-446655440000` or a project slug (letters, digits, `-`)",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            project_id: env("ORY-PROJECT"),
        }),
        [
            "`ORY-PROJECT` is not an environment variable name: use letters, digits and `_`, not \
             starting with a digit",
        ]
    );
}

#[test]
fn response_ignore_with_can_interrupt() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            response_ignore: true,
            can_interrupt: true,
        }),
        [
            "`response_ignore` cannot be combined with `can_interrupt`: an ignored response \
             cannot interrupt the flow (the Kratos schema refuses both)",
        ]
    );
}

#[test]
fn response_ignore_with_parse() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            response_ignore: true,
            response_parse: true,
        }),
        [
            "`response_ignore` cannot be combined with `response_parse`: an ignored response is \
             never parsed (the Kratos schema refuses both)",
        ]
    );
}

#[test]
fn saml_only_after_login_registration_settings() {
    // Ory Network has `saml` lists after login, registration and settings only: recovery and
    // verification run one list for every method, and `before` hooks too.
    assert_eq!(
        errors(quote! {
            flow: recovery,
            timing: after,
            auth_method: saml,
            url: "https://api.example.com/hook",
        }),
        ["`after` hooks of recovery run from one list for every method: remove `auth_method`",]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            auth_method: saml,
            url: "https://api.example.com/hook",
        }),
        ["`before` hooks of login run from one list for every method: remove `auth_method`",]
    );
}

#[test]
fn secret_literal() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            auth: api_key { name: "X-Api-Key", value: "abc123", in: header },
        }),
        [
            "secrets are read when the program runs, never written in the code: write `value: \
             env(\"VAR\")` or `value: secret_file(\"path\")`",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            auth: basic_auth { user: "ory", password: "hunter2" },
        }),
        [
            "secrets are read when the program runs, never written in the code: write `password: \
             env(\"VAR\")` or `password: secret_file(\"path\")`",
        ]
    );
}

#[test]
fn syntax_error() {
    assert_eq!(
        parse_error(quote! {
            flow login,
            timing: before,
        }),
        "expected `:`",
    );
}

#[test]
fn unknown_auth_method() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: after,
            auth_method: passwrd,
            url: "https://api.example.com/hook",
        }),
        [
            "unknown auth_method `passwrd`: login after accepts `password`, `oidc`, `code`, \
             `webauthn`, `passkey`, `totp`, `lookup_secret`, `saml` (Ory Network only), a list \
             of them, `all` (every per-method list) or `fallback` (the flow-wide list); did you \
             mean `password`?",
        ]
    );
}

#[test]
fn unknown_flow() {
    assert_eq!(
        errors(quote! {
            flow: registraton,
            timing: before,
            url: "https://api.example.com/hook",
        }),
        [
            "unknown flow `registraton`: expected `login`, `registration`, `recovery`, \
             `settings` or `verification`; did you mean `registration`?",
        ]
    );
}

#[test]
fn unknown_http_method() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            method: post,
        }),
        [
            "unknown HTTP method `post`: expected `GET`, `POST`, `PUT`, `PATCH` or `DELETE`; did \
             you mean `POST`?",
        ]
    );
}

#[test]
fn unknown_key() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: before,
            url: "https://api.example.com/hook",
            mehtod: POST,
        }),
        [
            "unknown key `mehtod` in `action!`: expected `flow`, `timing`, `auth_method`, `url`, \
             `method`, `body`, `can_interrupt`, `response_ignore`, `response_parse`, \
             `project_id`, `auth`, `name`, `headers`, `emit_analytics_event` or `id`; did you \
             mean `method`?",
        ]
    );
}

#[test]
fn unknown_timing() {
    assert_eq!(
        errors(quote! {
            flow: login,
            timing: afterwards,
            url: "https://api.example.com/hook",
        }),
        ["unknown timing `afterwards`: expected `before` or `after`",]
    );
}

#[test]
fn url_not_absolute_http() {
    assert_eq!(
        errors(quote! {
            flow: login, timing: before, url: "/webhooks/validate"
        }),
        [
            "`url` must be an absolute http or https URL such as `https://api.example.com/hook`: \
             it has no scheme",
        ]
    );
    assert_eq!(
        errors(quote! {
            flow: login, timing: before, url: "ftp://files.example.com/hook"
        }),
        ["`url` must be an http or https URL, not `ftp:`; Ory calls web hooks over HTTP",]
    );
    assert_eq!(
        errors(quote! {
            flow: login, timing: before, url: "https://user:pw@api.example.com/"
        }),
        [
            "`url` must not carry a user name or password: credentials in a URL end up in logs; \
             use `auth: basic_auth { .. }` or `auth: api_key { .. }`",
        ]
    );
}

#[test]
fn verification_has_no_method_lists() {
    // The `sync_verified` example of the Terraform `ory_action` documentation, as written there:
    // verification has only the flow-wide `after` list, so Ory refuses `auth_method = "code"`.
    assert_eq!(
        errors(quote! {
            flow: verification,
            timing: after,
            auth_method: code,
            url: "https://api.example.com/webhooks/user-verified",
            method: POST,
        }),
        [
            "`after` hooks of verification run from one list for every method: remove \
             `auth_method`",
        ]
    );
}

#[test]
fn wrong_kind_of_value() {
    assert_eq!(
        errors(quote! {
            flow: "login",
            timing: before,
            url: 443,
            can_interrupt: "yes",
        }),
        [
            "`flow` takes a bare name: write `login` without quotes",
            "`url` takes a string literal or an expression such as `url: \
             \"https://api.example.com/hook\"`, found a literal",
            "`can_interrupt` takes `true` or `false`, found a string literal",
        ]
    );
}

mod identity_schemas {
    use std::path::Path;

    use quote::quote;

    use super::super::validate_with;
    use crate::ast::Input;
    use crate::ctxt::Errors;
    use crate::schemas::declared;

    const EMAIL: &str =
        include_str!("../../../core/tests/identity_schemas/email-password.schema.json");
    const PHONE: &str =
        include_str!("../../../core/tests/identity_schemas/phone-password.schema.json");

    /// A crate directory with `manifest` as its Cargo.toml and the quickstart's schemas as
    /// `identity/customer.schema.json` and `identity/staff.schema.json`.
    fn crate_dir(name: &str, manifest: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "ory-actions-macro-schemas-{name}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(dir.join("identity")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        std::fs::write(dir.join("identity/customer.schema.json"), EMAIL).unwrap();
        std::fs::write(dir.join("identity/staff.schema.json"), PHONE).unwrap();
        dir
    }

    const DECLARED: &str = "[package]\nname = \"shop\"\n\n[package.metadata.ory-actions]\n\
        identity-schemas = [\"identity/customer.schema.json\", \"identity/staff.schema.json\"]\n";

    fn check_in(dir: &Path, body: &str) -> Result<(), Vec<String>> {
        let declared = declared(dir).map_err(|e| vec![e])?;
        let tokens = quote! {
            flow: registration, timing: after, auth_method: password,
            url: "https://hooks.example.com/welcome",
            body: #body,
        };
        let input: Input = syn::parse2(tokens).unwrap();
        let mut errors = Errors::new();
        let action = validate_with(&input, declared.clone(), &mut errors);
        let messages = errors.into_messages();
        match action {
            Some(action) if messages.is_empty() => {
                assert_eq!(
                    action.identity_schemas.map(|d| d.files.len()),
                    declared.map(|d| d.files.len())
                );
                Ok(())
            }
            _ => Err(messages),
        }
    }

    #[test]
    fn bodies_are_checked_against_the_declared_schemas() {
        let dir = crate_dir("declared", DECLARED);
        let messages =
            check_in(&dir, "function(ctx) {\n  e: ctx.identity.traits.emial,\n}").unwrap_err();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with(
                "the Jsonnet body reads `ctx.identity.traits.emial` at line 2, column 6, but no \
                 identity schema declares the trait `emial` (read against \
                 `identity/customer.schema.json` and `identity/staff.schema.json`)"
            ) && messages[0].contains("did you mean `ctx.identity.traits.email`?")
                && messages[0].contains("2 |   e: ctx.identity.traits.emial,"),
            "{}",
            messages[0]
        );
        let messages =
            check_in(&dir, "function(ctx) { p: ctx.identity.traits.phone }").unwrap_err();
        assert!(
            messages[0]
                .contains("identities of `identity/customer.schema.json` have no such trait"),
            "{messages:?}"
        );
        check_in(
            &dir,
            "function(ctx) { e: ctx.identity.traits.email, p: std.get(ctx.identity.traits, 'phone') }",
        )
        .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn without_the_key_nothing_changes_and_a_bad_declaration_says_what_is_wrong() {
        let dir = crate_dir("undeclared", "[package]\nname = \"shop\"\n");
        check_in(&dir, "function(ctx) { e: ctx.identity.traits.emial }").unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package.metadata.ory-actions]\nidentity-schemas = [\"identity/missing.json\"]\n",
        )
        .unwrap();
        let messages = check_in(&dir, "function(ctx) {}").unwrap_err();
        assert_eq!(
            messages,
            [
                "the identity schema `identity/missing.json` that Cargo.toml declares in \
              `[package.metadata.ory-actions]` (paths are relative to the directory of this \
              crate's Cargo.toml) does not exist"
            ]
        );
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package.metadata.ory-actions]\nidentity-schemas = [\"identity\"]\n",
        )
        .unwrap();
        let messages = check_in(&dir, "function(ctx) {}").unwrap_err();
        assert!(
            messages[0]
                .ends_with("is a directory, not a regular file; only a regular file is read"),
            "{messages:?}"
        );
        // A FIFO is refused, never read (it would block the compiler).
        #[cfg(unix)]
        {
            let fifo = dir.join("identity/fifo.json");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|status| status.success()) {
                std::fs::write(
                    dir.join("Cargo.toml"),
                    "[package.metadata.ory-actions]\nidentity-schemas = [\"identity/fifo.json\"]\n",
                )
                .unwrap();
                let messages = check_in(&dir, "function(ctx) {}").unwrap_err();
                assert!(messages[0].contains("is a FIFO"), "{messages:?}");
            }
        }
        std::fs::write(dir.join("identity/broken.json"), "{\"properties\": ").unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package.metadata.ory-actions]\nidentity-schemas = [\"identity/broken.json\"]\n",
        )
        .unwrap();
        let messages = check_in(&dir, "function(ctx) {}").unwrap_err();
        assert!(
            messages[0].starts_with("the identity schema `identity/broken.json` is not JSON"),
            "{messages:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
