//! An in-process stand-in for the Ory Network console API, on a loopback port, for tests.
//!
//! It serves `GET /projects/{id}`, `PATCH /projects/{id}` and
//! `PATCH /projects/{id}/revision/{revision_id}` with the semantics ory-actions relies on: bearer
//! authentication, revision ids and 409 on a stale one, Ory's JSON-patch rules, validation of the
//! hook lists against a Kratos configuration schema when given one (400 on failure), and the
//! normalisation Ory Network applies to stored hooks. A request log counts calls, and faults can
//! be injected: latency, 429 with `Retry-After`, 5xx, dropped connections, stale reads, a
//! concurrent writer, and a write Ory acknowledges but does not keep.
//!
//! ```
//! use ory_actions_runtime::testkit::{Options, TestKit};
//!
//! let kit = TestKit::start(Options::default())?;
//! let project = kit.add_project(serde_json::json!({"selfservice": {"flows": {}}}));
//! assert!(kit.project(&project).is_some());
//! # Ok::<(), String>(())
//! ```

mod normalize;
mod patch;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ory_actions_core::{Platform, Scope};
use serde_json::{Value, json};

use crate::backend::kratos_file::schema::KratosSchema;
use normalize::BodyStore;

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
/// the password, oidc and webauthn lists of registration, every other list empty.
pub fn new_project_config() -> Value {
    let empty = json!({"hooks": []});
    let session = json!({"hooks": [{"hook": "session"}]});
    json!({"selfservice": {"flows": {
        "login": {"before": empty, "after": {"hooks": [], "password": empty, "oidc": empty, "webauthn": empty}},
        "registration": {"before": empty, "after": {"hooks": [], "password": session, "oidc": session, "webauthn": session}},
        "recovery": {"before": empty, "after": empty},
        "settings": {"before": empty, "after": {"hooks": [], "password": empty, "profile": empty}},
        "verification": {"before": empty, "after": empty},
    }}})
}

/// The API key the testkit accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "ory_wak_testkit";

/// How the stand-in behaves.
#[derive(Clone, Debug)]
pub struct Options {
    api_key: String,
    schema: Option<PathBuf>,
    bodies_as_urls: bool,
    return_secrets: bool,
    latency: Duration,
    rate_limit: Option<u32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            api_key: DEFAULT_API_KEY.to_owned(),
            schema: None,
            bodies_as_urls: false,
            return_secrets: true,
            latency: Duration::ZERO,
            rate_limit: None,
        }
    }
}

impl Options {
    /// The bearer token requests must carry.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// Validate every write's hook lists against this Kratos configuration schema.
    pub fn schema(mut self, path: impl Into<PathBuf>) -> Self {
        self.schema = Some(path.into());
        self
    }

    /// Store bodies as links to templates the testkit serves, as Ory Network may.
    pub fn bodies_as_urls(mut self, yes: bool) -> Self {
        self.bodies_as_urls = yes;
        self
    }

    /// Whether answers hold the secrets of web hooks (`auth.config.value` and
    /// `auth.config.password`; default true). With false they are left out of every answer, as
    /// the Terraform provider says Ory Network may do, and kept where they are stored.
    pub fn return_secrets(mut self, yes: bool) -> Self {
        self.return_secrets = yes;
        self
    }

    /// How late every answer to `GET` and `PATCH /projects/…` comes (default none): a round
    /// trip to Ory, for benchmarks that count what requests cost.
    pub fn latency(mut self, delay: Duration) -> Self {
        self.latency = delay;
        self
    }

    /// At most `per_second` requests to `/projects/…` in each second (default no limit); the
    /// others are answered 429 with `Retry-After`, as Ory's API does.
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second.max(1));
        self
    }
}

/// Which requests a fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On {
    /// `GET /projects/{id}`.
    Read,
    /// `PATCH /projects/{id}…`.
    Write,
    /// Either.
    Any,
}

