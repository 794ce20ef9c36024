//! End to end: the command line of a stack against the testkit's stand-in for the console API.

use std::collections::BTreeMap;

use ory_actions::testkit::{Fault, Options};
use ory_actions::{Action, Flow, Prune, Scope, Stack, Timing, action, cli};
use serde_json::{Value, json};

mod common;

use common::{hook_names, list, sample_config, seed_stack, testkit};
use ory_actions::testkit::run_env;

fn converges(options: Options) {
    let kit = testkit(options);
    let project = kit.add_project(sample_config());
    let applied = kit.run(&project, seed_stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    assert_eq!((kit.count("GET"), kit.count("PATCH")), (1, 1));
    assert!(applied.out.contains("4 to create"), "{}", applied.out);

    assert_eq!(
        hook_names(&list(&kit, &project, Scope::RegistrationAfterPassword)),
        ["https://api.example.com/webhooks/welcome", "session"]
    );
    for scope in [
        Scope::RegistrationAfterOidc,
        Scope::RegistrationAfterWebauthn,
    ] {
        assert_eq!(hook_names(&list(&kit, &project, scope)), ["session"]);
    }
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginBefore)),
        ["https://api.example.com/webhooks/validate"]
    );

    kit.clear_requests();
    let again = kit.run(&project, seed_stack(), &["apply", "--yes"]);
    assert_eq!(again.code, 0, "{}{}", again.out, again.err);
    assert!(again.out.contains("No changes."), "{}", again.out);
    assert_eq!((kit.count("GET"), kit.count("PATCH")), (1, 0));

    let plan = kit.run(&project, seed_stack(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}{}", plan.out, plan.err);
}

#[test]
fn apply_converges_in_one_read_and_one_write() {
    converges(Options::default());
}

/// The seed stack with an api key on the welcome hook and basic auth on the audit hook, the
/// secrets read from files in `dir`.
fn seed_with_auth(dir: &std::path::Path) -> Stack {
    let key = dir.join("key");
    let password = dir.join("password");
    let actions = seed_stack().get_actions().to_vec();
    Stack::new().actions(actions.into_iter().map(|action| {
        match action.name() {
            Some("welcome_email") => {
                Action::builder(action.flow(), action.timing(), action.url().to_owned())
                    .name("welcome_email")
                    .auth_method(ory_actions::AuthMethod::Password)
                    .body(action.body().unwrap().source().unwrap().to_owned())
                    .auth(ory_actions::Auth::api_key(
                        "X-Api-Key",
                        ory_actions::Secret::file(&key),
                        ory_actions::ApiKeyIn::Header,
                    ))
                    .build()
                    .unwrap()
            }
            Some("audit_log") => {
                Action::builder(action.flow(), action.timing(), action.url().to_owned())
                    .name("audit_log")
                    .auth_method(ory_actions::AuthMethod::Password)
                    .response_ignore(true)
                    .auth(ory_actions::Auth::basic_auth(
                        "ory",
                        ory_actions::Secret::file(&password),
                    ))
                    .build()
                    .unwrap()
            }
            _ => action,
        }
    }))
}

/// The api key and basic auth password Ory holds for the seed stack's hooks.
fn stored_secrets(kit: &ory_actions::testkit::TestKit, project: &str) -> (Value, Value) {
    let welcome = list(kit, project, Scope::RegistrationAfterPassword);
    let welcome = welcome
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["config"]["url"] == "https://api.example.com/webhooks/welcome")
        .unwrap();
    let audit = list(kit, project, Scope::SettingsAfterPassword);
    (
        welcome["config"]["auth"]["config"]["value"].clone(),
        audit[0]["config"]["auth"]["config"]["password"].clone(),
    )
}

