//! [`Stack::probe_service`](crate::Stack::probe_service): `probe` against a service in the same
//! process. Each declared hook's request, built as `probe` builds it, goes to a
//! [`tower::Service`] (a router of [`receive::route`](crate::receive::route)s, or one made by
//! hand) with no socket, and each reply is judged as `probe` judges it; a hook with credentials
//! is also sent once without them, and must be refused.

use std::fmt;
use std::pin::pin;

use axum::body::{Body, HttpBody};
use axum::http::{self, HeaderName, HeaderValue, Method};
use http_body_util::BodyExt as _;
use tower::{Service, ServiceExt as _};

use bytes::Buf as _;

use super::{MAX_REPLY, NotSent, Probe, Request, not_sent_line, probes, verdict_line};
use crate::action::Action;
use crate::payload::Samples;
use crate::reply::{Verdict, hear};
use crate::stack::Stack;

/// What [`Stack::probe_service`](crate::Stack::probe_service) found: `probe`'s lines
/// ([`Display`](fmt::Display)) and the hooks that do not answer as Kratos needs
/// ([`ProbeReport::failed`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProbeReport {
    lines: Vec<String>,
    failed: Vec<String>,
    answered: usize,
}

impl ProbeReport {
    /// The hooks that do not answer as Kratos needs, each named as in the lines (an action's
    /// name, and its list when it has several); empty when all do.
    pub fn failed(&self) -> &[String] {
        &self.failed
    }

    /// Whether every hook answered as Kratos needs.
    pub fn is_ok(&self) -> bool {
        self.failed.is_empty()
    }

    /// One line for each probe, as `probe` prints them.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    fn fail(&mut self, who: &str, line: String) {
        self.lines.push(line);
        if self.failed.last().is_none_or(|last| last != who) {
            self.failed.push(who.to_owned());
        }
    }
}

impl fmt::Display for ProbeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        if self.failed.is_empty() {
            write!(f, "\n{} hook(s) answered as Kratos needs.", self.answered)
        } else {
            write!(
                f,
                "\n{} hook(s) do not answer as Kratos needs: {}",
                self.failed.len(),
                self.failed.join("; ")
            )
        }
    }
}

/// `probe` in process (defined here, with the probe, so that `stack` needs nothing of it).
impl Stack {
    /// Sends each declared hook's request, exactly as `probe` builds it (headers, auth with
    /// the secrets read, the payload for the sample context of each of the action's lists), to
    /// `service` in this process, with no socket, and judges every reply as `probe` does. A hook
    /// that declares credentials is also sent once without them, and must be refused (401 or
    /// 403). For a `#[test]` of the service that answers the hooks: a router of
    /// [`receive::route`](crate::receive::route)s, or any `tower::Service`.
    ///
    /// ```
    /// use ory_actions::reply::Reply;
    /// use ory_actions::receive::{self, Hook};
    /// use ory_actions::{Stack, action};
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let welcome = action! {
    ///     flow: registration, timing: after, auth_method: password,
    ///     url: "https://hooks.example.com/welcome",
    ///     body: "function(ctx) { email: ctx.identity.traits.email }",
    /// };
    /// let service = receive::route(&welcome, |_: Hook<serde_json::Value>| async { Reply::ok() });
    /// let report = Stack::new().action(welcome).probe_service(service).await;
    /// assert!(report.failed().is_empty(), "{report}");
    /// # });
    /// ```
    pub async fn probe_service<S, B>(&self, service: S) -> ProbeReport
    where
        S: tower::Service<
                axum::http::Request<axum::body::Body>,
                Response = axum::http::Response<B>,
            > + Clone,
        S::Error: std::fmt::Display,
        B: axum::body::HttpBody,
        B::Error: std::fmt::Display,
    {
        probe_service(self.get_actions(), self.get_samples(), service).await
    }
}

/// Probes every hook of `actions`, in each of their lists, against `service`, with the sample
/// contexts of `samples`.
pub(crate) async fn probe_service<S, B>(
    actions: &[Action],
    samples: &Samples,
    service: S,
) -> ProbeReport
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Clone,
    S::Error: fmt::Display,
    B: HttpBody,
    B::Error: fmt::Display,
{
    let mut report = ProbeReport::default();
    for probe in probes(actions, |action| action.scopes().to_vec(), samples) {
        let Probe {
            who,
            request,
            identity,
        } = probe;
        let request = match request {
            Ok(request) => request,
            Err(not_sent) => {
                let line = not_sent_line(&who, &not_sent);
                match not_sent {
                    NotSent::Failed(_) => report.fail(&who, line),
                    NotSent::Cancelled | NotSent::ReferencedBody(_) => report.lines.push(line),
                }
                continue;
            }
        };
        let verdict = match call(&service, &request, true).await {
            Ok((status, body, cut)) => {
                hear(&request.reading, status, &body, cut, identity.as_ref())
            }
            Err(why) => Verdict {
                ok: false,
                says: why,
            },
        };
        let line = verdict_line(&who, &verdict, "");
        if verdict.ok {
            report.answered += 1;
            report.lines.push(line);
        } else {
            report.fail(&who, line);
        }
        // A hook with credentials: the service must refuse a call without them.
        if request.headers.iter().any(|(_, _, secret)| *secret) {
            match call(&service, &request, false).await {
                Ok((401 | 403, _, _)) => {}
                Ok((status, _, _)) => report.fail(
                    &who,
                    format!(
                        "FAIL {who}: answers {status} to a call without the hook's credentials: \
                         the service must refuse it (401), or anyone can call the hook"
                    ),
                ),
                Err(why) => report.fail(
                    &who,
                    format!("FAIL {who}: a call without the hook's credentials: {why}"),
                ),
            }
        }
    }
    report
}

/// Sends `request` to `service` (without its secret headers unless `credentials`), and reads
/// the reply as Kratos reads it: the status, at most [`MAX_REPLY`] bytes of the body, and
/// whether it was longer. An error says why there is no reply, without any header's value.
async fn call<S, B>(
    service: &S,
    request: &Request,
    credentials: bool,
) -> Result<(u16, Vec<u8>, bool), String>
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Clone,
    S::Error: fmt::Display,
    B: HttpBody,
    B::Error: fmt::Display,
{
    let method = Method::from_bytes(request.method.as_bytes())
        .map_err(|_| format!("`{}` is not an HTTP method", request.method))?;
    let mut built = http::Request::builder()
        .method(method)
        .uri(request.url.with_credentials());
    for (name, value, secret) in &request.headers {
        if *secret && !credentials {
            continue;
        }
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("`{name}` is not a header name"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| format!("the value of the `{name}` header cannot be sent in a header"))?;
        built = built.header(name, value);
    }
    let built = built
        .body(Body::from(request.body.clone().unwrap_or_default()))
        .map_err(|_| format!("a request to {} cannot be made", request.url))?;
    let response = service
        .clone()
        .oneshot(built)
        .await
        .map_err(|e| format!("the service failed: {e}"))?;
    let status = response.status().as_u16();
    let mut body = pin!(response.into_body());
    let mut read = Vec::new();
    let mut cut = false;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("reading the reply failed: {e}"))?;
        let Ok(mut data) = frame.into_data() else {
            continue;
        };
        while data.has_remaining() && !cut {
            let chunk = data.chunk();
            let room = MAX_REPLY - read.len();
            cut = chunk.len() > room;
            let taken = chunk.len().min(room);
            read.extend_from_slice(&chunk[..taken]);
            data.advance(taken);
        }
        if cut {
            break;
        }
    }
    Ok((status, read, cut))
}
