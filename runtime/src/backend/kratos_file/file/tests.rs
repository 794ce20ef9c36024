use serde_json::json;

use crate::backend::kratos_file::PathMap;
use crate::hooks::StoredEntry;

use super::*;

const FIXTURE: &str = include_str!("../kratos.yaml");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ory-actions-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The revision of the file as it is now.
fn revision(file: &KratosFile) -> String {
    revision_of(&file.read_file().unwrap().text)
}

/// The write of `scope`'s list to `entries`, from the list the file holds now.
fn write_to(file: &KratosFile, scope: Scope, entries: Vec<Value>) -> ListWrite {
    let before = file
        .read_lists()
        .unwrap()
        .lists
        .get(scope)
        .map(|list| list.iter().map(StoredEntry::value).collect());
    ListWrite::of_values(scope, before, entries)
}

fn web_hook(url: &str) -> Value {
    json!({"hook": "web_hook", "config": {"url": url, "method": "POST", "body": "base64://e30=",
        "can_interrupt": false, "response": {"ignore": false, "parse": false}}})
}

/// Lines of `after` that are not in `before`, and the other way round.
fn changed_lines<'a>(before: &'a str, after: &'a str) -> (Vec<&'a str>, Vec<&'a str>) {
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    (
        a.iter().filter(|l| !b.contains(l)).copied().collect(),
        b.iter().filter(|l| !a.contains(l)).copied().collect(),
    )
}

#[test]
fn reading_gives_the_hook_lists() {
    let dir = temp_dir("read");
    let path = dir.join("kratos.yaml");
    std::fs::write(&path, FIXTURE).unwrap();
    let snapshot = KratosFile::new(&path).read_file().unwrap();
    let flows = &snapshot.config["selfservice"]["flows"];
    assert_eq!(
        flows["registration"]["after"]["password"]["hooks"],
        json!([{"hook": "session"}])
    );
    assert_eq!(
        flows["login"]["before"]["hooks"][0]["config"]["url"],
        "https://guard.example/check"
    );
    assert_eq!(snapshot.config["serve"]["public"]["cors"]["enabled"], true);
}

#[test]
fn an_edit_touches_only_the_lists_it_writes() {
    let dir = temp_dir("edit");
    let path = dir.join("kratos.yaml");
    std::fs::write(&path, FIXTURE).unwrap();
    let file = KratosFile::new(&path);
    let revision = revision(&file);
    let writes = [
        write_to(
            &file,
            Scope::RegistrationAfterPassword,
            vec![
                web_hook("https://hooks.example/welcome"),
                json!({"hook": "session"}),
            ],
        ),
        write_to(
            &file,
            Scope::SettingsAfterProfile,
            vec![web_hook("https://hooks.example/profile")],
        ),
    ];
    let written = file.write_lists(&revision, &writes).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, written.text);
    // Everything before the first changed list is byte for byte the same.
    let unchanged_prefix = FIXTURE.find("        password:\n          hooks:").unwrap();
    assert_eq!(&text[..unchanged_prefix], &FIXTURE[..unchanged_prefix]);
    // Every original line survives, the commented `session` entry included.
    let (added, removed) = changed_lines(FIXTURE, &text);
    assert_eq!(removed, Vec::<&str>::new(), "{text}");
    assert!(
        added
            .iter()
            .any(|l| l.contains("https://hooks.example/welcome")),
        "{text}"
    );
    assert!(added.iter().any(|l| l.trim() == "profile:"), "{text}");
    assert!(text.ends_with("# The end.\n"));
    // The file reads back as what was written.
    let flows = &written.config["selfservice"]["flows"];
    assert_eq!(
        flows["registration"]["after"]["password"]["hooks"],
        json!(*writes[0].values())
    );
    assert_eq!(
        flows["settings"]["after"]["profile"]["hooks"],
        json!(*writes[1].values())
    );
    assert_eq!(flows["settings"]["privileged_session_max_age"], "15m");
}

