use ory_actions_core::{ApiKeyIn, AuthMethod, Flow, Scope, Timing};

use super::*;
use crate::action::{Auth, Secret};

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
