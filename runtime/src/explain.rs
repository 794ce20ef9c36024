//! `explain`: the chain of hooks Kratos runs for each flow and method, worked out from a backend's
//! hook lists as Kratos reads them (`ory-hook-semantics.md`, section 3):
//!
//! - a per-method `after` list replaces the flow-wide one for that method, and the flow-wide
//!   list runs only when the per-method list yields no hook for the phase;
//! - registration and settings run their per-method lists in two phases: web hooks that parse
//!   the response or can interrupt run before the identity is saved (pre-persist), the rest
//!   after (post-persist); the pre-persist phase has no flow-wide fallback;
//! - `session` always runs last, and when verification is enabled Kratos puts its own
//!   verification step first in the post-persist phase;
//! - recovery and verification `after`, and every `before`, are single lists.
//!
//! Pure: the lists go in, [`Chain`]s come out.

use std::fmt::Write as _;

use ory_actions_core::rules::check_flags;
use ory_actions_core::{AuthMethod, FlagError, Flags, Flow, Platform, Scope, Timing};
use serde_json::{Value, json};

use std::collections::HashMap;

use crate::hooks::{After, Entry, HookLists, HookUrl, ListWrite, Method, WebHook};
use crate::payload::Phase;

/// One step of a chain.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Step {
    /// The hook's name (`web_hook`, `session`, …); `verification` for Kratos's own step.
    pub(crate) hook: String,
    /// A web hook's HTTP method and URL.
    pub(crate) web: Option<(Method, HookUrl)>,
    /// The list the step comes from and its index there; `None` for a step Kratos adds itself.
    pub(crate) list: Option<(Scope, usize)>,
    /// The phase (pre- or post-persist), where the flow has two.
    pub(crate) phase: Option<Phase>,
    /// Whether Kratos runs it.
    pub(crate) runs: bool,
    /// Why it never runs.
    pub(crate) why: Option<String>,
    /// A web hook with `response.ignore`: Kratos does not wait for it.
    pub(crate) asynchronous: bool,
    /// The name of the action that declares it, if the stack does and names it.
    pub(crate) name: Option<String>,
}

/// What Kratos runs for one flow, timing and (for per-method lists) method.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Chain {
    pub(crate) flow: Flow,
    pub(crate) timing: Timing,
    /// The method; `None` for a single list.
    pub(crate) method: Option<AuthMethod>,
    /// The steps in the order Kratos runs them, then the entries that never run here.
    pub(crate) steps: Vec<Step>,
}

/// What the chains depend on besides the lists.
pub(crate) struct Setting<'a> {
    /// Which lists and hooks the platform has.
    pub(crate) platform: Platform,
    /// Whether verification is enabled (`selfservice.flows.verification.enabled`).
    pub(crate) verification: bool,
    /// The name of the declared action a web hook of a list belongs to.
    pub(crate) name_of: &'a dyn Fn(Scope, &WebHook) -> Option<String>,
}

/// The hook lists as the chains read them: every entry read once, whichever chains show it.
pub(crate) struct Lists(HashMap<Scope, Vec<Read>>);

impl Lists {
    /// The lists as a backend holds them.
    #[cfg(test)]
    pub(crate) fn read(lists: &HookLists) -> Lists {
        Lists::after(lists, &[])
    }

    /// The lists as they will be once `writes` are made: an entry kept is read from the list as
    /// read, a declared hook taken as what it means, without writing it out and reading it
    /// back.
    pub(crate) fn after(lists: &HookLists, writes: &[ListWrite]) -> Lists {
        let mut read_lists: HashMap<Scope, Vec<Read>> = Scope::ALL
            .iter()
            .map(|&scope| {
                let entries = lists.entries(scope).iter();
                (scope, entries.map(|entry| read(&entry.value())).collect())
            })
            .collect();
        for write in writes {
            let entries = write.after().map(|entry| match entry {
                After::Stored(stored) => read(&stored.value()),
                After::Declared(hook) => read_web("web_hook".into(), Some(hook.clone())),
                #[cfg(test)]
                After::Value(value) => read(value),
            });
            read_lists.insert(write.scope, entries.collect());
        }
        Lists(read_lists)
    }

