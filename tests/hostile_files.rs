//! Configuration files nobody would write on purpose, through the command line: too large,
//! nested without end, full of aliases, not files at all, invalid in the ways a lenient reader
//! lets through. Every command (`plan`, `apply`, `explain`, `export`) refuses each one the same
//! way, at once, with what is wrong and where; none panics, hangs or reads without end, and
//! nothing is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ory_actions::{Action, Flow, Stack, Timing};

/// The commands that read a configuration.
const COMMANDS: [&[&str]; 4] = [&["plan"], &["apply", "--yes"], &["explain"], &["export"]];

mod common;

use ory_actions::testkit::{Run, run_env};

fn stack() -> Stack {
    Stack::new().action(
        Action::builder(
            Flow::Login,
            Timing::Before,
            "https://hooks.example.com/check",
        )
        .build()
        .unwrap(),
    )
}

/// Runs `args` against the configuration `path`, failing the test if it takes longer than
/// `limit` (a hang) instead of waiting for it.
fn run(path: &Path, args: &[&str], limit: Duration) -> Run {
    let env: BTreeMap<&'static str, String> =
        BTreeMap::from([("ORY_KRATOS_CONFIG", path.display().to_string())]);
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let (send, receive) = mpsc::channel();
    let shown = format!("{args:?} on {}", path.display());
    std::thread::spawn(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let _ = send.send(run_env(stack(), &args, &env));
    });
    receive
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{shown} did not finish within {limit:?} (or panicked)"))
}

/// Every command refuses `path` with exit code 1, within `limit`, with an error that contains
/// each of `problems`; the file is left as it was.
#[track_caller]
fn refused(path: &Path, problems: &[&str], limit: Duration) {
    let before = std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .and_then(|_| std::fs::read(path).ok());
    for args in COMMANDS {
        let started = Instant::now();
        let run = run(path, args, limit);
        assert_eq!(
            run.code,
            1,
            "{args:?} on {}:\n{}\n{}",
            path.display(),
            run.out,
            run.err
        );
        for problem in problems {
            assert!(
                run.err.contains(problem),
                "{args:?} on {}: expected {problem:?} in:\n{}",
                path.display(),
                run.err
            );
        }
        assert!(!run.err.contains("panicked"), "{}", run.err);
        assert!(started.elapsed() < limit);
    }
    if let Some(before) = before {
        assert_eq!(std::fs::read(path).unwrap(), before, "{}", path.display());
    }
}

