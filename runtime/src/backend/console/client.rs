//! A thin client for the Ory Network console API: `GET /projects/{id}` and
//! `PATCH /projects/{id}/revision/{revision_id}`. It maps statuses to errors, paces its
//! requests by the rate limit Ory's answers announce (`pacer.rs`), and knows nothing of plans.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use super::pacer::{Kind, Pacer};
use super::rate_limit::Announced;
use crate::error::{ApiFailure, Error};
use crate::hooks::HookUrl;
use crate::trace::Trace;

/// The workspace API key; `Debug` never shows it.
#[derive(Clone)]
pub(crate) struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub(crate) fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for ApiKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(")?;
        f.write_str(crate::hooks::REDACTED)?;
        f.write_str(")")
    }
}

/// The largest console API answer this client reads.
const MAX_RESPONSE: usize = 16 * 1024 * 1024;
/// The largest body template fetched from a URL.
const MAX_BODY: usize = 1024 * 1024;

/// What a successful `PATCH` returns.
pub(crate) struct PatchOutcome {
    /// The project after the change.
    pub project: Value,
    /// Keys Ory ignored, as `(code, message)`.
    pub warnings: Vec<(String, String)>,
}

impl fmt::Debug for PatchOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The project holds stored secrets: show only which revision it is.
        f.debug_struct("PatchOutcome")
            .field(
                "revision_id",
                &self.project.get("revision_id").and_then(Value::as_str),
            )
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

/// A console API client.
#[derive(Clone, Debug)]
pub(crate) struct ConsoleClient {
    http: reqwest::Client,
    /// For stored bodies: follows no redirects, sends no credentials. Made when the first body
    /// is fetched (few runs fetch any): each client reads the system's certificates.
    bodies: Arc<OnceLock<Result<reqwest::Client, String>>>,
    /// The time limit of a request.
    timeout: Duration,
    base: String,
    key: ApiKey,
    trace: Trace,
    /// When the run stops waiting, if it does.
    deadline: Option<Instant>,
    /// Shared by every clone, so by every project and task of the run.
    pacer: Arc<Pacer>,
}

/// Makes ring the TLS provider of the process, unless one is installed already.
pub(crate) fn install_tls_provider() {
    // rustls 0.23.48 deprecates ring's provider, which has no post-quantum key exchange; it is
    // still rustls's and still supported, and aws-lc-rs, the provider that has one, needs a C
    // toolchain and doubles the build (Cargo.toml). A program that installs a provider of its
    // own first keeps it. An `Err` means a provider is already installed, which is all that is
    // needed.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let _ = provider.install_default();
}