#[test]
fn secrets_converge_whether_ory_returns_them_or_not() {
    for returned in [true, false] {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("ory-actions-returned-{returned}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("key"), "key-one").unwrap();
        std::fs::write(dir.join("password"), "password-one").unwrap();
        let kit = testkit(Options::default().return_secrets(returned));
        let project = kit.add_project(sample_config());

        let applied = kit.run(&project, seed_with_auth(&dir), &["apply", "--yes"]);
        assert_eq!(
            applied.code, 0,
            "{returned}: {}{}",
            applied.out, applied.err
        );
        assert_eq!((kit.count("GET"), kit.count("PATCH")), (1, 1));
        assert_eq!(
            stored_secrets(&kit, &project),
            (json!("key-one"), json!("password-one"))
        );

        // The next apply changes nothing; where Ory keeps the secrets to itself, the plan says
        // that it could not compare them.
        kit.clear_requests();
        let again = kit.run(&project, seed_with_auth(&dir), &["apply", "--yes"]);
        assert_eq!(again.code, 0, "{returned}: {}{}", again.out, again.err);
        assert!(
            again.out.contains("No changes."),
            "{returned}: {}",
            again.out
        );
        assert_eq!((kit.count("GET"), kit.count("PATCH")), (1, 0));
        assert_eq!(
            again
                .out
                .matches("not returned by Ory, cannot be compared")
                .count(),
            if returned { 0 } else { 2 },
            "{}",
            again.out
        );

        // Someone else's hook with a secret of its own, in the same list.
        kit.edit(&project, |config| {
            let list = config
                .pointer_mut("/selfservice/flows/registration/after/password/hooks")
                .and_then(Value::as_array_mut)
                .unwrap();
            list.insert(0, json!({"hook": "web_hook", "config": {
                "url": "https://theirs.example.com/hook", "method": "POST", "body": "base64://e30=",
                "auth": {"type": "basic_auth", "config": {"user": "them", "password": "theirs-s3cret"}},
                "can_interrupt": false, "response": {"ignore": false, "parse": false}}}));
        });
        // A new hook in the list of hooks whose secrets Ory did not return leaves those secrets
        // where they are: the declared one's and someone else's.
        let mut stack = seed_with_auth(&dir);
        stack = stack.action(
            Action::builder(
                Flow::Registration,
                Timing::After,
                "https://api.example.com/second",
            )
            .auth_method(ory_actions::AuthMethod::Password)
            .body("{}")
            .build()
            .unwrap(),
        );
        let added = kit.run(&project, stack, &["apply", "--yes"]);
        assert_eq!(added.code, 0, "{returned}: {}{}", added.out, added.err);
        let welcome = list(&kit, &project, Scope::RegistrationAfterPassword);
        assert_eq!(
            hook_names(&welcome),
            [
                "https://theirs.example.com/hook",
                "https://api.example.com/webhooks/welcome",
                "https://api.example.com/second",
                "session"
            ]
        );
        assert_eq!(
            welcome[0]["config"]["auth"]["config"]["password"],
            "theirs-s3cret"
        );
        assert_eq!(welcome[1]["config"]["auth"]["config"]["value"], "key-one");

        // A rotated secret: seen where Ory returns secrets; sent on request where it does not.
        std::fs::write(dir.join("key"), "key-two").unwrap();
        let rotated = kit.run(&project, seed_with_auth(&dir), &["apply", "--yes"]);
        assert_eq!(
            rotated.code, 0,
            "{returned}: {}{}",
            rotated.out, rotated.err
        );
        if !returned {
            assert_eq!(stored_secrets(&kit, &project).0, json!("key-one"));
            let resent = kit.run(
                &project,
                seed_with_auth(&dir),
                &["apply", "--yes", "--resend-secrets=welcome_email"],
            );
            assert_eq!(resent.code, 0, "{}{}", resent.out, resent.err);
            assert!(
                resent.out.contains("sent again (--resend-secrets)"),
                "{}",
                resent.out
            );
            assert!(
                resent.out.contains("0 created, 1 updated"),
                "{}",
                resent.out
            );
        }
        assert_eq!(
            stored_secrets(&kit, &project),
            (json!("key-two"), json!("password-one"))
        );
        for output in [&applied, &again, &added, &rotated] {
            let all = format!("{}{}", output.out, output.err);
            for secret in ["key-one", "key-two", "password-one", "theirs-s3cret"] {
                assert!(!all.contains(secret), "{all}");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn apply_converges_when_ory_stores_bodies_as_urls() {
    converges(Options::default().bodies_as_urls(true));
}

#[test]
fn plan_of_the_seed_stack_against_a_new_project() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    let plan = kit.run(&project, seed_stack(), &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}", plan.err);
    insta::assert_snapshot!("seed_plan_text", plan.out);
    let json = kit.run(&project, seed_stack(), &["plan", "--json"]);
    assert_eq!(json.code, 0, "{}", json.err);
    let parsed: Value = serde_json::from_str(&json.out).unwrap();
    insta::assert_snapshot!(
        "seed_plan_json",
        serde_json::to_string_pretty(&parsed).unwrap()
    );
    assert_eq!(kit.count("PATCH"), 0);
}

#[test]
fn a_concurrent_writer_between_read_and_write_is_not_lost() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    kit.inject(Fault::ConcurrentEdit(Box::new(|config| {
        config["selfservice"]["flows"]["login"]["before"]["hooks"] = json!([
            {"hook": "web_hook", "config": {"url": "https://someone.example/else", "method": "POST", "body": "base64://e30="}}
        ]);
    })));
    let applied = kit.run(&project, seed_stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    assert!(applied.out.contains("after 2 attempts"), "{}", applied.out);
    assert_eq!((kit.count("GET"), kit.count("PATCH")), (2, 2));
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginBefore)),
        [
            "https://someone.example/else",
            "https://api.example.com/webhooks/validate"
        ]
    );
}

#[test]
fn writers_that_never_stop_end_in_exit_code_3_and_no_write() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    // A run writes 16 times at most (README, "How an apply writes").
    for _ in 0..16 {
        kit.inject(Fault::ConcurrentEdit(Box::new(|config| {
            config["selfservice"]["flows"]["recovery"]["before"]["hooks"] = json!([]);
        })));
    }
    let applied = kit.run(&project, seed_stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 3, "{}{}", applied.out, applied.err);
    assert!(applied.err.contains("kept changing"), "{}", applied.err);
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginBefore)),
        Vec::<String>::new()
    );
}

