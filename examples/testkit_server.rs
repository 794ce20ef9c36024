//! Serves the testkit's stand-in for the Ory console API on loopback, with one project, so that
//! the command line can be tried without an Ory account:
//!
//! ```sh
//! cargo run --features testkit --example testkit_server    # prints the variables to export
//! ```
//!
//! The project starts as a new Ory Network project does (the reference sample when
//! `ORY_ACTIONS_REFERENCE` names the reference folder, else its hook lists). Stops on Ctrl-C or
//! when standard input closes.

use std::io::Read;

use ory_actions::testkit::{Options, TestKit};
use serde_json::Value;

fn identity_config() -> Value {
    if let Some(dir) = std::env::var_os("ORY_ACTIONS_REFERENCE") {
        let path = std::path::Path::new(&dir).join("ory-network-identity-config.sample.json");
        if let Ok(text) = std::fs::read_to_string(&path)
            && let Ok(config) = serde_json::from_str(&text)
        {
            return config;
        }
    }
    ory_actions::testkit::new_project_config()
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
