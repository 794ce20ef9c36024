//! Comparing a declared hook with the one a backend holds, field by field and by meaning.

use std::collections::{BTreeMap, BTreeSet};

use ory_actions_core::Scope;
use ory_actions_core::fields::{AUTH, BODY, Field, HEADERS, ID, flags};
use ory_actions_core::jsonnet::dedent;
use serde_json::Value;

use super::desired::Desired;
use super::project_plan::{FieldChange, NOT_RETURNED, RESENT, Shown};
use super::warning::Warning;
use crate::hooks::{HookUrl, REDACTED, StoredAuth, StoredBody, WebHook};

/// The content of bodies stored at URLs, fetched before planning: URL → text or why not.
pub(crate) type FetchedBodies = BTreeMap<String, Result<String, String>>;

/// A hook with nothing set, to list every field of a create as a change from nothing.
pub(super) fn absent(hook: &WebHook) -> WebHook {
    WebHook::new(hook.url.clone(), hook.method.clone())
}

/// What comparisons can draw on.
pub(super) struct Compare<'a> {
    pub(super) bodies: &'a FetchedBodies,
    /// Whether the declared secrets were read; when not, secret values are not compared.
    pub(super) secrets: bool,
    /// Whether the backend stores every field of the table of fields (Ory Network leaves some
    /// out).
    pub(super) extras: bool,
    /// Whether the backend always holds a hook's secrets (a file does); when it does not, a
    /// secret left out of what it returns cannot be compared.
    pub(super) returns_secrets: bool,
    /// The actions whose secrets are sent again whatever the comparison says.
    pub(super) resend: &'a Resend,
}

/// Which actions' secrets `apply --resend-secrets` sends again, for rotation when a backend does
/// not return secrets to compare.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Resend {
    /// None: secrets are compared where they can be.
    #[default]
    None,
    /// Every action's.
    All,
    /// The actions with these names.
    Named(BTreeSet<String>),
}

impl Resend {
    /// Whether the secrets of the action named `name` go again.
    pub(crate) fn covers(&self, name: Option<&str>) -> bool {
        match self {
            Resend::None => false,
            Resend::All => true,
            Resend::Named(names) => name.is_some_and(|n| names.contains(n)),
        }
    }
}

/// The fields in which `remote` differs from `want`, by meaning.
pub(super) fn compare(
    desired: &Desired<'_>,
    remote: &WebHook,
    ctx: &Compare<'_>,
    scope: Scope,
    warnings: &mut Vec<Warning>,
) -> Vec<FieldChange> {
    let want = desired.hook();
    let bodies = ctx.bodies;
    let mut fields = Vec::new();
    let shown_body = |body: &StoredBody| match body {
        StoredBody::None => Shown::Absent,
        StoredBody::Text(text) => Shown::Text(text.clone()),
        StoredBody::Url(url) => match bodies.get(url) {
            Some(Ok(text)) => Shown::Text(text.clone()),
            Some(Err(reason)) => {
                Shown::Unreadable(format!("{} ({reason})", HookUrl::new(url.as_str())))
            }
            None => Shown::Unreadable(HookUrl::new(url.as_str()).to_string()),
        },
        StoredBody::File(raw) => match bodies.get(raw) {
            Some(Ok(text)) => Shown::Text(text.clone()),
            Some(Err(reason)) => Shown::Unreadable(format!("{raw} ({reason})")),
            None => Shown::Value(Value::String(raw.clone())),
        },
        StoredBody::Opaque(raw) => Shown::Value(Value::String(raw.clone())),
    };
    // A declared reference is what goes into the entry: shown as written, compared as such.
    let declared_body = |body: &StoredBody| match body {
        StoredBody::Url(url) => Shown::Value(Value::String(HookUrl::new(url.as_str()).to_string())),
        StoredBody::File(raw) => Shown::Value(Value::String(raw.clone())),
        other => shown_body(other),
    };
    // The same text, or no body on either side: nothing to show or fetch.
    let identical = match (&remote.body, &want.body) {
        (StoredBody::Text(a), StoredBody::Text(b)) => a == b,
        (StoredBody::None, StoredBody::None) => true,
        _ => false,
    };
    if !identical {
        let (before, after) = (shown_body(&remote.body), declared_body(&want.body));
        let same_body = remote.body.same_reference(&want.body)
            || match (&before, &after) {
                // Indentation common to all lines means nothing to Jsonnet, and inline bodies lose it.
                (Shown::Text(a), Shown::Text(b)) => a == b || dedent(a) == dedent(b),
                (a, b) => a == b,
            };
        if !same_body {
            if let (Some(reference), Shown::Unreadable(reason)) = (remote.body.reference(), &before)
            {
                let shown = match &remote.body {
                    StoredBody::Url(url) => HookUrl::new(url.as_str()).to_string(),
                    _ => reference.to_owned(),
                };
                warnings.push(Warning::BodyUnreadable {
                    scope,
                    url: remote.url.clone(),
                    reason: reason
                        .strip_prefix(shown.as_str())
                        .unwrap_or(reason)
                        .trim()
                        .into(),
                });
            }
            fields.push(FieldChange {
                field: BODY.name.into(),
                before,
                after,
                note: None,
            });
        }
    }
    compare_auth(
        remote.auth.as_ref(),
        want.auth.as_ref(),
        ctx,
        ctx.resend.covers(desired.action.name()),
        &mut fields,
    );
    if ctx.extras {
        compare_headers(desired, remote, ctx, &mut fields);
    }
    for field in flags().filter(|field| ctx.extras || field.on_ory_network) {
        fields.extend(flag_change(
            field,
            remote.flags.given(field),
            want.flags.given(field),
        ));
    }
    if ctx.extras {
        compare_rest(remote, want, &mut fields);
    }
    // Kept in the plan for every hook: no room left over.
    fields.shrink_to_fit();
    fields
}