#[test]
fn refused_credentials_and_unknown_projects_are_explained_and_nothing_is_written() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    let env = BTreeMap::from([
        ("ORY_WORKSPACE_API_KEY", "wrong".to_owned()),
        ("ORY_CONSOLE_API_URL", kit.url().to_owned()),
        ("ORY_PROJECT_ID", project.clone()),
    ]);
    let refused = run_env(seed_stack(), &["apply", "--yes"], &env);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .err
            .contains("Ory refused the API key (401) while trying to read project"),
        "{}",
        refused.err
    );
    assert!(
        refused.err.contains("the key is invalid or expired")
            && refused.err.contains("ORY_WORKSPACE_API_KEY"),
        "{}",
        refused.err
    );

    // Ory answers an unknown project, or one the key cannot see, with 403.
    let unknown = "00000000-0000-4000-8000-000000000000";
    let missing = kit.run(unknown, seed_stack(), &["apply", "--yes"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.err.contains(&format!(
            "Ory refused to show project {unknown} (403): no project has this id"
        )) && missing.err.contains("check the project id"),
        "{}",
        missing.err
    );
    assert_eq!(kit.count("PATCH"), 0);
}

#[test]
fn a_project_key_reads_and_is_told_to_use_a_workspace_key_to_write() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    let mut env = kit.env();
    env.insert(
        "ORY_WORKSPACE_API_KEY",
        ory_actions::testkit::PROJECT_API_KEY.to_owned(),
    );
    env.insert("ORY_PROJECT_ID", project.clone());
    let planned = run_env(seed_stack(), &["plan"], &env);
    assert_eq!(planned.code, 0, "{}", planned.err);
    let applied = run_env(seed_stack(), &["apply", "--yes"], &env);
    assert_eq!(applied.code, 1);
    assert!(
        applied.err.contains(&format!(
            "the API key may read project {project} but not change its configuration (403)"
        )) && applied.err.contains("workspace API key (`ory_wak_…`"),
        "{}",
        applied.err
    );
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginBefore)),
        Vec::<String>::new(),
        "nothing written"
    );
}

#[test]
fn a_deleted_project_is_refused_and_nothing_is_written() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    kit.delete_project(&project);
    for args in [&["plan"][..], &["apply", "--yes"]] {
        let run = kit.run(&project, seed_stack(), args);
        assert_eq!(run.code, 1, "{args:?}: {}{}", run.out, run.err);
        assert!(
            run.err.contains(&format!("project {project} is deleted"))
                && run.err.contains("nothing was written"),
            "{}",
            run.err
        );
        assert!(!run.out.contains("to create"), "{}", run.out);
    }
    assert_eq!(kit.count("PATCH"), 0);
}

