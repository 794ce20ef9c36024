//! The planner: declared actions and a project document in, a [`ProjectPlan`] out. Pure: no I/O.
//!
//! Identity is the natural key (hook list, HTTP method, URL); nothing is stored anywhere else.
//! Entries the stack does not own — every entry that is not a web hook, and web hooks nobody
//! declared unless the prune policy owns them — keep their place and order. New hooks go in
//! before a `session` entry, so that signing in after registration stays last.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ory_actions_core::jsonnet::dedent;
use ory_actions_core::{Flow, Method, Scope, Timing};
use serde_json::Value;

use crate::action::Action;
use crate::error::Error;
use crate::remote::{
    Entry, HookKey, HookLists, StoredAuth, StoredBody, WebHook, rendered_web_hook,
};
use crate::render::Secrets;
use crate::stack::Prune;

/// Whether the plan makes the project match the stack, or removes what the stack owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Create, update and delete until the project matches the stack.
    Apply,
    /// Delete the declared hooks and those the prune policy owns.
    Destroy,
}

/// What happens to one web hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// A declared hook that is not there yet.
    Create,
    /// A declared hook that is there, with other settings.
    Update,
    /// An owned hook that goes away.
    Delete,
    /// A declared hook that is there as declared.
    Unchanged,
}

impl ChangeKind {
    /// `create`, `update`, `delete` or `no-op`: the names of the JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Update => "update",
            ChangeKind::Delete => "delete",
            ChangeKind::Unchanged => "no-op",
        }
    }
}

/// A value as a plan shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// Not set.
    Absent,
    /// A plain JSON value.
    Value(Value),
    /// A Jsonnet body.
    Text(String),
    /// A body stored at a URL whose content could not be read.
    Unreadable(String),
    /// A secret: never shown.
    Sensitive,
}

/// One field that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    /// The field, as in the hook's `config`: `body`, `response.ignore`, `auth.value`, …
    pub field: String,
    /// The value now.
    pub before: Shown,
    /// The value after the change.
    pub after: Shown,
}

/// What happens to one web hook, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Create, update, delete or unchanged.
    pub kind: ChangeKind,
    /// The hook list.
    pub scope: Scope,
    /// The HTTP method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The declaring action's name, if it has one.
    pub name: Option<String>,
    /// For deletes: true when the prune policy, not a declaration, owns the hook.
    pub pruned: bool,
    /// The fields that differ (for creates, every field set).
    pub fields: Vec<FieldChange>,
}

/// A web hook the stack does not own; left alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmanaged {
    /// The hook list.
    pub scope: Scope,
    /// The HTTP method.
    pub method: String,
    /// The URL.
    pub url: String,
}

/// Something worth knowing before applying, that does not stop the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
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
        methods: Vec<Method>,
    },
    /// A web hook without a body: Kratos fails every call of it.
    NoBody {
        /// The hook list.
        scope: Scope,
        /// The URL.
        url: String,
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
        url: String,
        /// Why the body could not be read.
        reason: String,
    },
    /// An action sets fields that Ory Network does not store; the hook works without them.
    NotStored {
        /// The action.
        action: String,
        /// The fields (`headers`, `emit_analytics_event`, `id`).
        fields: Vec<&'static str>,
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
    pub fn code(&self) -> &str {
        match self {
            Warning::ShadowsFlowWide { .. } => "shadows_flow_wide",
            Warning::FlowWideResumes { .. } => "flow_wide_resumes",
            Warning::FallbackSkipped { .. } => "fallback_skipped",
            Warning::NoBody { .. } => "no_body",
            Warning::Malformed { .. } => "malformed_remote_hook",
            Warning::BodyUnreadable { .. } => "body_unreadable",
            Warning::NotStored { .. } => "not_stored",
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
                "the web hook {url} in {scope} has no body: Kratos fails every call of a web \
                 hook without one; add `body`"
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
            Warning::NotStored { action, fields } => write!(
                f,
                "Ory Network does not store `{}` of a web hook, so {action} runs without {}; \
                 they take effect on self-hosted Kratos only",
                fields.join("`, `"),
                if fields.len() == 1 { "it" } else { "them" }
            ),
            Warning::Ory { code, message } => write!(f, "Ory: {message} ({code})"),
        }
    }
}

