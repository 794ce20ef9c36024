use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::*;

/// `ms` milliseconds after `start`.
fn at(start: Instant, ms: u64) -> Instant {
    start + Duration::from_millis(ms)
}

/// An answer saying `remaining` are left until `reset_ms` from now.
fn left(remaining: u64, reset_ms: u64) -> Announced {
    Announced {
        remaining: Some(remaining),
        reset: Some(Duration::from_millis(reset_ms)),
        ..Announced::default()
    }
}

/// A 429 asking to wait `retry_after_ms`.
fn refused(retry_after_ms: u64) -> Announced {
    Announced {
        refused: true,
        retry_after: Some(Duration::from_millis(retry_after_ms)),
        ..Announced::default()
    }
}

/// What a step says, without the request it lets go.
#[derive(Debug, PartialEq, Eq)]
enum Did {
    Send,
    Probe,
    Wait(Instant),
    AwaitProbe,
}

fn did(step: Step) -> Did {
    match step {
        Step::Go(sent) if sent.probe => Did::Probe,
        Step::Go(_) => Did::Send,
        Step::Wait(until) => Did::Wait(until),
        Step::AwaitProbe => Did::AwaitProbe,
    }
}

fn step(budgets: &mut Budgets, kind: Kind, now: Instant) -> Did {
    did(budgets.admit(kind, now, None).0)
}

/// Admits a request of `kind` at `now` that must go.
fn go(budgets: &mut Budgets, kind: Kind, now: Instant) -> Sent {
    match budgets.admit(kind, now, None).0 {
        Step::Go(sent) => sent,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_first_request_goes_alone_and_its_answer_opens_the_budget() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    assert!(probe.probe);
    assert_eq!(step(&mut budgets, Kind::Read, t), Did::AwaitProbe);
    budgets.answered(Kind::Read, probe, at(t, 20), Some(&left(3, 1000)));
    for _ in 0..3 {
        assert_eq!(step(&mut budgets, Kind::Read, at(t, 21)), Did::Send);
    }
    assert_eq!(
        step(&mut budgets, Kind::Read, at(t, 22)),
        Did::Wait(at(t, 1020))
    );
}

#[test]
fn what_is_left_counts_every_request_sent_and_heeds_others_using_the_budget() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&left(10, 1000)));
    let sent: Vec<_> = (0..5)
        .map(|_| go(&mut budgets, Kind::Read, at(t, 11)))
        .collect();
    // The server counted one or more of the five before it answered the first: 9 or fewer
    // left, no news, since five more may go whichever it counted.
    budgets.answered(Kind::Read, sent[0], at(t, 30), Some(&left(8, 980)));
    for _ in 0..5 {
        go(&mut budgets, Kind::Read, at(t, 31));
    }
    assert!(matches!(
        step(&mut budgets, Kind::Read, at(t, 31)),
        Did::Wait(_)
    ));
    // An answer saying less is left than the run's own count allows shows someone else using
    // the budget: what it says wins, less the requests sent after it and still out.
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&left(10, 1000)));
    let sent: Vec<_> = (0..3)
        .map(|_| go(&mut budgets, Kind::Read, at(t, 11)))
        .collect();
    budgets.answered(Kind::Read, sent[0], at(t, 20), Some(&left(3, 990)));
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 21)), Did::Send);
    assert!(matches!(
        step(&mut budgets, Kind::Read, at(t, 21)),
        Did::Wait(_)
    ));
}

#[test]
fn the_reset_is_the_earliest_any_answer_of_the_window_gives() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 100), Some(&left(2, 1000)));
    let first = go(&mut budgets, Kind::Read, at(t, 100));
    let second = go(&mut budgets, Kind::Read, at(t, 100));
    // Answered later, saying the same reset from then: no later than first said.
    budgets.answered(Kind::Read, first, at(t, 300), Some(&left(1, 1000)));
    assert_eq!(
        step(&mut budgets, Kind::Read, at(t, 300)),
        Did::Wait(at(t, 1100))
    );
    // Saying an earlier one: that one.
    budgets.answered(Kind::Read, second, at(t, 400), Some(&left(0, 500)));
    assert_eq!(
        step(&mut budgets, Kind::Read, at(t, 400)),
        Did::Wait(at(t, 900))
    );
}