/// A client that gives up after `timeout`, names itself, and follows no redirects.
fn client_builder(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("ory-actions/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
}

impl ConsoleClient {
    /// A client for the console API at `base_url` (for example `https://api.console.ory.sh`).
    ///
    /// The workspace API key goes with every request, so the URL must be `https`; plain `http`
    /// is accepted on loopback only, for local stand-ins such as the testkit. Redirects are not
    /// followed, so the key is never sent anywhere else.
    pub(crate) fn new(base_url: &str, key: ApiKey, timeout: Duration) -> Result<Self, Error> {
        install_tls_provider();
        let base = base_url.trim_end_matches('/').to_owned();
        if let Err(problem) = ory_actions_core::address::check_url(&base) {
            return Err(Error::Config(format!(
                "the console API URL `{}` is not usable: {problem}",
                HookUrl::new(base.as_str())
            )));
        }
        let parsed = reqwest::Url::parse(&base).map_err(|e| {
            Error::Config(format!(
                "the console API URL `{}` is not usable: {e}",
                HookUrl::new(base.as_str())
            ))
        })?;
        if !(parsed.scheme() == "https" || (parsed.scheme() == "http" && is_loopback(&parsed))) {
            return Err(Error::Config(format!(
                "the console API URL `{}` is not https: the workspace API key goes with every \
                 request and would travel in clear; use an https URL (plain http only on \
                 loopback, for local stand-ins such as the testkit)",
                HookUrl::new(base.as_str())
            )));
        }
        let mut builder = client_builder(timeout);
        if parsed.scheme() == "http" {
            // A loopback stand-in over plain HTTP: this client talks to nothing else (it
            // follows no redirects), so it needs no certificates, and reading the system's
            // would cost more than a plan of ten thousand hooks' checks.
            builder = builder.tls_certs_only([]);
        }
        let http = builder
            .build()
            .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))?;
        Ok(ConsoleClient {
            http,
            bodies: Arc::default(),
            timeout,
            base,
            key,
            trace: Trace::default(),
            deadline: None,
            pacer: Arc::new(Pacer::new(None, Trace::default())),
        })
    }

    /// Reports every request, and every wait for the rate limit, on `trace` (`-v`).
    pub(crate) fn traced(mut self, trace: Trace) -> Self {
        self.trace = trace;
        self.pacer = Arc::new(Pacer::new(self.deadline, self.trace.clone()));
        self
    }

    /// Never waits for the rate limit past `deadline` (the run's `--deadline`).
    pub(crate) fn until(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self.pacer = Arc::new(Pacer::new(self.deadline, self.trace.clone()));
        self
    }

    /// `GET /projects/{project_id}`: the project document's text, which
    /// [`read_project`](super::read_project) reads.
    pub(crate) async fn get_project(&self, project_id: &str) -> Result<Vec<u8>, Error> {
        let url = format!("{}/projects/{}", self.base, encode(project_id));
        let request = self.http.get(&url).bearer_auth(self.key.expose());
        self.send("read", Kind::Read, project_id, request).await
    }

    /// `PATCH /projects/{project_id}/revision/{revision_id}` with JSON-patch operations.
    pub(crate) async fn patch_project(
        &self,
        project_id: &str,
        revision_id: &str,
        operations: &[Value],
    ) -> Result<PatchOutcome, Error> {
        let url = format!(
            "{}/projects/{}/revision/{}",
            self.base,
            encode(project_id),
            encode(revision_id)
        );
        let body = serde_json::to_vec(operations).expect("JSON values serialise");
        let request = self
            .http
            .patch(&url)
            .bearer_auth(self.key.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        let answer = json(
            &self
                .send("update", Kind::Write, project_id, request)
                .await?,
        )?;
        let project = match answer.get("project") {
            Some(project @ Value::Object(_)) => project.clone(),
            _ => {
                return Err(Error::RemoteDocument {
                    pointer: "/project".into(),
                    problem: "the update answer holds no project".into(),
                });
            }
        };
        let warnings = answer
            .get("warnings")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|w| {
                let text = |k: &str| {
                    w.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                (text("code"), text("message"))
            })
            .collect();
        Ok(PatchOutcome { project, warnings })
    }

    /// Reads a body template stored at `url` (Ory may return a body as a link to it). Only
    /// `https` URLs are read (plain `http` on loopback only, for local stand-ins); no credentials
    /// are sent, no redirects followed, and at most 1 MiB is read.
    pub(crate) async fn fetch_body(&self, url: &str) -> Result<String, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        if !(parsed.scheme() == "https" || (parsed.scheme() == "http" && is_loopback(&parsed))) {
            return Err("only https links to stored bodies are read".into());
        }
        let shown = format!(
            "GET {}://{}{}",
            parsed.scheme(),
            parsed.host_str().unwrap_or_default(),
            parsed.path()
        );
        let started = std::time::Instant::now();
        let bodies = self
            .bodies
            .get_or_init(|| {
                client_builder(self.timeout)
                    .build()
                    .map_err(|e| format!("cannot set up the HTTP client: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)?;
        let response = bodies.get(parsed).send().await.map_err(|e| {
            let reason = transport(&e);
            self.trace
                .line(|| format!("{shown} → no answer ({reason})"));
            reason
        })?;
        let status = response.status();
        self.trace.line(|| {
            format!(
                "{shown} → {} in {} ms",
                status.as_u16(),
                started.elapsed().as_millis()
            )
        });
        if !status.is_success() {
            return Err(format!("status {}", status.as_u16()));
        }
        let bytes = read_limited(response, MAX_BODY)
            .await
            .map_err(|e| match e {
                Read::TooLarge(problem) | Read::Broken(problem) => problem,
            })?;
        String::from_utf8(bytes).map_err(|_| "the body is not UTF-8".into())
    }

    /// Sends `request`, a request of `kind`, once the pacer lets it go.
    async fn send(
        &self,
        operation: &'static str,
        kind: Kind,
        project_id: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, Error> {
        let request = request.build().map_err(|e| Error::Unreachable {
            url: self.base.clone(),
            reason: transport(&e),
        })?;
        let shown = format!("{} {}", request.method(), request.url().path());
        let pass = self.pacer.admit(kind).await;
        let started = std::time::Instant::now();
        let response = self.http.execute(request).await.map_err(|e| {
            let reason = transport(&e);
            self.trace.line(|| {
                format!(
                    "{shown} → no answer after {} ms ({reason})",
                    started.elapsed().as_millis()
                )
            });
            Error::Unreachable {
                url: self.base.clone(),
                reason,
            }
        })?;
        let status = response.status().as_u16();
        self.trace
            .line(|| format!("{shown} → {status} in {} ms", started.elapsed().as_millis()));
        let headers = response.headers();
        let announced = Announced::read(
            status,
            |name| headers.get(name).and_then(|value| value.to_str().ok()),
            SystemTime::now(),
        );
        pass.answered(&announced);
        let bytes = read_limited(response, MAX_RESPONSE)
            .await
            .map_err(|e| match e {
                // Too large is not a passing fault: reading again would not help.
                Read::TooLarge(problem) => Error::RemoteDocument {
                    pointer: String::new(),
                    problem,
                },
                Read::Broken(reason) => Error::Unreachable {
                    url: self.base.clone(),
                    reason,
                },
            })?;
        if (200..300).contains(&status) {
            return Ok(bytes);
        }
        let body: Option<Value> = serde_json::from_slice(&bytes).ok();
        Err(Error::Api(ApiFailure {
            operation,
            project_id: project_id.to_owned(),
            status,
            message: body.as_ref().and_then(ory_message),
            retry_after: announced.retry_after(),
        }))
    }
}

/// An answer's JSON.
fn json(bytes: &[u8]) -> Result<Value, Error> {
    serde_json::from_slice(bytes).map_err(|_| Error::RemoteDocument {
        pointer: String::new(),
        problem: "the answer is not JSON".into(),
    })
}

/// Whether a URL names this machine: `localhost` or a loopback address.
fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Ory's error message out of `{"error": {"message", "reason", …}}`.
fn ory_message(body: &Value) -> Option<String> {
    let error = body.get("error").unwrap_or(body);
    let text = |k: &str| {
        error
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let message = text("message").or_else(|| text("error"))?;
    Some(match text("reason").or_else(|| text("error_description")) {
        Some(reason) if reason != message => format!("{message}: {reason}"),
        _ => message.to_owned(),
    })
}

/// Why an answer could not be read whole.
enum Read {
    /// It is larger than the limit.
    TooLarge(String),
    /// The connection broke.
    Broken(String),
}

async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, Read> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Read::Broken(transport(&e)))?
    {
        if bytes.len() + chunk.len() > limit {
            return Err(Read::TooLarge(format!(
                "the answer is larger than {} MiB",
                limit / (1024 * 1024)
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A transport failure in words, without the URL (which callers name).
fn transport(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the connection broke while reading the answer"
    } else {
        "the request failed"
    };
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(error);
    let mut detail = None;
    while let Some(c) = cause {
        detail = Some(c.to_string());
        cause = c.source();
    }
    match detail {
        Some(detail) => format!("{what} ({detail})"),
        None => what.to_owned(),
    }
}

/// Percent-encodes a path segment.
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn ory_messages_are_read_from_the_generic_error() {
        assert_eq!(
            ory_message(
                &json!({"error": {"message": "The requested resource could not be found", "reason": "project does not exist", "status_code": 404}})
            ),
            Some("The requested resource could not be found: project does not exist".into())
        );
        assert_eq!(ory_message(&json!({"error": {"code": 1}})), None);
        assert_eq!(ory_message(&json!([])), None);
    }

    #[test]
    fn the_key_goes_over_https_only_or_to_loopback() {
        let client = |url: &str| ConsoleClient::new(url, ApiKey::new("k"), Duration::from_secs(1));
        for url in [
            "https://api.console.ory.sh",
            "http://127.0.0.1:4000",
            "http://localhost:4000/",
            "http://[::1]:4000",
        ] {
            assert!(client(url).is_ok(), "{url}");
        }
        for url in [
            "http://api.console.ory.sh",
            "http://10.0.0.1:4000",
            "http://localhost.example.com",
            "ftp://api.console.ory.sh",
        ] {
            let err = client(url).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                err.contains("not https") || err.contains("not usable"),
                "{url}: {err}"
            );
        }
        let err = client("http://user:pw@api.example.com")
            .err()
            .unwrap()
            .to_string();
        assert!(!err.contains("pw"), "{err}");
    }

    #[test]
    fn keys_never_show() {
        assert_eq!(
            format!("{:?}", ApiKey::new("ory_wak_s3cret")),
            "ApiKey((sensitive))"
        );
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
    }
}
