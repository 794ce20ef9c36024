use super::{Lookup, Schema, Schemas, Step, Trait};

const EMAIL: &str = include_str!("../../tests/identity_schemas/email-password.schema.json");
const PHONE: &str = include_str!("../../tests/identity_schemas/phone-password.schema.json");

fn keys(path: &str) -> Vec<Step<'_>> {
    path.split('.')
        .map(|k| if k == "[]" { Step::Index } else { Step::Key(k) })
        .collect()
}

#[test]
fn reads_the_quickstart_schemas() {
    let email = Schema::read("email-password.schema.json", EMAIL).unwrap();
    let Trait::Object { keys, open } = email.traits() else {
        panic!("{email:?}")
    };
    assert!(!open);
    let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["email", "name"]);
    assert_eq!(keys[0].1, Trait::Value);
    assert!(matches!(&keys[1].1, Trait::Object { keys, open: false } if keys.len() == 2));
}

#[test]
fn a_path_is_everywhere_somewhere_or_nowhere() {
    let schemas = Schemas::read([("email.json", EMAIL), ("phone.json", PHONE)]).unwrap();
    assert_eq!(schemas.lookup(&keys("email")), Lookup::Everywhere);
    assert_eq!(
        schemas.lookup(&keys("phone")),
        Lookup::Somewhere {
            lacking: vec![(0, 0)]
        }
    );
    assert_eq!(
        schemas.lookup(&keys("name.first")),
        Lookup::Somewhere {
            lacking: vec![(1, 0)]
        }
    );
    assert_eq!(schemas.lookup(&keys("emial")), Lookup::Nowhere { at: 0 });
    assert_eq!(
        schemas.lookup(&keys("name.frist")),
        Lookup::Nowhere { at: 1 }
    );
    // A key below a string, an item of a string: no schema has them.
    assert_eq!(
        schemas.lookup(&keys("email.address")),
        Lookup::Nowhere { at: 1 }
    );
    // A string may be indexed; what that gives has no keys.
    assert_eq!(schemas.lookup(&keys("email.[]")), Lookup::Everywhere);
    assert_eq!(
        schemas.lookup(&keys("email.[].x")),
        Lookup::Nowhere { at: 1 }
    );
    assert_eq!(
        schemas.suggest(&keys("name.frist"), 1),
        Some(vec!["name".to_owned(), "first".to_owned()])
    );
    assert_eq!(
        schemas.suggest(&keys("emial"), 0),
        Some(vec!["email".to_owned()])
    );
    // A key at the wrong level.
    assert_eq!(
        schemas.suggest(&keys("first"), 0),
        Some(vec!["name".to_owned(), "first".to_owned()])
    );
    assert_eq!(schemas.suggest(&keys("zzzzzz"), 0), None);
    assert_eq!(schemas.keys_after(&[]), ["email", "name", "phone"]);
}

#[test]
fn refs_combinators_arrays_and_open_objects() {
    let schema = r##"{
      "definitions": {
        "address": {"type": "object", "properties": {"street": {"type": "string"}}},
        "traits": {"$ref": "#/definitions/base"},
        "base": {
          "type": "object",
          "properties": {
            "emails": {"type": "array", "items": {"$ref": "#/definitions/email"}},
            "home": {"$ref": "#/definitions/address"},
            "extra": {"type": "object"},
            "loose": {"type": "object", "properties": {"a": {}}, "additionalProperties": true},
            "remote": {"$ref": "https://example.com/other.json"},
            "either": {"oneOf": [
              {"type": "object", "properties": {"x": {"type": "string"}}},
              {"type": "object", "properties": {"y": {"type": "string"}}}
            ]}
          },
          "additionalProperties": false
        },
        "email": {"type": "object", "properties": {"value": {"type": "string"}}}
      },
      "type": "object",
      "properties": {"traits": {"$ref": "#/definitions/traits"}}
    }"##;
    let schemas = Schemas::read([("refs.json", schema)]).unwrap();
    for everywhere in [
        "emails.[].value",
        "home.street",
        "extra.anything.at.all",
        "loose.b",
        "remote.x.y",
        "either.x",
        "either.y",
    ] {
        assert_eq!(
            schemas.lookup(&keys(everywhere)),
            Lookup::Everywhere,
            "{everywhere}"
        );
    }
    assert_eq!(
        schemas.lookup(&keys("emails.[].valeu")),
        Lookup::Nowhere { at: 2 }
    );
    assert_eq!(
        schemas.lookup(&keys("home.city")),
        Lookup::Nowhere { at: 1 }
    );
    assert_eq!(schemas.lookup(&keys("either.z")), Lookup::Nowhere { at: 1 });
}

