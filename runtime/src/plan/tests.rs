use ory_actions_core::{ApiKeyIn, AuthMethod, AuthMethods, Flow, Scope, Timing};
use serde_json::{Value, json};

use super::*;
use crate::action::{Auth, Secret};

/// A project document with the given hook lists.
fn project(lists: &[(Scope, Value)]) -> Value {
    let mut doc =
        json!({"id": "p1", "revision_id": "r1", "services": {"identity": {"config": {}}}});
    for (scope, list) in lists {
        set_list(&mut doc, *scope, list.clone());
    }
    doc
}

/// Puts `list` at the hook list of `scope` in a project document, creating parents.
pub(super) fn set_list(doc: &mut Value, scope: Scope, list: Value) {
    let mut node = doc;
    for segment in scope.pointer().trim_start_matches('/').split('/') {
        node = node
            .as_object_mut()
            .expect("objects all the way down")
            .entry(segment)
            .or_insert_with(|| json!({}));
    }
    *node = list;
}

fn hook(url: &str) -> Value {
    json!({"hook": "web_hook", "config": {"url": url, "method": "POST", "body": "base64://e30="}})
}

fn welcome() -> Action {
    Action::builder(
        Flow::Registration,
        Timing::After,
        "https://h.example/welcome",
    )
    .auth_method(AuthMethod::Password)
    .name("welcome")
    .body("{}")
    .build()
    .unwrap()
}

/// The hook lists of a project document.
pub(super) fn lists_of(doc: &Value) -> HookLists {
    HookLists::read(doc, ory_actions_core::scope::IDENTITY_CONFIG_POINTER)
        .expect("a well-formed document")
}

/// The planner's input with the defaults these tests use: an Ory Network project.
pub(super) fn input<'a>(
    lists: &'a HookLists,
    actions: &'a [&'a Action],
    bodies: &'a FetchedBodies,
) -> PlanInput<'a> {
    PlanInput {
        backend: BackendName::Project("p1".into()),
        platform: Platform::OryNetwork,
        revision_id: "r1",
        lists,
        actions,
        prune: &Prune::None,
        mode: Mode::Apply,
        bodies,
        secrets: Secrets::Redacted,
        only: None,
        resend: &Resend::None,
        samples: None,
    }
}

fn plan_with(doc: &Value, actions: &[&Action], prune: &Prune, mode: Mode) -> ProjectPlan {
    let (lists, bodies) = (lists_of(doc), FetchedBodies::new());
    plan_project(PlanInput {
        prune,
        mode,
        ..input(&lists, actions, &bodies)
    })
    .unwrap()
}

fn plan(doc: &Value, actions: &[&Action]) -> ProjectPlan {
    plan_with(doc, actions, &Prune::None, Mode::Apply)
}

/// The document after the plan's writes.
fn applied(doc: &Value, plan: &ProjectPlan) -> Value {
    let mut doc = doc.clone();
    for write in &plan.writes {
        set_list(&mut doc, write.scope, Value::Array(write.values().to_vec()));
    }
    doc
}

fn list(doc: &Value, scope: Scope) -> Value {
    doc.pointer(scope.pointer()).cloned().unwrap_or(Value::Null)
}

#[test]
fn a_new_hook_goes_before_session_and_a_second_plan_is_empty() {
    let doc = project(&[(
        Scope::RegistrationAfterPassword,
        json!([{"hook": "session"}]),
    )]);
    let action = welcome();
    let first = plan(&doc, &[&action]);
    assert_eq!(first.counts(), (1, 0, 0));
    assert_eq!(first.writes.len(), 1);
    let after = applied(&doc, &first);
    let list = list(&after, Scope::RegistrationAfterPassword);
    assert_eq!(list[0]["config"]["url"], "https://h.example/welcome");
    assert_eq!(list[1], json!({"hook": "session"}));

    let second = plan(&after, &[&action]);
    assert!(!second.has_changes());
    assert_eq!(second.changes.len(), 1);
    assert_eq!(second.changes[0].kind, ChangeKind::Unchanged);
}