/// The headers, which Ory Network does not store. A header value shows only when the stack
/// declares it as plain text.
fn compare_headers(
    desired: &Desired<'_>,
    remote: &WebHook,
    ctx: &Compare<'_>,
    fields: &mut Vec<FieldChange>,
) {
    let want = desired.hook();
    let names: BTreeSet<&String> = remote.headers.keys().chain(want.headers.keys()).collect();
    for name in names {
        let secret = desired.secret_headers().contains(name.as_str());
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
            field: format!("{}.{name}", HEADERS.name).into(),
            before: shown(before),
            after: shown(after),
            note: None,
        });
    }
}

/// The `id`, which Ory Network does not store, and the fields this version does not model.
fn compare_rest(remote: &WebHook, want: &WebHook, fields: &mut Vec<FieldChange>) {
    if remote.id != want.id {
        let shown = |id: &Option<String>| {
            id.as_ref()
                .map_or(Shown::Absent, |id| Shown::Value(Value::String(id.clone())))
        };
        fields.push(FieldChange {
            field: ID.name.into(),
            before: shown(&remote.id),
            after: shown(&want.id),
            note: None,
        });
    }
    let keys: BTreeSet<&String> = remote.extra.keys().chain(want.extra.keys()).collect();
    for key in keys {
        let (before, after) = (remote.extra.get(key), want.extra.get(key));
        if before != after {
            let shown = |v: Option<&Value>| v.map_or(Shown::Absent, |v| Shown::Value(v.clone()));
            fields.push(FieldChange {
                field: key.clone().into(),
                before: shown(before),
                after: shown(after),
                note: None,
            });
        }
    }
}

/// The change of the flag `field`, an absent one being its default; none when it is the same.
fn flag_change(field: &Field, before: Option<bool>, after: Option<bool>) -> Option<FieldChange> {
    let (before, after) = (
        before.unwrap_or(field.default_flag()),
        after.unwrap_or(field.default_flag()),
    );
    (before != after).then(|| FieldChange {
        field: field.name.into(),
        before: Shown::Value(before.into()),
        after: Shown::Value(after.into()),
        note: None,
    })
}

fn compare_auth(
    before: Option<&StoredAuth>,
    after: Option<&StoredAuth>,
    ctx: &Compare<'_>,
    resend: bool,
    fields: &mut Vec<FieldChange>,
) {
    let plain = |v: &str| Shown::Value(Value::String(v.to_owned()));
    let mut push =
        |field: &'static str, before: Shown, after: Shown, note: Option<&'static str>| {
            fields.push(FieldChange {
                field: field.into(),
                before,
                after,
                note,
            });
        };
    // A secret: sent again on request; not compared where the backend left it out; else
    // compared when the declared one was read.
    let secret =
        |stored: &Option<String>, declared: &Option<String>| -> Option<Option<&'static str>> {
            if resend && ctx.secrets {
                Some(Some(RESENT))
            } else if stored.is_none() && !ctx.returns_secrets {
                Some(Some(NOT_RETURNED))
            } else if ctx.secrets && stored != declared {
                Some(None)
            } else {
                None
            }
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
                push("auth.name", plain(n0), plain(n1), None);
            }
            if l0 != l1 {
                push("auth.in", plain(l0), plain(l1), None);
            }
            if let Some(note) = secret(v0, v1) {
                push("auth.value", Shown::Sensitive, Shown::Sensitive, note);
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
                push("auth.user", plain(u0), plain(u1), None);
            }
            if let Some(note) = secret(p0, p1) {
                push("auth.password", Shown::Sensitive, Shown::Sensitive, note);
            }
        }
        (before, after) => {
            let shown = |auth: Option<&StoredAuth>| match auth {
                None => Shown::Absent,
                Some(StoredAuth::ApiKey { name, location, .. }) => Shown::Value(
                    serde_json::json!({"type": "api_key", "name": name, "in": location, "value": REDACTED}),
                ),
                Some(StoredAuth::BasicAuth { user, .. }) => Shown::Value(
                    serde_json::json!({"type": "basic_auth", "user": user, "password": REDACTED}),
                ),
                Some(StoredAuth::Other(_)) => Shown::Sensitive,
            };
            push(AUTH.name, shown(before), shown(after), None);
        }
    }
}
