//! Reads of `identity` and `session` behind a guard compile in every hook, including those whose
//! `ctx` lacks them.

use ory_actions::action;

const GUARDED: &str = r#"
function(ctx) {
  a: if 'session' in ctx then ctx.session.id else null,
  b: if std.objectHas(ctx, 'session') then ctx.session.id,
  c: if std.objectHasAll(ctx, 'identity') then ctx.identity.id,
  d: std.get(ctx, 'session', null),
  e: 'session' in ctx && ctx.session.active,
  f: if !('identity' in ctx) then null else ctx.identity.traits,
  [if 'session' in ctx then 'sid']: ctx.session.id,
  ids: [ctx.identity.id for x in [1] if 'identity' in ctx],
  flow: ctx.flow.id,
}
"#;

fn main() {
    let _ = action! {
        flow: registration,
        timing: after,
        auth_method: password,
        url: "https://hooks.example.com/a",
        body: "function(ctx) {
          a: if 'session' in ctx then ctx.session.id else null,
          b: if std.objectHas(ctx, 'session') then ctx.session.id,
          c: std.get(ctx, 'session', null),
          d: 'session' in ctx && ctx.session.active,
          e: if !('session' in ctx) then null else ctx.session.id,
          [if 'session' in ctx then 'sid']: ctx.session.id,
          ids: [ctx.session.id for x in [1] if std.objectHasAll(ctx, 'session')],
          identity: ctx.identity.id,
        }",
    };
    let _ = action! {
        flow: login,
        timing: before,
        url: "https://hooks.example.com/b",
        body: "function(ctx) {
          a: if 'identity' in ctx then ctx.identity.id,
          b: if std.objectHas(ctx, 'session') then ctx.session.id else null,
          flow: ctx.flow.id,
          url: ctx.request_url,
        }",
    };
    let _ = action! {
        flow: settings,
        timing: after,
        auth_method: profile,
        url: "https://hooks.example.com/c",
        body: "function(ctx) { sid: ctx.session.id, id: ctx.identity.id, next: ctx.flow.continue_with }",
    };
    let _ = GUARDED;
}