#[test]
fn absent_lists_are_created() {
    let doc = project(&[]);
    let action = welcome();
    let plan = plan(&doc, &[&action]);
    let after = applied(&doc, &plan);
    assert_eq!(
        list(&after, Scope::RegistrationAfterPassword)
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn other_entries_keep_their_place_and_order() {
    let doc = project(&[(
        Scope::RegistrationAfterPassword,
        json!([hook("https://other.example/a"), {"hook": "show_verification_ui"},
               hook("https://h.example/welcome"), hook("https://other.example/b"),
               {"hook": "session"}]),
    )]);
    let action = Action::builder(
        Flow::Registration,
        Timing::After,
        "https://h.example/welcome",
    )
    .auth_method(AuthMethod::Password)
    .body("{ changed: true }")
    .build()
    .unwrap();
    let plan = plan(&doc, &[&action]);
    assert_eq!(plan.counts(), (0, 1, 0));
    assert_eq!(plan.unmanaged.len(), 2);
    let after = list(&applied(&doc, &plan), Scope::RegistrationAfterPassword);
    let urls: Vec<&str> = after
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["config"]["url"]
                .as_str()
                .unwrap_or(e["hook"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        urls,
        [
            "https://other.example/a",
            "show_verification_ui",
            "https://h.example/welcome",
            "https://other.example/b",
            "session"
        ]
    );
    let fields = &plan
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::Update)
        .unwrap()
        .fields;
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].field, "body");
    assert_eq!(fields[0].before, Shown::Text("{}".into()));
    assert_eq!(fields[0].after, Shown::Text("{ changed: true }".into()));
}

#[test]
fn defaults_written_out_or_left_out_are_the_same() {
    let stored = json!({"hook": "web_hook", "config": {
        "url": "https://h.example/welcome", "method": "POST", "body": "base64://e30=",
        "can_interrupt": false, "response": {"ignore": false, "parse": false}
    }});
    let sparse = json!({"hook": "web_hook", "config": {
        "url": "https://h.example/welcome", "body": "base64://e30="
    }});
    let action = welcome();
    for entry in [stored, sparse] {
        let doc = project(&[(Scope::RegistrationAfterPassword, json!([entry]))]);
        assert!(!plan(&doc, &[&action]).has_changes());
    }
}

#[test]
fn a_declared_reference_is_compared_as_a_reference_and_its_template_never_read() {
    let doc = project(&[(
        Scope::RegistrationAfterPassword,
        json!([{"hook": "web_hook", "config": {
            "url": "https://h.example/welcome", "method": "POST",
            "body": "https://storage.example/bodies/1"
        }}]),
    )]);
    let reference = |url: &str| {
        Action::builder(
            Flow::Registration,
            Timing::After,
            "https://h.example/welcome",
        )
        .auth_method(AuthMethod::Password)
        .body_url(url.to_owned())
        .build()
        .unwrap()
    };
    let same = reference("https://storage.example/bodies/1");
    assert!(bodies_to_fetch(&lists_of(&doc), &[&same], Platform::OryNetwork).is_empty());
    assert!(!plan(&doc, &[&same]).has_changes());
    // Another reference: the stored template is read, to show what the change replaces.
    let other = reference("https://storage.example/bodies/2");
    assert_eq!(
        bodies_to_fetch(&lists_of(&doc), &[&other], Platform::OryNetwork),
        ["https://storage.example/bodies/1"]
    );
}

