//! The console API the stand-in serves: authentication, revisions and 409, Ory's JSON-patch
//! rules, validation, the normalisation Ory Network applies, and the faults injected.

use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ory_actions_core::{Platform, Scope};
use serde_json::{Value, json};

use super::options::{Fault, LoggedRequest, On, PROJECT_API_KEY};
use super::store::{State, external_edit, lock};
use super::{normalize, patch};

/// Answers requests on `listener` until `stopped`.
pub(super) fn serve(
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
    let latency = lock(&state).latency;
    if kind.is_some() && !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let counted = kind.and_then(|_| {
        lock(&state)
            .rate_limit
            .as_mut()
            .map(|limit| limit.count(std::time::Instant::now()))
    });
    let request = Received {
        kind,
        method: &method,
        path: &path,
        auth: auth.as_deref(),
        body: &body,
    };
    let mut answer = match &counted {
        Some(counted) if counted.refused => {
            request.log(&state, 429);
            Ok(error_answer(429, "rate limit exceeded (testkit)"))
        }
        _ => respond(&state, &request).await,
    };
    // Every answer announces the limit, whatever it is.
    if let (Ok(answer), Some(counted)) = (&mut answer, counted) {
        for (name, value) in counted.headers {
            if let Ok(value) = hyper::header::HeaderValue::from_str(&value) {
                answer.headers_mut().insert(name, value);
            }
        }
    }
    answer
}

/// A request as the stand-in received it.
struct Received<'a> {
    /// Which requests' faults apply; `None` for what is not `/projects/…`.
    kind: Option<On>,
    method: &'a str,
    path: &'a str,
    auth: Option<&'a str>,
    body: &'a [u8],
}

impl Received<'_> {
    /// Logs that it was answered with `status`.
    fn log(&self, state: &Arc<Mutex<State>>, status: u16) {
        lock(state).log.push(LoggedRequest {
            method: self.method.to_owned(),
            path: self.path.to_owned(),
            status,
        });
    }
}

/// Answers a request the rate limit let through: the faults injected, else the API.
async fn respond(state: &Arc<Mutex<State>>, request: &Received<'_>) -> Result<Answer, Dropped> {
    let kind = request.kind;
    // Faults that act before the request is looked at.
    loop {
        let fault = kind.and_then(|kind| {
            let mut state = lock(state);
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
                request.log(state, status);
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
                request.log(state, 0);
                return Err(Dropped);
            }
            Some(Fault::RawAnswer { status, body, .. }) => {
                request.log(state, status);
                let mut answer = Response::new(Full::new(Bytes::from(body)));
                *answer.status_mut() =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return Ok(answer);
            }
            _ => break,
        }
    }
    let (answer, drop_after) = {
        let mut state = lock(state);
        let answer = route(
            &mut state,
            request.method,
            request.path,
            request.auth,
            request.body,
        );
        let drop_after = kind == Some(On::Write)
            && answer.status().is_success()
            && take_fault(&mut state, |f| matches!(f, Fault::DropAfterWrite)).is_some();
        (answer, drop_after)
    };
    if drop_after {
        request.log(state, 0);
        return Err(Dropped);
    }
    request.log(state, answer.status().as_u16());
    Ok(answer)
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
    let project_key = auth == Some(format!("Bearer {PROJECT_API_KEY}").as_str());
    if !project_key && auth != Some(format!("Bearer {}", state.api_key).as_str()) {
        return error_answer(401, "the workspace API key is missing or invalid");
    }
    let id = segments[1].to_owned();
    // Ory answers an unknown project, or one the key cannot see, with 403.
    if !state.projects.contains_key(&id) {
        return error_answer(
            403,
            "the project does not exist or the key may not access it",
        );
    }
    if project_key && method != "GET" {
        return error_answer(
            403,
            "a project API key may not change the project's configuration",
        );
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
    use serde_json::json;

    use super::without_lists_kratos_lacks;

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