#[test]
fn schemas_that_cannot_be_read_say_why() {
    for (text, problem) in [
        ("{", "is not JSON at line 1"),
        ("[]", "declares no `properties.traits`"),
        (r#"{"properties": {}}"#, "declares no `properties.traits`"),
        (
            r##"{"properties": {"traits": {"$ref": "#/nowhere"}}}"##,
            "has a `$ref` to `#/nowhere`, which the schema does not have",
        ),
        (
            r##"{"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}, "properties": {"traits": {"$ref": "#/a"}}}"##,
            "follows more than 64 `$ref`s in a row",
        ),
        (
            r##"{"properties": {"traits": {"$ref": 1}}}"##,
            "has a `$ref` that is not a string",
        ),
    ] {
        let error = Schema::read("s.json", text).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("the identity schema `s.json` ")
                && error.problem.starts_with(problem),
            "{text}: {error}"
        );
    }
}

/// References that multiply (each definition used twice by the next) stop at a budget, and a
/// recursive schema stops at a depth, instead of running away.
#[test]
fn references_cannot_run_away() {
    let mut definitions = String::from(r#""d0": {"type": "string"}"#);
    for i in 1..40 {
        definitions.push_str(&format!(
            r##", "d{i}": {{"type": "object", "properties": {{"a": {{"$ref": "#/definitions/d{p}"}}, "b": {{"$ref": "#/definitions/d{p}"}}}}}}"##,
            p = i - 1
        ));
    }
    let bomb = format!(
        r##"{{"definitions": {{{definitions}}}, "properties": {{"traits": {{"$ref": "#/definitions/d39"}}}}}}"##
    );
    let error = Schema::read("bomb.json", &bomb).unwrap_err();
    assert!(error.problem.contains("expands to more than"), "{error}");
    let recursive = r##"{"definitions": {"node": {"type": "object", "properties": {"child": {"$ref": "#/definitions/node"}, "v": {"type": "string"}}}},
        "properties": {"traits": {"$ref": "#/definitions/node"}}}"##;
    let schemas = Schemas::read([("tree.json", recursive)]).unwrap();
    assert_eq!(schemas.lookup(&keys("child.child.v")), Lookup::Everywhere);
    assert_eq!(schemas.lookup(&keys("child.w")), Lookup::Nowhere { at: 1 });
}

/// The other schemas Kratos's quickstart publishes: the passkey one reads as the email one does;
/// the older traits-only form is refused, saying where the traits belong.
#[test]
fn the_other_published_schemas() {
    let passkey = include_str!("../../tests/identity_schemas/passkey.schema.json");
    let email = Schema::read("email", EMAIL).unwrap();
    assert_eq!(
        Schema::read("passkey", passkey).unwrap().traits(),
        email.traits()
    );
    let legacy = include_str!("../../tests/identity_schemas/email-password.traits.schema.json");
    let error = Schema::read("identity.traits.schema.json", legacy).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the identity schema `identity.traits.schema.json` declares no `properties.traits`: a \
         Kratos identity schema declares the traits of its identities there"
    );
}

/// Whatever a schema file holds (the published schemas cut, spliced and scrambled, or any
/// text), reading it and looking up any path answers without panicking.
#[test]
fn any_text_is_read_or_refused_without_panicking() {
    use proptest::prelude::*;
    let texts = prop_oneof![
        ".{0,200}",
        (0..EMAIL.len(), 0..EMAIL.len(), ".{0,12}").prop_map(|(a, b, insert)| {
            let (a, b) = (a.min(b), a.max(b));
            let (a, b) = (
                (0..=a)
                    .rev()
                    .find(|i| EMAIL.is_char_boundary(*i))
                    .unwrap_or(0),
                (b..=EMAIL.len())
                    .find(|i| EMAIL.is_char_boundary(*i))
                    .unwrap_or(EMAIL.len()),
            );
            format!("{}{insert}{}", &EMAIL[..a], &EMAIL[b..])
        }),
        (0..PHONE.len()).prop_map(|cut| PHONE[..PHONE.floor_char_boundary(cut)].to_owned()),
        prop::collection::vec(
            prop::sample::select(vec![
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "\"properties\"",
                "\"traits\"",
                "\"$ref\"",
                "\"#/properties\"",
                "\"#\"",
                "\"type\"",
                "\"object\"",
                "\"items\"",
                "\"allOf\"",
                "1",
                "null",
            ]),
            0..60,
        )
        .prop_map(|parts| parts.concat()),
    ];
    let paths = prop::collection::vec(
        prop::sample::select(vec!["email", "name", "first", "traits", "[]", "x"]),
        0..5,
    );
    proptest!(ProptestConfig::with_cases(500), |(text in texts, path in paths)| {
        if let Ok(schemas) = Schemas::read([("s.json", text.as_str())]) {
            let steps: Vec<Step<'_>> = path
                .iter()
                .map(|k| if *k == "[]" { Step::Index } else { Step::Key(k) })
                .collect();
            let _ = schemas.lookup(&steps);
            for at in 0..steps.len() {
                let _ = schemas.suggest(&steps, at);
            }
            let _ = schemas.list()[0].trait_paths();
        }
    });
}

