//! `probe` against endpoints on loopback: every outcome of Kratos's contract, one line per
//! hook, the others still probed after a failure, exit 1 naming the failing hooks.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use ory_actions::{Action, AuthMethod, Flow, Secret, Stack, Timing};

/// A small HTTP/1.1 server: answers each path with a fixed status and body, and records the
/// requests it got (request line and headers, and the body).
fn serve(
    routes: &'static [(&'static str, u16, &'static str)],
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let log = Arc::clone(&log);
            std::thread::spawn(move || answer(stream, routes, &log));
        }
    });
    (base, seen)
}

/// Answers one connection: a TLS handshake gets plain HTTP back (so it fails at once), a
/// request its route's reply.
fn answer(
    mut stream: std::net::TcpStream,
    routes: &'static [(&'static str, u16, &'static str)],
    log: &Mutex<Vec<String>>,
) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    // Read the head, then as much body as Content-Length says.
    let (head, body_start) = loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break (String::new(), 0);
        }
        if data.is_empty() && buf[0] == 0x16 {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
            return;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break (String::from_utf8_lossy(&data[..at]).into_owned(), at + 4);
        }
    };
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    while data.len() < body_start + length {
        let n = stream.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    let body = String::from_utf8_lossy(&data[body_start..]).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    log.lock().unwrap().push(format!("{head}\n\n{body}"));
    let (status, reply) = routes
        .iter()
        .find(|(p, _, _)| *p == path)
        .map_or((404, ""), |(_, s, b)| (*s, *b));
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

/// A Kratos configuration file with no hooks, in a directory of its own.
fn empty_config(name: &str) -> std::path::PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ory-actions-probe-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("kratos.yaml");
    std::fs::write(&config, "selfservice:\n  flows: {}\n").unwrap();
    config
}

/// The line `probe` printed for the action named `name`.
fn line(out: &str, name: &str) -> String {
    out.lines()
        .find(|l| l.contains(&format!("{name} (")))
        .unwrap_or_else(|| panic!("no line for {name}:\n{out}"))
        .to_owned()
}

fn hook(base: &str, path: &str, name: &'static str) -> ory_actions::ActionBuilder {
    Action::builder(Flow::Registration, Timing::After, format!("{base}{path}"))
        .auth_method(AuthMethod::Password)
        .name(name)
        .body("function(ctx) { email: ctx.identity.traits.email }")
}