#[test]
fn a_json_file_stays_json() {
    let dir = temp_dir("json");
    let path = dir.join("kratos.json");
    let original = "{\n  \"dsn\": \"memory\",\n  \"selfservice\": {\n    \"flows\": {\n      \"login\": {\n        \"before\": {\n          \"hooks\": []\n        }\n      }\n    }\n  }\n}\n";
    std::fs::write(&path, original).unwrap();
    let file = KratosFile::new(&path);
    let revision = revision(&file);
    file.write_lists(
        &revision,
        &[write_to(
            &file,
            Scope::LoginBefore,
            vec![web_hook("https://hooks.example/guard?x=1&y=\"q\"")],
        )],
    )
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(parsed["dsn"], "memory");
    assert_eq!(
        parsed["selfservice"]["flows"]["login"]["before"]["hooks"][0]["config"]["url"],
        "https://hooks.example/guard?x=1&y=\"q\""
    );
    assert!(text.starts_with("{\n  \"dsn\": \"memory\",\n"), "{text}");
}

#[test]
fn a_file_changed_since_it_was_read_is_not_overwritten() {
    let dir = temp_dir("changed");
    let path = dir.join("kratos.yaml");
    std::fs::write(&path, FIXTURE).unwrap();
    let file = KratosFile::new(&path);
    let revision = revision(&file);
    std::fs::write(&path, format!("{FIXTURE}# edited by someone\n")).unwrap();
    let err = file
        .write_lists(&revision, &[write_to(&file, Scope::LoginBefore, vec![])])
        .err()
        .expect("a conflict");
    assert!(matches!(err, Error::FileChanged { .. }), "{err}");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .ends_with("# edited by someone\n")
    );
}

#[test]
fn a_write_that_fails_midway_leaves_the_original_intact() {
    let dir = temp_dir("crash");
    let path = dir.join("kratos.yaml");
    std::fs::write(&path, FIXTURE).unwrap();
    let result = write_atomically(&path, b"selfservice: {}\n", |file, bytes| {
        file.write_all(&bytes[..4])?;
        Err(std::io::Error::other("the disk filled up"))
    });
    assert!(result.is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXTURE);
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
}

#[test]
fn bodies_named_by_path_are_read_where_kratos_reads_them() {
    let dir = temp_dir("bodies");
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/body.jsonnet"), "function(ctx) {}").unwrap();
    let plain = KratosFile::new(dir.join("kratos.yaml"));
    // Relative paths are Kratos's working directory's, not the configuration's directory.
    assert!(
        plain
            .read_body("file://templates/body.jsonnet")
            .unwrap_err()
            .contains("--kratos-dir")
    );
    let file = plain.with_paths(KratosPaths::new(
        Some(dir.clone()),
        vec![
            PathMap::parse(&format!(
                "/etc/config/kratos={}",
                dir.join("templates").display()
            ))
            .unwrap(),
        ],
    ));
    assert_eq!(
        file.read_body("file://templates/body.jsonnet").unwrap(),
        "function(ctx) {}"
    );
    assert_eq!(
        file.read_body("templates/body.jsonnet").unwrap(),
        "function(ctx) {}"
    );
    let absolute = format!("file://{}", dir.join("templates/body.jsonnet").display());
    assert_eq!(file.read_body(&absolute).unwrap(), "function(ctx) {}");
    assert_eq!(
        file.read_body("file:///etc/config/kratos/body.jsonnet")
            .unwrap(),
        "function(ctx) {}"
    );
    assert!(
        file.read_body("/etc/config/kratos/missing.jsonnet")
            .unwrap_err()
            .contains("--path-map")
    );
}

#[test]
fn files_that_are_not_templates_are_read_but_never_shown() {
    let dir = temp_dir("outside");
    let file = KratosFile::new(dir.join("kratos.yaml"));
    std::fs::write(dir.join("key.json"), "{\"private_key\": \"s3cret\"}").unwrap();
    std::fs::write(dir.join(".env"), "TOKEN=s3cret\n").unwrap();
    for named in [
        "/etc/passwd".to_owned(),
        format!("file://{}", dir.join("key.json").display()),
        format!("{}", dir.join(".env").display()),
    ] {
        let e = file.read_body(&named).unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
        if !named.starts_with("/etc") {
            assert!(
                e.contains("is not a Jsonnet template, so it is not shown"),
                "{e}"
            );
        }
    }
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    assert!(
        file.read_body(&dir.join("sub").display().to_string())
            .unwrap_err()
            .contains("not a regular file")
    );
}

