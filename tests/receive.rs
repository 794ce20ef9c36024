//! Both ends of a hook checked together: services made with `receive::route` (or by hand)
//! probed in process with `Stack::probe_service`, which catches each mistake a service makes
//! that Kratos would trip on; and the same verdicts as `probe` gives over a socket.

use std::collections::BTreeMap;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use ory_actions::receive::{self, Hook};
use ory_actions::reply::{Identity, Message, Reply};
use ory_actions::{Action, Secret, Stack, action};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct SignUp {
    email: String,
}

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(future)
}

/// The names of the actions whose hooks failed (`failed()` names each hook as its action shows).
fn failed(report: &receive::ProbeReport) -> Vec<&str> {
    report
        .failed()
        .iter()
        .map(|who| who.split(' ').next().unwrap_or_default())
        .collect()
}

fn welcome(base: &str) -> Action {
    action! {
        flow: registration, timing: after, auth_method: password,
        url: format!("{base}/welcome"),
        name: "welcome",
        body: "function(ctx) { email: ctx.identity.traits.email }",
        auth: api_key { name: "X-Api-Key", value: Secret::value("k3y"), in: header },
    }
}

fn screen(base: &str) -> Action {
    action! {
        flow: registration, timing: after, auth_method: [password, oidc],
        url: format!("{base}/screen"),
        name: "screen",
        body: "function(ctx) { email: ctx.identity.traits.email }",
        can_interrupt: true,
    }
}

fn enrich(base: &str) -> Action {
    action! {
        flow: registration, timing: after, auth_method: password,
        url: format!("{base}/enrich"),
        name: "enrich",
        body: "function(ctx) { email: ctx.identity.traits.email }",
        response_parse: true,
    }
}

/// A service that answers the three hooks as Kratos needs.
fn service(welcome: &Action, screen: &Action, enrich: &Action) -> Router {
    receive::route(welcome, |_: Hook<SignUp>| async { Reply::ok() })
        .merge(receive::route(screen, |hook: Hook<SignUp>| async move {
            if hook.email.ends_with("@example.com") {
                Reply::interrupt([
                    Message::error(4000001, "Use your work address.").at("#/traits/email")
                ])
            } else {
                Reply::ok()
            }
        }))
        .merge(receive::route(enrich, |_: Hook<SignUp>| async {
            Reply::identity(Identity::new().metadata_public(json!({"plan": "free"})))
        }))
}

#[test]
fn a_service_that_answers_as_kratos_needs_passes() {
    let base = "https://hooks.example.com";
    let (welcome, screen, enrich) = (welcome(base), screen(base), enrich(base));
    let app = service(&welcome, &screen, &enrich);
    let stack = Stack::new().actions([welcome, screen, enrich]);
    let report = run(stack.probe_service(app));
    assert!(report.failed().is_empty(), "{report}");
    let shown = report.to_string();
    // One line a hook and list; the sample's address is at example.com, so the screen stops it.
    assert_eq!(report.lines().len(), 4, "{shown}");
    assert!(
        shown.contains("ok   welcome (registration after password"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "400: the flow stops and the user sees: traits/email: Use your work address. (error)"
        ),
        "{shown}"
    );
    assert!(shown.contains("replaces `metadata_public`"), "{shown}");
    assert!(
        shown.ends_with("4 hook(s) answered as Kratos needs."),
        "{shown}"
    );
    assert!(!shown.contains("k3y"), "{shown}");
}

