//! Fixtures shared by the end-to-end tests: the reference files, the sample project, the seed
//! stack, a schema-checking testkit, and reading hook lists back. The command line runs through
//! the testkit's harness (`TestKit::run`, `testkit::run_env`).

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use ory_actions::testkit::{Options, TestKit};
use ory_actions::{Scope, Stack};
use serde_json::Value;

#[path = "../../examples/seed.rs"]
mod seed;

/// The repository's copy of Ory's facts (`reference/`, its README names each file's source).
pub fn reference() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference")
}

/// The Kratos configuration schema (Kratos's `embedx/config.schema.json`).
pub fn kratos_schema() -> PathBuf {
    reference().join("kratos-config.schema.json")
}

/// The identity configuration a new Ory Network project has (the reference sample).
pub fn sample_config() -> Value {
    let path = reference().join("ory-network-identity-config.sample.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A testkit that validates every write against the Kratos schema.
pub fn testkit(options: Options) -> TestKit {
    TestKit::start(options.schema(kratos_schema())).expect("the testkit starts")
}

pub fn seed_stack() -> Stack {
    Stack::new().actions(seed::actions())
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
