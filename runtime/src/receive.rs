//! The receiving end of a hook, with axum: [`route`] serves a handler at the path and HTTP
//! method of an action's URL, checks the auth the action declares before the handler runs, and
//! decodes the payload its body makes into the handler's type ([`Hook`]); the handler answers a
//! [`Reply`].
//!
//! ```
//! use ory_actions::action;
//! use ory_actions::receive::{self, Hook};
//! use ory_actions::reply::{Message, Reply};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct SignUp {
//!     email: String,
//! }
//!
//! let screen = action! {
//!     flow: registration, timing: after, auth_method: password,
//!     url: "https://hooks.example.com/sign-up/screen",
//!     body: "function(ctx) { email: ctx.identity.traits.email }",
//!     can_interrupt: true,
//! };
//! let app: axum::Router = receive::route(&screen, |hook: Hook<SignUp>| async move {
//!     if hook.email.ends_with("@example.org") {
//!         Reply::interrupt([Message::error(4000001, "Use your work address.").at("#/traits/email")])
//!     } else {
//!         Reply::ok()
//!     }
//! });
//! # let _ = app;
//! ```
//!
//! What the route answers before the handler runs, none of which says more than it must:
//! - 401 when a credential the action declares (its `auth`, and each header whose value is a
//!   secret) is missing or wrong, compared in constant time; the secrets are read from where
//!   the action says (`env(…)`, `secret_file(…)`) for each request, and a secret that cannot be
//!   read answers 500 rather than letting the request in;
//! - 415 when the `Content-Type` is not the one the action sends (`application/json`, or
//!   `application/x-www-form-urlencoded` when the action sends a form);
//! - 413 when the payload is over [`MAX_PAYLOAD`] bytes;
//! - 400 when the payload is not JSON (or a form), or does not fit the handler's type: the
//!   answer names the field that did not fit.
//!
//! Any other method at the path answers 405. Secrets never appear in answers or errors.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue as HttpHeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq as _;

use crate::action::{Action, Auth, HeaderValue, Secret};
use crate::payload::Encoding;
use crate::reply::Reply;
use ory_actions_core::{ApiKeyIn, HttpMethod};

pub use crate::probe::service::ProbeReport;

/// The largest payload a route reads: 5 MiB, the most Kratos reads of a reply, and far more than
/// a body of a hook makes.
pub const MAX_PAYLOAD: usize = 5 * 1024 * 1024;

/// A call of a hook: the payload the action's body made, decoded into `T`, and the request's
/// headers. It dereferences to the payload.
#[derive(Debug)]
pub struct Hook<T> {
    payload: T,
    headers: HeaderMap,
}

impl<T> Hook<T> {
    /// The payload.
    pub fn payload(&self) -> &T {
        &self.payload
    }

    /// The payload, owned.
    pub fn into_payload(self) -> T {
        self.payload
    }

    /// The request's headers (Kratos's `Ory-Webhook-Request-ID` and `Ory-Webhook-Trigger-ID`
    /// among them, unless the action turns analytics events off).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<T> Deref for Hook<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.payload
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::NO_CONTENT);
        match self.body() {
            None => status.into_response(),
            Some(body) => {
                (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
            }
        }
    }
}

/// A router that serves `handler` at the path and method of `action`'s URL. See the module for
/// what it answers before the handler runs.
pub fn route<T, H, F>(action: &Action, handler: H) -> Router
where
    T: DeserializeOwned + Send + 'static,
    H: Fn(Hook<T>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    let gate = Arc::new(Gate::of(action));
    let path = route_path(action.url());
    let method = match action.method() {
        HttpMethod::Get => MethodFilter::GET,
        HttpMethod::Post => MethodFilter::POST,
        HttpMethod::Put => MethodFilter::PUT,
        HttpMethod::Patch => MethodFilter::PATCH,
        HttpMethod::Delete => MethodFilter::DELETE,
    };
    // A segment may start with `:` or `*` (axum 0.7's capture syntax): here it is literal.
    Router::new().without_v07_checks().route(
        &path,
        on(method, move |request: Request| {
            let gate = Arc::clone(&gate);
            let handler = handler.clone();
            async move {
                match gate.admit::<T>(request).await {
                    Ok(hook) => handler(hook).await.into_response(),
                    Err(refusal) => refusal.into_response(),
                }
            }
        }),
    )
}

