use ory_actions_core::{AuthMethod, Flow, Platform, Scope, Timing};
use serde_json::{Value, json};

use super::*;
use crate::hooks::HookLists;

fn web(url: &str) -> Value {
    json!({"hook": "web_hook", "config": {"url": url, "method": "POST", "body": "base64://e30="}})
}

fn parse(url: &str) -> Value {
    json!({"hook": "web_hook", "config": {
        "url": url, "method": "POST", "body": "base64://e30=", "response": {"parse": true}
    }})
}

/// A Kratos configuration with these lists.
fn lists(with: &[(Scope, Value)]) -> HookLists {
    let mut config = json!({});
    for (scope, list) in with {
        let pointer = scope.config_pointer();
        let mut node = &mut config;
        for segment in pointer.trim_start_matches('/').split('/') {
            node = node
                .as_object_mut()
                .unwrap()
                .entry(segment)
                .or_insert_with(|| json!({}));
        }
        *node = list.clone();
    }
    HookLists::take(config, "").unwrap()
}

fn no_names(_: Scope, _: &WebHook) -> Option<String> {
    None
}

fn chains_on(lists: &HookLists, platform: Platform, verification: bool) -> Vec<Chain> {
    chains(
        &Lists::read(lists),
        &Setting {
            platform,
            verification,
            name_of: &no_names,
        },
        None,
    )
}

fn chain(chains: &[Chain], flow: Flow, timing: Timing, method: Option<AuthMethod>) -> &Chain {
    chains
        .iter()
        .find(|c| c.flow == flow && c.timing == timing && c.method == method)
        .expect("the chain is there")
}

/// `(what, list index, phase, runs)` of each step.
fn shape(chain: &Chain) -> Vec<(String, Option<usize>, Option<&'static str>, bool)> {
    chain
        .steps
        .iter()
        .map(|s| {
            let what = match &s.web {
                Some((_, url)) => url.to_string(),
                None => s.hook.clone(),
            };
            (
                what,
                s.list.map(|(_, i)| i),
                s.phase.map(Phase::as_str),
                s.runs,
            )
        })
        .collect()
}

fn s(text: &str) -> String {
    text.to_owned()
}

#[test]
fn a_per_method_list_replaces_the_flow_wide_one_for_its_method_only() {
    // ory/network#361: "sign in after registration" puts `session` in the per-method lists,
    // and a flow-wide web hook stops running for those methods.
    let lists = lists(&[
        (
            Scope::RegistrationAfter,
            json!([web("https://h.example/all")]),
        ),
        (
            Scope::RegistrationAfterPassword,
            json!([{"hook": "session"}]),
        ),
    ]);
    let chains = chains_on(&lists, Platform::Kratos, false);
    let password = chain(
        &chains,
        Flow::Registration,
        Timing::After,
        Some(AuthMethod::Password),
    );
    assert_eq!(
        shape(password),
        [
            (s("session"), Some(0), Some("post-persist"), true),
            (s("https://h.example/all"), Some(0), None, false),
        ]
    );
    let why = password.steps[1].why.as_deref().unwrap();
    assert!(
        why.contains("registration after password is not empty"),
        "{why}"
    );
    let oidc = chain(
        &chains,
        Flow::Registration,
        Timing::After,
        Some(AuthMethod::Oidc),
    );
    assert_eq!(
        shape(oidc),
        [(
            s("https://h.example/all"),
            Some(0),
            Some("post-persist"),
            true
        )]
    );
    assert_eq!(
        oidc.steps[0].list.map(|(scope, _)| scope),
        Some(Scope::RegistrationAfter)
    );
}