#[test]
fn lists_shared_through_anchors_are_not_edited_behind_the_users_back() {
    let dir = temp_dir("anchors");
    let path = dir.join("kratos.yaml");
    let text = "selfservice:\n  flows:\n    registration:\n      after:\n        password:\n          hooks: &signin\n            - hook: session\n        oidc:\n          hooks: *signin\n";
    std::fs::write(&path, text).unwrap();
    let file = KratosFile::new(&path);
    let revision = revision(&file);
    let result = file.write_lists(
        &revision,
        &[write_to(
            &file,
            Scope::RegistrationAfterPassword,
            vec![
                web_hook("https://hooks.example/welcome"),
                json!({"hook": "session"}),
            ],
        )],
    );
    match result {
        Err(error) => assert!(error.to_string().contains("anchors"), "{error}"),
        Ok(_) => {
            // The editor may instead give the edited list its own entries; then the other list
            // must be as it was.
            let config = file.config().unwrap();
            assert_eq!(
                config["selfservice"]["flows"]["registration"]["after"]["oidc"]["hooks"],
                json!([{"hook": "session"}])
            );
        }
    }
    if std::fs::read_to_string(&path).unwrap() != text {
        let config = file.config().unwrap();
        assert_eq!(
            config["selfservice"]["flows"]["registration"]["after"]["oidc"]["hooks"],
            json!([{"hook": "session"}])
        );
    }
}

