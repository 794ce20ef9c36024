//! `probe`: each declared hook's request sent the way Kratos sends it, and the reply checked
//! against what Kratos does with it (`ory-hook-semantics.md`, sections 4 and 5).
//!
//! [`request`] builds the request (method, URL, headers with `Content-Type`, auth with the
//! secrets read, the body evaluated for the sample context of the list and phase);
//! [`send`] sends it with Kratos's transport rules (30 s, two retries on connection errors, 429
//! and 5xx but 501, replies read up to 5 MiB); [`judge`] reads the reply as Kratos would.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ory_actions_core::Scope;
use serde_json::Value;

use crate::action::Action;
use crate::hooks::{HookUrl, REDACTED, Secrets, StoredAuth};
use crate::payload::{Payload, Phase, Samples, evaluate};

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
    /// What the hook does with a reply.
    pub(crate) ignore: bool,
    pub(crate) parse: bool,
    pub(crate) interrupt: bool,
    /// Where it runs: what an `identity` in a reply does there.
    pub(crate) phase: Phase,
    /// The flow.
    pub(crate) flow: ory_actions_core::Flow,
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
        ignore: hook.flags.rules().response_ignore,
        parse: hook.flags.rules().response_parse,
        interrupt: hook.flags.rules().can_interrupt,
        phase: Phase::of(scope, action.flags()),
        flow: scope.flow(),
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

/// What Kratos makes of a reply.
#[derive(Debug, PartialEq)]
pub(crate) struct Verdict {
    /// Whether the hook answers as Kratos needs.
    pub(crate) ok: bool,
    /// What Kratos does with the reply, for people.
    pub(crate) says: String,
}

/// Reads `reply` as Kratos does for `request`'s flags and phase; `identity` is the sample
/// identity the body was made from, to say what a parse hook would change.
pub(crate) fn judge(request: &Request, reply: &Reply, identity: Option<&Value>) -> Verdict {
    let status = reply.status;
    let verdict = |ok: bool, says: String| Verdict { ok, says };
    if request.ignore {
        return verdict(
            true,
            format!("{status}: fired; Kratos does not wait for this hook and only logs a failure"),
        );
    }
    let reads_errors = request.parse || request.interrupt;
    // Kratos reads a body only where the flags make it; a cut one is not the whole JSON.
    let cut = " (cut at 5 MiB, as Kratos reads it)";
    // A 429 or 5xx (but 501) is retried, and once the retries run out Kratos has no reply.
    let retried = status == 429 || (status >= 500 && status != 501);
    match status {
        200 if request.parse => {
            let json = if reply.cut {
                Err(())
            } else {
                serde_json::from_slice::<Value>(&reply.body).map_err(|_| ())
            };
            match json {
                Err(()) => verdict(
                    false,
                    format!(
                        "200 with a body that is not JSON{}: Kratos fails the flow (a hook \
                         with `response.parse` must answer 200 with a JSON object, or 204)",
                        if reply.cut { cut } else { "" }
                    ),
                ),
                Ok(Value::Object(object)) => match object.get("identity") {
                    None | Some(Value::Null) => verdict(
                        true,
                        "200 with JSON and no `identity`: the identity stays as it is".into(),
                    ),
                    Some(changed) => judge_identity(request, changed, identity),
                },
                Ok(Value::Null) => verdict(true, "200 with `null`: nothing changes".into()),
                Ok(_) => verdict(
                    false,
                    "200 with JSON that is not an object: Kratos cannot read it and fails the \
                     flow"
                        .into(),
                ),
            }
        }
        200..=299 if request.parse => verdict(
            true,
            format!("{status}: Kratos reads a body only from a 200, so nothing changes"),
        ),
        200..=399 => verdict(
            true,
            format!(
                "{status}{}",
                if reply.cut {
                    "; the reply is over 5 MiB, of which Kratos reads nothing for this hook"
                } else {
                    ""
                }
            ),
        ),
        400.. if reads_errors && !retried => match (reply.cut, messages(&reply.body)) {
            (false, Ok(shown)) => verdict(
                true,
                format!("{status}: the flow stops and the user sees: {shown}"),
            ),
            (cut_off, result) => verdict(
                false,
                format!(
                    "{status} without messages Kratos can read ({}{}): the flow stops with a \
                     generic error; answer {{\"messages\": [{{\"instance_ptr\": \
                     \"#/traits/email\", \"messages\": [{{\"id\": 4000001, \"text\": \"…\", \
                     \"type\": \"error\"}}]}}]}}",
                    result.err().unwrap_or_else(|| "the body".into()),
                    if cut_off { cut } else { "" }
                ),
            ),
        },
        _ if reads_errors && retried => verdict(
            false,
            format!(
                "{status}: Kratos retries and then fails the flow without reading messages \
                 (use a 4xx other than 429 to show messages)"
            ),
        ),
        _ => verdict(
            false,
            format!(
                "{status}: Kratos fails the flow (a hook without `response.parse` or \
                 `can_interrupt` must answer 2xx)"
            ),
        ),
    }
}

