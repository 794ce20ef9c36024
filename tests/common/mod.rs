//! Helpers shared by the end-to-end tests: the testkit, the sample project, running the
//! command line in-process.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use ory_actions::{Scope, Stack, cli};
use ory_actions_runtime::testkit::{Options, TestKit};
use serde_json::Value;

#[path = "../../examples/seed.rs"]
mod seed;

/// The reference folder, when `ORY_ACTIONS_REFERENCE` names one.
pub fn reference() -> Option<PathBuf> {
    std::env::var_os("ORY_ACTIONS_REFERENCE").map(PathBuf::from)
}

/// The identity configuration a new Ory Network project has: the reference sample when
/// available, else its hook lists (`session` in three registration lists, the rest empty).
pub fn sample_config() -> Value {
    if let Some(dir) = reference() {
        let path = dir.join("ory-network-identity-config.sample.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        return serde_json::from_str(&text).unwrap();
    }
    ory_actions_runtime::testkit::new_project_config()
}

/// A testkit that validates against the Kratos schema whenever the reference is available.
pub fn testkit(options: Options) -> TestKit {
    let options = match reference() {
        Some(dir) => options.schema(dir.join("kratos-config.schema.json")),
        None => options,
    };
    TestKit::start(options).expect("the testkit starts")
}

pub struct Run {
    pub code: u8,
    pub out: String,
    pub err: String,
}

/// Runs the command line of `stack` against `kit`, with `project` as `ORY_PROJECT_ID`.
pub fn run(kit: &TestKit, project: &str, stack: Stack, args: &[&str]) -> Run {
    let env: BTreeMap<&str, String> = BTreeMap::from([
        ("ORY_WORKSPACE_API_KEY", kit.api_key()),
        ("ORY_CONSOLE_API_URL", kit.url().to_owned()),
        ("ORY_PROJECT_ID", project.to_owned()),
    ]);
    run_env(stack, args, &env)
}

pub fn run_env(stack: Stack, args: &[&str], env: &BTreeMap<&str, String>) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = cli::run_with(
        stack,
        args.iter().copied(),
        &|name| env.get(name).cloned(),
        cli::Io {
            out: &mut out,
            err: &mut err,
            confirm: None,
            color: false,
        },
    );
    Run {
        code,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    }
}

pub fn seed_stack() -> Stack {
    Stack::new().actions_from(seed::actions())
}

pub fn list(kit: &TestKit, project: &str, scope: Scope) -> Value {
    kit.project(project)
        .unwrap()
        .pointer(scope.pointer())
        .cloned()
        .unwrap_or(Value::Null)
}

pub fn hook_names(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|l| {
            l.iter()
                .map(|e| match e["config"]["url"].as_str() {
                    Some(url) => url.to_owned(),
                    None => e["hook"].as_str().unwrap_or("?").to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}
