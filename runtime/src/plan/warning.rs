//! What a plan warns about: things worth knowing before applying that do not stop it, most of
//! them about which hook lists Kratos runs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ory_actions_core::{AuthMethod, Flow, Scope, Timing};

use crate::hooks::HookUrl;

/// Something worth knowing before applying, that does not stop the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum Warning {
    /// The first hook of a per-method list switches the flow-wide list off for that method.
    ShadowsFlowWide {
        /// The per-method list that gets its first entry.
        list: Scope,
        /// The flow-wide list, which will no longer run for that method.
        flow_wide: Scope,
        /// How many entries the flow-wide list holds.
        hooks: usize,
    },
    /// A per-method list becomes empty, so the flow-wide list runs for that method again.
    FlowWideResumes {
        /// The per-method list that becomes empty.
        list: Scope,
        /// The flow-wide list.
        flow_wide: Scope,
    },
    /// A hook in a flow-wide list does not run for methods whose own list is not empty.
    FallbackSkipped {
        /// The flow-wide list.
        flow_wide: Scope,
        /// The methods whose own list holds entries.
        methods: Vec<AuthMethod>,
    },
    /// A web hook without a body: Kratos fails every call of it.
    NoBody {
        /// The hook list.
        scope: Scope,
        /// The URL.
        url: HookUrl,
    },
    /// A web hook entry of the project that this version cannot read; left untouched.
    Malformed {
        /// The hook list.
        scope: Scope,
        /// The entry's position in the list.
        index: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// A body Ory stores at a URL that could not be read; the hook is rewritten to be sure.
    BodyUnreadable {
        /// The hook list.
        scope: Scope,
        /// The hook's URL.
        url: HookUrl,
        /// Why the body could not be read.
        reason: String,
    },
    /// An action uses the flow-wide list (`auth_method: fallback`) on Ory Network, whose
    /// documentation calls it legacy.
    FallbackLegacy {
        /// The action.
        action: String,
        /// The flow-wide list.
        scope: Scope,
    },
    /// An action sets fields that Ory Network does not store; the hook works without them.
    NotStored {
        /// The action.
        action: String,
        /// The fields, as [`ory_actions_core::fields::FIELDS`] names them.
        fields: Vec<&'static str>,
    },
    /// A declared body fails for the sample context of one of its lists: Kratos would fail the
    /// call (a typo in `ctx`, a field the phase lacks, an `error`).
    BodyFails {
        /// The action.
        action: String,
        /// The first list it fails in.
        scope: Scope,
        /// The phase there.
        phase: &'static str,
        /// What fails, with line, column and expression.
        problem: String,
    },
    /// A constant body that raises `error "cancel"`: legal, and Kratos skips the hook on every
    /// call.
    BodyCancels {
        /// The action.
        action: String,
    },
    /// Entries with a `config` that stay in a list of a Kratos configuration but move to another
    /// index: environment variables that override an entry by its index
    /// (`SELFSERVICE_FLOWS_…_HOOKS_0_CONFIG_URL`) then reach another entry.
    IndexShift {
        /// The list.
        list: Scope,
        /// Each entry that moves.
        moves: Vec<Moved>,
    },
    /// The target's identity schema `id` has other traits than the file the bodies were
    /// checked against.
    SchemaChanged {
        /// The schema's id.
        id: String,
        /// The crate's file.
        file: String,
        /// Traits the target has and the file does not.
        added: Vec<String>,
        /// Traits the file has and the target does not.
        removed: Vec<String>,
        /// Traits renamed, `(old, new)`.
        renamed: Vec<(String, String)>,
    },
    /// The crate declares a schema the target does not list.
    SchemaMissing {
        /// The schema's id.
        id: String,
        /// The crate's file.
        file: String,
        /// The ids the target lists.
        ids: Vec<String>,
    },
    /// The target lists a schema the crate does not declare.
    SchemaUndeclared {
        /// The schema's id.
        id: String,
    },
    /// The target's schema could not be read, so it was not compared.
    SchemaUnreadable {
        /// The schema's id; `None` when the target's list of schemas could not be read.
        id: Option<String>,
        /// Why.
        reason: String,
    },
    /// A warning Ory returned with a write.
    Ory {
        /// Ory's code.
        code: String,
        /// Ory's message.
        message: String,
    },
}