/// What a route checks of a request before its handler sees it.
struct Gate {
    auth: Option<Auth>,
    /// The headers whose values are secrets.
    secret_headers: Vec<(String, Secret)>,
    encoding: Encoding,
    /// The action, for errors (its `Display`, which shows no secret).
    name: String,
}

impl Gate {
    fn of(action: &Action) -> Gate {
        Gate {
            auth: action.auth().cloned(),
            secret_headers: action
                .headers()
                .filter_map(|(name, value)| match value {
                    HeaderValue::Secret(secret) => Some((name.to_owned(), secret.clone())),
                    HeaderValue::Plain(_) => None,
                })
                .collect(),
            encoding: action.encoding(),
            name: action.to_string(),
        }
    }

    /// The hook the request carries, or the answer that refuses it.
    async fn admit<T: DeserializeOwned>(&self, request: Request) -> Result<Hook<T>, Refusal> {
        let (parts, body) = request.into_parts();
        self.check_credentials(&parts.headers)?;
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok());
        let expected = match self.encoding {
            Encoding::Json => "application/json",
            Encoding::Form => "application/x-www-form-urlencoded",
        };
        if content_type != Some(expected) {
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "the payload must be sent as `{expected}`, as Kratos sends it for this hook{}",
                    content_type.map_or_else(String::new, |t| format!(" (not `{t}`)"))
                ),
            ));
        }
        let bytes = read_limited(body).await?;
        let payload = match self.encoding {
            Encoding::Json => {
                let mut reader = serde_json::Deserializer::from_slice(&bytes);
                let payload = serde_path_to_error::deserialize(&mut reader)
                    .map_err(|e| unfit(e.path(), e.inner(), e.inner().is_data()))?;
                reader.end().map_err(|e| {
                    refuse(
                        StatusCode::BAD_REQUEST,
                        format!("the payload is not valid: {e}"),
                    )
                })?;
                payload
            }
            Encoding::Form => {
                let reader = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&bytes));
                serde_path_to_error::deserialize(reader)
                    .map_err(|e| unfit(e.path(), e.inner(), true))?
            }
        };
        Ok(Hook {
            payload,
            headers: parts.headers,
        })
    }

    /// Refuses a request without every credential the action declares (401, without saying
    /// which), or when a secret cannot be read here (500).
    fn check_credentials(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let read = |secret: &Secret, what: &str| {
            secret.resolve(what).map_err(|_| {
                refuse(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("the service cannot read {what}, so it admits no call"),
                )
            })
        };
        let mut admitted = true;
        match &self.auth {
            None => {}
            Some(Auth::ApiKey {
                name,
                value,
                location,
            }) => {
                let expected = read(value, &format!("the api key of {}", self.name))?;
                let given = match location {
                    ApiKeyIn::Header => headers
                        .get(name.as_str())
                        .map(|value| value.as_bytes().to_vec()),
                    ApiKeyIn::Cookie => cookie(headers, name),
                };
                admitted &= given.is_some_and(|given| same(&given, expected.as_bytes()));
            }
            Some(Auth::BasicAuth { user, password }) => {
                let expected = read(
                    password,
                    &format!("the basic auth password of {}", self.name),
                )?;
                let given = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.strip_prefix("Basic "))
                    .and_then(|encoded| STANDARD.decode(encoded.trim()).ok());
                admitted &= given.is_some_and(|given| {
                    let (given_user, given_password) = match given.iter().position(|&b| b == b':') {
                        Some(at) => (&given[..at], &given[at + 1..]),
                        None => (&given[..], &[][..]),
                    };
                    // Both compared, whichever differs.
                    same(given_user, user.as_bytes()) & same(given_password, expected.as_bytes())
                });
            }
        }
        for (name, secret) in &self.secret_headers {
            let expected = read(secret, &format!("the `{name}` header of {}", self.name))?;
            let given = headers.get(name.as_str()).map(HttpHeaderValue::as_bytes);
            admitted &= given.is_some_and(|given| same(given, expected.as_bytes()));
        }
        if admitted {
            Ok(())
        } else {
            Err(Refusal::Unauthorized {
                basic: matches!(self.auth, Some(Auth::BasicAuth { .. })),
            })
        }
    }
}