/// One hook list the apply replaces, whole.
#[derive(Clone, PartialEq)]
pub struct ListWrite {
    /// The list.
    pub scope: Scope,
    /// The list after the change. Holds secret values: never shown.
    pub(crate) entries: Vec<Value>,
}

impl Drop for ListWrite {
    fn drop(&mut self) {
        for entry in &mut self.entries {
            crate::render::wipe(entry);
        }
    }
}

impl fmt::Debug for ListWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListWrite")
            .field("scope", &self.scope)
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl ListWrite {
    /// The entries, with every secret value redacted.
    pub fn redacted_entries(&self) -> Vec<Value> {
        self.entries.iter().map(crate::render::redact).collect()
    }
}

/// What a plan's target is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TargetKind {
    /// An Ory Network project; `project_id` is its id.
    #[default]
    Project,
    /// A Kratos configuration file; `project_id` is its path.
    ConfigFile,
}

/// What a run does to one project (or configuration file).
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectPlan {
    /// What the target is.
    pub kind: TargetKind,
    /// The project, or the configuration file's path.
    pub project_id: String,
    /// The revision the plan was made against.
    pub revision_id: String,
    /// Every declared or owned hook and what happens to it, in list order.
    pub changes: Vec<Change>,
    /// Web hooks the stack does not own.
    pub unmanaged: Vec<Unmanaged>,
    /// Things worth knowing.
    pub warnings: Vec<Warning>,
    /// The lists to replace; empty when nothing changes.
    pub writes: Vec<ListWrite>,
    /// The secret values the writes hold, to keep them out of messages.
    pub(crate) secrets: SecretValues,
}

/// Secret values; `Debug` shows only how many there are, and they are overwritten when dropped.
#[derive(Clone, Default, PartialEq)]
pub(crate) struct SecretValues(pub(crate) Vec<String>);

impl Drop for SecretValues {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(zeroize::Zeroize::zeroize);
    }
}

impl fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} secret value(s)", self.0.len())
    }
}

impl ProjectPlan {
    /// Whether applying changes anything.
    pub fn has_changes(&self) -> bool {
        !self.writes.is_empty()
    }

    /// How many hooks are created, updated and deleted.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |kind| self.changes.iter().filter(|c| c.kind == kind).count();
        (
            count(ChangeKind::Create),
            count(ChangeKind::Update),
            count(ChangeKind::Delete),
        )
    }
}

/// The content of bodies stored at URLs, fetched before planning: URL → text or why not.
pub type FetchedBodies = BTreeMap<String, Result<String, String>>;

/// A declared hook: the entry to write and its meaning.
struct Desired<'a> {
    action: &'a Action,
    key: HookKey,
    entry: Value,
    hook: WebHook,
    /// Names of the headers whose values are secrets.
    secret_headers: BTreeSet<String>,
    /// JSON pointers (within `entry`) of every secret value.
    secret_pointers: Vec<String>,
}

impl Drop for Desired<'_> {
    fn drop(&mut self) {
        crate::render::wipe(&mut self.entry);
    }
}

impl Desired<'_> {
    /// The secret values in the entry (only real values when rendered with resolved secrets).
    fn secret_values(&self) -> impl Iterator<Item = String> + '_ {
        self.secret_pointers
            .iter()
            .filter_map(|p| self.entry.pointer(p).and_then(Value::as_str))
            .filter(|v| !v.is_empty() && *v != crate::render::REDACTED)
            .map(str::to_owned)
    }
}

/// Renders the actions of one project into the hooks to compare, refusing two declarations of
/// the same hook.
fn desired<'a>(actions: &[&'a Action], secrets: Secrets) -> Result<Vec<Desired<'a>>, Error> {
    let mut out: Vec<Desired<'a>> = Vec::new();
    for &action in actions {
        for mut rendered in action.render(secrets)? {
            let scope = rendered.scope;
            let entry = std::mem::take(&mut rendered.entry);
            let secret_pointers = std::mem::take(&mut rendered.secrets);
            let hook = rendered_web_hook(&entry);
            let secret_headers: BTreeSet<String> = secret_pointers
                .iter()
                .filter_map(|p| p.strip_prefix("/config/headers/"))
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect();
            let key = hook.key(scope);
            if let Some(first) = out.iter().find(|d| d.key == key) {
                return Err(Error::DuplicateHook {
                    hook: format!("{} {} in {}", key.method, key.url, key.scope),
                    first: first.action.to_string(),
                    second: action.to_string(),
                });
            }
            out.push(Desired {
                action,
                key,
                entry,
                hook,
                secret_headers,
                secret_pointers,
            });
        }
    }
    Ok(out)
}

