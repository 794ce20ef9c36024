use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use ory_actions_core::{ApiKeyIn, AuthMethod, Flow, Timing};
use serde::Deserialize;
use tower::ServiceExt as _;

use super::*;
use crate::reply::Message;

#[derive(Debug, Deserialize)]
struct SignUp {
    email: String,
    age: Option<u32>,
}

fn action(auth: Option<Auth>) -> Action {
    let mut builder = Action::builder(
        Flow::Registration,
        Timing::After,
        "https://hooks.example.com/sign-up/{tenant}/screen?x=1",
    )
    .auth_method(AuthMethod::Password)
    .body("function(ctx) { email: ctx.identity.traits.email }")
    .can_interrupt(true);
    if let Some(auth) = auth {
        builder = builder.auth(auth);
    }
    builder.build().expect("a valid action")
}

fn app(action: &Action) -> Router {
    route(action, |hook: Hook<SignUp>| async move {
        if hook.email.ends_with("@example.org") || hook.age.is_some_and(|age| age < 18) {
            Reply::interrupt([Message::error(4000001, "Not here").at("#/traits/email")])
        } else {
            Reply::ok()
        }
    })
}

const PATH: &str = "/sign-up/%7Btenant%7D/screen?x=1";

fn post(body: &str) -> axum::http::request::Builder {
    let _ = body;
    Request::builder()
        .method(Method::POST)
        .uri(PATH)
        .header("content-type", "application/json")
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, String, HeaderMap) {
    let response = app.clone().oneshot(request).await.expect("an answer");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (status, String::from_utf8_lossy(&body).into_owned(), headers)
}

fn run<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
        .block_on(future)
}