    /// The entries of `scope`, with their indexes.
    fn entries(&self, scope: Scope) -> Vec<(usize, &Read)> {
        self.0
            .get(&scope)
            .map(|list| list.iter().enumerate().collect())
            .unwrap_or_default()
    }
}

/// Every chain of the backend, flow by flow: the `before` list, then the `after` lists (one
/// chain per method where the flow has per-method lists). `flow` keeps one flow.
pub(crate) fn chains(lists: &Lists, setting: &Setting<'_>, flow: Option<Flow>) -> Vec<Chain> {
    let mut chains = Vec::new();
    for &f in Flow::ALL
        .iter()
        .filter(|&&f| flow.is_none_or(|only| only == f))
    {
        if let Some(before) = Scope::find(f, Timing::Before, None) {
            chains.push(Chain {
                flow: f,
                timing: Timing::Before,
                method: None,
                steps: single(lists, before, setting),
            });
        }
        let Some(flow_wide) = Scope::find(f, Timing::After, None) else {
            continue;
        };
        let methods = f.after_method_scopes_on(setting.platform);
        if methods.is_empty() {
            chains.push(Chain {
                flow: f,
                timing: Timing::After,
                method: None,
                steps: single(lists, flow_wide, setting),
            });
            continue;
        }
        for scope in methods {
            chains.push(Chain {
                flow: f,
                timing: Timing::After,
                method: scope.method(),
                steps: per_method(lists, scope, flow_wide, setting),
            });
        }
    }
    chains
}

/// Where in a flow Kratos runs hooks: each hook kind implements some of these
/// (`selfservice/hook/*.go`), and a list yields only the hooks that implement the stage run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Any `before` list.
    Before,
    LoginPost,
    RegistrationPre,
    RegistrationPost,
    SettingsPre,
    SettingsPost,
    RecoveryPost,
    VerificationPost,
}

impl Stage {
    fn after(flow: Flow) -> Stage {
        match flow {
            Flow::Login => Stage::LoginPost,
            Flow::Registration => Stage::RegistrationPost,
            Flow::Settings => Stage::SettingsPost,
            Flow::Recovery => Stage::RecoveryPost,
            Flow::Verification => Stage::VerificationPost,
        }
    }

    fn pre_persist(flow: Flow) -> Option<Stage> {
        match flow {
            Flow::Registration => Some(Stage::RegistrationPre),
            Flow::Settings => Some(Stage::SettingsPre),
            _ => None,
        }
    }
}

/// Whether the hook kind `hook` has a step at `stage` (a web hook has one everywhere, though
/// it acts only in one of the two phases of registration and settings). `b2b_sso` and
/// `organization` have no executor in self-hosted Kratos; Ory Network is taken to provide them.
fn implements(hook: &str, stage: Stage, platform: Platform) -> bool {
    use Stage::*;
    match hook {
        "web_hook" => true,
        "session" => stage == RegistrationPost,
        "verification" | "show_verification_ui" => {
            matches!(stage, RegistrationPost | SettingsPost | LoginPost)
        }
        "revoke_active_sessions" => matches!(stage, LoginPost | RecoveryPost | SettingsPost),
        "require_verified_address" => stage == LoginPost,
        "verify_new_address" => stage == SettingsPre,
        "notify_previous_addresses" => stage == SettingsPost,
        "b2b_sso" | "organization" => platform == Platform::OryNetwork,
        _ => false,
    }
}

/// Whether a per-method `after` list of `flow` whose entries are the hooks `hooks` replaces the
/// flow-wide list: Kratos runs the per-method list when it yields a hook for the step after the
/// flow (a web hook always does, even one that acts only before the identity is saved), else the
/// flow-wide one. The one statement of the rule: the chains and the planner's warnings use it.
pub(crate) fn replaces_flow_wide<'a>(
    hooks: impl IntoIterator<Item = &'a str>,
    flow: Flow,
    platform: Platform,
) -> bool {
    let post = Stage::after(flow);
    hooks
        .into_iter()
        .any(|hook| implements(hook, post, platform))
}