/// Whether two byte strings are the same, in time that depends only on their lengths.
fn same(given: &[u8], expected: &[u8]) -> bool {
    bool::from(given.ct_eq(expected))
}

/// The value of the cookie `name` among the request's `Cookie` headers.
fn cookie(headers: &HeaderMap, name: &str) -> Option<Vec<u8>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|value| value.as_bytes().split(|&b| b == b';'))
        .find_map(|pair| {
            let pair = pair.trim_ascii();
            let at = pair.iter().position(|&b| b == b'=')?;
            (pair[..at].trim_ascii() == name.as_bytes()).then(|| {
                let value = pair[at + 1..].trim_ascii();
                // Go quotes a cookie value with a space or a comma in it.
                value
                    .strip_prefix(b"\"")
                    .and_then(|v| v.strip_suffix(b"\""))
                    .unwrap_or(value)
                    .to_vec()
            })
        })
}

/// The payload, at most [`MAX_PAYLOAD`] bytes.
async fn read_limited(body: Body) -> Result<axum::body::Bytes, Refusal> {
    axum::body::to_bytes(body, MAX_PAYLOAD).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
        if too_large {
            refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the payload is over {MAX_PAYLOAD} bytes"),
            )
        } else {
            refuse(
                StatusCode::BAD_REQUEST,
                "the payload could not be read".into(),
            )
        }
    })
}

/// The answer to a payload that does not fit: where, and why.
fn unfit(path: &serde_path_to_error::Path, why: &dyn std::fmt::Display, data: bool) -> Refusal {
    let at = path.to_string();
    let message = if !data {
        format!("the payload is not valid: {why}")
    } else if at.is_empty() || at == "." {
        format!("the payload does not fit: {why}")
    } else {
        format!("the payload does not fit at `{at}`: {why}")
    };
    refuse(StatusCode::BAD_REQUEST, message)
}

fn refuse(status: StatusCode, message: String) -> Refusal {
    Refusal::Said(status, message)
}

/// Why a route answers a request without its handler.
enum Refusal {
    /// A credential is missing or wrong: 401, without saying which (with a `Basic` challenge
    /// for basic auth).
    Unauthorized { basic: bool },
    /// Anything else, with what was wrong.
    Said(StatusCode, String),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Unauthorized { basic } => {
                let mut refusal = StatusCode::UNAUTHORIZED.into_response();
                if basic {
                    refusal.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HttpHeaderValue::from_static("Basic"),
                    );
                }
                refusal
            }
            Refusal::Said(status, message) => (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                message,
            )
                .into_response(),
        }
    }
}

/// The path of `url` (an absolute `http(s)` URL) as a client sends it, percent-encoded where
/// the URL standard says (`/` when it has none), as a route: `{` and `}` doubled, which axum
/// then reads literally.
fn route_path(url: &str) -> String {
    let path = url::Url::parse(url).map_or_else(|_| "/".to_owned(), |url| url.path().to_owned());
    path.replace('{', "{{").replace('}', "}}")
}

#[cfg(test)]
mod tests;
