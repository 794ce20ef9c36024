//! Reliability under the conditions real teams meet: each fault the testkit can inject, hostile
//! remote data, and many writers on one project. Every test asserts the final remote document.

use std::time::{Duration, Instant};

use ory_actions::testkit::{Fault, On, Options};
use ory_actions::{Action, AuthMethod, Flow, Scope, Stack, Timing};
use serde_json::{Value, json};

mod common;

use common::{hook_names, list, sample_config, seed_stack, testkit};

/// The seed stack's hooks, each exactly once, `session` still last.
fn assert_converged(kit: &ory_actions::testkit::TestKit, project: &str) {
    assert_eq!(
        hook_names(&list(kit, project, Scope::LoginBefore)),
        ["https://api.example.com/webhooks/validate"]
    );
    assert_eq!(
        hook_names(&list(kit, project, Scope::RegistrationAfterPassword)),
        ["https://api.example.com/webhooks/welcome", "session"]
    );
    assert_eq!(
        hook_names(&list(kit, project, Scope::SettingsAfterPassword)),
        ["https://api.example.com/webhooks/audit"]
    );
    assert_eq!(
        hook_names(&list(kit, project, Scope::VerificationAfter)),
        ["https://api.example.com/webhooks/user-verified"]
    );
}

fn statuses(kit: &ory_actions::testkit::TestKit, method: &str) -> Vec<u16> {
    kit.requests()
        .iter()
        .filter(|r| r.method == method && r.path.starts_with("/projects/"))
        .map(|r| r.status)
        .collect()
}

#[test]
fn rate_limits_are_waited_out_as_ory_asks() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    kit.inject(Fault::Status {
        on: On::Read,
        status: 429,
        retry_after: Some(1),
    });
    kit.inject(Fault::Status {
        on: On::Write,
        status: 429,
        retry_after: Some(1),
    });
    let started = Instant::now();
    let applied = kit.run(&project, seed_stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "both Retry-Afters were honoured"
    );
    // A write refused for the rate limit was not carried out: it goes again as it was, with
    // no read in between, so that the project costs three requests, not four.
    assert_eq!(statuses(&kit, "GET"), [429, 200]);
    assert_eq!(statuses(&kit, "PATCH"), [429, 200]);
    assert_converged(&kit, &project);
}

#[test]
fn a_failed_write_is_read_again_before_it_is_written_again() {
    for fault in [
        Fault::Status {
            on: On::Write,
            status: 503,
            retry_after: None,
        },
        Fault::DropConnection { on: On::Write },
    ] {
        let kit = testkit(Options::default());
        let project = kit.add_project(sample_config());
        kit.inject(fault);
        let applied = kit.run(&project, seed_stack(), &["apply", "--yes"]);
        assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
        let patches = statuses(&kit, "PATCH");
        assert_eq!(patches.len(), 2, "{patches:?}");
        assert_eq!(patches[1], 200);
        assert_eq!(
            statuses(&kit, "GET"),
            [200, 200],
            "a read between the writes"
        );
        assert_converged(&kit, &project);
    }
}

#[test]
fn a_write_that_landed_unseen_is_not_written_twice() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    kit.inject(Fault::DropAfterWrite);
    let applied = kit.run(&project, seed_stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    assert_eq!(
        statuses(&kit, "PATCH"),
        [0],
        "one write, whose answer was lost"
    );
    assert_eq!(statuses(&kit, "GET"), [200, 200]);
    assert_converged(&kit, &project);
}

#[test]
fn a_slow_ory_times_out_and_the_run_still_converges_once() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    kit.inject(Fault::Latency {
        on: On::Write,
        delay: Duration::from_millis(2500),
    });
    let applied = kit.run(
        &project,
        seed_stack(),
        &["apply", "--yes", "--request-timeout", "1"],
    );
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    // Whether the slow write landed or not, each hook is there once.
    assert_converged(&kit, &project);
}

