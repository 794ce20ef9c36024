//! The stand-in's rate limit: a fixed window of one second, from the first request after the
//! last window ended, and the headers that announce it on every answer, as Ory's API does
//! (`x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset`, and `Retry-After` on a
//! 429).

use std::time::{Duration, Instant};

/// How long a window lasts.
const WINDOW: Duration = Duration::from_secs(1);

/// A limit of so many requests a second.
#[derive(Debug)]
pub(super) struct RateLimit {
    per_second: u32,
    /// Whether answers carry the headers.
    announced: bool,
    /// When the window being counted began, and how many requests it has had.
    window: Option<(Instant, u32)>,
}

/// What counting one request gave.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Counted {
    /// The request is over the limit: answer 429.
    pub(super) refused: bool,
    /// The headers of its answer, names and values.
    pub(super) headers: Vec<(&'static str, String)>,
}

impl RateLimit {
    /// `per_second` requests a second (at least one), announced in headers or not.
    pub(super) fn new(per_second: u32, announced: bool) -> Self {
        RateLimit {
            per_second: per_second.max(1),
            announced,
            window: None,
        }
    }

    /// Counts a request arriving at `now`.
    pub(super) fn count(&mut self, now: Instant) -> Counted {
        let (began, seen) = match self.window {
            Some((began, seen)) if now.duration_since(began) < WINDOW => (began, seen + 1),
            _ => (now, 1),
        };
        self.window = Some((began, seen));
        let refused = seen > self.per_second;
        // Whole seconds, rounded up: never earlier than the window really ends.
        let reset = (began + WINDOW)
            .saturating_duration_since(now)
            .as_secs_f64()
            .ceil()
            .to_string();
        let mut headers = Vec::new();
        if self.announced {
            let limit = self.per_second;
            headers.push(("x-ratelimit-limit", format!("{limit}, {limit};w=1")));
            headers.push((
                "x-ratelimit-remaining",
                limit.saturating_sub(seen).to_string(),
            ));
            headers.push(("x-ratelimit-reset", reset.clone()));
        }
        if refused {
            headers.push(("retry-after", reset));
        }
        Counted { refused, headers }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(counted: &Counted, name: &str) -> Option<String> {
        counted
            .headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    }

    #[test]
    fn each_answer_announces_the_window_it_was_counted_in() {
        let t = Instant::now();
        let mut limit = RateLimit::new(2, true);
        let first = limit.count(t);
        assert!(!first.refused);
        assert_eq!(
            header(&first, "x-ratelimit-limit").as_deref(),
            Some("2, 2;w=1")
        );
        assert_eq!(
            header(&first, "x-ratelimit-remaining").as_deref(),
            Some("1")
        );
        assert_eq!(header(&first, "x-ratelimit-reset").as_deref(), Some("1"));
        assert_eq!(header(&first, "retry-after"), None);
        let second = limit.count(t + Duration::from_millis(400));
        assert_eq!(
            header(&second, "x-ratelimit-remaining").as_deref(),
            Some("0")
        );
        let third = limit.count(t + Duration::from_millis(999));
        assert!(third.refused);
        assert_eq!(
            header(&third, "x-ratelimit-remaining").as_deref(),
            Some("0")
        );
        assert_eq!(header(&third, "x-ratelimit-reset").as_deref(), Some("1"));
        assert_eq!(header(&third, "retry-after").as_deref(), Some("1"));
        // A second after the window began, the next request begins another.
        let next = limit.count(t + Duration::from_millis(1000));
        assert!(!next.refused);
        assert_eq!(header(&next, "x-ratelimit-remaining").as_deref(), Some("1"));
    }

    #[test]
    fn unannounced_limits_say_only_retry_after() {
        let t = Instant::now();
        let mut limit = RateLimit::new(1, false);
        assert_eq!(limit.count(t).headers, []);
        assert_eq!(limit.count(t).headers, [("retry-after", "1".to_owned())]);
    }
}