#[test]
fn a_body_stored_at_a_url_is_compared_by_content() {
    let doc = project(&[(
        Scope::RegistrationAfterPassword,
        json!([{"hook": "web_hook", "config": {
            "url": "https://h.example/welcome", "method": "POST",
            "body": "https://storage.example/bodies/1"
        }}]),
    )]);
    let action = welcome();
    let actions = [&action];
    assert_eq!(
        bodies_to_fetch(&lists_of(&doc), &actions, Platform::OryNetwork),
        ["https://storage.example/bodies/1"]
    );
    let run = |content: Result<String, String>| {
        let bodies =
            FetchedBodies::from([("https://storage.example/bodies/1".to_owned(), content)]);
        plan_project(input(&lists_of(&doc), &actions, &bodies)).unwrap()
    };
    assert!(!run(Ok("{}\n".into())).has_changes());
    assert_eq!(run(Ok("{ other: 1 }".into())).counts(), (0, 1, 0));
    let unreadable = run(Err("status 404".into()));
    assert_eq!(unreadable.counts(), (0, 1, 0));
    assert!(
        unreadable
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::BodyUnreadable { reason, .. } if reason.contains("404")))
    );
}

#[test]
fn destroy_removes_what_is_declared_and_pruned_only() {
    let doc = project(&[
        (
            Scope::RegistrationAfterPassword,
            json!([hook("https://h.example/welcome"), hook("https://other.example/x"), {"hook": "session"}]),
        ),
        (
            Scope::LoginBefore,
            json!([
                hook("https://h.example/old"),
                hook("https://else.example/y")
            ]),
        ),
    ]);
    let action = welcome();
    let prune = Prune::UrlPrefix("https://h.example/".into());
    let plan = plan_with(&doc, &[&action], &prune, Mode::Destroy);
    assert_eq!(plan.counts(), (0, 0, 2));
    assert!(
        plan.changes
            .iter()
            .any(|c| c.pruned && c.url.with_credentials() == "https://h.example/old")
    );
    let after = applied(&doc, &plan);
    assert_eq!(
        list(&after, Scope::RegistrationAfterPassword),
        json!([hook("https://other.example/x"), {"hook": "session"}])
    );
    assert_eq!(
        list(&after, Scope::LoginBefore),
        json!([hook("https://else.example/y")])
    );
}

#[test]
fn prune_all_owns_every_web_hook_but_no_other_entry() {
    let doc = project(&[(
        Scope::LoginAfter,
        json!([{"hook": "revoke_active_sessions"}, hook("https://x.example/"), {"hook": "b2b_sso", "config": {}}]),
    )]);
    let plan = plan_with(&doc, &[], &Prune::All, Mode::Apply);
    assert_eq!(plan.counts(), (0, 0, 1));
    assert_eq!(
        list(&applied(&doc, &plan), Scope::LoginAfter),
        json!([{"hook": "revoke_active_sessions"}, {"hook": "b2b_sso", "config": {}}])
    );
}

#[test]
fn a_declared_hook_stored_twice_keeps_its_first_place_only() {
    let doc = project(&[(
        Scope::RegistrationAfterPassword,
        json!([hook("https://h.example/welcome"), {"hook": "session"}, hook("https://h.example/welcome")]),
    )]);
    let action = welcome();
    let plan = plan(&doc, &[&action]);
    assert_eq!(plan.counts(), (0, 0, 1));
    assert_eq!(
        list(&applied(&doc, &plan), Scope::RegistrationAfterPassword),
        json!([hook("https://h.example/welcome"), {"hook": "session"}])
    );
}

#[test]
fn warnings_about_flow_wide_lists() {
    let doc = project(&[
        (
            Scope::LoginAfter,
            json!([hook("https://fallback.example/")]),
        ),
        (Scope::RegistrationAfterOidc, json!([{"hook": "session"}])),
    ]);
    let login = Action::builder(Flow::Login, Timing::After, "https://h.example/login")
        .auth_method(AuthMethod::Totp)
        .body("{}")
        .build()
        .unwrap();
    let fallback = Action::builder(
        Flow::Registration,
        Timing::After,
        "https://h.example/signup",
    )
    .auth_method(AuthMethods::Fallback)
    .build()
    .unwrap();
    let plan = plan(&doc, &[&login, &fallback]);
    let codes: Vec<&str> = plan.warnings.iter().map(Warning::code).collect();
    assert_eq!(
        codes,
        [
            "fallback_legacy",
            "no_body",
            "shadows_flow_wide",
            "fallback_skipped"
        ]
    );
    assert!(plan.warnings[2].to_string().contains("login after totp"));
    assert!(plan.warnings[3].to_string().contains("do not run for oidc"));
}