/// What one entry is, for the chain.
pub(crate) struct Read {
    hook: String,
    web: Option<WebHook>,
    /// `Err` when Kratos fails the flow on this entry (a web hook it cannot read, or one with
    /// `response.ignore` and `response.parse` or `can_interrupt`).
    broken: Result<(), String>,
}

impl Read {
    /// Whether a web hook parses the response or can interrupt: in registration and settings it
    /// acts before the identity is saved, and does nothing after.
    fn interrupts(&self) -> bool {
        self.web
            .as_ref()
            .map(flags_of)
            .is_some_and(|flags| flags.response_parse || flags.can_interrupt)
    }

    /// Whether the entry does something at `stage`.
    fn acts(&self, stage: Stage, platform: Platform) -> bool {
        implements(&self.hook, stage, platform)
            && match stage {
                // A web hook Kratos cannot read is shown once, after the identity is saved.
                Stage::RegistrationPre | Stage::SettingsPre => {
                    (self.web.is_none() && self.hook != "web_hook") || self.interrupts()
                }
                Stage::RegistrationPost | Stage::SettingsPost => !self.interrupts(),
                _ => true,
            }
    }

    /// Why the entry never runs in this chain, when it has no step in any of `stages`.
    fn idle(&self, stages: &[Stage], flow: Flow, platform: Platform) -> Option<String> {
        if stages.iter().any(|&s| implements(&self.hook, s, platform)) {
            return None;
        }
        let hook = &self.hook;
        Some(match hook.as_str() {
            "b2b_sso" | "organization" => format!(
                "self-hosted Kratos has no `{hook}` hook of its own: it logs a warning and skips it"
            ),
            "session"
            | "verification"
            | "show_verification_ui"
            | "revoke_active_sessions"
            | "require_verified_address"
            | "verify_new_address"
            | "notify_previous_addresses" => {
                format!("`{hook}` has no step in this part of the {flow} flow: Kratos skips it")
            }
            _ => format!("Kratos does not know `{hook}`: it logs a warning and skips it"),
        })
    }
}

/// A web hook's flags, as `core::rules` checks them.
fn flags_of(web: &WebHook) -> Flags {
    web.flags.rules()
}

/// What the entry `entry` is.
fn read(entry: &Value) -> Read {
    let hook = entry
        .get("hook")
        .and_then(Value::as_str)
        .unwrap_or("(no hook)")
        .to_owned();
    let web = match Entry::read(entry) {
        Entry::WebHook(web) => Some(*web),
        _ => None,
    };
    read_web(hook, web)
}

/// What an entry of `hook` is, with what its web hook means when it is one Kratos can read.
fn read_web(hook: String, web: Option<WebHook>) -> Read {
    let broken = if hook == "web_hook" && web.is_none() {
        Err("Kratos cannot read this web hook's config, so the flow fails on it".into())
    } else if web.as_ref().is_some_and(|w| {
        // Kratos refuses the flags together (`core::rules`; no list: only the pairs).
        !check_flags(&[], flags_of(w)).is_empty()
    }) {
        Err(
            "`response.ignore` with `response.parse` or `can_interrupt` is refused by Kratos \
             when the hook runs: the flow fails there"
                .into(),
        )
    } else {
        Ok(())
    };
    Read { hook, web, broken }
}

fn step(
    read: &Read,
    scope: Scope,
    index: usize,
    phase: Option<Phase>,
    setting: &Setting<'_>,
) -> Step {
    let (runs, why) = match &read.broken {
        Ok(()) => (true, None),
        Err(why) => (false, Some(why.clone())),
    };
    Step {
        hook: read.hook.clone(),
        web: read
            .web
            .as_ref()
            .map(|web| (web.method.clone(), web.url.clone())),
        list: Some((scope, index)),
        phase,
        runs,
        why,
        asynchronous: read
            .web
            .as_ref()
            .is_some_and(|web| flags_of(web).response_ignore),
        name: read
            .web
            .as_ref()
            .and_then(|web| (setting.name_of)(scope, web)),
    }
}

