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

/// A value of one of the types an entry's fields may hold, or not.
fn any_value() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        Just(json!(1)),
        Just(json!("")),
        Just(json!("GET")),
        Just(json!("https://x.example/h")),
        Just(json!("base64://ZnVuY3Rpb24oY3R4KSB7fQ==")),
        Just(json!("base64://%%%")),
        Just(json!("file:///b.jsonnet")),
        Just(json!("caf\u{e9} \"q\" \\ \n")),
        Just(json!({"ignore": true})),
        Just(json!({"ignore": false, "parse": true})),
        Just(json!({"ignore": null, "other": 1})),
        Just(json!({"type": "api_key", "config": {"name": "k", "value": "v", "in": "header"}})),
        Just(json!({"X-A": "b"})),
        Just(json!([])),
    ]
}

/// A value for the field `key` of an entry's `config`, most often of the field's type.
fn value_of(key: &'static str) -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let typed = match key {
        "url" | "method" | "body" | "id" => prop_oneof![
            Just(json!("")),
            Just(json!("GET")),
            Just(json!("https://x.example/h")),
            Just(json!("base64://ZnVuY3Rpb24oY3R4KSB7fQ==")),
            Just(json!("base64://%%%")),
            Just(json!("caf\u{e9} \"q\" \\ \n")),
        ]
        .boxed(),
        "response" => prop_oneof![
            Just(json!({"ignore": true})),
            Just(json!({"parse": false, "ignore": null})),
            Just(json!({})),
        ]
        .boxed(),
        _ => any::<bool>().prop_map(Value::from).boxed(),
    };
    prop_oneof![4 => typed, 1 => any_value()]
}

/// The fields of an entry's `config`: some of the common ones, at times another, at times one
/// given twice.
fn config() -> impl proptest::strategy::Strategy<Value = Vec<(&'static str, Value)>> {
    use proptest::prelude::*;
    let common = vec![
        "url",
        "method",
        "body",
        "response",
        "can_interrupt",
        "emit_analytics_event",
    ];
    let rare = vec!["auth", "headers", "id", "other", "url", "can_interrupt"];
    (
        proptest::sample::subsequence(common, 3..=6),
        proptest::option::weighted(0.2, proptest::sample::select(rare)),
    )
        .prop_flat_map(|(mut keys, rare)| {
            keys.extend(rare);
            keys.into_iter()
                .map(|key| (Just(key), value_of(key)))
                .collect::<Vec<_>>()
        })
        .prop_shuffle()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3_000))]

    /// Whatever the text reader takes, it reads as the value reader does.
    #[test]
    fn entries_read_from_their_text_as_from_their_value(
        hook in proptest::sample::select(vec!["web_hook"; 9].into_iter().chain(["session"]).collect::<Vec<_>>()),
        fields in config(),
        duplicate in proptest::bool::weighted(0.1),
    ) {
        let mut config = String::from("{");
        for (i, (key, value)) in fields.iter().enumerate() {
            if i > 0 {
                config.push(',');
            }
            config.push_str(&format!("{}:{value}", json!(key)));
        }
        config.push('}');
        let hook_key = if duplicate { r#""hook":"x","hook""# } else { r#""hook""# };
        let text = format!(r#"{{{hook_key}:{},"config":{config}}}"#, json!(hook));
        let Ok(value) = serde_json::from_str::<Value>(&text) else {
            return Ok(());
        };
        if let Some(fast) = WebHook::decode_text(&text) {
            match Entry::read(&value) {
                Entry::WebHook(slow) => proptest::prop_assert!(*slow == fast, "{}", text),
                _ => proptest::prop_assert!(false, "{}", text),
            }
        }
    }
}

#[test]
fn the_common_shape_is_read_from_the_text() {
    // Entries as ory-actions and Ory write them take the fast path.
    for text in [
        r#"{"hook":"web_hook","config":{"url":"https://x.example/h","method":"POST","body":"base64://e30=","response":{"ignore":true}}}"#,
        r#"{"hook":"web_hook","config":{"url":"https://x.example/h","method":"POST","can_interrupt":false,"emit_analytics_event":true,"response":{"ignore":false,"parse":false}}}"#,
    ] {
        let fast = WebHook::decode_text(text).expect("the common shape");
        let Entry::WebHook(slow) = Entry::read(&serde_json::from_str(text).unwrap()) else {
            panic!("a web hook");
        };
        assert_eq!(*slow, fast);
    }
    // The text reader knows every flag of the fields' table; a new one must be added to it.
    let mut flags: Vec<&str> = fields::flags().map(|field| field.name).collect();
    flags.sort_unstable();
    assert_eq!(
        flags,
        [
            "can_interrupt",
            "emit_analytics_event",
            "response.ignore",
            "response.parse"
        ]
    );
}