/// The stored bodies the planner will need to compare (links, or file paths), of the hooks the
/// stack declares.
pub fn bodies_to_fetch(document: &Value, actions: &[&Action]) -> Result<Vec<String>, Error> {
    let lists = HookLists::read(document)?;
    let declared: BTreeSet<HookKey> = desired(actions, Secrets::Redacted)?
        .into_iter()
        .map(|d| d.key.clone())
        .collect();
    let mut urls = BTreeSet::new();
    for &scope in Scope::ALL {
        for entry in lists.get(scope).into_iter().flatten() {
            if let Entry::WebHook(hook) = Entry::read(entry)
                && let StoredBody::Url(reference) | StoredBody::Opaque(reference) = &hook.body
                && declared.contains(&hook.key(scope))
            {
                urls.insert(reference.clone());
            }
        }
    }
    Ok(urls.into_iter().collect())
}

/// Everything the planner needs for one project.
pub struct PlanInput<'a> {
    /// The project.
    pub project_id: &'a str,
    /// The project document as the console API returns it.
    pub document: &'a Value,
    /// The project's actions.
    pub actions: &'a [&'a Action],
    /// The prune policy.
    pub prune: &'a Prune,
    /// Apply or destroy.
    pub mode: Mode,
    /// Bodies stored at URLs, fetched beforehand (see [`bodies_to_fetch`]).
    pub bodies: &'a FetchedBodies,
    /// Whether secrets are read to compare them (apply) or left out (a plan for display only
    /// cannot tell whether a secret changed).
    pub secrets: Secrets,
    /// Whether the target keeps `headers`, `emit_analytics_event` and `id` (self-hosted Kratos
    /// does; Ory Network does not, so there they are neither compared nor expected back).
    pub stores_extras: bool,
    /// What the target is.
    pub kind: TargetKind,
    /// When set (`--target`), only these hook lists are planned; the others stay as they are.
    pub only: Option<&'a BTreeSet<Scope>>,
}

/// Plans one project.
pub fn plan_project(input: PlanInput<'_>) -> Result<ProjectPlan, Error> {
    let document = input.document;
    let revision_id = document
        .get("revision_id")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::RemoteDocument {
            pointer: "/revision_id".into(),
            problem: "the project has no revision id".into(),
        })?
        .to_owned();
    let lists = HookLists::read(document)?;
    let declared = desired(input.actions, input.secrets)?;
    let planner = ListPlanner {
        declared: &declared,
        wanted: match input.mode {
            Mode::Apply => declared.iter().collect(),
            Mode::Destroy => Vec::new(),
        },
        prune: input.prune,
        ctx: Compare {
            bodies: input.bodies,
            secrets: input.secrets == Secrets::Resolved,
            extras: input.stores_extras,
        },
    };
    let mut plan = ProjectPlan {
        kind: input.kind,
        project_id: input.project_id.to_owned(),
        revision_id,
        changes: Vec::new(),
        unmanaged: Vec::new(),
        warnings: Vec::new(),
        writes: Vec::new(),
        secrets: SecretValues::default(),
    };
    let mut new_lengths = BTreeMap::new();
    let targeted = |scope: Scope| input.only.is_none_or(|only| only.contains(&scope));
    for &scope in Scope::ALL {
        let old = lists.get(scope).map(Vec::as_slice).unwrap_or_default();
        if !targeted(scope) {
            new_lengths.insert(scope, old.len());
            continue;
        }
        let (new, changed) = planner.plan_list(scope, old, &mut plan);
        new_lengths.insert(scope, new.len());
        if changed {
            plan.writes.push(ListWrite {
                scope,
                entries: new,
            });
        }
    }
    if input.secrets == Secrets::Resolved {
        plan.secrets.0 = declared.iter().flat_map(|d| d.secret_values()).collect();
    }
    if input.mode == Mode::Apply {
        if !input.stores_extras {
            plan.warnings
                .extend(input.actions.iter().filter_map(|action| {
                    let fields = action.extras().set_fields();
                    (!fields.is_empty()).then(|| Warning::NotStored {
                        action: action.to_string(),
                        fields,
                    })
                }));
        }
        plan.warnings.extend(
            declared
                .iter()
                .filter(|d| d.hook.body == StoredBody::None && targeted(d.key.scope))
                .map(|d| Warning::NoBody {
                    scope: d.key.scope,
                    url: d.key.url.clone(),
                }),
        );
    }
    plan.warnings
        .extend(flow_wide_warnings(&lists, &new_lengths, &plan.writes));
    Ok(plan)
}

