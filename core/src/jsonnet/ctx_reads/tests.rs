use super::*;
use crate::scope::{Flow, Timing};

const ALL_SHAPES: [(Flow, Timing); 10] = [
    (Flow::Login, Timing::Before),
    (Flow::Login, Timing::After),
    (Flow::Registration, Timing::Before),
    (Flow::Registration, Timing::After),
    (Flow::Recovery, Timing::Before),
    (Flow::Recovery, Timing::After),
    (Flow::Settings, Timing::Before),
    (Flow::Settings, Timing::After),
    (Flow::Verification, Timing::Before),
    (Flow::Verification, Timing::After),
];

fn shape(flow: Flow, timing: Timing) -> CtxShape {
    CtxShape::of(flow, timing)
}

/// `(line, column, text)` of every problem of `source` in `flow` `timing` hooks.
fn found(source: &str, flow: Flow, timing: Timing) -> Vec<(usize, usize, String)> {
    check_ctx(source, shape(flow, timing))
        .into_iter()
        .map(|e| (e.line, e.column, e.text))
        .collect()
}

fn kinds(source: &str, flow: Flow, timing: Timing) -> Vec<CtxErrorKind> {
    check_ctx(source, shape(flow, timing))
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// Fine in every hook.
fn fine_everywhere(source: &str) {
    for (flow, timing) in ALL_SHAPES {
        assert_eq!(
            check_ctx(source, shape(flow, timing)),
            vec![],
            "{flow} {timing}: {source}"
        );
    }
}

#[test]
fn an_unknown_top_level_field_is_refused_with_a_suggestion() {
    let source = "function(ctx) {\n  id: ctx.identty.id,\n  u: ctx['request_ur'],\n}";
    assert_eq!(
        found(source, Flow::Login, Timing::After),
        [
            (2, 7, "ctx.identty".to_owned()),
            (3, 6, "ctx['request_ur']".to_owned())
        ]
    );
    assert_eq!(
        kinds(source, Flow::Login, Timing::After),
        [
            CtxErrorKind::UnknownField {
                field: "identty".into(),
                suggestion: Some("identity")
            },
            CtxErrorKind::UnknownField {
                field: "request_ur".into(),
                suggestion: Some("request_url")
            },
        ]
    );
    // Kratos's own template that fails (`selfservice/hook/stub/bad_template.jsonnet`).
    let bad = "function(ctx) {\n  flow_id: ctx.foo,\n}\n";
    for (flow, timing) in ALL_SHAPES {
        assert_eq!(
            kinds(bad, flow, timing),
            [CtxErrorKind::UnknownField {
                field: "foo".into(),
                suggestion: None
            }]
        );
    }
    let message = check_ctx(bad, shape(Flow::Login, Timing::Before))[0].to_string();
    assert_eq!(
        message,
        "the Jsonnet body reads `ctx.foo` at line 2, column 12, but Kratos's `ctx` has no field \
         `foo` (it has `flow`, `request_headers`, `request_method`, `request_url`, \
         `request_cookies`, `identity` and `session`)"
    );
    let message = check_ctx(source, shape(Flow::Login, Timing::After))[0].to_string();
    assert_eq!(
        message,
        "the Jsonnet body reads `ctx.identty` at line 2, column 7, but Kratos's `ctx` has no \
         field `identty`: did you mean `identity`?"
    );
}

#[test]
fn identity_and_session_where_the_hook_has_none_are_refused() {
    let source = "function(ctx) { sid: ctx.session.id, uid: ctx.identity.id }";
    assert_eq!(
        found(source, Flow::Registration, Timing::After),
        [(1, 22, "ctx.session".to_owned())]
    );
    assert_eq!(
        found(source, Flow::Login, Timing::Before),
        [
            (1, 22, "ctx.session".to_owned()),
            (1, 43, "ctx.identity".to_owned())
        ]
    );
    assert_eq!(
        found(source, Flow::Settings, Timing::Before),
        [(1, 43, "ctx.identity".to_owned())]
    );
    assert_eq!(found(source, Flow::Login, Timing::After), []);
    assert_eq!(found(source, Flow::Settings, Timing::After), []);
    let message = check_ctx(source, shape(Flow::Registration, Timing::After))[0].to_string();
    assert_eq!(
        message,
        "the Jsonnet body reads `ctx.session` at line 1, column 22, which registration after \
         hooks do not get: `ctx.session` is only passed to login after, settings before and \
         settings after hooks, so every call of this web hook would fail (\"field does not \
         exist\"); guard the read with `if 'session' in ctx then … else …` or use \
         `std.get(ctx, 'session', null)`"
    );
    // Reading it to compare is a read too.
    assert_eq!(
        found(
            "function(ctx) { s: ctx.session != null }",
            Flow::Verification,
            Timing::After
        ),
        [(1, 20, "ctx.session".to_owned())]
    );
    // `ctx["session"]` and parentheses are the same read.
    assert_eq!(
        found(
            "function(ctx) { s: (ctx)[ \"session\" ].id }",
            Flow::Recovery,
            Timing::Before
        ),
        [(1, 20, "(ctx)[ \"session\" ]".to_owned())]
    );
}

#[test]
fn an_unknown_key_of_identity_session_or_flow_is_refused() {
    let source = "function(ctx) {\n  t: ctx.identity.trait.email,\n  a: ctx.session.aal,\n  \
                  c: ctx.flow.continue_with,\n  p: ctx.identity['credentials'],\n}";
    assert_eq!(
        found(source, Flow::Login, Timing::After),
        [
            (2, 6, "ctx.identity.trait".to_owned()),
            (3, 6, "ctx.session.aal".to_owned()),
            (4, 6, "ctx.flow.continue_with".to_owned()),
            (5, 6, "ctx.identity['credentials']".to_owned()),
        ]
    );
    let errors = check_ctx(source, shape(Flow::Login, Timing::After));
    assert_eq!(
        errors[0].to_string(),
        "the Jsonnet body reads `ctx.identity.trait` at line 2, column 6, but an identity in \
         `ctx.identity` has no key `trait`: did you mean `traits`?"
    );
    assert!(
        errors[1]
            .to_string()
            .contains("a session in `ctx.session` has no key `aal` (it has `id`, `active`"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2]
            .to_string()
            .contains("a login flow in `ctx.flow` has no key `continue_with`"),
        "{}",
        errors[2]
    );
    assert_eq!(
        errors[3].to_string(),
        "the Jsonnet body reads `ctx.identity['credentials']` at line 5, column 6, but Kratos \
         removes `credentials` from the identity it passes to web hooks, so every call of this \
         web hook would fail (\"field does not exist\")"
    );
    // Settings flows have `continue_with`; deeper levels are the user's.
    assert_eq!(
        found(
            "function(ctx) { c: ctx.flow.continue_with, t: ctx.identity.traits.anything.x, \
             m: ctx.identity.metadata_public.plan, s: ctx.session.identity.whatever }",
            Flow::Settings,
            Timing::After
        ),
        []
    );
    // Every key Kratos can emit is fine.
    for (flow, timing) in ALL_SHAPES {
        let s = shape(flow, timing);
        for field in s.fields() {
            for key in s.keys_of(field).unwrap_or_default() {
                let source = format!("function(ctx) {{ v: ctx.{field}.{key} }}");
                assert_eq!(check_ctx(&source, s), [], "{source} in {s}");
            }
        }
    }
}

#[test]
fn reads_anywhere_in_the_template_are_found() {
    let source = "local base = { a: 1 };\nfunction(ctx, extra = 1)\n  local s = ctx.sesion;\n  \
                  base + {\n    list: [ctx.flow.idd, std.length(ctx.request_headerz)],\n    \
                  each: [x for x in ctx.identity.verifiable_adresses],\n    call: \
                  std.join(',', [s]),\n  }";
    assert_eq!(
        found(source, Flow::Login, Timing::After),
        [
            (3, 13, "ctx.sesion".to_owned()),
            (5, 12, "ctx.flow.idd".to_owned()),
            (5, 37, "ctx.request_headerz".to_owned()),
            (6, 23, "ctx.identity.verifiable_adresses".to_owned()),
        ]
    );
}

#[test]
fn guarded_reads_are_fine() {
    let guarded = [
        "function(ctx) { s: if 'session' in ctx then ctx.session.id else null }",
        "function(ctx) { s: if 'session' in ctx then ctx.session.id }",
        "function(ctx) { s: if std.objectHas(ctx, 'session') then ctx.session.id }",
        "function(ctx) { s: if std.objectHasAll(ctx, \"session\") then ctx['session'].id }",
        "function(ctx) { s: if std.objectHasEx(ctx, 'session', true) then ctx.session.id }",
        "function(ctx) { s: std.get(ctx, 'session', null) }",
        "function(ctx) { s: std.get(ctx, 'session', {}).id }",
        "function(ctx) { s: 'session' in ctx && ctx.session.active }",
        "function(ctx) { s: !('session' in ctx) || ctx.session.active }",
        "function(ctx) { s: if !std.objectHas(ctx, 'session') then null else ctx.session.id }",
        "function(ctx) { s: if !('session' in ctx) then null else ctx.session.id }",
        "function(ctx) { s: if 'identity' in ctx && 'session' in ctx then ctx.session.id + \
         ctx.identity.id }",
        "function(ctx) { s: if !('identity' in ctx && 'session' in ctx) then null else \
         ctx.session.id }",
        "function(ctx) { s: if ('session' in ctx) then (if true then ctx.session.id) }",
        "function(ctx) { [if 'session' in ctx then 'sid']: ctx.session.id }",
        "function(ctx) { [if 'session' in ctx then 'sid' else null]: ctx.session.id }",
        "function(ctx) { [k]: ctx.session[k] for k in ['id'] if 'session' in ctx }",
        "function(ctx) { ids: [ctx.session.id for x in [1] if std.objectHas(ctx, 'session')] }",
        "function(ctx) { ids: [s.id for s in (if 'session' in ctx then [ctx.session] else [])] }",
        "function(ctx) local has = 'session' in ctx; { s: if has then ctx.session.id }",
        "function(ctx) assert 'session' in ctx; { s: ctx.session.id }",
        "function(ctx) { assert std.objectHas(ctx, 'session'), s: ctx.session.id }",
        "function(ctx) { t: if std.objectHas(ctx.flow, 'foo') then ctx.flow.foo }",
        "function(ctx) { t: if 'identty' in ctx then ctx.identty }",
    ];
    for source in guarded {
        fine_everywhere(source);
    }
}

#[test]
fn a_guard_does_not_cover_the_other_branch() {
    let r = (Flow::Registration, Timing::After);
    let refused = [
        "function(ctx) { s: if 'session' in ctx then null else ctx.session.id }",
        "function(ctx) { s: 'session' in ctx || ctx.session.active }",
        "function(ctx) { s: if 'identity' in ctx then ctx.session.id }",
        "function(ctx) { s: if 'session' in ctx || 'identity' in ctx then ctx.session.id }",
        "function(ctx) { s: if std.objectHas(ctx.flow, 'session') then ctx.session.id }",
        "function(ctx) { [if 'session' in ctx then 'sid' else 'none']: ctx.session.id }",
        "function(ctx) { s: [ctx.session.id for x in [1]] }",
    ];
    for source in refused {
        assert_eq!(found(source, r.0, r.1).len(), 1, "{source}");
    }
    // Under a guard of a field the hook lacks, the read is dead code there; where the hook has
    // it, the guard holds and the keys are checked.
    let typo = "function(ctx) { s: if 'session' in ctx then ctx.session.idd }";
    assert_eq!(found(typo, r.0, r.1), []);
    assert_eq!(
        found(
            "function(ctx) { s: if 'session' in ctx then ctx.session.idd }",
            Flow::Login,
            Timing::After
        ),
        [(1, 45, "ctx.session.idd".to_owned())]
    );
}

#[test]
fn what_the_analysis_cannot_follow_is_never_refused() {
    let unfollowed = [
        // Aliases, computed keys, `ctx` as a value.
        "function(ctx) local c = ctx; { s: c.session.id }",
        "function(ctx) local k = 'session'; { s: ctx[k].id }",
        "function(ctx) { s: ctx['sess' + 'ion'] }",
        "function(ctx) { s: std.prune(ctx).session }",
        "function(ctx) { all: ctx, p: std.prune(ctx) }",
        "function(ctx) local f(c) = c.session.id; { s: f(ctx) }",
        "function(ctx) { f(c):: c.session, s: self.f(ctx) }",
        "function(ctx) { c: ctx, s: self.c.session.id }",
        // Shadowed `ctx`.
        "function(ctx) local ctx = { session: { id: 1 } }; { s: ctx.session.id }",
        "function(ctx) local f(ctx) = ctx.session.id; { s: f({ session: { id: 1 } }) }",
        "function(ctx) { s: [ctx.session for ctx in [{ session: 1 }]] }",
        "function(ctx) { local ctx = { session: 1 }, s: ctx.session }",
        "function(ctx) { s: (function(ctx) ctx.session)({ session: 1 }) }",
        // Guards it does not understand.
        "function(ctx) { s: if std.member(std.objectFields(ctx), 'session') then \
         ctx.session.id }",
        "function(ctx) { s: if std.objectHas(ctx, 'session') == false then null else \
         ctx.session.id }",
        "function(ctx) local has(k) = std.objectHas(ctx, k); { s: if has('session') then \
         ctx.session.id }",
        "function(ctx) local keys = std.objectFields(ctx); { s: if std.member(keys, 'session') \
         then ctx.session.id }",
        "function(ctx) local f(ok) = if ok then ctx.session.id; { s: f('session' in ctx) }",
        "function(ctx) { s: if std.length(std.objectFields(ctx)) > 6 then ctx.session.id }",
        "function(ctx) { s: if std.objectHas(ctx.flow, k) then ctx.flow.foo, local k = 'foo' }",
        // Never evaluated: unused locals, hidden fields.
        "function(ctx) local unused = ctx.session.id; { a: 1 }",
        "function(ctx) { hidden:: ctx.session.id, a: 1 }",
        // Not a function of `ctx`: `ctx` is no parameter there.
        "{ s: ctx.session }",
        "local ctx = { session: 1 }; { s: ctx.session }",
        "function(context) { s: context.session }",
        // Does not parse: the syntax check reports it.
        "function(ctx) { s: ctx.session,, }",
    ];
    for source in unfollowed {
        fine_everywhere(source);
    }
}

#[test]
fn kratos_s_own_templates_are_fine() {
    // `selfservice/hook/stub/test_body.jsonnet`
    let test_body = r#"function(ctx) std.prune({
  flow_id: ctx.flow.id,
  identity_id: if std.objectHas(ctx, "identity") then ctx.identity.id,
  session_id: if std.objectHas(ctx, "session") then ctx.session.id,
  headers: ctx.request_headers,
  url: ctx.request_url,
  method: ctx.request_method,
  cookies: ctx.request_cookies,
  transient_payload: if std.objectHas(ctx.flow, "transient_payload") then ctx.flow.transient_payload,
})
"#;
    // `test/e2e/profiles/webhooks/webhook_body.jsonnet`
    let e2e = r#"function(ctx) {
    identity_id: if std.objectHas(ctx, "identity") then ctx.identity.id else null,
    email: if std.objectHas(ctx, "identity") then ctx.identity.traits.email else null,
    flow_id: ctx.flow.id,
    flow_type: ctx.flow.type,
    identity: if std.objectHas(ctx, "identity") then ctx.identity else null,
    ctx: ctx
}
"#;
    // Ory's documented examples.
    let documented = r#"function(ctx) {
  userId: ctx.identity.id,
  traits: {
    email: ctx.identity.traits.email,
    name: ctx.identity.traits.name,
    newsletterConsent: ctx.identity.metadata_public.consent.newsletter,
  },
}
"#;
    let cancel = r#"function(ctx)
  if std.startsWith(ctx.identity.traits.email, "test-") then
    error "cancel"
  else
    { email: ctx.identity.traits.email, flow: ctx.flow.id, method: ctx.flow.active }