#[test]
fn json_files_take_any_unicode() {
    let dir = temp_dir("json-unicode");
    let path = dir.join("kratos.json");
    std::fs::write(
        &path,
        "{\"selfservice\": {\"flows\": {\"login\": {\"before\": {\"hooks\": []}}}}, \"x\": 1}",
    )
    .unwrap();
    let file = KratosFile::new(&path);
    let revision = revision(&file);
    let mut hook = web_hook("https://hooks.example/zürich");
    hook["config"]["headers"] = json!({"X-Team": "Zürich 😀"});
    file.write_lists(
        &revision,
        &[write_to(&file, Scope::LoginBefore, vec![hook.clone()])],
    )
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(
        parsed["selfservice"]["flows"]["login"]["before"]["hooks"][0],
        hook
    );
    assert!(text.ends_with(", \"x\": 1}"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_write_keeps_the_owner_mode_and_symbolic_link() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let dir = temp_dir("owner");
    let real = dir.join("real.yaml");
    std::fs::write(&real, FIXTURE).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let owned = std::os::unix::fs::chown(&real, Some(1000), Some(1000)).is_ok();
    let link = dir.join("kratos.yaml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let file = KratosFile::new(&link);
    let revision = revision(&file);
    file.write_lists(&revision, &[write_to(&file, Scope::LoginBefore, vec![])])
        .unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let metadata = std::fs::metadata(&real).unwrap();
    assert_eq!(metadata.permissions().mode() & 0o777, 0o640);
    if owned {
        assert_eq!((metadata.uid(), metadata.gid()), (1000, 1000));
    }
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("hooks: []")
    );
}

#[test]
fn entries_that_stay_keep_their_comments_when_others_change() {
    let dir = temp_dir("entries");
    let path = dir.join("kratos.yaml");
    let text = "selfservice:\n  flows:\n    login:\n      after:\n        password:\n          hooks:\n            # first, theirs\n            - hook: revoke_active_sessions   # keep me\n            - hook: web_hook\n              config:\n                url: https://old.example/ours\n                method: POST\n            - hook: require_verified_address # and me\n";
    std::fs::write(&path, text).unwrap();
    let file = KratosFile::new(&path);
    file.write_lists(
        &revision(&file),
        &[write_to(
            &file,
            Scope::LoginAfterPassword,
            vec![
                json!({"hook": "revoke_active_sessions"}),
                json!({"hook": "require_verified_address"}),
                web_hook("https://hooks.example/new"),
            ],
        )],
    )
    .unwrap();
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.contains("# first, theirs"), "{after}");
    assert!(
        after.contains("- hook: revoke_active_sessions   # keep me"),
        "{after}"
    );
    assert!(
        after.contains("- hook: require_verified_address # and me"),
        "{after}"
    );
    assert!(!after.contains("old.example"), "{after}");
    let config = file.config().unwrap();
    let list = &config["selfservice"]["flows"]["login"]["after"]["password"]["hooks"];
    assert_eq!(list[2]["config"]["url"], "https://hooks.example/new");
    assert_eq!(list.as_array().unwrap().len(), 3);
}

/// A web hook with every kind of field, its JSON keys in no particular order.
fn full_web_hook(url: &str) -> Value {
    let mut hook = web_hook(url);
    hook["config"]["auth"] =
        json!({"type": "api_key", "config": {"value": "v", "name": "X-Key", "in": "header"}});
    hook["config"]["headers"] = json!({"X-B": "b", "X-A": "a"});
    hook["config"]["id"] = json!("welcome");
    hook
}

#[test]
fn entries_are_written_as_a_person_writes_them() {
    let dir = temp_dir("written-order");
    let path = dir.join("kratos.yaml");
    std::fs::write(&path, FIXTURE).unwrap();
    let file = KratosFile::new(&path);
    let hook = full_web_hook("https://hooks.example/welcome");
    file.write_lists(
        &revision(&file),
        &[
            // Into a list that is there (entry by entry) and into one that is not (whole).
            write_to(
                &file,
                Scope::RegistrationAfterPassword,
                vec![hook.clone(), json!({"hook": "session"})],
            ),
            write_to(&file, Scope::SettingsAfterProfile, vec![hook]),
        ],
    )
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let entry = |indent: &str| {
        [
            "- hook: web_hook",
            "  config:",
            "    url: https://hooks.example/welcome",
            "    method: POST",
            "    body: base64://e30=",
            "    auth:",
            "      type: api_key",
            "      config:",
            "        name: X-Key",
            "        value: v",
            "        in: header",
            "    headers:",
            "      X-A: a",
            "      X-B: b",
            "    response:",
            "      ignore: false",
            "      parse: false",
            "    can_interrupt: false",
            "    id: welcome",
        ]
        .map(|line| format!("{indent}{line}\n"))
        .concat()
    };
    let registration = format!(
        "        password:\n          hooks:\n{}            - hook: session   # sign in after sign up\n    settings:\n",
        entry("            ")
    );
    assert!(text.contains(&registration), "{text}");
    let settings = format!(
        "      privileged_session_max_age: 15m\n      after:\n        profile:\n          hooks:\n{}\nidentity:\n",
        entry("            ")
    );
    assert!(text.contains(&settings), "{text}");
}

/// Writes the fixture `text` as `kratos.json`, then a web hook into registration's password
/// list (which is there, holding `session`) and into login's (which is not, nor is
/// `login.after`); returns the text written.
fn write_into_json(name: &str, text: &str) -> String {
    let dir = temp_dir(name);
    let path = dir.join("kratos.json");
    std::fs::write(&path, text).unwrap();
    let file = KratosFile::new(&path);
    let written = file
        .write_lists(
            &revision(&file),
            &[
                write_to(&file, Scope::RegistrationAfterPassword, vec![
                        web_hook("https://hooks.example/welcome"),
                        json!({"hook": "session"}),
                    ]),
                write_to(&file, Scope::LoginAfterPassword, vec![json!({"hook": "web_hook", "config": {
                        "url": "https://hooks.example/login", "method": "PUT",
                        "auth": {"type": "basic_auth", "config": {"user": "u", "password": "p"}}}})]),
            ],
        )
        .unwrap();
    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert_eq!(on_disk, written.text);
    on_disk
}

/// `text` with the one occurrence of `from` replaced by `to`.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} in {text}");
    text.replacen(from, to, 1)
}