#[test]
fn malformed_entries_stay_and_are_reported() {
    let doc = project(&[(
        Scope::LoginBefore,
        json!([{"hook": "web_hook", "config": {"method": "POST"}}]),
    )]);
    let action = Action::builder(Flow::Login, Timing::Before, "https://h.example/x")
        .body("{}")
        .build()
        .unwrap();
    let plan = plan(&doc, &[&action]);
    let after = list(&applied(&doc, &plan), Scope::LoginBefore);
    assert_eq!(
        after[0],
        json!({"hook": "web_hook", "config": {"method": "POST"}})
    );
    assert_eq!(plan.warnings[0].code(), "malformed_remote_hook");
}

#[test]
fn secrets_a_target_leaves_out_are_noted_not_changed_and_never_dropped() {
    let path = std::env::temp_dir().join(format!("ory-actions-left-out-{}", std::process::id()));
    std::fs::write(&path, "kept-s3cret").unwrap();
    let keyed = Action::builder(Flow::Login, Timing::Before, "https://h.example/keyed")
        .name("keyed")
        .body("{}")
        .auth(Auth::basic_auth("ory", Secret::file(&path)))
        .build()
        .unwrap();
    let other = Action::builder(Flow::Login, Timing::Before, "https://h.example/new")
        .body("{}")
        .build()
        .unwrap();
    // Ory returns the hook without its password, in each way a backend may leave it out.
    for password in [None, Some(""), Some("****"), Some("(sensitive)")] {
        let mut config = json!({"user": "ory"});
        if let Some(password) = password {
            config["password"] = password.into();
        }
        let doc = project(&[(
            Scope::LoginBefore,
            json!([{"hook": "web_hook", "config": {"url": "https://h.example/keyed",
                "method": "POST", "body": "base64://e30=",
                "auth": {"type": "basic_auth", "config": config}}}]),
        )]);
        let (actions, bodies, lists) = ([&keyed, &other], FetchedBodies::new(), lists_of(&doc));
        let resolved = |platform, resend: &Resend| {
            plan_project(PlanInput {
                secrets: Secrets::Resolved,
                platform,
                resend,
                samples: None,
                ..input(&lists, &actions, &bodies)
            })
            .unwrap()
        };
        let plan = resolved(Platform::OryNetwork, &Resend::None);
        // The new hook is created; the kept one is unchanged, with a note on its password.
        assert_eq!(plan.counts(), (1, 0, 0), "{password:?}");
        let kept = &plan.changes[0];
        assert_eq!(kept.kind, ChangeKind::Unchanged);
        assert_eq!(kept.fields.len(), 1);
        assert_eq!(kept.fields[0].field, "auth.password");
        assert_eq!(
            kept.fields[0].note,
            Some("not returned by Ory, cannot be compared")
        );
        // The list is written for the new hook: the kept hook goes with its password.
        assert_eq!(
            plan.writes[0].entry(0)["config"]["auth"]["config"]["password"],
            "kept-s3cret"
        );
        // On request, the password is sent again: an update.
        let resent = resolved(
            Platform::OryNetwork,
            &Resend::Named(["keyed".into()].into()),
        );
        assert_eq!(resent.counts(), (1, 1, 0));
        assert_eq!(
            resent.changes[0].fields[0].note,
            Some("sent again (--resend-secrets)")
        );
        // A Kratos file keeps secrets, so one missing there is a change to write.
        let file = resolved(Platform::Kratos, &Resend::None);
        assert_eq!(file.counts(), (1, 1, 0), "{password:?}");
        assert_eq!(file.changes[0].fields[0].note, None);
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn secrets_are_compared_only_when_read_and_never_shown() {
    let path = std::env::temp_dir().join(format!("ory-actions-plan-{}", std::process::id()));
    std::fs::write(&path, "new-s3cret").unwrap();
    let action = Action::builder(Flow::Login, Timing::Before, "https://h.example/x")
        .body("{}")
        .auth(Auth::api_key(
            "X-Key",
            Secret::file(&path),
            ApiKeyIn::Header,
        ))
        .build()
        .unwrap();
    let doc = project(&[(
        Scope::LoginBefore,
        json!([{"hook": "web_hook", "config": {"url": "https://h.example/x", "method": "POST",
            "body": "base64://e30=",
            "auth": {"type": "api_key", "config": {"name": "X-Key", "value": "old-s3cret", "in": "header"}}}}]),
    )]);
    let redacted = plan(&doc, &[&action]);
    assert!(!redacted.has_changes());
    let (actions, bodies) = ([&action], FetchedBodies::new());
    let lists = lists_of(&doc);
    let resolved = plan_project(PlanInput {
        secrets: Secrets::Resolved,
        ..input(&lists, &actions, &bodies)
    })
    .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(resolved.counts(), (0, 1, 0));
    assert_eq!(
        resolved.changes[0].fields,
        [FieldChange {
            field: "auth.value".into(),
            before: Shown::Sensitive,
            after: Shown::Sensitive,
            note: None
        }]
    );
    let shown = format!("{resolved:?}");
    assert!(
        !shown.contains("new-s3cret") && !shown.contains("old-s3cret"),
        "{shown}"
    );
    assert_eq!(
        resolved.writes[0].entry(0)["config"]["auth"]["config"]["value"],
        "new-s3cret"
    );
}

#[test]
fn the_same_hook_declared_twice_is_an_error() {
    let a = welcome();
    let b = Action::builder(
        Flow::Registration,
        Timing::After,
        "https://h.example/welcome",
    )
    .auth_method([AuthMethod::Oidc, AuthMethod::Password])
    .build()
    .unwrap();
    let (doc, actions, bodies) = (project(&[]), [&a, &b], FetchedBodies::new());
    let err = plan_project(input(&lists_of(&doc), &actions, &bodies)).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "two actions declare POST https://h.example/welcome in registration after password"
        ),
        "{err}"
    );
}