/// A step that never runs, and why.
fn never(read: &Read, scope: Scope, index: usize, why: String, setting: &Setting<'_>) -> Step {
    Step {
        runs: false,
        why: Some(why),
        ..step(read, scope, index, None, setting)
    }
}

/// A single list (a `before` list, recovery and verification `after`): in order, `session`
/// last, entries without a step there flagged.
fn single(lists: &Lists, scope: Scope, setting: &Setting<'_>) -> Vec<Step> {
    let stage = match scope.timing() {
        Timing::Before => Stage::Before,
        Timing::After => Stage::after(scope.flow()),
    };
    let platform = setting.platform;
    let list = lists.entries(scope);
    let mut steps: Vec<Step> = list
        .iter()
        .filter(|(_, r)| r.acts(stage, platform))
        .map(|(index, r)| step(r, scope, *index, None, setting))
        .collect();
    session_last(&mut steps);
    steps.extend(list.iter().filter_map(|(index, r)| {
        let why = r.idle(&[stage], scope.flow(), platform)?;
        Some(never(r, scope, *index, why, setting))
    }));
    steps
}

/// Kratos runs `session` after every other hook of the list.
fn session_last(steps: &mut [Step]) {
    // A stable partition: every other step keeps its order.
    steps.sort_by_key(|step| step.hook == "session");
}

/// The chain of one method of login, registration or settings.
fn per_method(lists: &Lists, scope: Scope, flow_wide: Scope, setting: &Setting<'_>) -> Vec<Step> {
    let platform = setting.platform;
    let flow = scope.flow();
    let post = Stage::after(flow);
    let pre = Stage::pre_persist(flow);
    let own = lists.entries(scope);
    let fallback = lists.entries(flow_wide);
    let phase = |stage: Stage| {
        pre.map(|_| match stage {
            Stage::RegistrationPre | Stage::SettingsPre => Phase::PrePersist,
            _ => Phase::PostPersist,
        })
    };
    let mut steps = Vec::new();
    // Before the identity is saved: the per-method list only.
    if let Some(pre) = pre {
        steps.extend(
            own.iter()
                .filter(|(_, r)| r.acts(pre, platform))
                .map(|(index, r)| step(r, scope, *index, phase(pre), setting)),
        );
    }
    // After: the per-method list when it yields a hook for this stage (a web hook always does,
    // even one that acts only before the identity is saved), else the flow-wide list.
    let uses_own = replaces_flow_wide(own.iter().map(|(_, r)| r.hook.as_str()), flow, platform);
    if setting.verification && pre.is_some() {
        steps.push(Step {
            hook: "verification".into(),
            web: None,
            list: None,
            phase: phase(post),
            runs: true,
            why: None,
            asynchronous: false,
            name: None,
        });
    }
    let (chosen, chosen_scope) = if uses_own {
        (&own, scope)
    } else {
        (&fallback, flow_wide)
    };
    let mut after: Vec<Step> = chosen
        .iter()
        .filter(|(_, r)| r.acts(post, platform))
        .map(|(index, r)| step(r, chosen_scope, *index, phase(post), setting))
        .collect();
    session_last(&mut after);
    steps.extend(after);
    // What never runs for this method: the per-method list's entries without a step in the
    // flow, the flow-wide list when the per-method one is used, and hooks of the flow-wide
    // list that act only before the identity is saved, which reads no flow-wide list.
    let stages: Vec<Stage> = pre.into_iter().chain([post]).collect();
    steps.extend(own.iter().filter_map(|(index, r)| {
        let why = r.idle(&stages, flow, platform)?;
        Some(never(r, scope, *index, why, setting))
    }));
    if uses_own {
        steps.extend(fallback.iter().map(|(index, r)| {
            never(
                r,
                flow_wide,
                *index,
                format!("{scope} is not empty, so Kratos runs it instead of {flow_wide}"),
                setting,
            )
        }));
    } else {
        steps.extend(fallback.iter().filter_map(|(index, r)| {
            let never_in_flow_wide = r.web.as_ref().is_some_and(|w| {
                check_flags(&[flow_wide], flags_of(w))
                    .iter()
                    .any(|p| matches!(p, FlagError::NeverRuns { .. }))
            });
            let why = if never_in_flow_wide {
                format!(
                    "a hook that parses the response or can interrupt runs before the \
                     identity is saved, and that phase reads only the per-method list: in \
                     {flow_wide} Kratos never runs it"
                )
            } else {
                r.idle(&[post], flow, platform)?
            };
            Some(never(r, flow_wide, *index, why, setting))
        }));
    }
    steps
}