/// Something that goes wrong once, on the next request it applies to.
#[non_exhaustive]
pub enum Fault {
    /// The answer comes late.
    Latency {
        /// Which requests.
        on: On,
        /// How late.
        delay: Duration,
    },
    /// The answer is this status (429 with `Retry-After` when given).
    Status {
        /// Which requests.
        on: On,
        /// The status.
        status: u16,
        /// Seconds for `Retry-After`.
        retry_after: Option<u32>,
    },
    /// The connection closes without an answer.
    DropConnection {
        /// Which requests.
        on: On,
    },
    /// The next read returns the project as it was before the last write.
    StaleRead,
    /// Someone else changes the identity configuration just before the next write arrives.
    ConcurrentEdit(Box<dyn FnOnce(&mut Value) + Send>),
    /// The next write is answered 200 with the project unchanged.
    IgnoreWrite,
    /// The next write is refused with 400, in a message that quotes what was sent (as a
    /// validation error quoting the offending value would).
    EchoingRejection,
    /// The next write is carried out, then the connection closes before the answer: the
    /// writer cannot know that its write landed.
    DropAfterWrite,
    /// The next matching request is answered with this status and these bytes, whatever they
    /// are (not JSON, truncated, huge).
    RawAnswer {
        /// Which requests.
        on: On,
        /// The status.
        status: u16,
        /// The body.
        body: Vec<u8>,
    },
}

impl Fault {
    fn applies_to(&self, kind: On) -> bool {
        let on = match self {
            Fault::Latency { on, .. }
            | Fault::Status { on, .. }
            | Fault::DropConnection { on }
            | Fault::RawAnswer { on, .. } => *on,
            Fault::StaleRead => On::Read,
            Fault::ConcurrentEdit(_)
            | Fault::IgnoreWrite
            | Fault::EchoingRejection
            | Fault::DropAfterWrite => On::Write,
        };
        on == On::Any || on == kind
    }
}

/// One request the testkit answered (status 0: the connection was dropped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    /// `GET` or `PATCH`.
    pub method: String,
    /// The path.
    pub path: String,
    /// The status answered.
    pub status: u16,
}

struct Project {
    document: Value,
    previous: Option<Value>,
}

struct State {
    api_key: String,
    schema: Option<KratosSchema>,
    bodies_as_urls: bool,
    return_secrets: bool,
    latency: Duration,
    /// The limit, and the second being counted: when it began and how many requests it had.
    rate_limit: Option<(u32, std::time::Instant, u32)>,
    base_url: String,
    projects: BTreeMap<String, Project>,
    faults: Vec<Fault>,
    log: Vec<LoggedRequest>,
    bodies: BodyStore,
    counter: u64,
}

impl State {
    fn next_id(&mut self, kind: u32) -> String {
        self.counter += 1;
        format!("{kind:08x}-0000-4000-8000-{:012x}", self.counter)
    }
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
        let state = Arc::new(Mutex::new(State {
            api_key: options.api_key,
            schema,
            bodies_as_urls: options.bodies_as_urls,
            return_secrets: options.return_secrets,
            latency: options.latency,
            rate_limit: options
                .rate_limit
                .map(|limit| (limit, std::time::Instant::now(), 0)),
            base_url: url.clone(),
            projects: BTreeMap::new(),
            faults: Vec::new(),
            log: Vec::new(),
            bodies: BodyStore::default(),
            counter: 0,
        }));
        let (shutdown, stopped) = tokio::sync::oneshot::channel();
        let served = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("ory-actions-testkit".into())
            .spawn(move || serve(listener, served, stopped))
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

