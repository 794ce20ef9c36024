//! `probe`: each declared hook's request sent the way Kratos sends it, and the reply checked
//! against what Kratos does with it (`ory-hook-semantics.md`, sections 4 and 5).
//!
//! [`request`] builds the request (method, URL, headers with `Content-Type`, auth with the
//! secrets read, the body evaluated for the sample context of the list and phase);
//! [`send`] sends it with Kratos's transport rules (30 s, two retries on connection errors, 429
//! and 5xx but 501, replies read up to 5 MiB); [`judge`] reads the reply as Kratos would, with
//! the rules of [`crate::reply`].

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ory_actions_core::Scope;
use serde_json::Value;

use crate::action::Action;
use crate::hooks::{HookUrl, REDACTED, Secrets, StoredAuth};
use crate::payload::{Payload, Phase, Samples, evaluate};
use crate::reply::{Reading, Verdict, hear};

/// How long Kratos waits for a reply.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(30);
/// How many times Kratos tries again.
pub(crate) const RETRIES: u32 = 2;
/// How much of a reply Kratos reads.
pub(crate) const MAX_REPLY: usize = 5 * 1024 * 1024;

/// A request as Kratos would send it.
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) url: HookUrl,
    /// Name, value, and whether the value is a secret.
    pub(crate) headers: Vec<(String, String, bool)>,
    pub(crate) body: Option<Vec<u8>>,
    /// What Kratos reads of the reply.
    pub(crate) reading: Reading,
}

impl Drop for Request {
    /// Overwrites the secret header values (auth included), as every holder of secrets does.
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        for (_, value, secret) in &mut self.headers {
            if *secret {
                value.zeroize();
            }
        }
    }
}

impl Request {
    /// The request for people: the request line, each header (secrets redacted) and the body.
    pub(crate) fn shown(&self) -> String {
        let mut out = format!("{} {}\n", self.method, self.url);
        for (name, value, secret) in &self.headers {
            let _ = writeln!(out, "{name}: {}", if *secret { REDACTED } else { value });
        }
        if let Some(body) = &self.body {
            let _ = writeln!(out, "\n{}", String::from_utf8_lossy(body));
        }
        out
    }
}

/// Why a hook is not sent.
pub(crate) enum NotSent {
    /// The body raised `error "cancel"`: Kratos skips the call.
    Cancelled,
    /// Kratos fetches or reads the body itself, so it cannot be evaluated here.
    ReferencedBody(String),
    /// The request cannot be made (a secret that cannot be read, a body that fails).
    Failed(String),
}