#[test]
fn a_multi_line_json_file_gets_lists_in_its_own_two_space_style() {
    let fixture = include_str!("../kratos-2-spaces.json");
    let text = write_into_json("json-2-spaces", fixture);
    let expected = replace_once(
        fixture,
        r#"
            "hooks": [
              {
                "hook": "session"
              }
            ]
"#,
        r#"
            "hooks": [
              {
                "hook": "web_hook",
                "config": {
                  "url": "https://hooks.example/welcome",
                  "method": "POST",
                  "body": "base64://e30=",
                  "response": {
                    "ignore": false,
                    "parse": false
                  },
                  "can_interrupt": false
                }
              },
              {
                "hook": "session"
              }
            ]
"#,
    );
    let expected = replace_once(
        &expected,
        r#"
        "ui_url": "http://localhost:4455/login"
      }
"#,
        r#"
        "ui_url": "http://localhost:4455/login",
        "after": {
          "password": {
            "hooks": [
              {
                "hook": "web_hook",
                "config": {
                  "url": "https://hooks.example/login",
                  "method": "PUT",
                  "auth": {
                    "type": "basic_auth",
                    "config": {
                      "user": "u",
                      "password": "p"
                    }
                  }
                }
              }
            ]
          }
        }
      }
"#,
    );
    assert_eq!(text, expected);
}

#[test]
fn a_multi_line_json_file_gets_lists_in_its_own_four_space_style() {
    let fixture = include_str!("../kratos-4-spaces.json");
    let text = write_into_json("json-4-spaces", fixture);
    let expected = replace_once(
        fixture,
        r#"
                        "hooks": [
                            {
                                "hook": "session"
                            }
                        ]
"#,
        r#"
                        "hooks": [
                            {
                                "hook": "web_hook",
                                "config": {
                                    "url": "https://hooks.example/welcome",
                                    "method": "POST",
                                    "body": "base64://e30=",
                                    "response": {
                                        "ignore": false,
                                        "parse": false
                                    },
                                    "can_interrupt": false
                                }
                            },
                            {
                                "hook": "session"
                            }
                        ]
"#,
    );
    let expected = replace_once(
        &expected,
        r#"
                "ui_url": "http://localhost:4455/login"
            }
"#,
        r#"
                "ui_url": "http://localhost:4455/login",
                "after": {
                    "password": {
                        "hooks": [
                            {
                                "hook": "web_hook",
                                "config": {
                                    "url": "https://hooks.example/login",
                                    "method": "PUT",
                                    "auth": {
                                        "type": "basic_auth",
                                        "config": {
                                            "user": "u",
                                            "password": "p"
                                        }
                                    }
                                }
                            }
                        ]
                    }
                }
            }
"#,
    );
    assert_eq!(text, expected);
}

#[test]
fn a_one_line_json_file_stays_on_one_line() {
    let fixture = include_str!("../kratos-compact.json");
    let text = write_into_json("json-compact", fixture);
    let expected = replace_once(
        fixture,
        r#""password":{"hooks":[{"hook":"session"}]}"#,
        r#""password":{"hooks":[{"hook":"web_hook","config":{"url":"https://hooks.example/welcome","method":"POST","body":"base64://e30=","response":{"ignore":false,"parse":false},"can_interrupt":false}},{"hook":"session"}]}"#,
    );
    let expected = replace_once(
        &expected,
        r#""login":{"ui_url":"http://localhost:4455/login"}"#,
        r#""login":{"ui_url":"http://localhost:4455/login","after":{"password":{"hooks":[{"hook":"web_hook","config":{"url":"https://hooks.example/login","method":"PUT","auth":{"type":"basic_auth","config":{"user":"u","password":"p"}}}}]}}}"#,
    );
    assert_eq!(text, expected);
    assert_eq!(text.lines().count(), 1);
}

/// The verdicts of every read on `text` in a file named `name`: the plan's read of the lists,
/// the whole read (explain, export, `config`) and the read before a write. They must agree.
fn verdicts(name: &str, text: &str) -> [Result<(), String>; 3] {
    let dir = temp_dir(&format!("verdict-{}", name.replace('.', "-")));
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let file = KratosFile::new(&path);
    let plan = file.read_lists().map(drop).map_err(|e| e.to_string());
    let whole = file.config().map(drop).map_err(|e| e.to_string());
    let write = file
        .write_lists(&revision_of(text), &[])
        .map(drop)
        .map_err(|e| e.to_string());
    [plan, whole, write]
}