#[test]
fn failures_that_never_end_stop_at_the_deadline_saying_what_was_tried() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    for _ in 0..50 {
        kit.inject(Fault::Status {
            on: On::Read,
            status: 502,
            retry_after: None,
        });
    }
    let started = Instant::now();
    let failed = kit.run(
        &project,
        seed_stack(),
        &["apply", "--yes", "--deadline", "2"],
    );
    assert_eq!(failed.code, 1);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        failed.err.contains("gave up trying to read project") && failed.err.contains("(502, 502"),
        "{}",
        failed.err
    );
    assert_eq!(statuses(&kit, "PATCH"), Vec::<u16>::new());
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::LoginBefore)),
        Vec::<String>::new()
    );
}

/// Breaks a project, or the way it is answered.
type Breaker = Box<dyn Fn(&ory_actions::testkit::TestKit, &str)>;

#[test]
fn hostile_remote_data_is_a_clear_error_and_nothing_is_written() {
    let cases: Vec<(&str, Breaker, &str)> = vec![
        (
            "not JSON",
            Box::new(|kit, _| {
                kit.inject(Fault::RawAnswer {
                    on: On::Read,
                    status: 200,
                    body: b"{\"id\": \"p\", \"services\": {".to_vec(),
                })
            }),
            "the answer is not JSON",
        ),
        (
            "huge",
            Box::new(|kit, _| {
                kit.inject(Fault::RawAnswer {
                    on: On::Read,
                    status: 200,
                    body: vec![b' '; 17 * 1024 * 1024],
                })
            }),
            "larger than 16 MiB",
        ),
        (
            "a list that is not an array",
            Box::new(|kit, project| {
                kit.edit(project, |config| {
                    config["selfservice"]["flows"]["login"]["before"]["hooks"] =
                        json!({"hook": "web_hook"});
                })
            }),
            "a hook list must be an array, found an object",
        ),
        (
            "null where an object was expected",
            Box::new(|kit, project| {
                kit.edit(project, |config| {
                    config["selfservice"]["flows"]["registration"] = Value::Null;
                })
            }),
            "expected an object, found null",
        ),
    ];
    for (what, break_it, expected) in cases {
        let kit = testkit(Options::default());
        let project = kit.add_project(sample_config());
        break_it(&kit, &project);
        let before = kit.project(&project).unwrap();
        let failed = kit.run(&project, seed_stack(), &["apply", "--yes"]);
        assert_eq!(failed.code, 1, "{what}: {}", failed.out);
        assert!(failed.err.contains(expected), "{what}: {}", failed.err);
        assert_eq!(statuses(&kit, "PATCH"), Vec::<u16>::new(), "{what}");
        assert_eq!(kit.project(&project).unwrap(), before, "{what}");
    }
}