#[test]
fn after_the_reset_one_request_learns_the_new_budget() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Write, t);
    budgets.answered(Kind::Write, probe, at(t, 10), Some(&left(0, 500)));
    assert_eq!(
        step(&mut budgets, Kind::Write, at(t, 20)),
        Did::Wait(at(t, 510))
    );
    let probe = go(&mut budgets, Kind::Write, at(t, 510));
    assert!(probe.probe);
    assert_eq!(step(&mut budgets, Kind::Write, at(t, 510)), Did::AwaitProbe);
    budgets.answered(Kind::Write, probe, at(t, 530), Some(&left(4, 1000)));
    assert_eq!(step(&mut budgets, Kind::Write, at(t, 530)), Did::Send);
}

#[test]
fn a_budget_left_over_goes_on_into_the_next_window() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&left(2, 100)));
    // The window has passed with two left: a reset gives at least as much again.
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 500)), Did::Send);
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 500)), Did::Send);
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 500)), Did::Probe);
}

#[test]
fn a_new_window_counts_the_requests_still_out_against_what_is_left() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&left(5, 1000)));
    // The window passes with five left; three go into the next one.
    let sent: Vec<_> = (0..3)
        .map(|_| go(&mut budgets, Kind::Read, at(t, 1020)))
        .collect();
    // The first answer of the new window says 9 left: the two still out may not be counted.
    budgets.answered(Kind::Read, sent[0], at(t, 1040), Some(&left(9, 1000)));
    for _ in 0..7 {
        assert_eq!(step(&mut budgets, Kind::Read, at(t, 1041)), Did::Send);
    }
    assert_eq!(
        step(&mut budgets, Kind::Read, at(t, 1041)),
        Did::Wait(at(t, 2040))
    );
}

#[test]
fn an_answer_to_a_request_sent_before_the_reset_opens_no_window() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&left(5, 1000)));
    let early = go(&mut budgets, Kind::Read, at(t, 990));
    // Answered after the reset, it may tell of the old window: it does not say when the new
    // one resets, and it cannot raise what is left.
    budgets.answered(Kind::Read, early, at(t, 1050), Some(&left(3, 1000)));
    for _ in 0..3 {
        assert_eq!(step(&mut budgets, Kind::Read, at(t, 1060)), Did::Send);
    }
    let probe = go(&mut budgets, Kind::Read, at(t, 1060));
    assert!(probe.probe);
    // One sent after the reset does.
    budgets.answered(Kind::Read, probe, at(t, 1070), Some(&left(9, 1000)));
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 1071)), Did::Send);
}

#[test]
fn writes_heed_the_budget_reads_used_up_until_they_hear_their_own() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&left(0, 500)));
    let (first, notice) = budgets.admit(Kind::Write, at(t, 20), None);
    assert_eq!(did(first), Did::Wait(at(t, 510)));
    assert!(
        matches!(
            notice,
            Some(Notice::Pause {
                kind: Kind::Write,
                shared: true,
                ..
            })
        ),
        "{notice:?}"
    );
    // Once the reads' budget has reset, one write learns the writes' budget.
    let write = go(&mut budgets, Kind::Write, at(t, 510));
    assert!(write.probe, "alone");
    budgets.answered(Kind::Write, write, at(t, 530), Some(&left(50, 1000)));
    // The reads' budget is used up again, but the writes now have their own.
    let read = go(&mut budgets, Kind::Read, at(t, 520));
    budgets.answered(Kind::Read, read, at(t, 540), Some(&left(0, 900)));
    assert_eq!(step(&mut budgets, Kind::Write, at(t, 541)), Did::Send);
    assert!(matches!(
        step(&mut budgets, Kind::Read, at(t, 541)),
        Did::Wait(_)
    ));
    // With reads' budget not used up, the first write goes alone at once.
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&left(5, 500)));
    assert_eq!(step(&mut budgets, Kind::Write, at(t, 20)), Did::Probe);
}

#[test]
fn answers_without_rate_limit_headers_leave_requests_unpaced() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&Announced::default()));
    for _ in 0..100 {
        assert_eq!(step(&mut budgets, Kind::Read, at(t, 11)), Did::Send);
    }
    // A 429 that does not say for how long says nothing either: it is retried with backoff.
    let refused_without_wait = Announced {
        refused: true,
        ..Announced::default()
    };
    let sent = go(&mut budgets, Kind::Read, at(t, 11));
    budgets.answered(Kind::Read, sent, at(t, 12), Some(&refused_without_wait));
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 13)), Did::Send);
}

