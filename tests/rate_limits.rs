//! Pacing by Ory's rate-limit headers, against the testkit: it announces its limit on every
//! answer as Ory does (`x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset`), and
//! a run over many projects waits for each window to reset instead of running into 429s. Only
//! counts are asserted, never times.

use std::collections::BTreeMap;
use std::time::Duration;

use ory_actions::testkit::{Fault, On, Options, TestKit, new_project_config, run_env};
use ory_actions::{Action, AuthMethod, Flow, ProjectId, Stack, Timing};

/// Two hooks for each of `count` new projects of `kit`; the projects.
fn projects_with_hooks(kit: &TestKit, count: usize) -> (Vec<String>, Stack) {
    let projects: Vec<String> = (0..count)
        .map(|_| kit.add_project(new_project_config()))
        .collect();
    let actions: Vec<Action> = projects
        .iter()
        .flat_map(|project| {
            (0..2).map(move |n| {
                Action::builder(
                    Flow::Registration,
                    Timing::After,
                    format!("https://hooks.example.com/{project}/{n}"),
                )
                .auth_method(AuthMethod::Password)
                .project_id(ProjectId::Literal(project.clone().into()))
                .response_ignore(true)
                .build()
                .expect("a valid action")
            })
        })
        .collect();
    (projects, Stack::new().actions(actions))
}

/// The most requests any project took, and how many were answered 429.
fn requests_per_project(kit: &TestKit) -> (usize, usize) {
    let requests = kit.requests();
    let mut per_project: BTreeMap<String, usize> = BTreeMap::new();
    for request in &requests {
        if let Some(rest) = request.path.strip_prefix("/projects/") {
            let id = rest.split('/').next().unwrap_or(rest);
            *per_project.entry(id.to_owned()).or_default() += 1;
        }
    }
    let limited = requests.iter().filter(|r| r.status == 429).count();
    (per_project.values().copied().max().unwrap_or(0), limited)
}

/// Whether every project holds its two hooks before `session`.
fn all_complete(kit: &TestKit, projects: &[String]) -> bool {
    projects.iter().all(|project| {
        kit.identity_config(project).and_then(|config| {
            config
                .pointer("/selfservice/flows/registration/after/password/hooks")
                .and_then(|list| list.as_array())
                .map(Vec::len)
        }) == Some(3)
    })
}

#[test]
fn many_projects_under_an_announced_limit_wait_for_it_instead_of_running_into_429s() {
    // 30 projects, 60 requests, 10 at a time against 12 a second: five windows.
    let kit = TestKit::start(
        Options::default()
            .rate_limit(12)
            .latency(Duration::from_millis(5)),
    )
    .unwrap();
    let (projects, stack) = projects_with_hooks(&kit, 30);
    let run = run_env(
        stack,
        &["apply", "--yes", "--parallelism", "10", "-v"],
        &kit.env(),
    );
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(all_complete(&kit, &projects));
    let (most, limited) = requests_per_project(&kit);
    assert_eq!(limited, 0, "{}", run.err);
    assert_eq!(most, 2, "one read and one write each");
    // The waits are told, once each, with the limit the answers announced.
    let waits: Vec<&str> = run
        .err
        .lines()
        .filter(|line| line.starts_with("verbose: rate limit: "))
        .collect();
    assert!(
        waits.iter().any(|line| line
            .starts_with("verbose: rate limit: reads used up their budget (12 per 1 s); waiting ")
            && line.ends_with(" s, until it resets")),
        "{waits:?}"
    );
    assert!(waits.len() < 10, "{waits:?}");
}

#[test]
fn a_limit_told_only_by_429s_is_still_waited_out() {
    let kit = TestKit::start(
        Options::default()
            .rate_limit(10)
            .rate_limit_headers(false)
            .latency(Duration::from_millis(5)),
    )
    .unwrap();
    let (projects, stack) = projects_with_hooks(&kit, 15);
    let run = run_env(
        stack,
        &["apply", "--yes", "--parallelism", "10"],
        &kit.env(),
    );
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(all_complete(&kit, &projects));
    // 30 requests, 10 at a time, against 10 a second: some are refused, and each 429's
    // Retry-After holds every request back until the window resets.
    let (_, limited) = requests_per_project(&kit);
    assert!(limited > 0, "the limit was reached");
}

/// The status and headers (names in lower case) of the answer to a `GET` of `path`, sent as
/// plain HTTP/1.1 on a connection of its own.
fn get(kit: &TestKit, path: &str) -> (u16, BTreeMap<String, String>) {
    use std::io::{Read, Write};
    let address = kit.url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Connection: close\r\n\r\n",
        kit.api_key()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let head = answer.split("\r\n\r\n").next().unwrap_or_default();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
        .collect();
    (status, headers)
}

#[test]
fn the_testkit_announces_its_limit_on_every_answer() {
    let kit = TestKit::start(Options::default().rate_limit(2)).unwrap();
    let project = kit.add_project(new_project_config());
    let path = format!("/projects/{project}");
    let names = [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "retry-after",
    ];
    let answers: Vec<(u16, Vec<Option<String>>)> = (0..3)
        .map(|_| {
            let (status, headers) = get(&kit, &path);
            (
                status,
                names
                    .iter()
                    .map(|name| headers.get(*name).cloned())
                    .collect(),
            )
        })
        .collect();
    let says = |value: &str| Some(value.to_owned());
    // Three requests within a second (the window is a second from the first): the third is
    // refused, and says so in the same headers. Unless the machine took a second between them,
    // when the window and what is left begin again.
    if answers[2].0 == 429 {
        assert_eq!(
            answers,
            [
                (200, vec![says("2, 2;w=1"), says("1"), says("1"), None]),
                (200, vec![says("2, 2;w=1"), says("0"), says("1"), None]),
                (429, vec![says("2, 2;w=1"), says("0"), says("1"), says("1")]),
            ]
        );
    } else {
        assert!(
            answers
                .iter()
                .all(|(_, headers)| { headers[0] == says("2, 2;w=1") && headers[2] == says("1") }),
            "{answers:?}"
        );
    }
    // Only requests to the console API are counted and announced.
    assert!(!get(&kit, "/bodies/0").1.contains_key("x-ratelimit-limit"));
}

#[test]
fn a_limit_that_resets_only_after_the_deadline_is_not_waited_for() {
    let kit = TestKit::start(Options::default()).unwrap();
    let project = kit.add_project(new_project_config());
    kit.inject(Fault::Status {
        on: On::Read,
        status: 429,
        retry_after: Some(600),
    });
    let action = Action::builder(
        Flow::Login,
        Timing::Before,
        "https://hooks.example.com/guard",
    )
    .build()
    .unwrap();
    let run = kit.run(
        &project,
        Stack::new().action(action),
        &["apply", "--yes", "--deadline", "30"],
    );
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(
        run.err.contains(&format!(
            "gave up trying to read project {project} after 1 tries (429)"
        )),
        "{}",
        run.err
    );
    // Given up at once: one read, no wait, nothing written.
    assert_eq!((kit.count("GET"), kit.count("PATCH")), (1, 0));
}
