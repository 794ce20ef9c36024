use ory_actions_core::Scope;
use serde_json::json;
use yaml_edit::YamlValue;

use proptest::prelude::*;
use saphyr_parser::{Event, Parser};

use super::*;
use crate::backend::kratos_file::edit::EditorText;
use crate::backend::kratos_file::yaml_reference;
use crate::backend::kratos_file::yaml_values::to_json;
use crate::hooks::{HookLists, verification_enabled};

/// What the lossless editor's reading gives: the lists and the verification switch, or the
/// error.
fn whole(text: &str) -> Result<(HookLists, bool), String> {
    let read = EditorText::read(text)?;
    let value = YamlValue::from_document(&read.document).map_err(|e| e.to_string())?;
    let config = to_json(&value);
    let verification = verification_enabled(&config, "");
    HookLists::take(config, "")
        .map(|lists| (lists, verification))
        .map_err(|e| e.to_string())
}

fn fast(text: &str) -> Option<Result<(HookLists, bool), String>> {
    read(text).map(|read| {
        read.map(|d| (d.lists, d.verification))
            .map_err(|e| e.to_string())
    })
}

/// The events of the general parser, when it takes `text`.
fn parser_events(text: &str) -> Option<Vec<Event<'_>>> {
    Parser::new_from_str(text)
        .map(|event| event.ok().map(|(event, _)| event))
        .collect()
}

/// Where the line reader takes `text`, it gives the general parser's events.
#[track_caller]
fn block_agrees(text: &str) -> bool {
    let Some(block) = yaml_block::events(text) else {
        return false;
    };
    assert_eq!(Some(block), parser_events(text), "{text}");
    true
}

/// The whole value the lossless editor reads.
fn editor_value(text: &str) -> Result<Value, String> {
    let read = EditorText::read(text)?;
    let value = YamlValue::from_document(&read.document).map_err(|e| e.to_string())?;
    Ok(to_json(&value))
}

/// What the reference reads: the lists and the verification switch, or the error.
fn reference(text: &str) -> Result<(HookLists, bool), String> {
    let config = yaml_reference::read(text).map_err(|e| e.to_string())?;
    let verification = verification_enabled(&config, "");
    HookLists::take(config, "")
        .map(|lists| (lists, verification))
        .map_err(|e| e.to_string())
}

/// The reference reads `text` as the editor does, and so does the fast reader where it takes
/// the text.
#[track_caller]
fn same(text: &str) {
    block_agrees(text);
    let whole = whole(text);
    assert_eq!(reference(text), whole, "{text}");
    if let Some(fast) = fast(text) {
        assert_eq!(fast, whole, "{text}");
    }
}

/// The fast reader leaves `text` to the reference.
#[track_caller]
fn gives_up(text: &str) {
    assert!(fast(text).is_none(), "the fast reader took:\n{text}");
}

