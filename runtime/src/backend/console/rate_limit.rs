//! What an answer of the console API says about its rate limit: the IETF draft `RateLimit`
//! fields as Ory sends them (`x-ratelimit-limit`, `x-ratelimit-remaining`,
//! `x-ratelimit-reset`) and `Retry-After`. Each header is read on its own, so that one that is
//! missing or malformed costs only what it would have said; nothing here panics or trusts a
//! number to be small.

use std::fmt;
use std::time::{Duration, SystemTime};

/// The longest wait any header is read as: a reset or `Retry-After` further away is read as
/// this (the run's deadline is shorter still).
pub(crate) const LONGEST_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// From this many seconds on, a reset is read as a Unix time (as some APIs send it) rather than
/// a number of seconds: it is 2001-09-09, and no window lasts 31 years.
const UNIX_TIME_FROM: u64 = 1_000_000_000;

/// At most this many policies of `x-ratelimit-limit` are kept.
const MOST_POLICIES: usize = 8;

/// What one answer announced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Announced {
    /// The answer is 429: the budget is used up.
    pub(crate) refused: bool,
    /// `x-ratelimit-limit`.
    pub(crate) limit: Option<Limit>,
    /// `x-ratelimit-remaining`: how many requests the current window has left.
    pub(crate) remaining: Option<u64>,
    /// `x-ratelimit-reset`: how long until the window resets.
    pub(crate) reset: Option<Duration>,
    /// `Retry-After`: how long to wait before trying again.
    pub(crate) retry_after: Option<Duration>,
    /// The answer is a failure other than 429 (a 401, a 5xx), which a proxy in front of the
    /// API may give without the API's headers.
    pub(crate) failed: bool,
}

impl Announced {
    /// Reads the answer with `status` whose headers `header` gives (by lower-case name), at
    /// `now` (for a reset given as a Unix time).
    pub(crate) fn read<'a>(
        status: u16,
        header: impl Fn(&str) -> Option<&'a str>,
        now: SystemTime,
    ) -> Self {
        Announced {
            refused: status == 429,
            limit: header("x-ratelimit-limit").and_then(Limit::parse),
            remaining: header("x-ratelimit-remaining").and_then(count),
            reset: header("x-ratelimit-reset").and_then(|text| seconds(text, now)),
            retry_after: header("retry-after").and_then(|text| seconds(text, now)),
            failed: status >= 400 && status != 429,
        }
    }

    /// Whether the answer says anything of the rate limit.
    pub(crate) fn says_anything(&self) -> bool {
        self.refused
            || self.limit.is_some()
            || self.remaining.is_some()
            || self.reset.is_some()
            || self.retry_after.is_some()
    }

    /// What is left of the budget and how long until it resets, when the answer says both: a
    /// 429 says nothing is left, until the later of its reset and its `Retry-After` (it asked
    /// for both); any other answer needs `x-ratelimit-remaining` and `x-ratelimit-reset`.
    pub(crate) fn budget(&self) -> Option<(u64, Duration)> {
        if self.refused {
            Some((0, self.retry_after()?))
        } else {
            Some((self.remaining?, self.reset?))
        }
    }

    /// How long to wait before sending this request again: after a 429, the later of
    /// `Retry-After` and the reset; after any other status, `Retry-After`.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        if self.refused {
            self.retry_after.max(self.reset)
        } else {
            self.retry_after
        }
    }
}

/// `x-ratelimit-limit`: the quota of the current window, then the policies
/// (`quota;w=seconds`), as in `10, 10;w=1, 300;w=60`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Limit {
    /// How many requests the current window allows.
    pub(crate) quota: u64,
    /// Each policy: how many requests per how long.
    pub(crate) policies: Vec<(u64, Duration)>,
}

impl Limit {
    /// Reads the header; `None` unless every item is a quota with well-formed parameters.
    fn parse(text: &str) -> Option<Limit> {
        let mut quota = None;
        let mut policies = Vec::new();
        for item in text.split(',') {
            let mut parts = item.split(';');
            let this = count(parts.next()?)?;
            quota.get_or_insert(this);
            let mut window = None;
            for parameter in parts {
                let (name, value) = parameter.split_once('=')?;
                if name.trim() == "w" {
                    window = Some(Duration::from_secs(count(value)?).min(LONGEST_WAIT));
                }
            }
            if let Some(window) = window
                && policies.len() < MOST_POLICIES
            {
                policies.push((this, window));
            }
        }
        Some(Limit {
            quota: quota?,
            policies,
        })
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.policies.is_empty() {
            return write!(f, "{} per window", self.quota);
        }
        for (n, (quota, window)) in self.policies.iter().enumerate() {
            if n > 0 {
                f.write_str(" and ")?;
            }
            write!(f, "{quota} per {} s", window.as_secs())?;
        }
        Ok(())
    }
}

/// A count: digits only, surrounding whitespace allowed; a number larger than any budget is
/// read as the largest.
fn count(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.bytes().fold(0u64, |n, digit| {
        n.saturating_mul(10).saturating_add(u64::from(digit - b'0'))
    }))
}

