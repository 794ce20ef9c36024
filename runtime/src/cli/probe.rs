//! `probe`: every declared hook (of the flows and actions `--target` names) called the way
//! Kratos calls it, and its reply checked against what Kratos needs; only declared URLs are
//! called. Hooks are probed concurrently, at most [`AT_ONCE`] at a time, and reported in the
//! order they are declared.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::output::{EXIT_ERROR, EXIT_OK, Io, fail};
use super::setup::Backends;
use crate::action::Action;
use crate::payload::Samples;
use crate::probe::{NotSent, Probe, TIMEOUT, judge, not_sent_line, probes, send, verdict_line};

/// How many hooks are probed at once.
const AT_ONCE: usize = 8;

/// Probes each hook of the actions of `backends` (those `--target` names, all without
/// targets) in each of its lists; one line per hook. Exits 1 when any hook fails, naming it.
pub(super) async fn run(
    samples: &Samples,
    backends: &Backends,
    targeted: &[String],
    dry_run: bool,
    io: Io<'_>,
) -> u8 {
    let platform = backends.platform;
    let actions: Vec<&Action> = backends
        .units
        .iter()
        .flat_map(|u| &u.actions)
        .filter(|a| probed(a, targeted))
        .collect();
    // An action that names a list the platform lacks cannot be probed there.
    let mut failed: Vec<String> = Vec::new();
    for action in &actions {
        if let Err(problem) = action.scopes_on(platform) {
            let _ = writeln!(io.out, "FAIL {action}: {problem}");
            failed.push(action.to_string());
        }
    }
    let probes = probes(
        actions.iter().copied(),
        |action| action.scopes_on(platform).unwrap_or_default(),
        samples,
    );
    if dry_run {
        for probe in &probes {
            match &probe.request {
                Ok(request) => {
                    let _ = writeln!(io.out, "--- {}\n{}", probe.who, request.shown());
                }
                Err(not_sent) => {
                    let _ = writeln!(io.out, "{}", not_sent_line(&probe.who, not_sent));
                    if matches!(not_sent, NotSent::Failed(_)) {
                        failed.push(probe.who.clone());
                    }
                }
            }
        }
        return if failed.is_empty() {
            EXIT_OK
        } else {
            EXIT_ERROR
        };
    }
    crate::backend::console::client::install_tls_provider();
    let client = match reqwest::Client::builder()
        .timeout(TIMEOUT)
        .user_agent(concat!("ory-actions-probe/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => return fail(io.err, format!("cannot set up HTTP: {e}")),
    };
    // Send every request at once (at most AT_ONCE in flight); keep the answers by index.
    let probes: Vec<Arc<Probe>> = probes.into_iter().map(Arc::new).collect();
    let slots = Arc::new(Semaphore::new(AT_ONCE));
    let mut tasks = JoinSet::new();
    for (index, probe) in probes.iter().enumerate() {
        if probe.request.is_err() {
            continue;
        }
        let (probe, client, slots) = (Arc::clone(probe), client.clone(), Arc::clone(&slots));
        tasks.spawn(async move {
            let _slot = slots.acquire_owned().await;
            let Ok(request) = &probe.request else {
                return (index, Err(String::new()));
            };
            (index, send(&client, request).await)
        });
    }
    let mut replies: Vec<Option<Result<crate::probe::Reply, String>>> =
        probes.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, reply)) = joined {
            replies[index] = Some(reply);
        }
    }
    let mut answered = 0;
    for (probe, reply) in probes.iter().zip(replies) {
        let request = match &probe.request {
            Ok(request) => request,
            Err(not_sent) => {
                let _ = writeln!(io.out, "{}", not_sent_line(&probe.who, not_sent));
                if matches!(not_sent, NotSent::Failed(_)) {
                    failed.push(probe.who.clone());
                }
                continue;
            }
        };
        match reply {
            Some(Ok(reply)) => {
                let verdict = judge(request, &reply, probe.identity.as_ref());
                let retried = if reply.attempts > 1 {
                    format!(", {} attempts", reply.attempts)
                } else {
                    String::new()
                };
                let took = format!(" ({} ms{retried})", reply.took.as_millis());
                let _ = writeln!(io.out, "{}", verdict_line(&probe.who, &verdict, &took));
                if verdict.ok {
                    answered += 1;
                } else {
                    failed.push(probe.who.clone());
                }
            }
            Some(Err(why)) => {
                let _ = writeln!(io.out, "FAIL {}: {why}", probe.who);
                failed.push(probe.who.clone());
            }
            None => {
                let _ = writeln!(io.out, "FAIL {}: the probe stopped", probe.who);
                failed.push(probe.who.clone());
            }
        }
    }
    if failed.is_empty() {
        let _ = writeln!(io.out, "\n{answered} hook(s) answered as Kratos needs.");
        EXIT_OK
    } else {
        let _ = writeln!(
            io.err,
            "error: {} hook(s) do not answer as Kratos needs: {}",
            failed.len(),
            failed.join("; ")
        );
        EXIT_ERROR
    }
}

/// Whether `probe --target …` covers `action`: its flow or its name is a target, or there are
/// no targets. (Every target names a flow or an action: the settings checked that.)
fn probed(action: &Action, targeted: &[String]) -> bool {
    targeted.is_empty()
        || targeted
            .iter()
            .any(|t| action.name() == Some(t.as_str()) || action.flow().as_str() == t)
}
