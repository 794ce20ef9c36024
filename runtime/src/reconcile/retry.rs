//! When to try again: exponential backoff with full jitter, `Retry-After` honoured, everything
//! bounded by one deadline for the whole run.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::error::{ApiFailure, Error};
use crate::trace::Trace;

/// How long a run may keep retrying, unless told otherwise (`--deadline`).
pub(crate) const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

/// The first backoff; each retry doubles it, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// The longest wait between two tries (a `Retry-After` may ask for more, within the deadline).
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// The retry budget of one run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    deadline: Instant,
}

impl Policy {
    /// Retries until `budget` from now has passed (a budget beyond what the clock can count
    /// is a century).
    pub(crate) fn within(budget: Duration) -> Self {
        let now = Instant::now();
        Policy {
            deadline: now
                .checked_add(budget)
                .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 60 * 60)))
                .unwrap_or(now),
        }
    }

    /// When the run stops retrying, and stops waiting for a rate limit.
    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// How long to wait before try number `attempt + 1` (`attempt` counts from 1), or `None`
    /// when the deadline does not leave room for it.
    pub(crate) fn wait(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        self.backoff(attempt, FIRST_BACKOFF, MAX_BACKOFF, retry_after)
    }

    /// How long a writer that lost a race (409) waits before reading again: short, since the
    /// project is answering, and random, so that colliding writers spread out.
    pub(crate) fn conflict_wait(&self, attempt: u32) -> Option<Duration> {
        self.backoff(
            attempt,
            Duration::from_millis(25),
            Duration::from_millis(800),
            None,
        )
    }

    fn backoff(
        &self,
        attempt: u32,
        first: Duration,
        most: Duration,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let ceiling = first
            .saturating_mul(1 << attempt.saturating_sub(1).min(16))
            .min(most);
        let jittered = ceiling.mul_f64(random_fraction());
        let wait = retry_after.map_or(jittered, |asked| asked.max(jittered));
        let left = self.deadline.checked_duration_since(Instant::now())?;
        (wait < left).then_some(wait)
    }
}

/// The transient failures of one operation so far, and when to try again.
#[derive(Debug)]
pub(crate) struct Tries {
    operation: &'static str,
    failures: Vec<String>,
    trace: Trace,
}

impl Tries {
    /// Tries of `operation` (`read` or `update`), none failed yet.
    pub(crate) fn of(operation: &'static str) -> Self {
        Tries {
            operation,
            failures: Vec::new(),
            trace: Trace::default(),
        }
    }

    /// Says on `trace` (`-v`) why each retry happens.
    pub(crate) fn traced(mut self, trace: &Trace) -> Self {
        self.trace = trace.clone();
        self
    }

    /// Records a transient `error` of the try numbered `attempt` (from 1) and says how long to
    /// wait before the next one, or gives up on `target` when the deadline leaves no room.
    pub(crate) fn failed(
        &mut self,
        policy: &Policy,
        attempt: u32,
        error: &Error,
        backend: impl FnOnce() -> String,
    ) -> Result<Duration, Error> {
        let why = describe(error);
        self.failures.push(why.clone());
        match policy.wait(attempt, retry_after(error)) {
            Some(wait) => {
                self.trace.line(|| {
                    format!(
                        "{} of {} failed ({why}); trying again in {:.1} s",
                        self.operation,
                        backend(),
                        wait.as_secs_f64()
                    )
                });
                Ok(wait)
            }
            None => Err(Error::GaveUp {
                backend: backend(),
                operation: self.operation,
                tries: std::mem::take(&mut self.failures),
            }),
        }
    }

    /// How many tries failed.
    pub(crate) fn count(&self) -> u32 {
        u32::try_from(self.failures.len()).unwrap_or(u32::MAX)
    }
}

/// A number in [0, 1), different on every call: enough randomness for jitter.
fn random_fraction() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether an error is worth another try: Ory rate limiting (429), failing on its side (5xx,
/// but not 501), a timeout or a broken connection.
pub(crate) fn is_transient(error: &Error) -> bool {
    match error {
        Error::Api(ApiFailure { status, .. }) => {
            *status == 429 || (*status >= 500 && *status != 501)
        }
        Error::Unreachable { .. } => true,
        _ => false,
    }
}

/// Whether Ory refused a request for its rate limit (429): refused before it was carried out,
/// so a write refused so is sent again as it was, without reading first.
pub(crate) fn is_rate_limited(error: &Error) -> bool {
    matches!(error, Error::Api(ApiFailure { status: 429, .. }))
}

/// What a request answered, for the message of the final error.
fn describe(error: &Error) -> String {
    match error {
        Error::Api(ApiFailure { status, .. }) => format!("{status}"),
        Error::Unreachable { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

/// The `Retry-After` Ory asked for, if any.
fn retry_after(error: &Error) -> Option<Duration> {
    match error {
        Error::Api(failure) => failure.retry_after,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_stops_at_the_deadline() {
        let policy = Policy::within(Duration::from_secs(60));
        for attempt in 1..=10 {
            let wait = policy.wait(attempt, None).unwrap();
            let ceiling = FIRST_BACKOFF * (1 << (attempt - 1).min(16));
            assert!(wait <= ceiling.min(MAX_BACKOFF), "{attempt}: {wait:?}");
        }
        let waits: Vec<Duration> = (0..20).map(|_| policy.wait(5, None).unwrap()).collect();
        assert!(
            waits.iter().any(|w| *w != waits[0]),
            "jitter varies the waits"
        );
        assert_eq!(
            policy.wait(1, Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(policy.wait(1, Some(Duration::from_secs(600))), None);
        assert_eq!(Policy::within(Duration::ZERO).wait(1, None), None);
    }

    #[test]
    fn a_deadline_beyond_what_the_clock_counts_is_far_off_not_a_panic() {
        let policy = Policy::within(Duration::from_secs(u64::MAX));
        assert!(policy.deadline() > Instant::now() + Duration::from_secs(365 * 24 * 60 * 60));
        assert!(policy.wait(1, Some(Duration::from_secs(3600))).is_some());
    }

    #[test]
    fn only_transient_failures_are_retried() {
        let api = |status| {
            Error::Api(ApiFailure {
                operation: "read",
                project_id: "p".into(),
                status,
                message: None,
                retry_after: None,
            })
        };
        assert!(is_transient(&api(429)));
        assert!(is_rate_limited(&api(429)));
        assert!(!is_rate_limited(&api(503)));
        assert!(is_transient(&api(503)));
        assert!(!is_transient(&api(501)));
        assert!(!is_transient(&api(404)));
        assert!(!is_transient(&api(409)));
        assert!(is_transient(&Error::Unreachable {
            url: "u".into(),
            reason: "timed out".into()
        }));
    }
}
