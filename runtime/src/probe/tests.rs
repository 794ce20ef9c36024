use std::time::Duration;

use ory_actions_core::{ApiKeyIn, Flow, Method, Scope, Timing};
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
    }
}

fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        body: body.as_bytes().to_vec(),
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
    let wrong = judge(&interrupt, &reply(403, r#"{"error": "no"}"#), None);
    assert!(
        !wrong.ok && wrong.says.contains("no `messages` list"),
        "{}",
        wrong.says
    );
    assert!(!judge(&interrupt, &reply(429, ""), None).ok);
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
    .auth_method(Method::Password)
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
}

#[test]
fn form_bodies_are_encoded_as_go_encodes_them() {
    assert_eq!(
        form(&[("b".into(), "x y".into()), ("a".into(), "1&2".into())]),
        "a=1%262&b=x+y"
    );
}
