//! A stack as one stable, readable document, for snapshot tests (`insta::assert_snapshot!`).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use ory_actions_core::{Platform, Scope};
use serde_json::Value;

use crate::action::Action;
use crate::backend::BackendName;
use crate::error::Error;
use crate::hooks::{HookKey, HookLists, StoredBody, WebHook, WriteEntry};
use crate::payload::{BodyOf, Payload, PayloadError, Phase, payloads_by_schema};
use crate::plan::{Mode, Planner};
use crate::stack::{Prune, Stack};

impl Stack {
    /// The stack as a document for snapshot tests: every hook list as it would be after
    /// applying the stack to an empty Ory Network project, each entry with its body decoded and
    /// its payload for the sample context of its list ([`Stack::samples`]), secrets redacted.
    ///
    /// ```
    /// use ory_actions::{Action, Flow, AuthMethod, Stack, Timing};
    ///
    /// let login = Action::builder(Flow::Login, Timing::After, "https://api.example.com/login")
    ///     .auth_method(AuthMethod::Password)
    ///     .body("function(ctx) { id: ctx.identity.id }")
    ///     .build()
    ///     .unwrap();
    /// let document = Stack::new().action(login).snapshot().unwrap();
    /// assert!(document.contains("=== login after password"));
    /// // In a test: insta::assert_snapshot!(document);
    /// ```
    pub fn snapshot(&self) -> Result<String, Error> {
        self.snapshot_on(Platform::OryNetwork)
    }

    /// [`Stack::snapshot`] for `platform`: a self-hosted Kratos configuration has no `saml`
    /// lists and keeps only the fields written.
    pub fn snapshot_on(&self, platform: Platform) -> Result<String, Error> {
        for action in self.get_actions() {
            action.check()?;
        }
        let actions: Vec<&Action> = self.get_actions().iter().collect();
        let empty = HookLists::default();
        let backend = match platform {
            Platform::OryNetwork => BackendName::Project("snapshot".into()),
            Platform::Kratos => BackendName::KratosConfig("snapshot".into()),
        };
        let plan = Planner::new(Prune::None, Mode::Apply)
            .secrets_unread()
            .plan(backend, platform, "", &empty, &actions, &Default::default())?;
        // Which action each entry comes from, by the entry's key.
        let owners: HashMap<HookKey, &Action> = Action::owners(actions.iter().copied(), platform);
        // Which action each entry comes from, and every entry's payloads, evaluated together:
        // one evaluator for the whole stack, each sample context built once.
        let entries: Vec<(Scope, Option<&WebHook>, Option<&Action>)> = plan
            .writes
            .iter()
            .flat_map(|write| {
                write.entries().iter().map(|planned| {
                    // Every entry is declared (the plan starts from no lists): its meaning is the
                    // declaration's, not decoded again from what it is written as.
                    let hook = match planned {
                        WriteEntry::Declared { declared, .. } => Some(&declared.hook),
                        _ => None,
                    };
                    let owner = hook.and_then(|hook| owners.get(&hook.key(write.scope)).copied());
                    (write.scope, hook, owner)
                })
            })
            .collect();
        let scopes: Vec<[Scope; 1]> = entries.iter().map(|(scope, ..)| [*scope]).collect();
        let asked: Vec<(BodyOf<'_>, &[Scope])> = entries
            .iter()
            .zip(&scopes)
            .filter_map(|((_, _, owner), scopes)| Some((owner.as_ref()?.body_of(), &scopes[..])))
            .collect();
        let mut payloads = payloads_by_schema(&asked, self.get_samples()).into_iter();
        let mut entries = entries.into_iter();
        let mut out = String::new();
        for write in &plan.writes {
            let scope = write.scope;
            let _ = writeln!(out, "=== {scope} ({})", scope.config_pointer());
            for index in 0..write.entries().len() {
                let entry = write.entry(index);
                let Some((_, hook, owner)) = entries.next() else {
                    break;
                };
                let title = owner
                    .and_then(Action::name)
                    .map(|name| format!(" {name}"))
                    .unwrap_or_default();
                let _ = writeln!(out, "\n--- [{index}]{title}");
                let mut shown = entry.clone();
                if let Some(body) = shown.pointer_mut("/config/body")
                    && matches!(hook.map(|h| &h.body), Some(StoredBody::Text(_)))
                {
                    *body = Value::String("base64://… (decoded below)".into());
                }
                let _ = writeln!(out, "{}", pretty(&shown));
                if let Some(WebHook {
                    body: StoredBody::Text(source),
                    ..
                }) = hook
                {
                    let _ = writeln!(out, "body:\n{}", indent(source));
                }
                if let Some(reference) = owner.and_then(Action::body).and_then(|b| b.reference()) {
                    let _ = writeln!(
                        out,
                        "payload: not evaluated (Kratos fetches or reads `{reference}` itself)"
                    );
                }
                if owner.is_some() {
                    for sample in payloads.next().unwrap_or_default() {
                        let _ = writeln!(
                            out,
                            "{}",
                            payload_text(sample.phase, sample.schema.as_deref(), &sample.result)
                        );
                    }
                }
            }
            out.push('\n');
        }
        let declared: BTreeSet<_> = plan.writes.iter().map(|w| w.scope).collect();
        if declared.is_empty() {
            out.push_str("(no hooks)\n");
        }
        Ok(out)
    }
}

fn payload_text(
    phase: Phase,
    schema: Option<&str>,
    result: &Result<Payload, PayloadError>,
) -> String {
    let heading = match schema {
        Some(id) => format!(
            "payload ({} sample context, identity schema `{id}`):",
            phase.as_str()
        ),
        None => format!("payload ({} sample context):", phase.as_str()),
    };
    match result {
        Ok(Payload::Cancelled) => {
            format!("{heading} cancelled (`error \"cancel\"`: Kratos skips the hook)")
        }
        Ok(payload @ Payload::Form(_)) => {
            format!(
                "{heading} form-encoded\n{}",
                indent(&pretty(&payload.to_json()))
            )
        }
        Ok(Payload::Json(json)) => format!("{heading}\n{}", indent(&pretty(json))),
        Err(e) => format!("{heading} FAILS: {e}"),
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("    {line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
