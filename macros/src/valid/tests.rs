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