    /// The API key it accepts.
    pub fn api_key(&self) -> String {
        self.lock().api_key.clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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

fn external_edit(project: &mut Project, revision: String, edit: impl FnOnce(&mut Value)) {
    project.previous = Some(project.document.clone());
    if let Some(config) = project.document.pointer_mut("/services/identity/config") {
        edit(config);
    }
    project.document["revision_id"] = revision.into();
}

fn serve(
    listener: std::net::TcpListener,
    state: Arc<Mutex<State>>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    runtime.block_on(async move {
        let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
            return;
        };
        loop {
            let accepted = tokio::select! {
                _ = &mut stopped => return,
                accepted = listener.accept() => accepted,
            };
            let Ok((stream, _)) = accepted else {
                continue;
            };
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let state = Arc::clone(&state);
                    async move { handle(state, request).await }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

type Answer = Response<Full<Bytes>>;

/// Why a connection is closed without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

async fn handle(state: Arc<Mutex<State>>, request: Request<Incoming>) -> Result<Answer, Dropped> {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let auth = request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let kind = match method.as_str() {
        "GET" if path.starts_with("/projects/") => Some(On::Read),
        "PATCH" if path.starts_with("/projects/") => Some(On::Write),
        _ => None,
    };
    let log = |state: &Arc<Mutex<State>>, status: u16| {
        lock(state).log.push(LoggedRequest {
            method: method.clone(),
            path: path.clone(),
            status,
        });
    };
    let latency = lock(&state).latency;
    if kind.is_some() && !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if kind.is_some() {
        let limited = {
            let mut state = lock(&state);
            match &mut state.rate_limit {
                Some((limit, second, seen)) => {
                    let now = std::time::Instant::now();
                    if now.duration_since(*second) >= Duration::from_secs(1) {
                        *second = now;
                        *seen = 0;
                    }
                    *seen += 1;
                    *seen > *limit
                }
                None => false,
            }
        };
        if limited {
            log(&state, 429);
            let mut answer = error_answer(429, "rate limit exceeded (testkit)");
            answer.headers_mut().insert(
                hyper::header::RETRY_AFTER,
                hyper::header::HeaderValue::from(1u32),
            );
            return Ok(answer);
        }
    }
    // Faults that act before the request is looked at.
    loop {
        let fault = kind.and_then(|kind| {
            let mut state = lock(&state);
            let index = state.faults.iter().position(|f| {
                f.applies_to(kind)
                    && matches!(
                        f,
                        Fault::Latency { .. }
                            | Fault::Status { .. }
                            | Fault::DropConnection { .. }
                            | Fault::RawAnswer { .. }
                    )
            })?;
            Some(state.faults.remove(index))
        });
        match fault {
            Some(Fault::Latency { delay, .. }) => tokio::time::sleep(delay).await,
            Some(Fault::Status {
                status,
                retry_after,
                ..
            }) => {
                log(&state, status);
                let mut answer = error_answer(status, "injected by the testkit");
                if let Some(seconds) = retry_after {
                    answer.headers_mut().insert(
                        hyper::header::RETRY_AFTER,
                        hyper::header::HeaderValue::from(seconds),
                    );
                }
                return Ok(answer);
            }
            Some(Fault::DropConnection { .. }) => {
                log(&state, 0);
                return Err(Dropped);
            }
            Some(Fault::RawAnswer { status, body, .. }) => {
                log(&state, status);
                let mut answer = Response::new(Full::new(Bytes::from(body)));
                *answer.status_mut() =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return Ok(answer);
            }
            _ => break,
        }
    }
    let (answer, drop_after) = {
        let mut state = lock(&state);
        let answer = route(&mut state, &method, &path, auth.as_deref(), &body);
        let drop_after = kind == Some(On::Write)
            && answer.status().is_success()
            && take_fault(&mut state, |f| matches!(f, Fault::DropAfterWrite)).is_some();
        (answer, drop_after)
    };
    if drop_after {
        log(&state, 0);
        return Err(Dropped);
    }
    log(&state, answer.status().as_u16());
    Ok(answer)
}

fn lock(state: &Arc<Mutex<State>>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn json_answer(status: u16, body: &Value) -> Answer {
    let mut answer = Response::new(Full::new(Bytes::from(
        serde_json::to_vec(body).expect("JSON values serialise"),
    )));
    *answer.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    answer.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    answer
}

fn error_answer(status: u16, reason: &str) -> Answer {
    let text = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    json_answer(
        status,
        &json!({"error": {"code": status, "status": text, "message": text, "reason": reason}}),
    )
}

fn route(state: &mut State, method: &str, path: &str, auth: Option<&str>, body: &[u8]) -> Answer {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if let (Some(&"bodies"), "GET") = (segments.first(), method) {
        return match segments
            .get(1)
            .and_then(|i| i.parse().ok())
            .and_then(|i| state.bodies.get(i))
        {
            Some(text) => Response::new(Full::new(Bytes::from(text.to_owned()))),
            None => error_answer(404, "no such body"),
        };
    }
    if segments.first() != Some(&"projects") || segments.len() < 2 {
        return error_answer(404, "no such endpoint");
    }
    if auth != Some(format!("Bearer {}", state.api_key).as_str()) {
        return error_answer(401, "the workspace API key is missing or invalid");
    }
    let id = segments[1].to_owned();
    if !state.projects.contains_key(&id) {
        return error_answer(404, "project does not exist");
    }
    match (method, &segments[2..]) {
        ("GET", []) => read(state, &id),
        ("PATCH", []) => write(state, &id, None, body),
        ("PATCH", ["revision", revision]) => write(state, &id, Some(revision), body),
        _ => error_answer(405, "method not allowed"),
    }
}

/// Removes the per-method objects of the lists self-hosted Kratos does not have (`saml`) from an
/// identity configuration. The schema the testkit validates with is the open-source Kratos
/// schema, which has no `saml` key; Ory Network's own schema has them, so they are not checked
/// there.
fn without_lists_kratos_lacks(config: &mut Value) {
    for scope in Scope::ALL.iter().filter(|s| !s.exists_on(Platform::Kratos)) {
        let Some(method) = scope.method() else {
            continue;
        };
        let after = format!("/selfservice/flows/{}/{}", scope.flow(), scope.timing());
        if let Some(Value::Object(after)) = config.pointer_mut(&after) {
            after.remove(method.as_str());
        }
    }
}

fn take_fault(state: &mut State, wanted: fn(&Fault) -> bool) -> Option<Fault> {
    let index = state.faults.iter().position(wanted)?;
    Some(state.faults.remove(index))
}

fn read(state: &mut State, id: &str) -> Answer {
    let stale = take_fault(state, |f| matches!(f, Fault::StaleRead)).is_some();
    let project = &state.projects[id];
    let document = match (&project.previous, stale) {
        (Some(previous), true) => previous,
        _ => &project.document,
    };
    json_answer(200, &answered(document, state.return_secrets))
}

fn write(state: &mut State, id: &str, revision: Option<&str>, body: &[u8]) -> Answer {
    if let Some(Fault::ConcurrentEdit(edit)) =
        take_fault(state, |f| matches!(f, Fault::ConcurrentEdit(_)))
    {
        let new_revision = state.next_id(0x7e71_5100);
        let project = state.projects.get_mut(id).expect("checked by route");
        external_edit(project, new_revision, edit);
    }
    let current = &state.projects[id].document;
    if let Some(revision) = revision
        && current.get("revision_id").and_then(Value::as_str) != Some(revision)
    {
        return error_answer(
            409,
            "the revision is not the latest revision of the project",
        );
    }
    let operations: Value = match serde_json::from_slice(body) {
        Ok(operations) => operations,
        Err(e) => return error_answer(400, &format!("the request body is not JSON: {e}")),
    };
    let mut patched = match patch::apply(current, &operations) {
        Ok(patched) => patched,
        Err(problem) => return error_answer(400, &problem),
    };
    if let Some(schema) = &state.schema {
        let mut config = patched
            .pointer("/services/identity/config")
            .cloned()
            .unwrap_or(Value::Null);
        without_lists_kratos_lacks(&mut config);
        let problems = schema.problems(&config);
        if !problems.is_empty() {
            return error_answer(
                400,
                &format!(
                    "the identity configuration is invalid: {}",
                    problems.join("; ")
                ),
            );
        }
    }
    if take_fault(state, |f| matches!(f, Fault::IgnoreWrite)).is_some() {
        let unchanged = state.projects[id].document.clone();
        let answer = answered(&unchanged, state.return_secrets);
        return json_answer(200, &json!({"project": answer, "warnings": []}));
    }
    let base_url = state.base_url.clone();
    let bodies_as_urls = state.bodies_as_urls;
    let warnings = normalize::normalize(&mut patched, &mut state.bodies, &base_url, bodies_as_urls);
    patched["revision_id"] = state.next_id(0x7e71_5100).into();
    let project = state.projects.get_mut(id).expect("checked by route");
    project.previous = Some(std::mem::replace(&mut project.document, patched));
    json_answer(
        200,
        &json!({
            "project": answered(&project.document, state.return_secrets),
            "warnings": warnings.into_iter().map(|(code, message)| json!({"code": code, "message": message})).collect::<Vec<_>>(),
        }),
    )
}

/// A project as an answer holds it: without web hook secrets unless they are returned.
fn answered(document: &Value, return_secrets: bool) -> Value {
    let mut document = document.clone();
    if !return_secrets {
        for &scope in ory_actions_core::Scope::ALL {
            let Some(Value::Array(list)) = document.pointer_mut(scope.pointer()) else {
                continue;
            };
            for entry in list {
                if let Some(Value::Object(auth)) = entry.pointer_mut("/config/auth/config") {
                    auth.remove("value");
                    auth.remove("password");
                }
            }
        }
    }
    document
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use ory_actions_core::{AuthMethod, AuthMethods, Flow, Timing};

    use super::*;
    use crate::{Action, Stack, cli};

    /// Runs the command line of `stack` against `kit`'s `project`: exit code and output.
    fn run(kit: &TestKit, project: &str, stack: Stack, args: &[&str]) -> (u8, String) {
        let env = BTreeMap::from([
            ("ORY_WORKSPACE_API_KEY", kit.api_key()),
            ("ORY_CONSOLE_API_URL", kit.url().to_owned()),
            ("ORY_PROJECT_ID", project.to_owned()),
        ]);
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
        let text = String::from_utf8(out).unwrap() + &String::from_utf8(err).unwrap();
        (code, text)
    }

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
        let (code, out) = run(&kit, &project, stack(), &["apply", "--yes"]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("7 created"), "{out}");
        let config = kit.identity_config(&project).unwrap();
        let flows = &config["selfservice"]["flows"];
        let login_saml = &flows["login"]["after"]["saml"]["hooks"];
        assert_eq!(login_saml[0], json!({"hook": "organization"}));
        assert_eq!(login_saml[1]["config"]["url"], "https://h.example/sso");
        assert_eq!(
            flows["registration"]["after"]["saml"]["hooks"][0]["config"]["url"],
            "https://h.example/all"
        );
        let (code, out) = run(&kit, &project, stack(), &["plan", "--detailed-exitcode"]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("No changes."), "{out}");
    }

    #[test]
    fn the_kratos_schema_check_leaves_out_the_lists_kratos_lacks() {
        let mut config = json!({"selfservice": {"flows": {
            "login": {"after": {"saml": {"hooks": []}, "password": {"hooks": []}}},
            "settings": {"after": {"saml": {"hooks": []}}},
        }}});
        without_lists_kratos_lacks(&mut config);
        assert_eq!(
            config,
            json!({"selfservice": {"flows": {
                "login": {"after": {"password": {"hooks": []}}},
                "settings": {"after": {}},
            }}})
        );
    }
}