/// Conditional and dependent parts of a schema declare traits too.
#[test]
fn conditional_and_dependent_traits() {
    let schema = r#"{"properties": {"traits": {
        "type": "object",
        "properties": {"kind": {"type": "string"}},
        "if": {"properties": {"kind": {"const": "business"}}},
        "then": {"properties": {"company": {"type": "string"}}},
        "else": {"properties": {"nickname": {"type": "string"}}},
        "dependentSchemas": {"company": {"properties": {"vat": {"type": "string"}}}},
        "dependencies": {"vat": ["company"], "kind": {"properties": {"since": {"type": "string"}}}},
        "additionalProperties": false
    }}}"#;
    let schemas = Schemas::read([("s.json", schema)]).unwrap();
    for path in ["kind", "company", "nickname", "vat", "since"] {
        assert_eq!(schemas.lookup(&keys(path)), Lookup::Everywhere, "{path}");
    }
    assert_eq!(schemas.lookup(&keys("compnay")), Lookup::Nowhere { at: 0 });
}

/// Hostile shapes end quickly and within the stack: `$ref` cycles through combinators, long
/// chains of distinct definitions, many references into a large `$defs`, many traits.
#[test]
fn hostile_schemas_end_quickly() {
    let cycle = r##"{"$defs": {"a": {"allOf": [{"$ref": "#/$defs/a"}]}}, "properties": {"traits": {"$ref": "#/$defs/a"}}}"##;
    let read = Schemas::read([("cycle.json", cycle)]).unwrap();
    assert_eq!(read.lookup(&keys("anything")), Lookup::Everywhere);
    // 20 000 distinct definitions, each a branch of the one before.
    let mut defs = String::new();
    for i in 0..20_000 {
        defs.push_str(&format!(
            r##""d{i}": {{"allOf": [{{"$ref": "#/$defs/d{}"}}]}},"##,
            i + 1
        ));
    }
    let chain = format!(
        r##"{{"$defs": {{{defs} "d20000": {{"type": "string"}}}}, "properties": {{"traits": {{"$ref": "#/$defs/d0"}}}}}}"##
    );
    assert!(Schemas::read([("chain.json", chain.as_str())]).is_ok());
    // 5 000 traits, each a reference into a `$defs` of 5 000 entries, through a chain of 60.
    let mut defs = String::new();
    for i in 0..60 {
        defs.push_str(&format!(r##""h{i}": {{"$ref": "#/$defs/h{}"}},"##, i + 1));
    }
    defs.push_str(r#""h60": {"type": "string"},"#);
    for i in 0..5_000 {
        defs.push_str(&format!(r#""f{i}": {{"type": "string"}},"#));
    }
    let mut properties = String::new();
    for i in 0..5_000 {
        properties.push_str(&format!(r##""t{i}": {{"$ref": "#/$defs/h0"}},"##));
    }
    properties.push_str(r#""last": {"type": "string"}"#);
    let wide = format!(
        r#"{{"$defs": {{{defs} "end": {{}}}}, "properties": {{"traits": {{"type": "object", "properties": {{{properties}}}}}}}}}"#
    );
    match Schemas::read([("wide.json", wide.as_str())]) {
        Ok(schemas) => {
            assert_eq!(schemas.lookup(&keys("t4999")), Lookup::Everywhere);
            assert_eq!(schemas.keys_after(&[]).len(), 5_001);
        }
        Err(e) => assert!(e.problem.contains("expands to more than"), "{e}"),
    }
}