#[test]
fn an_answer_that_says_nothing_keeps_a_running_window() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&left(1, 500)));
    let last = go(&mut budgets, Kind::Read, at(t, 20));
    budgets.answered(Kind::Read, last, at(t, 100), Some(&Announced::default()));
    assert_eq!(
        step(&mut budgets, Kind::Read, at(t, 100)),
        Did::Wait(at(t, 510))
    );
    // After it, silence means no budget is announced.
    let probe = go(&mut budgets, Kind::Read, at(t, 510));
    budgets.answered(Kind::Read, probe, at(t, 600), Some(&Announced::default()));
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 600)), Did::Send);
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 600)), Did::Send);
}

#[test]
fn a_429_holds_every_request_back_until_it_may_be_retried() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&Announced::default()));
    let sent = go(&mut budgets, Kind::Read, at(t, 10));
    budgets.answered(Kind::Read, sent, at(t, 20), Some(&refused(2000)));
    let (wait, notice) = budgets.admit(Kind::Read, at(t, 30), None);
    assert_eq!(did(wait), Did::Wait(at(t, 2020)));
    assert!(matches!(notice, Some(Notice::Pause { shared: false, .. })));
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 2020)), Did::Probe);
}

#[test]
fn a_429_within_the_window_pushes_its_reset_later() {
    // Ory's `10, 10;w=1, 300;w=60`: the per-minute policy runs out inside a one-second window.
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&left(5, 1000)));
    let sent = go(&mut budgets, Kind::Read, at(t, 20));
    budgets.answered(Kind::Read, sent, at(t, 30), Some(&refused(40_000)));
    assert_eq!(
        step(&mut budgets, Kind::Read, at(t, 40)),
        Did::Wait(at(t, 40_030))
    );
}

#[test]
fn a_failure_without_headers_does_not_turn_pacing_off() {
    // A proxy in front of the API answers the first read 502, without the API's headers.
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    let proxy = Announced {
        failed: true,
        ..Announced::default()
    };
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&proxy));
    // Nothing is known yet: the next read goes alone again, and the others wait for it.
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 11)), Did::Probe);
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 12)), Did::AwaitProbe);
    // A failure with the headers is heard as any answer is.
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    let announced = Announced {
        failed: true,
        ..left(0, 500)
    };
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&announced));
    assert_eq!(
        step(&mut budgets, Kind::Read, at(t, 11)),
        Did::Wait(at(t, 510))
    );
}

#[test]
fn nothing_waits_past_the_deadline() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), Some(&left(0, 60_000)));
    let deadline = Some(at(t, 5000));
    let (going, notice) = budgets.admit(Kind::Read, at(t, 20), deadline);
    assert_eq!(did(going), Did::Send);
    assert_eq!(
        notice.map(|n| n.line(at(t, 20))),
        Some(
            "rate limit: the budget of reads resets in 59.99 s, after the run's deadline; \
             sending without waiting"
                .to_owned()
        )
    );
    // Nor for another request's answer, once the deadline has come.
    let mut budgets = Budgets::default();
    assert_eq!(did(budgets.admit(Kind::Read, t, deadline).0), Did::Probe);
    assert_eq!(
        did(budgets.admit(Kind::Read, t, deadline).0),
        Did::AwaitProbe
    );
    assert_eq!(
        did(budgets.admit(Kind::Read, at(t, 5000), deadline).0),
        Did::Send
    );
}

#[test]
fn a_request_that_got_no_answer_lets_the_next_one_learn_the_budget() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    budgets.answered(Kind::Read, probe, at(t, 10), None);
    assert_eq!(step(&mut budgets, Kind::Read, at(t, 10)), Did::Probe);
}

#[test]
fn each_wait_is_told_once_without_a_header_value() {
    let t = Instant::now();
    let mut budgets = Budgets::default();
    let probe = go(&mut budgets, Kind::Read, t);
    let mut announced = left(0, 620);
    announced.limit = Some(Limit {
        quota: 200,
        policies: vec![(200, Duration::from_secs(1))],
    });
    budgets.answered(Kind::Read, probe, t, Some(&announced));
    let (_, notice) = budgets.admit(Kind::Read, t, None);
    assert_eq!(
        notice.map(|n| n.line(t)),
        Some(
            "rate limit: reads used up their budget (200 per 1 s); waiting 0.62 s, until it \
             resets"
                .to_owned()
        )
    );
    assert_eq!(budgets.admit(Kind::Read, t, None).1, None);
}

