//! A multi-tenant stack: many projects, ten hooks each, applied against the testkit under a
//! per-key rate limit that every answer announces (`x-ratelimit-*`) and that is answered with
//! 429 and `Retry-After` beyond, as Ory's API does (`bench/many-projects`).
//!
//! ```sh
//! cargo run --release --features testkit --example many_projects -- 1000 10 200
//! ```
//!
//! Arguments: projects, `--parallelism`, the rate limit in requests per second, and
//! `unannounced` to leave the `x-ratelimit-*` headers out (only 429s tell of the limit). Prints
//! the total time beside the floor the rate limit sets (two requests per project), the
//! requests and 429s, the most requests any project took, and how many projects hold all their
//! hooks (which it checks).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ory_actions::testkit::{Options, TestKit, new_project_config, run_env};
use ory_actions::{Action, AuthMethod, Flow, ProjectId, Stack, Timing};

const HOOKS: usize = 10;

fn actions(projects: &[String]) -> Vec<Action> {
    projects
        .iter()
        .flat_map(|project| {
            (0..HOOKS).map(move |n| {
                Action::builder(
                    Flow::Registration,
                    Timing::After,
                    format!("https://hooks.example.com/{project}/{n}"),
                )
                .auth_method(AuthMethod::Password)
                .project_id(ProjectId::Literal(project.clone().into()))
                .body("function(ctx) { id: ctx.identity.id }")
                .response_ignore(true)
                .build()
                .expect("a valid action")
            })
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |n: usize, default: usize| {
        args.get(n)
            .and_then(|a| a.parse::<usize>().ok())
            .unwrap_or(default)
    };
    let count = number(0, 1000);
    let parallelism = number(1, 10);
    let rate = number(2, 200);
    let announced = args.get(3).map(String::as_str) != Some("unannounced");
    let kit = TestKit::start(
        Options::default()
            .latency(Duration::from_millis(20))
            .rate_limit(u32::try_from(rate).unwrap_or(u32::MAX))
            .rate_limit_headers(announced),
    )
    .unwrap();
    let projects: Vec<String> = (0..count)
        .map(|_| kit.add_project(new_project_config()))
        .collect();
    let parallelism = parallelism.to_string();
    let started = Instant::now();
    let run = run_env(
        Stack::new().actions(actions(&projects)),
        &[
            "apply",
            "--yes",
            "--parallelism",
            &parallelism,
            "--deadline",
            "600",
        ],
        &kit.env(),
    );
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.err);
    let requests = kit.requests();
    let limited = requests.iter().filter(|r| r.status == 429).count();
    let mut per_project: BTreeMap<&str, usize> = BTreeMap::new();
    for request in &requests {
        if let Some(id) = request.path.strip_prefix("/projects/") {
            *per_project
                .entry(id.split('/').next().unwrap_or(id))
                .or_default() += 1;
        }
    }
    let most = per_project.values().copied().max().unwrap_or(0);
    let complete = projects
        .iter()
        .filter(|p| {
            kit.identity_config(p).is_some_and(|config| {
                config
                    .pointer("/selfservice/flows/registration/after/password/hooks")
                    .and_then(|l| l.as_array())
                    .is_some_and(|l| l.len() == HOOKS + 1)
            })
        })
        .count();
    // Fixed one-second windows of `rate` requests: the first window is free, each further one
    // begins a second after the last.
    let windows = (2 * count).div_ceil(rate.max(1));
    let floor = windows.saturating_sub(1) as f64;
    println!(
        "{count} projects × {HOOKS} hooks, parallelism {parallelism}, limit {rate}/s ({}): \
         {:.1} s, floor {floor:.1} s ({:.2}× the floor); {} requests, {limited} answered 429; \
         at most {most} requests for a project (2 + one per 429); {complete}/{count} projects \
         complete",
        if announced {
            "announced in x-ratelimit-* headers"
        } else {
            "unannounced"
        },
        took.as_secs_f64(),
        if floor > 0.0 {
            took.as_secs_f64() / floor
        } else {
            f64::NAN
        },
        requests.len(),
    );
    assert_eq!(complete, count, "every project holds all its hooks");
}