fn with_extras() -> Action {
    Action::builder(Flow::Login, Timing::Before, "https://h.example/x")
        .body("{}")
        .header("X-Tenant", "acme")
        .secret_header("Authorization", Secret::env("ORY_ACTIONS_PLAN_TEST_UNSET"))
        .emit_analytics_event(false)
        .id("guard")
        .build()
        .unwrap()
}

#[test]
fn fields_ory_network_does_not_store_warn_and_never_diff() {
    let doc = project(&[(Scope::LoginBefore, json!([hook("https://h.example/x")]))]);
    let action = with_extras();
    let plan = plan(&doc, &[&action]);
    assert!(!plan.has_changes());
    assert_eq!(plan.warnings.len(), 1);
    assert_eq!(plan.warnings[0].code(), "not_stored");
    assert!(
        plan.warnings[0]
            .to_string()
            .contains("has no place for `headers`, `emit_analytics_event`, `id`"),
        "{}",
        plan.warnings[0]
    );
}

#[test]
fn where_extras_are_stored_they_are_compared_and_secret_headers_stay_hidden() {
    let doc = project(&[(
        Scope::LoginBefore,
        json!([{"hook": "web_hook", "config": {"url": "https://h.example/x", "method": "POST",
            "body": "base64://e30=", "headers": {"X-Tenant": "other", "Authorization": "Bearer old", "X-Gone": "v"}}}]),
    )]);
    let action = with_extras();
    let (actions, bodies) = ([&action], FetchedBodies::new());
    let lists = lists_of(&doc);
    let plan = plan_project(PlanInput {
        platform: Platform::Kratos,
        ..input(&lists, &actions, &bodies)
    })
    .unwrap();
    let fields: Vec<(&str, &Shown, &Shown)> = plan.changes[0]
        .fields
        .iter()
        .map(|f| (&*f.field, &f.before, &f.after))
        .collect();
    assert_eq!(
        fields,
        [
            ("headers.X-Gone", &Shown::Sensitive, &Shown::Absent),
            (
                "headers.X-Tenant",
                &Shown::Value("other".into()),
                &Shown::Value("acme".into())
            ),
            (
                "emit_analytics_event",
                &Shown::Value(true.into()),
                &Shown::Value(false.into())
            ),
            ("id", &Shown::Absent, &Shown::Value("guard".into())),
        ]
    );
    assert!(!format!("{plan:?}").contains("Bearer old"));
}