/// Rebuilds hook lists: what the stack declares, owns and leaves alone.
struct ListPlanner<'a> {
    declared: &'a [Desired<'a>],
    wanted: Vec<&'a Desired<'a>>,
    prune: &'a Prune,
    ctx: Compare<'a>,
}

impl ListPlanner<'_> {
    fn name_of(&self, key: &HookKey) -> Option<String> {
        self.declared
            .iter()
            .find(|d| d.key == *key)
            .and_then(|d| d.action.name().map(str::to_owned))
    }

    /// The list of `scope` after the change, and whether it differs from `old`. Records the
    /// changes, unmanaged hooks and warnings in `plan`.
    fn plan_list(&self, scope: Scope, old: &[Value], plan: &mut ProjectPlan) -> (Vec<Value>, bool) {
        let mut new: Vec<Value> = Vec::with_capacity(old.len() + 1);
        let mut matched: BTreeSet<&HookKey> = BTreeSet::new();
        let mut changed = false;
        for (index, entry) in old.iter().enumerate() {
            let hook = match Entry::read(entry) {
                Entry::WebHook(hook) => hook,
                Entry::Malformed(problem) => {
                    plan.warnings.push(Warning::Malformed {
                        scope,
                        index,
                        problem,
                    });
                    new.push(entry.clone());
                    continue;
                }
                Entry::Other => {
                    new.push(entry.clone());
                    continue;
                }
            };
            let key = hook.key(scope);
            let is_declared = self.declared.iter().any(|d| d.key == key);
            match self.wanted.iter().find(|d| d.key == key) {
                Some(want) if !matched.contains(&want.key) => {
                    matched.insert(&want.key);
                    let fields = compare(want, &hook, &self.ctx, scope, &mut plan.warnings);
                    let kind = if fields.is_empty() {
                        new.push(entry.clone());
                        ChangeKind::Unchanged
                    } else {
                        new.push(want.entry.clone());
                        changed = true;
                        ChangeKind::Update
                    };
                    plan.changes
                        .push(change(kind, &key, self.name_of(&key), false, fields));
                }
                _ if is_declared || self.prune.owns(&hook.url) => {
                    changed = true;
                    plan.changes.push(change(
                        ChangeKind::Delete,
                        &key,
                        self.name_of(&key),
                        !is_declared,
                        Vec::new(),
                    ));
                }
                _ => {
                    new.push(entry.clone());
                    plan.unmanaged.push(Unmanaged {
                        scope,
                        method: key.method,
                        url: key.url,
                    });
                }
            }
        }
        let at = new
            .iter()
            .position(|e| e.get("hook").and_then(Value::as_str) == Some("session"))
            .unwrap_or(new.len());
        let creates = self
            .wanted
            .iter()
            .filter(|d| d.key.scope == scope && !matched.contains(&d.key));
        for (offset, want) in creates.enumerate() {
            new.insert(at + offset, want.entry.clone());
            changed = true;
            let fields = compare(want, &absent(&want.hook), &self.ctx, scope, &mut Vec::new());
            plan.changes.push(change(
                ChangeKind::Create,
                &want.key,
                self.name_of(&want.key),
                false,
                fields,
            ));
        }
        (new, changed)
    }
}

fn change(
    kind: ChangeKind,
    key: &HookKey,
    name: Option<String>,
    pruned: bool,
    fields: Vec<FieldChange>,
) -> Change {
    Change {
        kind,
        scope: key.scope,
        method: key.method.clone(),
        url: key.url.clone(),
        name,
        pruned,
        fields,
    }
}