#[test]
fn the_api_key_is_never_sent_over_plain_http_to_another_host() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    // The testkit's own loopback URL is plain http, and accepted.
    assert_eq!(kit.run(&project, seed_stack(), &["plan"]).code, 0);
    for url in ["http://api.console.ory.sh", "http://192.0.2.1:4000"] {
        let env = BTreeMap::from([
            ("ORY_WORKSPACE_API_KEY", kit.api_key()),
            ("ORY_CONSOLE_API_URL", url.to_owned()),
            ("ORY_PROJECT_ID", project.clone()),
        ]);
        let refused = run_env(seed_stack(), &["plan"], &env);
        assert_eq!(refused.code, 1, "{url}");
        assert!(refused.err.contains("is not https"), "{}", refused.err);
        assert!(!refused.err.contains(&kit.api_key()), "{}", refused.err);
    }
    // The flag is held to the same rule, and is refused before any request.
    kit.clear_requests();
    let refused = kit.run(
        &project,
        seed_stack(),
        &["plan", "--console-url", "http://api.example.com"],
    );
    assert_eq!(refused.code, 1);
    assert!(refused.err.contains("is not https"), "{}", refused.err);
    assert!(kit.requests().is_empty());
}

#[test]
fn a_write_ory_acknowledges_but_does_not_keep_fails_naming_what_was_dropped() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    kit.inject(Fault::IgnoreWrite);
    let applied = kit.run(&project, seed_stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 1, "{}", applied.out);
    assert!(
        applied
            .err
            .contains("did not apply all of it: the revision is still"),
        "{}",
        applied.err
    );
    assert!(
        applied.err.contains(
            "POST https://api.example.com/webhooks/welcome in registration after password"
        ),
        "{}",
        applied.err
    );
}

#[test]
fn apply_without_a_terminal_needs_yes() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    let applied = kit.run(&project, seed_stack(), &["apply"]);
    assert_eq!(applied.code, 1);
    assert!(applied.err.contains("apply --yes"), "{}", applied.err);
    assert_eq!(kit.count("PATCH"), 0);
}

fn audit(body: &str, response_ignore: bool) -> Action {
    Action::builder(
        Flow::Settings,
        Timing::After,
        "https://hooks.example.com/audit",
    )
    .auth_method(ory_actions::AuthMethod::Password)
    .name("audit")
    .body(body.to_owned())
    .response_ignore(response_ignore)
    .build()
    .unwrap()
}

#[test]
fn updates_deletes_prune_and_warnings() {
    let kit = testkit(Options::default());
    let mut config = sample_config();
    let flows = &mut config["selfservice"]["flows"];
    flows["settings"]["after"]["password"]["hooks"] = json!([
        {"hook": "web_hook", "config": {"url": "https://hooks.example.com/audit", "method": "POST",
            "body": "base64://ZnVuY3Rpb24oY3R4KSB7IGlkOiBjdHguaWRlbnRpdHkuaWQgfQ=="}},
        {"hook": "revoke_active_sessions"}
    ]);
    flows["login"]["after"]["hooks"] = json!([
        {"hook": "web_hook", "config": {"url": "https://hooks.example.com/old", "method": "POST", "body": "base64://e30="}},
        {"hook": "web_hook", "config": {"url": "https://partner.example/keep", "method": "PUT", "body": "base64://e30="}}
    ]);
    let project = kit.add_project(config);
    let login_totp = action! {
        name: "login_totp",
        flow: login,
        timing: after,
        auth_method: totp,
        url: "https://hooks.example.com/totp",
        body: "{ step: 'totp' }",
    };
    let stack = || {
        Stack::new()
            .prune(Prune::UrlPrefix("https://hooks.example.com/".into()))
            .action(audit(
                "function(ctx) {\n  id: ctx.identity.id,\n  at: ctx.flow.issued_at,\n}",
                true,
            ))
            .action(login_totp.clone())
    };
    let plan = kit.run(&project, stack(), &["plan"]);
    assert_eq!(plan.code, 0, "{}", plan.err);
    insta::assert_snapshot!("update_delete_prune_plan_text", plan.out);
    let json = kit.run(&project, stack(), &["plan", "--json"]);
    insta::assert_snapshot!("update_delete_prune_plan_json", json.out);

    let applied = kit.run(&project, stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::SettingsAfterPassword)),
        ["https://hooks.example.com/audit", "revoke_active_sessions"]
    );
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginAfter)),
        ["https://partner.example/keep"]
    );
    let after = kit.run(&project, stack(), &["plan", "--detailed-exitcode"]);
    assert_eq!(after.code, 0, "{}", after.out);

    let destroyed = kit.run(&project, stack(), &["destroy", "--yes"]);
    assert_eq!(destroyed.code, 0, "{}{}", destroyed.out, destroyed.err);
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::SettingsAfterPassword)),
        ["revoke_active_sessions"]
    );
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginAfter)),
        ["https://partner.example/keep"]
    );
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginAfterTotp)),
        Vec::<String>::new()
    );
}

