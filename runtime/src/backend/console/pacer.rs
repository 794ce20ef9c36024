//! Pacing the requests of a run by what Ory's answers announce of its rate limit, so that the
//! run waits for a budget to reset instead of running into 429s.
//!
//! One [`Pacer`] is shared by every project and task of a run (one per API key and console
//! URL). It keeps a [`Budgets`], the pure part: what the answers said was left and when it
//! resets, per [`Kind`] of request, and what the next request should do ([`Step`]). Ory's API
//! description puts reading a project and changing one in different rate-limit buckets; whether
//! they share one budget is not known, so each kind is paced by its own answers, and a kind
//! that has heard nothing yet heeds the other's used-up budget. Without rate-limit headers,
//! nothing is held back, and 429s are retried as before.

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::rate_limit::{Announced, Limit};
use crate::trace::Trace;

/// How long a request waits for the one sent alone before it looks again (an answer wakes it
/// sooner).
const PATIENCE: Duration = Duration::from_secs(1);

/// Which budget a request draws on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `GET /projects/{id}` (Ory's bucket `backoffice-admin-medium`).
    Read,
    /// `PATCH /projects/{id}/revision/{revision}` (`backoffice-admin-low`).
    Write,
}

impl Kind {
    fn index(self) -> usize {
        match self {
            Kind::Read => 0,
            Kind::Write => 1,
        }
    }

    fn other(self) -> Kind {
        match self {
            Kind::Read => Kind::Write,
            Kind::Write => Kind::Read,
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Kind::Read => "reads",
            Kind::Write => "writes",
        }
    }
}

/// What the answers of one kind say of the current window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    /// How many requests may still go before `ends`: what an answer said was left, less the
    /// requests still out then that the server may not have counted yet, and those sent
    /// since.
    left: u64,
    /// When the window resets, at the latest: the earliest answer time plus reset of its
    /// answers.
    ends: Instant,
}

/// The budget of one kind of request.
#[derive(Clone, Debug, Default)]
struct Lane {
    /// What the answers say, while they say anything.
    window: Option<Window>,
    /// Whether an answer to this kind has come back.
    heard: bool,
    /// The requests sent and not answered yet, by the order they were sent in.
    out: BTreeSet<u64>,
    /// Whether a request is out alone, to learn what is left.
    probing: bool,
    /// The limit the answers announced, for the trace.
    limit: Option<Limit>,
    /// The reset of the last wait told of (each wait is told once).
    told: Option<Instant>,
}

/// What a request does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// It goes.
    Go(Sent),
    /// It waits until then, when the budget that is used up resets.
    Wait(Instant),
    /// It waits for the answer to the request that went alone.
    AwaitProbe,
}

/// A request let go, until its answer is heard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sent {
    /// When.
    at: Instant,
    /// Its place in the order requests were sent in.
    order: u64,
    /// Whether it went alone, since what is left was not known; the others wait for its
    /// answer.
    probe: bool,
}

/// Something a pacing decision tells (`-v`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Notice {
    /// Requests of `kind` wait until `until`, for the budget their answers said was used up
    /// (`limit`), or for the other kind's (`shared`).
    Pause {
        /// Whose requests wait.
        kind: Kind,
        /// Until when.
        until: Instant,
        /// The limit announced, if any.
        limit: Option<Limit>,
        /// Whether the budget is the other kind's.
        shared: bool,
    },
    /// The budget resets only after the run's deadline: requests of `kind` go without waiting,
    /// and the answer decides.
    PastDeadline {
        /// Whose requests.
        kind: Kind,
        /// When the budget resets.
        until: Instant,
    },
}