"#;
    for source in [test_body, e2e, "{}", "error \"cancel\""] {
        fine_everywhere(source);
    }
    for (flow, timing) in ALL_SHAPES {
        let expected = if timing == Timing::After { 0 } else { 1 };
        assert_eq!(found(documented, flow, timing).len(), expected * 4);
        assert_eq!(found(cancel, flow, timing).len(), expected * 2);
    }
}

#[test]
fn deep_templates_do_not_overflow() {
    let nested = |depth: usize| {
        format!(
            "function(ctx) {}ctx.identty{}",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    // On a test thread's 2 MiB stack: the analysis of a template deeper than a few levels runs
    // on a thread of its own.
    let (deepest, too_deep) = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            (
                kinds(
                    &nested(super::super::MAX_DEPTH - 3),
                    Flow::Login,
                    Timing::After,
                ),
                kinds(&nested(20_000), Flow::Login, Timing::After),
            )
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(
        deepest,
        [CtxErrorKind::UnknownField {
            field: "identty".into(),
            suggestion: Some("identity")
        }]
    );
    // Refused by `check_body`: nothing to analyse.
    assert_eq!(too_deep, []);
}

#[test]
fn escaped_and_verbatim_keys_are_read_as_go_jsonnet_reads_them() {
    let source = "function(ctx) {\n  a: ctx['ses\\u0073ion'],\n  b: ctx[@'identty'],\n  \
                  c: ctx.identity[\"cred\\u0065ntials\"],\n  d: ctx['\\/x'],\n  \
                  e: ctx[|||\n    flow\n  |||],\n}";
    assert_eq!(
        found(source, Flow::Registration, Timing::After),
        [
            (2, 6, "ctx['ses\\u0073ion']".to_owned()),
            (3, 6, "ctx[@'identty']".to_owned()),
            (4, 6, "ctx.identity[\"cred\\u0065ntials\"]".to_owned()),
            (5, 6, "ctx['\\/x']".to_owned()),
            (6, 6, "ctx[|||\n    flow\n  |||]".to_owned()),
        ]
    );
    assert_eq!(
        kinds(source, Flow::Registration, Timing::After)[3],
        CtxErrorKind::UnknownField {
            field: "/x".into(),
            suggestion: None
        }
    );
    // An escape go-jsonnet refuses is check_body's to report.
    fine_everywhere("function(ctx) { a: ctx['\\q'] }");
}

#[test]
fn problems_come_in_source_order() {
    // The object's `local` is walked first, and is still reported after the field before it.
    let source = "function(ctx) { a: ctx.foo, local l = ctx.bar, b: l }";
    assert_eq!(
        found(source, Flow::Login, Timing::After),
        [(1, 20, "ctx.foo".to_owned()), (1, 39, "ctx.bar".to_owned())]
    );
    assert_eq!(
        found(
            "function(ctx) { a: ((ctx)).foo, b: (ctx.session).idd }",
            Flow::Login,
            Timing::After
        ),
        [(1, 20, "((ctx)).foo".to_owned())]
    );
}

#[test]
fn guards_through_many_locals_are_followed_in_bounded_time() {
    // Each local uses the next `uses` times: following every use down to the depth limit
    // takes `uses`^7 steps.
    let source = |uses: usize| {
        let binds: Vec<String> = (0..7)
            .map(|i| format!("l{i} = {}", vec![format!("l{}", i + 1); uses].join(" + ")))
            .collect();
        format!(
            "function(ctx) local {}, l7 = 1; {{ a: if l0 then ctx.session.id else 1 }}",
            binds.join(", ")
        )
    };
    // Few uses: followed to the end, the condition tests no field of `ctx`.
    assert_eq!(
        found(&source(2), Flow::Login, Timing::Before),
        [(1, 143, "ctx.session".to_owned())]
    );
    // 300^7 steps would never end: past its budget the analysis stays silent.
    let started = std::time::Instant::now();
    assert_eq!(found(&source(300), Flow::Login, Timing::Before), []);
    // Some 0.3 s in a debug build.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // Each look-up through thousands of names in scope counts against the budget too (it took
    // half a minute).
    let filler: Vec<String> = (0..3_500).map(|i| format!("f{i} = 1")).collect();
    let crowded = source(100).replace("l7 = 1;", &format!("l7 = 1, {};", filler.join(", ")));
    let started = std::time::Instant::now();
    assert_eq!(found(&crowded, Flow::Login, Timing::Before), []);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn thousands_of_conditions_are_followed_in_linear_time() {
    // What each condition of a comprehension or assertion of an object makes known was added
    // to a copy of all that was known before: as many as 64 KiB hold took 4 s in a debug
    // build (quadratic), and now take 0.1 s.
    let filled = |head: &str, unit: &str, tail: &str| {
        let n = (super::super::MAX_BODY_BYTES - head.len() - tail.len()) / unit.len();
        format!("{head}{}{tail}", unit.repeat(n))
    };
    let comprehension = filled(
        "function(ctx) [ctx.session.id for x in [1] ",
        "if 'session' in ctx ",
        "]",
    );
    let object = filled(
        "function(ctx) { ",
        "assert 'session' in ctx, ",
        "a: ctx.session.id }",
    );
    // And each field or method of such an object copied all that was known (2 s in a debug
    // build; now the fields share it).
    let methods = format!(
        "function(ctx) {{ {}{}z: ctx.session.id }}",
        "assert 'session' in ctx, ".repeat(1_300),
        (0..3_000)
            .map(|i| format!("a{i}(x):1,"))
            .collect::<String>()
    );
    assert!(methods.len() <= super::super::MAX_BODY_BYTES);
    let started = std::time::Instant::now();
    for source in [&comprehension, &object, &methods] {
        assert_eq!(found(source, Flow::Login, Timing::Before), []);
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    for source in [&comprehension, &object, &methods] {
        let unguarded = source.replace("'session' in ctx", "true");
        assert_ne!(found(&unguarded, Flow::Login, Timing::Before), []);
    }
}

/// `check_template` skips the analysis for a plain template whose reads Kratos all sends
/// (`Plain::reads_sent`): its errors are still those of the full analysis, in every hook.
#[test]
fn plain_templates_have_the_errors_of_the_full_analysis() {
    use proptest::prelude::*;
    let names = prop::sample::select(vec![
        "identity",
        "session",
        "flow",
        "request_headers",
        "request_url",
        "transient_payload",
        "identiy",
        "id",
        "traits",
        "email",
        "credentials",
        "metadata_admin",
        "ui",
        "expires_at",
        "nonsense",
    ]);
    let step = prop_oneof![
        names.clone().prop_map(|name| format!(".{name}")),
        names.prop_map(|name| format!("['{name}']")),
        (0..3_u8).prop_map(|index| format!("[{index}]")),
    ];
    let read = prop::collection::vec(step, 0..4).prop_map(|steps| format!("ctx{}", steps.concat()));
    let template = (prop::collection::vec(read, 1..5), any::<bool>()).prop_map(|(reads, array)| {
        let fields: Vec<String> = reads
            .iter()
            .enumerate()
            .map(|(at, read)| format!("f{at}: {read}"))
            .collect();
        let listed = if array {
            format!(", all: [{}]", reads.join(", "))
        } else {
            String::new()
        };
        format!("function(ctx) {{ {}{listed} }}", fields.join(", "))
    });
    proptest!(ProptestConfig::with_cases(400), |(source in template)| {
        for (flow, timing) in ALL_SHAPES {
            let shape = shape(flow, timing);
            let checked = crate::jsonnet::check_template(&source, shape).expect("a valid body");
            prop_assert!(checked.plain.is_some(), "{}", source);
            prop_assert_eq!(checked.ctx_errors, check_ctx(&source, shape), "{}", source);
        }
    });
}

mod traits {
    use super::*;
    use crate::identity::Schemas;

    const EMAIL: &str = include_str!("../../../tests/identity_schemas/email-password.schema.json");
    const PHONE: &str = include_str!("../../../tests/identity_schemas/phone-password.schema.json");

    fn both() -> Schemas {
        Schemas::read([
            ("identity/customer.schema.json", EMAIL),
            ("identity/staff.schema.json", PHONE),
        ])
        .unwrap()
    }

    /// `(line, column, text, message)` of each problem of `body` (`function(ctx) …`) in a
    /// registration after hook, against `schemas`.
    fn problems(body: &str, schemas: &Schemas) -> Vec<(usize, usize, String, String)> {
        let source = format!("function(ctx) {body}");
        check_ctx_with(
            &source,
            shape(Flow::Registration, Timing::After),
            Some(schemas),
        )
        .into_iter()
        .map(|e| (e.line, e.column, e.text.clone(), e.to_string()))
        .collect()
    }

    fn fine(body: &str, schemas: &Schemas) {
        assert_eq!(problems(body, schemas), vec![], "{body}");
    }

    #[test]
    fn an_unknown_trait_is_refused_with_the_nearest_path() {
        let found = problems("{ e: ctx.identity.traits.emial }", &both());
        assert_eq!(found.len(), 1, "{found:?}");
        let (line, column, text, message) = &found[0];
        assert_eq!(
            (*line, *column, text.as_str()),
            (1, 20, "ctx.identity.traits.emial")
        );
        assert_eq!(
            message,
            "the Jsonnet body reads `ctx.identity.traits.emial` at line 1, column 20, but no \
             identity schema declares the trait `emial` (read against \
             `identity/customer.schema.json` and `identity/staff.schema.json`), so Kratos fails the \
             call for every identity without it (\"field does not exist\"): did you mean \
             `ctx.identity.traits.email`?"
        );
        // Nested, in brackets, through the session, at the wrong level.
        for (body, text, suggestion) in [
            (
                "{ f: ctx.identity.traits.name.frist }",
                "ctx.identity.traits.name.frist",
                "`ctx.identity.traits.name.first`",
            ),
            (
                "{ f: ctx.identity.traits['name']['frist'] }",
                "ctx.identity.traits['name']['frist']",
                "`ctx.identity.traits.name.first`",
            ),
            (
                "{ f: ctx.identity.traits.first }",
                "ctx.identity.traits.first",
                "`ctx.identity.traits.name.first`",
            ),
            (
                "{ f: ctx.identity.traits.email.address }",
                "ctx.identity.traits.email.address",
                "declares the trait `email.address`",
            ),
        ] {
            let found = problems(body, &both());
            assert_eq!(found.len(), 1, "{body}: {found:?}");
            assert_eq!(found[0].2, text, "{body}");
            assert!(found[0].3.contains(suggestion), "{body}: {}", found[0].3);
        }
        let login = check_ctx_with(
            "function(ctx) ctx.session.identity.traits.emial",
            shape(Flow::Login, Timing::After),
            Some(&both()),
        );
        assert_eq!(login.len(), 1, "{login:?}");
        assert_eq!(login[0].text, "ctx.session.identity.traits.emial");
    }

    #[test]
    fn a_trait_only_some_schemas_have_must_be_read_guarded() {
        let found = problems("{ p: ctx.identity.traits.phone }", &both());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].3,
            "the Jsonnet body reads `ctx.identity.traits.phone` at line 1, column 20, but only \
             `identity/staff.schema.json` declares the trait `phone`: identities of \
             `identity/customer.schema.json` have no such trait, and Kratos fails the call for \
             them (\"field does not exist\"); guard the read with `if 'phone' in \
             ctx.identity.traits then … else …` or use `std.get(ctx.identity.traits, 'phone', \
             null)`"
        );
        let nested = problems("{ f: ctx.identity.traits.name.first }", &both());
        assert!(
            nested[0]
                .3
                .contains("only `identity/customer.schema.json` declares the trait `name`"),
            "{nested:?}"
        );
        for guarded in [
            "{ p: if 'phone' in ctx.identity.traits then ctx.identity.traits.phone else null }",
            "{ p: if std.objectHas(ctx.identity.traits, 'phone') then ctx.identity.traits.phone }",
            "{ p: std.get(ctx.identity.traits, 'phone', null) }",
            "{ p: 'phone' in ctx.identity.traits && ctx.identity.traits.phone != '' }",
            "{ assert 'phone' in ctx.identity.traits, p: ctx.identity.traits.phone }",
            "{ [if 'name' in ctx.identity.traits then 'n']: ctx.identity.traits.name.first }",
            "{ e: ctx.identity.traits.email, t: ctx.identity.traits }",
            // A computed key: not followed.
            "{ p: [ctx.identity.traits[k] for k in ['phone', 'email']] }",
        ] {
            fine(guarded, &both());
        }
    }

    #[test]
    fn a_test_for_a_trait_no_schema_has_is_a_typo() {
        for (body, text) in [
            (
                "{ p: std.get(ctx.identity.traits, 'phnoe', null) }",
                "'phnoe'",
            ),
            (
                "{ p: if 'phnoe' in ctx.identity.traits then 1 else 2 }",
                "'phnoe'",
            ),
            (
                "{ p: std.objectHas(ctx.identity.traits.name, 'frist') }",
                "'frist'",
            ),
        ] {
            let found = problems(body, &both());
            let texts: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
            assert!(texts.contains(&text), "{body}: {found:?}");
            assert!(
                found
                    .iter()
                    .any(|f| f.3.contains("did you mean") || f.3.contains("they declare")),
                "{found:?}"
            );
        }
    }

    #[test]
    fn arrays_refs_and_no_schemas() {
        let schema = r##"{"$defs": {"email": {"type": "object", "properties": {"value": {"type": "string"}}, "additionalProperties": false}},
          "properties": {"traits": {"type": "object", "properties": {
            "emails": {"type": "array", "items": {"$ref": "#/$defs/email"}}}}}}"##;
        let schemas = Schemas::read([("refs.json", schema)]).unwrap();
        fine("{ e: ctx.identity.traits.emails[0].value }", &schemas);
        let found = problems("{ e: ctx.identity.traits.emails[0].valeu }", &schemas);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].2, "ctx.identity.traits.emails[0].valeu");
        assert!(found[0].3.contains("`emails[…].valeu`"), "{}", found[0].3);
        // Without schemas, traits are not checked; an empty set is no schemas.
        let source = "function(ctx) ctx.identity.traits.emial";
        let registration = shape(Flow::Registration, Timing::After);
        assert_eq!(check_ctx_with(source, registration, None), vec![]);
        assert_eq!(
            check_ctx_with(source, registration, Some(&Schemas::default())),
            vec![]
        );
        // What `ctx` lacks is reported first, and the traits of a read that fails anyway are
        // not.
        let found = check_ctx_with(
            "function(ctx) ctx.identity.traits.emial",
            shape(Flow::Registration, Timing::Before),
            Some(&both()),
        );
        assert_eq!(found.len(), 1);
        assert!(matches!(found[0].kind, CtxErrorKind::NotPassed { .. }));
    }

    /// What the review found: indexes into strings, guards the analysis cannot follow (which
    /// silence it, as on `ctx` itself), guards on array items, and how a test is worded.
    #[test]
    fn strings_unfollowed_guards_array_guards_and_tests() {
        fine("{ i: ctx.identity.traits.email[0] }", &both());
        for unfollowed in [
            "{ p: if std.get(ctx.identity.traits, 'phone') != null then ctx.identity.traits.phone else null }",
            "{ p: if std.member(std.objectFields(ctx.identity.traits), 'phone') then ctx.identity.traits.phone }",
            "{ p: if ctx.identity.schema_id == 'staff' then ctx.identity.traits.phone }",
        ] {
            fine(unfollowed, &both());
        }
        // A scalar trait in a condition is no guard: the branch is still checked.
        let found = problems(
            "{ p: if ctx.identity.traits.email != '' then ctx.identity.traits.phone }",
            &both(),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let items = |extra: &str| {
            format!(
                r#"{{"properties": {{"traits": {{"type": "object", "properties": {{
                  "emails": {{"type": "array", "items": {{"type": "object", "properties": {{
                    "value": {{"type": "string"}}{extra}}}, "additionalProperties": false}}}}}},
                  "additionalProperties": false}}}}}}"#
            )
        };
        let with = items(r#", "primary": {"type": "boolean"}"#);
        let without = items("");
        let schemas =
            Schemas::read([("a.json", with.as_str()), ("b.json", without.as_str())]).unwrap();
        fine(
            "{ p: if 'primary' in ctx.identity.traits.emails[0] then ctx.identity.traits.emails[0].primary else null }",
            &schemas,
        );
        let found = problems("{ p: ctx.identity.traits.emails[0].primary }", &schemas);
        assert!(
            found.len() == 1
                && found[0]
                    .3
                    .contains("only `a.json` declares the trait `emails[…].primary`"),
            "{found:?}"
        );
        let found = problems(
            "{ p: std.get(ctx.identity.traits, 'phnoe', null) }",
            &both(),
        );
        assert!(
            found[0]
                .3
                .contains("a test for a trait no schema has is most likely a typo"),
            "{found:?}"
        );
    }
}
