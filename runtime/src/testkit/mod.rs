//! An in-process stand-in for the Ory Network console API, on a loopback port, for tests.
//!
//! It serves `GET /projects/{id}`, `PATCH /projects/{id}` and
//! `PATCH /projects/{id}/revision/{revision_id}` with the semantics ory-actions relies on: bearer
//! authentication, revision ids and 409 on a stale one, Ory's JSON-patch rules, validation of the
//! hook lists against a Kratos configuration schema when given one (400 on failure), and the
//! normalisation Ory Network applies to stored hooks. A request log counts calls; a latency and
//! a rate limit can be set, the limit announced on every answer in Ory's `x-ratelimit-*`
//! headers ([`Options::rate_limit`]); and faults can be injected: latency, 429 with
//! `Retry-After`, 5xx, dropped connections, stale reads, a concurrent writer, and a write Ory
//! acknowledges but does not keep.
//!
//! ```
//! use ory_actions::testkit::{Options, TestKit};
//!
//! let kit = TestKit::start(Options::default())?;
//! let project = kit.add_project(serde_json::json!({"selfservice": {"flows": {}}}));
//! assert!(kit.project(&project).is_some());
//! # Ok::<(), String>(())
//! ```

mod normalize;
mod options;
mod patch;
mod rate_limit;
mod run;
mod server;
mod store;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};

use crate::backend::kratos_file::schema::KratosSchema;
use crate::stack::Stack;
pub use options::{DEFAULT_API_KEY, Fault, LoggedRequest, On, Options, PROJECT_API_KEY};
pub use run::{Run, run_confirming, run_env};
use store::{Project, State, external_edit, lock};

/// The problems a Kratos configuration has in its hook lists, checked against the Kratos
/// configuration schema at `schema` (for example `kratos-config.schema.json`).
pub fn kratos_config_problems(
    schema: &std::path::Path,
    config: &Value,
) -> Result<Vec<String>, String> {
    Ok(KratosSchema::load(schema)?.problems(config))
}

/// The configuration in a Kratos configuration file (YAML or JSON) as JSON values, read as
/// ory-actions reads it.
pub fn read_kratos_config(path: impl Into<PathBuf>) -> Result<Value, String> {
    crate::backend::kratos_file::KratosFile::new(path)
        .config()
        .map_err(|e| e.to_string())
}