/// A server counting requests in fixed windows of `window` from the first request after the
/// last one ended, as the testkit does, and announcing what is left.
struct FixedWindow {
    quota: u64,
    window: Duration,
    started: Option<Instant>,
    seen: u64,
}

impl FixedWindow {
    /// Counts a request at `now`: what its answer announces.
    fn count(&mut self, now: Instant) -> Announced {
        let started = match self.started {
            Some(started) if now < started + self.window => started,
            _ => {
                self.seen = 0;
                now
            }
        };
        self.started = Some(started);
        self.seen += 1;
        let reset = (started + self.window - now).as_secs_f64().ceil();
        Announced {
            refused: self.seen > self.quota,
            remaining: Some(self.quota.saturating_sub(self.seen)),
            reset: Some(Duration::from_secs_f64(reset)),
            ..Announced::default()
        }
    }
}

/// What happens next in a simulated run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// An answer comes back.
    Answer,
    /// A request reaches the server.
    Arrive,
    /// A task has a request to send.
    Ready,
}

/// Runs `tasks` tasks sending `requests` reads through the budgets to a server with `quota`
/// requests a second, `there` and `back` milliseconds away, each task pausing `pauses` (in
/// turn) between an answer and its next request. Returns the requests answered and the 429s.
fn simulate(
    quota: u64,
    tasks: usize,
    requests: usize,
    (there, back): (u64, u64),
    pauses: &[u64],
) -> (usize, usize) {
    let t = Instant::now();
    let mut server = FixedWindow {
        quota,
        window: Duration::from_secs(1),
        started: None,
        seen: 0,
    };
    let mut budgets = Budgets::default();
    // (time, event, order of sending, task, (sent, probe), what the server announced)
    type Pending = (
        Duration,
        Event,
        usize,
        usize,
        Option<Sent>,
        Option<Announced>,
    );
    let mut queue: Vec<Pending> = (0..tasks)
        .map(|task| (Duration::ZERO, Event::Ready, 0, task, None, None))
        .collect();
    let (mut sent, mut answered, mut refused) = (0, 0, 0);
    while let Some(next) = (0..queue.len()).min_by_key(|&i| (queue[i].0, queue[i].1, queue[i].2)) {
        let (time, event, order, task, pass, announced) = queue.swap_remove(next);
        let now = t + time;
        assert!(time < Duration::from_secs(3600), "the run never ends");
        match event {
            Event::Ready if sent < requests => match budgets.admit(Kind::Read, now, None).0 {
                Step::Go(pass) => {
                    sent += 1;
                    let arrives = time + Duration::from_millis(there);
                    queue.push((arrives, Event::Arrive, sent, task, Some(pass), None));
                }
                Step::Wait(until) => {
                    assert!(until > now);
                    queue.push((until - t, Event::Ready, 0, task, pass, None));
                }
                Step::AwaitProbe => {
                    let later = time + Duration::from_millis(5);
                    queue.push((later, Event::Ready, 0, task, pass, None));
                }
            },
            Event::Ready => {}
            Event::Arrive => {
                let said = server.count(now);
                refused += usize::from(said.refused);
                let back = time + Duration::from_millis(back);
                queue.push((back, Event::Answer, order, task, pass, Some(said)));
            }
            Event::Answer => {
                let pass = pass.expect("an answer is to a request");
                budgets.answered(Kind::Read, pass, now, announced.as_ref());
                answered += 1;
                let pause = Duration::from_millis(pauses[answered % pauses.len()]);
                queue.push((time + pause, Event::Ready, 0, task, None, None));
            }
        }
    }
    (answered, refused)
}

#[test]
fn the_simulated_benchmark_is_paced_without_a_429() {
    // 2 000 requests, 10 at a time, 20 ms away, 200 a second: ten windows, none overrun.
    assert_eq!(simulate(200, 10, 2000, (20, 0), &[0]), (2000, 0));
}

proptest! {
    /// Paced requests never overrun a fixed window, however far the server is and however
    /// the tasks pause, and every request is answered.
    #[test]
    fn paced_requests_never_overrun_a_fixed_window(
        quota in 1u64..30,
        tasks in 1usize..12,
        requests in 1usize..120,
        latency in (0u64..60, 0u64..60),
        pauses in proptest::collection::vec(prop_oneof![0u64..50, 900u64..1500], 1..20),
    ) {
        prop_assert_eq!(simulate(quota, tasks, requests, latency, &pauses), (requests, 0));
    }
}