#[test]
fn parse_hooks_run_before_the_identity_is_saved_and_never_from_the_flow_wide_list() {
    let lists = lists(&[
        (
            Scope::RegistrationAfter,
            json!([parse("https://h.example/never")]),
        ),
        (
            Scope::RegistrationAfterPassword,
            json!([{"hook": "session"}, web("https://h.example/after"), parse("https://h.example/check")]),
        ),
    ]);
    let chains = chains_on(&lists, Platform::Kratos, true);
    let password = chain(
        &chains,
        Flow::Registration,
        Timing::After,
        Some(AuthMethod::Password),
    );
    assert_eq!(
        shape(password),
        [
            (
                s("https://h.example/check"),
                Some(2),
                Some("pre-persist"),
                true
            ),
            (s("verification"), None, Some("post-persist"), true),
            (
                s("https://h.example/after"),
                Some(1),
                Some("post-persist"),
                true
            ),
            // `session` runs last whatever its place in the list.
            (s("session"), Some(0), Some("post-persist"), true),
            (s("https://h.example/never"), Some(0), None, false),
        ]
    );
    // A method without a list of its own falls back to the flow-wide list, where a parse
    // hook never runs.
    let code = chain(
        &chains,
        Flow::Registration,
        Timing::After,
        Some(AuthMethod::Code),
    );
    assert_eq!(
        shape(code),
        [
            (s("verification"), None, Some("post-persist"), true),
            (s("https://h.example/never"), Some(0), None, false),
        ]
    );
    assert!(
        code.steps[1]
            .why
            .as_deref()
            .unwrap()
            .contains("never runs it")
    );
}

#[test]
fn a_list_with_only_pre_persist_hooks_still_shadows_the_flow_wide_one_when_it_holds_a_web_hook() {
    let lists = lists(&[
        (Scope::SettingsAfter, json!([web("https://h.example/all")])),
        (
            Scope::SettingsAfterProfile,
            json!([{"hook": "verify_new_address"}]),
        ),
        (
            Scope::SettingsAfterPassword,
            json!([parse("https://h.example/guard")]),
        ),
    ]);
    let chains = chains_on(&lists, Platform::Kratos, false);
    // `verify_new_address` runs before the update only: no post-persist hook, so the
    // flow-wide list runs after it.
    let profile = chain(
        &chains,
        Flow::Settings,
        Timing::After,
        Some(AuthMethod::Profile),
    );
    assert_eq!(
        shape(profile),
        [
            (s("verify_new_address"), Some(0), Some("pre-persist"), true),
            (
                s("https://h.example/all"),
                Some(0),
                Some("post-persist"),
                true
            ),
        ]
    );
    // A web hook counts in both phases, so the flow-wide list does not run for password.
    let password = chain(
        &chains,
        Flow::Settings,
        Timing::After,
        Some(AuthMethod::Password),
    );
    assert_eq!(
        shape(password),
        [
            (
                s("https://h.example/guard"),
                Some(0),
                Some("pre-persist"),
                true
            ),
            (s("https://h.example/all"), Some(0), None, false),
        ]
    );
}

#[test]
fn login_single_lists_and_platforms() {
    let lists = lists(&[
        (Scope::LoginAfter, json!([web("https://h.example/login")])),
        (
            Scope::LoginAfterOidc,
            json!([{"hook": "revoke_active_sessions"}]),
        ),
        (
            Scope::LoginBefore,
            json!([{"hook": "b2b_sso"}, web("https://h.example/before")]),
        ),
        (
            Scope::RecoveryAfter,
            json!([web("https://h.example/recovered"), {"hook": "made_up"}]),
        ),
    ]);
    let kratos = chains_on(&lists, Platform::Kratos, false);
    let password = chain(
        &kratos,
        Flow::Login,
        Timing::After,
        Some(AuthMethod::Password),
    );
    assert_eq!(
        shape(password),
        [(s("https://h.example/login"), Some(0), None, true)]
    );
    let oidc = chain(&kratos, Flow::Login, Timing::After, Some(AuthMethod::Oidc));
    assert_eq!(
        shape(oidc),
        [
            (s("revoke_active_sessions"), Some(0), None, true),
            (s("https://h.example/login"), Some(0), None, false),
        ]
    );
    let before = chain(&kratos, Flow::Login, Timing::Before, None);
    assert_eq!(
        shape(before),
        [
            (s("https://h.example/before"), Some(1), None, true),
            // What never runs comes after what runs.
            (s("b2b_sso"), Some(0), None, false),
        ]
    );
    let recovery = chain(&kratos, Flow::Recovery, Timing::After, None);
    assert!(!recovery.steps[1].runs);
    assert!(
        recovery.steps[1]
            .why
            .as_deref()
            .unwrap()
            .contains("made_up")
    );
    // Self-hosted Kratos has no `saml` lists; Ory Network has them, and runs `b2b_sso`.
    assert!(kratos.iter().all(|c| c.method != Some(AuthMethod::Saml)));
    let network = chains_on(&lists, Platform::OryNetwork, false);
    chain(&network, Flow::Login, Timing::After, Some(AuthMethod::Saml));
    assert!(chain(&network, Flow::Login, Timing::Before, None).steps[0].runs);
    // One flow only.
    let login_only = chains(
        &Lists::read(&lists),
        &Setting {
            platform: Platform::Kratos,
            verification: false,
            name_of: &no_names,
        },
        Some(Flow::Login),
    );
    assert!(login_only.iter().all(|c| c.flow == Flow::Login));
    assert_eq!(
        login_only.len(),
        1 + Flow::Login.after_methods_on(Platform::Kratos).len()
    );
}