impl Notice {
    /// The trace line, at `now`.
    fn line(&self, now: Instant) -> String {
        match self {
            Notice::Pause {
                kind,
                until,
                limit,
                shared: false,
            } => format!(
                "rate limit: {} used up their budget{}; waiting {:.2} s, until it resets",
                kind.plural(),
                limit
                    .as_ref()
                    .map(|limit| format!(" ({limit})"))
                    .unwrap_or_default(),
                until.saturating_duration_since(now).as_secs_f64()
            ),
            Notice::Pause {
                kind,
                until,
                shared: true,
                ..
            } => format!(
                "rate limit: {} wait {:.2} s, until the budget {} used up resets (Ory may count \
                 both against one budget)",
                kind.plural(),
                until.saturating_duration_since(now).as_secs_f64(),
                kind.other().plural()
            ),
            Notice::PastDeadline { kind, until } => format!(
                "rate limit: the budget of {} resets in {:.2} s, after the run's deadline; \
                 sending without waiting",
                kind.plural(),
                until.saturating_duration_since(now).as_secs_f64()
            ),
        }
    }
}

/// What the answers said of each kind's budget: the decisions of pacing, without a clock or
/// a wait of their own (they are given `now`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Budgets {
    lanes: [Lane; 2],
    /// How many requests were let go.
    sent: u64,
}

impl Budgets {
    /// What a request of `kind` does at `now`, when the run ends at `deadline`; a request told
    /// to go is counted as sent until [`Budgets::answered`] hears of it.
    pub(crate) fn admit(
        &mut self,
        kind: Kind,
        now: Instant,
        deadline: Option<Instant>,
    ) -> (Step, Option<Notice>) {
        let live = |window: &Option<Window>| window.filter(|w| w.left == 0 && now < w.ends);
        let lane = &self.lanes[kind.index()];
        // The budget that holds this request back, if any: its own, or, while this kind has
        // heard nothing, the other kind's, in case Ory counts both against one.
        let used_up = match live(&lane.window) {
            Some(window) => Some((window.ends, false)),
            None if !lane.heard => {
                live(&self.lanes[kind.other().index()].window).map(|w| (w.ends, true))
            }
            None => None,
        };
        let overdue = deadline.is_some_and(|deadline| now >= deadline);
        let past_deadline = |until: Instant| deadline.is_some_and(|deadline| until > deadline);
        let lane = &mut self.lanes[kind.index()];
        let order = self.sent;
        let go = |lane: &mut Lane, probe| {
            lane.out.insert(order);
            Step::Go(Sent {
                at: now,
                order,
                probe,
            })
        };
        if let Some((until, shared)) = used_up {
            let first = lane.told != Some(until);
            lane.told = Some(until);
            if past_deadline(until) {
                // Nothing waits past the deadline: the request goes, and the answer decides.
                self.sent += 1;
                let notice = first.then_some(Notice::PastDeadline { kind, until });
                return (go(lane, false), notice);
            }
            let notice = first.then(|| Notice::Pause {
                kind,
                until,
                limit: lane.limit.clone(),
                shared,
            });
            return (Step::Wait(until), notice);
        }
        let probe = match &mut lane.window {
            Some(window) if window.left > 0 => {
                window.left -= 1;
                false
            }
            // The answers announce no budget.
            None if lane.heard => false,
            // Nothing is known yet, or the window that was used up has passed: one request
            // learns what is left, unless the deadline has come.
            _ if lane.probing && !overdue => return (Step::AwaitProbe, None),
            _ if lane.probing => false,
            _ => {
                lane.probing = true;
                true
            }
        };
        self.sent += 1;
        (go(lane, probe), None)
    }