#[test]
fn projects_are_reconciled_each_with_its_own_actions() {
    let kit = testkit(Options::default());
    let first = kit.add_project(sample_config());
    let second = kit.add_project(sample_config());
    let other = Action::builder(
        Flow::Recovery,
        Timing::After,
        "https://hooks.example.com/recovered",
    )
    .body("{}")
    .project_id(ory_actions::ProjectId::Literal(second.clone().into()))
    .build()
    .unwrap();
    let stack = seed_stack().action(other);
    let applied = kit.run(&first, stack, &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    assert_eq!((kit.count("GET"), kit.count("PATCH")), (2, 2));
    assert_eq!(
        hook_names(&list(&kit, &second, Scope::RecoveryAfter)),
        ["https://hooks.example.com/recovered"]
    );
    assert_eq!(
        hook_names(&list(&kit, &second, Scope::LoginBefore)),
        Vec::<String>::new()
    );
    assert_eq!(
        hook_names(&list(&kit, &first, Scope::LoginBefore)),
        ["https://api.example.com/webhooks/validate"]
    );
}

#[test]
fn a_secret_never_appears_in_output_errors_or_plans() {
    let secret = "planted-9f2c7e-s3cret";
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ory-actions-e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("key");
    std::fs::write(&path, format!("{secret}\n")).unwrap();
    let stack = || {
        Stack::new().action(
            Action::builder(
                Flow::Login,
                Timing::Before,
                "https://hooks.example.com/guard",
            )
            .body("{}")
            .auth(ory_actions::Auth::api_key(
                "X-Key",
                ory_actions::Secret::file(&path),
                ory_actions::ApiKeyIn::Header,
            ))
            .secret_header("Authorization", ory_actions::Secret::file(&path))
            .build()
            .unwrap(),
        )
    };
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    let mut seen = String::new();
    for args in [
        &["plan"][..],
        &["plan", "--json"],
        &["plan", "--markdown"],
        &["apply", "--yes"],
        &["export"],
        &["plan"],
        &["render"],
        &["render", "--json"],
    ] {
        let run = kit.run(&project, stack(), args);
        assert_eq!(run.code, 0, "{args:?}: {}{}", run.out, run.err);
        seen.push_str(&run.out);
        seen.push_str(&run.err);
    }
    // The secret reached Ory, and only Ory.
    assert_eq!(
        list(&kit, &project, Scope::LoginBefore)[0]["config"]["auth"]["config"]["value"],
        secret
    );
    // A changed secret shows as changed, not as its value.
    std::fs::write(&path, "another-s3cret").unwrap();
    let changed = kit.run(&project, stack(), &["plan"]);
    assert!(
        changed.out.contains("auth.value: (sensitive) (changed)"),
        "{}",
        changed.out
    );
    seen.push_str(&changed.out);
    // An error from Ory that quotes what was sent does not repeat the secret either.
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        !seen.contains(secret) && !seen.contains("another-s3cret"),
        "{seen}"
    );
    assert!(seen.contains("(sensitive)"));
}