/// A hook with nothing set, to list every field of a create as a change from nothing.
fn absent(hook: &WebHook) -> WebHook {
    WebHook {
        url: hook.url.clone(),
        method: hook.method.clone(),
        body: StoredBody::None,
        can_interrupt: false,
        response_ignore: false,
        response_parse: false,
        auth: None,
        headers: BTreeMap::new(),
        emit_analytics_event: None,
        id: None,
        extra: BTreeMap::new(),
    }
}

/// What comparisons can draw on.
struct Compare<'a> {
    bodies: &'a FetchedBodies,
    /// Whether the declared secrets were read; when not, secret values are not compared.
    secrets: bool,
    /// Whether the target stores `headers`, `emit_analytics_event` and `id`.
    extras: bool,
}

/// The fields in which `remote` differs from `want`, by meaning.
fn compare(
    desired: &Desired<'_>,
    remote: &WebHook,
    ctx: &Compare<'_>,
    scope: Scope,
    warnings: &mut Vec<Warning>,
) -> Vec<FieldChange> {
    let want = &desired.hook;
    let bodies = ctx.bodies;
    let mut fields = Vec::new();
    let shown_body = |body: &StoredBody| match body {
        StoredBody::None => Shown::Absent,
        StoredBody::Text(text) => Shown::Text(text.clone()),
        StoredBody::Url(url) => match bodies.get(url) {
            Some(Ok(text)) => Shown::Text(text.clone()),
            Some(Err(reason)) => Shown::Unreadable(format!("{url} ({reason})")),
            None => Shown::Unreadable(url.clone()),
        },
        StoredBody::Opaque(raw) => match bodies.get(raw) {
            Some(Ok(text)) => Shown::Text(text.clone()),
            _ => Shown::Value(Value::String(raw.clone())),
        },
    };
    let (before, after) = (shown_body(&remote.body), shown_body(&want.body));
    let same_body = match (&before, &after) {
        // Indentation common to all lines means nothing to Jsonnet, and inline bodies lose it.
        (Shown::Text(a), Shown::Text(b)) => dedent(a) == dedent(b),
        (a, b) => a == b,
    };
    if !same_body {
        if let (StoredBody::Url(url), Shown::Unreadable(reason)) = (&remote.body, &before) {
            warnings.push(Warning::BodyUnreadable {
                scope,
                url: remote.url.clone(),
                reason: reason
                    .strip_prefix(url.as_str())
                    .unwrap_or(reason)
                    .trim()
                    .into(),
            });
        }
        fields.push(FieldChange {
            field: "body".into(),
            before,
            after,
        });
    }
    let mut flag = |field: &str, before: bool, after: bool| {
        if before != after {
            fields.push(FieldChange {
                field: field.into(),
                before: Shown::Value(before.into()),
                after: Shown::Value(after.into()),
            });
        }
    };
    flag("can_interrupt", remote.can_interrupt, want.can_interrupt);
    flag(
        "response.ignore",
        remote.response_ignore,
        want.response_ignore,
    );
    flag("response.parse", remote.response_parse, want.response_parse);
    compare_auth(
        remote.auth.as_ref(),
        want.auth.as_ref(),
        ctx.secrets,
        &mut fields,
    );
    if ctx.extras {
        compare_extras(desired, remote, ctx, &mut fields);
    }
    fields
}

