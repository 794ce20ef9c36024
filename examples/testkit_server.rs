//! Serves the testkit's stand-in for the Ory console API on loopback, with one project, so that
//! the command line can be tried without an Ory account:
//!
//! ```sh
//! cargo run --features testkit --example testkit_server    # prints the variables to export
//! ```
//!
//! The project starts as a new Ory Network project does (the sample in `reference/`). Stops on
//! Ctrl-C or when standard input closes.

use std::io::Read;

use ory_actions::testkit::{Options, TestKit};
use serde_json::Value;

/// The identity configuration Ory Network gives a new project.
fn identity_config() -> Value {
    serde_json::from_str(include_str!(
        "../reference/ory-network-identity-config.sample.json"
    ))
    .expect("the sample in reference/ is JSON")
}

fn main() -> Result<(), String> {
    let kit = TestKit::start(Options::default())?;
    let project = kit.add_project(identity_config());
    println!("export ORY_CONSOLE_API_URL={}", kit.url());
    println!("export ORY_WORKSPACE_API_KEY={}", kit.api_key());
    println!("export ORY_PROJECT_ID={project}");
    eprintln!("serving; stop with Ctrl-C or by closing standard input");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    Ok(())
}