#[test]
fn a_plan_changed_by_someone_else_after_confirmation_is_not_written() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    // Between the confirmed plan's read and its write, someone adds a hook the prune policy
    // owns: writing the new plan would delete it, which nobody confirmed.
    kit.inject(Fault::ConcurrentEdit(Box::new(|config| {
        config["selfservice"]["flows"]["login"]["before"]["hooks"] = json!([
            {"hook": "web_hook", "config": {"url": "https://api.example.com/webhooks/new", "method": "POST", "body": "base64://e30="}}
        ]);
    })));
    let stack = seed_stack().prune(Prune::UrlPrefix("https://api.example.com/".into()));
    let applied = kit.run(&project, stack, &["apply", "--yes"]);
    assert_eq!(applied.code, 3, "{}{}", applied.out, applied.err);
    assert!(
        applied.err.contains("the plan is no longer the same"),
        "{}",
        applied.err
    );
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginBefore)),
        ["https://api.example.com/webhooks/new"]
    );
}

#[test]
fn a_stale_read_costs_one_more_round_and_loses_nothing() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    kit.edit(&project, |config| {
        config["selfservice"]["flows"]["recovery"]["before"]["hooks"] = json!([
            {"hook": "web_hook", "config": {"url": "https://someone.example/recovery", "method": "POST", "body": "base64://e30="}}
        ]);
    });
    kit.inject(Fault::StaleRead);
    let applied = kit.run(&project, seed_stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    assert_eq!((kit.count("GET"), kit.count("PATCH")), (2, 2));
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::RecoveryBefore)),
        ["https://someone.example/recovery"]
    );
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginBefore)),
        ["https://api.example.com/webhooks/validate"]
    );
}

#[test]
fn the_project_flag_wins_over_the_stack_and_the_environment() {
    let kit = testkit(Options::default());
    let flagged = kit.add_project(sample_config());
    let stack = seed_stack().project("00000000-0000-4000-8000-00000000dead");
    let plan = kit.run(
        "00000000-0000-4000-8000-00000000beef",
        stack,
        &["plan", "--project", &flagged],
    );
    assert_eq!(plan.code, 0, "{}{}", plan.out, plan.err);
    assert!(
        plan.out.contains(&format!("Project {flagged}")),
        "{}",
        plan.out
    );
}

#[test]
fn a_plan_with_a_failed_project_says_it_is_incomplete() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    let missing = Action::builder(Flow::Login, Timing::Before, "https://hooks.example.com/x")
        .body("{}")
        .project_id(ory_actions::ProjectId::Literal(
            "00000000-0000-4000-8000-000000000404".into(),
        ))
        .build()
        .unwrap();
    let plan = kit.run(&project, seed_stack().action(missing), &["plan"]);
    assert_eq!(plan.code, 1);
    assert!(
        plan.out.contains(
            "Plan incomplete: project 00000000-0000-4000-8000-000000000404 could not be planned"
        ),
        "{}",
        plan.out
    );
    assert!(!plan.out.contains("No changes"), "{}", plan.out);
    let json = kit.run(&project, seed_stack(), &["plan", "--json"]);
    let parsed: Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(parsed["complete"], true);
}

#[test]
fn target_limits_a_run_to_flows_or_named_actions() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    let login = kit.run(&project, seed_stack(), &["plan", "--target", "login"]);
    assert_eq!(login.code, 0, "{}", login.err);
    assert!(login.out.contains("Plan: 1 to create"), "{}", login.out);
    assert!(login.out.contains("validate_login"), "{}", login.out);
    assert!(!login.out.contains("welcome_email"), "{}", login.out);

    let applied = kit.run(
        &project,
        seed_stack(),
        &[
            "apply",
            "--yes",
            "--target",
            "welcome_email",
            "--target",
            "verification",
        ],
    );
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    assert!(applied.out.contains("2 created"), "{}", applied.out);
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginBefore)),
        Vec::<String>::new()
    );
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::RegistrationAfterPassword)),
        ["https://api.example.com/webhooks/welcome", "session"]
    );

    let unknown = kit.run(
        &project,
        seed_stack(),
        &["plan", "--target", "welcom_email"],
    );
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.err.contains("did you mean `welcome_email`?"),
        "{}",
        unknown.err
    );
}