/// A fresh directory for one test.
fn dir(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ory-actions-hostile-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn file(name: &str, file: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir(name).join(file);
    std::fs::write(&path, text).unwrap();
    path
}

const QUICK: Duration = Duration::from_secs(20);

/// The hook list every file below puts its entry in.
fn yaml_entry(config: &str) -> String {
    format!(
        "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n          - hook: web_hook\n            config: {config}\n"
    )
}

fn json_entry(config: &str) -> String {
    format!(
        r#"{{"selfservice": {{"flows": {{"login": {{"before": {{"hooks": [{{"hook": "web_hook", "config": {config}}}]}}}}}}}}}}"#
    )
}

fn deep(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn a_file_over_the_size_limit_is_not_read() {
    let mut text = yaml_entry("{url: https://hooks.example.com/check}");
    text.push_str("# ");
    text.push_str(&"x".repeat(16 * 1024 * 1024));
    text.push('\n');
    let path = file("huge", "kratos.yaml", &text);
    refused(&path, &["is larger than 16 MiB, so it is not read"], QUICK);
}

#[cfg(target_os = "linux")]
#[test]
fn what_is_not_a_regular_file_is_refused_at_once() {
    let dir = dir("kinds");
    refused(&dir, &["is a directory, not a regular file"], QUICK);
    for device in ["/dev/zero", "/dev/urandom"] {
        // Through a symbolic link named like a configuration, too.
        let link = dir.join(format!("{}.yaml", device.trim_start_matches("/dev/")));
        std::os::unix::fs::symlink(device, &link).unwrap();
        for path in [Path::new(device), &link] {
            refused(path, &["is a character device, not a regular file"], QUICK);
        }
    }
    let fifo = dir.join("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    refused(
        &fifo,
        &["is a FIFO (named pipe), not a regular file"],
        QUICK,
    );
    let cycle = dir.join("cycle.yaml");
    let other = dir.join("other.yaml");
    std::os::unix::fs::symlink(&other, &cycle).unwrap();
    std::os::unix::fs::symlink(&cycle, &other).unwrap();
    refused(&cycle, &["cannot be read", "symbolic links"], QUICK);
}

#[test]
fn deep_nesting_is_an_error_with_its_place() {
    let path = file("deep-yaml", "kratos.yaml", yaml_entry(&deep(10_000)));
    refused(
        &path,
        &["it is not valid YAML: at line 7, column 276: collections nest too deep here"],
        QUICK,
    );
    let path = file("deep-yaml-128", "kratos.yaml", yaml_entry(&deep(128)));
    refused(
        &path,
        &["at line 7, column 141: collections nest deeper than 127 levels"],
        QUICK,
    );
    let path = file(
        "deep-yaml-top",
        "kratos.yaml",
        format!("dsn: {}\n", deep(128)),
    );
    refused(&path, &["at line 1, column 132"], QUICK);
    // 3 000 levels of block mappings (4.5 MB: 10 000 would be over the size limit).
    let block: String = (0..3_000)
        .map(|level| format!("{}k:\n", " ".repeat(level)))
        .collect();
    let path = file("deep-block", "kratos.yaml", block);
    refused(
        &path,
        &["it is not valid YAML: at line 128, column 128"],
        QUICK,
    );
    let path = file("deep-json", "kratos.json", json_entry(&deep(10_000)));
    refused(
        &path,
        &["nest deeper than 127 levels at line 1 column"],
        QUICK,
    );
    let path = file("deep-json-128", "kratos.json", json_entry(&deep(128)));
    refused(
        &path,
        &["nest deeper than 127 levels at line 1 column"],
        QUICK,
    );
    let path = file(
        "deep-json-top",
        "kratos.json",
        format!(r#"{{"dsn": {}, "selfservice": {{}}}}"#, deep(127)),
    );
    refused(
        &path,
        &["nest deeper than 127 levels at line 1 column 135"],
        QUICK,
    );
}

#[test]
fn an_alias_bomb_is_refused_in_well_under_a_second() {
    let mut text = String::from("lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        text.push_str(&format!(
            "lol{level}: &a{level} [{}]\n",
            [previous.as_str(); 10].join(", ")
        ));
    }
    // Under a key nothing reads, beside a plain configuration.
    text.push_str(&yaml_entry("{url: https://hooks.example.com/check}"));
    let path = file("bomb", "kratos.yaml", &text);
    refused(
        &path,
        &[
            "at line 5, column",
            "stand for more than 100000 nodes in all (an alias bomb?)",
        ],
        Duration::from_secs(5),
    );
    let started = Instant::now();
    let run = run(&path, &["plan"], Duration::from_secs(5));
    assert_eq!(run.code, 1);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    // An alias to the node it is in.
    let path = file("cycle", "kratos.yaml", "a: &a [1, *a]\n");
    refused(&path, &["at line 1, column 11", "(a cycle)"], QUICK);
}

#[test]
fn invalid_yaml_is_refused_not_half_read() {
    let hooks = "selfservice:\n  flows:\n    login:\n      before:\n        hooks:";
    for (name, text, problem) in [
        (
            "one-line",
            format!("{hooks} - hook: session\n"),
            "at line 5, column 16: block sequence entries are not allowed in this context",
        ),
        (
            "mis-indented",
            format!(
                "{hooks}\n          - hook: web_hook\n            config:\n           url: https://a.example\n"
            ),
            "at line 8, column 12: while parsing a block collection, did not find expected '-' indicator",
        ),
        (
            "colon",
            "dsn: a: b\n".to_owned(),
            "at line 1, column 7: mapping values are not allowed in this context",
        ),
        (
            "control",
            yaml_entry("{url: \"https://a.example/\u{1}\"}"),
            "at line 7, column 46: the character U+0001 is not allowed in YAML",
        ),
        (
            "tab",
            "dsn:\tmemory\n".to_owned(),
            "at line 1, column 5: a tab here, outside a quoted string",
        ),
        (
            "escape",
            yaml_entry("{url: \"\\ud800\"}"),
            "at line 7, column 27: while parsing a quoted scalar, found invalid Unicode character escape code",
        ),
    ] {
        let path = file(name, "kratos.yaml", &text);
        refused(&path, &["it is not valid YAML", problem], QUICK);
    }
}

#[test]
fn valid_yaml_the_editor_cannot_write_is_refused_before_a_plan() {
    for (name, text, problem) in [
        (
            "directive",
            format!("%YAML 1.1\n---\n{}", yaml_entry("{url: https://a.example}")),
            "it is valid YAML, but the editor that writes it cannot read it",
        ),
        (
            "tag-directive",
            format!(
                "%TAG !e! tag:example.com,2000:\n---\n{}",
                yaml_entry("{url: https://a.example}")
            ),
            "it is valid YAML, but the editor that writes it cannot read it",
        ),
        (
            "documents",
            format!(
                "{}---\ndsn: memory\n",
                yaml_entry("{url: https://a.example}")
            ),
            "at line 8, column 1: a second YAML document starts here",
        ),
        (
            "duplicate",
            format!("dsn: a\ndsn: b\n{}", yaml_entry("{url: https://a.example}")),
            "at line 2, column 1: the key `dsn` is given twice",
        ),
        (
            "tag",
            yaml_entry("!secret {url: https://a.example}"),
            "at line 7, column 21: the tag `!secret` is not one this mapping can have",
        ),
    ] {
        let path = file(name, "kratos.yaml", &text);
        refused(&path, &[problem], QUICK);
    }
}

#[test]
fn json_that_a_json_parser_refuses_is_refused_everywhere_in_the_file() {
    for (name, text, problem) in [
        (
            "surrogate",
            json_entry(r#"{"url": "https://a.example/\ud800"}"#),
            "it is not valid JSON: unexpected end of hex escape at line 1 column",
        ),
        (
            "huge-number",
            json_entry(r#"{"url": "https://a.example/", "x": 1e400}"#),
            "it holds a number out of range at line 1 column",
        ),
        (
            "huge-number-beside",
            r#"{"dsn": 1e400, "selfservice": {}}"#.to_owned(),
            "it holds a number out of range at line 1 column 13",
        ),
        (
            "surrogate-beside",
            r#"{"dsn": "\udc00", "selfservice": {}}"#.to_owned(),
            "it is not valid JSON: lone leading surrogate in hex escape at line 1 column",
        ),
    ] {
        let path = file(name, "kratos.json", &text);
        refused(&path, &[problem], QUICK);
    }
}

/// Anchors, aliases and merge keys as real configurations use them keep working: a plan reads
/// the entries through them and an apply writes beside them.
#[test]
fn the_anchors_real_configurations_use_keep_working() {
    let text = "\
defaults: &default
  method: POST
  body: base64://e30=
selfservice:
  flows:
    login:
      before:
        hooks:
          - hook: web_hook
            config:
              <<: *default
              url: https://hooks.example.com/other
    registration:
      after:
        hooks:
          - hook: web_hook
            config: *default
";
    let path = file("anchors", "kratos.yaml", text);
    let plan = run(&path, &["plan"], QUICK);
    assert_eq!(plan.code, 0, "{}\n{}", plan.out, plan.err);
    assert!(plan.out.contains("hooks.example.com/check"), "{}", plan.out);
    let applied = run(&path, &["apply", "--yes"], QUICK);
    assert_eq!(applied.code, 0, "{}\n{}", applied.out, applied.err);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("<<: *default") && after.contains("config: *default"),
        "{after}"
    );
    assert!(after.contains("https://hooks.example.com/check"), "{after}");
    let again = run(&path, &["plan", "--detailed-exitcode"], QUICK);
    assert_eq!(again.code, 0, "{}\n{}", again.out, again.err);
}