#[test]
fn the_json_form_has_one_object_per_chain() {
    let lists = lists(&[(
        Scope::RegistrationAfterPassword,
        json!([{"hook": "web_hook", "config": {
            "url": "https://u:p@h.example/x", "method": "POST", "body": "base64://e30=",
            "response": {"ignore": true}
        }}, {"hook": "session"}]),
    )]);
    let named = |_: Scope, web: &WebHook| {
        (web.url.with_credentials() == "https://u:p@h.example/x").then(|| "welcome".to_owned())
    };
    let chains = chains(
        &Lists::read(&lists),
        &Setting {
            platform: Platform::Kratos,
            verification: false,
            name_of: &named,
        },
        Some(Flow::Registration),
    );
    let json = to_json(&chains);
    let password = json
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["auth_method"] == "password")
        .unwrap();
    assert_eq!(
        password["chain"],
        json!([
            {"hook": "web_hook", "url": "https://u:****@h.example/x", "method": "POST",
             "list": "/selfservice/flows/registration/after/password/hooks", "index": 0,
             "phase": "post-persist", "runs": true, "async": true, "name": "welcome"},
            {"hook": "session", "list": "/selfservice/flows/registration/after/password/hooks",
             "index": 1, "phase": "post-persist", "runs": true},
        ])
    );
    let before = json
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["timing"] == "before")
        .unwrap();
    assert_eq!(before["method"], Value::Null);
    let text = to_text(&chains);
    assert!(text.contains("registration after password"), "{text}");
    assert!(
        text.contains("web_hook POST https://u:****@h.example/x (welcome) [async"),
        "{text}"
    );
    assert!(!text.contains("u:p@"), "{text}");
}

#[test]
fn a_list_yields_only_the_hooks_that_have_a_step_where_it_runs() {
    // Kratos's executors: `session` only after registration; `revoke_active_sessions` after
    // login, recovery and settings; `notify_previous_addresses` after settings only.
    let lists = lists(&[
        (Scope::SettingsAfter, json!([web("https://h.example/all")])),
        (
            Scope::SettingsAfterPassword,
            json!([{"hook": "revoke_active_sessions"}, {"hook": "notify_previous_addresses"}]),
        ),
        (Scope::SettingsAfterTotp, json!([{"hook": "session"}])),
        (
            Scope::RecoveryAfter,
            json!([{"hook": "revoke_active_sessions"}]),
        ),
        (
            Scope::VerificationAfter,
            json!([{"hook": "revoke_active_sessions"}]),
        ),
    ]);
    let chains = chains_on(&lists, Platform::Kratos, false);
    let password = chain(
        &chains,
        Flow::Settings,
        Timing::After,
        Some(AuthMethod::Password),
    );
    assert_eq!(
        shape(password),
        [
            (
                s("revoke_active_sessions"),
                Some(0),
                Some("post-persist"),
                true
            ),
            (
                s("notify_previous_addresses"),
                Some(1),
                Some("post-persist"),
                true
            ),
            (s("https://h.example/all"), Some(0), None, false),
        ]
    );
    // `session` has no settings step: the list yields nothing, so the flow-wide list runs.
    let totp = chain(
        &chains,
        Flow::Settings,
        Timing::After,
        Some(AuthMethod::Totp),
    );
    assert_eq!(
        shape(totp),
        [
            (
                s("https://h.example/all"),
                Some(0),
                Some("post-persist"),
                true
            ),
            (s("session"), Some(0), None, false),
        ]
    );
    assert!(totp.steps[1].why.as_deref().unwrap().contains("no step"));
    let recovery = chain(&chains, Flow::Recovery, Timing::After, None);
    assert_eq!(
        shape(recovery),
        [(s("revoke_active_sessions"), Some(0), None, true)]
    );
    let verification = chain(&chains, Flow::Verification, Timing::After, None);
    assert_eq!(
        shape(verification),
        [(s("revoke_active_sessions"), Some(0), None, false)]
    );
}