/// The chains as the JSON of `explain --json`: a list of `{flow, timing, auth_method, chain}`, each
/// step `{hook, url, method, list, index, phase, runs, why, async, name}` with `url` and
/// `method` for web hooks only, `list` and `index` null for Kratos's own verification step,
/// `why` only when `runs` is false, `async` when true, `name` when the stack names the hook.
pub(crate) fn to_json(chains: &[Chain]) -> Value {
    Value::Array(
        chains
            .iter()
            .map(|chain| {
                json!({
                    "flow": chain.flow.as_str(),
                    "timing": chain.timing.as_str(),
                    "auth_method": chain.method.map(AuthMethod::as_str),
                    "chain": chain.steps.iter().map(step_json).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn step_json(step: &Step) -> Value {
    let mut out = serde_json::Map::new();
    out.insert("hook".into(), step.hook.clone().into());
    if let Some((method, url)) = &step.web {
        out.insert("url".into(), url.to_string().into());
        out.insert("method".into(), method.clone().into());
    }
    out.insert(
        "list".into(),
        step.list
            .map_or(Value::Null, |(scope, _)| scope.config_pointer().into()),
    );
    out.insert(
        "index".into(),
        step.list.map_or(Value::Null, |(_, index)| index.into()),
    );
    out.insert(
        "phase".into(),
        step.phase.map_or(Value::Null, |p| p.as_str().into()),
    );
    out.insert("runs".into(), step.runs.into());
    if let Some(why) = &step.why {
        out.insert("why".into(), why.clone().into());
    }
    if step.asynchronous {
        out.insert("async".into(), true.into());
    }
    if let Some(name) = &step.name {
        out.insert("name".into(), name.clone().into());
    }
    Value::Object(out)
}

/// The chains for people: one block per chain, a line per step.
pub(crate) fn to_text(chains: &[Chain]) -> String {
    let mut out = String::new();
    for chain in chains {
        let _ = write!(out, "{} {}", chain.flow, chain.timing);
        if let Some(method) = chain.method {
            let _ = write!(out, " {method}");
        }
        out.push('\n');
        if chain.steps.is_empty() {
            out.push_str("  (no hooks)\n");
        }
        let mut phase = None;
        for step in &chain.steps {
            if step.runs && step.phase.is_some() && step.phase != phase {
                phase = step.phase;
                let _ = writeln!(out, "  {}:", step.phase.map_or("", Phase::as_str));
            }
            let indent = if step.runs && step.phase.is_some() {
                "    "
            } else {
                "  "
            };
            let mut line = String::new();
            if !step.runs {
                line.push_str("never runs: ");
            }
            match &step.web {
                Some((method, url)) => {
                    let _ = write!(line, "web_hook {method} {url}");
                }
                None => line.push_str(&step.hook),
            }
            if let Some(name) = &step.name {
                let _ = write!(line, " ({name})");
            }
            if step.asynchronous {
                line.push_str(" [async: Kratos does not wait for it]");
            }
            match step.list {
                Some((scope, index)) => {
                    let _ = write!(line, " — {scope} [{index}]");
                }
                None => line.push_str(" — Kratos's own step (verification is enabled)"),
            }
            let _ = writeln!(out, "{indent}{line}");
            if let Some(why) = &step.why {
                let _ = writeln!(out, "{indent}  {why}");
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
