// Sent after every settings change, whatever the method.
function(ctx) {
  identity_id: ctx.identity.id,
  flow_id: ctx.flow.id,
  at: std.get(ctx.flow, 'updated_at', null),
}
