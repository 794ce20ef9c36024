//! How the stand-in behaves ([`Options`]), what can be made to go wrong ([`Fault`]), and what
//! its request log holds ([`LoggedRequest`]).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

/// The API key the testkit accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "ory_wak_testkit";

/// A project API key the stand-in also accepts, as Ory does: it may read a project, and every
/// change of its configuration is answered 403 (a workspace key is needed for that).
pub const PROJECT_API_KEY: &str = "ory_pat_testkit";

/// How the stand-in behaves.
#[derive(Clone, Debug)]
pub struct Options {
    pub(super) api_key: String,
    pub(super) schema: Option<PathBuf>,
    pub(super) bodies_as_urls: bool,
    pub(super) return_secrets: bool,
    pub(super) latency: Duration,
    pub(super) rate_limit: Option<u32>,
    pub(super) rate_limit_headers: bool,
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
            rate_limit_headers: true,
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
    /// others are answered 429 with `Retry-After`, as Ory's API does. A window is one second
    /// from the first request after the last window ended, and every answer announces it as
    /// Ory's does: `x-ratelimit-limit: N, N;w=1`, `x-ratelimit-remaining` and
    /// `x-ratelimit-reset` (whole seconds until the window ends, rounded up), unless
    /// [`Options::rate_limit_headers`] turns them off.
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second.max(1));
        self
    }

    /// Whether answers announce the rate limit with `x-ratelimit-*` headers (default true).
    /// Without them a client learns of the limit only from the 429s and their `Retry-After`.
    pub fn rate_limit_headers(mut self, yes: bool) -> Self {
        self.rate_limit_headers = yes;
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
    /// Whether the fault is for a request of `kind`.
    pub(super) fn applies_to(&self, kind: On) -> bool {
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