impl Warning {
    /// A stable identifier, used in the JSON form.
    pub(crate) fn code(&self) -> &str {
        match self {
            Warning::ShadowsFlowWide { .. } => "shadows_flow_wide",
            Warning::FlowWideResumes { .. } => "flow_wide_resumes",
            Warning::FallbackSkipped { .. } => "fallback_skipped",
            Warning::NoBody { .. } => "no_body",
            Warning::Malformed { .. } => "malformed_remote_hook",
            Warning::BodyUnreadable { .. } => "body_unreadable",
            Warning::FallbackLegacy { .. } => "fallback_legacy",
            Warning::NotStored { .. } => "not_stored",
            Warning::BodyFails { .. } => "body_fails",
            Warning::BodyCancels { .. } => "body_cancels",
            Warning::IndexShift { .. } => "index_shift",
            Warning::SchemaChanged { .. } => "identity_schema_changed",
            Warning::SchemaMissing { .. } => "identity_schema_missing",
            Warning::SchemaUndeclared { .. } => "identity_schema_undeclared",
            Warning::SchemaUnreadable { .. } => "identity_schema_unreadable",
            Warning::Ory { code, .. } => code,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::ShadowsFlowWide {
                list,
                flow_wide,
                hooks,
            } => write!(
                f,
                "the first hook in {list} switches the flow-wide list off for {}: Kratos runs a \
                 per-method list instead of the flow-wide one, so {} of {flow_wide} will no \
                 longer run for that method",
                list.method().map_or("", |m| m.as_str()),
                if *hooks == 1 {
                    "the hook".to_owned()
                } else {
                    format!("the {hooks} hooks")
                }
            ),
            Warning::FlowWideResumes { list, flow_wide } => write!(
                f,
                "{list} becomes empty, so the hooks of {flow_wide} run for {} again",
                list.method().map_or("", |m| m.as_str())
            ),
            Warning::FallbackSkipped { flow_wide, methods } => write!(
                f,
                "hooks in {flow_wide} do not run for {} because those methods have hooks of \
                 their own (Kratos runs the flow-wide list only for methods whose list is empty)",
                methods
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Warning::NoBody { scope, url } => write!(
                f,
                "the web hook {url} in {scope} has no body: self-hosted Kratos fails every call \
                 of a web hook without one (whether Ory Network sends a default body is not \
                 known); add `body`"
            ),
            Warning::Malformed {
                scope,
                index,
                problem,
            } => write!(
                f,
                "entry {index} of {scope} is a web_hook that cannot be read ({problem}); it is \
                 left untouched"
            ),
            Warning::BodyUnreadable { scope, url, reason } => write!(
                f,
                "the stored body of {url} in {scope} could not be read ({reason}); the hook is \
                 rewritten with the declared body"
            ),
            Warning::SchemaChanged {
                id,
                file,
                added,
                removed,
                renamed,
            } => {
                let mut changes = Vec::new();
                let quoted = |paths: &[String]| {
                    paths
                        .iter()
                        .map(|p| format!("`{p}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                if !added.is_empty() {
                    changes.push(format!("trait {} added", quoted(added)));
                }
                if !removed.is_empty() {
                    changes.push(format!("trait {} removed", quoted(removed)));
                }
                for (old, new) in renamed {
                    let new = new.rsplit('.').next().unwrap_or(new);
                    let parent = old
                        .rsplit_once('.')
                        .map_or(String::new(), |(p, _)| format!("{p}."));
                    changes.push(format!("`{old}` renamed `{parent}{new}`"));
                }
                let mut text = changes.join(", ");
                if !text.starts_with("trait") {
                    text = format!("trait {text}");
                }
                write!(
                    f,
                    "the target's identity schema `{id}` is not the one in {file}, which the \
                     bodies were checked against: {text}; run `identity-schemas pull` and build \
                     again to check the bodies against it"
                )
            }
            Warning::SchemaMissing { id, file, ids } => {
                let ids: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
                let has = match ids.split_last() {
                    None => "it lists none".to_owned(),
                    Some((last, [])) => format!("it has {last}"),
                    Some((last, rest)) => format!("it has {} and {last}", rest.join(", ")),
                };
                write!(
                    f,
                    "the target has no identity schema `{id}` (declared as {file}); {has}"
                )
            }
            Warning::SchemaUndeclared { id } => write!(
                f,
                "the target has an identity schema `{id}` that the crate does not declare: \
                 bodies are not checked against it, and a trait its identities lack fails the \
                 call; declare it in `[package.metadata.ory-actions]` (`identity-schemas pull` \
                 writes it)"
            ),
            Warning::SchemaUnreadable {
                id: Some(id),
                reason,
            } => write!(
                f,
                "the target's identity schema `{id}` could not be compared with the crate's: \
                 {reason}"
            ),
            Warning::SchemaUnreadable { id: None, reason } => write!(
                f,
                "the target's identity schemas could not be read, so none was compared with the \
                 crate's: {reason}"
            ),
            Warning::FallbackLegacy { action, .. } => write!(
                f,
                "{action} uses `auth_method: fallback`, which Ory's documentation \
                 calls legacy: \"a fallback webhook only runs when no method-specific hook \
                 (built-in or webhook) exists\"; to run it for the methods you mean, use \
                 `auth_method: all` or a list such as `[password, oidc]`"
            ),
            Warning::NotStored { action, fields } => write!(
                f,
                "Ory Network's API has no place for `{}` of a web hook, so expect {action} to \
                 run without {} there; {} effect on self-hosted Kratos",
                fields.join("`, `"),
                if fields.len() == 1 { "it" } else { "them" },
                if fields.len() == 1 {
                    "it takes"
                } else {
                    "they take"
                }
            ),
            Warning::BodyFails {
                action,
                scope,
                phase,
                problem,
            } if problem.contains(".traits") || problem.contains(".metadata_") => write!(
                f,
                "the body of {action} fails for the sample context of {scope} ({phase}): \
                 {problem}; Kratos fails the call for identities without it (set the sample \
                 traits with `--identity-schema` or `Stack::samples`, or guard the read with \
                 `std.get(…)`; see `render --payloads`)"
            ),
            Warning::BodyFails {
                action,
                scope,
                phase,
                problem,
            } => write!(
                f,
                "the body of {action} fails for the sample context of {scope} ({phase}): \
                 {problem}; Kratos would fail this call (see `render --payloads`)"
            ),
            Warning::BodyCancels { action } => write!(
                f,
                "note: the body of {action} is `error \"cancel\"`, so Kratos skips this hook on \
                 every call (it is never sent)"
            ),
            Warning::IndexShift { list, moves } => {
                let name = list
                    .config_pointer()
                    .trim_start_matches('/')
                    .replace('/', "_");
                write!(
                    f,
                    "entries of {list} move to other indexes: {}; environment variables that \
                     override an entry by its index (`{}_<index>_CONFIG_…`) reach another entry \
                     after this change",
                    moves
                        .iter()
                        .map(|m| format!("{} from [{}] to [{}]", m.entry, m.from, m.to))
                        .collect::<Vec<_>>()
                        .join(", "),
                    name.to_uppercase()
                )
            }
            Warning::Ory { code, message } => write!(f, "Ory: {message} ({code})"),
        }
    }
}

/// An entry that moves within its list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Moved {
    /// The entry: a web hook's method and URL (credentials masked), or the hook's name.
    pub(crate) entry: String,
    /// Its index before the change.
    pub(crate) from: usize,
    /// Its index after the change.
    pub(crate) to: usize,
}

/// How a message names an entry of a list: a web hook by its method and URL (credentials
/// masked), any other hook by its name.
pub(super) fn describe_entry(entry: &serde_json::Value) -> String {
    let hook = entry.get("hook").and_then(serde_json::Value::as_str);
    let config = entry.get("config");
    let url = config
        .and_then(|c| c.get("url"))
        .and_then(serde_json::Value::as_str);
    match (hook, url) {
        (Some("web_hook"), Some(url)) => {
            let method = config
                .and_then(|c| c.get("method"))
                .and_then(serde_json::Value::as_str)
                .unwrap_or("POST");
            format!("the web hook {method} {}", HookUrl::new(url))
        }
        (Some(hook), _) => format!("`{hook}`"),
        (None, _) => "an entry without `hook`".to_owned(),
    }
}

/// Warnings about Kratos's rule that a per-method list replaces the flow-wide list
/// (`replaces`: for each per-method list, whether it does before the plan and after it).
pub(super) fn flow_wide_warnings(
    after: &BTreeMap<Scope, usize>,
    replaces: &BTreeMap<Scope, (bool, bool)>,
    writes: &[crate::hooks::ListWrite],
) -> Vec<Warning> {
    let written: BTreeSet<Scope> = writes.iter().map(|w| w.scope).collect();
    let mut warnings = Vec::new();
    for &flow in Flow::ALL {
        let Some(flow_wide) = Scope::find(flow, Timing::After, None) else {
            continue;
        };
        let per_method = flow.after_method_scopes();
        if per_method.is_empty() {
            continue;
        }
        let fallback_len = after.get(&flow_wide).copied().unwrap_or(0);
        for &list in &per_method {
            if !written.contains(&list) {
                continue;
            }
            let (was, is) = replaces.get(&list).copied().unwrap_or_default();
            if !was && is && fallback_len > 0 {
                warnings.push(Warning::ShadowsFlowWide {
                    list,
                    flow_wide,
                    hooks: fallback_len,
                });
            }
            if was && !is && fallback_len > 0 {
                warnings.push(Warning::FlowWideResumes { list, flow_wide });
            }
        }
        if written.contains(&flow_wide) && fallback_len > 0 {
            let warned: Vec<Scope> = warnings
                .iter()
                .filter_map(|w| match w {
                    Warning::ShadowsFlowWide { list, .. } => Some(*list),
                    _ => None,
                })
                .collect();
            let methods: Vec<AuthMethod> = per_method
                .iter()
                .filter(|s| replaces.get(s).is_some_and(|&(_, is)| is) && !warned.contains(s))
                .filter_map(|s| s.method())
                .collect();
            if !methods.is_empty() {
                warnings.push(Warning::FallbackSkipped { flow_wide, methods });
            }
        }
    }
    warnings
}