/// `text` is refused by every read, with a message that contains `problem`.
#[track_caller]
fn refused_by_all(name: &str, text: &str, problem: &str) {
    for verdict in verdicts(name, text) {
        let error = verdict.expect_err(text);
        assert!(error.contains(problem), "{text:?}: {error}");
    }
}

/// A file is read by every command or by none, with the same error: before, the plan read some
/// files the write refused (or panicked on them), and the editor read invalid YAML that no YAML
/// parser takes.
#[test]
fn every_read_gives_one_verdict() {
    let hooks = "selfservice:\n  flows:\n    login:\n      before:\n        hooks:\n";
    let entry =
        |config: &str| format!("{hooks}          - hook: web_hook\n            config: {config}\n");
    let deep = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // YAML that YAML parsers refuse, which the editor took.
    refused_by_all(
        "a.yaml",
        "selfservice:\n  flows:\n    login:\n      before:\n        hooks: - hook: session\n",
        "it is not valid YAML: at line 5, column 16: block sequence entries are not allowed",
    );
    refused_by_all(
        "a.yaml",
        &format!(
            "{hooks}          - hook: web_hook\n            config:\n           url: https://a.example\n"
        ),
        "it is not valid YAML: at line 8, column 12",
    );
    refused_by_all(
        "a.yaml",
        "dsn: a: b\n",
        "at line 1, column 7: mapping values are not allowed",
    );
    refused_by_all(
        "a.yaml",
        &entry("{url: \"x\u{1}\"}"),
        "at line 7, column 29: the character U+0001",
    );
    // Nesting: one collection exactly 128 deep used to panic the plan.
    refused_by_all(
        "a.yaml",
        &format!("dsn: {}\n", deep(128)),
        "nest deeper than 127 levels",
    );
    refused_by_all("a.yaml", &entry(&deep(128)), "nest deeper than 127 levels");
    refused_by_all("a.yaml", &entry(&deep(10_000)), "it is not valid YAML");
    // Valid YAML the editor cannot write back: refused before a plan, not at the write.
    refused_by_all(
        "a.yaml",
        "%YAML 1.1\n---\nselfservice: {}\n",
        "`%YAML 1.1`: only comments and `%YAML 1.2` may stand outside the document",
    );
    refused_by_all(
        "a.yaml",
        "%TAG !e! tag:example.com,2000:\n---\nselfservice: {}\n",
        "the editor that writes it cannot read it",
    );
    refused_by_all(
        "a.yaml",
        "selfservice: {}\n---\nother: 1\n",
        "a second YAML document starts here",
    );
    refused_by_all(
        "a.yaml",
        "selfservice: {}\nselfservice: {}\n",
        "the key `selfservice` is given twice",
    );
    refused_by_all("a.yaml", "selfservice: !custom {}\n", "the tag `!custom`");
    // Valid YAML the editor misreads (found by comparing the two on 3 000 mutated files: 573
    // of the 606 valid ones were read the same): refused, never half-read.
    refused_by_all(
        "a.yaml",
        "selfservice:\n  flows:\n    login:\n     : before:\n        hooks:\n          - hook: session\n",
        "it reads `/selfservice/flows/login/hooks` differently",
    );
    refused_by_all(
        "a.yaml",
        "# only a comment\n",
        "the editor that writes it cannot read it",
    );
    // JSON: what serde_json refuses anywhere in the file.
    let json_entry = |config: &str| {
        format!(
            r#"{{"selfservice": {{"flows": {{"login": {{"before": {{"hooks": [{{"hook": "web_hook", "config": {config}}}]}}}}}}}}}}"#
        )
    };
    refused_by_all(
        "a.json",
        &json_entry(r#"{"url": "\ud800"}"#),
        "hex escape at line 1 column 105",
    );
    refused_by_all("a.json", &json_entry("1e400"), "number out of range");
    refused_by_all(
        "a.json",
        &json_entry(&deep(128)),
        "nest deeper than 127 levels at line 1 column",
    );
    refused_by_all(
        "a.json",
        &json_entry(&deep(10_000)),
        "nest deeper than 127 levels at line 1 column",
    );
    refused_by_all(
        "a.json",
        r#"{"dsn": 1e400, "selfservice": {}}"#,
        "number out of range at line 1 column 13",
    );
    refused_by_all(
        "a.json",
        &format!(r#"{{"dsn": {}, "selfservice": {{}}}}"#, deep(127)),
        "nest deeper than 127 levels at line 1 column",
    );
    // And what is read is read by all.
    for (name, text) in [
        ("a.yaml", entry("{url: https://a.example, method: POST}")),
        (
            "a.yaml",
            format!(
                "d: &d {{url: https://a.example}}\n{hooks}          - hook: web_hook\n            config:\n              <<: *d\n              method: POST\n"
            ),
        ),
        ("a.yaml", format!("dsn: {}\n", deep(126))),
        ("a.yaml", "%YAML 1.2\n---\nselfservice: {}\n".to_owned()),
        ("a.yaml", "# licence\n---\nselfservice: {}\n".to_owned()),
        ("a.json", json_entry(&deep(100))),
    ] {
        assert_eq!(verdicts(name, &text), [Ok(()), Ok(()), Ok(())], "{text}");
    }
}

/// A licence header before `---` and a `%YAML 1.2` directive belong to the YAML stream, not to
/// the document the editor edits (the fuzzer found such files planned, then refused by apply):
/// they are read, and kept as they were when the hook lists are written.
#[test]
fn comments_before_the_document_and_a_yaml_directive_are_kept() {
    let dir = temp_dir("stream-level");
    for head in [
        "# Copyright the authors\n# SPDX-License-Identifier: Apache-2.0\n---\n",
        "%YAML 1.2\n---\n",
        "# licence\n%YAML 1.2 # the version\n\n--- # the document\n",
    ] {
        let original = format!("{head}{FIXTURE}...\n# the end\n");
        let path = dir.join("kratos.yaml");
        std::fs::write(&path, &original).unwrap();
        let file = KratosFile::new(&path);
        let revision = revision(&file);
        let before = file.config().unwrap();
        let writes = [write_to(
            &file,
            Scope::RegistrationAfterPassword,
            vec![web_hook("https://hooks.example/welcome")],
        )];
        let written = file.write_lists(&revision, &writes).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, written.text);
        assert!(text.starts_with(head), "{text}");
        assert!(text.ends_with("...\n# the end\n"), "{text}");
        let (added, removed) = changed_lines(&original, &text);
        assert!(
            removed.iter().all(|l| l.contains("hook: session")),
            "{removed:?}"
        );
        assert!(
            added
                .iter()
                .any(|l| l.contains("https://hooks.example/welcome")),
            "{added:?}"
        );
        let mut expected = before;
        set_list(
            &mut expected,
            Scope::RegistrationAfterPassword,
            json!([web_hook("https://hooks.example/welcome")]),
        );
        assert_eq!(file.config().unwrap(), expected);
    }
}

/// A body template or a schema a configuration or an option names is read as the configuration
/// is: a FIFO, a device or a directory is refused at once (a FIFO used to block the plan).
#[cfg(target_os = "linux")]
#[test]
fn other_files_named_are_regular_files_too() {
    let dir = temp_dir("named-kinds");
    let fifo = dir.join("body.jsonnet");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let file = KratosFile::new(dir.join("kratos.yaml"));
    for (reference, kind) in [
        (
            format!("file://{}", fifo.display()),
            "is a FIFO (named pipe)",
        ),
        ("file:///dev/zero".to_owned(), "is a character device"),
        (format!("file://{}", dir.display()), "is a directory"),
    ] {
        let problem = file.read_body(&reference).unwrap_err();
        assert!(
            problem.contains(&format!("{kind}, not a regular file")),
            "{problem}"
        );
    }
    #[cfg(feature = "schema")]
    for path in [fifo.as_path(), std::path::Path::new("/dev/urandom")] {
        let problem = KratosSchema::load(path).err().unwrap();
        assert!(problem.contains("not a regular file"), "{problem}");
    }
}