/// What Kratos does with the `identity` of a parse hook's 200, where the hook runs.
fn judge_identity(request: &Request, changed: &Value, identity: Option<&Value>) -> Verdict {
    use ory_actions_core::Flow;
    if request.phase == Phase::Before {
        return Verdict {
            ok: false,
            says: "200 with an `identity`, but a `before` hook has no identity to change: \
                   Kratos fails the flow (answer 204, or leave `identity` out)"
                .into(),
        };
    }
    match identity_changes(changed, identity) {
        Err(problem) => Verdict {
            ok: false,
            says: format!("200 with an `identity` Kratos refuses: {problem}"),
        },
        Ok(fields) if fields.is_empty() => Verdict {
            ok: true,
            says: "200 with an `identity` Kratos accepts; it changes nothing".into(),
        },
        Ok(fields) => {
            let saved = request.phase == Phase::PrePersist
                || !matches!(
                    request.flow,
                    Flow::Login | Flow::Recovery | Flow::Verification
                );
            Verdict {
                ok: true,
                says: format!(
                    "200 with an `identity` Kratos accepts; it replaces {}{}",
                    fields.join(", "),
                    if saved {
                        ""
                    } else {
                        ", but Kratos does not save changes made here"
                    }
                ),
            }
        }
    }
}

/// The fields a parse hook's `identity` replaces, or why Kratos refuses it.
fn identity_changes(changed: &Value, before: Option<&Value>) -> Result<Vec<String>, String> {
    let Value::Object(fields) = changed else {
        return Err("`identity` must be an object".into());
    };
    let mut replaced = Vec::new();
    for (key, value) in fields {
        let expected = match key.as_str() {
            "traits" | "metadata_public" | "metadata_admin" => "an object",
            "schema_id" | "state" | "external_id" => "a string",
            "verifiable_addresses" | "recovery_addresses" => "a list",
            _ => continue,
        };
        let fits = match expected {
            "an object" => value.is_object() || value.is_null(),
            "a string" => value.is_string() || value.is_null(),
            _ => value.is_array() || value.is_null(),
        };
        if !fits {
            return Err(format!("`identity.{key}` must be {expected}"));
        }
        if key == "state" && !matches!(value.as_str(), None | Some("" | "active" | "inactive")) {
            return Err("`identity.state` must be `active` or `inactive`".into());
        }
        // Kratos replaces a field when the new value is not empty; `external_id` whenever it is
        // there.
        let empty = match value {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
        if (!empty || key == "external_id") && before.and_then(|b| b.get(key)) != Some(value) {
            replaced.push(format!("`{key}`"));
        }
    }
    Ok(replaced)
}

/// The messages of an error reply as a person sees them, or why Kratos cannot read them. As
/// Kratos reads them (`selfservice/hook/web_hook.go`): a message whose `type` is `error` is an
/// error, any other type (`info`, `success`, none) is information, and an empty `messages` list
/// is itself an error.
fn messages(body: &[u8]) -> Result<String, String> {
    let json: Value = serde_json::from_slice(body).map_err(|_| "the body is not JSON")?;
    let groups = json
        .get("messages")
        .and_then(Value::as_array)
        .ok_or("no `messages` list")?;
    if groups.is_empty() {
        return Err("an empty `messages` list".into());
    }
    let mut shown = Vec::new();
    for group in groups {
        let field = group
            .get("instance_ptr")
            .and_then(Value::as_str)
            .ok_or("a message group without `instance_ptr`")?;
        let list = group
            .get("messages")
            .and_then(Value::as_array)
            .ok_or("a message group without `messages`")?;
        for message in list {
            let text = message
                .get("text")
                .and_then(Value::as_str)
                .ok_or("a message without `text`")?;
            if message.get("id").is_some_and(|id| !id.is_u64()) {
                return Err("a message whose `id` is not a number".into());
            }
            let kind = match message.get("type").and_then(Value::as_str) {
                Some("error") => "error",
                _ => "info",
            };
            let field = field.trim_start_matches('#').trim_start_matches('/');
            shown.push(format!("{field}: {text} ({kind})"));
        }
    }
    if shown.is_empty() {
        return Err("no message in `messages`".into());
    }
    Ok(shown.join("; "))
}

#[cfg(test)]
mod tests;