#[test]
fn the_handler_gets_the_payload_and_its_reply_is_sent_as_kratos_reads_it() {
    run(async {
        let app = app(&action(None));
        let body = r#"{"email": "jane@example.com"}"#;
        let (status, text, _) = send(&app, post(body).body(Body::from(body)).unwrap()).await;
        assert_eq!((status, text.as_str()), (StatusCode::NO_CONTENT, ""));
        let body = r#"{"email": "jane@example.org", "age": 30}"#;
        let (status, text, headers) = send(&app, post(body).body(Body::from(body)).unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(
            text,
            r##"{"messages":[{"instance_ptr":"#/traits/email","messages":[{"id":4000001,"text":"Not here","type":"error"}]}]}"##
        );
        // Only the action's method is served there.
        let get = Request::builder().uri(PATH).body(Body::empty()).unwrap();
        assert_eq!(send(&app, get).await.0, StatusCode::METHOD_NOT_ALLOWED);
        let elsewhere = Request::builder()
            .method(Method::POST)
            .uri("/sign-up")
            .header("content-type", "application/json")
            .body(Body::from(r#"{"email": "a@b.c"}"#))
            .unwrap();
        assert_eq!(send(&app, elsewhere).await.0, StatusCode::NOT_FOUND);
    });
}

#[test]
fn payloads_that_do_not_fit_are_refused_with_the_reason() {
    run(async {
        let app = app(&action(None));
        for (content_type, body, status, says) in [
            ("application/json", "not json", 400, "not valid"),
            (
                "application/json",
                r#"{"email": "a@b.c"} trailing"#,
                400,
                "not valid",
            ),
            ("application/json", r#"{"email": 5}"#, 400, "at `email`"),
            (
                "application/json",
                r#"{"age": 5}"#,
                400,
                "missing field `email`",
            ),
            (
                "application/json",
                r#"{"email": "a@b.c", "age": -1}"#,
                400,
                "at `age`",
            ),
            (
                "application/x-www-form-urlencoded",
                "email=a%40b.c",
                415,
                "`application/json`",
            ),
            (
                "text/plain",
                r#"{"email": "a@b.c"}"#,
                415,
                "not `text/plain`",
            ),
        ] {
            let request = Request::builder()
                .method(Method::POST)
                .uri(PATH)
                .header("content-type", content_type)
                .body(Body::from(body))
                .unwrap();
            let (got, text, _) = send(&app, request).await;
            assert_eq!(got.as_u16(), status, "{body}: {text}");
            assert!(text.contains(says), "{body}: {text}");
        }
        let no_type = Request::builder()
            .method(Method::POST)
            .uri(PATH)
            .body(Body::from("{}"))
            .unwrap();
        assert_eq!(
            send(&app, no_type).await.0,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        let huge = format!(r#"{{"email": "{}"}}"#, "a".repeat(MAX_PAYLOAD));
        let (status, text, _) = send(&app, post(&huge).body(Body::from(huge)).unwrap()).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");
    });
}

#[test]
fn a_form_payload_is_decoded_when_the_action_sends_a_form() {
    run(async {
        let action = Action::builder(Flow::Login, Timing::Before, "https://hooks.example.com/")
            .body("function(ctx) { email: 'a@b.c' }")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .build()
            .unwrap();
        let app = route(&action, |hook: Hook<SignUp>| async move {
            assert_eq!(hook.payload().email, "a b@c.d");
            Reply::ok()
        });
        let form = |body: &'static str| {
            Request::builder()
                .method(Method::POST)
                .uri("/")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        };
        assert_eq!(
            send(&app, form("email=a+b%40c.d")).await.0,
            StatusCode::NO_CONTENT
        );
        let (status, text, _) = send(&app, form("email=x&age=old")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(text.contains("at `age`"), "{text}");
    });
}

#[test]
fn credentials_are_checked_before_the_handler_runs() {
    run(async {
        let body = r#"{"email": "jane@example.com"}"#;
        // An api key in a header.
        let keyed = app(&action(Some(Auth::api_key(
            "X-Api-Key",
            Secret::value("s3cret"),
            ApiKeyIn::Header,
        ))));
        for (key, status) in [
            (Some("s3cret"), StatusCode::NO_CONTENT),
            (Some("s3cre"), StatusCode::UNAUTHORIZED),
            (Some("s3cret "), StatusCode::UNAUTHORIZED),
            (None, StatusCode::UNAUTHORIZED),
        ] {
            let mut request = post(body);
            if let Some(key) = key {
                request = request.header("X-Api-Key", key);
            }
            let (got, text, _) = send(&keyed, request.body(Body::from(body)).unwrap()).await;
            assert_eq!(got, status, "{key:?}");
            // A refusal says nothing of why.
            assert!(!text.contains("s3cret") && (got.is_success() || text.is_empty()));
        }
        // An api key in a cookie, among others.
        let cookie = app(&action(Some(Auth::api_key(
            "hook_key",
            Secret::value("c00kie"),
            ApiKeyIn::Cookie,
        ))));
        let request = post(body)
            .header("cookie", "other=1; hook_key=c00kie")
            .body(Body::from(body))
            .unwrap();
        assert_eq!(send(&cookie, request).await.0, StatusCode::NO_CONTENT);
        let request = post(body)
            .header("cookie", "hook_key=wrong")
            .body(Body::from(body))
            .unwrap();
        assert_eq!(send(&cookie, request).await.0, StatusCode::UNAUTHORIZED);
        // Basic auth: user and password both.
        let basic = app(&action(Some(Auth::basic_auth(
            "kratos",
            Secret::value("pa:ss"),
        ))));
        for (pair, status) in [
            ("kratos:pa:ss", StatusCode::NO_CONTENT),
            ("kratos:pa", StatusCode::UNAUTHORIZED),
            ("other:pa:ss", StatusCode::UNAUTHORIZED),
            ("kratos", StatusCode::UNAUTHORIZED),
        ] {
            let request = post(body)
                .header("authorization", format!("Basic {}", STANDARD.encode(pair)))
                .body(Body::from(body))
                .unwrap();
            let (got, _, headers) = send(&basic, request).await;
            assert_eq!(got, status, "{pair}");
            if got == StatusCode::UNAUTHORIZED {
                assert_eq!(headers["www-authenticate"], "Basic");
            }
        }
        // A header whose value is a secret is a credential too.
        let bearer = Action::builder(Flow::Login, Timing::Before, "https://hooks.example.com/b")
            .body("function(ctx) { email: 'a@b.c' }")
            .secret_header("Authorization", Secret::value("Bearer t0ken"))
            .build()
            .unwrap();
        let bearer = app(&bearer);
        let request = |token: &str| {
            Request::builder()
                .method(Method::POST)
                .uri("/b")
                .header("content-type", "application/json")
                .header("authorization", token)
                .body(Body::from(body))
                .unwrap()
        };
        assert_eq!(
            send(&bearer, request("Bearer t0ken")).await.0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            send(&bearer, request("Bearer nope")).await.0,
            StatusCode::UNAUTHORIZED
        );
    });
}

#[test]
fn a_secret_that_cannot_be_read_admits_no_call() {
    run(async {
        let var = "ORY_ACTIONS_TEST_RECEIVE_UNSET_KEY";
        let app = app(&action(Some(Auth::api_key(
            "X-Api-Key",
            Secret::env(var),
            ApiKeyIn::Header,
        ))));
        let body = r#"{"email": "jane@example.com"}"#;
        let request = post(body)
            .header("X-Api-Key", "")
            .body(Body::from(body))
            .unwrap();
        let (status, text, _) = send(&app, request).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(text.contains("cannot read the api key"), "{text}");
    });
}

#[test]
fn routes_are_the_paths_of_the_urls() {
    // axum 0.7's capture syntax is literal here, and does not panic.
    let colon = Action::builder(Flow::Login, Timing::Before, "https://h.example/x/:id/*all")
        .body("{}")
        .build()
        .unwrap();
    let app = route(&colon, |_: Hook<serde_json::Value>| async { Reply::ok() });
    let request = Request::builder()
        .method(Method::POST)
        .uri("/x/:id/*all")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(run(send(&app, request)).0, StatusCode::NO_CONTENT);
    assert_eq!(route_path("https://a.example"), "/");
    assert_eq!(route_path("https://a.example?x=1"), "/");
    assert_eq!(route_path("https://a.example/"), "/");
    assert_eq!(route_path("https://a.example:8443/h/x?y#z"), "/h/x");
    assert_eq!(route_path("https://a.example/h/{id}"), "/h/%7Bid%7D");
    assert_eq!(route_path("http://u:p@a.example/h%20x/"), "/h%20x/");
    assert_eq!(route_path("https://a.example/h/:id/*x"), "/h/:id/*x");
    assert_eq!(route_path("https://a.example/a/../b/./c"), "/b/c");
}

/// Whatever a request carries, the route answers with one of its statuses and never panics:
/// random bodies (JSON-ish, form-ish, bytes), content types and keys.
#[test]
fn any_request_gets_an_answer_and_none_panics() {
    use proptest::prelude::*;
    let keyed = app(&action(Some(Auth::api_key(
        "X-Api-Key",
        Secret::value("s3cret"),
        ApiKeyIn::Header,
    ))));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        "[ -~]{0,80}".prop_map(String::into_bytes),
        (".{0,20}", any::<Option<u32>>()).prop_map(|(email, age)| {
            serde_json::to_vec(&serde_json::json!({"email": email, "age": age})).unwrap()
        }),
        Just(br#"{"email": "jane@example.org"}"#.to_vec()),
    ];
    let content_type = prop::sample::select(vec![
        "application/json",
        "application/x-www-form-urlencoded",
        "application/json; charset=utf-8",
        "text/plain",
        "",
    ]);
    let key = prop::option::of(prop::sample::select(vec![
        "s3cret",
        "s3cre",
        "",
        "s3cret\u{0}",
    ]));
    proptest!(ProptestConfig::with_cases(300), |(body in body, content_type in content_type, key in key)| {
        let mut request = Request::builder().method(Method::POST).uri(PATH);
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        if let Some(key) = key.filter(|key| axum::http::HeaderValue::from_str(key).is_ok()) {
            request = request.header("X-Api-Key", key);
        }
        let (status, text, _) = runtime.block_on(send(&keyed, request.body(Body::from(body)).unwrap()));
        prop_assert!(
            matches!(status.as_u16(), 204 | 400 | 401 | 415),
            "{status}: {text}"
        );
        prop_assert!(!text.contains("s3cret"), "{text}");
    });
}