fn on(platform: Platform, doc: &Value, actions: &[&Action]) -> Result<ProjectPlan, Error> {
    let (lists, bodies) = (lists_of(doc), FetchedBodies::new());
    plan_project(PlanInput {
        platform,
        ..input(&lists, actions, &bodies)
    })
}

#[test]
fn a_saml_list_named_for_self_hosted_kratos_is_refused_before_anything_is_written() {
    let saml = Action::builder(Flow::Login, Timing::After, "https://h.example/sso")
        .auth_method([AuthMethod::Password, AuthMethod::Saml])
        .name("sso_audit")
        .body("{}")
        .build()
        .unwrap();
    let doc = project(&[]);
    let plan = on(Platform::OryNetwork, &doc, &[&saml]).unwrap();
    let written: Vec<Scope> = plan.writes.iter().map(|w| w.scope).collect();
    assert_eq!(written, [Scope::LoginAfterPassword, Scope::LoginAfterSaml]);

    let err = on(Platform::Kratos, &doc, &[&welcome(), &saml]).unwrap_err();
    assert!(matches!(err, Error::InvalidAction(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "invalid action `sso_audit (login after [password, saml]: POST https://h.example/sso)`: \
         self-hosted Kratos has no `saml` hook list (Ory Network has one after login, \
         registration and settings): remove `saml` from `auth_method` to manage a Kratos \
         configuration file"
    );
}

#[test]
fn all_is_every_per_method_list_of_the_platform_planned_for() {
    let all = Action::builder(Flow::Settings, Timing::After, "https://h.example/audit")
        .auth_method(AuthMethods::All)
        .body("{}")
        .build()
        .unwrap();
    let doc = project(&[]);
    let lists_written = |platform| -> Vec<Scope> {
        let plan = on(platform, &doc, &[&all]).unwrap();
        assert_eq!(plan.counts().0, plan.writes.len(), "one create per list");
        plan.writes.iter().map(|w| w.scope).collect()
    };
    let network = lists_written(Platform::OryNetwork);
    assert_eq!(network, Flow::Settings.after_method_scopes());
    assert!(network.contains(&Scope::SettingsAfterSaml));
    let kratos = lists_written(Platform::Kratos);
    assert_eq!(
        kratos,
        Flow::Settings.after_method_scopes_on(Platform::Kratos)
    );
    assert_eq!(kratos.len(), 7);
    assert!(!kratos.contains(&Scope::SettingsAfterSaml));

    // Applied on self-hosted Kratos, the next plan there has nothing left to do.
    let kratos_plan = on(Platform::Kratos, &doc, &[&all]).unwrap();
    let after = applied(&doc, &kratos_plan);
    assert!(!on(Platform::Kratos, &after, &[&all]).unwrap().has_changes());
    // The same document on Ory Network still lacks the saml list.
    let network_plan = on(Platform::OryNetwork, &after, &[&all]).unwrap();
    let missing: Vec<Scope> = network_plan.writes.iter().map(|w| w.scope).collect();
    assert_eq!(missing, [Scope::SettingsAfterSaml]);
}

#[test]
fn entries_that_move_to_another_index_are_named_for_kratos_files() {
    // A Slack hook at [0] that an environment variable overrides by index, a `session` after it.
    let slack = hook("https://hooks.slack.example/T0/B0");
    let doc = project(&[(
        Scope::RegistrationAfterPassword,
        json!([slack.clone(), {"hook": "session"}]),
    )]);
    let lists = lists_of(&doc);
    let bodies = FetchedBodies::new();
    let early = Action::builder(Flow::Registration, Timing::After, "https://h.example/early")
        .auth_method(AuthMethod::Password)
        .body("{}")
        .build()
        .unwrap();
    let actions = [&early];
    let on = |platform| {
        plan_project(PlanInput {
            platform,
            ..input(&lists, &actions, &bodies)
        })
        .unwrap()
    };
    // New hooks go before `session`, after the Slack hook: nothing with a config moves.
    let kratos = on(Platform::Kratos);
    assert!(kratos.warnings.iter().all(|w| w.code() != "index_shift"));

    // Deleting a declared hook ahead of the Slack hook moves it from [1] to [0].
    let doc = project(&[(
        Scope::RegistrationAfterPassword,
        json!([hook("https://h.example/early"), slack, {"hook": "session"}]),
    )]);
    let lists = lists_of(&doc);
    let plan = plan_project(PlanInput {
        platform: Platform::Kratos,
        mode: Mode::Destroy,
        ..input(&lists, &actions, &bodies)
    })
    .unwrap();
    let shifts: Vec<String> = plan
        .warnings
        .iter()
        .filter(|w| w.code() == "index_shift")
        .map(ToString::to_string)
        .collect();
    assert_eq!(shifts.len(), 1, "{:?}", plan.warnings);
    assert!(
        shifts[0].contains("the web hook POST https://hooks.slack.example/T0/B0 from [1] to [0]"),
        "{}",
        shifts[0]
    );
    assert!(
        shifts[0].contains("SELFSERVICE_FLOWS_REGISTRATION_AFTER_PASSWORD_HOOKS_<index>_CONFIG_"),
        "{}",
        shifts[0]
    );
    // `session` has no config: no override can reach it, so its move is not named.
    assert!(!shifts[0].contains("session"), "{}", shifts[0]);
    // Ory Network has no environment overrides.
    let network = plan_project(PlanInput {
        mode: Mode::Destroy,
        ..input(&lists, &actions, &bodies)
    })
    .unwrap();
    assert!(network.warnings.iter().all(|w| w.code() != "index_shift"));
}

#[test]
fn fallback_on_ory_network_is_called_legacy_and_a_kratos_file_keeps_it_quietly() {
    let fallback = Action::builder(Flow::Login, Timing::After, "https://h.example/fallback")
        .auth_method(AuthMethods::Fallback)
        .body("{}")
        .build()
        .unwrap();
    let per_method = welcome();
    let doc = project(&[]);
    let codes = |plan: &ProjectPlan| -> Vec<String> {
        plan.warnings.iter().map(|w| w.code().to_owned()).collect()
    };
    let network = plan(&doc, &[&fallback, &per_method]);
    assert_eq!(codes(&network), ["fallback_legacy"]);
    let message = network.warnings[0].to_string();
    assert!(
        message.contains("a fallback webhook only runs when no method-specific hook")
            && message.contains("`auth_method: all`"),
        "{message}"
    );
    let lists = lists_of(&doc);
    let bodies = FetchedBodies::new();
    let actions = [&fallback];
    let file = plan_project(PlanInput {
        platform: Platform::Kratos,
        ..input(&lists, &actions, &bodies)
    })
    .unwrap();
    assert!(
        !codes(&file).iter().any(|code| code == "fallback_legacy"),
        "{:?}",
        codes(&file)
    );
}
