//! The codec of entries: what each field reads as, and that encoding reads back.

use serde_json::json;

use super::*;

#[test]
fn absent_fields_read_as_their_defaults() {
    let sparse =
        json!({"hook": "web_hook", "config": {"url": "https://x.example/", "method": "POST"}});
    let full = json!({"hook": "web_hook", "config": {
        "url": "https://x.example/", "method": "POST", "can_interrupt": false,
        "response": {"ignore": false, "parse": false}
    }});
    let (Entry::WebHook(a), Entry::WebHook(b)) = (Entry::read(&sparse), Entry::read(&full)) else {
        panic!("both are web hooks");
    };
    assert_eq!(a, b);
}

#[test]
fn an_absent_method_is_post_and_an_empty_one_get() {
    let read = |config: Value| match Entry::read(&json!({"hook": "web_hook", "config": config})) {
        Entry::WebHook(hook) => hook.method.clone(),
        _ => panic!("a web hook"),
    };
    assert_eq!(read(json!({"url": "https://x/"})), "POST");
    assert_eq!(read(json!({"url": "https://x/", "method": ""})), "GET");
    assert_eq!(read(json!({"url": "https://x/", "method": "PUT"})), "PUT");
}

#[test]
fn bodies_are_read_by_meaning() {
    assert_eq!(
        read_body("base64://e30=".into()),
        StoredBody::Text("{}".into())
    );
    assert_eq!(
        read_body("https://storage.example/t.jsonnet".into()),
        StoredBody::Url("https://storage.example/t.jsonnet".into())
    );
    assert_eq!(
        read_body("file:///etc/body.jsonnet".into()),
        StoredBody::File("file:///etc/body.jsonnet".into())
    );
    assert_eq!(
        read_body("/path/to/template.jsonnet".into()),
        StoredBody::File("/path/to/template.jsonnet".into())
    );
    assert_eq!(
        read_body("base64://%%%".into()),
        StoredBody::Opaque("base64://%%%".into())
    );
}

#[test]
fn references_are_written_as_given_and_compared_by_what_kratos_reads() {
    for raw in [
        "https://example.com/body.jsonnet",
        "file:///etc/config/kratos/welcome.jsonnet",
        "file://templates/x.jsonnet",
        "templates/x.jsonnet",
    ] {
        let entry = json!({"hook": "web_hook", "config": {
            "url": "https://x.example/", "method": "POST", "body": raw
        }});
        let Entry::WebHook(hook) = Entry::read(&entry) else {
            panic!("a web hook");
        };
        assert_eq!(hook.body.reference(), Some(raw));
        assert_eq!(hook.encode(Platform::Kratos), entry, "{raw}");
        assert_eq!(
            hook.encode(Platform::OryNetwork)["config"]["body"],
            json!(raw)
        );
    }
    let file = |raw: &str| StoredBody::File(raw.into());
    assert!(file("file://templates/x.jsonnet").same_reference(&file("templates/x.jsonnet")));
    assert!(file("file:///etc/x").same_reference(&file("/etc/x")));
    assert!(!file("file:///etc/x").same_reference(&file("etc/x")));
    assert!(
        !StoredBody::Url("https://a.example/x".into())
            .same_reference(&StoredBody::Url("https://a.example/y".into()))
    );
    assert!(!StoredBody::Text("{}".into()).same_reference(&StoredBody::Text("{}".into())));
}

#[test]
fn every_field_of_the_table_is_written_and_read_again() {
    let entry = json!({"hook": "web_hook", "config": {
        "url": "https://x.example/", "method": "PUT", "body": "base64://e30=",
        "auth": {"type": "basic_auth", "config": {"user": "ory", "password": "pw"}},
        "headers": {"X-Team": "a"}, "response": {"ignore": true, "parse": true},
        "can_interrupt": true, "emit_analytics_event": false, "id": "audit"
    }});
    let Entry::WebHook(hook) = Entry::read(&entry) else {
        panic!("a web hook");
    };
    assert!(hook.extra.is_empty(), "{:?}", hook.extra.keys());
    for platform in Platform::ALL {
        let written = hook.encode(*platform);
        let config = written["config"].as_object().unwrap();
        for field in &fields::FIELDS {
            assert!(
                field_value(config, field).is_some(),
                "{} on {platform}",
                field.name
            );
        }
        let Entry::WebHook(again) = Entry::read(&written) else {
            panic!("a web hook");
        };
        assert_eq!(again, hook);
    }
}

#[test]
fn odd_entries_are_kept_not_misread() {
    assert!(matches!(
        Entry::read(&json!({"hook": "session"})),
        Entry::Other
    ));
    assert!(matches!(Entry::read(&json!("text")), Entry::Other));
    assert!(matches!(
        Entry::read(&json!({"hook": "web_hook"})),
        Entry::Malformed(_)
    ));
    assert!(matches!(
        Entry::read(&json!({"hook": "web_hook", "config": {"url": 3}})),
        Entry::Malformed(_)
    ));
}