/// A number of seconds (a fraction allowed), or a Unix time from [`UNIX_TIME_FROM`] on, read
/// as the time from `now` until then (none when it has passed); at most [`LONGEST_WAIT`].
fn seconds(text: &str, now: SystemTime) -> Option<Duration> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole = count(whole)?;
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let nanos = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'));
    let wait = if whole >= UNIX_TIME_FROM {
        let at = SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(whole));
        at.and_then(|at| at.duration_since(now).ok())
            .unwrap_or(if at.is_some() {
                Duration::ZERO
            } else {
                LONGEST_WAIT
            })
    } else {
        Duration::new(whole, nanos)
    };
    Some(wait.min(LONGEST_WAIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn announced(status: u16, headers: &[(&str, &str)]) -> Announced {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        Announced::read(
            status,
            |name| {
                headers
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, value)| *value)
            },
            now,
        )
    }

    #[test]
    fn the_documented_example_is_read_with_its_policies() {
        let read = announced(
            200,
            &[
                ("x-ratelimit-limit", "10, 10;w=1, 300;w=60"),
                ("x-ratelimit-remaining", "7"),
                ("x-ratelimit-reset", "1"),
            ],
        );
        let limit = read.limit.clone().unwrap();
        assert_eq!(limit.quota, 10);
        assert_eq!(
            limit.policies,
            [(10, Duration::from_secs(1)), (300, Duration::from_secs(60))]
        );
        assert_eq!(limit.to_string(), "10 per 1 s and 300 per 60 s");
        assert_eq!(read.budget(), Some((7, Duration::from_secs(1))));
        assert_eq!(read.retry_after(), None);
        // Parameters other than `w`, and whitespace, are allowed; a bare quota has no policy.
        assert_eq!(
            Limit::parse(" 100 ;  w=60 ; comment=\"x\"").map(|l| l.to_string()),
            Some("100 per 60 s".into())
        );
        assert_eq!(Limit::parse("5").unwrap().to_string(), "5 per window");
    }

    #[test]
    fn missing_or_garbage_headers_say_nothing() {
        assert_eq!(announced(200, &[]), Announced::default());
        // A failure other than 429 is marked, so that a proxy's answer does not stop pacing.
        let proxy = announced(502, &[]);
        assert!(proxy.failed && !proxy.says_anything());
        assert!(!announced(429, &[]).failed && announced(429, &[]).says_anything());
        for garbage in [
            "", " ", "-1", "+3", "1e3", "ten", "0x10", "1,", "3;w", "3;w=x", "3;w=-1", "½",
        ] {
            let read = announced(
                200,
                &[
                    ("x-ratelimit-limit", garbage),
                    ("x-ratelimit-remaining", garbage),
                    ("x-ratelimit-reset", garbage),
                    ("retry-after", garbage),
                ],
            );
            assert_eq!(read, Announced::default(), "{garbage:?}");
        }
        // A date is not read (it would need a calendar); a wait of none is.
        assert_eq!(
            announced(429, &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]).retry_after(),
            None
        );
        assert_eq!(
            announced(429, &[("retry-after", "0")]).retry_after(),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn only_some_headers_give_no_budget() {
        assert_eq!(
            announced(200, &[("x-ratelimit-remaining", "3")]).budget(),
            None
        );
        assert_eq!(announced(200, &[("x-ratelimit-reset", "3")]).budget(), None);
        assert_eq!(
            announced(200, &[("x-ratelimit-limit", "10, 10;w=1")]).budget(),
            None
        );
        // A 429 says nothing is left; it needs only to say for how long.
        assert_eq!(announced(429, &[]).budget(), None);
        assert_eq!(
            announced(429, &[("retry-after", "2")]).budget(),
            Some((0, Duration::from_secs(2)))
        );
        assert_eq!(
            announced(
                429,
                &[("x-ratelimit-reset", "3"), ("x-ratelimit-remaining", "5")]
            )
            .budget(),
            Some((0, Duration::from_secs(3)))
        );
    }

    #[test]
    fn a_429_waits_for_the_later_of_its_reset_and_retry_after() {
        let both =
            |reset, retry| announced(429, &[("x-ratelimit-reset", reset), ("retry-after", retry)]);
        assert_eq!(both("3", "1").retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(both("1", "4").retry_after(), Some(Duration::from_secs(4)));
        // Another status is retried after its Retry-After alone.
        assert_eq!(
            announced(503, &[("x-ratelimit-reset", "9"), ("retry-after", "1")]).retry_after(),
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn huge_numbers_saturate_and_waits_are_bounded() {
        let read = announced(
            200,
            &[
                (
                    "x-ratelimit-limit",
                    "99999999999999999999999, 99999999999999999999999;w=99999999999999999999",
                ),
                (
                    "x-ratelimit-remaining",
                    "340282366920938463463374607431768211456",
                ),
                (
                    "x-ratelimit-reset",
                    "99999999999999999999999999.999999999999",
                ),
                ("retry-after", "18446744073709551616"),
            ],
        );
        assert_eq!(read.limit.as_ref().map(|l| l.quota), Some(u64::MAX));
        assert_eq!(
            read.limit.map(|l| l.policies),
            Some(vec![(u64::MAX, LONGEST_WAIT)])
        );
        assert_eq!(read.remaining, Some(u64::MAX));
        assert_eq!(read.reset, Some(LONGEST_WAIT));
        assert_eq!(read.retry_after, Some(LONGEST_WAIT));
        assert_eq!(
            announced(200, &[("x-ratelimit-reset", "86401")]).reset,
            Some(LONGEST_WAIT)
        );
    }

    #[test]
    fn fractions_and_unix_times_are_read() {
        let reset = |text| announced(200, &[("x-ratelimit-reset", text)]).reset;
        assert_eq!(reset("0.25"), Some(Duration::from_millis(250)));
        assert_eq!(reset(" 2 "), Some(Duration::from_secs(2)));
        assert_eq!(reset("1.0000000001"), Some(Duration::from_secs(1)));
        assert_eq!(reset(".5"), None);
        assert_eq!(reset("1.5.0"), None);
        // `now` is 1 800 000 000 in these tests.
        assert_eq!(reset("1800000007"), Some(Duration::from_secs(7)));
        assert_eq!(reset("1700000000"), Some(Duration::ZERO));
    }
}