/// The hook lists of the identity configuration a new Ory Network project has: `session` in
/// the password, oidc and webauthn lists of registration, every other list empty, and
/// verification enabled (`reference/ory-network-identity-config.sample.json`).
pub fn new_project_config() -> Value {
    let empty = json!({"hooks": []});
    let session = json!({"hooks": [{"hook": "session"}]});
    json!({"selfservice": {"flows": {
        "login": {"before": empty, "after": {"hooks": [], "password": empty, "oidc": empty, "webauthn": empty}},
        "registration": {"before": empty, "after": {"hooks": [], "password": session, "oidc": session, "webauthn": session}},
        "recovery": {"before": empty, "after": empty},
        "settings": {"before": empty, "after": {"hooks": [], "password": empty, "profile": empty}},
        "verification": {"enabled": true, "before": empty, "after": empty},
    }}})
}
/// A running stand-in for the console API. Stops when dropped.
pub struct TestKit {
    url: String,
    state: Arc<Mutex<State>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestKit {
    /// Starts the stand-in on a free loopback port.
    pub fn start(options: Options) -> Result<TestKit, String> {
        let schema = options
            .schema
            .as_deref()
            .map(KratosSchema::load)
            .transpose()?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| format!("cannot listen on loopback: {e}"))?;
        let address = listener
            .local_addr()
            .map_err(|e| format!("cannot read the listening address: {e}"))?;
        let url = format!("http://{address}");
        let state = Arc::new(Mutex::new(State::new(options, schema, url.clone())));
        let (shutdown, stopped) = tokio::sync::oneshot::channel();
        let served = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("ory-actions-testkit".into())
            .spawn(move || server::serve(listener, served, stopped))
            .map_err(|e| format!("cannot start the testkit thread: {e}"))?;
        Ok(TestKit {
            url,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The base URL, for `ORY_CONSOLE_API_URL`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The workspace API key it accepts.
    pub fn api_key(&self) -> String {
        self.lock().api_key.clone()
    }

    /// Soft-deletes the project `id`, as deleting it in the Console does: it is still served,
    /// with `"state": "deleted"`.
    pub fn delete_project(&self, id: &str) {
        if let Some(project) = self.lock().projects.get_mut(id) {
            project.document["state"] = "deleted".into();
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Adds a project whose identity configuration is `identity_config`, its hooks stored as
    /// Ory stores them (see [`Options::bodies_as_urls`]); returns its id.
    pub fn add_project(&self, identity_config: Value) -> String {
        let mut state = self.lock();
        let id = state.next_id(0x550e_8400);
        let revision = state.next_id(0x7e71_5100);
        let mut document = json!({
            "id": id,
            "revision_id": revision,
            "slug": format!("testkit-{}", &id[id.len() - 6..]),
            "name": "testkit project",
            "state": "running",
            "environment": "dev",
            "home_region": "eu-central",
            "organizations": [],
            "workspace_id": null,
            "services": {
                "identity": {"config": identity_config},
                "oauth2": {"config": {}},
                "permission": {"config": {}},
            },
        });
        // Hooks come back as Ory stores them, as if they had been written through the API.
        let base_url = state.base_url.clone();
        let bodies_as_urls = state.bodies_as_urls;
        normalize::normalize(&mut document, &mut state.bodies, &base_url, bodies_as_urls);
        state.projects.insert(
            id.clone(),
            Project {
                document,
                previous: None,
            },
        );
        id
    }

    /// The project document as it is now.
    pub fn project(&self, id: &str) -> Option<Value> {
        self.lock().projects.get(id).map(|p| p.document.clone())
    }

    /// The identity configuration of a project as it is now.
    pub fn identity_config(&self, id: &str) -> Option<Value> {
        self.project(id)
            .and_then(|p| p.pointer("/services/identity/config").cloned())
    }

    /// Changes a project's identity configuration as someone else would (a new revision).
    pub fn edit(&self, id: &str, edit: impl FnOnce(&mut Value)) {
        let mut state = self.lock();
        let revision = state.next_id(0x7e71_5100);
        if let Some(project) = state.projects.get_mut(id) {
            external_edit(project, revision, edit);
        }
    }

    /// Makes something go wrong once.
    pub fn inject(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    /// Every request answered so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.lock().log.clone()
    }

    /// How many `method` requests to the project endpoints were answered.
    pub fn count(&self, method: &str) -> usize {
        self.lock()
            .log
            .iter()
            .filter(|r| r.method == method && r.path.starts_with("/projects/"))
            .count()
    }

    /// The environment that points the command line at this stand-in: its URL and API key.
    pub fn env(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("ORY_WORKSPACE_API_KEY", self.api_key()),
            ("ORY_CONSOLE_API_URL", self.url.clone()),
        ])
    }

    /// Runs the command line `args` of `stack` in-process against this stand-in, with
    /// `project` as `ORY_PROJECT_ID` and nothing else of the environment ([`run_env`]).
    ///
    /// ```
    /// use ory_actions::Stack;
    /// use ory_actions::testkit::{Options, TestKit, new_project_config};
    ///
    /// let kit = TestKit::start(Options::default())?;
    /// let project = kit.add_project(new_project_config());
    /// let run = kit.run(&project, Stack::new(), &["plan"]);
    /// assert_eq!(run.code, 0, "{}", run.err);
    /// assert!(run.out.contains("No changes."));
    /// # Ok::<(), String>(())
    /// ```
    pub fn run(&self, project: &str, stack: Stack, args: &[&str]) -> Run {
        let mut env = self.env();
        env.insert("ORY_PROJECT_ID", project.to_owned());
        run_env(stack, args, &env)
    }

    /// Forgets the requests answered so far.
    pub fn clear_requests(&self) {
        self.lock().log.clear();
    }
}

impl Drop for TestKit {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use ory_actions_core::{AuthMethod, AuthMethods, Flow, Timing};

    use super::*;
    use crate::Action;

    #[test]
    fn saml_lists_are_written_kept_and_read_back_as_on_ory_network() {
        // Validated against the open-source Kratos schema, which has no `saml` key: the
        // testkit leaves those lists out of the check.
        let options = Options::default().schema(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../reference/kratos-config.schema.json"),
        );
        let kit = TestKit::start(options).unwrap();
        let project = kit.add_project(json!({"selfservice": {"flows": {"login": {"after": {
            "saml": {"hooks": [{"hook": "organization"}]}
        }}}}}));
        let stack = || {
            Stack::new()
                .action(
                    Action::builder(Flow::Login, Timing::After, "https://h.example/sso")
                        .auth_method(AuthMethod::Saml)
                        .body("{}")
                        .build()
                        .unwrap(),
                )
                .action(
                    Action::builder(Flow::Registration, Timing::After, "https://h.example/all")
                        .auth_method(AuthMethods::All)
                        .body("{}")
                        .build()
                        .unwrap(),
                )
        };
        let applied = kit.run(&project, stack(), &["apply", "--yes"]);
        assert_eq!(applied.code, 0, "{}", applied.err);
        assert!(applied.out.contains("7 created"), "{}", applied.out);
        let config = kit.identity_config(&project).unwrap();
        let flows = &config["selfservice"]["flows"];
        let login_saml = &flows["login"]["after"]["saml"]["hooks"];
        assert_eq!(login_saml[0], json!({"hook": "organization"}));
        assert_eq!(login_saml[1]["config"]["url"], "https://h.example/sso");
        assert_eq!(
            flows["registration"]["after"]["saml"]["hooks"][0]["config"]["url"],
            "https://h.example/all"
        );
        let planned = kit.run(&project, stack(), &["plan", "--detailed-exitcode"]);
        assert_eq!(planned.code, 0, "{}", planned.err);
        assert!(planned.out.contains("No changes."), "{}", planned.out);
    }
}
