//! Round trips and wall time against one project: ory-actions' `plan` and `apply` beside a
//! replay of the Terraform provider's call pattern, on the testkit with a fixed latency per
//! request (`bench/round-trips`).
//!
//! ```sh
//! cargo run --release --features testkit --example round_trips -- 1 10 50 200
//! LATENCY_MS=100 cargo run --release --features testkit --example round_trips -- 50
//! ```
//!
//! The Terraform provider's `ory_action` resource creates each action on its own: it reads the
//! project and patches one hook list, one action after the other (its in-process lock
//! serialises them), and a refresh reads the project once per action. The replay sends exactly
//! those requests.

use std::time::{Duration, Instant};

use ory_actions::testkit::{Options, TestKit, new_project_config};
use ory_actions::{Action, AuthMethod, Flow, Stack, Timing};
use serde_json::{Value, json};

fn actions(count: usize) -> Vec<Action> {
    (0..count)
        .map(|n| {
            Action::builder(
                Flow::Registration,
                Timing::After,
                format!("https://hooks.example.com/h/{n}"),
            )
            .auth_method(AuthMethod::Password)
            .body("function(ctx) { id: ctx.identity.id }")
            .response_ignore(true)
            .build()
            .expect("a valid action")
        })
        .collect()
}

/// Runs the command line against `kit`'s `project`; the exit code.
fn run(kit: &TestKit, project: &str, count: usize, args: &[&str]) -> u8 {
    let run = kit.run(project, Stack::new().actions(actions(count)), args);
    assert!(run.code == 0 || run.code == 2, "{}", run.err);
    run.code
}

/// The Terraform provider's requests: per action a read and a one-entry patch, in turn; then a
/// refresh that reads the project once per action.
async fn terraform_pattern(kit: &TestKit, project: &str, count: usize) -> (Duration, Duration) {
    let client = reqwest::Client::new();
    let url = format!("{}/projects/{project}", kit.url());
    let key = kit.api_key();
    let started = Instant::now();
    for n in 0..count {
        let read = client.get(&url).bearer_auth(&key).send().await.unwrap();
        assert!(read.status().is_success());
        let _: Value = serde_json::from_slice(&read.bytes().await.unwrap()).unwrap();
        let entry = json!({"hook": "web_hook", "config": {
            "url": format!("https://hooks.example.com/tf/{n}"),
            "method": "POST",
            "body": "base64://ZnVuY3Rpb24oY3R4KSB7IGlkOiBjdHguaWRlbnRpdHkuaWQgfQ==",
            "response": {"ignore": true},
        }});
        let patch = json!([{
            "op": "add",
            "path": "/services/identity/config/selfservice/flows/registration/after/password/hooks/0",
            "value": entry,
        }]);
        let written = client
            .patch(&url)
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(patch.to_string())
            .send()
            .await
            .unwrap();
        assert!(
            written.status().is_success(),
            "{}",
            written.text().await.unwrap()
        );
    }
    let create = started.elapsed();
    let started = Instant::now();
    for _ in 0..count {
        let read = client.get(&url).bearer_auth(&key).send().await.unwrap();
        assert!(read.status().is_success());
    }
    (create, started.elapsed())
}

fn main() {
    let latency = Duration::from_millis(
        std::env::var("LATENCY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100),
    );
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1, 10, 50, 200]
    } else {
        sizes
    };
    println!(
        "latency {} ms per request; calls as GET+PATCH, wall time in seconds; ratio: the \
         Terraform pattern's create and refresh against one ory-actions apply",
        latency.as_millis()
    );
    println!(
        "{:>5} | {:>12} {:>7} | {:>12} {:>7} | {:>12} {:>7} | {:>12} {:>7} | {:>6}",
        "N", "plan", "s", "apply", "s", "tf create", "s", "tf refresh", "s", "ratio"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for count in sizes {
        let kit = TestKit::start(Options::default().latency(latency)).unwrap();
        let ours = kit.add_project(new_project_config());
        let theirs = kit.add_project(new_project_config());
        let calls = |kit: &TestKit| format!("{}+{}", kit.count("GET"), kit.count("PATCH"));

        kit.clear_requests();
        let started = Instant::now();
        run(&kit, &ours, count, &["plan"]);
        let (plan_time, plan_calls) = (started.elapsed(), calls(&kit));

        kit.clear_requests();
        let started = Instant::now();
        run(&kit, &ours, count, &["apply", "--yes"]);
        let (apply_time, apply_calls) = (started.elapsed(), calls(&kit));

        kit.clear_requests();
        let (create, refresh) = runtime.block_on(terraform_pattern(&kit, &theirs, count));
        let tf_calls = format!("{}+{}", count, count);
        let refresh_calls = format!("{count}+0");
        println!(
            "{count:>5} | {plan_calls:>12} {:>7.2} | {apply_calls:>12} {:>7.2} | {tf_calls:>12} {:>7.2} | {refresh_calls:>12} {:>7.2} | {:>5.0}x",
            plan_time.as_secs_f64(),
            apply_time.as_secs_f64(),
            create.as_secs_f64(),
            refresh.as_secs_f64(),
            (create + refresh).as_secs_f64() / apply_time.as_secs_f64(),
        );
    }
}