/// The request of `action` in `scope`, as Kratos sends it for the sample context there.
pub(crate) fn request(
    action: &Action,
    scope: Scope,
    samples: &Samples,
) -> Result<Request, NotSent> {
    let declared = action
        .declared_hook(Secrets::Resolved)
        .map_err(|e| NotSent::Failed(e.to_string()))?;
    let hook = &declared.hook;
    let encoding = action.encoding();
    let body = match action.body() {
        None => None,
        Some(body) => match (body.source(), body.reference()) {
            (Some(source), _) => {
                let ctx = samples.context(scope, Phase::of(scope, action.flags()));
                match evaluate(source, &ctx, encoding) {
                    Ok(Payload::Cancelled) => return Err(NotSent::Cancelled),
                    Ok(Payload::Json(json)) => Some(json.to_string().into_bytes()),
                    Ok(Payload::Form(fields)) => Some(form(&fields).into_bytes()),
                    Err(e) => {
                        return Err(NotSent::Failed(format!(
                            "its body fails for the sample context: {e}"
                        )));
                    }
                }
            }
            (None, reference) => {
                return Err(NotSent::ReferencedBody(
                    reference.unwrap_or_default().to_owned(),
                ));
            }
        },
    };
    let trace = hook.method.eq_ignore_ascii_case("TRACE");
    if body.is_none() && !trace {
        return Err(NotSent::Failed(
            "it has no body: Kratos fails every call of a web hook without one (add `body`)".into(),
        ));
    }
    let mut headers: Vec<(String, String, bool)> = hook
        .headers
        .iter()
        .map(|(name, value)| {
            let secret = declared.secret_headers.contains(name);
            (name.clone(), value.clone(), secret)
        })
        .collect();
    match headers
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case("content-type"))
    {
        None => headers.push(("Content-Type".into(), "application/json".into(), false)),
        // Kratos compares the header exactly (`request/builder.go`).
        Some((_, value, _))
            if !trace
                && value != "application/json"
                && value != "application/x-www-form-urlencoded" =>
        {
            return Err(NotSent::Failed(format!(
                "its `Content-Type` is `{value}`: Kratos sends a body only as exactly \
                 `application/json` or `application/x-www-form-urlencoded`, and fails every \
                 call otherwise (\"invalid config - incorrect Content-Type for request with \
                 body\")"
            )));
        }
        Some(_) => {}
    }
    match &hook.auth {
        Some(StoredAuth::ApiKey {
            name,
            value,
            location,
        }) => {
            let value = value.clone().unwrap_or_default();
            if location == "cookie" {
                headers.push(("Cookie".into(), format!("{name}={value}"), true));
            } else {
                headers.push((name.clone(), value, true));
            }
        }
        Some(StoredAuth::BasicAuth { user, password }) => {
            let pair = format!("{user}:{}", password.clone().unwrap_or_default());
            headers.push((
                "Authorization".into(),
                format!("Basic {}", STANDARD.encode(pair)),
                true,
            ));
        }
        Some(StoredAuth::Other(_)) | None => {}
    }
    Ok(Request {
        method: hook.method.to_string(),
        url: hook.url.clone(),
        headers,
        // TRACE sends no body.
        body: body.filter(|_| !trace),
        reading: Reading::of(action, scope),
    })
}

/// A form body, as Go's `url.Values.Encode` writes it (keys sorted).
fn form(fields: &[(String, String)]) -> String {
    let mut fields: Vec<&(String, String)> = fields.iter().collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char);
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

/// A reply as read.
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// The body, up to [`MAX_REPLY`] bytes: what Kratos reads of it.
    pub(crate) body: Vec<u8>,
    /// Whether the body was longer, and cut at [`MAX_REPLY`] as Kratos cuts it.
    pub(crate) cut: bool,
    pub(crate) took: Duration,
    /// How many times the request was sent.
    pub(crate) attempts: u32,
}

/// Sends `request` with Kratos's transport rules. An error is why no reply could be read.
pub(crate) async fn send(client: &reqwest::Client, request: &Request) -> Result<Reply, String> {
    let started = Instant::now();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = send_once(client, request).await;
        let retry = match &result {
            Ok((status, _, _)) => *status == 429 || (*status >= 500 && *status != 501),
            Err(SendError::Connection(_)) => true,
            Err(SendError::Final(_)) => false,
        };
        if retry && attempt <= RETRIES {
            // go-retryablehttp's default backoff: 1 s, then 2 s.
            tokio::time::sleep(Duration::from_secs(1 << (attempt - 1))).await;
            continue;
        }
        return match result {
            Ok((status, body, cut)) => Ok(Reply {
                status,
                body,
                cut,
                took: started.elapsed(),
                attempts: attempt,
            }),
            Err(SendError::Connection(why) | SendError::Final(why)) => Err(if attempt > 1 {
                format!("{why} (tried {attempt} times)")
            } else {
                why
            }),
        };
    }
}

enum SendError {
    /// Worth trying again: the connection failed.
    Connection(String),
    /// Not worth trying again.
    Final(String),
}

async fn send_once(
    client: &reqwest::Client,
    request: &Request,
) -> Result<(u16, Vec<u8>, bool), SendError> {
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| SendError::Final(format!("`{}` is not an HTTP method", request.method)))?;
    let mut builder = client.request(method, request.url.with_credentials());
    for (name, value, _) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let mut response = builder.send().await.map_err(|e| {
        let why = describe(&e);
        if e.is_builder() {
            SendError::Final(why)
        } else {
            SendError::Connection(why)
        }
    })?;
    let status = response.status().as_u16();
    // Kratos reads at most 5 MiB of a reply; an error while reading it is not retried.
    let mut body = Vec::new();
    let mut cut = false;
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| SendError::Final(format!("reading the reply failed: {}", describe(&e))))?
    {
        let room = MAX_REPLY - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            cut = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, body, cut))
}

