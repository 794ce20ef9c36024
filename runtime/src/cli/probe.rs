//! `probe`: every declared hook (of the flows and actions `--target` names) called the way Kratos calls it,
//! and its reply checked against what Kratos needs; only declared URLs are called.

use ory_actions_core::Platform;

use super::{EXIT_ERROR, EXIT_OK, Io};
use crate::action::Action;
use crate::payload::Phase;
use crate::probe::{NotSent, TIMEOUT, judge, request, send};
use crate::reconcile::Reconciler;

/// Probes each hook of `actions` in each of its lists on `platform`; one line per hook. Exits
/// 1 when any hook fails, naming it.
pub(super) async fn run(
    reconciler: &Reconciler,
    actions: &[&Action],
    platform: Platform,
    dry_run: bool,
    io: Io<'_>,
) -> u8 {
    crate::target::console::client::install_tls_provider();
    let client = match reqwest::Client::builder()
        .timeout(TIMEOUT)
        .user_agent(concat!("ory-actions-probe/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => return super::setup::fail(io.err, format!("cannot set up HTTP: {e}")),
    };
    let samples = reconciler.sample_contexts();
    let (mut failed, mut probed) = (Vec::new(), 0);
    for action in actions {
        let scopes = action.scopes_on(platform).unwrap_or_default();
        for scope in scopes {
            // An action's own name says its list when it has one.
            let who = if action.scopes().len() > 1 {
                format!("{action}, in {scope}")
            } else {
                action.to_string()
            };
            let request = match request(action, scope, samples) {
                Ok(request) => request,
                Err(NotSent::Cancelled) => {
                    let _ = writeln!(
                        io.out,
                        "skip {who}: its body raises `error \"cancel\"` for the sample context, \
                         so Kratos does not call it"
                    );
                    continue;
                }
                Err(NotSent::ReferencedBody(reference)) => {
                    let _ = writeln!(
                        io.out,
                        "skip {who}: Kratos fetches or reads its body `{reference}` itself, so \
                         it is not evaluated here"
                    );
                    continue;
                }
                Err(NotSent::Failed(why)) => {
                    let _ = writeln!(io.out, "FAIL {who}: {why}");
                    failed.push(who);
                    continue;
                }
            };
            if dry_run {
                let _ = writeln!(io.out, "--- {who}\n{}", request.shown());
                continue;
            }
            probed += 1;
            let phase = Phase::of(scope, action.flags());
            let identity = samples.context(scope, phase).get("identity").cloned();
            match send(&client, &request).await {
                Ok(reply) => {
                    let verdict = judge(&request, &reply, identity.as_ref());
                    let retried = if reply.attempts > 1 {
                        format!(", {} attempts", reply.attempts)
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        io.out,
                        "{} {who}: {} ({} ms{retried})",
                        if verdict.ok { "ok  " } else { "FAIL" },
                        verdict.says,
                        reply.took.as_millis()
                    );
                    if !verdict.ok {
                        failed.push(who);
                    }
                }
                Err(why) => {
                    let _ = writeln!(io.out, "FAIL {who}: {why}");
                    failed.push(who);
                }
            }
        }
    }
    if dry_run {
        return EXIT_OK;
    }
    if failed.is_empty() {
        let _ = writeln!(io.out, "\n{probed} hook(s) answered as Kratos needs.");
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