#[test]
fn expect_no_changes_is_a_drift_check_with_its_own_exit_code() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    let drift = kit.run(&project, seed_stack(), &["plan", "--expect-no-changes"]);
    assert_eq!(drift.code, cli::EXIT_DRIFT, "{}", drift.err);
    assert!(drift.err.contains("4 to create"), "{}", drift.err);
    let refused = kit.run(
        &project,
        seed_stack(),
        &["apply", "--yes", "--expect-no-changes"],
    );
    assert_eq!(refused.code, cli::EXIT_DRIFT);
    assert_eq!(kit.count("PATCH"), 0);
    assert_eq!(kit.run(&project, seed_stack(), &["apply", "--yes"]).code, 0);
    let clean = kit.run(&project, seed_stack(), &["plan", "--expect-no-changes"]);
    assert_eq!(clean.code, 0, "{}", clean.err);
}

#[test]
fn markdown_plans_are_ready_for_a_pull_request_comment() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    let plan = kit.run(&project, seed_stack(), &["plan", "--markdown"]);
    assert_eq!(plan.code, 0, "{}", plan.err);
    insta::assert_snapshot!("seed_plan_markdown", plan.out);
}

#[test]
fn several_projects_report_progress_as_each_finishes() {
    let kit = testkit(Options::default());
    let first = kit.add_project(sample_config());
    let second = kit.add_project(sample_config());
    let other = Action::builder(Flow::Recovery, Timing::After, "https://hooks.example.com/r")
        .body("{}")
        .project_id(ory_actions::ProjectId::Literal(second.clone().into()))
        .build()
        .unwrap();
    let applied = kit.run(&first, seed_stack().action(other), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}", applied.err);
    for line in ["[1/2]", "[2/2]", ": planned", ": written"] {
        assert!(applied.err.contains(line), "{line}: {}", applied.err);
    }
}

#[test]
fn projects_outside_the_allowed_ones_stop_the_run_before_any_request() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    let other = "00000000-0000-4000-8000-00000000beef";
    let mut env = kit.env();
    env.insert("ORY_PROJECT_ID", project.clone());

    // The environment's list: the project comes from ORY_PROJECT_ID.
    env.insert("ORY_ACTIONS_ALLOWED_PROJECTS", other.to_owned());
    for args in [
        &["plan"][..],
        &["apply", "--yes"],
        &["explain"],
        &["export"],
    ] {
        let run = run_env(seed_stack(), args, &env);
        assert_eq!(run.code, 1, "{args:?}: {}{}", run.out, run.err);
        assert!(
            run.err.contains(&format!(
                "project {project} (from ORY_PROJECT_ID) is not allowed: \
                 ORY_ACTIONS_ALLOWED_PROJECTS names only {other}"
            )),
            "{args:?}: {}",
            run.err
        );
    }
    // The flag is more specific than the environment.
    let allowed = run_env(
        seed_stack(),
        &["plan", "--allowed-projects", &project],
        &env,
    );
    assert_eq!(allowed.code, 0, "{}", allowed.err);
    env.remove("ORY_ACTIONS_ALLOWED_PROJECTS");
    kit.clear_requests();

    // The stack's list, and an action that names another project.
    let stray = Action::builder(Flow::Login, Timing::Before, "https://h.example/stray")
        .project_id(ory_actions::ProjectId::Literal(other.into()))
        .body("{}")
        .name("stray")
        .build()
        .unwrap();
    let guarded = seed_stack()
        .allowed_projects([project.clone()])
        .action(stray);
    let refused = run_env(guarded, &["apply", "--yes"], &env);
    assert_eq!(refused.code, 1, "{}{}", refused.out, refused.err);
    assert!(
        refused
            .err
            .contains(&format!("project {other} (the project_id of stray"))
            && refused.err.contains("Stack::allowed_projects names only"),
        "{}",
        refused.err
    );
    // An import ID is held to the same lists.
    let id = format!("{other}:login:before:https://h.example/stray");
    let import = run_env(
        seed_stack().allowed_projects([project.clone()]),
        &["import", &id],
        &env,
    );
    assert_eq!(import.code, 1, "{}", import.err);
    assert!(
        import.err.contains(&format!(
            "project {other} (from the import ID) is not allowed"
        )),
        "{}",
        import.err
    );
    assert!(kit.requests().is_empty(), "no request was made");
}