#[test]
fn every_hook_is_called_as_kratos_calls_it_and_its_reply_judged() {
    static ROUTES: &[(&str, u16, &str)] = &[
        ("/ok", 204, ""),
        (
            "/guard",
            400,
            r##"{"messages":[{"instance_ptr":"#/traits/email","messages":[{"id":4000001,"text":"Not invited","type":"error"}]}]}"##,
        ),
        ("/badguard", 403, r#"{"error":"forbidden"}"#),
        (
            "/enrich",
            200,
            r#"{"identity":{"traits":{"email":"jane.doe@example.com","plan":"free"}}}"#,
        ),
    ];
    let (base, seen) = serve(ROUTES);
    let stack = Stack::new().actions(vec![
        hook(&base, "/ok", "ok")
            .secret_header("X-Api-Key", Secret::value("planted-s3cret"))
            .build()
            .unwrap(),
        hook(&base, "/guard", "guard")
            .can_interrupt(true)
            .build()
            .unwrap(),
        hook(&base, "/badguard", "badguard")
            .can_interrupt(true)
            .build()
            .unwrap(),
        hook(&base, "/enrich", "enrich")
            .response_parse(true)
            .build()
            .unwrap(),
        // Nothing listens on port 9 of loopback: cannot connect, tried three times.
        Action::builder(Flow::Login, Timing::Before, "http://127.0.0.1:9/nobody")
            .name("nobody")
            .body("{}")
            .build()
            .unwrap(),
    ]);
    let config = empty_config("replies");
    let run = ory_actions::testkit::run_env(
        stack,
        &["probe", "--config", config.to_str().unwrap()],
        &BTreeMap::new(),
    );
    assert_eq!(run.code, 1, "{}\n{}", run.out, run.err);
    let line = |name: &str| line(&run.out, name);
    assert!(
        line("ok").starts_with("ok   ok (registration after password"),
        "{}",
        run.out
    );
    assert!(
        line("guard").contains("the user sees: traits/email: Not invited (error)"),
        "{}",
        run.out
    );
    assert!(
        line("badguard").starts_with("FAIL") && line("badguard").contains("no `messages` list"),
        "{}",
        run.out
    );
    assert!(line("enrich").contains("replaces `traits`"), "{}", run.out);
    assert!(
        line("nobody").starts_with("FAIL")
            && line("nobody").contains("cannot connect")
            && line("nobody").contains("tried 3 times"),
        "{}",
        run.out
    );
    assert!(
        run.err.contains("2 hook(s) do not answer")
            && run.err.contains("badguard")
            && run.err.contains("nobody"),
        "{}",
        run.err
    );
    // What the endpoint got: the secret header, JSON, and the body for the sample context.
    let requests = seen.lock().unwrap().clone();
    let ok = requests.iter().find(|r| r.starts_with("POST /ok")).unwrap();
    assert!(
        ok.to_ascii_lowercase()
            .contains("x-api-key: planted-s3cret"),
        "{ok}"
    );
    assert!(
        ok.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{ok}"
    );
    assert!(ok.ends_with(r#"{"email":"jane.doe@example.com"}"#), "{ok}");
    assert!(!run.out.contains("planted-s3cret") && !run.err.contains("planted-s3cret"));
    // Only declared URLs were called, each once.
    assert_eq!(requests.len(), 4, "{requests:?}");

    // Against an Ory Network project, `--target` probes the named action only.
    let kit = common::testkit(ory_actions::testkit::Options::default());
    let project = kit.add_project(common::sample_config());
    let before = seen.lock().unwrap().len();
    let stack = Stack::new().actions(vec![
        hook(&base, "/ok", "ok").build().unwrap(),
        hook(&base, "/guard", "guard")
            .can_interrupt(true)
            .build()
            .unwrap(),
    ]);
    let run = kit.run(&project, stack, &["probe", "--target", "ok"]);
    assert_eq!(run.code, 0, "{}\n{}", run.out, run.err);
    assert!(
        run.out.contains("1 hook(s) answered as Kratos needs"),
        "{}",
        run.out
    );
    let called: Vec<String> = seen.lock().unwrap()[before..].to_vec();
    assert_eq!(called.len(), 1, "{called:?}");
    assert!(called[0].starts_with("POST /ok "), "{called:?}");
    // Probing reads nothing from Ory and writes nothing.
    assert_eq!((kit.count("GET"), kit.count("PATCH")), (0, 0));

    // --dry-run sends nothing and shows secrets redacted.
    let before = seen.lock().unwrap().len();
    let stack = Stack::new().actions(vec![
        hook(&base, "/ok", "ok")
            .secret_header("X-Api-Key", Secret::value("planted-s3cret"))
            .build()
            .unwrap(),
    ]);
    let run = ory_actions::testkit::run_env(
        stack,
        &["probe", "--dry-run", "--config", config.to_str().unwrap()],
        &BTreeMap::new(),
    );
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.contains("X-Api-Key: (sensitive)"), "{}", run.out);
    assert!(
        run.out.contains(r#"{"email":"jane.doe@example.com"}"#),
        "{}",
        run.out
    );
    assert!(!run.out.contains("planted-s3cret"));
    assert_eq!(seen.lock().unwrap().len(), before);
}

#[test]
fn transport_failures_and_replies_kratos_cannot_use_are_one_line_each() {
    // A reply over 5 MiB, which Kratos does not read to the end.
    let huge: &'static str = Box::leak("x".repeat(5 * 1024 * 1024 + 10).into_boxed_str());
    let routes: &'static [(&'static str, u16, &'static str)] = Box::leak(Box::new([
        ("/huge", 200, huge),
        ("/down", 503, ""),
        ("/fire", 500, ""),
        ("/parse204", 204, ""),
        ("/notjson", 200, "<html>"),
    ]));
    let (base, seen) = serve(routes);
    let https = base.replace("http://", "https://");
    let stack = Stack::new().actions(vec![
        // A parse hook: Kratos reads the first 5 MiB, which are not the whole JSON.
        hook(&base, "/huge", "huge")
            .response_parse(true)
            .build()
            .unwrap(),
        // A hook that does not read its reply: a big one does no harm.
        hook(&base, "/huge", "hugeplain").build().unwrap(),
        hook(&base, "/down", "down").build().unwrap(),
        hook(&base, "/fire", "fire")
            .response_ignore(true)
            .build()
            .unwrap(),
        hook(&base, "/parse204", "parse204")
            .response_parse(true)
            .build()
            .unwrap(),
        hook(&base, "/notjson", "notjson")
            .response_parse(true)
            .build()
            .unwrap(),
        // A TLS handshake with a server that speaks plain HTTP fails.
        hook(&https, "/tls", "tls").build().unwrap(),
    ]);
    let config = empty_config("transport");
    let run = ory_actions::testkit::run_env(
        stack,
        &["probe", "--config", config.to_str().unwrap()],
        &BTreeMap::new(),
    );
    assert_eq!(run.code, 1, "{}\n{}", run.out, run.err);
    let line = |name: &str| line(&run.out, name);
    assert!(
        line("huge").starts_with("FAIL") && line("huge").contains("cut at 5 MiB"),
        "{}",
        run.out
    );
    assert!(
        line("hugeplain").starts_with("ok") && line("hugeplain").contains("over 5 MiB"),
        "{}",
        run.out
    );
    // 503 is retried twice, as Kratos's client does.
    assert!(
        line("down").starts_with("FAIL") && line("down").contains("503"),
        "{}",
        run.out
    );
    assert!(line("down").contains("3 attempts"), "{}", run.out);
    // Kratos does not wait for an asynchronous hook: a 500 is reported, not a failure.
    assert!(
        line("fire").starts_with("ok") && line("fire").contains("does not wait"),
        "{}",
        run.out
    );
    assert!(
        line("parse204").starts_with("ok") && line("parse204").contains("nothing changes"),
        "{}",
        run.out
    );
    assert!(
        line("notjson").starts_with("FAIL") && line("notjson").contains("not JSON"),
        "{}",
        run.out
    );
    assert!(line("tls").starts_with("FAIL"), "{}", run.out);
    assert!(
        run.err.contains("4 hook(s) do not answer")
            && ["huge", "down", "notjson", "tls"]
                .iter()
                .all(|n| run.err.contains(n)),
        "{}",
        run.err
    );
    let calls = |path: &str| {
        seen.lock()
            .unwrap()
            .iter()
            .filter(|r| r.starts_with(&format!("POST {path} ")))
            .count()
    };
    assert_eq!(calls("/down"), 3);
    // A 500 from an asynchronous hook is retried too: Kratos's client does that before it logs.
    assert_eq!(calls("/fire"), 3);
    assert_eq!(calls("/parse204"), 1);
}