#[test]
fn each_mistake_of_a_service_is_caught() {
    let base = "https://hooks.example.com";
    // A handler whose type does not fit the payload the body makes.
    #[derive(Deserialize)]
    struct Wrong {
        #[allow(dead_code)]
        user_id: u64,
    }
    let welcome_hook = welcome(base);
    let wrong_type = receive::route(&welcome_hook, |_: Hook<Wrong>| async { Reply::ok() });
    let report = run(Stack::new()
        .action(welcome_hook.clone())
        .probe_service(wrong_type));
    assert_eq!(report.failed().len(), 1, "{report}");
    assert!(
        report.lines()[0].contains("400: Kratos fails the flow"),
        "{report}"
    );

    // A route made by hand that forgot the auth.
    let open = Router::new().route("/welcome", post(|| async { StatusCode::NO_CONTENT }));
    let report = run(Stack::new().action(welcome_hook).probe_service(open));
    assert_eq!(failed(&report), ["welcome"], "{report}");
    assert!(
        report
            .to_string()
            .contains("answers 204 to a call without the hook's credentials"),
        "{report}"
    );

    // An interrupt in the wrong shape.
    let screen_hook = action! {
        flow: login, timing: before, url: format!("{base}/screen"), name: "screen",
        body: "function(ctx) { flow: ctx.flow.id }", can_interrupt: true,
    };
    let shapeless = Router::new().route(
        "/screen",
        post(|| async { (StatusCode::FORBIDDEN, r#"{"error": "not invited"}"#) }),
    );
    let report = run(Stack::new().action(screen_hook).probe_service(shapeless));
    assert_eq!(failed(&report), ["screen"], "{report}");
    assert!(
        report
            .to_string()
            .contains("without messages Kratos can read"),
        "{report}"
    );

    // An identity reply where Kratos ignores it: login saves nothing, and a hook without
    // `response.parse` is not read.
    let login_enrich = action! {
        flow: login, timing: after, auth_method: password, url: format!("{base}/enrich"),
        name: "login-enrich", body: "function(ctx) { id: ctx.identity.id }", response_parse: true,
    };
    let unread = action! {
        flow: registration, timing: after, auth_method: password, url: format!("{base}/unread"),
        name: "unread", body: "function(ctx) { id: ctx.identity.id }",
    };
    let identity =
        || async { Reply::identity(Identity::new().metadata_public(json!({"seen": true}))) };
    let app = receive::route(&login_enrich, move |_: Hook<serde_json::Value>| identity()).merge(
        receive::route(&unread, move |_: Hook<serde_json::Value>| identity()),
    );
    let report = run(Stack::new()
        .actions([login_enrich, unread])
        .probe_service(app));
    assert_eq!(failed(&report), ["login-enrich", "unread"], "{report}");
    let shown = report.to_string();
    assert!(
        shown.contains("Kratos does not save changes made in this list"),
        "{shown}"
    );
    assert!(
        shown.contains("this hook has no `response.parse`"),
        "{shown}"
    );

    // A service with no route for a hook, and a secret the probe cannot read.
    let missing = action! {
        flow: login, timing: before, url: format!("{base}/nowhere"), name: "nowhere",
        body: "{}", auth: api_key { name: "X-Key", value: env("ORY_ACTIONS_TEST_UNSET_PROBE_KEY"), in: header },
    };
    let report = run(Stack::new().action(missing).probe_service(Router::new()));
    assert_eq!(failed(&report), ["nowhere"], "{report}");
    assert!(
        report
            .to_string()
            .contains("ORY_ACTIONS_TEST_UNSET_PROBE_KEY"),
        "{report}"
    );
}

/// `probe` over a socket and `Stack::probe_service` in process judge the same replies alike.
#[test]
fn probe_and_the_in_process_probe_give_the_same_verdicts() {
    // The service, on loopback, for `probe`.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (welcome, screen, enrich) = (welcome(&base), screen(&base), enrich(&base));
    // A fourth hook answers in a shape Kratos cannot read.
    let shapeless = action! {
        flow: login, timing: before, url: format!("{base}/shapeless"), name: "shapeless",
        body: "function(ctx) { flow: ctx.flow.id }", can_interrupt: true,
    };
    let app = service(&welcome, &screen, &enrich).route(
        "/shapeless",
        post(|| async { (StatusCode::FORBIDDEN, r#"{"error": "no"}"#) }),
    );
    let served = app.clone();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        run(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, served).await.unwrap();
        });
    });
    let stack = Stack::new().actions([welcome, screen, enrich, shapeless]);
    let config = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("receive-probe");
    std::fs::create_dir_all(&config).unwrap();
    let config = config.join("kratos.yaml");
    std::fs::write(&config, "selfservice:\n  flows: {}\n").unwrap();
    let over_socket = ory_actions::testkit::run_env(
        stack.clone(),
        &["probe", "--config", config.to_str().unwrap()],
        &BTreeMap::new(),
    );
    assert_eq!(
        over_socket.code, 1,
        "{}\n{}",
        over_socket.out, over_socket.err
    );
    // `probe`'s lines, without the time each call took.
    let socket_lines: Vec<String> = over_socket
        .out
        .lines()
        .filter(|line| line.starts_with("ok ") || line.starts_with("FAIL"))
        .map(|line| {
            line.rsplit_once(" (")
                .map_or(line, |(kept, _)| kept)
                .to_owned()
        })
        .collect();
    let report = run(stack.probe_service(app));
    let in_process: Vec<&String> = report.lines().iter().collect();
    assert_eq!(
        socket_lines.len(),
        in_process.len(),
        "{}\n{report}",
        over_socket.out
    );
    for (socket, local) in socket_lines.iter().zip(in_process) {
        assert_eq!(socket, local);
    }
    assert_eq!(failed(&report), ["shapeless"], "{report}");
}