const CONFIG: &str = "\
version: v1.3.0
# a comment
dsn: memory
serve:
  public:
    base_url: http://127.0.0.1:4433/
    cors: { enabled: true, allowed_origins: [ 'https://a.example', \"https://b.example\" ] }
selfservice:
  default_browser_return_url: http://127.0.0.1:4455/
  flows:
    verification:
      enabled: true
      after:
        hooks: []
    login:
      lifespan: 10m
      before:
        hooks:
          - hook: web_hook
            config:
              url: https://hooks.example/login?x=1&y=2
              method: POST
              body: base64://e30=
              can_interrupt: false
              response: { ignore: true, parse: false }
              headers:
                X-Count: 12
                X-Ratio: 1.5
                X-Flag: yes
                X-Empty: ~
                X-Quoted: '0x10'
                X-Hex: 0x10
                X-Oct: 0o17
                X-Big: 123456789012345678901234567890
                X-Inf: .inf
                X-Exp: 1e3
                X-Lead: 0755
      after:
        password:
          hooks:
            - hook: revoke_active_sessions
            - hook: session
        hooks:
          - hook: web_hook
            config:
              url: \"https://hooks.example/after\"
              method: PUT
              body: |
                function(ctx) {
                  id: ctx.identity.id,
                }
              note: >
                folded
                text

                kept
              plain: a plain
                scalar on two lines
    registration:
      after:
        oidc:
          hooks: [ { hook: session } ]
";

#[test]
fn reads_what_the_editor_reads() {
    same(CONFIG);
    gives_up(CONFIG);
    let (lists, verification) = reference(CONFIG).unwrap();
    assert!(verification);
    assert_eq!(lists.len(Scope::LoginBefore), 1);
    assert_eq!(lists.len(Scope::RegistrationAfterOidc), 1);
    assert_eq!(
        lists.values(Scope::LoginBefore)[0]["config"]["headers"]["X-Count"],
        json!(12)
    );
    for text in [
        "selfservice:\n  flows: {}\n",
        "selfservice: {}\n",
        "{}\n",
        "---\nselfservice:\n  flows:\n    login:\n      before:\n        hooks:\n          - {hook: session}\n",
        "selfservice:\n  flows:\n    verification:\n      enabled: 'true'\n",
        "selfservice:\n  flows:\n    verification:\n      enabled: TRUE\n",
        "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n",
        "selfservice:\n  flows:\n    login:\n      before:\n        hooks: {hook: session}\n",
        "selfservice:\n  flows:\n    login:\n      before:\n        hooks: nope\n",
        "selfservice:\n  flows:\n    login: [1, 2]\n",
        "selfservice:\n  flows: 3\n",
        "selfservice: ~\n",
        "selfservice:\n",
        "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n          -\n          - 1\n          - [a, {b: c}]\n",
        "selfservice:\n  flows:\n    settings:\n      after:\n        hooks:\n          - hook: web_hook\n            config:\n              url: 'it''s'\n              body: \"tab\\there \\u00e9 \\x41\"\n",
        "selfservice:\n  flows:\n    settings:\n      after:\n        hooks:\n          - hook: web_hook\n            config: {url: https://a.example, extra: [1.0, -2, +3, .5, 1., -.inf, .NaN, 0x1F, 0o8, 0X1]}\n",
        "\u{feff}selfservice:\n  flows:\n    login:\n      before:\n        hooks: []\n",
        "selfservice:\r\n  flows:\r\n    login:\r\n      before:\r\n        hooks:\r\n          - hook: session\r\n",
        "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n        - hook: session\n        - hook: web_hook\n          config:\n            url: \"https://a.example/#frag\" # a comment\n",
    ] {
        same(text);
    }
}

#[test]
fn the_line_reader_takes_block_yaml_and_gives_the_parsers_events() {
    let taken = [
        "a: 1\nb:\n  c: d\n  e:\n  - x\n  - y: z\n    w: 'it''s'\n  f: ~\ng:\n",
        "a:\n  - - x\n",
        "list:\n- one   # a comment\n-   two\n- 'three' # quoted\n- k: v\n  # a comment between\n  l: m\n",
        "url: https://a.example/x#frag\nq: a#b\nk: -1\nm: ?x\nn: x:y\n'quoted key': v\n'it''s': ''\n",
        "a: 1\r\nb:\r\n  c: 2\r\n",
        "top:\n    deep:\n        x: 1\n    back: 2\nnext: 3\n",
        "é: ü\nemoji: 😀 x\n",
        "a: \"x\"\n\"a b\": \"https://a.example/#f\" # c\nl:\n- \"it's\"\n- \"\"\n- \"k\": \"v: w\"\n",
    ];
    for text in taken {
        let ok = block_agrees(text);
        if !text.contains("- - ") {
            assert!(ok, "the line reader gave up on:\n{text}");
        }
    }
    for text in [
        "a: [1, 2]\n",
        "a: {b: c}\n",
        "a: |\n  text\n",
        "a: >\n  text\n",
        "a: \"x\\ty\"\n",
        "a: \"x\" y\n",
        "a: \"two\n  lines\"\n",
        "a: plain\n  continued\n",
        "a: 'two\n  lines'\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "? a\n: b\n",
        "---\na: 1\n",
        "%YAML 1.2\n---\na: 1\n",
        "a:\tb\n",
        "\u{feff}a: 1\n",
        "- a\n",
        "a\n",
        "a: b: c\n",
        "a: # nothing\n",
        "a:\n-\n  b: c\n",
        "  a: 1\n",
        "a: 1\n  b: 2\n",
        "a:\n    b: 1\n  c: 2\n",
        "key : v\n",
        "a: b:\n",
        "\"a\":1\n",
    ] {
        assert!(
            yaml_block::events(text).is_none(),
            "the line reader took:\n{text}"
        );
    }
}

#[test]
fn leaves_what_it_does_not_take_to_the_reference() {
    for text in [
        // Anchors, aliases and merge keys.
        "base: &b {hook: session}\nselfservice:\n  flows:\n    login:\n      before:\n        hooks: [*b]\n",
        "a: &a {x: 1}\nselfservice:\n  <<: *a\n",
        "selfservice:\n  <<: {flows: {}}\n",
        // Tags.
        "selfservice: !!map {}\n",
        "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n          - hook: !!str session\n",
        // Keys that are not strings, or given twice.
        "1: a\nselfservice: {}\n",
        "selfservice: {}\nselfservice: {}\n",
        "? [a, b]\n: c\n",
        // Not one document, or not YAML the event parser takes.
        "",
        "# only a comment\n",
        "a: 1\n---\nb: 2\n",
        "a: [1, 2\n",
        "a: b: c\n",
    ] {
        gives_up(text);
    }
    let deep = format!("selfservice: {}{}\n", "[".repeat(200), "]".repeat(200));
    gives_up(&deep);
    let deep: String = (0..200)
        .map(|level| format!("{}k{level}:\n", " ".repeat(level)))
        .collect();
    assert!(yaml_block::events(&deep).is_none());
    gives_up(&deep);
}

/// The characters YAML does not allow in a stream (`c-printable`): the C0 controls but tab and
/// the line breaks, DEL, the C1 controls but NEL, U+FFFE and U+FFFF (a Rust string cannot hold
/// a surrogate).
fn forbidden() -> impl Iterator<Item = char> {
    ('\0'..='\u{1f}')
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .chain(('\u{7f}'..='\u{9f}').filter(|&c| c != '\u{85}'))
        .chain(['\u{fffe}', '\u{ffff}'])
}

/// Lines of a configuration, with `{}` where a character goes: the start of a key, inside one,
/// a plain value, a quoted one, a comment, a line of its own, the entries of a hook list.
const PLACES: &[&str] = &[
    "{}selfservice:\n  flows: {}\n",
    "self{}service:\n  flows:\n    login:\n      before:\n        hooks: []\n",
    "a: x{}y\nb: 1\n",
    "a: 'x{}y'\n",
    "a: \"x{}y\"\n",
    "a: 1 # a comment {} here\n",
    "a: 1\n{}\nb: 2\n",
    "a: 1{}\n",
    "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n          - hook: web_hook\n            config:\n              url: https://a.example/{}\n",
    "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n          - hook: {}session\n",
];

/// Every character YAML forbids, wherever it stands, is the reference's to refuse (with its
/// line and column): the fast reader gives up on it, by the reference's own rule
/// ([`yaml_reference::allowed`]). The fuzzer found DEL (`\x7f:`) planned and refused by apply.
#[test]
fn characters_yaml_forbids_are_left_to_the_reference() {
    let mut count = 0;
    for c in forbidden() {
        assert!(!yaml_reference::allowed(c), "U+{:04X}", u32::from(c));
        for place in PLACES {
            let text = place.replace("{}", &c.to_string());
            gives_up(&text);
            let problem = yaml_reference::read(&text).expect_err(&text).to_string();
            assert!(
                problem.contains(&format!("U+{:04X} is not allowed", u32::from(c))),
                "{text:?}: {problem}"
            );
            count += 1;
        }
    }
    assert_eq!(count, (29 + 32 + 2) * PLACES.len());
    // The fuzzer's case, as it was found.
    gives_up("\u{7f}:");
    assert!(yaml_reference::read("\u{7f}:").is_err());
    // What YAML allows is allowed: the fast reader leaves the unusual ones to the reference
    // (tabs, which YAML readers refuse in most places; NEL, LS and PS, line breaks to YAML 1.1
    // readers; a byte order mark), and reads the others as it does.
    for c in ['\t', '\u{85}', '\u{2028}', '\u{2029}', '\u{feff}'] {
        assert!(yaml_reference::allowed(c));
        for place in PLACES {
            gives_up(&place.replace("{}", &c.to_string()));
        }
    }
    for c in [
        '\u{a0}',
        '\u{d7ff}',
        '\u{e000}',
        '\u{fffd}',
        '\u{10000}',
        '\u{10ffff}',
        '~',
    ] {
        assert!(yaml_reference::allowed(c));
        let text = format!("a: x{c}y\nb: 1\n");
        assert!(fast(&text).is_some(), "{text:?}");
        same(&text);
    }
}

/// Tabs are left to the reference wherever they stand, which refuses them where YAML readers
/// (ruamel.yaml, Kratos's `yaml.v3`) do. The fuzzer found `\t:` planned though invalid.
#[test]
fn tabs_are_left_to_the_reference() {
    for place in PLACES {
        gives_up(&place.replace("{}", "\t"));
    }
    for text in [
        "\t:",
        "\t:\n",
        "\tselfservice: {}\n",
        "a:\tb\n",
        "a:\n\t- x\n",
        "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n          -\thook: session\n",
    ] {
        gives_up(text);
        let problem = yaml_reference::read(text).expect_err(text).to_string();
        assert!(problem.contains("tab"), "{text:?}: {problem}");
    }
}

#[test]
fn scalars_are_read_by_the_core_schema() {
    let cases = [
        ("12", json!(12)),
        ("-0", json!(0)),
        ("+7", json!(7)),
        ("0x1f", json!(31)),
        ("0o17", json!(15)),
        ("0755", json!(755)),
        ("1.5", json!(1.5)),
        ("1e3", json!(1000.0)),
        (".5", json!(0.5)),
        ("true", json!(true)),
        ("False", json!(false)),
        ("yes", json!("yes")),
        ("~", json!(null)),
        ("", json!(null)),
        (".inf", json!(".inf")),
        ("99999999999999999999", json!("99999999999999999999")),
        ("0X1F", json!("0X1F")),
        ("1_000", json!("1_000")),
    ];
    for (text, expected) in cases {
        assert_eq!(scalar(text, ScalarStyle::Plain), expected, "{text}");
        assert_eq!(
            scalar(text, ScalarStyle::SingleQuoted),
            json!(text),
            "{text}"
        );
    }
}

/// The YAML files of the repository (examples, test fixtures, the reference copy of Kratos's
/// example configuration when it is there), and every `*.yaml`/`*.yml` under
/// `ORY_ACTIONS_YAML_CORPUS` (published Kratos configurations, for one): the reference reads
/// each as the editor does, and the fast reader, where it takes one, too. The repository's
/// files must all be read; a corpus file the reference refuses is counted.
#[test]
fn published_configurations_read_the_same() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fuzzed = root.join("tests/fuzz_regressions");
    let ours: Vec<_> = yaml_files(&[
        root.join("examples"),
        root.join("tests"),
        root.join("reference"),
        root.join("runtime/src"),
    ])
    .into_iter()
    .filter(|path| !path.starts_with(&fuzzed))
    .collect();
    assert!(
        ours.iter()
            .any(|path| path.ends_with("runtime/src/backend/kratos_file/kratos.yaml")),
        "{ours:?}"
    );
    // The fuzzer's findings (many of them not YAML) are read as a corpus: refused, or read the
    // same everywhere.
    let mut corpus = yaml_files(&[fuzzed]);
    if let Some(dir) = std::env::var_os("ORY_ACTIONS_YAML_CORPUS") {
        corpus.extend(yaml_files(&[std::path::PathBuf::from(dir)]));
    }
    let (mut taken, mut left, mut by_lines, mut refused) = (0, 0, 0, 0);
    for (path, must_read) in ours
        .iter()
        .map(|path| (path, true))
        .chain(corpus.iter().map(|path| (path, false)))
    {
        let text = std::fs::read_to_string(path).unwrap();
        if block_agrees(&text) {
            by_lines += 1;
        }
        let reference = yaml_reference::read(&text);
        if must_read {
            assert!(reference.is_ok(), "{}: {reference:?}", path.display());
        }
        if let Err(problem) = &reference {
            refused += 1;
            eprintln!("{}: {problem}", path.display());
            assert!(fast(&text).is_none(), "{}", path.display());
            continue;
        }
        let whole = whole(&text);
        let read = self::reference(&text);
        if !must_read && editor_value(&text).ok() != reference.ok() {
            // Valid, but not what the editor writes: refused by every command (`KratosFile::
            // parse`), so the fast reader must not take it.
            refused += 1;
            eprintln!("{}: the editor refuses it", path.display());
            assert!(fast(&text).is_none(), "{}", path.display());
            continue;
        }
        // A configuration may be read and still not have the shape of one (a list of
        // environments, say): the reference and the editor agree on that too.
        assert_eq!(read, whole, "{}", path.display());
        match fast(&text) {
            Some(fast) => {
                taken += 1;
                assert_eq!(fast, whole, "{}", path.display());
            }
            None => left += 1,
        }
    }
    assert!(taken + left >= ours.len(), "every file of ours is read");
    eprintln!(
        "{} files: {taken} read fast ({by_lines} line by line), {left} by the reference, \
         {refused} refused",
        ours.len() + corpus.len()
    );
}

/// Every `*.yaml`/`*.yml` under `dirs` (those that exist).
fn yaml_files(dirs: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs: Vec<_> = dirs.iter().filter(|dir| dir.is_dir()).cloned().collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A generated configuration: nested mappings and sequences of scalars.
#[derive(Clone, Debug)]
enum Node {
    Scalar(&'static str),
    /// Values, their keys taken from [`KEYS`] from an offset on.
    Map(Vec<Node>, usize),
    Seq(Vec<Node>),
}

/// Mappings and sequences of the nodes of `inner`.
fn collections(inner: BoxedStrategy<Node>) -> impl Strategy<Value = Node> {
    prop_oneof![
        (
            proptest::collection::vec(inner.clone(), 1..5),
            0..KEYS.len()
        )
            .prop_map(|(values, offset)| Node::Map(values, offset)),
        proptest::collection::vec(inner, 1..5).prop_map(Node::Seq),
    ]
}

/// Scalars as written: plain ones that read as strings, numbers, booleans or null by the core
/// schema, and quoted ones, with the characters the line reader must take care of.
const SCALARS: &[&str] = &[
    "session",
    "web_hook",
    "https://hooks.example/a?x=1&y=2",
    "https://a.example/#frag",
    "a#b",
    "x:y",
    "-1",
    "+7",
    "0x1F",
    "0o17",
    "0755",
    "1.5",
    "1e3",
    ".5",
    ".inf",
    "-.INF",
    ".NaN",
    "true",
    "False",
    "yes",
    "null",
    "~",
    "99999999999999999999",
    "1_000",
    "é ü",
    "😀 x",
    "'it''s'",
    "'#not a comment'",
    "'a: b'",
    "''",
    "'- x'",
    "'true'",
    "base64://e30=",
    "POST",
    "10m",
    "?x",
    ":x",
    "-x",
    "a b   # a comment",
    "'x' # a comment",
    "'tab\there'",
    "x # a\tcomment",
];

/// Keys, including those on the way to hook lists.
const KEYS: &[&str] = &[
    "selfservice",
    "flows",
    "login",
    "before",
    "after",
    "hooks",
    "hook",
    "config",
    "url",
    "password",
    "verification",
    "enabled",
    "registration",
    "'quoted key'",
    "x-1",
    "é",
];

fn node() -> impl Strategy<Value = Node> {
    let leaf = proptest::sample::select(SCALARS).prop_map(Node::Scalar);
    leaf.prop_recursive(5, 48, 5, collections)
}

/// `node` as block YAML, its mappings' keys at `indent`, nested ones `step` further in, and
/// sequences under a key at the key's column when `flush`.
fn write(node: &Node, indent: usize, step: usize, flush: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    match node {
        Node::Scalar(text) => out.push_str(&format!("{pad}{}\n", indented(text, &pad))),
        Node::Map(values, offset) => {
            if values.is_empty() {
                out.push_str(&format!("{pad}{{}}\n"));
            }
            for (i, value) in values.iter().enumerate() {
                let key = KEYS[(offset + i) % KEYS.len()];
                match value {
                    Node::Scalar(text) => {
                        out.push_str(&format!("{pad}{key}: {}\n", indented(text, &pad)));
                    }
                    Node::Map(inner, _) if inner.is_empty() => {
                        out.push_str(&format!("{pad}{key}: {{}}\n"))
                    }
                    Node::Seq(inner) if inner.is_empty() => {
                        out.push_str(&format!("{pad}{key}: []\n"))
                    }
                    Node::Map(..) => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        write(value, indent + step, step, flush, out);
                    }
                    Node::Seq(_) => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        let at = if flush { indent } else { indent + step };
                        write(value, at, step, flush, out);
                    }
                }
            }
        }
        Node::Seq(items) => {
            if items.is_empty() {
                out.push_str(&format!("{pad}[]\n"));
            }
            for item in items {
                match item {
                    Node::Scalar(text) => {
                        out.push_str(&format!("{pad}- {}\n", indented(text, &pad)));
                    }
                    Node::Map(inner, _) if !inner.is_empty() => {
                        // `- key: value`, the other keys under the first.
                        let mut entry = String::new();
                        write(item, indent + 2, step, flush, &mut entry);
                        out.push_str(&format!("{pad}- {}", &entry[indent + 2..]));
                    }
                    _ => {
                        out.push_str(&format!("{pad}-\n"));
                        write(item, indent + 2, step, flush, out);
                    }
                }
            }
        }
    }
}

/// A scalar's text with its lines after the first moved in by `pad`, under its key.
fn indented(text: &str, pad: &str) -> String {
    text.trim_end_matches('\n')
        .replace('\n', &format!("\n{pad}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// On generated block YAML, the line reader gives the parser's events, the fast reader
    /// reads what the reference reads, and the editor that writes the file reads the same
    /// (or the file would be refused).
    #[test]
    fn generated_block_yaml_reads_the_same_everywhere(
        top in proptest::collection::vec(node(), 1..6),
        step in 1usize..5,
        flush: bool,
    ) {
        let mut text = String::new();
        write(&Node::Map(top.clone(), 0), 0, step, flush, &mut text);
        block_agrees(&text);
        let value = yaml_reference::read(&text);
        prop_assert!(value.is_ok(), "{}: {:?}", text, value);
        prop_assert_eq!(value.ok(), editor_value(&text).ok(), "{}", text);
        let reference = reference(&text);
        prop_assert_eq!(&reference, &whole(&text), "{}", text);
        if let Some(fast) = fast(&text) {
            prop_assert_eq!(&fast, &reference, "{}", text);
        }
        // The same nodes as the entries of a hook list, which the fast reader keeps as text.
        let mut text = String::from("selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n");
        write(&Node::Seq(top), 10, step, flush, &mut text);
        block_agrees(&text);
        let in_a_list = self::reference(&text);
        prop_assert_eq!(&in_a_list, &whole(&text), "{}", text);
        if let Some(fast) = fast(&text) {
            prop_assert_eq!(&fast, &in_a_list, "{}", text);
        }
    }
}

/// A character YAML forbids, a tab, or one of the characters the fast reader leaves to the
/// reference, to put somewhere in a generated configuration.
fn odd_character() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::sample::select(forbidden().collect::<Vec<_>>()),
        proptest::sample::select(vec!['\t', '\u{85}', '\u{2028}', '\u{2029}', '\u{feff}']),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// On generated block YAML with a character YAML forbids, a tab, NEL, LS, PS or a byte
    /// order mark put anywhere (in keys, values, comments, indentation, hook entries): the fast
    /// reader leaves it to the reference, which refuses every forbidden character; whatever
    /// the fast reader did take, it reads as the reference.
    #[test]
    fn generated_block_yaml_with_odd_characters_is_the_references(
        top in proptest::collection::vec(node(), 1..4),
        step in 1usize..5,
        flush: bool,
        odd in odd_character(),
        at in any::<proptest::sample::Index>(),
        in_a_list: bool,
    ) {
        let mut text = String::new();
        if in_a_list {
            text.push_str("selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n");
            write(&Node::Seq(top), 10, step, flush, &mut text);
        } else {
            write(&Node::Map(top, 0), 0, step, flush, &mut text);
        }
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        text.insert(boundaries[at.index(boundaries.len())], odd);
        let fast = fast(&text);
        prop_assert!(fast.is_none(), "the fast reader took {:?}", text);
        if !yaml_reference::allowed(odd) {
            prop_assert!(yaml_reference::read(&text).is_err(), "{:?}", text);
        }
    }
}

/// Scalars and collections in the styles the line reader leaves to the reference: double-quoted
/// with every escape, block scalars, flow collections, scalars over two lines, core tags,
/// anchors.
const OTHER_STYLES: &[&str] = &[
    "\"tab\\there\"",
    "\"\\u00e9\\x41\"",
    "\"a\\\\b\"",
    "\"q\\\"q\"",
    "\"\\/\"",
    "\"\\e\\0\"",
    "\"\\N\\_\\L\\P\"",
    "\"\\U0001F600\"",
    "\"\\ x\"",
    "\"line\\nbreak\"",
    "\"\"",
    "\"#x\"",
    "|\n  text\n",
    ">\n  folded\n  text\n",
    "|-\n  keep\n",
    ">+\n  x\n\n",
    "[1, 2, {a: b}]",
    "{a: 1, b: [x, y]}",
    "[]",
    "{}",
    "plain\n  continued",
    "'two\n  lines'",
    "\"two\n  lines\"",
    "!!str 12",
    "!!int '7'",
    "&x 1",
    "1 # c",
];

fn other_node() -> impl Strategy<Value = Node> {
    let leaf = proptest::sample::select(OTHER_STYLES).prop_map(Node::Scalar);
    leaf.prop_recursive(4, 24, 4, collections)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// On generated YAML in the other styles, the reference and the editor that writes the file
    /// read the same: such files are planned and applied, not refused (2 000 cases agreed when
    /// this was written).
    #[test]
    fn generated_yaml_in_other_styles_reads_the_same(
        top in proptest::collection::vec(other_node(), 1..4),
        step in 2usize..5,
    ) {
        let mut text = String::new();
        write(&Node::Map(top, 0), 0, step, false, &mut text);
        let read = yaml_reference::read(&text);
        prop_assert!(read.is_ok(), "{}: {:?}", text, read);
        prop_assert_eq!(read.ok(), editor_value(&text).ok(), "{}", text);
        prop_assert_eq!(reference(&text), whole(&text), "{}", text);
    }
}