    /// Hears, at `now`, the answer to the request of `kind` that was `sent`: what it
    /// announced, or `None` when no answer came.
    pub(crate) fn answered(
        &mut self,
        kind: Kind,
        sent: Sent,
        now: Instant,
        announced: Option<&Announced>,
    ) {
        let lane = &mut self.lanes[kind.index()];
        lane.out.remove(&sent.order);
        if sent.probe {
            lane.probing = false;
        }
        let Some(announced) = announced else {
            return;
        };
        // A failure that says nothing of the limit (a proxy's 502, say) tells nothing of whether
        // the API announces one: pacing goes on as if it had not come.
        if announced.failed && !announced.says_anything() {
            return;
        }
        lane.heard = true;
        if announced.limit.is_some() {
            lane.limit.clone_from(&announced.limit);
        }
        let Some((remaining, ends)) = announced
            .budget()
            .and_then(|(remaining, reset)| Some((remaining, now.checked_add(reset)?)))
        else {
            // An answer that says nothing leaves a running window as it was; once it has
            // passed, nothing is known to hold requests back.
            lane.window = lane.window.filter(|w| now < w.ends);
            return;
        };
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        lane.window = Some(match lane.window {
            // Sent before the window known ended, the request was counted in it or in the
            // next: its answer may bring the reset forward, never open a window (answers come
            // back out of order, so the window keeps the earliest reset any of them gives).
            // What is left counts every request of the run sent in the window, so an answer
            // saying more is left tells nothing new; one saying less shows that others use
            // the budget too. Then what is left is what it says, less the requests sent after
            // it and still out, which a server counting requests as they come may not have
            // counted yet.
            // A 429 is the exception: it says for how long nothing goes (another policy, a
            // longer window, may be what ran out), so it may push the reset later.
            Some(window) if sent.at < window.ends => Window {
                left: if remaining < window.left {
                    remaining.saturating_sub(count(lane.out.range(sent.order..).count()))
                } else {
                    window.left
                },
                ends: if announced.refused {
                    window.ends.max(ends)
                } else {
                    window.ends.min(ends)
                },
            },
            // A new window: any request still out may not have been counted yet.
            _ => Window {
                left: remaining.saturating_sub(count(lane.out.len())),
                ends,
            },
        });
    }
}

/// The pacing of one run, shared by all its requests to one console API with one key.
#[derive(Debug)]
pub(crate) struct Pacer {
    budgets: Mutex<Budgets>,
    /// Woken by every answer, for the requests waiting for the one sent alone.
    answers: Notify,
    deadline: Option<Instant>,
    trace: Trace,
}

impl Pacer {
    /// Pacing that never waits past `deadline`, telling its waits on `trace` (`-v`).
    pub(crate) fn new(deadline: Option<Instant>, trace: Trace) -> Self {
        Pacer {
            budgets: Mutex::default(),
            answers: Notify::new(),
            deadline,
            trace,
        }
    }

    fn budgets(&self) -> MutexGuard<'_, Budgets> {
        // The budgets stay consistent whatever panicked while holding them.
        self.budgets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until a request of `kind` may go. The pass hears the request's answer; dropped
    /// unheard, it counts as a request that got none.
    pub(crate) async fn admit(&self, kind: Kind) -> Pass<'_> {
        loop {
            // Registered before deciding, so that no answer in between is missed.
            let answer = self.answers.notified();
            let now = Instant::now();
            let (step, notice) = self.budgets().admit(kind, now, self.deadline);
            if let Some(notice) = notice {
                self.trace.line(|| notice.line(now));
            }
            match step {
                Step::Go(sent) => {
                    return Pass {
                        pacer: self,
                        kind,
                        sent,
                        heard: false,
                    };
                }
                Step::Wait(until) => tokio::time::sleep_until(until.into()).await,
                Step::AwaitProbe => {
                    let mut until = now + PATIENCE;
                    if let Some(deadline) = self.deadline {
                        until = until.min(deadline);
                    }
                    let _ = tokio::time::timeout_at(until.into(), answer).await;
                }
            }
        }
    }

    fn heard(&self, pass: &Pass<'_>, announced: Option<&Announced>) {
        self.budgets()
            .answered(pass.kind, pass.sent, Instant::now(), announced);
        self.answers.notify_waiters();
    }
}

/// A request that the pacer let go, until its answer is heard.
#[must_use = "a pass hears its request's answer"]
pub(crate) struct Pass<'a> {
    pacer: &'a Pacer,
    kind: Kind,
    sent: Sent,
    heard: bool,
}

impl Pass<'_> {
    /// The request was answered, announcing this.
    pub(crate) fn answered(mut self, announced: &Announced) {
        self.heard = true;
        self.pacer.heard(&self, Some(announced));
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        if !self.heard {
            self.pacer.heard(self, None);
        }
    }
}

#[cfg(test)]
mod tests;