#[test]
fn hook_kinds_this_version_does_not_know_are_kept_in_place() {
    // No schema here: the Kratos schema would refuse a kind it does not know, which is Ory's
    // call; the planner's part is to keep the entry as it is.
    let kit = ory_actions::testkit::TestKit::start(Options::default()).unwrap();
    let mut config = sample_config();
    config["selfservice"]["flows"]["registration"]["after"]["password"]["hooks"] = json!([
        {"hook": "from_the_future", "config": {"anything": [1, 2, {"x": null}]}},
        {"hook": "session"}
    ]);
    let project = kit.add_project(config);
    let applied = kit.run(&project, seed_stack(), &["apply", "--yes"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    let after = list(&kit, &project, Scope::RegistrationAfterPassword);
    assert_eq!(
        after[0],
        json!({"hook": "from_the_future", "config": {"anything": [1, 2, {"x": null}]}})
    );
    assert_eq!(
        after[1]["config"]["url"],
        "https://api.example.com/webhooks/welcome"
    );
    assert_eq!(after[2], json!({"hook": "session"}));
}

/// A stack of its own for writer `n`: a hook in lists every writer shares.
fn writer_stack(n: usize) -> Stack {
    let url = |what: &str| format!("https://writer{n}.example.com/{what}");
    Stack::new()
        .action(
            Action::builder(Flow::Registration, Timing::After, url("welcome"))
                .auth_method(AuthMethod::Password)
                .body(format!("{{ writer: {n} }}"))
                .build()
                .unwrap(),
        )
        .action(
            Action::builder(Flow::Login, Timing::Before, url("guard"))
                .body("{}")
                .build()
                .unwrap(),
        )
}

#[test]
fn eight_writers_and_someone_in_the_console_lose_nothing() {
    const WRITERS: usize = 8;
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|n| {
                let (kit, project) = (&kit, &project);
                scope.spawn(move || kit.run(project, writer_stack(n), &["apply", "--yes"]))
            })
            .collect();
        // Meanwhile, someone edits the project by hand, three times.
        for edit in 0..3 {
            std::thread::sleep(Duration::from_millis(15));
            kit.edit(&project, move |config| {
                let list = config["selfservice"]["flows"]["recovery"]["after"]["hooks"]
                    .as_array_mut()
                    .expect("the sample has this list");
                list.push(json!({"hook": "web_hook", "config": {
                    "url": format!("https://console.example.com/{edit}"), "method": "POST", "body": "base64://e30="
                }}));
            });
        }
        for writer in writers {
            let result = writer.join().unwrap();
            assert_eq!(result.code, 0, "{}{}", result.out, result.err);
        }
    });
    let welcome = hook_names(&list(&kit, &project, Scope::RegistrationAfterPassword));
    assert_eq!(welcome.len(), WRITERS + 1, "{welcome:?}");
    assert_eq!(welcome.last().map(String::as_str), Some("session"));
    let guards = hook_names(&list(&kit, &project, Scope::LoginBefore));
    for n in 0..WRITERS {
        assert!(welcome.contains(&format!("https://writer{n}.example.com/welcome")));
        assert!(guards.contains(&format!("https://writer{n}.example.com/guard")));
    }
    assert_eq!(guards.len(), WRITERS);
    assert_eq!(
        hook_names(&list(&kit, &project, Scope::RecoveryAfter)),
        [
            "https://console.example.com/0",
            "https://console.example.com/1",
            "https://console.example.com/2"
        ]
    );
    // Nothing else changed: the other lists are as the sample had them.
    for scope in [
        Scope::RegistrationAfterOidc,
        Scope::RegistrationAfterWebauthn,
    ] {
        assert_eq!(hook_names(&list(&kit, &project, scope)), ["session"]);
    }
}

#[test]
fn verbose_runs_show_each_request_and_why_it_was_retried_and_never_a_secret() {
    let kit = testkit(Options::default());
    let project = kit.add_project(sample_config());
    kit.inject(Fault::Status {
        on: On::Read,
        status: 429,
        retry_after: Some(1),
    });
    let applied = kit.run(&project, seed_stack(), &["apply", "--yes", "-v"]);
    assert_eq!(applied.code, 0, "{}{}", applied.out, applied.err);
    let lines: Vec<&str> = applied
        .err
        .lines()
        .filter(|l| l.starts_with("verbose: "))
        .collect();
    let read = format!("GET /projects/{project} → ");
    assert!(
        lines[0].starts_with(&format!("verbose: {read}429 in ")),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("verbose: read of project ")
            && lines[1].contains("failed (429")
            && lines[1].contains("trying again in "),
        "{lines:?}"
    );
    assert!(
        lines[2].starts_with(&format!("verbose: {read}200 in ")),
        "{lines:?}"
    );
    assert!(
        lines[3].starts_with(&format!("verbose: PATCH /projects/{project}/revision/"))
            && lines[3].contains(" → 200 in "),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(!applied.err.contains(&kit.api_key()));
    // Without -v, nothing of the sort.
    let quiet = kit.run(&project, seed_stack(), &["plan"]);
    assert!(!quiet.err.contains("verbose:"), "{}", quiet.err);
}
