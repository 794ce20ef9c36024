use std::time::Duration;

use ory_actions_core::{ApiKeyIn, AuthMethod, Flow, Scope, Timing};
use serde_json::json;

use super::*;
use crate::action::{Auth, Secret};

fn request(parse: bool, interrupt: bool, ignore: bool) -> Request {
    Request {
        method: "POST".into(),
        url: HookUrl::new("http://127.0.0.1:1/x"),
        headers: Vec::new(),
        body: None,
        ignore,
        parse,
        interrupt,
        phase: Phase::PrePersist,
        flow: Flow::Registration,
    }
}

fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        body: body.as_bytes().to_vec(),
        cut: false,
        took: Duration::ZERO,
        attempts: 1,
    }
}

#[test]
fn replies_are_read_as_kratos_reads_them() {
    let plain = request(false, false, false);
    assert!(judge(&plain, &reply(204, ""), None).ok);
    assert!(!judge(&plain, &reply(400, "{}"), None).ok);
    let parse = request(true, false, false);
    assert!(judge(&parse, &reply(204, ""), None).ok);
    assert!(!judge(&parse, &reply(200, "not json"), None).ok);
    let before = json!({"traits": {"email": "a@example.com"}, "state": "active"});
    let changed = judge(
        &parse,
        &reply(
            200,
            r#"{"identity": {"traits": {"email": "b@example.com"}, "state": "active"}}"#,
        ),
        Some(&before),
    );
    assert!(changed.ok);
    assert!(
        changed.says.contains("replaces `traits`"),
        "{}",
        changed.says
    );
    assert!(!changed.says.contains("`state`"), "{}", changed.says);
    let refused = judge(
        &parse,
        &reply(200, r#"{"identity": {"traits": "x"}}"#),
        None,
    );
    assert!(!refused.ok && refused.says.contains("`identity.traits` must be an object"));
    let interrupt = request(false, true, false);
    let stops = judge(
        &interrupt,
        &reply(
            400,
            r##"{"messages":[{"instance_ptr":"#/traits/email","messages":[{"id":4000001,"text":"Not on the list","type":"error","context":{}}]}]}"##,
        ),
        None,
    );
    assert!(stops.ok);
    assert!(
        stops.says.contains("traits/email: Not on the list (error)"),
        "{}",
        stops.says
    );
    // Any type but `error` is information, as Kratos reads it.
    let informs = judge(
        &interrupt,
        &reply(
            400,
            r##"{"messages":[{"instance_ptr":"#/traits/email","messages":[{"id":1,"text":"Welcome","type":"success"},{"id":2,"text":"Hi"}]}]}"##,
        ),
        None,
    );
    assert!(
        informs.ok
            && informs
                .says
                .contains("Welcome (info); traits/email: Hi (info)"),
        "{}",
        informs.says
    );
    let empty = judge(&interrupt, &reply(400, r#"{"messages": []}"#), None);
    assert!(
        !empty.ok && empty.says.contains("an empty `messages` list"),
        "{}",
        empty.says
    );
    let wrong = judge(&interrupt, &reply(403, r#"{"error": "no"}"#), None);
    assert!(
        !wrong.ok && wrong.says.contains("no `messages` list"),
        "{}",
        wrong.says
    );
    assert!(!judge(&interrupt, &reply(429, ""), None).ok);
    // `identity: null` and a JSON `null` change nothing; JSON that is not an object fails.
    assert!(judge(&parse, &reply(200, r#"{"identity": null}"#), None).ok);
    assert!(judge(&parse, &reply(200, "null"), None).ok);
    assert!(!judge(&parse, &reply(200, "[1]"), None).ok);
    // A before hook has no identity; login does not save changes.
    let mut before_hook = request(true, false, false);
    before_hook.phase = Phase::Before;
    let with_identity = reply(
        200,
        r#"{"identity": {"traits": {"email": "b@example.com"}}}"#,
    );
    assert!(!judge(&before_hook, &with_identity, None).ok);
    let mut login = request(true, false, false);
    login.phase = Phase::PostPersist;
    login.flow = Flow::Login;
    let unsaved = judge(&login, &with_identity, Some(&before));
    assert!(
        unsaved.ok && unsaved.says.contains("does not save"),
        "{}",
        unsaved.says
    );
    // 501 is not retried, so Kratos reads its messages.
    let messages = r##"{"messages":[{"instance_ptr":"#/traits/email","messages":[{"id":1,"text":"No","type":"error"}]}]}"##;
    assert!(judge(&interrupt, &reply(501, messages), None).ok);
    assert!(!judge(&interrupt, &reply(503, messages), None).ok);
    // A reply cut at 5 MiB is not the whole JSON.
    let cut = Reply {
        cut: true,
        ..reply(200, "{\"identity\": {")
    };
    assert!(!judge(&parse, &cut, None).ok);
    assert!(judge(&plain, &cut, None).ok);
    // Kratos does not wait for an asynchronous hook: whatever it answers is fine.
    assert!(judge(&request(false, false, true), &reply(500, ""), None).ok);
}

#[test]
fn requests_carry_auth_content_type_and_the_evaluated_body() {
    let action = Action::builder(
        Flow::Registration,
        Timing::After,
        "http://127.0.0.1:9/welcome",
    )
    .auth_method(AuthMethod::Password)
    .body("function(ctx) { email: ctx.identity.traits.email }")
    .auth(Auth::api_key(
        "X-Api-Key",
        Secret::value("s3cret-key"),
        ApiKeyIn::Header,
    ))
    .build()
    .unwrap();
    let Ok(made) = super::request(&action, Scope::RegistrationAfterPassword, &Samples::new())
    else {
        panic!("a request");
    };
    assert_eq!(made.method, "POST");
    assert_eq!(
        made.body.as_deref(),
        Some(br#"{"email":"jane.doe@example.com"}"#.as_slice())
    );
    assert!(
        made.headers
            .contains(&("Content-Type".into(), "application/json".into(), false))
    );
    assert!(
        made.headers
            .contains(&("X-Api-Key".into(), "s3cret-key".into(), true))
    );
    let shown = made.shown();
    assert!(!shown.contains("s3cret-key"), "{shown}");
    assert!(shown.contains("X-Api-Key: (sensitive)"), "{shown}");
    let cancel = Action::builder(Flow::Login, Timing::Before, "http://127.0.0.1:9/x")
        .body("error 'cancel'")
        .build()
        .unwrap();
    assert!(matches!(
        super::request(&cancel, Scope::LoginBefore, &Samples::new()),
        Err(NotSent::Cancelled)
    ));
    // No body, or a Content-Type Kratos does not send bodies as: every call fails.
    let bodiless = Action::builder(Flow::Login, Timing::Before, "http://127.0.0.1:9/x")
        .build()
        .unwrap();
    assert!(matches!(
        super::request(&bodiless, Scope::LoginBefore, &Samples::new()),
        Err(NotSent::Failed(why)) if why.contains("no body")
    ));
    // A `Content-Type` Kratos refuses cannot even be declared.
    assert!(
        Action::builder(Flow::Login, Timing::Before, "http://127.0.0.1:9/x")
            .body("{}")
            .header("Content-Type", "application/json; charset=utf-8")
            .build()
            .is_err()
    );
}

#[test]
fn form_bodies_are_encoded_as_go_encodes_them() {
    assert_eq!(
        form(&[("b".into(), "x y".into()), ("a".into(), "1&2".into())]),
        "a=1%262&b=x+y"
    );
}