/// `headers`, `emit_analytics_event`, `id` and fields this version does not model. A header
/// value shows only when the stack declares it as plain text.
fn compare_extras(
    desired: &Desired<'_>,
    remote: &WebHook,
    ctx: &Compare<'_>,
    fields: &mut Vec<FieldChange>,
) {
    let want = &desired.hook;
    let names: BTreeSet<&String> = remote.headers.keys().chain(want.headers.keys()).collect();
    for name in names {
        let secret = desired.secret_headers.contains(name.as_str());
        let (before, after) = (remote.headers.get(name), want.headers.get(name));
        if before == after || (secret && !ctx.secrets && before.is_some()) {
            continue;
        }
        let plain = after.is_some() && !secret;
        let shown = |value: Option<&String>| match value {
            None => Shown::Absent,
            Some(_) if !plain => Shown::Sensitive,
            Some(value) => Shown::Value(Value::String(value.clone())),
        };
        fields.push(FieldChange {
            field: format!("headers.{name}"),
            before: shown(before),
            after: shown(after),
        });
    }
    let (before, after) = (
        remote.emit_analytics_event.unwrap_or(true),
        want.emit_analytics_event.unwrap_or(true),
    );
    if before != after {
        fields.push(FieldChange {
            field: "emit_analytics_event".into(),
            before: Shown::Value(before.into()),
            after: Shown::Value(after.into()),
        });
    }
    if remote.id != want.id {
        let shown = |id: &Option<String>| {
            id.as_ref()
                .map_or(Shown::Absent, |id| Shown::Value(Value::String(id.clone())))
        };
        fields.push(FieldChange {
            field: "id".into(),
            before: shown(&remote.id),
            after: shown(&want.id),
        });
    }
    let keys: BTreeSet<&String> = remote.extra.keys().chain(want.extra.keys()).collect();
    for key in keys {
        let (before, after) = (remote.extra.get(key), want.extra.get(key));
        if before != after {
            let shown = |v: Option<&Value>| v.map_or(Shown::Absent, |v| Shown::Value(v.clone()));
            fields.push(FieldChange {
                field: key.clone(),
                before: shown(before),
                after: shown(after),
            });
        }
    }
}

fn compare_auth(
    before: Option<&StoredAuth>,
    after: Option<&StoredAuth>,
    secrets: bool,
    fields: &mut Vec<FieldChange>,
) {
    let plain = |v: &str| Shown::Value(Value::String(v.to_owned()));
    let mut push = |field: &str, before: Shown, after: Shown| {
        fields.push(FieldChange {
            field: field.into(),
            before,
            after,
        });
    };
    match (before, after) {
        (None, None) => {}
        (
            Some(StoredAuth::ApiKey {
                name: n0,
                value: v0,
                location: l0,
            }),
            Some(StoredAuth::ApiKey {
                name: n1,
                value: v1,
                location: l1,
            }),
        ) => {
            if n0 != n1 {
                push("auth.name", plain(n0), plain(n1));
            }
            if l0 != l1 {
                push("auth.in", plain(l0), plain(l1));
            }
            if secrets && v0 != v1 {
                push("auth.value", Shown::Sensitive, Shown::Sensitive);
            }
        }
        (
            Some(StoredAuth::BasicAuth {
                user: u0,
                password: p0,
            }),
            Some(StoredAuth::BasicAuth {
                user: u1,
                password: p1,
            }),
        ) => {
            if u0 != u1 {
                push("auth.user", plain(u0), plain(u1));
            }
            if secrets && p0 != p1 {
                push("auth.password", Shown::Sensitive, Shown::Sensitive);
            }
        }
        (before, after) => {
            let shown = |auth: Option<&StoredAuth>| match auth {
                None => Shown::Absent,
                Some(StoredAuth::ApiKey { name, location, .. }) => Shown::Value(
                    serde_json::json!({"type": "api_key", "name": name, "in": location, "value": crate::render::REDACTED}),
                ),
                Some(StoredAuth::BasicAuth { user, .. }) => Shown::Value(
                    serde_json::json!({"type": "basic_auth", "user": user, "password": crate::render::REDACTED}),
                ),
                Some(StoredAuth::Other(_)) => Shown::Sensitive,
            };
            push("auth", shown(before), shown(after));
        }
    }
}

/// Warnings about Kratos's rule that a non-empty per-method list replaces the flow-wide list.
fn flow_wide_warnings(
    before: &HookLists<'_>,
    after: &BTreeMap<Scope, usize>,
    writes: &[ListWrite],
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
            let (was, is) = (before.len(list), after.get(&list).copied().unwrap_or(0));
            if was == 0 && is > 0 && fallback_len > 0 {
                warnings.push(Warning::ShadowsFlowWide {
                    list,
                    flow_wide,
                    hooks: fallback_len,
                });
            }
            if was > 0 && is == 0 && fallback_len > 0 {
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
            let methods: Vec<Method> = per_method
                .iter()
                .filter(|s| after.get(s).copied().unwrap_or(0) > 0 && !warned.contains(s))
                .filter_map(|s| s.method())
                .collect();
            if !methods.is_empty() {
                warnings.push(Warning::FallbackSkipped { flow_wide, methods });
            }
        }
    }
    warnings
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