/// The running steps of a chain: a web hook by its method and URL, any other hook by its name.
fn runs(chain: &Chain) -> Vec<String> {
    chain
        .steps
        .iter()
        .filter(|s| s.runs)
        .map(|s| match &s.web {
            Some((method, url)) => format!("{method} {url}"),
            None => s.hook.clone(),
        })
        .collect()
}

fn get(url: &str) -> Value {
    json!({"hook": "web_hook", "config": {"url": url, "method": "GET", "body": "base64://e30="}})
}

/// The expected executors of ory/kratos's own test of how it builds hook lists
/// (`driver/registry_default_test.go`, `TestDriverDefault_Hooks`, at b86338da), case by case:
/// every `before` and `after` case of registration, login, settings, recovery and verification.
#[test]
fn chains_match_the_executors_kratos_own_tests_expect() {
    let (foo, bar) = ("https://h.example/foo", "https://h.example/bar");
    let case = |with: &[(Scope, Value)], verification: bool, flow, method| {
        let lists = lists(with);
        let chains = chains_on(&lists, Platform::Kratos, verification);
        let timing = Timing::After;
        runs(chain(&chains, flow, timing, method))
    };
    let password = Some(AuthMethod::Password);
    let profile = Some(AuthMethod::Profile);
    use Flow::{Login, Recovery, Registration, Settings, Verification};
    // Registration, after, for the password strategy.
    assert_eq!(
        case(
            &[(
                Scope::RegistrationAfterPassword,
                json!([{"hook": "session"}])
            )],
            true,
            Registration,
            password
        ),
        ["verification", "session"]
    );
    assert_eq!(
        case(
            &[(
                Scope::RegistrationAfterPassword,
                json!([web(foo), {"hook": "session"}])
            )],
            true,
            Registration,
            password
        ),
        ["verification", &format!("POST {foo}"), "session"]
    );
    assert_eq!(
        case(
            &[(Scope::RegistrationAfter, json!([web(foo), get(bar)]))],
            false,
            Registration,
            password
        ),
        [format!("POST {foo}"), format!("GET {bar}")]
    );
    assert_eq!(
        case(
            &[
                (
                    Scope::RegistrationAfterPassword,
                    json!([get(foo), {"hook": "session"}])
                ),
                (Scope::RegistrationAfter, json!([web(bar)])),
            ],
            true,
            Registration,
            password
        ),
        ["verification", &format!("GET {foo}"), "session"]
    );
    assert_eq!(
        case(
            &[(
                Scope::RegistrationAfter,
                json!([{"hook": "show_verification_ui"}])
            )],
            false,
            Registration,
            password
        ),
        ["show_verification_ui"]
    );
    // No hooks configured: nothing runs, and without verification Kratos adds nothing.
    for (flow, method) in [
        (Registration, password),
        (Login, password),
        (Settings, profile),
        (Recovery, None),
        (Verification, None),
    ] {
        assert!(case(&[], false, flow, method).is_empty(), "{flow:?}");
    }
    // Login, after, for the password strategy: no verification step of Kratos's own.
    assert_eq!(
        case(
            &[(
                Scope::LoginAfterPassword,
                json!([{"hook": "require_verified_address"}])
            )],
            true,
            Login,
            password
        ),
        ["require_verified_address"]
    );
    assert_eq!(
        case(
            &[(
                Scope::LoginAfterPassword,
                json!([{"hook": "revoke_active_sessions"}])
            )],
            true,
            Login,
            password
        ),
        ["revoke_active_sessions"]
    );
    assert_eq!(
        case(
            &[(
                Scope::LoginAfterPassword,
                json!([web(foo), {"hook": "require_verified_address"}, {"hook": "revoke_active_sessions"}])
            )],
            false,
            Login,
            password
        ),
        [
            &format!("POST {foo}"),
            "require_verified_address",
            "revoke_active_sessions"
        ]
    );
    assert_eq!(
        case(
            &[(Scope::LoginAfter, json!([web(foo), get(bar)]))],
            false,
            Login,
            password
        ),
        [format!("POST {foo}"), format!("GET {bar}")]
    );
    assert_eq!(
        case(
            &[
                (
                    Scope::LoginAfterPassword,
                    json!([get(foo), {"hook": "revoke_active_sessions"}, {"hook": "require_verified_address"}])
                ),
                (Scope::LoginAfter, json!([web(foo)])),
            ],
            false,
            Login,
            password
        ),
        [
            &format!("GET {foo}"),
            "revoke_active_sessions",
            "require_verified_address"
        ]
    );
    // Settings, after, for the profile strategy.
    assert_eq!(case(&[], true, Settings, profile), ["verification"]);
    assert_eq!(
        case(
            &[(Scope::SettingsAfterProfile, json!([web(foo)]))],
            true,
            Settings,
            profile
        ),
        ["verification", &format!("POST {foo}")]
    );
    assert_eq!(
        case(
            &[(Scope::SettingsAfter, json!([web(foo), get(bar)]))],
            false,
            Settings,
            profile
        ),
        [format!("POST {foo}"), format!("GET {bar}")]
    );
    assert_eq!(
        case(
            &[
                (Scope::SettingsAfterProfile, json!([get(foo)])),
                (Scope::SettingsAfter, json!([web(bar)])),
            ],
            true,
            Settings,
            profile
        ),
        ["verification", &format!("GET {foo}")]
    );
    // Every `before` list: its web hooks, in order.
    for (flow, scope) in [
        (Login, Scope::LoginBefore),
        (Registration, Scope::RegistrationBefore),
        (Settings, Scope::SettingsBefore),
        (Recovery, Scope::RecoveryBefore),
        (Verification, Scope::VerificationBefore),
    ] {
        let none = chains_on(&lists(&[]), Platform::Kratos, true);
        assert!(chain(&none, flow, Timing::Before, None).steps.is_empty());
        let lists = lists(&[(scope, json!([web(foo), get(bar)]))]);
        let chains = chains_on(&lists, Platform::Kratos, true);
        assert_eq!(
            runs(chain(&chains, flow, Timing::Before, None)),
            [format!("POST {foo}"), format!("GET {bar}")]
        );
    }
    // Recovery and verification, after: the flow-wide list, in order.
    for (flow, scope) in [
        (Recovery, Scope::RecoveryAfter),
        (Verification, Scope::VerificationAfter),
    ] {
        assert_eq!(
            case(&[(scope, json!([web(foo), get(bar)]))], true, flow, None),
            [format!("POST {foo}"), format!("GET {bar}")]
        );
    }
}

#[test]
fn a_web_hook_kratos_cannot_read_is_flagged_once() {
    let lists = lists(&[(
        Scope::RegistrationAfterPassword,
        json!([{"hook": "web_hook", "config": {"url": 3}}, {"hook": "session"}]),
    )]);
    let chains = chains_on(&lists, Platform::Kratos, false);
    let password = chain(
        &chains,
        Flow::Registration,
        Timing::After,
        Some(AuthMethod::Password),
    );
    let broken: Vec<&Step> = password
        .steps
        .iter()
        .filter(|s| s.hook == "web_hook")
        .collect();
    assert_eq!(broken.len(), 1, "{:?}", password.steps);
    assert!(!broken[0].runs);
    assert!(broken[0].why.as_deref().unwrap().contains("cannot read"));
}
