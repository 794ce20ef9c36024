//! The planner's promises, checked on thousands of random projects and stacks: after applying a
//! plan, every entry the stack does not own is still there in its original relative order, the
//! owned web hooks are exactly the declared ones (each once), and a second plan is empty.

use std::collections::BTreeSet;

use ory_actions_core::{AuthMethods, HttpMethod, Scope};
use proptest::prelude::*;
use serde_json::{Value, json};

use super::tests::{input, lists_of, set_list};
use super::*;

/// URLs the stack may declare; `https://ours.example/` is what `Prune::UrlPrefix` owns.
const OURS: &str = "https://ours.example/";

fn entry_for(scope: Scope) -> impl Strategy<Value = Value> {
    let kinds: Vec<&'static str> = scope
        .accepts()
        .iter()
        .copied()
        .filter(|k| *k != "web_hook")
        .collect();
    let other_kind = proptest::sample::select(kinds).prop_map(|kind| match kind {
        "b2b_sso" | "organization" => json!({"hook": kind, "config": {"opaque": true}}),
        "notify_previous_addresses" => json!({"hook": kind, "config": {"recipients": "all"}}),
        kind => json!({"hook": kind}),
    });
    let web_hook = (0..6usize, prop::bool::ANY, prop::bool::ANY, 0..3usize).prop_map(
        |(n, ours, put, body)| {
            let url = if ours {
                format!("{OURS}{n}")
            } else {
                format!("https://theirs.example/{n}")
            };
            let body = [
                "base64://e30=",
                "base64://eyBhOiAxIH0=",
                "https://bodies.example/1",
            ][body];
            let method = if put { "PUT" } else { "POST" };
            json!({"hook": "web_hook", "config": {
                "url": url,
                "method": method,
                "body": body,
                "response": {"ignore": n % 2 == 0},
            }})
        },
    );
    prop_oneof![other_kind, web_hook]
}

/// A project document with random lists, `session` last where it is accepted.
fn document() -> impl Strategy<Value = Value> {
    let lists = Scope::ALL
        .iter()
        .map(|&scope| {
            (
                prop::bool::ANY,
                prop::collection::vec(entry_for(scope), 0..5),
            )
                .prop_map(move |(present, mut entries)| {
                    entries.retain(|e| e["hook"] != "session");
                    if scope.accepts().contains(&"session") {
                        entries.push(json!({"hook": "session"}));
                    }
                    (scope, present.then_some(entries))
                })
        })
        .collect::<Vec<_>>();
    lists.prop_map(|lists| {
        let mut doc = json!({"revision_id": "r1", "services": {"identity": {"config": {}}}});
        for (scope, entries) in lists {
            let Some(entries) = entries else { continue };
            // A list is written once: drop entries equal to an earlier one (uniqueItems).
            let mut unique: Vec<Value> = Vec::new();
            for entry in entries {
                if !unique.contains(&entry) {
                    unique.push(entry);
                }
            }
            set_list(&mut doc, scope, Value::Array(unique));
        }
        doc
    })
}

fn action() -> impl Strategy<Value = Action> {
    (
        proptest::sample::select(Scope::ALL.to_vec()),
        0..6usize,
        prop::bool::ANY,
        0..3usize,
        prop::bool::ANY,
    )
        .prop_map(|(scope, n, put, body, ignore)| {
            let mut builder = Action::builder(scope.flow(), scope.timing(), format!("{OURS}{n}"))
                .method(if put {
                    HttpMethod::Put
                } else {
                    HttpMethod::Post
                })
                .body(["{}", "{ a: 1 }", "function(ctx) { id: ctx.flow.id }"][body])
                .response_ignore(ignore);
            if scope.flow().needs_auth_method(scope.timing()) {
                builder = builder.auth_method(match scope.method() {
                    Some(method) => AuthMethods::from(method),
                    None => AuthMethods::Fallback,
                });
            }
            builder.build().expect("every generated action is valid")
        })
}

/// Actions with distinct hooks (the same list, method and URL only once).
fn stack() -> impl Strategy<Value = Vec<Action>> {
    prop::collection::vec(action(), 0..8).prop_map(|actions| {
        let mut seen = BTreeSet::new();
        actions
            .into_iter()
            .filter(|a| seen.insert((a.scopes()[0], a.method(), a.url().to_owned())))
            .collect()
    })
}

fn prune() -> impl Strategy<Value = Prune> {
    prop_oneof![
        Just(Prune::None),
        Just(Prune::All),
        Just(Prune::UrlPrefix(OURS.into())),
    ]
}

fn plan_of(doc: &Value, actions: &[&Action], prune: &Prune, bodies: &FetchedBodies) -> ProjectPlan {
    let lists = lists_of(doc);
    plan_project(PlanInput {
        prune,
        ..input(&lists, actions, bodies)
    })
    .expect("generated documents are well-formed")
}

/// The key of a web hook entry, or `None` for other entries.
fn key_of(scope: Scope, entry: &Value) -> Option<(Scope, String, String)> {
    match Entry::read(entry) {
        Entry::WebHook(hook) => Some((
            scope,
            hook.method.to_string(),
            hook.url.with_credentials().to_owned(),
        )),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn applying_a_plan_keeps_what_is_not_owned_and_converges(
        doc in document(),
        actions in stack(),
        prune in prune(),
    ) {
        let actions: Vec<&Action> = actions.iter().collect();
        let bodies = FetchedBodies::from([("https://bodies.example/1".to_owned(), Ok("{}".to_owned()))]);
        let plan = plan_of(&doc, &actions, &prune, &bodies);
        let mut after = doc.clone();
        for write in &plan.writes {
            set_list(&mut after, write.scope, Value::Array(write.values().to_vec()));
        }
        let declared: BTreeSet<(Scope, String, String)> = actions
            .iter()
            .map(|a| (a.scopes()[0], a.method().as_str().to_owned(), a.url().to_owned()))
            .collect();
        let owned = |scope: Scope, entry: &Value| match key_of(scope, entry) {
            Some(key) => declared.contains(&key) || prune.owns(&key.2),
            None => false,
        };
        for &scope in Scope::ALL {
            let before: Vec<Value> = doc.pointer(scope.pointer()).and_then(Value::as_array).cloned().unwrap_or_default();
            let now: Vec<Value> = after.pointer(scope.pointer()).and_then(Value::as_array).cloned().unwrap_or_default();
            // What the stack does not own is still there, in the same relative order.
            let kept_before: Vec<&Value> = before.iter().filter(|e| !owned(scope, e)).collect();
            let kept_now: Vec<&Value> = now.iter().filter(|e| !owned(scope, e)).collect();
            prop_assert_eq!(&kept_before, &kept_now, "{:?}", scope);
            // The owned hooks are exactly the declared ones, each once.
            let owned_now: Vec<(Scope, String, String)> = now.iter().filter(|e| owned(scope, e)).filter_map(|e| key_of(scope, e)).collect();
            let declared_here: BTreeSet<_> = declared.iter().filter(|k| k.0 == scope).cloned().collect();
            prop_assert_eq!(owned_now.len(), declared_here.len(), "{:?}: {:?}", scope, owned_now);
            prop_assert_eq!(owned_now.into_iter().collect::<BTreeSet<_>>(), declared_here);
            // `session` stays last.
            if before.last() == Some(&json!({"hook": "session"})) {
                prop_assert_eq!(now.last(), Some(&json!({"hook": "session"})));
            }
        }
        let again = plan_of(&after, &actions, &prune, &bodies);
        prop_assert!(!again.has_changes(), "{:?}", again.changes);
    }
}