/// What went wrong with a request, without the URL (messages name the hook) or any header.
fn describe(error: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut why = if error.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        // hyper's "client error (Connect)" says nothing the first words do not.
        if !text.is_empty() && !text.starts_with("client error") && !why.contains(&text) {
            let _ = write!(why, ": {text}");
        }
        source = cause.source();
    }
    why
}

/// One hook to probe: an action's hook in one of its lists.
pub(crate) struct Probe {
    /// How the hook is named.
    pub(crate) who: String,
    /// The request, or why it is not sent.
    pub(crate) request: Result<Request, NotSent>,
    /// The sample identity the body was made from.
    pub(crate) identity: Option<Value>,
}

/// The hooks of `actions`, each in each list `lists` gives for it, in that order; when the
/// samples are made from several identity schemas, a hook is probed once per schema where its
/// requests differ.
pub(crate) fn probes<'a>(
    actions: impl IntoIterator<Item = &'a Action>,
    lists: impl Fn(&Action) -> Vec<Scope>,
    samples: &Samples,
) -> Vec<Probe> {
    let variants = samples.per_schema();
    let mut probes = Vec::new();
    for action in actions {
        let several = action.scopes().len() > 1;
        for scope in lists(action) {
            // An action's own name says its list when it has one.
            let who = if several {
                format!("{action}, in {scope}")
            } else {
                action.to_string()
            };
            let made: Vec<(Option<&str>, Probe)> = variants
                .iter()
                .map(|(schema, samples)| {
                    let probe = Probe {
                        who: who.clone(),
                        request: request(action, scope, samples),
                        identity: samples
                            .context(scope, Phase::of(scope, action.flags()))
                            .get("identity")
                            .cloned(),
                    };
                    (*schema, probe)
                })
                .collect();
            let same = made
                .iter()
                .all(|(_, probe)| sent(probe) == sent(&made[0].1));
            for (schema, mut probe) in made {
                if !same && let Some(id) = schema {
                    probe.who = format!("{who}, identity schema `{id}`");
                }
                probes.push(probe);
                if same {
                    break;
                }
            }
        }
    }
    probes
}

/// What a probe sends (the body, or why it sends nothing), to tell the probes of the schemas
/// apart.
fn sent(probe: &Probe) -> Result<Option<&[u8]>, String> {
    match &probe.request {
        Ok(request) => Ok(request.body.as_deref()),
        Err(NotSent::Cancelled) => Err("cancelled".to_owned()),
        Err(NotSent::ReferencedBody(reference)) => Err(reference.clone()),
        Err(NotSent::Failed(why)) => Err(why.clone()),
    }
}

/// The line for a hook that is not sent.
pub(crate) fn not_sent_line(who: &str, not_sent: &NotSent) -> String {
    match not_sent {
        NotSent::Cancelled => format!(
            "skip {who}: its body raises `error \"cancel\"` for the sample context, so Kratos \
             does not call it"
        ),
        NotSent::ReferencedBody(reference) => format!(
            "skip {who}: Kratos fetches or reads its body `{reference}` itself, so it is not \
             evaluated here"
        ),
        NotSent::Failed(why) => format!("FAIL {who}: {why}"),
    }
}

/// The line for a hook's verdict (`extra` after the verdict, such as the time it took).
pub(crate) fn verdict_line(who: &str, verdict: &Verdict, extra: &str) -> String {
    format!(
        "{} {who}: {}{extra}",
        if verdict.ok { "ok  " } else { "FAIL" },
        verdict.says
    )
}

/// Reads `reply` as Kratos does for `request`'s flags and phase ([`crate::reply::hear`]);
/// `identity` is the sample identity the body was made from, to say what a parse hook would
/// change.
pub(crate) fn judge(request: &Request, reply: &Reply, identity: Option<&Value>) -> Verdict {
    hear(
        &request.reading,
        reply.status,
        &reply.body,
        reply.cut,
        identity,
    )
}

#[cfg(feature = "axum")]
pub(crate) mod service;
#[cfg(test)]
mod tests;
