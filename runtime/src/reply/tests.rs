use ory_actions_core::{AuthMethod, Flow, Scope, Timing};
use serde_json::json;

use super::*;
use crate::action::Action;

fn request(parse: bool, interrupt: bool, ignore: bool) -> Reading {
    Reading {
        ignore,
        parse,
        interrupt,
        phase: Phase::PrePersist,
        flow: Flow::Registration,
    }
}

/// A reply as read: status, body and whether it was cut.
struct Raw {
    status: u16,
    body: Vec<u8>,
    cut: bool,
}

fn reply(status: u16, body: &str) -> Raw {
    Raw {
        status,
        body: body.as_bytes().to_vec(),
        cut: false,
    }
}

fn judge(reading: &Reading, raw: &Raw, identity: Option<&Value>) -> Verdict {
    hear(reading, raw.status, &raw.body, raw.cut, identity)
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
    // The identity is dropped: not what a service that answers one means.
    assert!(
        !unsaved.ok && unsaved.says.contains("does not save"),
        "{}",
        unsaved.says
    );
    // 501 is not retried, so Kratos reads its messages.
    let messages = r##"{"messages":[{"instance_ptr":"#/traits/email","messages":[{"id":1,"text":"No","type":"error"}]}]}"##;
    assert!(judge(&interrupt, &reply(501, messages), None).ok);
    assert!(!judge(&interrupt, &reply(503, messages), None).ok);
    // A reply cut at 5 MiB is not the whole JSON.
    let cut = Raw {
        cut: true,
        ..reply(200, "{\"identity\": {")
    };
    assert!(!judge(&parse, &cut, None).ok);
    assert!(judge(&plain, &cut, None).ok);
    // Kratos does not wait for an asynchronous hook: whatever it answers is fine.
    assert!(judge(&request(false, false, true), &reply(500, ""), None).ok);
}

#[test]
fn replies_are_written_as_kratos_parses_them() {
    // `web_hook_integration_test.go`'s reply, made with the types.
    let reply = Reply::interrupt([Message::info(1234, "error message").at("#/traits/username")]);
    assert_eq!(reply.status(), 400);
    assert_eq!(
        reply.to_json(),
        Some(
            json!({"messages": [{"instance_ptr": "#/traits/username", "messages": [
                {"id": 1234, "text": "error message", "type": "info"}
            ]}]})
        )
    );
    // Messages are grouped by where they are shown, in the order they first appear; a context
    // goes with its message; a message for the whole form is at `#`.
    let reply = Reply::interrupt([
        Message::error(4000001, "Taken").at("#/traits/email"),
        Message::error(4000002, "Try later").context(json!({"retry_after": 30})),
        Message::info(1, "Use your work address").at("#/traits/email"),
    ]);
    assert_eq!(
        reply.to_json(),
        Some(json!({"messages": [
            {"instance_ptr": "#/traits/email", "messages": [
                {"id": 4000001, "text": "Taken", "type": "error"},
                {"id": 1, "text": "Use your work address", "type": "info"},
            ]},
            {"instance_ptr": "#", "messages": [
                {"id": 4000002, "text": "Try later", "type": "error", "context": {"retry_after": 30}},
            ]},
        ]}))
    );
    // The identity cases of Kratos's tests (`update identity fields`).
    let cases = [
        (Identity::new(), json!({"identity": {}})),
        (
            Identity::new().traits(json!({"email": "some@other-example.org"})),
            json!({"identity": {"traits": {"email": "some@other-example.org"}}}),
        ),
        (
            Identity::new().state(State::Inactive),
            json!({"identity": {"state": "inactive"}}),
        ),
        (
            Identity::new().metadata_public(json!({"useful": "metadata"})),
            json!({"identity": {"metadata_public": {"useful": "metadata"}}}),
        ),
        (
            Identity::new().metadata_admin(json!({"useful": "admin metadata"})),
            json!({"identity": {"metadata_admin": {"useful": "admin metadata"}}}),
        ),
        (
            Identity::new()
                .traits(json!({"email": "some@other-example.org"}))
                .verifiable_addresses(json!([{"value": "some@other-example.org", "via": "email"}])),
            json!({"identity": {"traits": {"email": "some@other-example.org"},
                "verifiable_addresses": [{"value": "some@other-example.org", "via": "email"}]}}),
        ),
        (
            Identity::new()
                .recovery_addresses(json!([{"value": "some@other-example.org", "via": "email"}])),
            json!({"identity": {
                "recovery_addresses": [{"value": "some@other-example.org", "via": "email"}]}}),
        ),
        (
            Identity::new().external_id("updated-external-id"),
            json!({"identity": {"external_id": "updated-external-id"}}),
        ),
        (
            Identity::new().external_id(""),
            json!({"identity": {"external_id": ""}}),
        ),
        (
            Identity::new().schema_id("customer"),
            json!({"identity": {"schema_id": "customer"}}),
        ),
    ];
    for (identity, expected) in cases {
        let reply = Reply::identity(identity);
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.to_json(), Some(expected.clone()));
        assert_eq!(
            serde_json::from_str::<Value>(&reply.body().unwrap()).unwrap(),
            expected
        );
    }
    assert_eq!((Reply::ok().status(), Reply::ok().body()), (204, None));
}

#[test]
fn error_replies_are_decoded_as_go_decodes_them() {
    let interrupt = request(false, true, false);
    let heard = |body: &str| judge(&interrupt, &reply(400, body), None);
    // Keys in any case; unknown keys, a missing `text` or `type`, `null` groups and messages
    // let through; the first JSON value only (Kratos's decoder stops there).
    let loose = heard(
        r##"{"Messages": [null, {"Instance_Ptr": "#/traits/email", "MESSAGES": [null, {"ID": 7, "extra": 1}]}], "x": 2} trailing"##,
    );
    assert!(loose.ok, "{loose}");
    assert!(loose.says.contains("traits/email:  (info)"), "{loose}");
    let flow_wide = heard(
        r##"{"messages": [{"instance_ptr": "#", "messages": [{"id": 1, "text": "Closed", "type": "error"}]}]}"##,
    );
    assert!(
        flow_wide.says.contains("the form: Closed (error)"),
        "{flow_wide}"
    );
    // A value of the wrong type fails the decoding: a generic error.
    for (body, why) in [
        (
            r#"{"messages": [{"messages": [{"id": 1.5}]}]}"#,
            "`id` is not a whole number",
        ),
        (
            r#"{"messages": [{"messages": [{"text": 1}]}]}"#,
            "`text` is not a string",
        ),
        (
            r#"{"messages": [{"instance_ptr": 1}]}"#,
            "`instance_ptr` that is not a string",
        ),
        (r#"{"messages": {}}"#, "`messages` is not a list"),
        (r#"[1]"#, "not a JSON object"),
        ("", "not JSON"),
        (r#"null"#, "no `messages` list"),
        (
            r##"{"messages": [{"instance_ptr": "#/traits/email", "messages": []}]}"##,
            "no message in",
        ),
    ] {
        let verdict = heard(body);
        assert!(
            !verdict.ok && verdict.says.contains(why),
            "{body}: {verdict}"
        );
    }
    // A parse hook's 200 is read whole: text after the JSON fails it.
    let parse = request(true, false, false);
    assert!(!judge(&parse, &reply(200, r#"{"identity": null} x"#), None).ok);
    assert!(judge(&parse, &reply(200, r#"{"Identity": null}"#), None).ok);
}

fn action(
    flow: Flow,
    timing: Timing,
    method: Option<AuthMethod>,
    parse: bool,
    interrupt: bool,
) -> Action {
    let mut builder = Action::builder(flow, timing, "https://hooks.example.com/x")
        .body("function(ctx) { flow: ctx.flow.id }")
        .response_parse(parse)
        .can_interrupt(interrupt);
    if let Some(method) = method {
        builder = builder.auth_method(method);
    }
    builder.build().expect("a valid action")
}

#[test]
fn whether_a_reply_means_anything_is_told_by_the_action() {
    let plain = action(
        Flow::Registration,
        Timing::After,
        Some(AuthMethod::Password),
        false,
        false,
    );
    let parses = action(
        Flow::Registration,
        Timing::After,
        Some(AuthMethod::Password),
        true,
        false,
    );
    let interrupts = action(Flow::Login, Timing::Before, None, false, true);
    let login_parses = action(
        Flow::Login,
        Timing::After,
        Some(AuthMethod::Password),
        true,
        false,
    );
    let stop = Reply::interrupt([Message::error(4000001, "No").at("#/traits/email")]);
    let enrich = Reply::identity(Identity::new().metadata_public(json!({"plan": "free"})));
    let registration = Scope::RegistrationAfterPassword;
    let login = Scope::LoginAfterPassword;
    // Nothing to say suits every hook.
    assert!(Reply::ok().verdict(&plain, registration).is_ok());
    assert!(Reply::ok().verdict(&parses, registration).is_ok());
    assert!(Reply::ok().verdict(&interrupts, Scope::LoginBefore).is_ok());
    // An interrupt: read from a hook that may interrupt or parses, not from another.
    assert!(stop.verdict(&interrupts, Scope::LoginBefore).is_ok());
    assert!(stop.verdict(&parses, registration).is_ok());
    let unread = stop.verdict(&plain, registration);
    assert!(
        !unread.is_ok() && unread.says().contains("does not read its messages"),
        "{unread}"
    );
    // An identity: saved from a registration per-method parse hook only.
    assert!(enrich.verdict(&parses, registration).is_ok());
    let ignored = enrich.verdict(&plain, registration);
    assert!(
        !ignored.is_ok() && ignored.says().contains("no `response.parse`"),
        "{ignored}"
    );
    let unsaved = enrich.verdict(&login_parses, login);
    assert!(
        !unsaved.is_ok() && unsaved.says().contains("does not save"),
        "{unsaved}"
    );
    let before = action(Flow::Registration, Timing::Before, None, true, false);
    assert!(!enrich.verdict(&before, Scope::RegistrationBefore).is_ok());
}
